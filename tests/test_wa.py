"""The WhatsApp edge end to end: signed webhook payloads (Meta's published examples) POSTed over real HTTP
to the bot's real web server, replies recorded by a local fake Graph API on 127.0.0.1."""

from __future__ import annotations

import copy
import hashlib
import hmac
import itertools
import json
import socket
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fakes import FakeGraphAPI

from bot.citizens import Citizens
from bot.config import Settings
from bot.editorial import Editorial
from bot.health import Health
from bot.metrics import Metrics
from bot.service import Service, open_service
from bot.wa.edge import WhatsAppEdge
from bot.wa.notices import WhatsAppOutbox
from bot.wa.web import routes
from bot.web import WebServer, web_app

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).parent / "fixtures" / "whatsapp"
SECRET = "app-secret-for-tests"
VERIFY = "verify-token-for-tests"
CITIZEN = "6281234567890"
OWNER, ALICE = 1, 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


class WhatsAppHarness:
    """The real WhatsApp edge behind the real web server, and the fake Graph API it sends to."""

    def __init__(self, edge: WhatsAppEdge, graph: FakeGraphAPI, client: httpx.AsyncClient, service: Service):
        self.edge = edge
        self.graph = graph
        self.client = client
        self.service = service
        self.outbox = WhatsAppOutbox(edge)
        self._ids = itertools.count(1)

    async def post(self, payload: dict | bytes, signature: str | None = "") -> httpx.Response:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        if signature == "":
            signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        headers = {"Content-Type": "application/json"}
        if signature is not None:
            headers["X-Hub-Signature-256"] = signature
        return await self.client.post("/whatsapp", content=body, headers=headers)

    def message(self, name: str, wa_id: str = CITIZEN, **fields) -> dict:
        """One of Meta's example payloads, from `wa_id`, with a fresh message id and `fields` merged in."""
        payload = fixture(name)
        value = payload["entry"][0]["changes"][0]["value"]
        value["contacts"][0]["wa_id"] = wa_id
        message = value["messages"][0]
        message.update({"from": wa_id, "id": f"wamid.TEST{next(self._ids):06d}",
                        "timestamp": str(int(datetime.now(UTC).timestamp()))})
        for key, item in fields.items():
            message[message["type"]][key] = item
        return payload

    async def send(self, payload: dict) -> list[dict]:
        """POST a signed payload; the messages the bot sent in reply."""
        before = len(self.graph.messages)
        response = await self.post(payload)
        assert response.status_code == 200, response.text
        return self.graph.messages[before:]

    async def say(self, text: str, wa_id: str = CITIZEN) -> list[dict]:
        return await self.send(self.message("text.json", wa_id, body=text))

    async def press(self, option_id: str, wa_id: str = CITIZEN, kind: str = "button_reply") -> list[dict]:
        payload = self.message(f"{kind}.json", wa_id)
        message = payload["entry"][0]["changes"][0]["value"]["messages"][0]
        message["interactive"][kind]["id"] = option_id
        return await self.send(payload)


def body(sent: dict) -> str:
    if sent["type"] == "text":
        return sent["text"]["body"]
    if sent["type"] == "interactive":
        return sent["interactive"]["body"]["text"]
    return sent["type"]


def options(sent: dict) -> list[tuple[str, str]]:
    """(id, title) of an interactive message's buttons or list rows."""
    action = sent["interactive"]["action"]
    if "buttons" in action:
        return [(b["reply"]["id"], b["reply"]["title"]) for b in action["buttons"]]
    return [(r["id"], r["title"]) for s in action["sections"] for r in s["rows"]]


async def start_whatsapp(service: Service, settings: Settings, graph: FakeGraphAPI, citizens: Citizens):
    edge = WhatsAppEdge(service, citizens, settings)
    port = free_port()

    async def probe() -> Health:
        return Health(True, "ok", 1)

    server = WebServer(web_app(probe, Metrics(), routes(edge, settings.wa_path)), "127.0.0.1", port)
    await server.start()
    client = httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30)
    return WhatsAppHarness(edge, graph, client, service), server


