"""The citizen hotline end to end: the real PTB Application over real HTTP against a local fake Bot API."""

import json

import pytest

from bot.models import Fact, Source

pytestmark = pytest.mark.e2e


def buttons(sent: dict) -> list[tuple[str, str]]:
    """(label, callback data) of every inline button of a sent message."""
    markup = sent.get("reply_markup") or {}
    return [(b["text"], b.get("callback_data", "")) for row in markup.get("inline_keyboard", []) for b in row]


async def test_startup_registers_commands_in_indonesian_and_english(telegram):
    calls = telegram.api.calls_to("setMyCommands")
    assert len(calls) == 2
    by_lang = {c.get("language_code"): {cmd["command"]: cmd["description"] for cmd in c["commands"]} for c in calls}
    assert set(by_lang[None]) == {"start", "help", "topik", "bahasa", "hapusdata"}
    assert by_lang[None]["topik"] == "Jelajahi fakta per topik"
    assert by_lang["en"]["topik"] == "Browse facts by topic"


async def test_start_welcomes_with_example_and_privacy_note(telegram):
    [reply] = await telegram.say("/start")
    assert reply["parse_mode"] == "HTML"
    assert "cekfakta" in reply["text"] and "BSU hoaks" in reply["text"]
    assert "Privasi" in reply["text"] and "nomor telepon" in reply["text"]


async def test_help_explains_more(telegram):
    [reply] = await telegram.say("/help")
    assert "Teruskan pesan" in reply["text"] and "grup" in reply["text"]
    assert len(reply["text"]) > len((await telegram.say("/start"))[0]["text"])


async def test_topics_buttons_lead_to_facts_and_back(telegram):
    [menu] = await telegram.say("/topik")
    topics = buttons(menu)
    assert ("Hoaks dan penipuan (6)", "t:hoaks") in topics
    await telegram.press("t:hoaks", telegram.message_of(menu))
    [edit] = telegram.api.calls_to("editMessageText")[-1:]
    fact_buttons = [b for b in buttons(edit) if b[1].startswith("f:")]
    assert len(fact_buttons) == 6 and buttons(edit)[-1] == ("« Semua topik", "t")
    assert telegram.api.calls_to("answerCallbackQuery")
    [shown] = await telegram.press(fact_buttons[0][1], telegram.message_of(menu))
    assert "Sumber:" in shown["text"] and "<a href=" in shown["text"]
    await telegram.press("t", telegram.message_of(menu))
    assert telegram.api.calls_to("editMessageText")[-1]["text"] == "📚 Pilih topik:"


async def test_keyword_gets_verdict_statement_and_linked_sources(telegram):
    [reply] = await telegram.say("link bansos PKH 600 ribu")
    text = reply["text"]
    assert text.startswith("<b>❌ HOAKS</b>")
    assert "Rp600.000" in text and "Cocok dengan kata:" in text
    assert '<a href="https://www.kompas.com/cekfakta/read/2022/03/21/174600082/-hoaks-link-bansos-dan-pkh-2022?page=all">' in text
    feedback_row = reply["reply_markup"]["inline_keyboard"][-1]
    assert [b["text"] for b in feedback_row] == ["👍 Membantu", "👎 Tidak membantu"]
    assert feedback_row[0]["callback_data"].startswith("fb:") and feedback_row[0]["callback_data"].endswith(":1")
    assert telegram.api.html_errors == []


async def test_forwarded_wrong_list_is_corrected(telegram):
    forwarded = ("Terdapat 5 kabupaten di NTT yang menjadi prioritas pengurangan kemiskinan ektrem yaitu "
                 "Kabupaten Sumba Timur, Kabupaten Timor Tengah Selatan, Kabupaten Rote Ndao, "
                 "Kabupaten Sumba Tengah, dan Kabupaten Sumba Tengah.")
    [reply] = await telegram.say(forwarded, forwarded=True)
    assert "MENYESATKAN" in reply["text"] and "Manggarai Timur" in reply["text"]


async def test_typo_still_finds_the_fact(telegram):
    [reply] = await telegram.say("blk kupng")
    assert "BLK" in reply["text"] and "Sumber:" in reply["text"]


