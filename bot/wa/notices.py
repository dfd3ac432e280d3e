"""The outbox, sent on WhatsApp: answers to forwarded questions and corrections.

WhatsApp allows a free-form message only within 24 hours of the citizen's last message. Outside that
window a notice goes out as the approved template named by CEKFAKTA_WA_NOTICE_TEMPLATE (its one body
variable is the fact's headline); without a template it is recorded undeliverable, which /statistik
counts. A notice is claimed before it is sent, so it is sent at most once, as on Telegram.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from bot import messages
from bot.editorial import ANSWER, CORRECTION
from bot.hotline import WHATSAPP
from bot.models import Fact
from bot.store.newsroom import Notice
from bot.wa.edge import WhatsAppEdge
from bot.wa.render import Outgoing, render_notice

logger = logging.getLogger(__name__)

WINDOW = timedelta(hours=24)  # WhatsApp's customer-service window
BATCH = 20
INTERVAL = 2.0  # seconds between runs
MAX_ATTEMPTS = 6
BACKOFF = (2, 5, 15, 60, 300)


def within_window(last_inbound: str | None, now: datetime | None = None) -> bool:
    """Whether a free-form message may be sent: the citizen wrote in the last 24 hours."""
    if not last_inbound:
        return False
    then = datetime.fromisoformat(last_inbound)
    if then.tzinfo is None:
        then = then.replace(tzinfo=UTC)
    return (now or datetime.now(UTC)) - then < WINDOW


class WhatsAppOutbox:
    """Sends the due WhatsApp notices every few seconds while the edge runs."""

    def __init__(self, edge: WhatsAppEdge):
        self.edge = edge
        self.records = edge.service.store.newsroom
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Recover after a crash (notices caught mid-send are not sent again) and start the loop."""
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """End the loop."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                await self.deliver_due()
            except Exception:
                logger.exception("Sending WhatsApp notices failed; trying again")
            await asyncio.sleep(INTERVAL)

    async def deliver_due(self) -> int:
        """Send the notices that are due; returns how many were handled."""
        edge = self.edge
        handled = 0
        for notice in await edge.off_loop(self.records.due_notices, BATCH, WHATSAPP):
            if await edge.off_loop(self.records.claim_notice, notice.id):
                await self._send(notice)
                handled += 1
        return handled

    async def _send(self, notice: Notice) -> None:
        edge = self.edge
        people = edge.citizens.records
        lang = await edge.off_loop(edge.hotline.lang_of, notice.user_hash)
        fact = await edge.off_loop(edge.service.store.get, notice.fact_id) if notice.fact_id else None
        text = _text(notice, fact, lang)
        if fact is None or not text:
            await edge.off_loop(self.records.notice_failed, notice.id, "nothing to send (fact gone)")
            return
        to = str(notice.chat_id)
        inside = within_window(await edge.off_loop(people.last_inbound, notice.user_hash))
        template = edge.settings.wa_notice_template
        if not inside and not template:
            await edge.off_loop(self.records.notice_undeliverable, notice.id,
                                "outside the 24-hour window and no template configured")
            logger.info("WhatsApp notice %d undeliverable: outside the 24-hour window", notice.id)
            return
        try:
            if inside:
                provider_id = await edge.send_or_raise(to, Outgoing(render_notice(text)))
            else:
                provider_id = await self._send_template(to, template, messages.headline(fact, lang), lang)
        except httpx.TimeoutException:
            await edge.off_loop(self.records.notice_failed, notice.id, "timed out (may have arrived; not sent twice)")
        except httpx.TransportError as e:
            await edge.off_loop(self._retry, notice, f"network: {type(e).__name__}")
        except Exception as e:  # noqa: BLE001 - pywa's WhatsAppError: refused for good
            await edge.off_loop(self.records.notice_failed, notice.id, f"refused: {getattr(e, 'message', '') or e}")
        else:
            await edge.off_loop(self.records.notice_sent, notice.id, provider_id)
            if inside and notice.kind in (ANSWER, CORRECTION):
                await edge.off_loop(edge.citizens.record_delivery, notice.chat_id, notice.user_hash, fact.id,
                                    fact.revision, WHATSAPP)

    async def _send_template(self, to: str, template: str, headline: str, lang: str) -> str:
        from pywa_async.types.templates import BodyText, TemplateLanguage

        name, _, language = template.partition(":")
        body: Any = BodyText  # `params` is a static method pywa's annotations do not declare as one
        params: list[Any] = [body.params(headline)]
        sent = await self.edge.client.send_template(to=to, name=name, language=TemplateLanguage(language or lang),
                                                    params=params)
        return str(sent.id)

    def _retry(self, notice: Notice, error: str) -> None:
        if notice.attempts + 1 >= MAX_ATTEMPTS:
            self.records.notice_failed(notice.id, f"gave up: {error}")
            return
        due = datetime.now(UTC) + timedelta(seconds=BACKOFF[min(notice.attempts, len(BACKOFF) - 1)])
        self.records.notice_retry(notice.id, due.isoformat(timespec="seconds"), error)


def _text(notice: Notice, fact: Fact | None, lang: str) -> str:
    """A notice in WhatsApp's markup, in its recipient's language."""
    if fact is None:
        return ""
    if notice.kind == ANSWER:
        return messages.t("mod.answer_intro", lang) + "\n\n" + messages.render_fact(fact, lang, messages.WHATSAPP)
    if notice.kind != CORRECTION:
        return ""
    if fact.status != "active":
        return messages.t("mod.retraction_notice", lang, headline=messages.headline(fact, lang),
                          reason=notice.payload.get("reason") or "-")
    return messages.t("mod.correction_intro", lang) + "\n\n" + messages.render_fact(fact, lang, messages.WHATSAPP)
