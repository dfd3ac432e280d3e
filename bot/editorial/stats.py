"""The numbers behind /statistik."""

from __future__ import annotations

import statistics as stats
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.analysis import Analyzer
from bot.editorial.queue import QuestionQueue
from bot.store import Store

TOP_TERMS = 10


def statistics(store: Store, analyzer: Analyzer, queue: QuestionQueue, now: datetime | None = None) -> dict[str, Any]:
    """Questions today, this week and month; share answered; top keywords (function words and
    common words left out); the queue; the median time to answer; the share of helpful votes."""
    people = store.people
    now = now or datetime.now(UTC)
    day = now.replace(hour=0, minute=0, second=0, microsecond=0).isoformat(timespec="seconds")
    week = (now - timedelta(days=7)).isoformat(timespec="seconds")
    month = (now - timedelta(days=30)).isoformat(timespec="seconds")
    month_total = people.queries_since(month)
    answered = people.answered_since(month)
    terms = Counter(t for logged in people.query_terms_since(month) for t in logged if analyzer.is_topical(t))
    waits = [(datetime.fromisoformat(a) - datetime.fromisoformat(q)).total_seconds() / 3600
             for q, a in people.answer_waits()]
    helpful, votes = people.feedback_since(month)
    return {
        "today": people.queries_since(day), "week": people.queries_since(week), "month": month_total,
        "answered_share": answered / month_total if month_total else None,
        "top_terms": terms.most_common(TOP_TERMS),
        "open_questions": people.open_question_count(), "open_groups": len(queue.groups()),
        "median_hours_to_answer": stats.median(waits) if waits else None,
        "helpful_share": helpful / votes if votes else None, "feedback": votes,
        "undeliverable": store.newsroom.undeliverable_since(month),
    }
