"""What the hotline records about citizens, as rows: hashed ids only, no names or phone numbers.

A chat id is kept only where the bot must write back: for a question the citizen agreed to forward
(until it is answered or dismissed) and for facts sent recently (so a correction can follow), and
only encrypted (`chat`, sealed by `bot.privacy` with a key kept outside the database). The query log
keeps only index words, never the message. `forget` deletes all of one citizen; `purge` what is older
than its retention age.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from sqlite_utils import Database

from bot.store.base import days_ago, insert, utcnow, write

DELIVERY_DAYS = 30
TELEGRAM = "tg"  # the channel of every chat stored before WhatsApp (issue 11)
SEEN_DAYS = 7  # Meta repeats an unacknowledged webhook for up to 7 days


class Recipient(NamedTuple):
    """Where to write back to a citizen: the chat (a Telegram chat id or a WhatsApp number), their
    hash, and the channel."""

    chat: int
    user_hash: str
    channel: str = TELEGRAM


class Sealer(Protocol):
    """Encrypts chat ids for storage (see `bot.privacy.Secrets`)."""

    def seal(self, chat_id: int) -> str: ...

    def open(self, token: str) -> int: ...


class NoSealer:
    """Refuses to store a chat id: without a key outside the database, none is kept."""

    def seal(self, chat_id: int) -> str:
        raise RuntimeError("no key to encrypt chat ids: create the store's Citizens first")

    def open(self, token: str) -> int:
        raise RuntimeError("no key to decrypt chat ids: create the store's Citizens first")


@dataclass(frozen=True)
class Retention:
    """How long each kind of citizen record is kept, in days."""

    queries: float = 90
    feedback: float = 180
    questions: float = 30  # texts of closed (answered or dismissed) questions
    deliveries: float = DELIVERY_DAYS  # also sent notices, which hold a sealed chat id


@dataclass(frozen=True)
class Question:
    """A question a citizen agreed to forward to moderators."""

    id: int
    user_hash: str
    text: str
    normalized: str
    asked_at: str
    status: str


class PeopleRecords:
    """Citizens' preferences, forwarded questions, feedback, query log and deliveries."""

    def __init__(self, db: Database):
        self.db = db
        self.sealer: Sealer = NoSealer()

    # -- preferences and reachability ------------------------------------------------------

    def lang(self, user_hash: str) -> str | None:
        """The user's chosen language, if any."""
        row = self.db.execute("SELECT lang FROM users WHERE user_hash = ?", [user_hash]).fetchone()
        return row[0] if row and row[0] else None

    def set_lang(self, user_hash: str, lang: str) -> None:
        """Remember the user's language (and that they can be reached)."""
        self.db.table("users").upsert({"user_hash": user_hash, "lang": lang, "active": 1, "updated_at": utcnow()},
                                      pk="user_hash")

    def set_active(self, user_hash: str, active: bool) -> None:
        """Mark a user reachable or not."""
        self.db.table("users").upsert({"user_hash": user_hash, "active": int(active), "updated_at": utcnow()},
                                      pk="user_hash")

    def is_active(self, user_hash: str) -> bool:
        """False once the user blocked the bot."""
        row = self.db.execute("SELECT active FROM users WHERE user_hash = ?", [user_hash]).fetchone()
        return not row or row[0] != 0

    # -- forwarded questions -------------------------------------------------------------------

    def queue_question(self, user_hash: str, chat_id: int, text: str, normalized: str,
                       channel: str = TELEGRAM) -> tuple[int, bool]:
        """Store a question the citizen agreed to forward. Returns its id and whether it is new: the
        same open question from the same citizen (a double tap) is stored once."""
        with write(self.db):
            row = self.db.execute(
                "SELECT id FROM questions WHERE user_hash = ? AND normalized = ? AND status = 'open'",
                [user_hash, normalized]).fetchone()
            if row:
                return row[0], False
            question_id = insert(self.db, "questions", {
                "user_hash": user_hash, "text": text, "normalized": normalized, "asked_at": utcnow(),
                "status": "open", "fact_id": None, "answered_at": None, "answered_by": None,
            })
            self.db.table("question_chats").insert({"question_id": question_id, "chat": self.sealer.seal(chat_id),
                                                    "channel": channel})
        return question_id, True

    def open_questions(self) -> list[Question]:
        """Questions waiting for moderators, oldest first."""
        return [Question(r["id"], r["user_hash"], r["text"], r["normalized"], r["asked_at"], r["status"])
                for r in self.db.query("SELECT * FROM questions WHERE status = 'open' ORDER BY asked_at, id")]

    def close_questions(self, question_ids: tuple[int, ...], status: str, actor: str,
                        fact_id: str | None) -> list[Recipient]:
        """Close questions (answered or dismissed); returns who asked, where. Their chat ids are deleted
        with them."""
        marks = ",".join("?" * len(question_ids))
        with write(self.db):
            rows = self.db.execute(
                f"SELECT question_chats.chat, questions.user_hash, question_chats.channel FROM question_chats "
                f"JOIN questions ON questions.id = question_chats.question_id "
                f"WHERE question_chats.question_id IN ({marks})", question_ids).fetchall()
            self.db.execute(
                f"UPDATE questions SET status = ?, fact_id = ?, answered_at = ?, answered_by = ? WHERE id IN ({marks})",
                [status, fact_id, utcnow(), actor, *question_ids])
            self.db.execute(f"DELETE FROM question_chats WHERE question_id IN ({marks})", question_ids)
        return _distinct(Recipient(self.sealer.open(chat), str(who), channel or TELEGRAM)
                         for chat, who, channel in rows if chat)

    # -- feedback, query log, deliveries ------------------------------------------------------

    def record_feedback(self, user_hash: str, fact_id: str, revision: int, helpful: bool) -> None:
        """A citizen's 👍/👎 on an answer; a second press replaces the first."""
        with write(self.db):
            self.db.execute(
                "INSERT INTO feedback (at, user_hash, fact_id, revision, helpful) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (user_hash, fact_id, revision) DO UPDATE SET helpful = excluded.helpful, "
                "at = excluded.at", [utcnow(), user_hash, fact_id, revision, int(helpful)])

    def log_query(self, user_hash: str, answered: bool, fact_id: str | None, terms: list[str],
                  kind: str = "") -> None:
        """One line of statistics about a query: what it got and its index words, never the message."""
        with write(self.db):
            self._insert_query(utcnow(), user_hash, answered, fact_id, terms, kind)

    def record_delivery(self, chat_id: int, user_hash: str, fact_id: str, revision: int,
                        channel: str = TELEGRAM) -> None:
        """Remember that a fact was sent to a chat (the retention job deletes it after its age)."""
        with write(self.db):
            self._insert_delivery(utcnow(), chat_id, user_hash, fact_id, revision, channel)

    def record_answer(self, user_hash: str, answered: bool, fact_id: str | None, terms: list[str], kind: str,
                      delivered: tuple[int, str, int] | None = None, channel: str = TELEGRAM) -> None:
        """What one question cost in writes, in one transaction: its line of statistics (`log_query`) and,
        when a fact reached the chat, its delivery (chat id, fact id, revision) on `channel`."""
        now = utcnow()
        with write(self.db):
            self._insert_query(now, user_hash, answered, fact_id, terms, kind)
            if delivered is not None:
                self._insert_delivery(now, delivered[0], user_hash, delivered[1], delivered[2], channel)

    def _insert_query(self, at: str, user_hash: str, answered: bool, fact_id: str | None, terms: list[str],
                      kind: str) -> None:
        self.db.execute("INSERT INTO query_log (at, user_hash, answered, fact_id, terms, kind) "
                        "VALUES (?, ?, ?, ?, ?, ?)", [at, user_hash, int(answered), fact_id, json.dumps(terms[:10]),
                         kind or ("fact" if answered else "not_found")])

    def _insert_delivery(self, at: str, chat_id: int, user_hash: str, fact_id: str, revision: int,
                         channel: str = TELEGRAM) -> None:
        self.db.execute("INSERT INTO deliveries (at, chat, user_hash, fact_id, revision, channel) "
                        "VALUES (?, ?, ?, ?, ?, ?)", [at, self.sealer.seal(chat_id), user_hash, fact_id, revision,
                                                      channel])

    def delivered_before(self, fact_id: str, revision: int,
                         days: float = DELIVERY_DAYS) -> list[tuple[int, str]]:
        """Chats (with their user hash) that received an older revision of a fact in the last `days`."""
        return [(r.chat, r.user_hash) for r in self.recipients_before(fact_id, revision, days)]

    def recipients_before(self, fact_id: str, revision: int, days: float = DELIVERY_DAYS) -> list[Recipient]:
        """Who received an older revision of a fact in the last `days`, on which channel."""
        rows = self.db.execute(
            "SELECT chat, user_hash, channel FROM deliveries WHERE fact_id = ? AND revision < ? AND at >= ? "
            "ORDER BY id", [fact_id, revision, days_ago(days)]).fetchall()
        return _distinct(Recipient(self.sealer.open(chat), str(who), channel or TELEGRAM)
                         for chat, who, channel in rows if chat)

    # -- WhatsApp: the 24-hour window and repeated deliveries -----------------------------------

    def touch_inbound(self, user_hash: str) -> None:
        """Remember that a citizen just wrote (WhatsApp's 24-hour window for free-form replies)."""
        with write(self.db):
            self.db.execute("INSERT INTO users (user_hash, active, updated_at, last_inbound_at) VALUES (?, 1, ?, ?) "
                            "ON CONFLICT (user_hash) DO UPDATE SET last_inbound_at = excluded.last_inbound_at",
                            [user_hash, utcnow(), utcnow()])

    def last_inbound(self, user_hash: str) -> str | None:
        """When the citizen last wrote (ISO UTC), if known."""
        row = self.db.execute("SELECT last_inbound_at FROM users WHERE user_hash = ?", [user_hash]).fetchone()
        return row[0] if row and row[0] else None

    def first_sighting(self, id_hash: str) -> bool:
        """Remember a message id (hashed); False when it was seen before (a repeated delivery). Ids older
        than SEEN_DAYS are forgotten on the way."""
        with write(self.db):
            self.db.execute("DELETE FROM seen_messages WHERE at < ?", [days_ago(SEEN_DAYS)])
            return self.db.execute("INSERT OR IGNORE INTO seen_messages (id_hash, at) VALUES (?, ?)",
                                   [id_hash, utcnow()]).rowcount == 1

    # -- deletion and retention ----------------------------------------------------------------

    def forget(self, user_hash: str) -> int:
        """Delete every record of one citizen: language, questions (and where to answer them),
        feedback, query log, deliveries and notices waiting for them. Returns the rows deleted."""
        with write(self.db):
            deleted = self.db.execute(
                "DELETE FROM question_chats WHERE question_id IN (SELECT id FROM questions WHERE user_hash = ?)",
                [user_hash]).rowcount
            for table in ("questions", "feedback", "query_log", "deliveries", "outbox", "users"):
                deleted += self.db.execute(f"DELETE FROM {table} WHERE user_hash = ?", [user_hash]).rowcount
        return deleted

    def purge(self, keep: Retention) -> dict[str, int]:
        """Delete what is older than its retention age; returns how many rows of each kind."""
        counts: dict[str, int] = {}
        with write(self.db):
            counts["queries"] = self.db.execute("DELETE FROM query_log WHERE at < ?",
                                                [days_ago(keep.queries)]).rowcount
            counts["feedback"] = self.db.execute("DELETE FROM feedback WHERE at < ?",
                                                 [days_ago(keep.feedback)]).rowcount
            counts["questions"] = self.db.execute(
                "UPDATE questions SET text = '', normalized = '' WHERE status != 'open' AND answered_at < ? "
                "AND (text != '' OR normalized != '')", [days_ago(keep.questions)]).rowcount
            counts["deliveries"] = self.db.execute("DELETE FROM deliveries WHERE at < ?",
                                                   [days_ago(keep.deliveries)]).rowcount
            counts["notices"] = self.db.execute(
                "DELETE FROM outbox WHERE status NOT IN ('pending', 'sending') AND created_at < ?",
                [days_ago(keep.deliveries)]).rowcount
        return counts

    def seal_plain_chat_ids(self) -> int:
        """Encrypt chat ids an older version stored in the clear (once, after the upgrade)."""
        sealed = 0
        with write(self.db):
            for table, key in (("deliveries", "id"), ("question_chats", "question_id"), ("outbox", "id")):
                rows = self.db.execute(f"SELECT {key}, chat_id FROM {table} WHERE chat_id IS NOT NULL").fetchall()
                for row_key, chat_id in rows:
                    self.db.execute(f"UPDATE {table} SET chat = ?, chat_id = NULL WHERE {key} = ?",
                                    [self.sealer.seal(int(chat_id)), row_key])
                sealed += len(rows)
        return sealed

    # -- statistics --------------------------------------------------------------------------

    def queries_since(self, since: str) -> int:
        """How many queries were logged since `since` (ISO UTC)."""
        return int(self.db.execute("SELECT count(*) FROM query_log WHERE at >= ?", [since]).fetchone()[0])

    def answered_since(self, since: str) -> int:
        """How many of them were answered."""
        return int(self.db.execute("SELECT count(*) FROM query_log WHERE at >= ? AND answered = 1",
                                   [since]).fetchone()[0])

    def query_terms_since(self, since: str) -> list[list[str]]:
        """The logged index words of each query since `since`."""
        return [json.loads(raw or "[]") for (raw,) in self.db.execute("SELECT terms FROM query_log WHERE at >= ?",
                                                                      [since])]

    def answer_waits(self) -> list[tuple[str, str]]:
        """(asked, answered) times of answered questions."""
        return [(q, a) for q, a in self.db.execute(
            "SELECT asked_at, answered_at FROM questions WHERE status = 'answered' AND answered_at IS NOT NULL")]

    def feedback_since(self, since: str) -> tuple[int, int]:
        """(helpful votes, all votes) since `since`: one vote per citizen and answer."""
        helpful, total = self.db.execute(
            "SELECT coalesce(sum(helpful), 0), count(*) FROM feedback WHERE at >= ?", [since]).fetchone()
        return int(helpful), int(total)

    def open_question_count(self) -> int:
        """Questions waiting for moderators."""
        return int(self.db.execute("SELECT count(*) FROM questions WHERE status = 'open'").fetchone()[0])


def _distinct(recipients) -> list[Recipient]:
    """Recipients without repeats of a chat on a channel, in order."""
    seen: set[tuple[str, int]] = set()
    out = []
    for recipient in recipients:
        if (recipient.channel, recipient.chat) not in seen:
            seen.add((recipient.channel, recipient.chat))
            out.append(recipient)
    return out
