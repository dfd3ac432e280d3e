"""Prometheus metrics and the per-question log line, for any channel edge.

`Metrics` keeps its own registry (no global state, so tests and several bots in one process do not
mix their numbers). `ObservedChecker` wraps the core's checker: every check is timed, counted by
outcome and logged once, with the asker's hashed id when the edge has set `ASKER`.

The share answered, near and declined is computed from `cekfakta_questions_total`, for example::

    sum(rate(cekfakta_questions_total{outcome="answered"}[1h]))
      / sum(rate(cekfakta_questions_total{outcome=~"answered|near|declined"}[1h]))
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from bot.models import Answer

logger = logging.getLogger("cekfakta.questions")

# What the core said, as counted: an answer, the nearest facts (labelled as not the answer), an
# honest "not verified yet", or a message with nothing to check (a greeting, an empty text).
OUTCOMES = {"fact": "answered", "nearest": "near", "not_found": "declined", "smalltalk": "other", "empty": "other"}
# Matching takes ~2 ms on the bundled base and tens of ms at 100,000 facts (README, issue 12).
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
BOT_API_ERROR_KINDS = ("flood", "forbidden", "bad_request", "timeout", "network", "unauthorized", "conflict", "other")

# The hashed id of the citizen whose message is being checked, set by the channel edge for the
# duration of one update (see `bot.tg.observe`); "-" when unknown.
ASKER: ContextVar[str] = ContextVar("asker", default="-")


def _zero() -> int:
    return 0


class Metrics:
    """The bot's metrics: questions by outcome, match latency, queue size, outbox backlog, Bot API errors.

    `queue_size` and `backlog` are read at every scrape: the number of open questions in the
    moderators' queue, and the number of notices waiting in the outbox (0 until there is one).
    """

    def __init__(self, queue_size: Callable[[], int] = _zero, backlog: Callable[[], int] = _zero):
        self.registry = CollectorRegistry()
        self.questions = Counter("cekfakta_questions", "Messages checked, by outcome "
                                 "(answered, near, declined, other)", ["outcome"], registry=self.registry)
        for outcome in sorted(set(OUTCOMES.values())):
            self.questions.labels(outcome)  # present (at 0) before the first question
        self.match_seconds = Histogram("cekfakta_match_seconds", "Time to check one message, in seconds",
                                       buckets=LATENCY_BUCKETS, registry=self.registry)
        self.queue_size = Gauge("cekfakta_queue_size", "Open questions waiting for moderators",
                                registry=self.registry)
        self.queue_size.set_function(queue_size)
        self.outbox_backlog = Gauge("cekfakta_outbox_backlog", "Notices waiting to be sent",
                                    registry=self.registry)
        self.outbox_backlog.set_function(backlog)
        self.bot_api_errors = Counter("cekfakta_bot_api_errors", "Failed Bot API requests, by kind",
                                      ["kind"], registry=self.registry)
        for kind in BOT_API_ERROR_KINDS:
            self.bot_api_errors.labels(kind)

    def observe(self, answer: Answer, seconds: float) -> None:
        """Count one checked message and its latency."""
        self.questions.labels(OUTCOMES.get(answer.kind, "other")).inc()
        self.match_seconds.observe(seconds)

    def bot_api_error(self, kind: str) -> None:
        """Count one failed Bot API request (`kind` from BOT_API_ERROR_KINDS)."""
        self.bot_api_errors.labels(kind if kind in BOT_API_ERROR_KINDS else "other").inc()

    def exposition(self) -> tuple[bytes, str]:
        """The metrics in Prometheus' text format, and its content type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


def log_question(answer: Answer, seconds: float, asker: str, text: str | None = None) -> None:
    """One INFO line per question: hashed asker, outcome, fact ids, score, latency. The text only at DEBUG."""
    facts = [m.fact.id for m in answer.matches]
    top = answer.matches[0] if answer.matches else None
    fields: dict[str, Any] = {
        "event": "question", "user": asker, "outcome": OUTCOMES.get(answer.kind, "other"), "facts": facts,
        "score": round(top.score, 3) if top else None, "confidence": round(top.confidence, 3) if top else None,
        "latency_ms": round(seconds * 1000, 1),
    }
    logger.info("question user=%s outcome=%s facts=%s score=%s latency_ms=%.1f", asker, fields["outcome"],
                ",".join(facts) or "-", fields["score"], fields["latency_ms"], extra=fields)
    if text is not None and logger.isEnabledFor(logging.DEBUG):
        logger.debug("question text user=%s: %s", asker, text, extra={"event": "question_text", "user": asker,
                                                                     "text": text})


class ObservedChecker:
    """The core's checker, timed, counted and logged; everything else is passed through."""

    def __init__(self, checker: Any, metrics: Metrics):
        self._checker = checker
        self._metrics = metrics

    def check(self, text: str | None) -> Answer:
        """Check `text` with the wrapped checker; observe and log the result."""
        started = time.perf_counter()
        answer = self._checker.check(text)
        seconds = time.perf_counter() - started
        self._metrics.observe(answer, seconds)
        log_question(answer, seconds, ASKER.get(), text)
        return answer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._checker, name)
