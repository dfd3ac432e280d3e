"""Metrics and the question log, through the real Application and the local fake Bot API."""

import json
import logging

import pytest

from bot.metrics import ASKER, Metrics, ObservedChecker
from bot.tg.observe import METRICS

pytestmark = pytest.mark.e2e


def sample(telegram, name: str, **labels) -> float:
    """A metric's current value, as a scrape would read it."""
    value = telegram.app.bot_data[METRICS].registry.get_sample_value(name, labels)
    return 0.0 if value is None else value


async def test_questions_are_counted_by_outcome(telegram):
    await telegram.say("BSU hoaks")
    await telegram.say("link bansos PKH 600 ribu")
    await telegram.say("berapa persen penduduk miskin NTT September 2023?")  # the nearest fact, labelled
    await telegram.say("jadwal kapal ferry kupang ke rote minggu depan")  # not verified yet
    await telegram.say("selamat pagi")
    assert sample(telegram, "cekfakta_questions_total", outcome="answered") == 2
    assert sample(telegram, "cekfakta_questions_total", outcome="near") == 1
    assert sample(telegram, "cekfakta_questions_total", outcome="declined") == 1
    assert sample(telegram, "cekfakta_questions_total", outcome="other") == 1


async def test_match_latency_is_a_histogram_of_every_check(telegram):
    for text in ("BSU hoaks", "blk kupang", "harga cabai"):
        await telegram.say(text)
    assert sample(telegram, "cekfakta_match_seconds_count") == 3
    total = sample(telegram, "cekfakta_match_seconds_sum")
    assert 0 < total < 3  # seconds, for three quick checks
    assert sample(telegram, "cekfakta_match_seconds_bucket", le="+Inf") == 3


async def test_queue_size_follows_the_moderators_queue(telegram):
    assert sample(telegram, "cekfakta_queue_size") == 0
    [reply] = await telegram.say("jadwal kapal ferry kupang ke rote minggu depan")
    await telegram.press("q", telegram.message_of(reply))
    assert sample(telegram, "cekfakta_queue_size") == 1


@pytest.mark.parametrize(("code", "description", "kind"), [
    (403, "Forbidden: bot was blocked by the user", "forbidden"),
    (400, "Bad Request: message text is empty", "bad_request"),
    (502, "Bad Gateway", "network"),
])
async def test_bot_api_errors_are_counted_by_kind(telegram, code, description, kind):
    telegram.api.fail_next("sendMessage", code, description)
    await telegram.say("BSU hoaks", user_id=7171)
    assert sample(telegram, "cekfakta_bot_api_errors_total", kind=kind) == 1
    others = [k for k in ("forbidden", "bad_request", "network", "flood") if k != kind]
    assert all(sample(telegram, "cekfakta_bot_api_errors_total", kind=k) == 0 for k in others)


async def test_a_flood_wait_is_counted_and_the_reply_still_arrives(telegram):
    telegram.api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    sent = await telegram.say("BSU hoaks")
    assert "BSU" in sent[-1]["text"]
    assert sample(telegram, "cekfakta_bot_api_errors_total", kind="flood") == 1


async def test_every_question_is_logged_with_hashed_user_facts_score_and_latency(telegram, caplog):
    caplog.set_level(logging.INFO)
    await telegram.say("BSU minta NIK nama ibu kandung", user_id=8181)
    [record] = [r for r in caplog.records if getattr(r, "event", None) == "question"]
    asker = telegram.app.bot_data["citizens"].log_id(8181)
    assert record.user == asker and "8181" not in record.getMessage()
    assert record.outcome == "answered" and record.facts[0] == "hoaks-pesan-berantai-bsu-nik"
    assert record.score > 0 and record.latency_ms > 0
    assert f"user={asker} outcome=answered facts=hoaks-pesan-berantai-bsu-nik" in record.getMessage()
    assert "ibu kandung" not in caplog.text  # the message itself stays out of INFO logs


async def test_the_message_text_is_logged_only_at_debug(telegram, caplog):
    caplog.set_level(logging.DEBUG, logger="cekfakta.questions")
    await telegram.say("BSU minta NIK nama ibu kandung", user_id=8181)
    texts = [r for r in caplog.records if getattr(r, "event", None) == "question_text"]
    assert [r.levelno for r in texts] == [logging.DEBUG]
    assert texts[0].text == "BSU minta NIK nama ibu kandung"


def test_outbox_backlog_is_read_at_each_scrape():
    pending = [3]
    metrics = Metrics(backlog=lambda: pending[0])
    assert metrics.registry.get_sample_value("cekfakta_outbox_backlog") == 3
    pending[0] = 0
    body, content_type = metrics.exposition()
    assert b"cekfakta_outbox_backlog 0.0" in body and content_type.startswith("text/plain")


def test_without_a_backlog_callable_the_backlog_reads_zero():
    assert Metrics().registry.get_sample_value("cekfakta_outbox_backlog") == 0


def test_the_observed_checker_logs_the_asker_set_by_the_edge(seeded_service, caplog):
    caplog.set_level(logging.INFO)
    checker = ObservedChecker(seeded_service.checker, Metrics())
    token = ASKER.set("abc123")
    try:
        answer = checker.check("BSU hoaks")
    finally:
        ASKER.reset(token)
    [record] = [r for r in caplog.records if getattr(r, "event", None) == "question"]
    assert record.user == "abc123" and record.facts == [m.fact.id for m in answer.matches]
    assert json.dumps(record.facts)  # plain data, ready for the JSON log format
