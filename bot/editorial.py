"""The newsroom's side of the core: moderators, guided changes, review, history, the question queue.

Channel-free like `core`: Telegram's moderation handlers call these functions and show the results.
Every change to a fact goes through `Store.save`, so each writes a version and an audit row in the
same transaction; under two-person review a change first waits as a proposal.
"""

from __future__ import annotations

import json
import re
import statistics as stats
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from rapidfuzz import fuzz

from bot.analysis import Analyzer
from bot.citizens import DELIVERY_DAYS, Citizens
from bot.errors import UserError
from bot.models import Fact
from bot.normalize import tokenize
from bot.store import Store, utcnow

# Changes a citizen who received the fact should hear about (not keyword or typo fixes).
SUBSTANTIVE_FIELDS = ("statement", "statement_en", "verdict", "claim", "claim_en", "status")
SAME_QUESTION = 80  # rapidfuzz token_set_ratio (0-100) at which two queued questions are merged
MAX_WORD_CHARS = 40  # a word or phrase taught with /kata
WORD_USAGE = "/kata sonde = tidak • /kata sih -"
REVIEW_SINGLE = "single"
REVIEW_TWO_PERSON = "two-person"


def staff(user_id: int) -> str:
    """How a moderator or owner appears in versions and the audit log."""
    return f"mod:{user_id}"


@dataclass(frozen=True)
class Outcome:
    """The result of submitting a fact: saved at once, or waiting as a proposal."""

    fact: Fact
    previous: Fact | None
    proposal_id: int | None = None

    @property
    def substantive(self) -> bool:
        """True when citizens who received the previous version should get a correction."""
        return self.previous is not None and self.proposal_id is None and any(
            getattr(self.previous, f) != getattr(self.fact, f) for f in SUBSTANTIVE_FIELDS)


@dataclass(frozen=True)
class QuestionGroup:
    """Queued questions that ask the same thing."""

    id: int  # the oldest question's id, used in /jawab and /abaikan
    question_ids: tuple[int, ...]
    text: str
    since: str

    @property
    def count(self) -> int:
        """How many citizens asked."""
        return len(self.question_ids)


