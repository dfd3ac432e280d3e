"""Load and faults through the real Application, its update queue and concurrent processing, against the
local fake Bot API: a burst with flood control, an outage, and a soak of hostile updates."""

import asyncio
import logging
import os
import random
import time
from collections import Counter

import pytest
from conftest import start_telegram, stop_telegram
from fakes import Updates

pytestmark = pytest.mark.e2e

QUERIES = ["BSU hoaks", "kabupaten prioritas kemiskinan ekstrem NTT", "blk kupang", "satpel pvp kupang",
           "harga cengkeh hari ini", "selamat pagi", "inpres kemiskinan ekstrem", "link bansos PKH 600 ribu"]


async def feed(harness, payloads: list[dict], timeout: float = 300) -> float:
    """Put updates on the application's queue (as polling or the webhook does) and wait until every one
    was handled; returns the seconds it took."""
    from bot.tg.intake import read_update

    started = time.monotonic()
    for payload in payloads:
        harness.api.remember(payload)
        await harness.app.update_queue.put(read_update(payload, harness.app.bot))
    processor = harness.app.update_processor
    quiet = 0
    while quiet < 3:
        await asyncio.sleep(0.05)
        quiet = quiet + 1 if harness.app.update_queue.empty() and processor.idle else 0
        assert time.monotonic() - started < timeout, "updates still being handled"
    return time.monotonic() - started


def burst(updates: Updates, users: int = 200, per_user: int = 5) -> list[dict]:
    """`users` citizens each sending `per_user` questions, interleaved."""
    return [updates.message(QUERIES[(n + u) % len(QUERIES)], user_id=10_000 + u)
            for n in range(per_user) for u in range(users)]


def replies_per_message(api) -> Counter:
    return Counter((int(c["chat_id"]), (c.get("reply_parameters") or {}).get("message_id")) for c in api.delivered())


@pytest.fixture
def tg_overrides():
    return {"send_rate": 500.0, "send_deadline": 120.0}


async def test_a_burst_with_flood_control_delivers_every_reply_once_and_honours_retry_after(bot_api, tg_settings):
    harness = await start_telegram(bot_api, tg_settings)
    try:
        messages = burst(harness.updates)
        calm = await feed(harness, messages)
        assert set(replies_per_message(bot_api).values()) == {1} and len(replies_per_message(bot_api)) == 1000
        bot_api.calls.clear()
        bot_api.flood = (0.2, 1, 3)  # 20% of sends answered 429, retry_after 1-3 s
        stormy = await feed(harness, burst(harness.updates))
    finally:
        await stop_telegram(harness)
    replies = replies_per_message(bot_api)
    assert len(replies) == 1000 and set(replies.values()) == {1}  # every reply delivered, exactly once
    assert bot_api.early_retries == []  # never sent to a chat before its retry_after had passed
    refused = bot_api.flood_answers
    assert refused >= 150
    logging.getLogger(__name__).warning("burst: %.1f s calm, %.1f s with %d 429s (retry_after sum %d s)",
                                        calm, stormy, refused, bot_api.retry_after_total)
    assert stormy - calm < bot_api.retry_after_total  # pauses overlap: one chat's wait holds up no other
    assert stormy - calm < 30


@pytest.fixture
def outage_overrides():
    return {}


@pytest.mark.parametrize("tg_overrides", [{"send_deadline": 60.0}])
async def test_an_outage_of_500s_then_dropped_connections_loses_no_reply(bot_api, tg_settings, tg_overrides):
    harness = await start_telegram(bot_api, tg_settings)
    try:
        bot_api.outage = "500"
        first = [harness.updates.message(q, user_id=20_000 + n) for n, q in enumerate(QUERIES * 2)]
        pending = asyncio.ensure_future(feed(harness, first, timeout=120))
        await asyncio.sleep(float(os.environ.get("CEKFAKTA_OUTAGE_SECONDS", "20")))
        assert bot_api.delivered() == []
        bot_api.outage = "drop"
        second = [harness.updates.message(q, user_id=21_000 + n) for n, q in enumerate(QUERIES)]
        more = asyncio.ensure_future(feed(harness, second, timeout=120))
        await asyncio.sleep(5)
        bot_api.outage = None  # recovery
        await pending
        await more
    finally:
        await stop_telegram(harness)
    replies = replies_per_message(bot_api)
    assert len(replies) == len(first) + len(second) and set(replies.values()) == {1}
    assert not [c for c in bot_api.delivered() if "kesalahan" in c["text"]]