@pytest.fixture
def graph():
    api = FakeGraphAPI().start()
    yield api
    api.stop()


def wa_settings(db_path: Path, graph: FakeGraphAPI, **overrides) -> Settings:
    return Settings(db_path=db_path, salt="test-salt", wa_token="EAAG-test-token", wa_phone_id=graph.phone_id,
                    wa_verify_token=VERIFY, wa_app_secret=SECRET, wa_api_url=graph.base_url, **overrides)


@pytest.fixture
async def whatsapp(tmp_path, graph):
    settings = wa_settings(tmp_path / "wa.db", graph)
    service = open_service(settings)
    harness, server = await start_whatsapp(service, settings, graph, Citizens(service.store, settings.salt))
    yield harness
    await harness.client.aclose()
    await server.stop()
    await harness.edge.close()


# -- the webhook's security --------------------------------------------------------------------------

async def test_the_verification_handshake_answers_the_challenge_only_with_our_token(whatsapp):
    ok = await whatsapp.client.get("/whatsapp", params={"hub.mode": "subscribe", "hub.verify_token": VERIFY,
                                                        "hub.challenge": "1158201444"})
    assert (ok.status_code, ok.text) == (200, "1158201444")
    wrong = await whatsapp.client.get("/whatsapp", params={"hub.mode": "subscribe", "hub.verify_token": "guess",
                                                           "hub.challenge": "1158201444"})
    assert wrong.status_code == 403 and "1158201444" not in wrong.text


async def test_unsigned_or_wrongly_signed_posts_are_refused_and_answer_nobody(whatsapp):
    payload = whatsapp.message("text.json", body="BSU hoaks")
    assert (await whatsapp.post(payload, signature=None)).status_code == 403
    assert (await whatsapp.post(payload, signature="sha256=" + "0" * 64)).status_code == 403
    other_secret = hmac.new(b"another-app", json.dumps(payload).encode(), hashlib.sha256).hexdigest()
    assert (await whatsapp.post(payload, signature=f"sha256={other_secret}")).status_code == 403
    assert whatsapp.graph.messages == []
    assert (await whatsapp.post(payload)).status_code == 200  # the same payload, signed: answered
    assert whatsapp.graph.messages


async def test_a_delivery_meta_repeats_is_answered_once(whatsapp):
    payload = whatsapp.message("text.json", body="BSU hoaks")
    first = await whatsapp.send(payload)
    again = await whatsapp.send(copy.deepcopy(payload))
    assert first and again == []
    assert whatsapp.service.store.people.queries_since("2000-01-01") == 1


async def test_malformed_bodies_are_refused_without_a_crash(whatsapp):
    assert (await whatsapp.post(b"{not json")).status_code == 400
    assert (await whatsapp.post({"object": "whatsapp_business_account", "entry": []})).status_code == 200
    assert (await whatsapp.say("BSU hoaks")) != []  # still serving


# -- answers ----------------------------------------------------------------------------------------

async def test_a_keyword_gets_the_verdict_in_whatsapp_markup_then_its_choices(whatsapp):
    sent = await whatsapp.say("BSU hoaks")
    text, choices = sent[0], sent[-1]
    assert text["to"] == CITIZEN and text["type"] == "text"
    assert body(text).startswith("*❌ HOAKS*") and "<b>" not in body(text)
    assert "*Sumber:*" in body(text)
    assert choices["type"] == "interactive"
    ids = [i for i, _ in options(choices)]
    assert ids[-2].startswith("fb:") and ids[-2].endswith(":1") and ids[-1].endswith(":0")


