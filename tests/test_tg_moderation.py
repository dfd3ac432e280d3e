"""Moderators in the chat, end to end: roles, guided changes, review, history, the queue, corrections."""

import asyncio
import json

import pytest
from conftest import MODERATOR, OWNER, SECOND_MODERATOR

pytestmark = pytest.mark.e2e

CITIZEN = 4242
NEW_STATEMENT = "Nelayan di Pulau Semau menerima bantuan perahu motor dari dinas perikanan NTT pada 2024."
NEW_ID = "nelayan-pulau-semau-menerima-bantuan-perahu"  # made from the statement's first words


@pytest.fixture
async def newsroom(telegram):
    """The bot with one moderator added by the owner."""
    [reply] = await telegram.say(f"/mod tambah {MODERATOR}", user_id=OWNER)
    assert reply["text"] == f"✅ {MODERATOR} sekarang moderator."
    return telegram


def button_message(telegram, data: str) -> dict:
    """The latest message the bot sent with a button carrying `data`."""
    for sent in reversed(telegram.api.sent()):
        markup = sent.get("reply_markup") or {}
        if any(b.get("callback_data") == data for row in markup.get("inline_keyboard", []) for b in row):
            return telegram.message_of(sent)
    raise AssertionError(f"no message with a {data!r} button")


async def press(telegram, data: str, user_id: int = MODERATOR) -> list[dict]:
    return await telegram.press(data, button_message(telegram, data), user_id=user_id)


async def add_fact(telegram, site, user_id: int = MODERATOR, statement: str = NEW_STATEMENT) -> list[dict]:
    """The whole /tambah flow with good answers; returns the final replies."""
    await telegram.say("/tambah", user_id=user_id)
    await telegram.say(statement, user_id=user_id)
    await press(telegram, "mv:none", user_id)
    await telegram.say(site.url("/page"), user_id=user_id)
    await telegram.say("Pos Kupang, 2024-02-03", user_id=user_id)
    await press(telegram, "mv:kemnaker", user_id)
    await telegram.say("nelayan semau, bantuan perahu motor", user_id=user_id)
    await finish_optional_steps(telegram, user_id)
    return await press(telegram, "mc:save", user_id)


async def finish_optional_steps(telegram, user_id: int = MODERATOR) -> list[dict]:
    """As of today, no end date, high confidence, no English text: the preview."""
    await telegram.say("-", user_id=user_id)
    await telegram.say("-", user_id=user_id)
    await press(telegram, "mv:high", user_id)
    return await telegram.say("-", user_id=user_id)


def to(chat_id: int, sent: list[dict]) -> list[dict]:
    """Only the messages sent to one chat (notices to others go out from the job queue meanwhile)."""
    return [m for m in sent if int(m["chat_id"]) == chat_id]


def audit(telegram, action: str | None = None) -> list[dict]:
    rows = telegram.service.store.audit_rows()
    return [r for r in rows if action is None or r["action"] == action]


async def test_owner_adds_lists_and_removes_moderators(newsroom):
    [listing] = await newsroom.say("/mod daftar", user_id=OWNER)
    assert f"• {MODERATOR} (mod:{OWNER}" in listing["text"]
    [view] = await newsroom.say("/fakta satpel-pvp-kupang", user_id=MODERATOR)
    assert "Status: active" in view["text"]
    assert [r["reason"] for r in [json.loads(a["detail"]) for a in audit(newsroom, "moderator:add")]] == [str(MODERATOR)]
    [removed] = await newsroom.say(f"/mod hapus {MODERATOR}", user_id=OWNER)
    assert removed["text"] == f"✅ {MODERATOR} bukan moderator lagi."
    [refused] = await newsroom.say("/fakta satpel-pvp-kupang", user_id=MODERATOR)
    assert refused["text"].startswith("⛔")