async def test_a_reply_slower_than_the_timeout_gets_no_false_apology(bot_api, tg_settings):
    harness = await start_telegram(bot_api, tg_settings)
    try:
        bot_api.delay = 6.0  # past PTB's 5 s read timeout: the reply arrives, the bot does not hear so
        await harness.say("BSU hoaks", user_id=30_303)
        bot_api.delay = 0.0
        await asyncio.sleep(2)  # the fake finishes the slow send
    finally:
        await stop_telegram(harness)
    sent = [c for c in bot_api.sent() if int(c["chat_id"]) == 30_303]
    assert len(sent) == 1 and "BSU" in sent[0]["text"]  # arrived once: not sent again, no apology


# -- soak ------------------------------------------------------------------------------------------

HOSTILE_TEXTS = ["", "\x00", "a\x00b", "x" * 4096, "😀" * 300, "\u202e\u200b", "'; DROP TABLE facts; --",
                 '"kemiskinan', "NEAR(", "<b>BSU</b><script>", "&amp;&", "kemiskinan " * 400, "ـــ", "¹²³",
                 "/" * 50, "@cekfakta_test_bot", "https://example.org/" + "a" * 500]
GARBAGE_DATA = ["fb:²:1:1", "fb:1:²:1", "fb:99999999999999999999:1:1", "fb:1:1", "fb:1:1:2", "fb:-1:1:1",
                "f:99999999999999999999999:1", "f:²", "f:", "f:0:0", "f:-5:1", "t:", "t:../../etc", "t:" + "x" * 60,
                "q", "l:xx", "l:", "mv:verdict", "mc:save", "mc:reapply", "hd:maybe", "", ":", "zz:1", "💥",
                "f:1e3:1", "f: 1:1", "f:1:1:1:1"]
COMMANDS = ["/start", "/help", "/topik", "/bahasa", "/hapus", "/delete", "/unsubscribe", "/stop", "/menu",
            "/start@another_bot", "/mod tambah ²", "/mod tambah 99999999999999999999", "/mod tambah 0",
            "/mod tambah -5", "/jawab x y", "/fakta ../../x", "/ubah", "/kata", "/setujui ²", "/tolak -1 x"]
POISON = {"poll": {"id": "p", "question": "Benar?", "options": [], "total_voter_count": 0, "is_closed": False,
                   "is_anonymous": True, "type": "regular", "allows_multiple_answers": False}}


def hostile_updates(updates: Updates, count: int, bot_messages: list[dict]) -> tuple[list[dict], set, set]:
    """A mix of hostile updates; returns them, the (chat, message) pairs that deserve one reply, and the
    ids of the callback queries."""
    rng = random.Random(20261129)
    payloads, deserving, callbacks = [], set(), set()
    users = max(count // 6, 50)  # each citizen stays under the flood limit
    for n in range(count):
        user = 50_000 + rng.randrange(users)
        kind = rng.random()
        if kind < 0.35:
            text = rng.choice(HOSTILE_TEXTS + QUERIES) + ("" if rng.random() < 0.7 else chr(rng.randrange(32, 0x2FFF)))
            payload = updates.message(text, user_id=user, edited=rng.random() < 0.1)
            body = payload.get("message") or payload["edited_message"]
            if text:  # (Telegram sends no empty texts; the bot ignores one)
                deserving.add((user, body["message_id"]))
        elif kind < 0.45:
            payload = updates.message(rng.choice(QUERIES), user_id=user, chat_id=-10_000 - rng.randrange(20),
                                      chat_type="group")  # not addressed to the bot: no reply
        elif kind < 0.55:
            text = rng.choice(COMMANDS)
            payload = updates.message(text, user_id=user)
            if not text.startswith("/start@another"):
                deserving.add((user, payload["message"]["message_id"]))
        elif kind < 0.62:
            content = rng.choice([{"sticker": {"file_id": "s", "file_unique_id": "s", "width": 1, "height": 1,
                                               "is_animated": False, "is_video": False, "type": "regular"}},
                                  {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 1}},
                                  {"location": {"latitude": 1.0, "longitude": 2.0}}])
            payload = updates.message(None, user_id=user, **content)
            deserving.add((user, payload["message"]["message_id"]))
        elif kind < 0.92:
            data = rng.choice(GARBAGE_DATA)
            if rng.random() < 0.3 and bot_messages:
                message = rng.choice(bot_messages)
                data = rng.choice([b["callback_data"] for row in message.get("reply_markup", {}).get(
                    "inline_keyboard", [[{"callback_data": data}]]) for b in row] or [data])
            else:
                message = {"message_id": 1, "date": 0, "chat": {"id": user, "type": "private"}}  # inaccessible
            payload = updates.callback(data, message, user_id=user)
            callbacks.add(payload["callback_query"]["id"])
        elif kind < 0.97:
            payload = updates.callback(rng.choice(GARBAGE_DATA), {}, user_id=user)
            query = payload["callback_query"]
            del query["message"]
            query["inline_message_id"] = f"inline{n}"  # a button of an inline-mode message: no message
            callbacks.add(query["id"])
        else:
            payload = {"update_id": updates._update_id + 1, **POISON}
            updates._update_id += 1
        payloads.append(payload)
    return payloads, deserving, callbacks