async def test_a_see_also_row_from_the_list_shows_that_fact(whatsapp):
    sent = await whatsapp.say("Sumba Timur, TTS, Rote Ndao, Sumba Tengah dan Sumba Tengah jadi prioritas "
                              "kemiskinan ekstrem")
    choices = sent[-1]
    assert choices["interactive"]["type"] == "list"
    rows = options(choices)
    assert len(rows) <= 10 and all(len(title) <= 24 for _, title in rows)
    fact_rows = [(i, t) for i, t in rows if i.startswith("f:")]
    assert fact_rows
    for _, title in fact_rows:  # cut between words, never inside one
        assert not title.endswith("…") or title[:-1] == title[:-1].rstrip()
    number = int(fact_rows[0][0].split(":")[1])
    fact = whatsapp.service.store.get_by_number(number)
    shown = await whatsapp.press(fact_rows[0][0], kind="list_reply")
    assert fact.text("statement", "id")[:50] in body(shown[0])
    assert [i for i, _ in options(shown[-1])] == [f"fb:{number}:{fact.revision}:1", f"fb:{number}:{fact.revision}:0"]


async def test_feedback_from_a_button_is_stored(whatsapp):
    sent = await whatsapp.say("BSU hoaks")
    helpful = next(i for i, _ in options(sent[-1]) if i.endswith(":1"))
    [thanks] = await whatsapp.press(helpful)
    assert body(thanks) == "Terima kasih atas masukannya!"
    assert whatsapp.service.store.people.feedback_since("2000-01-01") == (1, 1)


async def test_an_image_is_checked_on_its_caption_and_a_sticker_gets_the_text_only_reply(whatsapp):
    sent = await whatsapp.send(whatsapp.message("image.json", caption="BSU hoaks"))
    assert body(sent[0]).startswith("*❌ HOAKS*")
    [polite] = await whatsapp.send(whatsapp.message("sticker.json"))
    assert body(polite).startswith("Maaf, saya hanya bisa membaca teks")


async def test_an_answer_longer_than_4096_characters_is_split_between_paragraphs(whatsapp, monkeypatch):
    from bot import messages

    paragraph = "Paragraf panjang tentang program BSU dan bantuan pekerja. " * 12
    original = messages.render_fact

    def long_fact(*args, **kwargs):
        return original(*args, **kwargs) + "".join(f"\n\n{n}. {paragraph}" for n in range(12))

    monkeypatch.setattr(messages, "render_fact", long_fact)
    sent = await whatsapp.say("BSU hoaks")
    texts = [body(s) for s in sent if s["type"] == "text"]
    assert len(texts) >= 2 and all(len(t) <= 4096 for t in texts)
    assert all(t.rstrip().endswith(paragraph.strip()) for t in texts[:-1])  # each part ends a paragraph
    joined = "\n\n".join(texts)
    assert all(f"{n}. {paragraph.strip()}" in joined for n in range(12))  # nothing lost


async def test_topics_language_and_deleting_ones_data_work_by_words(whatsapp):
    [topics] = await whatsapp.say("topik")
    topic_id, _ = options(topics)[0]
    [facts] = await whatsapp.press(topic_id, kind="list_reply" if "sections" in topics["interactive"]["action"]
                                   else "button_reply")
    assert all(i.startswith("f:") for i, _ in options(facts)) and len(options(facts)) <= 10
    [languages] = await whatsapp.say("bahasa")
    assert [i for i, _ in options(languages)] == ["l:id", "l:en"]
    [english] = await whatsapp.press("l:en")
    assert body(english) == "Language set to English."
    assert body((await whatsapp.say("BSU hoaks"))[0]).startswith("*❌ HOAX*")
    [confirm] = await whatsapp.say("hapusdata")
    assert [i for i, _ in options(confirm)] == ["hd:yes", "hd:no"]
    [done] = await whatsapp.press("hd:yes")
    assert body(done) == "✅ All your data has been deleted."
    people = whatsapp.service.store.people
    assert people.queries_since("2000-01-01") == 0 and people.lang(whatsapp.edge.citizens.hash_phone(CITIZEN)) is None


