"""Frozen value types shared by the core, the store and the edges."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

VERDICTS = ("BENAR", "SALAH", "MENYESATKAN", "HOAKS", "PENIPUAN")
CONFIDENCES = ("high", "medium-high", "medium", "low")
STATUSES = ("active", "retracted", "proposed")

# Field order of a fact in its knowledge file; optional fields are left out when empty.
FACT_FIELDS = (
    "id", "topic", "status", "verdict", "claim", "claim_en", "statement", "statement_en",
    "note", "note_en", "keywords", "as_of", "until", "confidence", "sources", "stale_en",
)
TEXT_FIELDS = ("statement", "claim", "note")  # texts with an English version ("statement_en"…)


@dataclass(frozen=True)
class Source:
    """Where a fact comes from: a publication with its publisher and date."""

    publisher: str
    title: str = ""
    url: str = ""
    published: str = ""  # ISO date, possibly partial ("2021-06"), or "" when the source shows none

    def to_dict(self) -> dict[str, str]:
        """The source as a knowledge-file table, in a stable key order, empty keys left out."""
        return {k: v for k, v in (("url", self.url), ("publisher", self.publisher),
                                  ("published", self.published), ("title", self.title)) if v}


@dataclass(frozen=True)
class Fact:
    """A verified statement, with its verdict when it rates a circulating claim."""

    id: str
    topic: str
    statement: str
    sources: tuple[Source, ...]
    statement_en: str = ""
    verdict: str = ""
    claim: str = ""
    claim_en: str = ""
    note: str = ""
    note_en: str = ""
    keywords: tuple[str, ...] = ()
    as_of: str = ""
    until: str = ""
    confidence: str = "high"
    status: str = "active"
    revision: int = 0
    stale_en: tuple[str, ...] = ()  # texts edited since their English version was written

    def text(self, name: str, lang: str) -> str:
        """A text field in `lang`, falling back to Indonesian when no translation exists, or when the
        Indonesian was edited after the English (the English waits for a moderator's review)."""
        if lang == "en" and name not in self.stale_en:
            return getattr(self, f"{name}_en") or getattr(self, name)
        return getattr(self, name)

    def to_dict(self) -> dict[str, Any]:
        """The fact as a knowledge-file document (no revision; status only when not active)."""
        data = asdict(self)
        data["keywords"] = list(self.keywords)
        data["stale_en"] = list(self.stale_en)
        data["sources"] = [s.to_dict() for s in self.sources]
        if self.status == "active":
            data["status"] = ""
        return {k: data[k] for k in FACT_FIELDS if data[k] not in ("", [], None)}

    @classmethod
    def from_dict(cls, data: dict[str, Any], revision: int = 0) -> Fact:
        """Build a fact from a knowledge-file document (validated by the caller)."""
        values = {k: data[k] for k in FACT_FIELDS if k in data and k != "sources"}
        values["keywords"] = tuple(data.get("keywords", ()))
        values["stale_en"] = tuple(data.get("stale_en", ()))
        values["status"] = data.get("status") or "active"
        sources = tuple(Source(**s) for s in data.get("sources", ()))
        return cls(sources=sources, revision=revision, **values)

    def with_changes(self, **changes: Any) -> Fact:
        """A copy with some fields replaced."""
        return replace(self, **changes)


@dataclass(frozen=True)
class Gap:
    """A difference between what a message says or asks and what a fact covers.

    `kind` is "year", "month", "place", "programme", "number" or "role" (the message names
    `said`, the fact `verified`), or "now", "who" or "howmany" (the question asks for what the
    fact does not hold: a current figure, a person, a count of `said`).
    """

    kind: str
    said: tuple[str, ...] = ()
    verified: tuple[str, ...] = ()
    unit: str = ""


@dataclass(frozen=True)
class Match:
    """A fact that matched a query, with how well and why.

    `gaps` say why a fact is only the nearest one, not the answer; `differences` name the details
    of a message that the answering fact corrects (a misquote).
    """

    fact: Fact
    score: float
    confidence: float
    matched_terms: tuple[str, ...]
    gaps: tuple[Gap, ...] = ()
    differences: tuple[Gap, ...] = ()


@dataclass(frozen=True)
class Answer:
    """What the core says about a citizen's text.

    `kind` is "fact" when answered; "nearest" when no fact answers but some would, were it not for
    a year, place or kind of question they do not cover (they are offered, labelled as such); else
    "not_found", "smalltalk" or "empty".
    """

    query: str
    kind: str
    matches: tuple[Match, ...] = field(default=())
    terms: tuple[str, ...] = ()  # the message's canonical words, for statistics
    lang: str = "id"  # the language the message is written in
    period: tuple[str, ...] = ()  # the months and years the message names

    @property
    def answered(self) -> bool:
        """True when a verified fact answers the query."""
        return self.kind == "fact"

    @property
    def best(self) -> Match | None:
        """The best match, when answered."""
        return self.matches[0] if self.answered else None

    @property
    def nearest(self) -> tuple[Match, ...]:
        """The nearest verified facts, when none answers."""
        return self.matches if self.kind == "nearest" else ()
