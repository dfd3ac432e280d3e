"""A change to a fact as the fields it sets, made against one revision, and what it differs in.

A change never carries a whole copy of the fact taken when editing began: it names the fields the
moderator changed. Saved against a newer revision than its base, it is refused; it can be reapplied
on the current version when nobody else changed the same fields meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.errors import UserError
from bot.models import TEXT_FIELDS, Fact, Source
from bot.store import StaleRevision, Store

ADD, EDIT, RETRACT, RESTORE = "add", "edit", "retract", "restore"
# The fields a fact is made of, in the order a diff shows them.
FIELDS = ("statement", "statement_en", "verdict", "claim", "claim_en", "note", "note_en", "topic", "keywords",
          "sources", "as_of", "until", "confidence", "status")
# Changes citizens who received the earlier version should hear about (not keyword or typo fixes).
SUBSTANTIVE_FIELDS = ("statement", "statement_en", "verdict", "claim", "claim_en", "status")


@dataclass(frozen=True)
class Change:
    """What a moderator changes: a new fact, some fields of one, or its status."""

    kind: str  # ADD, EDIT, RETRACT or RESTORE
    fact_id: str
    fields: dict[str, Any]  # field -> new value (sources as a list of source tables)
    base: int  # the revision the change was made against (0: a new fact)
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The change as stored with a draft or proposal."""
        return {"kind": self.kind, "fact_id": self.fact_id, "fields": self.fields, "base": self.base,
                "reason": self.reason}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Change:
        """The inverse of `to_dict`."""
        return cls(data["kind"], data["fact_id"], dict(data["fields"]), int(data["base"]), data.get("reason", ""))


@dataclass(frozen=True)
class FieldChange:
    """One field of a fact, before and after."""

    name: str
    before: Any
    after: Any


@dataclass(frozen=True)
class Stale:
    """Why a change cannot be saved as it is: the fact moved on since the change's base revision."""

    current: Fact
    between: tuple[FieldChange, ...]  # what others changed since the base
    overlap: tuple[str, ...] = field(default=())  # fields both changed: reapplying would undo theirs


def values(fact: Fact | None) -> dict[str, Any]:
    """A fact's fields as comparable values (sources as tables)."""
    if fact is None:
        return {}
    return {name: ([s.to_dict() for s in fact.sources] if name == "sources"
                   else list(fact.keywords) if name == "keywords" else getattr(fact, name)) for name in FIELDS}


def diff(before: Fact | None, after: Fact) -> tuple[FieldChange, ...]:
    """The fields that differ between two versions of a fact, in display order."""
    old, new = values(before), values(after)
    return tuple(FieldChange(name, old.get(name, ""), new[name]) for name in FIELDS
                 if old.get(name, "" if name not in ("keywords", "sources") else []) != new[name])


def apply(fact: Fact, change: Change) -> Fact:
    """`fact` with the change's fields set. An Indonesian text edited without its English version
    marks the English as needing review (it is kept, not deleted)."""
    updates: dict[str, Any] = {}
    for name, value in change.fields.items():
        if name == "sources":
            updates[name] = tuple(Source(**s) for s in value)
        elif name == "keywords":
            updates[name] = tuple(value)
        else:
            updates[name] = value
    stale = set(fact.stale_en)
    for text in TEXT_FIELDS:
        if f"{text}_en" in change.fields:
            stale.discard(text)  # a reviewed translation
        elif text in change.fields and change.fields[text] != getattr(fact, text) and getattr(fact, f"{text}_en"):
            stale.add(text)
    updates["stale_en"] = tuple(t for t in TEXT_FIELDS if t in stale)
    return fact.with_changes(**updates)


def substantive(before: Fact | None, after: Fact) -> bool:
    """True when citizens who received `before` should get a correction."""
    return before is not None and any(getattr(before, f) != getattr(after, f) for f in SUBSTANTIVE_FIELDS)


def staleness(store: Store, change: Change) -> Stale | None:
    """None when the change's base is the current revision; else what changed in between."""
    current = store.get(change.fact_id)
    if current is None or current.revision == change.base:
        return None
    base = store.version(change.fact_id, change.base) if change.base else None
    between = diff(base, current)
    overlap = tuple(sorted({f.name for f in between} & set(change.fields)))
    return Stale(current, between, overlap)


def stale_error(stale: Stale) -> UserError:
    """The refusal a moderator sees for a change made against an older revision."""
    fields = ", ".join(f.name for f in stale.between) or "-"
    if stale.overlap:
        return UserError("mod.stale_conflict", id=stale.current.id, revision=stale.current.revision,
                         fields=fields, overlap=", ".join(stale.overlap))
    return UserError("mod.stale", id=stale.current.id, revision=stale.current.revision, fields=fields)


def rebase(store: Store, change: Change) -> Change:
    """The change, made against the current revision instead: refused when someone else changed one
    of its fields meanwhile (reapplying it would undo their work)."""
    stale = staleness(store, change)
    if stale is None:
        return change
    if stale.overlap:
        raise stale_error(stale)
    return Change(change.kind, change.fact_id, change.fields, stale.current.revision, change.reason)


def save(store: Store, change: Change, actor: str, action: str, reason: str = "") -> tuple[Fact, Fact | None]:
    """Apply and save a change in one transaction; UserError when it is stale. Returns the saved fact
    and the version it replaced."""
    current = store.get(change.fact_id)
    if change.kind == ADD:
        if current is not None:
            raise UserError("mod.id_taken", id=change.fact_id)
        fact = Fact.from_dict({"id": change.fact_id, **change.fields})
    else:
        if current is None:
            raise UserError("mod.no_fact", id=change.fact_id)
        fact = apply(current, change)
    try:
        saved = store.save(fact, actor, action, reason=reason or change.reason, base=change.base)
    except StaleRevision:
        stale = staleness(store, change)
        raise stale_error(stale) if stale else UserError("mod.no_fact", id=change.fact_id) from None
    return saved, current