async def test_a_stale_or_forged_choice_is_answered_politely(whatsapp):
    for forged in ("f:99999999:1", "fb:abc:1:1", "q", "t:tidak-ada", "zzz", ""):
        [reply] = await whatsapp.press(forged)
        assert reply["type"] == "text"


# -- the moderators' queue, notices and the 24-hour window ------------------------------------------

async def test_consent_then_a_moderators_jawab_on_telegram_reaches_the_whatsapp_asker(telegram, graph):
    from conftest import MODERATOR, OWNER

    service = telegram.service
    settings = replace(wa_settings(service.settings.db_path, graph), salt=service.settings.salt)
    whatsapp, server = await start_whatsapp(service, settings, graph, telegram.app.bot_data["citizens"])
    try:
        sent = await whatsapp.say("harga cengkeh di alor hari ini")
        assert [i for i, _ in options(sent[-1])] == ["q", "q:no"]
        [queued] = await whatsapp.press("q")
        assert body(queued).startswith("✅ Pertanyaan Anda sudah diteruskan")
        await telegram.say(f"/mod tambah {MODERATOR}", user_id=OWNER)
        [queue] = await telegram.say("/antrian", user_id=MODERATOR)
        assert "harga cengkeh di alor" in queue["text"]
        [question] = service.store.people.open_questions()
        await telegram.say(f"/jawab {question.id} padat-karya-ntt", user_id=MODERATOR)
        before = len(graph.messages)
        assert await whatsapp.outbox.deliver_due() == 1
        [notice] = graph.messages[before:]
        assert notice["to"] == CITIZEN
        assert body(notice).startswith("📬 Jawaban untuk pertanyaan yang Anda teruskan ke moderator:")
        assert not [c for c in telegram.api.sent() if int(c["chat_id"]) > 10**9]  # nothing sent on Telegram
    finally:
        await whatsapp.client.aclose()
        await server.stop()
        await whatsapp.edge.close()


def _correct(service: Service, citizens: Citizens, fact_id: str) -> None:
    """A moderator edits the fact's statement (a substantive change: corrections are queued)."""
    editorial = Editorial(service.store, citizens, service.analyzer, service.topics, frozenset({OWNER}))
    editorial.add_moderator(ALICE, by=OWNER)
    editorial.start_edit(ALICE, fact_id)
    editorial.choose(ALICE, "statement")
    editorial.answer(ALICE, "Pernyataan yang sudah dikoreksi oleh moderator untuk pengujian.")
    editorial.finish(ALICE)


def _wrote_hours_ago(service: Service, hours: float) -> None:
    at = (datetime.now(UTC) - timedelta(hours=hours)).isoformat(timespec="seconds")
    service.store.db.execute("UPDATE users SET last_inbound_at = ?", [at])
    service.store.db.conn.commit()


async def test_a_correction_inside_the_24_hour_window_is_sent_as_text(whatsapp):
    sent = await whatsapp.say("BSU hoaks")
    fact_id = whatsapp.service.store.get_by_number(int(options(sent[-1])[-1][0].split(":")[1])).id
    _correct(whatsapp.service, whatsapp.edge.citizens, fact_id)
    before = len(whatsapp.graph.messages)
    assert await whatsapp.outbox.deliver_due() == 1
    [correction] = whatsapp.graph.messages[before:]
    assert correction["type"] == "text" and body(correction).startswith("🔁 Koreksi")
    assert "Pernyataan yang sudah dikoreksi" in body(correction)


