"""How updates come in: read tolerantly, each handled once, concurrently across chats, in order within one.

- `ChatOrdered` lets PTB handle updates concurrently (`concurrent_updates`) while one chat's updates
  run one after the other, in the order they arrived: a slow reply to one citizen never stalls the
  others, and a citizen's second message is never answered before the first.
- `read_update` turns raw JSON into an `Update`; one the library cannot read (a "poison" update, such
  as a poll an older Bot API server sends without `allows_revoting`) becomes an empty update with
  the same id, logged once without its content, so polling moves past it and nothing stops.
- `HotlineBot` polls with `read_update`, and reports a revoked token from polling as fatal.
- `drop_repeats` (first handler group) handles a re-posted `update_id` once.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.error import InvalidToken
from telegram.ext import ApplicationHandlerStop, BaseUpdateProcessor, ContextTypes, ExtBot

logger = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]  # what the handlers handle
REMEMBERED_UPDATES = 10_000  # update ids remembered to drop repeats
SEEN = "seen_update_ids"


class ChatOrdered(BaseUpdateProcessor):
    """Concurrent updates, one at a time per chat (or per user, for updates without a chat)."""

    def __init__(self, max_concurrent_updates: int = 64):
        super().__init__(max_concurrent_updates)
        self._locks: dict[object, asyncio.Lock] = {}
        self._waiting: dict[object, int] = {}

    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for this chat's earlier updates, then for a free slot; run; forget idle chats' locks.
        (The chat's turn comes before the slot, so a flood from one chat cannot take every slot.)"""
        key = _chat_key(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await super().process_update(update, coroutine)
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key]
                del self._locks[key]

    @property
    def idle(self) -> bool:
        """No update is being handled or waiting for its chat's turn."""
        return not self._waiting

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the handlers."""
        await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


def _chat_key(update: object) -> object:
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return ("chat", update.effective_chat.id)
        if update.effective_user is not None:
            return ("user", update.effective_user.id)
    return ("update", id(update))


def read_update(data: Any, bot: Any = None) -> Update:
    """An Update from its JSON; a poison update becomes an empty one with its id (logged once)."""
    try:
        update = Update.de_json(data, bot)
    except Exception as error:  # noqa: BLE001 - whatever the library raises, the update is skipped
        update_id = data.get("update_id") if isinstance(data, dict) else None
        kinds = sorted(k for k in data if k != "update_id") if isinstance(data, dict) else []
        # One line, without the update's content: it may hold names and messages.
        logger.warning("Update %s (%s) could not be read and is skipped: %s", update_id, ",".join(kinds)[:60],
                       type(error).__name__)
        return Update(update_id=update_id if isinstance(update_id, int) else 0)
    if update is None:
        raise ValueError("no update")
    return update



class HotlineBot(ExtBot):
    """The bot: polls with `read_update`; a token revoked while polling is reported to `on_fatal`."""

    _on_fatal: Callable[[Exception], None] | None = None  # set by the application (protected: PTB freezes bots)

    async def get_updates(self, offset: int | None = None, limit: int | None = None,
                          timeout: int | dtm.timedelta | None = None, allowed_updates: Any = None,
                          *, read_timeout: Any = None, write_timeout: Any = None, connect_timeout: Any = None,
                          pool_timeout: Any = None, api_kwargs: Any = None) -> tuple[Update, ...]:
        """getUpdates, read update by update (see `read_update`)."""
        seconds = timeout.total_seconds() if isinstance(timeout, dtm.timedelta) else (timeout or 0)
        base = read_timeout if isinstance(read_timeout, int | float) else self._request[0].read_timeout or 0
        data = {"timeout": timeout, "offset": offset, "limit": limit, "allowed_updates": allowed_updates}
        try:
            result = await self._post("getUpdates", data, read_timeout=base + seconds,
                                      write_timeout=write_timeout, connect_timeout=connect_timeout,
                                      pool_timeout=pool_timeout, api_kwargs=api_kwargs)
        except InvalidToken as error:
            if self._on_fatal is not None:
                self._on_fatal(error)
            raise
        return tuple(read_update(raw, self) for raw in result)


async def drop_repeats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Handle each update_id once (a webhook request Telegram repeats after a timeout, say), and
    skip the empty updates that stand for unreadable ones."""
    seen: OrderedDict[int, None] = context.bot_data.setdefault(SEEN, OrderedDict())
    unreadable = not any((update.message, update.edited_message, update.callback_query, update.inline_query,
                          update.channel_post, update.edited_channel_post, update.effective_user))
    if update.update_id in seen or unreadable:
        logger.debug("Update %s dropped (repeated or unreadable)", update.update_id)
        raise ApplicationHandlerStop
    seen[update.update_id] = None
    if len(seen) > REMEMBERED_UPDATES:
        seen.popitem(last=False)
