"""The guided steps of adding a fact (/tambah) or editing one part of it (/ubah), without Telegram.

A draft is stored in the database after every answer, so it survives a restart. Each answer is
validated here; a bad one raises UserError and the step is asked again.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from bot.editorial.changes import ADD, EDIT, Change
from bot.errors import UserError
from bot.knowledge import MAX_TEXT_CHARS, fact_problems, is_partial_date, is_url
from bot.models import CONFIDENCES, VERDICTS, Fact

MAX_TEXT = MAX_TEXT_CHARS  # the same limit as in knowledge files
MIN_WORDS = 3  # a statement or claim is a sentence, not a keyword
SKIP = "-"  # typed to skip an optional step (or clear a note)
KEEP_WORDS = ("tetap", "keep")  # keep a link that did not open
NO_VERDICT = "none"
ADD_STEPS = ["statement", "verdict", "url", "publisher", "topic", "keywords", "as_of", "until", "confidence",
             "statement_en"]
EDIT_FIELDS = {"statement": ["statement"], "statement_en": ["statement_en"], "verdict": ["verdict"],
               "claim": ["claim"], "source": ["url", "publisher"], "keywords": ["keywords"], "topic": ["topic"],
               "note": ["note"], "as_of": ["as_of"], "until": ["until"], "confidence": ["confidence"]}
CHOICE_STEPS = ("verdict", "topic", "field", "confidence")
OPTIONAL_STEPS = ("until", "statement_en", "note")
_TAG = re.compile(r"<[^>]*>")


@dataclass
class Draft:
    """A fact being written or edited, and the steps still to answer."""

    mode: str  # ADD or EDIT
    steps: list[str]
    values: dict[str, Any] = field(default_factory=dict)
    fact_id: str = ""  # the fact edited (EDIT)
    base: int = 0  # its revision when editing began
    dead_url: str = ""  # a link that did not open, kept if the moderator says so
    paused: bool = False  # the conversation timed out: the draft waits for /lanjut

    @property
    def step(self) -> str | None:
        """The step to answer now; None when the draft is ready to preview."""
        return self.steps[0] if self.steps else None

    def to_dict(self) -> dict[str, Any]:
        """The draft as stored."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Draft:
        """The inverse of `to_dict`."""
        return cls(**data)


def parse_date(value: str, today: date | None = None) -> str:
    """A date typed by a moderator, as ISO: "17 Oktober 2021", "Oct 17, 2021", "17/10/2021",
    "2021-10-17", "kemarin"; a month or year alone ("2021-10", "2021") is kept as it is."""
    value = value.strip()
    if is_partial_date(value):
        return value
    import dateparser  # only moderators type dates: kept off the citizens' path

    settings: dict[str, Any] = {"DATE_ORDER": "DMY", "PREFER_DATES_FROM": "past", "REQUIRE_PARTS": ["day", "month"]}
    if today is not None:
        settings["RELATIVE_BASE"] = datetime(today.year, today.month, today.day)
    parsed = dateparser.parse(value, languages=["id", "en"], settings=settings) if value else None
    if parsed is None:
        raise UserError("mod.date_invalid", value=value[:40] or SKIP)
    return parsed.date().isoformat()


def plain(text: str) -> str:
    """A typed text without HTML tags (a moderator pasting "<b>…</b>" means the words)."""
    return " ".join(_TAG.sub(" ", text).split())


def new_draft(mode: str, fact: Fact | None = None) -> Draft:
    """A fresh draft: every step of a new fact, or the choice of what to edit."""
    if mode == ADD:
        return Draft(ADD, list(ADD_STEPS))
    assert fact is not None
    return Draft(EDIT, ["field"], fact_id=fact.id, base=fact.revision)