async def test_outside_the_window_a_correction_is_only_a_template_or_recorded_undeliverable(whatsapp, tmp_path):
    sent = await whatsapp.say("BSU hoaks")
    fact_id = whatsapp.service.store.get_by_number(int(options(sent[-1])[-1][0].split(":")[1])).id
    _wrote_hours_ago(whatsapp.service, 25)
    _correct(whatsapp.service, whatsapp.edge.citizens, fact_id)
    before = len(whatsapp.graph.messages)
    await whatsapp.outbox.deliver_due()
    assert whatsapp.graph.messages[before:] == []  # never free-form outside the window
    [notice] = whatsapp.service.store.newsroom.notices()
    assert notice["status"] == "undeliverable" and notice["channel"] == "wa"
    stats = Editorial(whatsapp.service.store, whatsapp.edge.citizens, whatsapp.service.analyzer,
                      whatsapp.service.topics, frozenset({OWNER})).statistics(OWNER)
    assert stats["undeliverable"] == 1
    # With a template configured, the same situation sends the template.
    whatsapp.edge.settings = replace(whatsapp.edge.settings, wa_notice_template="cekfakta_koreksi:id")
    _correct_again = "Pernyataan koreksi kedua untuk pengujian templat."
    editorial = Editorial(whatsapp.service.store, whatsapp.edge.citizens, whatsapp.service.analyzer,
                          whatsapp.service.topics, frozenset({OWNER}))
    editorial.add_moderator(ALICE, by=OWNER)
    whatsapp.service.store.people.record_delivery(int(CITIZEN), whatsapp.edge.citizens.hash_phone(CITIZEN),
                                                  fact_id, 1, "wa")
    editorial.start_edit(ALICE, fact_id)
    editorial.choose(ALICE, "statement")
    editorial.answer(ALICE, _correct_again)
    editorial.finish(ALICE)
    await whatsapp.outbox.deliver_due()
    [template] = whatsapp.graph.messages[before:]
    assert template["type"] == "template" and template["template"]["name"] == "cekfakta_koreksi"
    assert template["template"]["language"]["code"] == "id"


async def test_a_status_callback_is_recorded_on_the_notice_and_unknown_kinds_do_not_crash(whatsapp):
    sent = await whatsapp.say("BSU hoaks")
    fact_id = whatsapp.service.store.get_by_number(int(options(sent[-1])[-1][0].split(":")[1])).id
    _correct(whatsapp.service, whatsapp.edge.citizens, fact_id)
    await whatsapp.outbox.deliver_due()
    [notice] = whatsapp.service.store.newsroom.notices()
    for kind in ("sent", "delivered", "read", "deleted_by_meta_someday"):
        payload = fixture("status.json")
        status = payload["entry"][0]["changes"][0]["value"]["statuses"][0]
        status.update({"id": notice["provider_id"], "status": kind, "recipient_id": CITIZEN})
        assert (await whatsapp.post(payload)).status_code == 200
        if kind == "read":
            assert whatsapp.service.store.newsroom.notices()[0]["provider_status"] == "read"
    payload = fixture("status.json")
    status = payload["entry"][0]["changes"][0]["value"]["statuses"][0]
    status.update({"id": notice["provider_id"], "status": "failed",
                   "errors": [{"code": 131047, "title": "Re-engagement message", "message": "Re-engagement message"}]})
    assert (await whatsapp.post(payload)).status_code == 200
    [failed] = whatsapp.service.store.newsroom.notices()
    assert failed["status"] == "failed" and failed["provider_status"] == "failed"
    assert (await whatsapp.say("BSU hoaks")) != []  # still serving


async def test_phone_numbers_are_stored_only_hashed_or_encrypted(whatsapp, tmp_path):
    await whatsapp.say("BSU hoaks")
    await whatsapp.say("harga cengkeh di alor hari ini")
    await whatsapp.press("q")
    whatsapp.service.store.checkpoint()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("wa.db*"))
    assert CITIZEN.encode() not in raw


# -- running it ---------------------------------------------------------------------------------------

