"""What the hotline records about citizens, privately: ids only as salted hashes.

The rows themselves live in `store.people`; this module owns the hashing and the rules around it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from bot.store import Store
from bot.store.people import DELIVERY_DAYS, Question

__all__ = ["DELIVERY_DAYS", "Citizens", "Question"]


class Citizens:
    """Preferences, the moderators' question queue, feedback, and delivery records."""

    def __init__(self, store: Store, salt: str = ""):
        self.records = store.people
        if not salt:
            salt = store.get_meta("salt") or ""
            if not salt:
                salt = secrets.token_hex(32)
                store.set_meta("salt", salt)
        self._salt = salt.encode()

    def hash(self, user_id: int) -> str:
        """A user's id as stored and logged: a salted HMAC, not reversible without the salt."""
        return hmac.new(self._salt, str(user_id).encode(), hashlib.sha256).hexdigest()[:24]

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

    def queue_question(self, user_hash: str, chat_id: int, text: str, normalized: str) -> tuple[int, bool]:
        """Store a question the citizen agreed to forward; returns its id and whether it is new
        (pressing the button twice queues it once)."""
        return self.records.queue_question(user_hash, chat_id, text, normalized)

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

    def record_delivery(self, chat_id: int, user_hash: str, fact_id: str, revision: int) -> None:
        """Remember that a fact was sent to a chat (for 30 days, so a correction can follow)."""
        self.records.record_delivery(chat_id, user_hash, fact_id, revision)

    def record_answer(self, user_hash: str, answered: bool, fact_id: str | None, terms: list[str], kind: str,
                      delivered: tuple[int, str, int] | None = None) -> None:
        """`log_query` and, when a fact reached the chat, `record_delivery` (chat id, fact id, revision):
        one transaction per question."""
        self.records.record_answer(user_hash, answered, fact_id, terms, kind, delivered)
