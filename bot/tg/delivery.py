"""The one sending path: every request the bot makes to the Bot API (replies, button answers, edits,
notices from the outbox) passes through `Delivery`, which PTB calls as its rate limiter.

- Throughput stays under Telegram's limits (overall, and per group chat), with `aiolimiter` as PTB's
  own `AIORateLimiter` uses it.
- Flood control (429) is honoured per chat: nothing more is sent to that chat before `retry_after`
  has passed (Telegram penalises early retries), while other chats go on.
- Telegram's 5xx answers and connections that fail before a response are retried with a back-off.
- A request that timed out while Telegram may have been processing it is never repeated: sending
  again could deliver the same reply twice. It ends in `MaybeDelivered`, which the error handler
  knows not to apologise for.
- Everything stops at a deadline (`CEKFAKTA_SEND_DEADLINE_SECONDS`); then the last error is raised.
- A revoked token (401/404 on any call) ends the process: see `on_fatal`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

import httpx
from aiolimiter import AsyncLimiter
from telegram.error import BadRequest, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

logger = logging.getLogger(__name__)

BACKOFF = (0.5, 1.0, 2.0, 4.0, 8.0)  # seconds before each retry of a 5xx or a failed connection
GROUP_RATE = (20, 60.0)  # messages per seconds to one group chat (Telegram's documented limit)
RETRY_MARGIN = 0.05  # seconds added to retry_after, so the retry is never early
# Requests Telegram cannot have acted on when they failed this way: safe to send again.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class MaybeDelivered(TimedOut):
    """A request timed out after it was sent: it may have arrived, so it is not sent again."""


def retry_seconds(error: RetryAfter) -> float:
    """The pause a 429 asks for, in seconds."""
    value = error.retry_after
    return float(value.total_seconds() if hasattr(value, "total_seconds") else value)


def _not_sent(error: NetworkError) -> bool:
    """True when the request certainly did not reach Telegram (or Telegram answered 5xx)."""
    if isinstance(error, TimedOut):
        return isinstance(error.__cause__, _NOT_SENT)
    return True  # a 5xx answer, or a connection that failed (PTB wraps httpx's errors)


class Delivery(BaseRateLimiter[int]):
    """PTB's rate limiter slot, used as the bot's single sending path (see the module docstring)."""

    def __init__(self, deadline: float = 60.0, rate: float = 30.0,
                 on_fatal: Callable[[Exception], None] | None = None):
        self.deadline = deadline
        self.rate = rate
        self.on_fatal = on_fatal
        self._overall = AsyncLimiter(max(rate, 1), 1) if rate else None
        self._groups: dict[int | str, AsyncLimiter] = {}
        self._not_before: dict[object, float] = {}  # chat -> monotonic time before which nothing is sent
        self.stats = {"retry_after": 0, "retried": 0, "gave_up": 0}

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Send one request: throttled, retried while that is safe, never after the deadline."""
        chat = data.get("chat_id")
        deadline = time.monotonic() + self.deadline
        attempt = 0
        while True:
            await self._wait_for_chat(chat)
            await self._throttle(chat)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                pause = retry_seconds(error) + RETRY_MARGIN
                self._not_before[chat] = max(self._not_before.get(chat, 0.0), time.monotonic() + pause)
                self.stats["retry_after"] += 1
                if time.monotonic() + pause > deadline:
                    self._give_up(endpoint, "flood control")
                    raise
            except InvalidToken as error:
                if self.on_fatal is not None:
                    self.on_fatal(error)
                raise
            except BadRequest:
                raise
            except NetworkError as error:
                if not _not_sent(error):
                    raise MaybeDelivered(f"{endpoint} timed out; it may have arrived") from error
                pause = BACKOFF[min(attempt, len(BACKOFF) - 1)]
                if time.monotonic() + pause > deadline:
                    self._give_up(endpoint, type(error).__name__)
                    raise
                self.stats["retried"] += 1
                logger.info("%s failed (%s); retrying in %.1f s", endpoint, error.message, pause)
                await asyncio.sleep(pause)
            attempt += 1

    def _give_up(self, endpoint: str, why: str) -> None:
        self.stats["gave_up"] += 1
        logger.warning("%s given up after %.0f s (%s)", endpoint, self.deadline, why)

    async def _wait_for_chat(self, chat: object) -> None:
        """Honour an earlier retry_after for this chat."""
        while True:
            wait = self._not_before.get(chat, 0.0) - time.monotonic()
            if wait <= 0:
                self._not_before.pop(chat, None)
                return
            await asyncio.sleep(wait)

    async def _throttle(self, chat: object) -> None:
        """Overall throughput, plus Telegram's per-group limit for group chats (negative ids)."""
        if chat is None:
            return  # answering a button press is not a message
        with contextlib.suppress(TypeError, ValueError):
            key = int(str(chat))
            if key < 0:
                await self._groups.setdefault(key, AsyncLimiter(*GROUP_RATE)).acquire()
        if self._overall is not None:
            await self._overall.acquire()
