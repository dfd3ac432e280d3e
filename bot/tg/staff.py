"""What every moderator handler shares: the editorial core, the role gate and error replies."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes, ConversationHandler

from bot import messages
from bot.editorial import Editorial
from bot.errors import UserError
from bot.tg.blocking import off_loop
from bot.tg.handlers import lang_of, send_html

EDITORIAL = "editorial"
LINKS = "links"

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[Any]]


def editorial_of(context: ContextTypes.DEFAULT_TYPE) -> Editorial:
    """The newsroom operations, created once at start-up."""
    return context.bot_data[EDITORIAL]


def user_id_of(update: Update) -> int:
    """The sender's Telegram id (0 when there is none: such an update is never a moderator)."""
    return update.effective_user.id if update.effective_user else 0


def moderators_only(owner: bool = False) -> Callable[[Handler], Handler]:
    """Refuse (and audit) anyone who is not a moderator (or owner); show UserErrors as replies.
    The core checks the role again on every change: this gate only keeps the refusal polite."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Any:
            editorial = editorial_of(context)
            user_id = user_id_of(update)
            lang = lang_of(update, context)
            allowed = editorial.is_owner(user_id) if owner else editorial.is_moderator(user_id)
            if not allowed:
                message = update.effective_message if isinstance(update.effective_message, Message) else None
                refusal = messages.t("mod.owner_only" if owner else "mod.refused", lang)
                if update.callback_query:
                    command = f"button {(update.callback_query.data or '?')[:20]}"
                else:
                    command = (message.text or "").split()[0][:40] if message and message.text else "?"
                if user_id:
                    await off_loop(context, editorial.refuse, user_id, command)
                if update.callback_query:  # an inline-mode button has no message: the alert says it
                    await update.callback_query.answer(None if message else refusal, show_alert=message is None)
                if message:
                    await send_html(message, refusal)
                return ConversationHandler.END
            try:
                return await handler(update, context)
            except UserError as e:
                if update.callback_query:
                    with contextlib.suppress(TelegramError):  # it may have been answered already
                        await update.callback_query.answer()
                if isinstance(update.effective_message, Message):
                    await send_html(update.effective_message, e.html(lang))
                return None
        return wrapper

    return decorate
