"""A per-citizen flood limit: past `CEKFAKTA_FLOOD_LIMIT` messages a minute, a citizen is told once to
slow down and further messages are ignored until the minute has passed. Other citizens are not
affected, and moderators and owners are never limited. The state is kept in memory only, by user
hash, and `/hapusdata` forgets it."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import messages

WINDOW = 60.0  # seconds
GATE = "flood_gate"
OK, WARN, DROP = "ok", "warn", "drop"


@dataclass
class _Sender:
    times: deque[float] = field(default_factory=deque)
    told: bool = False


class FloodGate:
    """Counts each citizen's messages over a sliding minute."""

    def __init__(self, limit: int, window: float = WINDOW, clock=time.monotonic):
        self.limit = limit
        self.window = window
        self.clock = clock
        self._senders: dict[str, _Sender] = {}
        self._calls = 0

    def check(self, who: str) -> str:
        """OK to answer; WARN: over the limit, tell them once; DROP: over the limit, already told."""
        if self.limit <= 0:
            return OK
        now = self.clock()
        sender = self._senders.setdefault(who, _Sender())
        while sender.times and sender.times[0] <= now - self.window:
            sender.times.popleft()
        if not sender.times:
            sender.told = False
        self._sweep(now)
        if len(sender.times) >= self.limit:
            if sender.told:
                return DROP
            sender.told = True
            return WARN
        sender.times.append(now)
        return OK

    def forget(self, who: str) -> None:
        """Drop a citizen's counts (/hapusdata)."""
        self._senders.pop(who, None)

    def knows(self, who: str) -> bool:
        """Whether any state is kept for this citizen."""
        return who in self._senders

    def _sweep(self, now: float) -> None:
        """Now and then, forget citizens quiet for a whole window (memory stays bounded)."""
        self._calls += 1
        if self._calls % 1000:
            return
        quiet = [who for who, s in self._senders.items() if not s.times or s.times[-1] <= now - self.window]
        for who in quiet:
            del self._senders[who]


async def limit_citizens(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Before every handler: stop a citizen's message past the limit (telling them once)."""
    from bot.tg.handlers import is_addressed, lang_of, send_html, user_hash
    from bot.tg.staff import editorial_of

    message = update.effective_message
    user = update.effective_user
    if update.callback_query is not None or message is None or user is None or not is_addressed(update, context):
        return
    editorial = editorial_of(context)
    if editorial.is_owner(user.id) or editorial.is_moderator(user.id):
        return
    verdict = context.bot_data[GATE].check(user_hash(update, context))
    if verdict == OK:
        return
    if verdict == WARN:
        await send_html(message, messages.t("tg.slow_down", lang_of(update, context),
                                            limit=context.bot_data[GATE].limit))
    raise ApplicationHandlerStop
