"""The outbox, sent: answers to forwarded questions, corrections, and review outcomes.

The editorial core queues notices in the database; this job sends those that are due, each at most
once (a notice is claimed before it is sent, and one caught mid-send by a crash is not sent again).
Sending goes through the bot's one sending path (`delivery.Delivery`), which honours flood control
and retries 5xx and dropped connections up to its deadline; what still fails transiently is tried
again later from the outbox, with a back-off. Database work runs off the event loop.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, ContextTypes

from bot import messages
from bot.editorial import ANSWER, CORRECTION, REVIEWED
from bot.store.newsroom import Notice
from bot.tg.blocking import off_loop
from bot.tg.delivery import retry_seconds
from bot.tg.handlers import SERVICE, citizens_of, service_of

logger = logging.getLogger(__name__)

BATCH = 20  # notices sent per run (Telegram allows about 30 messages a second)
INTERVAL = 2.0  # seconds between runs that pick up retries and notices queued elsewhere
MAX_ATTEMPTS = 6
BACKOFF = (2, 5, 15, 60, 300)  # seconds before each retry of a transient failure
JOB = "outbox"


def start(application: Application) -> None:
    """Recover after a crash and send due notices every few seconds from now on."""
    recovered = application.bot_data[SERVICE].store.newsroom.recover_notices()
    if recovered:
        logger.warning("%d notices were caught mid-send by a crash; not sent again", recovered)
    assert application.job_queue is not None
    application.job_queue.run_repeating(deliver_due, interval=INTERVAL, first=0.1, name=JOB)


def kick(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send what is due now, rather than at the next run."""
    if context.job_queue is not None:
        context.job_queue.run_once(deliver_due, when=0, name=f"{JOB}:now")


async def deliver_due(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the notices that are due."""
    records = service_of(context).store.newsroom
    for notice in await off_loop(context, records.due_notices, BATCH):
        if await off_loop(context, records.claim_notice, notice.id):
            await _send(context, notice)


async def _send(context: ContextTypes.DEFAULT_TYPE, notice: Notice) -> None:
    records = service_of(context).store.newsroom
    citizens = citizens_of(context)
    text, fact = _render(context, notice)
    if not text:
        await off_loop(context, records.notice_failed, notice.id, "nothing to send (fact gone)")
        return
    sent_parts = 0
    try:
        for part in messages.split_html(text):
            await context.bot.send_message(notice.chat_id, part, parse_mode=ParseMode.HTML,
                                           disable_web_page_preview=True)
            sent_parts += 1
    except TimedOut:
        # The request may have reached Telegram: sending again could deliver twice.
        await off_loop(context, records.notice_failed, notice.id, "timed out (may have arrived; not sent twice)")
    except Forbidden:
        if notice.user_hash:
            await off_loop(context, citizens.set_active, notice.user_hash, False)
        await off_loop(context, records.notice_failed, notice.id, "blocked")
    except BadRequest as e:
        await off_loop(context, records.notice_failed, notice.id, f"refused: {e.message}")
    except (RetryAfter, NetworkError) as e:  # flood control or Telegram unreachable past the deadline
        if sent_parts:  # part of it arrived: sending it again would repeat that part
            await off_loop(context, records.notice_failed, notice.id, "partly sent; not sent twice")
        elif isinstance(e, RetryAfter):
            await off_loop(context, _retry, records, notice, retry_seconds(e), "flood control")
        else:
            await off_loop(context, _retry, records, notice, BACKOFF[min(notice.attempts, len(BACKOFF) - 1)],
                           f"network: {e.message}")
    else:
        await off_loop(context, records.notice_sent, notice.id)
        if fact is not None and notice.kind in (ANSWER, CORRECTION):
            await off_loop(context, citizens.record_delivery, notice.chat_id, notice.user_hash, fact.id, fact.revision)


def _retry(records, notice: Notice, seconds: float, error: str) -> None:
    if notice.attempts + 1 >= MAX_ATTEMPTS:
        records.notice_failed(notice.id, f"gave up: {error}")
        logger.warning("Notice %d given up after %d attempts", notice.id, notice.attempts + 1)
        return
    due = (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat(timespec="seconds")
    records.notice_retry(notice.id, due, error)


def _render(context: ContextTypes.DEFAULT_TYPE, notice: Notice):
    """The HTML of a notice in its recipient's language, and the fact it is about."""
    service = service_of(context)
    citizens = citizens_of(context)
    lang = (citizens.lang(notice.user_hash) if notice.user_hash else None) or service.settings.lang
    fact = service.store.get(notice.fact_id) if notice.fact_id else None
    if notice.kind == REVIEWED:
        p = notice.payload
        key = "mod.review_approved" if p.get("outcome") == "approved" else "mod.review_rejected"
        text = messages.t_html(key, lang, number=p.get("number"), id=notice.fact_id, reason=p.get("reason") or "-")
        return text, None
    if fact is None:
        return "", None
    if notice.kind == ANSWER:
        return messages.t("mod.answer_intro", lang) + "\n\n" + messages.render_fact(fact, lang, messages.HTML), fact
    if fact.status != "active":
        text = messages.t_html("mod.retraction_notice", lang, headline=messages.headline(fact, lang),
                               reason=notice.payload.get("reason") or "-")
        return text, fact
    intro = messages.t("mod.correction_intro", lang)
    return intro + "\n\n" + messages.render_fact(fact, lang, messages.HTML), fact


__all__ = ["deliver_due", "kick", "start"]
