"""Privacy by construction: what a stolen database reveals, /hapusdata, retention, and the tests for the
privacy features that once could be deleted without any test noticing."""

import asyncio
import hashlib
import json
import logging
import sqlite3

import pytest
from conftest import MODERATOR, OWNER, start_telegram, stop_telegram

from bot.citizens import Citizens
from bot.privacy import load_secrets

pytestmark = pytest.mark.e2e

CITIZEN = 734_519_882_301  # distinctive, so that a search of the raw file cannot hit it by chance


def buttons(sent: dict) -> list[tuple[str, str]]:
    markup = sent.get("reply_markup") or {}
    return [(b["text"], b.get("callback_data", "")) for row in markup.get("inline_keyboard", []) for b in row]


def raw_files(db_path) -> bytes:
    """Every byte of the database on disk: the file, its write-ahead log and shared memory."""
    return b"".join(p.read_bytes() for p in db_path.parent.glob(db_path.name + "*"))


async def citizen_leaves_traces(telegram) -> str:
    """A citizen asks, rates, forwards a question and picks a language: every kind of record."""
    [reply] = await telegram.say("satpel pvp kupang", user_id=CITIZEN)
    helpful = next(data for label, data in buttons(reply) if data.endswith(":1"))
    await telegram.press(helpful, telegram.message_of(reply), user_id=CITIZEN)
    [unknown] = await telegram.say("jadwal kapal ferry kupang ke rote", user_id=CITIZEN)
    await telegram.press("q", telegram.message_of(unknown), user_id=CITIZEN)
    [menu] = await telegram.say("/bahasa", user_id=CITIZEN)
    await telegram.press("l:id", telegram.message_of(menu), user_id=CITIZEN)
    return telegram.app.bot_data["citizens"].hash(CITIZEN)


async def test_hapusdata_deletes_everything_of_the_citizen_from_the_file_and_the_log(telegram, tg_settings, caplog):
    caplog.set_level(logging.INFO)
    who = await citizen_leaves_traces(telegram)
    db = telegram.service.store.db
    assert db.execute("SELECT count(*) FROM deliveries WHERE user_hash = ?", [who]).fetchone()[0] == 1
    assert who.encode() in raw_files(tg_settings.db_path)
    [prompt] = await telegram.say("/hapusdata", user_id=CITIZEN)
    assert buttons(prompt) == [("🗑️ Ya, hapus", "hd:yes"), ("Batal", "hd:no")]
    assert db.execute("SELECT count(*) FROM users WHERE user_hash = ?", [who]).fetchone()[0] == 1  # not yet
    await telegram.press("hd:yes", telegram.message_of(prompt), user_id=CITIZEN)
    assert telegram.api.calls_to("editMessageText")[-1]["text"] == "✅ Semua data Anda sudah dihapus."
    for table in ("users", "questions", "feedback", "query_log", "deliveries", "outbox"):
        assert db.execute(f"SELECT count(*) FROM {table} WHERE user_hash = ?", [who]).fetchone()[0] == 0, table
    assert db["question_chats"].count == 0
    assert not telegram.app.bot_data["flood_gate"].knows(who)
    on_disk = raw_files(tg_settings.db_path)
    assert who.encode() not in on_disk and str(CITIZEN).encode() not in on_disk
    assert who not in caplog.text and str(CITIZEN) not in caplog.text


async def test_hapusdata_can_be_cancelled(telegram):
    who = await citizen_leaves_traces(telegram)
    [prompt] = await telegram.say("/hapusdata", user_id=CITIZEN)
    await telegram.press("hd:no", telegram.message_of(prompt), user_id=CITIZEN)
    assert telegram.api.calls_to("editMessageText")[-1]["text"] == "Tidak ada yang dihapus."
    assert telegram.service.store.db.execute("SELECT count(*) FROM feedback WHERE user_hash = ?",
                                             [who]).fetchone()[0] == 1


