"""The daily retention job: citizens' records older than their configured age are deleted
(query log, feedback, answered questions' texts, delivery records and sent notices)."""

from __future__ import annotations

import logging

from telegram.ext import Application, ContextTypes

from bot.tg.blocking import off_loop
from bot.tg.handlers import citizens_of

logger = logging.getLogger(__name__)

JOB = "retention"
INTERVAL = 24 * 60 * 60  # seconds: daily
FIRST = 60  # seconds after start (a restart a day must not skip it)


def start(application: Application) -> None:
    """Run the purge a minute after start, then every day."""
    assert application.job_queue is not None
    application.job_queue.run_repeating(purge, interval=INTERVAL, first=FIRST, name=JOB)


async def purge(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Delete what is older than its retention age."""
    counts = await off_loop(context, citizens_of(context).purge)
    if any(counts.values()):
        logger.info("Retention: deleted %s", ", ".join(f"{n} {kind}" for kind, n in counts.items() if n))
