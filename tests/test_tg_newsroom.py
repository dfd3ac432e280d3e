"""The newsroom's rules end to end: roles at every step, no lost edits between two moderators, drafts
and notices that survive a restart, transient send failures retried, one vote and one queued question
per tap."""

import asyncio
import json
import time

import pytest
from conftest import MODERATOR, OWNER, SECOND_MODERATOR, start_telegram, stop_telegram

pytestmark = pytest.mark.e2e

CITIZEN = 4242
LATE_MODERATOR = 778
STATEMENT = "Nelayan di Pulau Semau menerima bantuan perahu motor dari dinas perikanan NTT pada 2024."


@pytest.fixture
async def newsroom(telegram):
    for member in (MODERATOR, SECOND_MODERATOR):
        await telegram.say(f"/mod tambah {member}", user_id=OWNER)
    return telegram


def buttons(message: dict) -> list[str]:
    return [b["callback_data"] for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


async def press(telegram, data: str, user_id: int) -> list[dict]:
    """Press the latest button with `data` in this moderator's own chat."""
    for sent in reversed(telegram.api.sent()):
        if int(sent["chat_id"]) == user_id and data in buttons(sent):
            return await telegram.press(data, telegram.message_of(sent), user_id=user_id)
    raise AssertionError(f"no {data!r} button in chat {user_id}")


async def until_text(telegram, chat_id: int, needle: str, timeout: float = 10) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for sent in telegram.api.sent():
            if int(sent["chat_id"]) == chat_id and needle in sent["text"]:
                return sent
        await asyncio.sleep(0.05)
    raise AssertionError(f"nothing with {needle!r} reached {chat_id}")


async def draft_to_preview(telegram, site, user_id: int) -> dict:
    await telegram.say("/tambah", user_id=user_id)
    await telegram.say(STATEMENT, user_id=user_id)
    await press(telegram, "mv:none", user_id)
    await telegram.say(site.url("/page"), user_id=user_id)
    await telegram.say("Pos Kupang, 2024-02-03", user_id=user_id)
    await press(telegram, "mv:kemnaker", user_id)
    for answer in ("perahu semau", "-", "-"):
        await telegram.say(answer, user_id=user_id)
    await press(telegram, "mv:high", user_id)
    [preview] = await telegram.say("-", user_id=user_id)
    assert preview["text"].startswith("<b>Pratinjau</b>")
    return preview


async def test_a_moderator_removed_mid_draft_cannot_publish(newsroom, site):
    await newsroom.say(f"/mod tambah {LATE_MODERATOR}", user_id=OWNER)
    await draft_to_preview(newsroom, site, LATE_MODERATOR)
    await newsroom.say(f"/mod hapus {LATE_MODERATOR}", user_id=OWNER)
    [refused] = await press(newsroom, "mc:save", LATE_MODERATOR)
    assert refused["text"].startswith("⛔")
    assert newsroom.service.store.get("nelayan-pulau-semau-menerima-bantuan-perahu") is None


async def test_two_moderators_editing_one_fact_lose_nothing(newsroom):
    fact_id = "satpel-pvp-kupang"
    await newsroom.say(f"/ubah {fact_id}", user_id=MODERATOR)
    await press(newsroom, "mv:note", MODERATOR)
    await newsroom.say("Catatan: jadwal pelatihan diumumkan di situs Kemnaker.", user_id=MODERATOR)
    await newsroom.say(f"/ubah {fact_id}", user_id=SECOND_MODERATOR)
    await press(newsroom, "mv:statement", SECOND_MODERATOR)
    statement = "Pada 2024 Kemnaker mengoperasikan Satpel PVP Kupang untuk pelatihan vokasi warga NTT."
    await newsroom.say(statement, user_id=SECOND_MODERATOR)
    [saved] = await press(newsroom, "mc:save", SECOND_MODERATOR)
    assert "revisi 2" in saved["text"]
    [stale] = await press(newsroom, "mc:save", MODERATOR)
    assert stale["text"].startswith("⚠️ Fakta satpel-pvp-kupang sudah diubah orang lain") and "statement" in stale["text"]
    assert "mc:reapply" in buttons(stale)
    assert newsroom.service.store.get(fact_id).revision == 2
    [preview] = await press(newsroom, "mc:reapply", MODERATOR)
    assert statement in preview["text"] and "jadwal pelatihan" in preview["text"]
    [saved_again] = await press(newsroom, "mc:save", MODERATOR)
    assert "revisi 3" in saved_again["text"]
    fact = newsroom.service.store.get(fact_id)
    assert fact.statement == statement and fact.note.startswith("Catatan: jadwal pelatihan")


async def test_a_draft_survives_a_restart(bot_api, tg_settings, site):
    first = await start_telegram(bot_api, tg_settings)
    await first.say(f"/mod tambah {MODERATOR}", user_id=OWNER)
    await first.say("/tambah", user_id=MODERATOR)
    await first.say(STATEMENT, user_id=MODERATOR)
    await stop_telegram(first)

    second = await start_telegram(bot_api, tg_settings)
    try:
        [ask_url] = await press(second, "mv:none", MODERATOR)  # the button of the first run still works
        assert "URL sumber" in ask_url["text"]
        [checking, _, ask_publisher] = await second.say(site.url("/page"), user_id=MODERATOR)
        assert checking["text"] == "Memeriksa tautan…" and "penerbit" in ask_publisher["text"]
    finally:
        await stop_telegram(second)


async def test_a_notice_queued_while_the_bot_was_down_is_delivered_once(bot_api, tg_settings):
    from bot.citizens import Citizens
    from bot.editorial import Change, Editorial
    from bot.service import open_service

    service = open_service(tg_settings)
    citizens = Citizens(service.store, tg_settings.salt)
    fact = service.store.get("satpel-pvp-kupang")
    citizens.record_delivery(CITIZEN, citizens.hash(CITIZEN), fact.id, fact.revision)
    editorial = Editorial(service.store, citizens, service.analyzer, service.topics, frozenset({OWNER}))
    outcome = editorial.submit(Change("edit", fact.id, {"statement": "Versi baru Satpel PVP Kupang tahun ini."},
                                      fact.revision), OWNER)
    assert outcome.notices == 1

    harness = await start_telegram(bot_api, tg_settings)
    try:
        notice = await until_text(harness, CITIZEN, "Koreksi")
        assert "Versi baru Satpel PVP Kupang" in notice["text"]
        await asyncio.sleep(2.5)  # two more outbox runs
        assert len([m for m in bot_api.sent() if "Koreksi" in m["text"]]) == 1
    finally:
        await stop_telegram(harness)


async def test_a_notice_that_hits_a_server_error_is_retried(newsroom):
    await newsroom.say("satpel pvp kupang", user_id=CITIZEN)
    newsroom.api.fail_next("sendMessage", 502, "Bad Gateway", chat_id=CITIZEN)
    await newsroom.say("/cabut satpel-pvp-kupang Sumber ditarik penerbitnya", user_id=MODERATOR)
    for _ in range(300):
        [row] = newsroom.service.store.newsroom.notices()
        if row["status"] == "sent":
            break
        await asyncio.sleep(0.05)
    assert (row["status"], row["attempts"]) == ("sent", 1)  # retried within the one sending path
    tries = [m for m in newsroom.api.calls_to("sendMessage") if int(m["chat_id"]) == CITIZEN
             and "telah dicabut" in m["text"]]
    assert len(tries) == 2 and "Sumber ditarik penerbitnya" in tries[-1]["text"]


async def test_a_blocked_citizen_gets_no_retries(newsroom):
    await newsroom.say("satpel pvp kupang", user_id=CITIZEN)
    newsroom.api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=CITIZEN)
    await newsroom.say("/cabut satpel-pvp-kupang Sumber ditarik", user_id=MODERATOR)
    for _ in range(100):
        rows = newsroom.service.store.newsroom.notices()
        if rows and rows[0]["status"] != "pending" and rows[0]["status"] != "sending":
            break
        await asyncio.sleep(0.05)
    assert rows[0]["status"] == "failed" and rows[0]["attempts"] == 1
    citizens = newsroom.app.bot_data["citizens"]
    assert not citizens.is_active(citizens.hash(CITIZEN))