async def test_non_moderators_are_refused_and_audited(newsroom):
    for command in ("/tambah", "/cabut satpel-pvp-kupang palsu", "/antrian"):
        [refused] = await newsroom.say(command, user_id=CITIZEN)
        assert refused["text"] == "⛔ Perintah ini khusus moderator. Percobaan ini dicatat."
    [owner_only] = await newsroom.say("/mod tambah 777", user_id=MODERATOR)
    assert owner_only["text"] == "⛔ Perintah ini khusus pemilik bot."
    refusals = audit(newsroom, "refused")
    assert [json.loads(r["detail"])["reason"] for r in refusals] == ["/tambah", "/cabut", "/antrian", "/mod tambah"]
    citizen_hash = newsroom.app.bot_data["citizens"].hash(CITIZEN)
    assert refusals[0]["actor"] == f"user:{citizen_hash}" and str(CITIZEN) not in refusals[0]["actor"]
    assert newsroom.service.store.get("satpel-pvp-kupang").status == "active"


async def test_guided_add_reasks_bad_answers_and_serves_the_new_fact_at_once(newsroom, site):
    [ask] = await newsroom.say("/tambah", user_id=MODERATOR)
    assert "pernyataan" in ask["text"]
    too_short, asked_again = await newsroom.say("perahu", user_id=MODERATOR)
    assert too_short["text"] == "❗ Terlalu pendek; tulis kalimat lengkap." and "pernyataan" in asked_again["text"]
    verdict_prompt = (await newsroom.say(NEW_STATEMENT, user_id=MODERATOR))[-1]
    assert ("mv:HOAKS" in json.dumps(verdict_prompt["reply_markup"])) and "mv:none" in json.dumps(verdict_prompt["reply_markup"])
    await press(newsroom, "mv:none")
    [bad_url, *_] = await newsroom.say("bukan url", user_id=MODERATOR)
    assert bad_url["text"] == "❗ Itu bukan URL http/https yang valid."
    [checking, dead] = await newsroom.say(site.url("/missing"), user_id=MODERATOR)
    assert checking["text"] == "Memeriksa tautan…"
    assert dead["text"].startswith("⚠️ Tautan tidak bisa dibuka (404)")
    [_, live, ask_publisher] = await newsroom.say(site.url("/page"), user_id=MODERATOR)
    assert live["text"] == "✅ Tautan hidup. Judul halaman: Sumber Uji &amp; Coba"
    assert "penerbit" in ask_publisher["text"]
    [no_comma, _] = await newsroom.say("Pos Kupang 2024", user_id=MODERATOR)
    assert no_comma["text"].startswith("❗ Tulis penerbit, koma")
    assert "<i>Kompas, 2024-01-23</i>" in no_comma["text"]  # the example is shown in italics, not as tags
    [bad_date, _] = await newsroom.say("Pos Kupang, 32/13/2024", user_id=MODERATOR)
    assert bad_date["text"].startswith("❗ «32/13/2024» bukan tanggal")
    [topics] = await newsroom.say("Pos Kupang, 3 Februari 2024", user_id=MODERATOR)
    assert "mv:kemnaker" in json.dumps(topics["reply_markup"])
    [stray] = await newsroom.say("kemnaker", user_id=MODERATOR)
    assert stray["text"] == "Pilih dengan tombol di atas, atau /batal."
    await press(newsroom, "mv:kemnaker")
    [ask_as_of] = await newsroom.say("nelayan semau, bantuan perahu motor", user_id=MODERATOR)
    assert "per tanggal" in ask_as_of["text"]
    [ask_until] = await newsroom.say("17 Oktober 2021", user_id=MODERATOR)
    assert "sampai" in ask_until["text"]
    [ask_confidence] = await newsroom.say("-", user_id=MODERATOR)
    assert "mv:medium" in json.dumps(ask_confidence["reply_markup"])
    [ask_english] = await press(newsroom, "mv:medium")
    assert "Inggris" in ask_english["text"]
    [preview] = await newsroom.say("Fishers on Semau Island received motorboats from the NTT fisheries office in 2024.",
                                   user_id=MODERATOR)
    assert preview["text"].startswith("<b>Pratinjau</b>") and "Pos Kupang</a>, 3 Feb 2024" in preview["text"]
    [saved] = await press(newsroom, "mc:save")
    assert saved["text"].startswith(f"✅ Tersimpan: {NEW_ID} (revisi 1)")
    fact_id = NEW_ID
    fact = newsroom.service.store.get(fact_id)
    assert fact.sources[0].title == "Sumber Uji & Coba" and fact.keywords == ("nelayan semau", "bantuan perahu motor")
    assert (fact.as_of, fact.confidence) == ("2021-10-17", "medium") and fact.statement_en.startswith("Fishers")
    assert [v["actor"] for v in newsroom.service.store.versions(fact_id)] == [f"mod:{MODERATOR}"]
    [answer] = await newsroom.say("bantuan perahu nelayan semau", user_id=CITIZEN)
    assert "Pulau Semau" in answer["text"] and "Pos Kupang" in answer["text"]


