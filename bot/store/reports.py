"""Every SQL statement behind health checks, metrics, charts, the digest and publishing.

Read-only towards the bot's database, except `write_public_db`, which creates a separate file.
Functions take a `sqlite_utils.Database` (or a `Store`'s `.db`), so they can move into the store
package as they are.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from bot.models import Fact

# -- health ------------------------------------------------------------------------------------


def quick_check(db: Database) -> str:
    """SQLite's quick integrity check: "ok", or its first complaint."""
    return str(db.execute("PRAGMA quick_check(1)").fetchone()[0])


def active_fact_count(db: Database) -> int:
    """How many facts are served; 0 when the database has no facts table yet."""
    if not db["facts"].exists():
        return 0
    return int(db.execute("SELECT count(*) FROM facts WHERE status = 'active'").fetchone()[0])


# -- metrics and moderators --------------------------------------------------------------------


def open_question_count(db: Database) -> int:
    """Questions waiting in the moderators' queue."""
    return int(db.execute("SELECT count(*) FROM questions WHERE status = 'open'").fetchone()[0])


def moderator_ids(db: Database) -> list[int]:
    """Telegram ids of the moderators (owners are configured, not stored)."""
    return [row[0] for row in db.execute("SELECT user_id FROM moderators ORDER BY user_id")]


# -- charts and the digest ---------------------------------------------------------------------


def has_query_kind(db: Database) -> bool:
    """True when the query log records each answer's kind (so "near" can be told from "not found")."""
    return "kind" in db["query_log"].columns_dict


def hourly_outcomes(db: Database, since: str) -> list[tuple[str, str, int]]:
    """Questions since `since` (ISO UTC) by UTC hour ("2025-03-01T09") and outcome.

    Outcomes are "answered", "near" and "unanswered" (greetings and empty messages are left out);
    a query log without a kind column counts the nearest facts as unanswered.
    """
    hour = "substr(at, 1, 13)"
    if has_query_kind(db):
        outcome = ("CASE WHEN answered = 1 THEN 'answered' WHEN kind = 'nearest' THEN 'near' "
                   "WHEN kind IN ('smalltalk', 'empty') THEN 'other' ELSE 'unanswered' END")
    else:
        outcome = "CASE WHEN answered = 1 THEN 'answered' ELSE 'unanswered' END"
    sql = (f"SELECT {hour} AS hour, {outcome} AS outcome, count(*) FROM query_log WHERE at >= ? "
           f"GROUP BY hour, outcome ORDER BY hour")
    return [(h, o, n) for h, o, n in db.execute(sql, [since]) if o != "other"]


def hourly_unanswered_terms(db: Database, since: str) -> list[tuple[str, str, int]]:
    """Index words of questions left unanswered since `since` (ISO UTC), by UTC hour and word."""
    chatter = " AND coalesce(q.kind, '') NOT IN ('smalltalk', 'empty')" if has_query_kind(db) else ""
    sql = ("SELECT substr(q.at, 1, 13) AS hour, j.value AS term, count(*) FROM query_log AS q, "
           "json_each(CASE WHEN json_valid(q.terms) THEN q.terms ELSE '[]' END) AS j "
           f"WHERE q.answered = 0 AND q.at >= ?{chatter} GROUP BY hour, term ORDER BY hour")
    return [(h, t, n) for h, t, n in db.execute(sql, [since]) if isinstance(t, str)]


# -- publishing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicVersion:
    """One version of a published fact, without who made it."""

    fact_id: str
    revision: int
    at: str
    action: str
    data: dict


def public_versions(db: Database, fact_ids: Iterable[str]) -> list[PublicVersion]:
    """The versions of these facts, oldest first, leaving out proposals and who wrote each version."""
    wanted = set(fact_ids)
    rows = db.execute("SELECT fact_id, revision, at, action, data FROM fact_versions ORDER BY fact_id, revision")
    versions = []
    for fact_id, revision, at, action, raw in rows:
        if fact_id not in wanted:
            continue
        data = json.loads(raw or "{}")
        if data.get("status") == "proposed":
            continue
        versions.append(PublicVersion(fact_id, revision, at, action, data))
    return versions


def fact_timestamps(db: Database) -> dict[str, tuple[str, str]]:
    """Each fact's (created_at, updated_at)."""
    return {r[0]: (r[1] or "", r[2] or "") for r in db.execute("SELECT id, created_at, updated_at FROM facts")}


