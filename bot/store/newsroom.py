"""The newsroom's rows: moderators, proposals, drafts and the notice outbox."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from bot.store.base import insert, utcnow, write
from bot.store.people import TELEGRAM, NoSealer, Sealer

PENDING, SENDING, SENT, FAILED, UNKNOWN = "pending", "sending", "sent", "failed", "unknown"
UNDELIVERABLE = "undeliverable"  # the channel forbids it now (WhatsApp's 24-hour window, no template)


@dataclass(frozen=True)
class Proposal:
    """A change waiting for a second moderator."""

    id: int
    fact_id: str
    kind: str  # "add", "edit", "retract" or "restore"
    data: dict[str, Any]  # the whole fact as it would be saved
    changes: dict[str, Any]  # the fields the proposal changes, with their new values
    base_revision: int  # the revision it was written against (0 for a new fact)
    proposer: str
    proposer_id: int | None
    created_at: str
    status: str
    reason: str = ""


@dataclass(frozen=True)
class Notice:
    """A message waiting in the outbox: an answer, a correction, a retraction or a review outcome."""

    id: int
    kind: str
    chat_id: int
    user_hash: str
    fact_id: str
    revision: int
    payload: dict[str, Any]
    attempts: int
    channel: str = TELEGRAM


class NewsroomRecords:
    """Rows the editorial core and the edges keep; no rules here, only storage."""

    def __init__(self, db: Database):
        self.db = db
        self.sealer: Sealer = NoSealer()  # chat ids in the outbox are stored encrypted

    # -- moderators -------------------------------------------------------------------------

    def is_moderator(self, user_id: int) -> bool:
        """Whether `user_id` is a stored moderator."""
        return self.db.execute("SELECT 1 FROM moderators WHERE user_id = ?", [user_id]).fetchone() is not None

    def add_moderator(self, user_id: int, actor: str) -> None:
        """Store a moderator."""
        self.db.table("moderators").upsert({"user_id": user_id, "added_by": actor, "added_at": utcnow()},
                                           pk="user_id")

    def remove_moderator(self, user_id: int) -> bool:
        """Remove a moderator; False when there was none."""
        return self.db.execute("DELETE FROM moderators WHERE user_id = ?", [user_id]).rowcount > 0

    def moderators(self) -> list[dict[str, Any]]:
        """Moderators with who added them and when."""
        return list(self.db.query("SELECT user_id, added_by, added_at FROM moderators ORDER BY added_at"))

    # -- proposals --------------------------------------------------------------------------

    def add_proposal(self, fact_id: str, kind: str, data: dict[str, Any], changes: dict[str, Any],
                     base_revision: int, proposer: str, proposer_id: int, reason: str = "") -> int:
        """Store a pending proposal; returns its number."""
        return insert(self.db, "proposals", {
            "fact_id": fact_id, "kind": kind, "data": json.dumps(data, ensure_ascii=False),
            "changes": json.dumps(changes, ensure_ascii=False), "base_revision": base_revision,
            "proposer": proposer, "proposer_id": proposer_id, "created_at": utcnow(), "status": "pending",
            "reviewer": None, "reviewed_at": None, "reason": reason or None,
        })

    def proposal(self, number: int) -> Proposal | None:
        """A proposal by number, whatever its status."""
        rows = list(self.db.query("SELECT * FROM proposals WHERE id = ?", [number]))
        return _proposal(rows[0]) if rows else None

    def pending_proposals(self) -> list[Proposal]:
        """Proposals waiting for review, oldest first."""
        return [_proposal(r) for r in self.db.query("SELECT * FROM proposals WHERE status = 'pending' ORDER BY id")]

    def close_proposal(self, number: int, status: str, reviewer: str, reason: str = "") -> None:
        """Mark a proposal approved, rejected or superseded."""
        self.db.table("proposals").update(number, {"status": status, "reviewer": reviewer, "reviewed_at": utcnow(),
                                                   "reason": reason or None})

    # -- drafts -----------------------------------------------------------------------------

    def draft(self, user_id: int) -> dict[str, Any] | None:
        """A moderator's unfinished /tambah or /ubah, as stored."""
        row = self.db.execute("SELECT data FROM drafts WHERE user_id = ?", [user_id]).fetchone()
        return json.loads(row[0]) if row else None

    def put_draft(self, user_id: int, data: dict[str, Any]) -> None:
        """Keep a moderator's draft (one each)."""
        with write(self.db):
            self.db.table("drafts").upsert({"user_id": user_id, "data": json.dumps(data, ensure_ascii=False),
                                            "updated_at": utcnow()}, pk="user_id")

    def drafting(self) -> set[int]:
        """Moderators with a draft in progress (not paused)."""
        return {user_id for user_id, data in self.db.execute("SELECT user_id, data FROM drafts")
                if not json.loads(data).get("paused")}

    def drop_draft(self, user_id: int) -> None:
        """Forget a moderator's draft."""
        with write(self.db):
            self.db.execute("DELETE FROM drafts WHERE user_id = ?", [user_id])

    # -- the outbox -------------------------------------------------------------------------

    def enqueue(self, kind: str, chat_id: int, user_hash: str, fact_id: str = "", revision: int = 0,
                payload: dict[str, Any] | None = None, due_at: str = "", channel: str = TELEGRAM) -> int:
        """Add a notice to send on `channel`; it survives a restart until it is sent or fails for good."""
        now = utcnow()
        with write(self.db):
            return insert(self.db, "outbox", {
                "kind": kind, "chat": self.sealer.seal(chat_id), "user_hash": user_hash, "fact_id": fact_id,
                "revision": revision,
                "payload": json.dumps(payload or {}, ensure_ascii=False), "created_at": now, "due_at": due_at or now,
                "attempts": 0, "status": PENDING, "sent_at": None, "error": None, "channel": channel,
            })

    def due_notices(self, limit: int, channel: str = TELEGRAM) -> list[Notice]:
        """Pending notices for `channel` whose time has come, oldest first."""
        rows = self.db.query("SELECT * FROM outbox WHERE status = ? AND due_at <= ? AND channel = ? "
                             "ORDER BY due_at, id LIMIT ?", [PENDING, utcnow(), channel, limit])
        notices = []
        for r in list(rows):
            try:
                chat = self.sealer.open(r["chat"] or "")
            except Exception:  # noqa: BLE001 - sealed with another key, or damaged: it cannot be sent
                self.notice_failed(r["id"], "chat id cannot be decrypted")
                continue
            notices.append(Notice(r["id"], r["kind"], chat, r["user_hash"] or "", r["fact_id"] or "",
                                  r["revision"] or 0, json.loads(r["payload"] or "{}"), r["attempts"],
                                  r.get("channel") or TELEGRAM))
        return notices

    def claim_notice(self, notice_id: int) -> bool:
        """Mark a notice as being sent. Only one sender can claim it; once claimed it is never sent
        again, even if the process dies before it is marked sent (at most once)."""
        with write(self.db):
            return self.db.execute("UPDATE outbox SET status = ?, attempts = attempts + 1 WHERE id = ? AND status = ?",
                                   [SENDING, notice_id, PENDING]).rowcount == 1

    def notice_sent(self, notice_id: int, provider_id: str | None = None) -> None:
        """A notice reached the channel (`provider_id`: the channel's id of the message, a WhatsApp wamid)."""
        with write(self.db):
            self.db.execute("UPDATE outbox SET status = ?, sent_at = ?, error = NULL, provider_id = ? WHERE id = ?",
                            [SENT, utcnow(), provider_id, notice_id])

    def notice_undeliverable(self, notice_id: int, error: str) -> None:
        """A notice the channel does not allow now (outside WhatsApp's 24-hour window, no template)."""
        with write(self.db):
            self.db.execute("UPDATE outbox SET status = ?, error = ? WHERE id = ?",
                            [UNDELIVERABLE, error[:200], notice_id])

    def provider_status(self, provider_id: str, status: str, error: str = "") -> bool:
        """A status the channel reported for a sent message (sent, delivered, read, failed…); False when
        no notice has that id (a reply, not a notice). A failure marks the notice failed."""
        with write(self.db):
            changed = self.db.execute("UPDATE outbox SET provider_status = ? WHERE provider_id = ?",
                                      [status[:20], provider_id]).rowcount
            if changed and status == FAILED:
                self.db.execute("UPDATE outbox SET status = ?, error = ? WHERE provider_id = ?",
                                [FAILED, (error or "reported failed")[:200], provider_id])
        return changed > 0

    def undeliverable_since(self, since: str) -> int:
        """Notices recorded undeliverable since `since` (ISO UTC), for /statistik."""
        return int(self.db.execute("SELECT count(*) FROM outbox WHERE status = ? AND created_at >= ?",
                                   [UNDELIVERABLE, since]).fetchone()[0])

    def notice_retry(self, notice_id: int, due_at: str, error: str) -> None:
        """A transient failure: try again at `due_at`."""
        with write(self.db):
            self.db.execute("UPDATE outbox SET status = ?, due_at = ?, error = ? WHERE id = ?",
                            [PENDING, due_at, error[:200], notice_id])

    def notice_failed(self, notice_id: int, error: str) -> None:
        """A notice that cannot be delivered (blocked, gone, or out of attempts)."""
        with write(self.db):
            self.db.execute("UPDATE outbox SET status = ?, error = ? WHERE id = ?", [FAILED, error[:200], notice_id])

    def recover_notices(self) -> int:
        """After a crash: notices caught mid-send may or may not have arrived; they are marked
        unknown and not sent again. Returns how many."""
        with write(self.db):
            return self.db.execute("UPDATE outbox SET status = ? WHERE status = ?", [UNKNOWN, SENDING]).rowcount

    def backlog(self) -> int:
        """Notices still to send."""
        return int(self.db.execute("SELECT count(*) FROM outbox WHERE status = ?", [PENDING]).fetchone()[0])

    def notices(self, status: str | None = None) -> list[dict[str, Any]]:
        """Outbox rows (for operators and tests), oldest first, with their chat ids decrypted."""
        if status is None:
            rows = self.db.query("SELECT * FROM outbox ORDER BY id")
        else:
            rows = self.db.query("SELECT * FROM outbox WHERE status = ? ORDER BY id", [status])
        return [{**row, "chat_id": self._open(row["chat"]), "chat": None} for row in rows]

    def _open(self, token: str | None) -> int | None:
        try:
            return self.sealer.open(token) if token else None
        except Exception:  # noqa: BLE001 - another key: shown as unknown
            return None


def _proposal(row: dict[str, Any]) -> Proposal:
    data = json.loads(row["data"])
    changes = json.loads(row["changes"]) if row.get("changes") else data
    return Proposal(row["id"], row["fact_id"], row["kind"], data, changes, row.get("base_revision") or 0,
                    row["proposer"], row.get("proposer_id"), row["created_at"], row["status"], row.get("reason") or "")