async def test_caption_of_a_photo_is_checked(telegram):
    photo = [{"file_id": "p1", "file_unique_id": "u1", "width": 10, "height": 10}]
    [reply] = await telegram.send(telegram.updates.message(None, photo=photo, caption="BSU minta NIK hoaks?"))
    assert "BSU" in reply["text"] and "Sumber:" in reply["text"]


async def test_edited_message_is_answered_like_a_new_one(telegram):
    [reply] = await telegram.say("inpres kemiskinan ekstrem", edited=True)
    assert "Inpres" in reply["text"]


async def test_close_facts_are_offered_as_see_also_buttons(telegram):
    [reply] = await telegram.say("kabupaten prioritas kemiskinan ekstrem NTT")
    see_also = [b for b in buttons(reply) if b[0].startswith("🔎")]
    assert see_also and all(b[1].startswith("f:") for b in see_also)
    [shown] = await telegram.press(see_also[0][1], telegram.message_of(reply))
    assert "Sumber:" in shown["text"]


async def test_feedback_is_stored_and_the_row_removed(telegram):
    [reply] = await telegram.say("satpel pvp kupang")
    helpful = next(b for b in buttons(reply) if b[0] == "👍 Membantu")
    await telegram.press(helpful[1], telegram.message_of(reply))
    rows = list(telegram.service.store.db.query("SELECT fact_id, helpful, user_hash FROM feedback"))
    assert rows == [{"fact_id": "satpel-pvp-kupang", "helpful": 1, "user_hash": rows[0]["user_hash"]}]
    assert rows[0]["user_hash"] != "4242"
    assert telegram.api.calls_to("answerCallbackQuery")[-1]["text"] == "Terima kasih atas masukannya!"
    edited = telegram.api.calls_to("editMessageReplyMarkup")[-1]
    assert "fb:" not in json.dumps(edited.get("reply_markup") or {})


async def test_not_found_is_honest_and_queues_only_with_consent(telegram):
    [reply] = await telegram.say("jadwal kapal ferry kupang ke rote minggu depan")
    assert "belum ada di basis fakta terverifikasi" in reply["text"]
    assert buttons(reply) == [("📨 Teruskan ke moderator", "q")]
    db = telegram.service.store.db
    assert db["questions"].count == 0
    [confirmation] = await telegram.press("q", telegram.message_of(reply))
    assert "diteruskan ke moderator" in confirmation["text"]
    [question] = list(db.query("SELECT user_hash, text, status, asked_at FROM questions"))
    assert question["text"] == "jadwal kapal ferry kupang ke rote minggu depan"
    assert question["status"] == "open" and question["asked_at"]
    assert question["user_hash"] == telegram.app.bot_data["citizens"].hash(4242) != "4242"


async def test_only_the_asker_can_forward_their_question(telegram):
    [reply] = await telegram.say("@cekfakta_test_bot harga cengkeh hari ini", chat_id=-100, chat_type="group",
                                 user_id=1)
    await telegram.press("q", telegram.message_of(reply), user_id=2)
    assert telegram.api.calls_to("answerCallbackQuery")[-1]["text"] == "Hanya penanya yang bisa meneruskan pertanyaan ini."
    assert telegram.service.store.db["questions"].count == 0


async def test_language_switch_is_remembered(telegram):
    [prompt] = await telegram.say("/bahasa")
    assert ("🇬🇧 English", "l:en") in buttons(prompt)
    await telegram.press("l:en", telegram.message_of(prompt))
    assert telegram.api.calls_to("editMessageText")[-1]["text"] == "Language set to English."
    [reply] = await telegram.say("BSU hoax")
    assert "Sources:" in reply["text"] and "Kemnaker does not" in reply["text"]
    [other] = await telegram.say("BSU hoaks", user_id=777)
    assert "Sumber:" in other["text"]


@pytest.mark.parametrize("content", [
    {"sticker": {"file_id": "s", "file_unique_id": "s", "width": 1, "height": 1, "is_animated": False,
                 "is_video": False, "type": "regular"}},
    {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 3}},
    {"photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]},
    {"location": {"latitude": -10.17, "longitude": 123.6}},
    {"contact": {"phone_number": "+62811000000", "first_name": "Ani"}},
])
async def test_non_text_gets_a_polite_request_for_text(telegram, content):
    [reply] = await telegram.send(telegram.updates.message(None, **content))
    assert "hanya bisa membaca teks" in reply["text"]
    assert "+62811000000" not in json.dumps(list(telegram.service.store.db.query("SELECT * FROM query_log")))