class Editorial:
    """Moderators' operations on the knowledge base and the queue."""

    def __init__(self, store: Store, citizens: Citizens, analyzer: Analyzer,
                 owner_ids: frozenset[int] = frozenset(), review: str = REVIEW_SINGLE):
        self.store = store
        self.db = store.db
        self.citizens = citizens
        self.analyzer = analyzer
        self.owner_ids = owner_ids
        self.review = review

    # -- roles ------------------------------------------------------------------------------

    def is_owner(self, user_id: int) -> bool:
        """Owners come from configuration and manage moderators."""
        return user_id in self.owner_ids

    def is_moderator(self, user_id: int) -> bool:
        """Owners and the moderators they added."""
        return self.is_owner(user_id) or self.db.execute(
            "SELECT 1 FROM moderators WHERE user_id = ?", [user_id]).fetchone() is not None

    def add_moderator(self, user_id: int, by: int) -> None:
        """An owner makes a verified fact-checker a moderator."""
        with self.db.atomic():
            self.db["moderators"].upsert({"user_id": user_id, "added_by": staff(by), "added_at": utcnow()},
                                         pk="user_id")
            self.store.audit(staff(by), "moderator:add", reason=str(user_id))

    def remove_moderator(self, user_id: int, by: int) -> bool:
        """An owner removes a moderator; False when there was none."""
        with self.db.atomic():
            removed = self.db.execute("DELETE FROM moderators WHERE user_id = ?", [user_id]).rowcount > 0
            if removed:
                self.store.audit(staff(by), "moderator:remove", reason=str(user_id))
        return removed

    def moderators(self) -> list[dict]:
        """Moderators with who added them and when."""
        return list(self.db.query("SELECT user_id, added_by, added_at FROM moderators ORDER BY added_at"))

    def refuse(self, user_id: int, command: str) -> None:
        """Record a moderator command attempted by someone who is not one (hashed id)."""
        self.store.audit(f"user:{self.citizens.hash(user_id)}", "refused", reason=command)

    # -- facts ------------------------------------------------------------------------------

    def fact(self, fact_id: str) -> Fact:
        """A fact by id, or a UserError naming the id."""
        fact = self.store.get(fact_id.strip().lower()) if fact_id else None
        if fact is None:
            raise UserError("mod.no_fact", id=fact_id or "?")
        return fact

    def new_id(self, statement: str) -> str:
        """A readable, unused id from the first words of a statement."""
        words = [t for t in self.analyzer.tokens(statement) if t not in self.analyzer.lexicon.stopwords]
        base = "-".join(words[:6])[:60].strip("-") or "fakta"
        if len(base) < 3:
            base = f"fakta-{base}"
        candidate, n = base, 2
        while self.store.get(candidate) is not None:
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    def submit(self, fact: Fact, user_id: int, action: str) -> Outcome:
        """Save a new or edited fact, or, under two-person review, propose it."""
        previous = self.store.get(fact.id)
        if self.review == REVIEW_TWO_PERSON:
            with self.db.atomic():
                proposal_id = self.db["proposals"].insert({
                    "fact_id": fact.id, "kind": action, "data": json.dumps(fact.to_dict(), ensure_ascii=False),
                    "proposer": staff(user_id), "created_at": utcnow(), "status": "pending",
                    "reviewer": None, "reviewed_at": None, "reason": None,
                }).last_pk
                self.store.audit(staff(user_id), f"propose:{action}", fact.id, reason=f"proposal {proposal_id}")
            return Outcome(fact, previous, proposal_id)
        return Outcome(self.store.save(fact, staff(user_id), action), previous)

    def retract(self, fact_id: str, reason: str, user_id: int) -> Outcome:
        """Stop serving a fact; it stays in the database with its history."""
        fact = self.fact(fact_id)
        if not reason.strip():
            raise UserError("mod.reason_needed")
        if fact.status == "retracted":
            raise UserError("mod.already_retracted", id=fact.id)
        saved = self.store.save(fact.with_changes(status="retracted"), staff(user_id), "retract", reason=reason)
        return Outcome(saved, fact)

    def restore(self, fact_id: str, user_id: int) -> Outcome:
        """Serve a retracted fact again."""
        fact = self.fact(fact_id)
        if fact.status == "active":
            raise UserError("mod.already_active", id=fact.id)
        saved = self.store.save(fact.with_changes(status="active"), staff(user_id), "restore")
        return Outcome(saved, fact)

    def pending_proposals(self) -> list[dict]:
        """Proposals waiting for a second moderator, oldest first."""
        return list(self.db.query("SELECT * FROM proposals WHERE status = 'pending' ORDER BY id"))

    def _proposal(self, proposal_id: str) -> dict:
        rows = list(self.db.query("SELECT * FROM proposals WHERE id = ?", [proposal_id])) \
            if proposal_id.isdigit() else []
        if not rows or rows[0]["status"] != "pending":
            raise UserError("mod.no_proposal", id=proposal_id or "?")
        return rows[0]

    def approve(self, proposal_id: str, user_id: int) -> Outcome:
        """A second moderator approves a proposal: the change is saved and served."""
        proposal = self._proposal(proposal_id)
        if proposal["proposer"] == staff(user_id):
            raise UserError("mod.own_proposal")
        fact = Fact.from_dict(json.loads(proposal["data"]))
        previous = self.store.get(fact.id)
        with self.db.atomic():
            saved = self.store.save(fact, staff(user_id), f"approve:{proposal['kind']}",
                                    reason=f"proposal {proposal['id']} by {proposal['proposer']}")
            self.db["proposals"].update(proposal["id"], {"status": "approved", "reviewer": staff(user_id),
                                                         "reviewed_at": utcnow()})
        return Outcome(saved, previous)

    def reject(self, proposal_id: str, reason: str, user_id: int) -> dict:
        """A second moderator rejects a proposal, with a reason; nothing is served."""
        proposal = self._proposal(proposal_id)
        if proposal["proposer"] == staff(user_id):
            raise UserError("mod.own_proposal")
        if not reason.strip():
            raise UserError("mod.reason_needed")
        with self.db.atomic():
            self.db["proposals"].update(proposal["id"], {"status": "rejected", "reviewer": staff(user_id),
                                                         "reviewed_at": utcnow(), "reason": reason})
            self.store.audit(staff(user_id), "reject", proposal["fact_id"], reason=f"proposal {proposal['id']}: {reason}")
        return proposal

    def history(self, fact_id: str) -> list[dict]:
        """Each version of a fact: revision, when, who, what, and which fields changed."""
        fact = self.fact(fact_id)
        audit = {(a["fact_id"], a["at"], a["action"]): json.loads(a["detail"]) for a in self.store.audit_rows(fact.id)}
        rows = []
        for version in self.store.versions(fact.id):
            detail = audit.get((fact.id, version["at"], version["action"]), {})
            rows.append({**{k: version[k] for k in ("revision", "at", "actor", "action")},
                         "changed": sorted(detail.get("changes", {})), "reason": detail.get("reason", "")})
        return rows

    # -- words ------------------------------------------------------------------------------

    def teach_word(self, text: str, user_id: int) -> tuple[str, str, list[str]]:
        """A moderator teaches the bot a chat word: "sonde = tidak" (a variant and its standard form)
        or "sih -" (a word with no topic of its own). Returns the word, its standard form ("" for none)
        and the facts re-indexed. Audited like a change to a fact."""
        if not self.is_moderator(user_id):
            raise UserError("mod.refused")
        variant, sign, standard = (text or "").partition("=")
        if not sign:
            variant, _, last = (text or "").strip().rpartition(" ")
            if last != "-":
                raise UserError("mod.usage", usage=WORD_USAGE)
            standard = ""
        variant, standard = " ".join(tokenize(variant)), " ".join(tokenize(standard))
        if not variant or len(variant) > MAX_WORD_CHARS or len(standard) > MAX_WORD_CHARS:
            raise UserError("mod.usage", usage=WORD_USAGE)
        if self.analyzer.is_protected(variant) or variant == standard:
            raise UserError("mod.word_reserved", word=variant)
        touched = self.store.add_word(variant, standard, staff(user_id))
        return variant, standard, touched

    def words(self) -> dict[str, str]:
        """Words moderators taught the bot."""
        return self.store.words()

    # -- the question queue -----------------------------------------------------------------

    def question_groups(self) -> list[QuestionGroup]:
        """Open questions, near-duplicates merged; most asked first, then oldest."""
        groups: list[list] = []
        for question in self.citizens.open_questions():
            for group in groups:
                if fuzz.token_set_ratio(group[0].normalized, question.normalized, processor=None) >= SAME_QUESTION:
                    group.append(question)
                    break
            else:
                groups.append([question])
        result = [QuestionGroup(g[0].id, tuple(q.id for q in g), g[0].text, g[0].asked_at) for g in groups]
        return sorted(result, key=lambda g: (-g.count, g.since, g.id))

    def _group(self, question_id: str) -> QuestionGroup:
        for group in self.question_groups():
            if question_id.isdigit() and int(question_id) in group.question_ids:
                return group
        raise UserError("mod.no_question", id=question_id or "?")

    def answer_group(self, question_id: str, fact_id: str, user_id: int) -> tuple[Fact, list[int]]:
        """Close a group of questions with a fact; returns the fact and the chats to send it to."""
        group = self._group(question_id)
        fact = self.fact(fact_id)
        if fact.status != "active":
            raise UserError("mod.not_active", id=fact.id)
        chats = self._close(group, "answered", staff(user_id), fact.id)
        self.store.audit(staff(user_id), "queue:answer", fact.id, reason=f"questions {list(group.question_ids)}")
        return fact, chats

    def dismiss_group(self, question_id: str, user_id: int) -> QuestionGroup:
        """Close a group of questions (spam, duplicates) without an answer."""
        group = self._group(question_id)
        self._close(group, "dismissed", staff(user_id), None)
        self.store.audit(staff(user_id), "queue:dismiss", reason=f"questions {list(group.question_ids)}")
        return group

    def _close(self, group: QuestionGroup, status: str, actor: str, fact_id: str | None) -> list[int]:
        marks = ",".join("?" * group.count)
        with self.db.atomic():
            chats = [r[0] for r in self.db.execute(
                f"SELECT DISTINCT chat_id FROM question_chats WHERE question_id IN ({marks})", group.question_ids)]
            self.db.execute(
                f"UPDATE questions SET status = ?, fact_id = ?, answered_at = ?, answered_by = ? WHERE id IN ({marks})",
                [status, fact_id, utcnow(), actor, *group.question_ids])
            self.db.execute(f"DELETE FROM question_chats WHERE question_id IN ({marks})", group.question_ids)
        return chats

    # -- corrections and statistics -----------------------------------------------------------

    def correction_targets(self, fact: Fact) -> list[int]:
        """Chats that received an older version of `fact` in the last 30 days and can be reached."""
        since = (datetime.now(timezone.utc) - timedelta(days=DELIVERY_DAYS)).isoformat(timespec="seconds")
        rows = self.db.execute(
            "SELECT chat_id, user_hash FROM deliveries WHERE fact_id = ? AND revision < ? AND at >= ? "
            "GROUP BY chat_id", [fact.id, fact.revision, since]).fetchall()
        return [chat for chat, who in rows if self.citizens.is_active(who)]

    def statistics(self, now: datetime | None = None) -> dict:
        """Numbers for /statistik: questions, share answered, keywords, queue, answer time, feedback."""
        now = now or datetime.now(timezone.utc)
        day = now.replace(hour=0, minute=0, second=0, microsecond=0).isoformat(timespec="seconds")
        week = (now - timedelta(days=7)).isoformat(timespec="seconds")
        month = (now - timedelta(days=30)).isoformat(timespec="seconds")
        count = lambda since: self.db.execute("SELECT count(*) FROM query_log WHERE at >= ?", [since]).fetchone()[0]  # noqa: E731
        answered = self.db.execute("SELECT count(*) FROM query_log WHERE at >= ? AND answered = 1", [month]).fetchone()[0]
        terms = Counter(t for (raw,) in self.db.execute("SELECT terms FROM query_log WHERE at >= ?", [month])
                        for t in json.loads(raw or "[]"))
        waits = [
            (datetime.fromisoformat(a) - datetime.fromisoformat(q)).total_seconds() / 3600
            for q, a in self.db.execute(
                "SELECT asked_at, answered_at FROM questions WHERE status = 'answered' AND answered_at IS NOT NULL")
        ]
        helpful, total = self.db.execute(
            "SELECT coalesce(sum(helpful), 0), count(*) FROM feedback WHERE at >= ?", [month]).fetchone()
        open_questions = self.db.execute("SELECT count(*) FROM questions WHERE status = 'open'").fetchone()[0]
        month_total = count(month)
        return {
            "today": count(day), "week": count(week), "month": month_total,
            "answered_share": answered / month_total if month_total else None,
            "top_terms": terms.most_common(10),
            "open_questions": open_questions, "open_groups": len(self.question_groups()),
            "median_hours_to_answer": stats.median(waits) if waits else None,
            "helpful_share": helpful / total if total else None, "feedback": total,
        }


def parse_command_args(text: str) -> tuple[str, str]:
    """The first word after a command, and the rest ("/cabut id alasan panjang" -> ("id", "alasan panjang"))."""
    parts = re.split(r"\s+", (text or "").strip(), maxsplit=2)
    return (parts[1] if len(parts) > 1 else ""), (parts[2] if len(parts) > 2 else "")
