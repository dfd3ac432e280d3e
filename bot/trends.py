"""The moderators' picture over time: questions per day by outcome, the words left unanswered, and
spikes in those words (for the daily digest).

Days are calendar days in the newsroom's time zone. The query log keeps UTC times; it is read by
UTC hour, which places every question on the right local day in any zone with a whole-hour offset
(all of Indonesia's).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from bot.store import reports

DAYS = 30
TOP_WORDS = 10
SPIKE_FACTOR = 3.0  # a spike: at least this many times the word's usual daily count...
BASELINE_DAYS = 14  # ...averaged over the days before


def ignored_words(lexicon_stopwords: frozenset[str] | set[str], smalltalk: frozenset[str] | set[str]) -> frozenset[str]:
    """Words that say nothing about a topic: the lexicon's stopwords and greetings, and PySastrawi's
    Indonesian stopword list (which has "hari", "ini", "bisa" and the like)."""
    from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

    return frozenset(lexicon_stopwords) | frozenset(smalltalk) | frozenset(StopWordRemoverFactory().get_stop_words())


@dataclass(frozen=True)
class Trends:
    """Questions per local day (oldest first) by outcome, and the top unanswered words."""

    days: tuple[date, ...]
    answered: tuple[int, ...]
    near: tuple[int, ...]
    unanswered: tuple[int, ...]
    top_unanswered: tuple[tuple[str, int], ...]
    tells_near: bool  # False when the query log cannot tell the nearest facts from "not found"

    @property
    def total(self) -> int:
        """All questions in the period."""
        return sum(self.answered) + sum(self.near) + sum(self.unanswered)


def _utc_hour(value: str) -> datetime:
    return datetime.fromisoformat(value + ":00:00").replace(tzinfo=UTC)


def _start(now: datetime, tz: ZoneInfo, days: int) -> datetime:
    """Local midnight `days - 1` days before today, in UTC."""
    today = now.astimezone(tz).date()
    first = datetime.combine(today - timedelta(days=days - 1), datetime.min.time(), tz)
    return first.astimezone(UTC)


def trends(db: Database, ignored: frozenset[str], tz: ZoneInfo, now: datetime | None = None,
           days: int = DAYS) -> Trends:
    """The last `days` local days, today included."""
    now = now or datetime.now(UTC)
    start = _start(now, tz, days)
    since = start.isoformat(timespec="seconds")
    first = start.astimezone(tz).date()
    calendar = tuple(first + timedelta(days=n) for n in range(days))
    counts: dict[str, Counter] = defaultdict(Counter)
    for hour, outcome, count in reports.hourly_outcomes(db, since):
        counts[outcome][_utc_hour(hour).astimezone(tz).date()] += count
    words: Counter = Counter()
    for _hour, term, count in reports.hourly_unanswered_terms(db, since):
        if term not in ignored and not term.isdigit():
            words[term] += count
    return Trends(
        days=calendar,
        answered=tuple(counts["answered"][d] for d in calendar),
        near=tuple(counts["near"][d] for d in calendar),
        unanswered=tuple(counts["unanswered"][d] for d in calendar),
        top_unanswered=tuple(words.most_common(TOP_WORDS)),
        tells_near=reports.has_query_kind(db),
    )


@dataclass(frozen=True)
class Spike:
    """A word asked about, unanswered, far more often in the last 24 hours than usual."""

    word: str
    count: int  # in the last 24 hours
    usual: float  # daily average over the baseline days before


def spikes(db: Database, ignored: frozenset[str], now: datetime | None = None, min_count: int = 5,
           factor: float = SPIKE_FACTOR, baseline_days: int = BASELINE_DAYS) -> list[Spike]:
    """Unanswered words of the last 24 hours seen at least `min_count` times and `factor` times their
    daily average over the `baseline_days` before; the biggest first."""
    now = now or datetime.now(UTC)
    day_start = now - timedelta(days=1)
    since = (day_start - timedelta(days=baseline_days)).isoformat(timespec="seconds")
    recent: Counter = Counter()
    before: Counter = Counter()
    for hour, term, count in reports.hourly_unanswered_terms(db, since):
        if term in ignored or term.isdigit():
            continue
        at = _utc_hour(hour)
        if at + timedelta(hours=1) <= day_start:
            before[term] += count
        elif at <= now:
            recent[term] += count
    found = [Spike(word, count, before[word] / baseline_days) for word, count in recent.items()
             if count >= min_count and count >= factor * before[word] / baseline_days]
    return sorted(found, key=lambda s: (-s.count, s.word))