async def test_cancel_at_any_step_saves_nothing(newsroom, site):
    facts_before = newsroom.service.store.db["facts"].count
    versions_before = newsroom.service.store.db["fact_versions"].count
    await newsroom.say("/tambah", user_id=MODERATOR)
    await newsroom.say(NEW_STATEMENT, user_id=MODERATOR)
    await press(newsroom, "mv:none")
    await newsroom.say(site.url("/page"), user_id=MODERATOR)
    [cancelled] = await newsroom.say("/batal", user_id=MODERATOR)
    assert cancelled["text"] == "Dibatalkan; tidak ada yang disimpan."
    assert newsroom.service.store.db["facts"].count == facts_before
    assert newsroom.service.store.db["fact_versions"].count == versions_before
    [after] = await newsroom.say("Pos Kupang, 2024-02-03", user_id=MODERATOR)
    assert "belum ada di basis fakta" in after["text"]  # back to ordinary fact-checking, not the draft


async def test_a_private_address_source_is_refused(newsroom):
    await newsroom.say("/tambah", user_id=MODERATOR)
    await newsroom.say(NEW_STATEMENT, user_id=MODERATOR)
    await press(newsroom, "mv:none")
    [_, refused] = await newsroom.say("http://192.168.1.10/berita", user_id=MODERATOR)
    assert refused["text"] == "❗ Alamat «192.168.1.10» ada di jaringan privat/lokal dan ditolak. Kirim URL publik."
    [_, metadata] = await newsroom.say("http://169.254.169.254/latest/meta-data/", user_id=MODERATOR)
    assert "ditolak" in metadata["text"]


async def test_rated_fact_asks_for_the_claim(newsroom, site):
    await newsroom.say("/tambah", user_id=MODERATOR)
    await newsroom.say("Kemnaker tidak pernah meminta biaya pendaftaran pelatihan BLK lewat WhatsApp.", user_id=MODERATOR)
    [ask_claim] = await press(newsroom, "mv:PENIPUAN")
    assert "klaim yang beredar" in ask_claim["text"]
    await newsroom.say("Daftar pelatihan BLK bayar Rp200 ribu lewat nomor WhatsApp ini.", user_id=MODERATOR)
    await newsroom.say(site.url("/page"), user_id=MODERATOR)
    await newsroom.say("Kemnaker, 2024-05-01", user_id=MODERATOR)
    await press(newsroom, "mv:blk")
    await newsroom.say("-", user_id=MODERATOR)
    [preview] = await finish_optional_steps(newsroom)
    assert "🚫 PENIPUAN" in preview["text"] and "Klaim yang beredar" in preview["text"]
    await press(newsroom, "mc:save")
    [answer] = await newsroom.say("daftar pelatihan BLK bayar lewat WhatsApp", user_id=CITIZEN)
    assert "PENIPUAN" in answer["text"]