def take_text(draft: Draft, text: str, today: date) -> None:
    """Validate a typed answer for the current step and move on; UserError re-asks the step.
    (Links are checked by the edge and given with `take_link`.)"""
    step = draft.step
    text = text.strip()
    if step in ("statement", "claim", "note", "statement_en"):
        if step in OPTIONAL_STEPS and text == SKIP:
            text = ""
        elif len(plain(text).split()) < (MIN_WORDS if step in ("statement", "claim") else 1):
            raise UserError("mod.too_short")
        if len(text) > MAX_TEXT:
            raise UserError("mod.too_long", limit=MAX_TEXT)
        draft.values[step] = text
    elif step == "publisher":
        publisher, comma, when = text.rpartition(",")
        if not comma or not publisher.strip():
            raise UserError("mod.publisher_format")
        draft.values["publisher"] = plain(publisher)
        draft.values["published"] = parse_date(when, today)
    elif step == "keywords":
        draft.values["keywords"] = [] if text == SKIP else [k.strip() for k in re.split(r"[,\n;]", plain(text))
                                                            if k.strip()]
    elif step == "as_of":
        draft.values["as_of"] = today.isoformat() if text == SKIP else parse_date(text, today)
    elif step == "until":
        draft.values["until"] = "" if text == SKIP else parse_date(text, today)
    elif step == "url":
        raise UserError("mod.url_invalid")  # the edge checks links first (see take_link)
    else:
        raise UserError("mod.use_buttons")
    draft.steps.pop(0)


def take_link(draft: Draft, url: str, live: bool, title: str = "") -> bool:
    """The checked source link: a live one is taken; a dead one is remembered until the moderator
    sends another or says to keep it. Returns True when the step is done."""
    if url.strip().lower() in KEEP_WORDS and draft.dead_url:
        draft.values.update(url=draft.dead_url, title="")
    elif not is_url(url.strip()):
        raise UserError("mod.url_invalid")
    elif not live:
        draft.dead_url = url.strip()
        return False
    else:
        draft.values.update(url=url.strip(), title=title)
    draft.dead_url = ""
    draft.steps.pop(0)
    return True


def take_choice(draft: Draft, value: str, current: Fact | None, topics: dict[str, Any]) -> bool:
    """A button answer (verdict, topic, which part to edit, confidence). False when it does not fit
    the current step (a stale button)."""
    step = draft.step
    if step == "verdict" and (value in VERDICTS or value == NO_VERDICT):
        draft.steps.pop(0)
        draft.values["verdict"] = "" if value == NO_VERDICT else value
        if value == NO_VERDICT:
            draft.values["claim"] = ""
        elif not (draft.values.get("claim") or (current and current.claim)):
            draft.steps.insert(0, "claim")
    elif step == "topic" and value in topics:
        draft.steps.pop(0)
        draft.values["topic"] = value
    elif step == "confidence" and value in CONFIDENCES:
        draft.steps.pop(0)
        draft.values["confidence"] = value
    elif step == "field" and value in EDIT_FIELDS:
        draft.steps = list(EDIT_FIELDS[value])
    else:
        return False
    return True


def change_of(draft: Draft, new_id: str = "") -> Change:
    """The change a finished draft makes."""
    v = draft.values
    fields: dict[str, Any] = {k: v[k] for k in ("statement", "statement_en", "verdict", "claim", "note", "topic",
                                                "as_of", "until", "confidence") if k in v}
    for text in ("statement", "claim", "note"):
        if text in fields:
            fields[text] = plain(fields[text])
    if "keywords" in v:
        fields["keywords"] = list(v["keywords"])
    if v.get("url"):
        source = {"url": v["url"], "publisher": v.get("publisher", ""), "published": v.get("published", ""),
                  "title": v.get("title", "")}
        fields["sources"] = [{k: s for k, s in source.items() if s}]
    if draft.mode == ADD:
        return Change(ADD, draft.fact_id or new_id, fields, 0)
    return Change(EDIT, draft.fact_id, fields, draft.base)


def with_earlier_sources(change: Change, current: Fact) -> Change:
    """An edit's new source goes first; the fact's earlier sources stay."""
    if change.kind != EDIT or "sources" not in change.fields:
        return change
    fields = {**change.fields, "sources": change.fields["sources"] + [s.to_dict() for s in current.sources]}
    return Change(change.kind, change.fact_id, fields, change.base, change.reason)


def problems(fact: Fact, topics: dict[str, Any]) -> None:
    """UserError naming the first thing missing or wrong, by the knowledge files' own rules."""
    found = fact_problems(fact.to_dict(), topics)
    if found:
        raise UserError("mod.invalid", problem=found[0][1])
