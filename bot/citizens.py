"""What the hotline records about citizens, privately: ids only as salted hashes, chat ids encrypted.

The rows themselves live in `store.people`; this module owns the secrets (`bot.privacy`: kept outside
the database) and the rules around them: deletion on request and retention.
"""

from __future__ import annotations

import logging
from pathlib import Path

from bot.config import default_key_file
from bot.privacy import load_secrets
from bot.store import Store
from bot.store.people import DELIVERY_DAYS, TELEGRAM, Question, Retention

__all__ = ["DELIVERY_DAYS", "Citizens", "Question", "Retention"]

logger = logging.getLogger(__name__)
LEGACY_SALT = "salt"  # the meta key where versions before issue 9 kept the salt, inside the database


class Citizens:
    """Preferences, the moderators' question queue, feedback, and delivery records."""

    def __init__(self, store: Store, salt: str = "", key_file: Path | None = None,
                 retention: Retention | None = None):
        self.store = store
        self.records = store.people
        self.retention = retention or Retention()
        legacy = store.get_meta(LEGACY_SALT)
        self._secrets = load_secrets(salt, key_file or default_key_file(), legacy)
        store.use_sealer(self._secrets)
        if legacy is not None:
            store.delete_meta(LEGACY_SALT)
            logger.warning("The salt moved out of the database into %s", key_file or default_key_file())
        if self.records.seal_plain_chat_ids():
            store.checkpoint()
            logger.warning("Chat ids stored in the clear by an older version are now encrypted")

    def hash(self, user_id: int | str) -> str:
        """A user's id as stored: a salted HMAC, not reversible without the salt."""
        return self._secrets.hash(user_id)

    def hash_phone(self, phone: str) -> str:
        """A WhatsApp number as stored: a salted HMAC of its own kind, never equal to a Telegram id's hash."""
        return self._secrets.hash(f"wa:{phone}")

    def hash_message_id(self, message_id: str) -> str:
        """A channel's message id as stored to recognise repeated deliveries."""
        return self._secrets.hash(f"msg:{message_id}")

    def log_id(self, user_id: int) -> str:
        """A user's pseudonym in log lines: it matches no stored hash, so /hapusdata leaves nothing to
        find in the database that points into the logs."""
        return self._secrets.log_id(user_id)

    def lang(self, user_hash: str) -> str | None:
        """The user's chosen language, if any."""
        return self.records.lang(user_hash)

    def set_lang(self, user_hash: str, lang: str) -> None:
        """Remember the user's language."""
        self.records.set_lang(user_hash, lang)

    def set_active(self, user_hash: str, active: bool) -> None:
        """Mark a user reachable or not (a user who blocked the bot is not retried)."""
        self.records.set_active(user_hash, active)

    def is_active(self, user_hash: str) -> bool:
        """False once the user blocked the bot."""
        return self.records.is_active(user_hash)

    def queue_question(self, user_hash: str, chat_id: int, text: str, normalized: str,
                       channel: str = TELEGRAM) -> tuple[int, bool]:
        """Store a question the citizen agreed to forward; returns its id and whether it is new
        (pressing the button twice queues it once)."""
        return self.records.queue_question(user_hash, chat_id, text, normalized, channel)

    def open_questions(self) -> list[Question]:
        """Questions waiting for moderators, oldest first."""
        return self.records.open_questions()

    def record_feedback(self, user_hash: str, fact_id: str, revision: int, helpful: bool) -> None:
        """A citizen's 👍/👎 on an answer (one vote per answer; a second press replaces it)."""
        self.records.record_feedback(user_hash, fact_id, revision, helpful)

    def log_query(self, user_hash: str, answered: bool, fact_id: str | None, terms: list[str],
                  kind: str = "") -> None:
        """One line of statistics about a query ("fact", "nearest", "not_found"…): index words only."""
        self.records.log_query(user_hash, answered, fact_id, terms, kind)

    def record_delivery(self, chat_id: int, user_hash: str, fact_id: str, revision: int,
                        channel: str = TELEGRAM) -> None:
        """Remember that a fact was sent to a chat (for the retention age, so a correction can follow)."""
        self.records.record_delivery(chat_id, user_hash, fact_id, revision, channel)

    def forget(self, user_hash: str) -> int:
        """/hapusdata: delete everything stored about one citizen; the write-ahead log is emptied too,
        so no copy of the deleted rows stays on disk. Returns the rows deleted."""
        deleted = self.records.forget(user_hash)
        self.store.checkpoint()
        return deleted

    def purge(self) -> dict[str, int]:
        """Delete what is older than its retention age (the daily job)."""
        counts = self.records.purge(self.retention)
        self.store.checkpoint()
        return counts

    def record_answer(self, user_hash: str, answered: bool, fact_id: str | None, terms: list[str], kind: str,
                      delivered: tuple[int, str, int] | None = None, channel: str = TELEGRAM) -> None:
        """`log_query` and, when a fact reached the chat, `record_delivery` (chat id, fact id, revision):
        one transaction per question."""
        self.records.record_answer(user_hash, answered, fact_id, terms, kind, delivered, channel)
