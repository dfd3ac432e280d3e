"""Moderators in the chat: registers the guided /tambah and /ubah conversation (`drafting`), the
one-shot commands (`newsroom`), two-person review (`review`) and the outbox sender (`notices`)."""

from __future__ import annotations

from telegram.ext import Application, CommandHandler

from bot.editorial import Editorial
from bot.tg import drafting, newsroom, notices, review
from bot.tg.staff import EDITORIAL, LINKS

COMMANDS = (
    (["mod"], newsroom.mod_command), (["fakta"], newsroom.fact_command), (["riwayat"], newsroom.history_command),
    (["cabut"], newsroom.retract_command), (["pulihkan"], newsroom.restore_command),
    (["usulan"], review.proposals_command), (["setujui"], review.approve_command), (["tolak"], review.reject_command),
    (["antrian"], newsroom.queue_command), (["jawab"], newsroom.answer_command),
    (["abaikan"], newsroom.dismiss_command), (["statistik"], newsroom.stats_command),
    (["kata"], newsroom.word_command), (["batal"], drafting.cancel),
)


def add_handlers(application: Application, editorial: Editorial,
                 draft_timeout: float = drafting.DEFAULT_TIMEOUT) -> None:
    """Registers the moderators' handlers (before the citizens': a moderator mid-draft is not a question)."""
    application.add_handler(drafting.conversation(editorial, draft_timeout))
    for names, handler in COMMANDS:
        application.add_handler(CommandHandler(names, handler))


def start_notices(application: Application) -> None:
    """Starts sending the outbox (call once the application is running)."""
    notices.start(application)


__all__ = ["EDITORIAL", "LINKS", "add_handlers", "start_notices"]
