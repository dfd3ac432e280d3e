"""What the Telegram edge tells the metrics: failed Bot API requests by kind, and who is asking.

`CountingRequest` is PTB's HTTPX request with every failure counted before it is raised, so
flood waits, blocked users, timeouts and outages show in `cekfakta_bot_api_errors_total`.
`remember_asker` runs before every other handler and sets `metrics.ASKER` to the sender's hashed id,
so the question's log line names who asked without the handler passing it on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from telegram import Update
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import Application, ContextTypes, TypeHandler
from telegram.request import HTTPXRequest

from bot.metrics import ASKER, Metrics, ObservedChecker
from bot.service import Service
from bot.tg import handlers

METRICS = "metrics"
ASKER_GROUP = -100  # handler group that runs before the citizens' and moderators' handlers


def metrics_for(service: Service, backlog: Callable[[], int] | None = None) -> Metrics:
    """The bot's metrics: the queue size and the outbox backlog, read from its database."""
    return Metrics(queue_size=service.store.people.open_question_count,
                   backlog=backlog or service.store.newsroom.backlog)


def install(application: Application, metrics: Metrics, hash_user: Callable[[int], str]) -> None:
    """Time, count and log every question the handlers check, with the asker's hashed id."""
    application.bot_data[METRICS] = metrics
    service: Service = application.bot_data[handlers.SERVICE]
    application.bot_data[handlers.SERVICE] = replace(service, checker=ObservedChecker(service.checker, metrics))
    application.add_handler(asker_handler(hash_user), group=ASKER_GROUP)


def error_kind(error: TelegramError) -> str:
    """The metrics label of a Bot API error."""
    for cls, kind in ((RetryAfter, "flood"), (Forbidden, "forbidden"), (InvalidToken, "unauthorized"),
                      (BadRequest, "bad_request"), (Conflict, "conflict"), (TimedOut, "timeout"),
                      (NetworkError, "network")):
        if isinstance(error, cls):
            return kind
    return "other"


class CountingRequest(HTTPXRequest):
    """PTB's default HTTP request, counting every failed Bot API call in `metrics`."""

    def __init__(self, metrics: Metrics, **kwargs: Any):
        super().__init__(**kwargs)
        self._metrics = metrics

    async def post(self, *args: Any, **kwargs: Any) -> Any:
        """A Bot API call; a failure is counted, then raised as before."""
        try:
            return await super().post(*args, **kwargs)
        except TelegramError as e:
            self._metrics.bot_api_error(error_kind(e))
            raise

    async def retrieve(self, *args: Any, **kwargs: Any) -> bytes:
        """A file download; a failure is counted, then raised as before."""
        try:
            return await super().retrieve(*args, **kwargs)
        except TelegramError as e:
            self._metrics.bot_api_error(error_kind(e))
            raise


def asker_handler(hash_user: Callable[[int], str]) -> TypeHandler:
    """A handler for every update that sets `ASKER` to `hash_user(user_id)` (or "-")."""

    async def remember_asker(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Remembers the sender's hashed id for the question log line of this update."""
        user = update.effective_user
        ASKER.set(hash_user(user.id) if user else "-")

    return TypeHandler(Update, remember_asker)