async def test_tapping_forward_twice_queues_the_question_once(newsroom):
    [reply] = await newsroom.say("harga cengkeh di alor minggu ini", user_id=CITIZEN)
    message = newsroom.message_of(reply)
    await newsroom.press("q", message, user_id=CITIZEN)
    await newsroom.press("q", message, user_id=CITIZEN)
    assert len(newsroom.service.store.people.open_questions()) == 1
    answers = newsroom.api.calls_to("answerCallbackQuery")
    assert "sudah diteruskan" in json.dumps(answers[-1], ensure_ascii=False)
    [queue] = await newsroom.say("/antrian", user_id=MODERATOR)
    assert "(1 kelompok, 1 pertanyaan)" in queue["text"] and "WITA" in queue["text"]


async def test_pressing_feedback_again_changes_the_vote_not_the_count(newsroom):
    [reply] = await newsroom.say("satpel pvp kupang", user_id=CITIZEN)
    helpful = next(d for d in buttons(reply) if d.endswith(":1"))
    for _ in range(3):
        await newsroom.press(helpful, newsroom.message_of(reply), user_id=CITIZEN)
    [stats] = await newsroom.say("/statistik", user_id=MODERATOR)
    assert "Masukan membantu: 100% dari 1" in stats["text"]


async def test_edit_without_an_id_explains_itself(newsroom):
    [usage] = await newsroom.say("/ubah", user_id=MODERATOR)
    assert usage["text"] == "Cara pakai: /ubah &lt;id&gt;"


@pytest.mark.parametrize("tg_overrides", [{"draft_timeout": 1}])
async def test_a_long_pause_closes_the_conversation_but_keeps_the_draft(newsroom, tg_overrides):
    await newsroom.say("/tambah", user_id=MODERATOR)
    await newsroom.say(STATEMENT, user_id=MODERATOR)
    await until_text(newsroom, MODERATOR, "⏱️", timeout=5)
    await asyncio.sleep(0.3)  # the notice reached the server; let the conversation close
    [answer] = await newsroom.say("satpel pvp kupang", user_id=MODERATOR)
    assert "Satpel PVP Kupang" in answer["text"]  # a question again, not a draft answer
    [resumed, ask] = await newsroom.say("/lanjut", user_id=MODERATOR)
    assert resumed["text"] == "Melanjutkan draf Anda." and "mv:none" in buttons(ask)