async def test_in_groups_the_bot_speaks_only_when_addressed(telegram):
    group = {"chat_id": -1001, "chat_type": "group"}
    assert await telegram.say("BSU hoaks", **group) == []
    sticker = {"file_id": "s", "file_unique_id": "s", "width": 1, "height": 1, "is_animated": False,
               "is_video": False, "type": "regular"}
    assert await telegram.send(telegram.updates.message(None, sticker=sticker, chat_id=-1001, chat_type="group")) == []
    [mentioned] = await telegram.say("@cekfakta_test_bot BSU hoaks", **group)
    assert "BSU" in mentioned["text"]
    bot_message = telegram.message_of(mentioned)
    [replied] = await telegram.say("kalau padat karya?", reply_to=bot_message, **group)
    assert "padat karya" in replied["text"].lower()
    [command] = await telegram.say("/start@cekfakta_test_bot", **group)
    assert "cekfakta" in command["text"]
    assert await telegram.say("/start@another_bot", **group) == []


async def test_a_reply_over_4096_characters_is_split_between_paragraphs(telegram):
    store = telegram.service.store
    paragraph = "Nelayan di Pulau Semau menerima bantuan perahu & jaring dari dinas perikanan. " * 20
    long_statement = "\n\n".join([paragraph] * 4)
    store.save(Fact(id="uji-panjang", topic="kemnaker", statement=long_statement, as_of="2024-01-01",
                    keywords=("nelayan semau perahu",),
                    sources=(Source(publisher="Contoh <Media>", url="https://example.org/a?b=1&c=2"),)),
               actor="test", action="add")
    parts = await telegram.say("nelayan semau perahu")
    assert len(parts) >= 2
    assert all(len(p["text"]) <= 4096 for p in parts)
    assert telegram.api.html_errors == []
    assert "reply_markup" not in parts[0] and buttons(parts[-1])
    joined = "".join(p["text"] for p in parts)
    assert joined.count("Nelayan di Pulau Semau") == 80 and "&amp;" in joined
    assert "Contoh &lt;Media&gt;" in parts[-1]["text"]


async def test_a_429_delays_the_reply_but_loses_none(telegram):
    telegram.api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    refused, delivered = await telegram.say("BSU hoaks")
    assert "_message_id" not in refused and "BSU" in delivered["text"]
    assert refused["text"] == delivered["text"]


async def test_a_user_who_blocked_the_bot_is_marked_inactive_and_not_retried(telegram):
    telegram.api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    [refused] = await telegram.say("BSU hoaks", user_id=5151)  # one attempt: no retry, no apology
    assert "_message_id" not in refused
    citizens = telegram.app.bot_data["citizens"]
    assert not citizens.is_active(citizens.hash(5151))
    await telegram.say("BSU hoaks", user_id=5151)
    assert citizens.is_active(citizens.hash(5151))


async def test_a_handler_error_reaches_the_error_handler_and_the_user(telegram, caplog):
    telegram.api.fail_next("sendMessage", 400, "Bad Request: message text is empty")
    with caplog.at_level("ERROR"):
        sent = await telegram.say("BSU hoaks", user_id=6161)
    assert sent[-1]["text"] == "Maaf, terjadi kesalahan di pihak kami. Silakan coba lagi sebentar lagi."
    assert any("Exception while handling an update" in r.getMessage() for r in caplog.records)
    assert telegram.api.token not in caplog.text


async def test_stale_fact_button_says_the_fact_changed(telegram):
    [reply] = await telegram.say("satpel pvp kupang")
    store = telegram.service.store
    fact = store.get("satpel-pvp-kupang")
    num = store.number(fact.id)
    store.save(fact.with_changes(statement=fact.statement + " Diperbarui."), actor="test", action="edit")
    [shown] = await telegram.press(f"f:{num}:{fact.revision}", telegram.message_of(reply))
    assert shown["text"].startswith("ℹ️ Fakta ini sudah diperbarui") and "Diperbarui." in shown["text"]
    store.save(store.get(fact.id).with_changes(status="retracted"), actor="test", action="retract")
    [gone] = await telegram.press(f"f:{num}:{fact.revision}", telegram.message_of(reply))
    assert "sudah dicabut" in gone["text"]