async def test_edit_retract_restore_with_history_and_corrections(newsroom):
    [received] = await newsroom.say("satpel pvp kupang", user_id=CITIZEN)
    assert "Satpel PVP Kupang" in received["text"]
    [fields] = await newsroom.say("/ubah satpel-pvp-kupang", user_id=MODERATOR)
    assert "mv:statement" in json.dumps(fields["reply_markup"])
    await press(newsroom, "mv:statement")
    new = "Pada Juli 2024 Kemnaker sudah mengoperasikan Satpel PVP Kupang untuk pelatihan vokasi warga NTT."
    [preview] = await newsroom.say(new, user_id=MODERATOR)
    assert new in preview["text"]
    [saved] = to(MODERATOR, await press(newsroom, "mc:save"))
    assert saved["text"].startswith("✅ Tersimpan: satpel-pvp-kupang (revisi 2)")
    assert saved["text"].endswith("Pemberitahuan koreksi diantrikan untuk 1 obrolan.")
    [correction] = await _wait_for_text(newsroom, CITIZEN, "Koreksi")
    assert new in correction["text"]

    [retracted] = to(MODERATOR, await newsroom.say("/cabut satpel-pvp-kupang Sumber tidak bisa dikonfirmasi",
                                                   user_id=MODERATOR))
    assert retracted["text"].startswith("✅ satpel-pvp-kupang dicabut")
    notice = await _wait_for_text(newsroom, CITIZEN, "telah dicabut")
    assert "Sumber tidak bisa dikonfirmasi" in notice[0]["text"]
    [gone] = await newsroom.say("satpel pvp kupang", user_id=CITIZEN)
    assert "Satpel PVP Kupang (Satuan" not in gone["text"]
    [restored] = to(MODERATOR, await newsroom.say("/pulihkan satpel-pvp-kupang", user_id=MODERATOR))
    assert restored["text"].startswith("✅ satpel-pvp-kupang aktif kembali (revisi 4).")
    for _ in range(100):  # the edit, the retraction, then the restoration
        corrections = await _wait_for_text(newsroom, CITIZEN, "Koreksi")
        if len(corrections) == 3:
            break
        await asyncio.sleep(0.02)
    assert [("diperbarui" in c["text"], "dicabut" in c["text"]) for c in corrections] == \
        [(True, False), (False, True), (True, False)]
    assert new in corrections[-1]["text"]  # the restored version reaches those told of the retraction
    back = (await newsroom.say("satpel pvp kupang", user_id=CITIZEN))[-1]
    assert new in back["text"]
    [history] = await newsroom.say("/riwayat satpel-pvp-kupang", user_id=MODERATOR)
    lines = history["text"].splitlines()[1:]
    assert [line.split()[0] for line in lines] == ["r1", "r2", "r3", "r4"]
    assert f"mod:{MODERATOR} edit: statement" in lines[1] and "WITA" in lines[1]
    assert "retract: status — Sumber tidak bisa dikonfirmasi" in lines[2] and "restore: status" in lines[3]
    assert len(newsroom.service.store.versions("satpel-pvp-kupang")) == 4


async def _wait_for_text(telegram, chat_id: int, needle: str, timeout: float = 10) -> list[dict]:
    import asyncio
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in telegram.api.sent() if int(m["chat_id"]) == chat_id and needle in m["text"]]
        if found:
            return found
        await asyncio.sleep(0.02)
    raise AssertionError(f"no message with {needle!r} to {chat_id}")


async def test_keyword_edits_send_no_correction(newsroom):
    await newsroom.say("satpel pvp kupang", user_id=CITIZEN)
    await newsroom.say("/ubah satpel-pvp-kupang", user_id=MODERATOR)
    await press(newsroom, "mv:keywords")
    await newsroom.say("satpel kupang, pvp kupang", user_id=MODERATOR)
    [saved] = await press(newsroom, "mc:save")
    assert "revisi 2" in saved["text"]
    import asyncio

    await asyncio.sleep(0.3)
    assert not [m for m in newsroom.api.sent() if int(m["chat_id"]) == CITIZEN and "Koreksi" in m["text"]]


