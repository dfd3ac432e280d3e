"""The newsroom's side of the core: roles, guided changes, review, history, the question queue.

Channel-free like `core`: the Telegram moderation handlers call these methods and render what they
return. Every state-changing method checks the caller's role at the moment of the call; every change
to a fact names the revision it was made against, and is refused when the fact moved on since
(see `changes`). Notices to citizens and moderators go to the outbox, which the edge sends from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.analysis import Analyzer
from bot.citizens import Citizens
from bot.editorial import changes as ch
from bot.editorial import drafts as dr
from bot.editorial.changes import ADD, EDIT, RESTORE, RETRACT, Change, FieldChange
from bot.editorial.drafts import Draft
from bot.editorial.queue import QuestionGroup, QuestionQueue
from bot.editorial.roles import Roles, parse_user_id, staff
from bot.editorial.stats import statistics
from bot.errors import UserError
from bot.models import Fact
from bot.normalize import tokenize
from bot.store import Store, write
from bot.store.newsroom import Proposal
from bot.store.people import Recipient

REVIEW_SINGLE = "single"
REVIEW_TWO_PERSON = "two-person"
MAX_WORD_CHARS = 40  # a word or phrase taught with /kata
WORD_USAGE = "/kata sonde = tidak • /kata sih -"
ANSWER, CORRECTION, REVIEWED = "answer", "correction", "reviewed"  # kinds of notices

__all__ = ["ADD", "ANSWER", "CORRECTION", "EDIT", "RESTORE", "RETRACT", "REVIEWED", "REVIEW_SINGLE",
           "REVIEW_TWO_PERSON", "Change", "Draft", "Editorial", "FieldChange", "Outcome", "QuestionGroup",
           "parse_command_args", "parse_user_id", "staff"]


@dataclass(frozen=True)
class Outcome:
    """The result of a change: saved at once (with the notices it queued), or waiting as a proposal."""

    fact: Fact
    previous: Fact | None
    proposal_id: int | None = None
    notices: int = 0  # correction notices queued for citizens who received the previous version

    @property
    def substantive(self) -> bool:
        """True when citizens who received the previous version should get a correction."""
        return self.proposal_id is None and ch.substantive(self.previous, self.fact)


class Editorial:
    """Moderators' operations on the knowledge base and the queue."""

    def __init__(self, store: Store, citizens: Citizens, analyzer: Analyzer, topics: dict[str, Any],
                 owner_ids: frozenset[int] = frozenset(), review: str = REVIEW_SINGLE,
                 timezone_name: str = "Asia/Makassar"):
        self.store = store
        self.records = store.newsroom
        self.citizens = citizens
        self.analyzer = analyzer
        self.topics = topics
        self.roles = Roles(store, owner_ids)
        self.review = review
        self.zone = ZoneInfo(timezone_name)
        self.queue = QuestionQueue(store, citizens)
        self._drafting = self.records.drafting()  # kept in memory: checked for every message

    # -- roles ------------------------------------------------------------------------------

    @property
    def owner_ids(self) -> frozenset[int]:
        """The configured owners."""
        return self.roles.owner_ids

    def is_owner(self, user_id: int) -> bool:
        """Owners come from configuration and manage moderators."""
        return self.roles.is_owner(user_id)

    def is_moderator(self, user_id: int) -> bool:
        """Owners and the moderators they added."""
        return self.roles.is_moderator(user_id)

    def add_moderator(self, user_id: int, by: int) -> None:
        """An owner makes a verified fact-checker a moderator."""
        self.roles.add_moderator(user_id, by)

    def remove_moderator(self, user_id: int, by: int) -> bool:
        """An owner removes a moderator (and their unfinished draft); False when there was none."""
        removed = self.roles.remove_moderator(user_id, by)
        self._drop(user_id)
        return removed

    def moderators(self, by: int) -> list[dict[str, Any]]:
        """Moderators with who added them and when (owners only)."""
        return self.roles.moderators(by)

    def staff_ids(self) -> list[int]:
        """Owners and moderators, for notices the bot itself sends them (the daily digest)."""
        return sorted(set(self.owner_ids) | {int(m["user_id"]) for m in self.records.moderators()})

    def refuse(self, user_id: int, command: str) -> None:
        """Record a moderator command attempted by someone who is not one (hashed id)."""
        self.store.audit(f"user:{self.citizens.hash(user_id)}", "refused", reason=command[:40])

    # -- reading ----------------------------------------------------------------------------

    def fact(self, fact_id: str) -> Fact:
        """A fact by id, or a UserError naming the id."""
        fact = self.store.get(fact_id.strip().lower()) if fact_id else None
        if fact is None:
            raise UserError("mod.no_fact", id=fact_id or "?")
        return fact

    def local_time(self, iso: str) -> str:
        """A stored UTC time in the newsroom's zone: "29 Nov 2026 13:05 WITA"."""
        try:
            moment = datetime.fromisoformat(iso)
        except (TypeError, ValueError):
            return iso or "-"
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        local = moment.astimezone(self.zone)
        return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"

    def today(self) -> date:
        """Today's date in the newsroom's zone (the default "as of" of a new fact)."""
        return datetime.now(self.zone).date()

    def history(self, fact_id: str, user_id: int) -> list[dict[str, Any]]:
        """Each version of a fact: revision, when (local time), who, what, and the fields changed."""
        self.roles.require_moderator(user_id)
        fact = self.fact(fact_id)
        audit = {(a["at"], a["action"]): a for a in self.store.audit_rows(fact.id)}
        rows = []
        previous: Fact | None = None
        for version in self.store.versions(fact.id):
            current = self.store.version(fact.id, version["revision"])
            assert current is not None
            detail = audit.get((version["at"], version["action"]))
            reason = ch_reason(detail)
            rows.append({"revision": version["revision"], "at": self.local_time(version["at"]),
                         "actor": version["actor"], "action": version["action"],
                         "changed": [c.name for c in ch.diff(previous, current)] if previous else [],
                         "reason": reason})
            previous = current
        return rows

    def new_id(self, statement: str) -> str:
        """A readable, unused id from the first words of a statement (HTML tags dropped)."""
        words = [t for t in self.analyzer.tokens(dr.plain(statement)) if t not in self.analyzer.lexicon.stopwords]
        base = "-".join(words[:6])[:60].strip("-") or "fakta"
        if len(base) < 3:
            base = f"fakta-{base}"
        candidate, n = base, 2
        while self.store.get(candidate) is not None:
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    # -- drafts: /tambah and /ubah ------------------------------------------------------------

    def start_add(self, user_id: int) -> Draft:
        """Begin a new fact (replacing any unfinished draft of this moderator)."""
        self.roles.require_moderator(user_id)
        draft = dr.new_draft(ADD)
        self._keep(user_id, draft)
        return draft

    def start_edit(self, user_id: int, fact_id: str) -> Draft:
        """Begin editing one part of a fact, against its current revision."""
        self.roles.require_moderator(user_id)
        if not fact_id.strip():
            raise UserError("mod.usage", usage="/ubah <id>")
        draft = dr.new_draft(EDIT, self.fact(fact_id))
        self._keep(user_id, draft)
        return draft

    def draft(self, user_id: int) -> Draft | None:
        """A moderator's unfinished draft (kept across restarts)."""
        data = self.records.draft(user_id)
        return Draft.from_dict(data) if data else None

    def is_drafting(self, user_id: int) -> bool:
        """Whether a moderator's messages go to their draft (one in progress, not paused)."""
        return user_id in self._drafting

    def _keep(self, user_id: int, draft: Draft) -> None:
        self.records.put_draft(user_id, draft.to_dict())
        if draft.paused:
            self._drafting.discard(user_id)
        else:
            self._drafting.add(user_id)

    def pause(self, user_id: int) -> None:
        """The conversation timed out: keep the draft, but read the moderator's messages as questions."""
        draft = self.draft(user_id)
        if draft is not None:
            draft.paused = True
            self._keep(user_id, draft)

    def resume(self, user_id: int) -> Draft:
        """Take up a paused (or interrupted) draft again."""
        draft = self._draft(user_id)
        draft.paused = False
        self._keep(user_id, draft)
        return draft

    def _draft(self, user_id: int) -> Draft:
        self.roles.require_moderator(user_id)
        draft = self.draft(user_id)
        if draft is None:
            raise UserError("mod.no_draft")
        return draft

    def answer(self, user_id: int, text: str) -> Draft:
        """A typed answer to the current step; UserError (the step is asked again) when it is bad."""
        draft = self._draft(user_id)
        dr.take_text(draft, text, self.today())
        self._keep(user_id, draft)
        return draft

    def choose(self, user_id: int, value: str) -> Draft | None:
        """A button answer to the current step; None when the button does not fit it (stale)."""
        draft = self._draft(user_id)
        current = self.store.get(draft.fact_id) if draft.fact_id else None
        if not dr.take_choice(draft, value, current, self.topics):
            return None
        self._keep(user_id, draft)
        return draft

    def link(self, user_id: int, url: str, live: bool, title: str = "") -> Draft:
        """The source link, as the edge's link checker found it (see `drafts.take_link`)."""
        draft = self._draft(user_id)
        dr.take_link(draft, url, live, title)
        self._keep(user_id, draft)
        return draft

    def preview(self, user_id: int) -> Fact:
        """The fact the finished draft would save; UserError when it is incomplete."""
        draft = self._draft(user_id)
        change = self._change(user_id, draft)
        current = self.store.get(change.fact_id) if change.kind == EDIT else None
        if change.kind == EDIT and current is None:
            raise UserError("mod.no_fact", id=change.fact_id)
        fact = ch.apply(current, change) if current else Fact.from_dict({"id": change.fact_id, **change.fields})
        dr.problems(fact, self.topics)
        return fact

    def _change(self, user_id: int, draft: Draft) -> Change:
        if draft.mode == ADD and not draft.fact_id:
            draft.fact_id = self.new_id(draft.values.get("statement", ""))
            self._keep(user_id, draft)
        change = dr.change_of(draft)
        current = self.store.get(change.fact_id) if change.kind == EDIT else None
        return dr.with_earlier_sources(change, current) if current else change

    def finish(self, user_id: int) -> Outcome:
        """Save the draft (or propose it, under two-person review) and forget it. A draft made
        against an older revision is refused (and kept), naming what changed meanwhile."""
        draft = self._draft(user_id)
        self.preview(user_id)
        outcome = self.submit(self._change(user_id, draft), user_id)
        self._drop(user_id)
        return outcome

    def reapply(self, user_id: int) -> Fact:
        """Move a stale draft onto the current revision (when nobody changed its fields meanwhile);
        returns the new preview."""
        draft = self._draft(user_id)
        if draft.mode != EDIT:
            raise UserError("mod.no_draft")
        rebased = ch.rebase(self.store, dr.change_of(draft))
        draft.base = rebased.base
        self._keep(user_id, draft)
        return self.preview(user_id)

    def cancel(self, user_id: int) -> None:
        """Forget a moderator's draft; nothing is saved."""
        self._drop(user_id)

    def _drop(self, user_id: int) -> None:
        self.records.drop_draft(user_id)
        self._drafting.discard(user_id)

    # -- changes ----------------------------------------------------------------------------

    def submit(self, change: Change, user_id: int) -> Outcome:
        """Save a change at once, or, under two-person review, propose it."""
        actor = self.roles.require_moderator(user_id)
        stale = ch.staleness(self.store, change) if change.kind != ADD else None
        if stale is not None:
            raise ch.stale_error(stale)
        if self.review == REVIEW_TWO_PERSON:
            return self._propose(change, user_id, actor)
        saved, previous = ch.save(self.store, change, actor, change.kind)
        return Outcome(saved, previous, notices=self._queue_corrections(saved, previous, change.reason))

    def retract(self, fact_id: str, reason: str, user_id: int) -> Outcome:
        """Stop serving a fact (it stays in the database with its history); reviewed like any change."""
        self.roles.require_moderator(user_id)
        fact = self.fact(fact_id)
        if not reason.strip():
            raise UserError("mod.reason_needed")
        if fact.status == "retracted":
            raise UserError("mod.already_retracted", id=fact.id)
        return self.submit(Change(RETRACT, fact.id, {"status": "retracted"}, fact.revision, reason.strip()), user_id)

    def restore(self, fact_id: str, user_id: int) -> Outcome:
        """Serve a retracted fact again; reviewed like any change."""
        self.roles.require_moderator(user_id)
        fact = self.fact(fact_id)
        if fact.status == "active":
            raise UserError("mod.already_active", id=fact.id)
        return self.submit(Change(RESTORE, fact.id, {"status": "active"}, fact.revision), user_id)

    def _queue_corrections(self, saved: Fact, previous: Fact | None, reason: str) -> int:
        """Queue a correction for each reachable chat that received an older version (30 days)."""
        if not ch.substantive(previous, saved):
            return 0
        targets = self.correction_targets(saved)
        for target in targets:
            self.records.enqueue(CORRECTION, target.chat, target.user_hash, saved.id, saved.revision,
                                 {"reason": reason}, channel=target.channel)
        return len(targets)

    def correction_targets(self, fact: Fact) -> list[Recipient]:
        """Reachable chats, on any channel, that received an older version in the last 30 days."""
        return [r for r in self.store.people.recipients_before(fact.id, fact.revision)
                if self.citizens.is_active(r.user_hash)]

    # -- two-person review ------------------------------------------------------------------

    def _propose(self, change: Change, user_id: int, actor: str) -> Outcome:
        current = self.store.get(change.fact_id)
        fact = ch.apply(current, change) if current else Fact.from_dict({"id": change.fact_id, **change.fields})
        with write(self.store.db):
            number = self.records.add_proposal(change.fact_id, change.kind, fact.to_dict(), change.fields,
                                               change.base, actor, user_id, change.reason)
            self.store.audit(actor, f"propose:{change.kind}", change.fact_id, reason=f"proposal {number}")
        return Outcome(fact, current, number)

    def pending_proposals(self, user_id: int) -> list[Proposal]:
        """Proposals waiting for a second moderator, oldest first."""
        self.roles.require_moderator(user_id)
        return self.records.pending_proposals()

    def proposal(self, number: str, user_id: int) -> tuple[Proposal, tuple[FieldChange, ...]]:
        """A pending proposal and what it changes, field by field, against the fact as it is now."""
        self.roles.require_moderator(user_id)
        proposal = self._pending(number)
        current = self.store.get(proposal.fact_id)
        proposed = ch.apply(current, self._change_of(proposal)) if current else Fact.from_dict(proposal.data)
        return proposal, ch.diff(current, proposed)

    def _pending(self, number: str) -> Proposal:
        number = (number or "").strip().lstrip("#")
        proposal = self.records.proposal(int(number)) if number.isascii() and number.isdigit() \
            and len(number) < 10 else None
        if proposal is None or proposal.status != "pending":
            raise UserError("mod.no_proposal", id=number[:12] or "?")
        return proposal

    @staticmethod
    def _change_of(proposal: Proposal) -> Change:
        return Change(proposal.kind, proposal.fact_id, proposal.changes, proposal.base_revision, proposal.reason)

    def approve(self, number: str, user_id: int, reapply: bool = False) -> Outcome:
        """A second moderator approves a proposal: it is saved and served, and the proposer told.
        On a stale base it is refused, naming what changed; with `reapply` it is applied to the
        current version instead, unless both changed the same fields."""
        actor = self.roles.require_moderator(user_id)
        proposal = self._pending(number)
        if proposal.proposer == staff(user_id):
            raise UserError("mod.own_proposal")
        change = self._change_of(proposal)
        stale = ch.staleness(self.store, change) if change.kind != ADD else None
        if stale is not None and not reapply:
            fields = ", ".join(f.name for f in stale.between) or "-"
            raise UserError("mod.proposal_stale", number=proposal.id, id=proposal.fact_id,
                            revision=stale.current.revision, fields=fields)
        if stale is not None:
            change = ch.rebase(self.store, change)
        with write(self.store.db):
            saved, previous = ch.save(self.store, change, actor, f"approve:{proposal.kind}",
                                      reason=f"proposal {proposal.id} by {proposal.proposer}"
                                      + (f": {proposal.reason}" if proposal.reason else ""))
            self.records.close_proposal(proposal.id, "approved", actor)
            self._tell_proposer(proposal, "approved")
            notices = self._queue_corrections(saved, previous, proposal.reason)
        return Outcome(saved, previous, notices=notices)

    def reject(self, number: str, reason: str, user_id: int) -> Proposal:
        """A second moderator rejects a proposal, with a reason; nothing is served; the proposer is told."""
        actor = self.roles.require_moderator(user_id)
        proposal = self._pending(number)
        if proposal.proposer == staff(user_id):
            raise UserError("mod.own_proposal")
        if not reason.strip():
            raise UserError("mod.reason_needed")
        with write(self.store.db):
            self.records.close_proposal(proposal.id, "rejected", actor, reason.strip())
            self.store.audit(actor, "reject", proposal.fact_id, reason=f"proposal {proposal.id}: {reason.strip()}")
            self._tell_proposer(proposal, "rejected", reason.strip())
        return proposal

    def _tell_proposer(self, proposal: Proposal, outcome: str, reason: str = "") -> None:
        if proposal.proposer_id:
            self.records.enqueue(REVIEWED, proposal.proposer_id, "", proposal.fact_id, 0,
                                 {"number": proposal.id, "outcome": outcome, "reason": reason})

    # -- words ------------------------------------------------------------------------------

    def teach_word(self, text: str, user_id: int) -> tuple[str, str, list[str]]:
        """A moderator teaches the bot a chat word: "sonde = tidak" (a variant and its standard form)
        or "sih -" (a word with no topic of its own). Returns the word, its standard form ("" for none)
        and the facts re-indexed. Audited like a change to a fact."""
        actor = self.roles.require_moderator(user_id)
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
        touched = self.store.add_word(variant, standard, actor)
        return variant, standard, touched

    def words(self, user_id: int) -> dict[str, str]:
        """Words moderators taught the bot."""
        self.roles.require_moderator(user_id)
        return self.store.words()

    # -- the question queue -----------------------------------------------------------------

    def question_groups(self, user_id: int) -> list[QuestionGroup]:
        """Open questions, near-duplicates merged; most asked first, then oldest."""
        self.roles.require_moderator(user_id)
        return self.queue.groups()

    def answer_group(self, question_id: str, fact_id: str, user_id: int) -> tuple[Fact, int]:
        """Close a group of questions with a fact; every asker gets it (through the outbox)."""
        actor = self.roles.require_moderator(user_id)
        fact = self.fact(fact_id)
        if fact.status != "active":
            raise UserError("mod.not_active", id=fact.id)
        with write(self.store.db):
            group, chats = self.queue.close(question_id, "answered", actor, fact.id)
            for asker in chats:
                self.records.enqueue(ANSWER, asker.chat, asker.user_hash, fact.id, fact.revision,
                                     channel=asker.channel)
            self.store.audit(actor, "queue:answer", fact.id, reason=f"questions {list(group.question_ids)}")
        return fact, len(chats)

    def dismiss_group(self, question_id: str, user_id: int) -> QuestionGroup:
        """Close a group of questions (spam, duplicates) without an answer."""
        actor = self.roles.require_moderator(user_id)
        with write(self.store.db):
            group, _ = self.queue.close(question_id, "dismissed", actor, None)
            self.store.audit(actor, "queue:dismiss", reason=f"questions {list(group.question_ids)}")
        return group

    # -- statistics -------------------------------------------------------------------------

    def statistics(self, user_id: int, now: datetime | None = None) -> dict[str, Any]:
        """Numbers for /statistik: questions, share answered, keywords, queue, answer time, feedback."""
        self.roles.require_moderator(user_id)
        return statistics(self.store, self.analyzer, self.queue, now)


def ch_reason(audit_row: dict[str, Any] | None) -> str:
    """The reason an audit row gives, if any."""
    import json

    if not audit_row:
        return ""
    return str(json.loads(audit_row["detail"] or "{}").get("reason", ""))


def parse_command_args(text: str) -> tuple[str, str]:
    """The first word after a command, and the rest ("/cabut id alasan panjang" -> ("id", "alasan panjang"))."""
    parts = re.split(r"\s+", (text or "").strip(), maxsplit=2)
    return (parts[1] if len(parts) > 1 else ""), (parts[2] if len(parts) > 2 else "")