@pytest.mark.soak
async def test_soak_of_hostile_updates(bot_api, tg_settings, caplog):
    count = int(os.environ.get("CEKFAKTA_SOAK_UPDATES", "3000"))
    harness = await start_telegram(bot_api, tg_settings)
    try:
        [answer] = await harness.say("kabupaten prioritas kemiskinan ekstrem NTT", user_id=4242)
        [menu] = await harness.say("/topik", user_id=4242)
        before = len(bot_api.calls)
        payloads, deserving, callbacks = hostile_updates(harness.updates, count, [harness.message_of(answer),
                                                                                   harness.message_of(menu)])
        with caplog.at_level(logging.WARNING):
            seconds = await feed(harness, payloads, timeout=900)
        later = await harness.say("BSU hoaks", user_id=77)  # still answering after all that
    finally:
        await stop_telegram(harness)
    logging.getLogger(__name__).warning("soak: %d updates in %.1f s", count, seconds)
    assert "BSU" in later[0]["text"]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], errors[:3]
    calls = bot_api.calls[before:]
    replies = Counter((int(c.params["chat_id"]), (c.params.get("reply_parameters") or {}).get("message_id"))
                      for c in calls if c.method == "sendMessage" and "_message_id" in c.params
                      and int(c.params["chat_id"]) >= 50_000)  # the soak's citizens' private chats
    messages = {(int(body["chat"]["id"]), body["message_id"]) for p in payloads
                for body in [p.get("message") or p.get("edited_message")] if body}
    unasked = (set(replies) & messages) - deserving  # (buttons may answer with a message of their own)
    assert unasked == set(), [repr(body.get("text"))[:60] for p in payloads for body in [p.get("message") or p.get("edited_message")]
                              if body and (int(body["chat"]["id"]), body["message_id"]) in unasked][:5] or [(c.params["text"][:80], c.params.get("reply_parameters")) for c in calls
                              if c.method == "sendMessage" and (int(c.params["chat_id"]), (c.params.get(
                                  "reply_parameters") or {}).get("message_id")) in unasked][:5]  # nothing unasked
    wrong = [m for m in deserving if replies[m] != 1]
    assert wrong == [], [(replies[(int(body["chat"]["id"]), body["message_id"])], repr(body.get("text"))[:40],
                          sorted(body)) for p in payloads for body in [p.get("message") or p.get("edited_message")]
                         if body and (int(body["chat"]["id"]), body["message_id"]) in wrong][:6]  # exactly one each
    answered = {c.params["callback_query_id"] for c in calls if c.method == "answerCallbackQuery"}
    assert callbacks <= answered  # every button press answered: no spinner left hanging
    poison = [r for r in caplog.records if "could not be read" in r.getMessage()]
    assert poison and all("Benar" not in r.getMessage() for r in poison)
    assert bot_api.html_errors == []