PUBLIC_TABLES = ("facts", "sources", "verdicts", "topics", "versions")


def write_public_db(path: Path, facts: list[Fact], versions: list[PublicVersion],
                    topics: dict[str, dict[str, str]], verdicts: dict[str, dict], page_url: dict[str, str],
                    timestamps: dict[str, tuple[str, str]]) -> None:
    """Create the public database at `path` (replacing it): facts, sources, verdicts, topics, versions.

    Nothing else is written: no users, questions, query log, moderators, audit actors or salt. The
    file is built beside `path` and renamed into place, so a server reading it never sees half of it.
    """
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    db = Database(sqlite3.connect(str(partial)))
    try:
        db.table("topics").create({"key": str, "label_id": str, "label_en": str}, pk="key")
        db.table("verdicts").create({"verdict": str, "label_id": str, "label_en": str, "rating": int}, pk="verdict")
        db.table("facts").create(_FACT_COLUMNS, pk="id", foreign_keys=[("topic", "topics", "key"),
                                                                       ("verdict", "verdicts", "verdict")])
        db.table("sources").create({"id": int, "fact_id": str, "position": int, "title": str, "publisher": str,
                                    "published": str, "url": str}, pk="id",
                                   foreign_keys=[("fact_id", "facts", "id")])
        db.table("versions").create({"id": int, "fact_id": str, "revision": int, "at": str, "action": str,
                                     "status": str, "verdict": str, "claim": str, "statement": str, "data": str},
                                    pk="id", foreign_keys=[("fact_id", "facts", "id")])
        db.table("topics").insert_all({"key": key, "label_id": labels.get("id", key),
                                       "label_en": labels.get("en", "")} for key, labels in topics.items())
        db.table("verdicts").insert_all({"verdict": key, **values} for key, values in verdicts.items())
        db.table("facts").insert_all(_fact_rows(facts, page_url, timestamps))
        db.table("sources").insert_all(_source_rows(facts))
        db.table("versions").insert_all(_version_rows(versions))
        db.table("sources").create_index(["fact_id"])
        db.table("versions").create_index(["fact_id", "revision"], unique=True)
        db.table("facts").enable_fts(["claim", "statement", "note", "claim_en", "statement_en", "keywords"],
                               create_triggers=True)
        db.execute("VACUUM")
    finally:
        db.close()
    partial.replace(path)


_FACT_COLUMNS = {"id": str, "topic": str, "status": str, "verdict": str, "claim": str, "claim_en": str,
                 "statement": str, "statement_en": str, "note": str, "note_en": str, "keywords": str,
                 "as_of": str, "until": str, "confidence": str, "revision": int, "created_at": str,
                 "updated_at": str, "page_url": str}


def _fact_rows(facts: list[Fact], page_url: dict[str, str],
               timestamps: dict[str, tuple[str, str]]) -> Iterator[dict]:
    for f in facts:
        created, updated = timestamps.get(f.id, ("", ""))
        yield {"id": f.id, "topic": f.topic, "status": f.status, "verdict": f.verdict or None, "claim": f.claim,
               "claim_en": f.claim_en, "statement": f.statement, "statement_en": f.statement_en, "note": f.note,
               "note_en": f.note_en, "keywords": json.dumps(list(f.keywords), ensure_ascii=False),
               "as_of": f.as_of, "until": f.until, "confidence": f.confidence, "revision": f.revision,
               "created_at": created, "updated_at": updated, "page_url": page_url.get(f.id, "")}


def _source_rows(facts: list[Fact]) -> Iterator[dict]:
    for f in facts:
        for n, s in enumerate(f.sources, 1):
            yield {"fact_id": f.id, "position": n, "title": s.title, "publisher": s.publisher,
                   "published": s.published, "url": s.url}


def _version_rows(versions: list[PublicVersion]) -> Iterator[dict]:
    for v in versions:
        yield {"fact_id": v.fact_id, "revision": v.revision, "at": v.at, "action": v.action,
               "status": v.data.get("status") or "active", "verdict": v.data.get("verdict") or None,
               "claim": v.data.get("claim", ""), "statement": v.data.get("statement", ""),
               "data": json.dumps(v.data, ensure_ascii=False, sort_keys=True)}
