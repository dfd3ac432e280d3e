"""The knowledge folder: human-editable TOML files that are the reviewable source of truth.

Layout::

    knowledge/
      facts/<id>.toml   one fact per file
      topics.toml       topic keys and their labels (id/en), in display order
      lexicon.toml      aliases, slang, misspellings, English terms, stopwords, do-not-stem list
      language/         colloquial word lists, the gazetteer of places, English words (see bot.lexicon)

Reading validates everything and raises `KnowledgeError` naming the file and line, so bad
knowledge fails at start-up and in CI, never while replying. Writing produces the exact
format that reading accepts; a load-then-export round trip changes no byte.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import tomli_w

from bot.errors import KnowledgeError
from bot.lexicon import line_of, read_toml
from bot.models import CONFIDENCES, FACT_FIELDS, STATUSES, TEXT_FIELDS, VERDICTS, Fact

FACTS_DIR = "facts"
TOPICS_FILE = "topics.toml"

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{2,80}$")
_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_SOURCE_KEYS = {"url", "publisher", "published", "title"}
_REQUIRED = ("id", "topic", "statement", "as_of", "sources")
# Limits, the same as for facts written in the chat: a fact is read on a phone, and a huge field
# would stall the bot when shown (issue 9).
MAX_FILE_BYTES = 64 * 1024
MAX_TEXT_CHARS = 2000  # statement, claim, note (each language); /tambah refuses longer texts too
MAX_SOURCES = 10
MAX_URL_CHARS = 2000
MAX_SOURCE_FIELD_CHARS = 300  # publisher, title
MAX_KEYWORDS = 40
MAX_KEYWORD_CHARS = 120


def bundled_knowledge_dir() -> Path:
    """The knowledge folder shipped with the package (or the repository's, in a source checkout)."""
    installed = resources.files("bot") / "knowledge"
    if installed.is_dir():
        return Path(str(installed))
    return Path(__file__).resolve().parent.parent / "knowledge"


def is_partial_date(value: str) -> bool:
    """True for "YYYY", "YYYY-MM" or a real "YYYY-MM-DD" date."""
    if not _PARTIAL_DATE.match(value):
        return False
    parts = [int(p) for p in value.split("-")]
    try:
        date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return False
    return True


def is_url(value: str) -> bool:
    """True for an absolute http(s) URL of printable characters, at most MAX_URL_CHARS long."""
    return len(value) <= MAX_URL_CHARS and value.isprintable() and bool(_URL.match(value))


def limit_problems(data: dict[str, Any]) -> list[tuple[str, str]]:
    """Fields over the limits (texts, keywords, sources); empty when all are within them."""
    problems: list[tuple[str, str]] = []
    for key in TEXT_FIELDS:
        value = data.get(key)
        if isinstance(value, str) and len(value) > MAX_TEXT_CHARS:
            problems.append((key, f"{key!r} has {len(value)} characters; at most {MAX_TEXT_CHARS}"))
    keywords = data.get("keywords")
    if isinstance(keywords, list):
        if len(keywords) > MAX_KEYWORDS:
            problems.append(("keywords", f"{len(keywords)} keywords; at most {MAX_KEYWORDS}"))
        if any(isinstance(k, str) and len(k) > MAX_KEYWORD_CHARS for k in keywords):
            problems.append(("keywords", f"a keyword is longer than {MAX_KEYWORD_CHARS} characters"))
    sources = data.get("sources")
    if isinstance(sources, list):
        if len(sources) > MAX_SOURCES:
            problems.append(("sources", f"{len(sources)} sources; at most {MAX_SOURCES}"))
        for n, source in enumerate(s for s in sources if isinstance(s, dict)):
            for key in ("publisher", "title"):
                value = source.get(key)
                if isinstance(value, str) and len(value) > MAX_SOURCE_FIELD_CHARS:
                    problems.append((f"sources#{n + 1}", f"source {n + 1}: {key} is longer than "
                                                          f"{MAX_SOURCE_FIELD_CHARS} characters"))
            url = source.get("url")
            if isinstance(url, str) and (len(url) > MAX_URL_CHARS or not url.isprintable()):
                problems.append((f"sources#{n + 1}", f"source {n + 1}: url must be at most {MAX_URL_CHARS} "
                                                      "printable characters (no spaces or control characters)"))
    return problems


def fact_problems(data: dict[str, Any], topics: dict[str, dict[str, str]]) -> list[tuple[str, str]]:
    """What is wrong with a fact document, as (key, problem) pairs; empty when valid."""
    problems: list[tuple[str, str]] = []
    for key in data:
        if key not in FACT_FIELDS:
            problems.append((key, f"unknown field {key!r}"))
    for key in _REQUIRED:
        if not data.get(key):
            problems.append((key, f"missing {key!r}"))
    for key in FACT_FIELDS:
        if key in ("keywords", "sources", "stale_en") or key not in data:
            continue
        if not isinstance(data[key], str):
            problems.append((key, f"{key!r} must be text"))
    problems += limit_problems(data)
    if problems:
        return problems
    if not _ID.match(data["id"]):
        problems.append(("id", "id must be lower-case letters, digits and dashes (3-81 characters)"))
    if data["topic"] not in topics:
        problems.append(("topic", f"unknown topic {data['topic']!r} (see {TOPICS_FILE})"))
    if data.get("verdict", "") and data["verdict"] not in VERDICTS:
        problems.append(("verdict", f"verdict must be one of {', '.join(VERDICTS)}"))
    if data.get("verdict") and not data.get("claim"):
        problems.append(("claim", "a fact with a verdict needs the 'claim' it rates"))
    if data.get("status", "active") not in STATUSES:
        problems.append(("status", f"status must be one of {', '.join(STATUSES)}"))
    if data.get("confidence", "high") not in CONFIDENCES:
        problems.append(("confidence", f"confidence must be one of {', '.join(CONFIDENCES)}"))
    for key in ("as_of", "until"):
        if data.get(key) and not is_partial_date(data[key]):
            problems.append((key, f"{key!r} must be a date like 2021-10-17 (or 2021-10, 2021)"))
    keywords = data.get("keywords", [])
    if not isinstance(keywords, list) or not all(isinstance(k, str) and k.strip() for k in keywords):
        problems.append(("keywords", "keywords must be a list of non-empty texts"))
    stale = data.get("stale_en", [])
    if not isinstance(stale, list) or not set(stale) <= set(TEXT_FIELDS):
        problems.append(("stale_en", f"stale_en lists texts among {', '.join(TEXT_FIELDS)}"))
    sources = data["sources"]
    if not isinstance(sources, list) or not all(isinstance(s, dict) for s in sources):
        return problems + [("sources", "sources must be a list of tables")]
    for n, source in enumerate(sources, 1):
        unknown = set(source) - _SOURCE_KEYS
        if unknown:
            problems.append((f"sources#{n}", f"source {n}: unknown field(s) {', '.join(sorted(unknown))}"))
        if not isinstance(source.get("publisher"), str) or not source.get("publisher"):
            problems.append((f"sources#{n}", f"source {n}: missing publisher"))
        if source.get("url") and not is_url(str(source["url"])):
            problems.append((f"sources#{n}", f"source {n}: url must start with http:// or https://"))
        if source.get("published") and not is_partial_date(str(source["published"])):
            problems.append((f"sources#{n}", f"source {n}: published must be a date like 2021-10-17"))
    if not any(s.get("url") for s in sources):
        problems.append(("sources", "at least one source needs a url"))
    return problems


def parse_fact(path: Path, topics: dict[str, dict[str, str]]) -> Fact:
    """Read and validate one fact file."""
    try:
        size = path.stat().st_size
    except OSError as e:
        raise KnowledgeError(f"{path}: cannot read: {e.strerror or e}") from None
    if size > MAX_FILE_BYTES:
        raise KnowledgeError(f"{path}: {size} bytes; a fact file may have at most {MAX_FILE_BYTES}")
    data, text = read_toml(path)
    problems = fact_problems(data, topics)
    if not problems and data["id"] != path.stem:
        problems.append(("id", f"id {data['id']!r} must match the file name {path.stem!r}"))
    if problems:
        key, problem = problems[0]
        line = line_of(text, key)
        where = f"{path}:{line}" if line else str(path)
        raise KnowledgeError(f"{where}: {problem}")
    return Fact.from_dict(data)


def load_topics(folder: Path) -> dict[str, dict[str, str]]:
    """Topic key -> {"id": label, "en": label}, in file order."""
    path = folder / TOPICS_FILE
    data, text = read_toml(path)
    for key, labels in data.items():
        if not isinstance(labels, dict) or not labels.get("id"):
            raise KnowledgeError(f"{path}:{line_of(text, key) or '?'}: topic {key!r} needs an 'id' label")
    return {k: {"id": v["id"], "en": v.get("en") or v["id"]} for k, v in data.items()}


def load_facts(folder: Path, topics: dict[str, dict[str, str]] | None = None) -> list[Fact]:
    """Every fact of a knowledge folder, validated, sorted by id."""
    topics = load_topics(folder) if topics is None else topics
    facts_dir = folder / FACTS_DIR
    if not facts_dir.is_dir():
        raise KnowledgeError(f"{facts_dir}: no such folder")
    return [parse_fact(p, topics) for p in sorted(facts_dir.glob("*.toml"))]


def dump_fact(fact: Fact) -> str:
    """A fact as the text of its knowledge file."""
    return tomli_w.dumps(fact.to_dict(), multiline_strings=True)


def write_facts(facts: Iterable[Fact], folder: Path) -> list[Path]:
    """Write facts as knowledge files (one pass over `facts`); return the files whose content changed."""
    facts_dir = folder / FACTS_DIR
    facts_dir.mkdir(parents=True, exist_ok=True)
    changed = []
    for fact in facts:
        path = facts_dir / f"{fact.id}.toml"
        text = dump_fact(fact)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed
