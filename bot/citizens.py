"""What the hotline records about citizens, privately.

User ids are stored only as salted HMAC hashes. A chat id is kept only where the bot must write
back: for a question the citizen agreed to forward (until it is answered or dismissed) and for
facts sent in the last 30 days (so a correction can follow). No names or phone numbers, and the
query log keeps only words that exist in the knowledge index, never the message itself.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlite_utils import Database

from bot.store import utcnow

DELIVERY_DAYS = 30


def _days_ago(days: int) -> str:
    return (datetime.now(timezone.utc) - timedelta(days=days)).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Question:
    """A question a citizen agreed to forward to moderators."""

    id: int
    user_hash: str
    text: str
    normalized: str
    asked_at: str
    status: str


class Citizens:
    """Preferences, the moderators' question queue, feedback, and delivery records."""

    def __init__(self, db: Database, salt: str = ""):
        self.db = db
        if not salt:
            rows = list(db.query("SELECT value FROM meta WHERE key = 'salt'"))
            if rows:
                salt = rows[0]["value"]
            else:
                salt = secrets.token_hex(32)
                db["meta"].insert({"key": "salt", "value": salt})
        self._salt = salt.encode()

    def hash(self, user_id: int) -> str:
        """A user's id as stored and logged: a salted HMAC, not reversible without the salt."""
        return hmac.new(self._salt, str(user_id).encode(), hashlib.sha256).hexdigest()[:24]

    # -- preferences and reachability ------------------------------------------------------

    def lang(self, user_hash: str) -> str | None:
        """The user's chosen language, if any."""
        rows = list(self.db.query("SELECT lang FROM users WHERE user_hash = ?", [user_hash]))
        return rows[0]["lang"] if rows and rows[0]["lang"] else None

    def set_lang(self, user_hash: str, lang: str) -> None:
        """Remember the user's language."""
        self.db["users"].upsert({"user_hash": user_hash, "lang": lang, "active": 1, "updated_at": utcnow()},
                                pk="user_hash")

    def set_active(self, user_hash: str, active: bool) -> None:
        """Mark a user reachable or not (a user who blocked the bot is not retried)."""
        self.db["users"].upsert({"user_hash": user_hash, "active": int(active), "updated_at": utcnow()},
                                pk="user_hash")

    def is_active(self, user_hash: str) -> bool:
        """False once the user blocked the bot."""
        rows = list(self.db.query("SELECT active FROM users WHERE user_hash = ?", [user_hash]))
        return not rows or rows[0]["active"] != 0

    # -- the moderators' queue --------------------------------------------------------------

    def queue_question(self, user_hash: str, chat_id: int, text: str, normalized: str) -> int:
        """Store a question the citizen agreed to forward; returns its id."""
        with self.db.atomic():
            question_id = self.db["questions"].insert({
                "user_hash": user_hash, "text": text, "normalized": normalized, "asked_at": utcnow(),
                "status": "open", "fact_id": None, "answered_at": None, "answered_by": None,
            }).last_pk
            self.db["question_chats"].insert({"question_id": question_id, "chat_id": chat_id})
        return question_id

    def open_questions(self) -> list[Question]:
        """Questions waiting for moderators, oldest first."""
        return [Question(r["id"], r["user_hash"], r["text"], r["normalized"], r["asked_at"], r["status"])
                for r in self.db.query("SELECT * FROM questions WHERE status = 'open' ORDER BY asked_at, id")]

    # -- feedback, query log, deliveries ------------------------------------------------------

    def record_feedback(self, user_hash: str, fact_id: str, revision: int, helpful: bool) -> None:
        """A citizen's 👍/👎 on an answer."""
        self.db["feedback"].insert({"at": utcnow(), "user_hash": user_hash, "fact_id": fact_id,
                                    "revision": revision, "helpful": int(helpful)})

    def log_query(self, user_hash: str, answered: bool, fact_id: str | None, terms: list[str]) -> None:
        """One line of statistics about a query: index words only, never the message."""
        self.db["query_log"].insert({"at": utcnow(), "user_hash": user_hash, "answered": int(answered),
                                     "fact_id": fact_id, "terms": json.dumps(terms[:10])})

    def record_delivery(self, chat_id: int, user_hash: str, fact_id: str, revision: int) -> None:
        """Remember that a fact was sent to a chat; records older than 30 days are purged."""
        with self.db.atomic():
            self.db["deliveries"].insert({"at": utcnow(), "chat_id": chat_id, "user_hash": user_hash,
                                          "fact_id": fact_id, "revision": revision})
            self.db.execute("DELETE FROM deliveries WHERE at < ?", [_days_ago(DELIVERY_DAYS)])