async def test_unknown_button_data_is_answered_not_crashed(telegram):
    [reply] = await telegram.say("/start")
    await telegram.press("zz:999", telegram.message_of(reply))
    assert telegram.api.calls_to("answerCallbackQuery")[-1]["text"] == "Tombol ini sudah tidak berlaku."


@pytest.mark.parametrize("text", ['"kemiskinan', "NEAR(", "'; DROP TABLE facts; --", "\u200b", "😀" * 50,
                                  "x" * 4096])
async def test_bad_text_gets_a_clear_reply(telegram, text):
    [reply] = await telegram.say(text)
    assert reply["text"]
    assert telegram.api.html_errors == []


async def test_nothing_identifying_is_stored(telegram):
    await telegram.say("BSU hoaks, nomor saya 081234567890, nama saya Budi", user_id=8080)
    dump = json.dumps([list(telegram.service.store.db.query(f"SELECT * FROM {t}"))
                       for t in ("users", "query_log", "feedback", "questions", "deliveries")])
    assert "081234567890" not in dump and "budi" not in dump.lower() and "8080" not in dump


async def test_an_english_message_gets_an_english_reply_until_a_language_is_chosen(telegram):
    [reply] = await telegram.say("what were the priority districts for extreme poverty in NTT in 2021?")
    assert reply["text"].startswith("<b>ℹ️ VERIFIED FACT</b>") and "East Manggarai" in reply["text"]
    [menu] = await telegram.say("/bahasa")
    await telegram.press("l:id", telegram.message_of(menu))
    [again] = await telegram.say("what were the priority districts for extreme poverty in NTT in 2021?")
    assert again["text"].startswith("<b>ℹ️ FAKTA TERVERIFIKASI</b>")


async def test_a_question_no_fact_covers_gets_the_nearest_fact_labelled_and_the_queue(telegram):
    [reply] = await telegram.say("berapa persen penduduk miskin NTT September 2023?")
    assert reply["text"].startswith("🔎 Belum ada data terverifikasi untuk September 2023")
    assert "19,96" in reply["text"]  # the nearest verified figure, March 2023
    assert any(data == "q" for _, data in buttons(reply))  # it can still go to the moderators


async def test_rated_claims_in_buttons_carry_their_verdict(telegram):
    [reply] = await telegram.say("daftar kabupaten prioritas kemiskinan ekstrem NTT 2021 yang benar dan yang salah")
    store = telegram.service.store
    rated = [label for label, data in buttons(reply) if data.startswith("f:")
             and store.get_by_number(int(data.split(":")[1])).verdict]
    assert rated and all("⚠️ MENYESATKAN:" in label for label in rated)
    [menu] = await telegram.say("/topik")
    await telegram.press("t:hoaks", telegram.message_of(menu))
    [edit] = telegram.api.calls_to("editMessageText")[-1:]
    shown = [(label, telegram.service.store.get_by_number(int(data.split(":")[1])))
             for label, data in buttons(edit) if data.startswith("f:")]
    rated = [label for label, fact in shown if fact.verdict]
    assert len(rated) >= 4
    assert all(label.split(":")[0] in ("❌ HOAKS", "❌ SALAH", "🚫 PENIPUAN", "⚠️ MENYESATKAN") for label in rated)


@pytest.mark.parametrize("tg_overrides", [{"public_url": "https://fakta.example.org"}])
async def test_an_answer_links_to_its_public_page_when_the_site_is_published(telegram, tg_overrides):
    [reply] = await telegram.say("satpel pvp kupang")
    assert '🔗 Bagikan fakta ini: <a href="https://fakta.example.org/fakta/satpel-pvp-kupang.html">' in reply["text"]


async def test_without_a_public_site_an_answer_carries_no_share_link(telegram):
    [reply] = await telegram.say("satpel pvp kupang")
    assert "Bagikan fakta ini" not in reply["text"]
