"""The moderators' picture: questions per day by outcome, top unanswered words without stopwords,
the PNG chart (locally and as /statistik grafik), and the daily digest of spikes."""

import json
import struct
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import MODERATOR, OWNER

from bot.charts import chart, render_png
from bot.trends import Trends, ignored_words, spikes, trends

WITA = ZoneInfo("Asia/Makassar")
NOW = datetime(2025, 3, 31, 4, 0, tzinfo=UTC)  # 12:00 in NTT


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header; fails unless `data` is a PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    assert data[-12:-4] == b"\x00\x00\x00\x00IEND"  # complete, not cut short
    return struct.unpack(">II", data[16:24])


def log(db, at: datetime, answered: bool, terms: list[str], kind: str | None = None) -> None:
    row = {"at": at.isoformat(timespec="seconds"), "user_hash": "h", "answered": int(answered), "fact_id": None,
           "terms": json.dumps(terms)}
    if kind is not None:
        row["kind"] = kind
    db["query_log"].insert(row, alter=kind is not None)


@pytest.fixture
def words(analyzer):
    return ignored_words(analyzer.lexicon.stopwords, analyzer.lexicon.smalltalk)


def test_questions_are_counted_on_the_local_day(store, words):
    log(store.db, datetime(2025, 3, 30, 15, 30, tzinfo=UTC), True, ["bsu"])  # 23:30 WITA on the 30th
    log(store.db, datetime(2025, 3, 30, 16, 30, tzinfo=UTC), False, ["harga"])  # 00:30 WITA on the 31st
    log(store.db, datetime(2025, 2, 1, 12, 0, tzinfo=UTC), True, ["bsu"])  # older than 30 days
    data = trends(store.db, words, WITA, NOW)
    assert data.days[0] == date(2025, 3, 2) and data.days[-1] == date(2025, 3, 31) and len(data.days) == 30
    assert (data.answered[-2], data.unanswered[-2]) == (1, 0)
    assert (data.answered[-1], data.unanswered[-1]) == (0, 1)
    assert data.total == 2


def test_top_unanswered_words_leave_out_stopwords_and_answered_questions(store, words):
    assert "hari" in words and "ini" in words
    for n in range(3):
        log(store.db, NOW - timedelta(hours=n + 1), False, ["harga", "beras", "hari", "ini"])
    log(store.db, NOW - timedelta(hours=1), True, ["bsu", "bsu"])
    log(store.db, NOW - timedelta(hours=1), False, ["beras", "2024"])
    data = trends(store.db, words, WITA, NOW)
    assert data.top_unanswered == (("beras", 4), ("harga", 3))


def test_near_is_told_apart_from_not_found(store, words):
    log(store.db, NOW - timedelta(hours=1), False, ["x"])  # a line logged before kinds were recorded
    log(store.db, NOW - timedelta(hours=1), False, ["x"], kind="nearest")
    log(store.db, NOW - timedelta(hours=1), False, ["halo"], kind="smalltalk")
    data = trends(store.db, words, WITA, NOW)
    assert data.tells_near and (data.near[-1], data.unanswered[-1]) == (1, 1)  # greetings are not counted


def test_the_chart_is_a_valid_png_of_the_expected_size():
    days = tuple(date(2025, 3, 1) + timedelta(days=n) for n in range(30))
    data = Trends(days, tuple(range(30)), (2,) * 30, (1,) * 30, (("beras", 9), ("harga", 4)), True)
    png = render_png(data, "id")
    assert png_size(png) == (1000, 700)
    assert len(png) > 20_000  # bars, labels and words drawn, not an empty canvas
    empty = render_png(Trends(days, (0,) * 30, (0,) * 30, (0,) * 30, (), False), "en")
    assert png_size(empty) == (1000, 700) and empty != png


def test_stats_png_writes_the_chart(run_cli, tmp_path):
    result = run_cli("stats", "--png", "chart.png")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "wrote chart.png: 0 questions in 30 days"
    assert png_size((tmp_path / "chart.png").read_bytes()) == (1000, 700)
    summary = json.loads(run_cli("stats").stdout)
    assert len(summary["days"]) == 30 and summary["top_unanswered"] == []


