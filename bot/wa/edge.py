"""The WhatsApp Cloud API edge: citizens' messages in, the hotline's replies out, through pywa.

pywa parses and validates the webhook (`X-Hub-Signature-256`, the verify-token handshake), turns
updates into typed objects and sends messages; the rules are the hotline's (`bot.hotline`), shared with
Telegram. Moderation stays on Telegram: a question forwarded here joins the same `/antrian`, and the
answer comes back through the outbox (`bot.wa.notices`).

Phone numbers are stored only as salted hashes, and encrypted (like Telegram chat ids) where a notice
must reach them: a forwarded question and facts sent recently. They are never logged above DEBUG.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import httpx
from pywa_async import WhatsApp
from pywa_async.handlers import (
    CallbackButtonHandler,
    CallbackSelectionHandler,
    MessageHandler,
    MessageStatusHandler,
)
from pywa_async.types import Button, Section, SectionList, SectionRow

from bot import messages
from bot.citizens import Citizens
from bot.config import Settings
from bot.hotline import WHATSAPP, Choice, Hotline, command_of
from bot.service import Service
from bot.wa import render
from bot.wa.render import Choices, Outgoing

logger = logging.getLogger(__name__)
T = TypeVar("T")

CONSENT_SECONDS = 24 * 3600  # how long an unanswered question waits for "📨 Teruskan" (in memory only)
CAPTIONED = ("image", "video", "document")  # media whose caption is checked like a text


class WhatsAppEdge:
    """The WhatsApp channel over the hotline: handles webhook updates and sends replies."""

    def __init__(self, service: Service, citizens: Citizens, settings: Settings,
                 session: httpx.AsyncClient | None = None):
        self.service = service
        self.citizens = citizens
        self.settings = settings
        self.hotline = Hotline(service, citizens)
        self.session = session or httpx.AsyncClient(timeout=httpx.Timeout(20.0, connect=5.0))
        self.client = WhatsApp(
            phone_id=settings.wa_phone_id, token=settings.wa_token, session=self.session,
            verify_token=settings.wa_verify_token, app_secret=settings.wa_app_secret, validate_updates=True,
            skip_duplicate_updates=False,  # repeats are recognised by message id, in the database (survives restarts)
        )
        # pywa points the session at graph.facebook.com; the configured URL wins (tests use a local fake).
        self.session.base_url = httpx.URL(settings.wa_api_url + "/")
        self.client.add_handlers(
            MessageHandler(self._on_message),
            CallbackButtonHandler(self._on_choice),
            CallbackSelectionHandler(self._on_choice),
            MessageStatusHandler(self._on_status),
        )
        # One worker thread for the database and the matcher, like Telegram's (its own SQLite connection).
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cekfakta-wa")
        self._pending: dict[str, tuple[float, str]] = {}  # user hash -> (when, unanswered question)

    async def off_loop(self, fn: Any, *args: Any) -> Any:
        """Run blocking work (SQLite, the matcher) on the worker thread."""
        return await asyncio.get_running_loop().run_in_executor(self._worker, lambda: fn(*args))

    async def close(self) -> None:
        """Close the HTTP client and end the worker thread."""
        await self.session.aclose()
        self._worker.shutdown(wait=True)

    # -- updates ---------------------------------------------------------------------------------------

    async def _sender(self, update: Any) -> tuple[str, str, int | None] | None:
        """(address to send to, user hash, chat id to store) of an update's sender; None for a repeat.
        The chat id is the number as an integer, kept only encrypted; None without a phone number."""
        user = update.from_user
        phone = str(getattr(user, "wa_id", None) or "")
        address = phone or str(getattr(user, "bsuid", None) or "")
        if not address:
            return None
        who = self.citizens.hash_phone(address)
        first = await self.off_loop(self.citizens.records.first_sighting, self.citizens.hash_message_id(update.id))
        if not first:
            logger.info("A repeated WhatsApp delivery was ignored")
            return None
        await self.off_loop(self.citizens.records.touch_inbound, who)  # the 24-hour window starts again
        logger.debug("WhatsApp message from %s", address)
        return address, who, int(phone) if phone.isascii() and phone.isdigit() else None

    async def _on_message(self, client: Any, message: Any) -> None:
        """A citizen's message: text, or a caption of an image, is checked; anything else gets a request
        for text."""
        sender = await self._sender(message)
        if sender is None:
            return
        address, who, chat = sender
        kind = str(getattr(message.type, "value", message.type))
        text = message.text if kind == "text" else (message.caption if kind in CAPTIONED else None)
        lang = await self.off_loop(self.hotline.lang_of, who)
        if not text or not text.strip():
            await self.send(address, Outgoing((messages.t("wa.nontext", lang),)))
            return
        command = command_of(text)
        if command is not None:
            await self._command(command, address, who, lang)
            return
        reply = await self.off_loop(self.hotline.ask, text, who)
        if reply.offer_consent:
            self._remember(who, text)
        sent = False
        try:
            sent = await self.send(address, render.render_reply(reply))
        finally:  # the query is logged even when the reply failed; a delivery only when it arrived
            await self.off_loop(self.hotline.record, reply, chat if sent else None, WHATSAPP)
        logger.info("WhatsApp query answered: %s", reply.answer.kind)

    async def _command(self, command: str, address: str, who: str, lang: str) -> None:
        if command == "topics":
            counts = Counter(f.topic for f in await self.off_loop(self.service.store.facts))
            await self.send(address, render.render_topics(self.service.topics, counts, lang))
        elif command == "language":
            options = [render.Option(f"{render.LANGUAGE}:id", messages.t("wa.language_id", lang)),
                       render.Option(f"{render.LANGUAGE}:en", messages.t("wa.language_en", lang))]
            await self.send(address, Outgoing((), render.choices(messages.t("tg.language_prompt", lang), options,
                                                                 "")))
        elif command == "forget":
            options = [render.Option(f"{render.FORGET}:yes", messages.t("wa.forget_yes", lang)),
                       render.Option(f"{render.FORGET}:no", messages.t("wa.forget_no", lang))]
            await self.send(address, Outgoing((), render.choices(messages.t("tg.forget_prompt", lang), options,
                                                                 "")))
        else:
            await self.send(address, Outgoing((messages.t("wa.commands", lang),)))

    async def _on_choice(self, client: Any, choice: Any) -> None:
        """A reply button or list row: a fact, feedback, consent, a topic, the language or deletion."""
        sender = await self._sender(choice)
        if sender is None:
            return
        address, who, chat = sender
        data = str(choice.data or "")
        kind, _, rest = data.partition(":")
        lang = await self.off_loop(self.hotline.lang_of, who)
        if kind == render.FACT:
            await self._show_fact(address, who, chat, rest, lang)
        elif kind == render.FEEDBACK:
            await self._feedback(address, who, rest, lang)
        elif data == render.CONSENT:
            await self._consent(address, who, chat, lang)
        elif data == render.NO_CONSENT:
            self._pending.pop(who, None)
            await self.send(address, Outgoing((messages.t("wa.not_forwarded", lang),)))
        elif kind == render.TOPIC:
            await self._show_topic(address, rest, lang)
        elif kind == render.LANGUAGE and rest in messages.LANGS:
            await self.off_loop(self.citizens.set_lang, who, rest)
            await self.send(address, Outgoing((messages.t("tg.language_set", rest),)))
        elif kind == render.FORGET and rest in ("yes", "no"):
            if rest == "yes":
                await self.off_loop(self.citizens.forget, who)
                self._pending.pop(who, None)
                logger.info("A WhatsApp citizen's data was deleted on request")
            await self.send(address, Outgoing((messages.t("tg.forgotten" if rest == "yes" else "tg.forget_cancelled",
                                                          lang),)))
        else:
            await self.send(address, Outgoing((messages.t("tg.stale_button", lang),)))

    async def _show_fact(self, address: str, who: str, chat: int | None, rest: str, lang: str) -> None:
        picked = await self.off_loop(self.hotline.pick, rest)
        fact = picked.fact
        if fact is None:
            await self.send(address, Outgoing((messages.t("tg.stale_button", lang),)))
            return
        if picked.retracted:
            await self.send(address, Outgoing((messages.t("tg.retracted", lang),)))
            return
        if await self.send(address, render.render_fact(fact, picked.number, lang, updated=picked.updated)) \
                and chat is not None:
            await self.off_loop(self.citizens.record_delivery, chat, who, fact.id, fact.revision, WHATSAPP)

    async def _feedback(self, address: str, who: str, rest: str, lang: str) -> None:
        if not await self.off_loop(self.hotline.feedback, who, rest):
            await self.send(address, Outgoing((messages.t("tg.stale_button", lang),)))
            return
        await self.send(address, Outgoing((messages.t("tg.feedback_thanks", lang),)))

    def _remember(self, who: str, text: str) -> None:
        """Keep an unanswered question in memory until the citizen decides (it is stored only on consent)."""
        now = time.monotonic()
        for key in [k for k, (at, _) in self._pending.items() if now - at > CONSENT_SECONDS]:
            del self._pending[key]
        self._pending[who] = (now, text)

    async def _consent(self, address: str, who: str, chat: int | None, lang: str) -> None:
        """"📨 Teruskan": the citizen's last unanswered question joins the moderators' queue."""
        pending = self._pending.pop(who, None)
        if pending is None or chat is None:
            await self.send(address, Outgoing((messages.t("tg.consent_expired", lang),)))
            return
        new = await self.off_loop(self.hotline.forward, who, chat, pending[1], WHATSAPP)
        await self.send(address, Outgoing((messages.t("tg.queued" if new else "tg.already_queued", lang),)))
        if new:
            logger.info("A WhatsApp question was queued for moderators")

    async def _show_topic(self, address: str, key: str, lang: str) -> None:
        store = self.service.store
        facts = await self.off_loop(lambda: store.facts(topic=key))
        labels = self.service.topics.get(key)
        if not facts or labels is None:
            await self.send(address, Outgoing((messages.t("tg.topic_empty", lang),)))
            return
        numbered = [Choice(await self.off_loop(store.number, f.id) or 0, f) for f in facts]
        await self.send(address, render.render_topic_facts(labels.get(lang) or labels["id"], numbered, lang))

    async def _on_status(self, client: Any, status: Any) -> None:
        """sent / delivered / read / failed (or a kind WhatsApp adds later) for a message the bot sent:
        recorded on the notice it belongs to, if any."""
        kind = str(getattr(status.status, "value", status.status) or "unknown").lower()
        error = str(getattr(status.error, "message", "") or "") if status.error else ""
        known = await self.off_loop(self.service.store.newsroom.provider_status, str(status.id), kind, error)
        logger.info("WhatsApp status %s%s", kind, " for a notice" if known else "")

    # -- sending ---------------------------------------------------------------------------------------

    async def send(self, to: str, outgoing: Outgoing) -> bool:
        """Send the texts, then the choices; False (and logged) when WhatsApp refused or was unreachable."""
        try:
            await self.send_or_raise(to, outgoing)
        except Exception as e:  # noqa: BLE001 - pywa's WhatsAppError or httpx's: the reply did not arrive
            logger.warning("A WhatsApp reply could not be delivered: %s", type(e).__name__)
            return False
        return True

    async def send_or_raise(self, to: str, outgoing: Outgoing) -> str:
        """Send, raising on failure; returns the id (wamid) of the last message sent."""
        last = ""
        for part in outgoing.texts:
            last = (await self.client.send_message(to=to, text=part)).id
        if outgoing.choices is not None:
            last = (await self.client.send_message(to=to, **_interactive(outgoing.choices))).id
        return last


def _interactive(choices: Choices) -> dict[str, Any]:
    """pywa's arguments for an interactive message: reply buttons, or a list in sections."""
    if choices.buttons:
        return {"text": choices.body, "buttons": [Button(title=o.title, callback_data=o.id) for o in choices.buttons]}
    sections: dict[str, list[SectionRow]] = {}
    for row in choices.rows:
        sections.setdefault(row.section, []).append(
            SectionRow(title=row.title, callback_data=row.id, description=row.description or None))
    listed = [Section(title=messages.shorten_words(title or choices.list_button, render.SECTION_TITLE), rows=rows)
              for title, rows in sections.items()]
    return {"text": choices.body, "buttons": SectionList(button_title=choices.list_button, sections=listed)}