def test_cekfakta_without_a_telegram_token_serves_whatsapp_until_sigterm(tmp_path, graph):
    import os
    import signal
    import subprocess
    import sys
    import time

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CEKFAKTA_", "TELEGRAM_"))}
    env.update({"CEKFAKTA_DB": str(tmp_path / "run.db"), "CEKFAKTA_SALT": "test-salt",
                "CEKFAKTA_WA_TOKEN": "EAAG-test-token", "CEKFAKTA_WA_PHONE_ID": graph.phone_id,
                "CEKFAKTA_WA_VERIFY_TOKEN": VERIFY, "CEKFAKTA_WA_APP_SECRET": SECRET,
                "CEKFAKTA_WA_API_URL": graph.base_url, "CEKFAKTA_WEBHOOK_PORT": str(port)})
    process = subprocess.Popen([sys.executable, "-m", "bot"], env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        payload = json.dumps(fixture("text.json") | {}).replace("Does it come in another color?", "BSU hoaks")
        signature = "sha256=" + hmac.new(SECRET.encode(), payload.encode(), hashlib.sha256).hexdigest()
        response = httpx.post(f"http://127.0.0.1:{port}/whatsapp", content=payload, timeout=30,
                              headers={"X-Hub-Signature-256": signature, "Content-Type": "application/json"})
        assert response.status_code == 200
        assert body(graph.messages[0]).startswith("*❌ HOAKS*")
        assert httpx.post(f"http://127.0.0.1:{port}/whatsapp", content=payload).status_code == 403
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "16315551181" not in stderr  # the number is never logged above DEBUG


def test_a_whatsapp_token_without_its_webhook_secrets_stops_with_a_configuration_error(run_cli):
    result = run_cli("run", env={"CEKFAKTA_WA_TOKEN": "EAAG-test", "CEKFAKTA_WA_PHONE_ID": "106540352242922"})
    assert result.returncode == 78
    assert "CEKFAKTA_WA_VERIFY_TOKEN and CEKFAKTA_WA_APP_SECRET must be set" in result.stderr


def test_telegram_and_whatsapp_in_one_process_share_one_web_server(bot_api, graph, tmp_path):
    import time

    from fakes import Updates
    from test_tg_run import _env, running, stop

    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram-hook"
    env = _env(bot_api, tmp_path, CEKFAKTA_WEBHOOK_SECRET="s3cret-token", CEKFAKTA_WA_TOKEN="EAAG-test-token",
               CEKFAKTA_WA_PHONE_ID=graph.phone_id, CEKFAKTA_WA_VERIFY_TOKEN=VERIFY, CEKFAKTA_WA_APP_SECRET=SECRET,
               CEKFAKTA_WA_API_URL=graph.base_url)
    with running("run", "--webhook-url", url, "--listen", "127.0.0.1", "--port", str(port), env=env,
                 cwd=tmp_path) as process:
        bot_api.wait_for("setWebhook", 1, timeout=30)
        payload = json.dumps(fixture("text.json")).replace("Does it come in another color?", "BSU hoaks")
        signature = "sha256=" + hmac.new(SECRET.encode(), payload.encode(), hashlib.sha256).hexdigest()
        for _ in range(100):
            try:
                response = httpx.post(f"http://127.0.0.1:{port}/whatsapp", content=payload, timeout=30,
                                      headers={"X-Hub-Signature-256": signature, "Content-Type": "application/json"})
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert response.status_code == 200 and body(graph.messages[0]).startswith("*❌ HOAKS*")
        telegram = httpx.post(url, content=json.dumps(Updates().message("BSU hoaks")), headers={
            "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": "s3cret-token"})
        assert telegram.status_code == 200
        [reply] = bot_api.wait_for("sendMessage", 1, timeout=30)
        assert "HOAKS" in reply["text"]
        assert httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200
        stderr = stop(process)
    assert process.returncode == 0, stderr


async def test_start_is_a_command_not_a_question(whatsapp):
    [reply] = await whatsapp.say("/start")
    assert body(reply).startswith("Kirim kata kunci untuk dicek. Perintah:")
    assert whatsapp.service.store.people.queries_since("2000-01-01") == 0