# -- spikes for the daily digest ----------------------------------------------------------------------


def test_a_word_far_above_its_usual_count_is_a_spike(store, words):
    for day in range(1, 15):  # "beras" twice a day, "banjir" never, before the last 24 hours
        for _ in range(2):
            log(store.db, NOW - timedelta(days=day, hours=2), False, ["beras"])
    for _ in range(6):
        log(store.db, NOW - timedelta(hours=3), False, ["banjir", "beras", "hari"])
    found = spikes(store.db, words, NOW, min_count=5)
    assert [(s.word, s.count) for s in found] == [("banjir", 6), ("beras", 6)]
    assert found[1].usual == pytest.approx(2.0)
    assert spikes(store.db, words, NOW, min_count=7) == []
    assert [s.word for s in spikes(store.db, words, NOW, min_count=5, factor=4)] == ["banjir"]  # 6 < 4 x 2


async def test_moderators_get_the_chart_and_citizens_are_refused(telegram):
    await telegram.say(f"/mod tambah {MODERATOR}", user_id=OWNER)
    await telegram.say("jadwal kapal ferry kupang ke rote minggu depan")
    before = len(telegram.api.calls_to("sendPhoto"))
    [refused] = await telegram.say("/statistik grafik", user_id=4242)
    assert "moderator" in refused["text"] and len(telegram.api.calls_to("sendPhoto")) == before
    await telegram.say("/statistik grafik", user_id=MODERATOR)
    [photo] = telegram.api.calls_to("sendPhoto")
    assert int(photo["chat_id"]) == MODERATOR
    assert png_size(photo["photo"]) == (1000, 700)
    assert photo["caption"].startswith("📊 Statistik 30 hari terakhir: 1 pertanyaan.")
    [text] = await telegram.say("/statistik", user_id=MODERATOR)  # without "grafik": the text statistics
    assert text["text"].startswith("<b>Statistik</b>")


async def test_the_digest_reaches_moderators_only_when_words_spike(telegram):
    from bot.tg.charts import send_digest

    await telegram.say(f"/mod tambah {MODERATOR}", user_id=OWNER)
    db = telegram.service.store.db
    sent_before = len(telegram.api.sent())
    context = type("Context", (), {"bot": telegram.app.bot, "bot_data": telegram.app.bot_data})()
    await send_digest(context)
    assert len(telegram.api.sent()) == sent_before  # a quiet day: nothing sent
    now = datetime.now(UTC)
    for _ in range(6):
        log(db, now - timedelta(hours=2), False, ["banjir"])
    await send_digest(context)
    digests = telegram.api.sent()[sent_before:]
    assert sorted(int(d["chat_id"]) for d in digests) == sorted([OWNER, MODERATOR])
    assert all("Ringkasan harian" in d["text"] and "• banjir: 6×" in d["text"] for d in digests)


def test_the_digest_is_off_by_default_and_scheduled_when_configured(tg_settings, bot_api):
    from dataclasses import replace

    from bot.service import open_service
    from bot.tg.app import build_application
    from bot.tg.charts import DIGEST_JOB

    service = open_service(tg_settings)
    assert not build_application(service, tg_settings).job_queue.get_jobs_by_name(DIGEST_JOB)
    configured = replace(tg_settings, digest_time="07:30", timezone="Asia/Makassar")
    [job] = build_application(service, configured).job_queue.get_jobs_by_name(DIGEST_JOB)
    assert job.callback.__name__ == "send_digest"


def test_the_chart_counts_questions_in_whole_numbers():
    days = tuple(date(2025, 3, 1) + timedelta(days=i) for i in range(30))
    few = Trends(days, (0,) * 29 + (1,), (0,) * 30, (0,) * 30, (("beras", 1),), True)  # one question: 0.25 ticks before
    days_axis, words_axis = chart(few, "id").axes
    figure_ticks = list(days_axis.get_yticks()) + list(words_axis.get_xticks())
    assert figure_ticks and all(float(tick).is_integer() for tick in figure_ticks)