async def test_the_database_alone_identifies_no_one(telegram, tg_settings):
    """An attacker with the file but not the key: no chat id in any column, no way to test a guess."""
    await citizen_leaves_traces(telegram)
    await telegram.say("/mod tambah 778", user_id=OWNER)
    with sqlite3.connect(tg_settings.db_path) as db:
        dump = json.dumps([db.execute(f"SELECT * FROM {t}").fetchall() for (t,) in
                           db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")], default=str)
        assert str(CITIZEN) not in dump
        assert db.execute("SELECT count(*) FROM meta WHERE key = 'salt'").fetchone()[0] == 0
        hashes = {h for (h,) in db.execute("SELECT user_hash FROM query_log")}
        chats = [c for (c,) in db.execute("SELECT chat FROM deliveries")]
    # Guessing: hash candidate ids without the salt (plain or HMAC with an empty key) finds nothing.
    for candidate in (CITIZEN, 4242):
        plain = hashlib.sha256(str(candidate).encode()).hexdigest()[:24]
        assert plain not in hashes
        assert load_secrets("", tg_settings.db_path.parent / "guess.key").hash(candidate) not in hashes
    assert chats and all(c.startswith("gAAAA") and str(CITIZEN) not in c for c in chats)  # Fernet tokens


def test_without_a_salt_the_secret_lives_in_a_key_file_outside_the_database(store, tmp_path):
    key_file = tmp_path / "config" / "secret.key"
    store.set_meta("salt", "an-old-salt-kept-in-the-database")
    citizens = Citizens(store, "", key_file)
    assert store.get_meta("salt") is None  # moved out of the database
    assert key_file.read_text().strip() == "an-old-salt-kept-in-the-database"  # old hashes stay valid
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    again = Citizens(store, "", key_file)
    assert again.hash(42) == citizens.hash(42)
    assert Citizens(store, "", tmp_path / "other.key").hash(42) != citizens.hash(42)


def test_hashes_are_salted(store, tmp_path):
    """Survived: hashing without the salt. Two salts give two hashes; neither is the bare digest."""
    first, second = Citizens(store, "salt-one"), Citizens(store, "salt-two")
    assert first.hash(4242) != second.hash(4242)
    assert first.hash(4242) == Citizens(store, "salt-one").hash(4242)
    assert first.hash(4242) not in (hashlib.sha256(b"4242").hexdigest()[:24], "4242")


@pytest.mark.parametrize("tg_overrides", [{"keep_queries_days": 10, "keep_feedback_days": 20,
                                           "keep_questions_days": 5, "keep_deliveries_days": 30}])
async def test_the_daily_job_deletes_records_older_than_their_age(bot_api, tg_settings, tg_overrides):
    """Also the test for the 30-day cleanup of delivery records, which once survived its deletion."""
    harness = await start_telegram(bot_api, tg_settings)
    try:
        assert harness.app.job_queue.get_jobs_by_name("retention")  # scheduled daily
        await citizen_leaves_traces(harness)
        db = harness.service.store.db
        for fact_id in ("satpel-pvp-kupang", "blk-kupang"):
            harness.app.bot_data["citizens"].record_delivery(CITIZEN, "h", fact_id, 1)
        with db.conn:
            db.execute("UPDATE query_log SET at = '2024-01-01T00:00:00+00:00'")
            db.execute("UPDATE feedback SET at = '2024-01-01T00:00:00+00:00'")
            db.execute("UPDATE questions SET status = 'answered', answered_at = '2024-01-01T00:00:00+00:00'")
            db.execute("UPDATE deliveries SET at = datetime('now', '-31 days') WHERE fact_id = 'satpel-pvp-kupang'")
            db.execute("UPDATE deliveries SET at = datetime('now', '-29 days') WHERE fact_id = 'blk-kupang'")
        from bot.tg import retention

        await retention.purge(harness.app)  # what the job runs
        assert db["query_log"].count == 0 and db["feedback"].count == 0
        assert [r["text"] for r in db.query("SELECT text FROM questions")] == [""]
        assert [r["fact_id"] for r in db.query("SELECT fact_id FROM deliveries")] == ["blk-kupang"]
    finally:
        await stop_telegram(harness)


async def test_start_states_what_is_stored_and_for_how_long(telegram):
    [reply] = await telegram.say("/start")
    assert "90 hari" in reply["text"] and "180 hari" in reply["text"] and "30 hari" in reply["text"]
    assert "/hapusdata" in reply["text"] and "terenkripsi" in reply["text"]


async def test_logs_carry_no_ids_or_names_above_debug(telegram, caplog):
    caplog.set_level(logging.INFO)
    telegram.api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    await telegram.say("BSU hoaks nama saya Yohanes", user_id=CITIZEN)
    await telegram.say("harga cengkeh", user_id=CITIZEN)
    await telegram.say("/mod tambah 5", user_id=CITIZEN)
    await asyncio.sleep(0)
    who = telegram.app.bot_data["citizens"].hash(CITIZEN)
    assert caplog.records
    assert str(CITIZEN) not in caplog.text and who not in caplog.text and "Yohanes" not in caplog.text
    assert MODERATOR  # moderators are staff: their ids are in the audit log by design