@pytest.mark.parametrize("tg_overrides", [{"review": "two-person"}])
async def test_two_person_review(newsroom, site, tg_overrides):
    await newsroom.say(f"/mod tambah {SECOND_MODERATOR}", user_id=OWNER)
    [proposed] = await add_fact(newsroom, site, user_id=MODERATOR)
    assert proposed["text"].startswith(f"📝 Usulan #1 untuk {NEW_ID}")
    [not_yet] = await newsroom.say("bantuan perahu nelayan semau", user_id=CITIZEN)
    assert "Pulau Semau" not in not_yet["text"]
    [listing] = await newsroom.say("/usulan", user_id=SECOND_MODERATOR)
    assert f"#1 add {NEW_ID}" in listing["text"]
    [own] = await newsroom.say("/setujui 1", user_id=MODERATOR)
    assert own["text"] == "Usulan harus disetujui atau ditolak moderator lain."
    [approved] = to(SECOND_MODERATOR, await newsroom.say("/setujui 1", user_id=SECOND_MODERATOR))
    assert approved["text"] == f"✅ Usulan disetujui: {NEW_ID} (revisi 1)."
    [told] = await _wait_for_text(newsroom, MODERATOR, "Usulan #1 Anda")
    assert "disetujui" in told["text"]
    [served] = await newsroom.say("bantuan perahu nelayan semau", user_id=CITIZEN)
    assert "Pulau Semau" in served["text"]
    [version] = newsroom.service.store.versions(NEW_ID)
    assert version["actor"] == f"mod:{SECOND_MODERATOR}" and version["action"] == "approve:add"
    assert [a["action"] for a in audit(newsroom) if a["fact_id"] == NEW_ID] == ["propose:add", "approve:add"]

    await newsroom.say("/ubah satpel-pvp-kupang", user_id=SECOND_MODERATOR)
    await press(newsroom, "mv:statement", SECOND_MODERATOR)
    await newsroom.say("Satpel PVP Kupang adalah kantor pusat Kemnaker di Jakarta sejak 1990.", user_id=SECOND_MODERATOR)
    [proposed_edit] = await press(newsroom, "mc:save", SECOND_MODERATOR)
    assert proposed_edit["text"].startswith("📝 Usulan #2")
    assert newsroom.service.store.get("satpel-pvp-kupang").revision == 1  # the served version is unchanged
    [shown] = await newsroom.say("/usulan 2", user_id=MODERATOR)
    assert "<b>Pernyataan</b>\n− Pada 2024 Kemnaker sudah memiliki unit pelatihan di Kupang" in shown["text"]
    assert "+ Satpel PVP Kupang adalah kantor pusat Kemnaker di Jakarta sejak 1990." in shown["text"]
    [rejected] = to(MODERATOR, await newsroom.say("/tolak 2 tidak sesuai sumber", user_id=MODERATOR))
    assert rejected["text"] == "Usulan #2 ditolak."
    [told] = await _wait_for_text(newsroom, SECOND_MODERATOR, "Usulan #2 Anda")
    assert "ditolak" in told["text"] and "tidak sesuai sumber" in told["text"]
    assert "Jakarta" not in newsroom.service.store.get("satpel-pvp-kupang").statement
    [empty] = await newsroom.say("/usulan", user_id=MODERATOR)
    assert empty["text"] == "Tidak ada usulan tertunda."


async def ask_and_forward(telegram, text: str, user_id: int) -> None:
    [reply] = await telegram.say(text, user_id=user_id)
    assert ("📨 Teruskan ke moderator", "q") in [(b["text"], b["callback_data"])
                                                for row in reply["reply_markup"]["inline_keyboard"] for b in row]
    await telegram.press("q", telegram.message_of(reply), user_id=user_id)


async def test_queue_groups_questions_answers_every_asker_and_dismisses_spam(newsroom):
    await ask_and_forward(newsroom, "kapan bantuan nelayan pulau semau cair?", 11)
    await ask_and_forward(newsroom, "bantuan nelayan semau kapan cair", 12)
    await ask_and_forward(newsroom, "Kapan cair bantuan nelayan Semau??", 13)
    await ask_and_forward(newsroom, "jual followers instagram murah", 14)
    [queue] = await newsroom.say("/antrian", user_id=MODERATOR)
    assert "(2 kelompok, 4 pertanyaan)" in queue["text"]
    blocks = queue["text"].split("\n\n")
    assert "3× sejak" in blocks[1] and "kapan bantuan nelayan pulau semau cair?" in blocks[1]
    assert "1× sejak" in blocks[2] and "followers" in blocks[2]
    group_id = blocks[1].split()[0].lstrip("#")
    spam_id = blocks[2].split()[0].lstrip("#")
    [done] = to(MODERATOR, await newsroom.say(f"/jawab {group_id} padat-karya-ntt", user_id=MODERATOR))
    assert done["text"] == "✅ Jawaban padat-karya-ntt dikirim ke 3 penanya."
    for chat in (11, 12, 13):
        [answer] = await _wait_for_text(newsroom, chat, "Jawaban untuk pertanyaan")
        assert "padat karya" in answer["text"].lower()
    [dismissed] = await newsroom.say(f"/abaikan {spam_id}", user_id=MODERATOR)
    assert dismissed["text"] == f"Pertanyaan #{spam_id} (1×) diabaikan."
    [empty] = await newsroom.say("/antrian", user_id=MODERATOR)
    assert empty["text"] == "Antrian kosong. 🎉"
    db = newsroom.service.store.db
    assert db["question_chats"].count == 0
    assert [r["status"] for r in db.query("SELECT status FROM questions ORDER BY id")] == \
        ["answered", "answered", "answered", "dismissed"]
    assert not [m for m in newsroom.api.sent() if int(m["chat_id"]) == 14 and "Jawaban" in m["text"]]


async def test_statistics(newsroom):
    await newsroom.say("BSU hoaks", user_id=CITIZEN)
    [reply] = await newsroom.say("satpel pvp kupang", user_id=CITIZEN)
    await newsroom.press(next(b["callback_data"] for row in reply["reply_markup"]["inline_keyboard"] for b in row
                              if b["callback_data"].endswith(":1")), newsroom.message_of(reply), user_id=CITIZEN)
    await ask_and_forward(newsroom, "harga cengkeh di alor", 15)
    [stats] = await newsroom.say("/statistik", user_id=MODERATOR)
    text = stats["text"]
    assert "Pertanyaan: hari ini 3 • 7 hari 3 • 30 hari 3" in text
    assert "Terjawab (30 hari): 67%" in text
    assert "bsu (1)" in text and "Antrian terbuka: 1 pertanyaan (1 kelompok)" in text
    assert "Masukan membantu: 100% dari 1" in text


async def test_moderator_commands_report_bad_arguments(newsroom):
    [missing] = await newsroom.say("/fakta tidak-ada", user_id=MODERATOR)
    assert missing["text"] == "Fakta «tidak-ada» tidak ditemukan."
    [reason] = await newsroom.say("/cabut satpel-pvp-kupang", user_id=MODERATOR)
    assert reason["text"] == "Sertakan alasannya."
    [no_question] = await newsroom.say("/jawab 99 padat-karya-ntt", user_id=MODERATOR)
    assert no_question["text"] == "Tidak ada pertanyaan terbuka nomor «99»."
    [help_text] = await newsroom.say("/mod", user_id=MODERATOR)
    assert "/tambah" in help_text["text"] and "/statistik" in help_text["text"]


async def test_a_moderator_teaches_a_word_in_the_chat(newsroom):
    [refused] = await newsroom.say("/kata zorblak = kemiskinan", user_id=CITIZEN)
    assert "khusus moderator" in refused["text"]
    [taught] = await newsroom.say("/kata zorblak = kemiskinan", user_id=MODERATOR)
    assert "«zorblak»" in taught["text"] and "«kemiskinan»" in taught["text"]
    [listed] = await newsroom.say("/kata", user_id=MODERATOR)
    assert "zorblak = kemiskinan" in listed["text"]
    [usage] = await newsroom.say("/kata zorblak", user_id=MODERATOR)
    assert "Cara pakai" in usage["text"]
