"""The knowledge base in SQLite: facts, their versions and audit trail, and FTS5 candidate search.

Every change to a fact writes the new row, a version and an audit row in one transaction; facts
are retracted, never deleted. A change made against an older revision than the current one is
refused (`StaleRevision`), so two moderators never silently undo each other's work.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from bot.analysis import Analyzer, FactTerms, dump_fact_terms, load_fact_terms
from bot.errors import StoreError
from bot.links import url_key
from bot.models import Fact, Source
from bot.store.backup import check_database
from bot.store.base import ThreadDatabase, utcnow, write
from bot.store.newsroom import NewsroomRecords
from bot.store.people import PeopleRecords, Sealer
from bot.store.schema import MIGRATIONS
from bot.store.vocabulary import Vocabulary, VocabularyRecords, generation, index_terms

ORIGIN_FILE = "file"
ORIGIN_BOT = "bot"
BM25_WEIGHTS = (1.0, 2.0, 0.6)  # search_text, search_keywords, search_stems
ANALYSIS_VERSION = "8"  # bump when the analyzer's output for facts changes: every fact is reindexed
FACT_CACHE = 8192  # facts kept parsed in memory
IMPORT_BATCH = 25  # facts per transaction in `import_facts`: the write lock is held briefly


def describe_error(path: Path, error: sqlite3.Error) -> str:
    """One line for an SQLite error the user can act on (locked, unwritable, missing folder)."""
    text = str(error)
    if "locked" in text or "busy" in text:
        return f"the database {path} is locked by another process; try again in a moment"
    if "readonly" in text or "read-only" in text:
        return f"the database {path} is read-only; check its permissions and its folder's"
    if "unable to open" in text:
        return f"cannot open the database {path}: check that its folder exists and is writable"
    return f"the database {path}: {text}"


class StaleRevision(Exception):
    """A change was made against an older revision of a fact than the one now stored."""

    def __init__(self, fact_id: str, base: int, current: Fact):
        super().__init__(f"{fact_id}: based on revision {base}, now {current.revision}")
        self.fact_id = fact_id
        self.base = base
        self.current = current


def fact_row(fact: Fact) -> dict[str, Any]:
    """A fact as its row in the facts table (without search columns and bookkeeping)."""
    return {
        "id": fact.id, "topic": fact.topic, "status": fact.status, "verdict": fact.verdict,
        "claim": fact.claim, "claim_en": fact.claim_en, "statement": fact.statement,
        "statement_en": fact.statement_en, "note": fact.note, "note_en": fact.note_en,
        "keywords": json.dumps(list(fact.keywords), ensure_ascii=False),
        "sources": json.dumps([s.to_dict() for s in fact.sources], ensure_ascii=False),
        "as_of": fact.as_of, "until": fact.until, "confidence": fact.confidence, "revision": fact.revision,
        "stale_en": json.dumps(list(fact.stale_en)),
    }


def row_fact(row: dict[str, Any]) -> Fact:
    """The fact a facts-table row holds (the inverse of `fact_row`)."""
    return Fact(
        id=row["id"], topic=row["topic"], status=row["status"], verdict=row["verdict"] or "",
        claim=row["claim"] or "", claim_en=row["claim_en"] or "", statement=row["statement"],
        statement_en=row["statement_en"] or "", note=row["note"] or "", note_en=row["note_en"] or "",
        keywords=tuple(json.loads(row["keywords"] or "[]")),
        sources=tuple(Source(**s) for s in json.loads(row["sources"] or "[]")),
        as_of=row["as_of"] or "", until=row["until"] or "", confidence=row["confidence"] or "high",
        revision=row["revision"], stale_en=tuple(json.loads(row.get("stale_en") or "[]")),
    )




@dataclass
class ImportReport:
    """What `Store.import_facts` did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)  # changed in the bot since the last load
    kept: list[str] = field(default_factory=list)  # only in the database; never dropped


@dataclass(frozen=True)
class Hit:
    """A fact found by FTS5, with its BM25 relevance (larger is better) and indexed words."""

    fact: Fact
    relevance: float
    words: str  # canonical tokens of its texts and keywords, space-separated
    stems: str
    analysis: str | None = None  # FactTerms as stored (JSON), read only when needed
    forms_json: str | None = None  # the stem and kind of each word of its key content (JSON), idem

    @property
    def terms(self) -> FactTerms:
        """The fact's analysed terms."""
        return load_fact_terms(self.analysis)

    @property
    def forms(self) -> dict[str, tuple[str, str]]:
        """token -> (stem, kind) for the words of its keywords, claim, first sentence and places, as the
        analyzer gave them when the fact was indexed (so that no candidate is stemmed per query)."""
        return read_forms(self.forms_json)


def read_forms(forms_json: str | None) -> dict[str, tuple[str, str]]:
    """token -> (stem, kind), from a fact's stored `forms` (see `Hit.forms`)."""
    return {token: (stem, kind) for token, (stem, kind) in json.loads(forms_json or "{}").items()}


class Store:
    """Facts in a SQLite database, kept searchable with an FTS5 index maintained by triggers."""

    def __init__(self, db: Database, analyzer: Analyzer):
        self.db = db
        self.analyzer = analyzer
        MIGRATIONS.apply(db)
        self.people = PeopleRecords(db)
        self.newsroom = NewsroomRecords(db)
        self._facts: dict[tuple[str, int, str], Fact] = {}  # parsed facts by id and revision
        self._vocabulary: Vocabulary | None = None
        self._terms = VocabularyRecords(db, lambda t: t.isalpha() and (analyzer.is_word(t) or analyzer.is_protected(t)))
        analyzer.learn(self.words())
        if self.get_meta("lexicon") != self._index_version:
            self.reindex()

    @property
    def _index_version(self) -> str:
        return f"{self.analyzer.lexicon.fingerprint}:{ANALYSIS_VERSION}"

    @classmethod
    def open(cls, path: str | Path, analyzer: Analyzer) -> Store:
        """Open (creating it and its folder if needed) the database file at `path`."""
        path = Path(path)
        check_database(path)  # a folder, a foreign or a damaged file: one clear line, never overwritten
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = ThreadDatabase(path)
            db.enable_wal()
            return cls(db, analyzer)
        except OSError as e:
            raise StoreError(f"cannot create {path.parent}: {e.strerror or e}") from None
        except sqlite3.OperationalError as e:
            raise StoreError(describe_error(path, e)) from None

    def use_sealer(self, sealer: Sealer) -> None:
        """Encrypt and decrypt the chat ids kept for writing back with `sealer` (see `bot.privacy`)."""
        self.people.sealer = sealer
        self.newsroom.sealer = sealer

    # -- settings ---------------------------------------------------------------------------

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        """A stored setting."""
        rows = list(self.db.query("SELECT value FROM meta WHERE key = ?", [key]))
        return rows[0]["value"] if rows else default

    def set_meta(self, key: str, value: str) -> None:
        """Store a setting."""
        self.db.table("meta").upsert({"key": key, "value": value}, pk="key")

    def delete_meta(self, key: str) -> None:
        """Forget a setting."""
        with write(self.db):
            self.db.execute("DELETE FROM meta WHERE key = ?", [key])

    # -- reading ----------------------------------------------------------------------------

    def _fact(self, row: dict[str, Any]) -> Fact:
        key = (row["id"], row["revision"], row["status"])
        fact = self._facts.get(key)
        if fact is None:
            fact = self._facts[key] = row_fact(row)
            if len(self._facts) > FACT_CACHE:
                self._facts.pop(next(iter(self._facts)))
        return fact

    def get(self, fact_id: str) -> Fact | None:
        """The current version of a fact, whatever its status."""
        return self._fact_where("id", fact_id)

    def _fact_where(self, column: str, value: object) -> Fact | None:
        rows = list(self.db.query(f"SELECT * FROM facts WHERE {column} = ?", [value]))
        return self._fact(rows[0]) if rows else None

    def number(self, fact_id: str) -> int | None:
        """A fact's short integer key (for Telegram buttons, whose data is limited to 64 bytes)."""
        row = self.db.execute("SELECT num FROM facts WHERE id = ?", [fact_id]).fetchone()
        return row[0] if row else None

    def get_by_number(self, num: int) -> Fact | None:
        """The fact with that integer key, whatever its status."""
        return self._fact_where("num", num)

    def facts(self, status: str | None = "active", topic: str | None = None) -> list[Fact]:
        """Facts by id, filtered by status (None: all) and topic."""
        where, params = [], []
        if status is not None:
            where.append("status = ?")
            params.append(status)
        if topic is not None:
            where.append("topic = ?")
            params.append(topic)
        sql = "SELECT * FROM facts" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
        return [self._fact(r) for r in self.db.query(sql, params)]

    def origin(self, fact_id: str) -> str | None:
        """Who last wrote a fact: ORIGIN_FILE (kb load) or ORIGIN_BOT."""
        rows = list(self.db.query("SELECT origin FROM facts WHERE id = ?", [fact_id]))
        return rows[0]["origin"] if rows else None

    def search(self, match_expression: str, limit: int) -> list[Hit]:
        """Active facts matching an FTS5 expression built by the core, best BM25 first.

        The expression must be built from index tokens only (see `core.match_expression`);
        user text never reaches MATCH. Only active facts have indexed words, so ranking happens
        inside FTS5 and only the best rows are joined.
        """
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        sql = (
            f"SELECT facts.*, ranked.relevance FROM (SELECT rowid, -bm25(facts_fts, {weights}) AS relevance "
            "FROM facts_fts WHERE facts_fts MATCH ? ORDER BY relevance DESC LIMIT ?) AS ranked "
            "JOIN facts ON facts.num = ranked.rowid WHERE facts.status = 'active' ORDER BY ranked.relevance DESC"
        )
        cursor = self.db.execute(sql, [match_expression, limit])
        columns = [c[0] for c in cursor.description]
        return [self._hit(row, row["relevance"]) for row in (dict(zip(columns, r, strict=False)) for r in cursor)]

    def _hit(self, row: dict[str, Any], relevance: float) -> Hit:
        return Hit(self._fact(row), relevance, f"{row['search_text']} {row['search_keywords']}", row["search_stems"],
                   row["analysis"], row["forms"])

    def citing(self, url_keys: list[str] | tuple[str, ...], limit: int) -> list[Hit]:
        """Active facts with a source at one of these links (keys from `links.url_key`)."""
        if not url_keys:
            return []
        marks = ",".join("?" * len(url_keys))
        sql = (f"SELECT DISTINCT facts.* FROM fact_urls JOIN facts ON facts.num = fact_urls.num "
               f"WHERE fact_urls.url_key IN ({marks}) AND facts.status = 'active' ORDER BY facts.id LIMIT ?")
        return [self._hit(r, 0.0) for r in self.db.query(sql, [*url_keys, limit])]

    def vocabulary(self) -> Vocabulary:
        """Index terms with document frequencies, read as needed; a new one when the knowledge changed
        (here or in another process)."""
        current = generation(self.db)
        if self._vocabulary is None or self._vocabulary.generation != current:
            self._vocabulary = Vocabulary(self.db, current)
        return self._vocabulary

    def versions(self, fact_id: str) -> list[dict[str, Any]]:
        """Every version of a fact, oldest first."""
        return list(self.db.query(
            "SELECT revision, action, actor, at, data FROM fact_versions WHERE fact_id = ? ORDER BY revision",
            [fact_id]))

    def audit_rows(self, fact_id: str | None = None) -> list[dict[str, Any]]:
        """Audit rows, oldest first, optionally for one fact."""
        if fact_id is None:
            return list(self.db.query("SELECT * FROM audit ORDER BY id"))
        return list(self.db.query("SELECT * FROM audit WHERE fact_id = ? ORDER BY id", [fact_id]))

    def stats(self) -> dict[str, Any]:
        """Counts for `cekfakta kb stats`."""
        facts = self.facts(status=None)
        return {
            "facts": len(facts),
            "by_status": dict(sorted(Counter(f.status for f in facts).items())),
            "by_topic": dict(sorted(Counter(f.topic for f in facts if f.status == "active").items())),
            "by_verdict": dict(sorted(Counter(f.verdict or "-" for f in facts if f.status == "active").items())),
            "sources": sum(len(f.sources) for f in facts),
            "versions": self.db.table("fact_versions").count,
            "audit_rows": self.db.table("audit").count,
            "index_terms": len(self.vocabulary().doc_freq),
        }

    # -- writing ----------------------------------------------------------------------------

    def _search_columns(self, fact: Fact) -> dict[str, str | None]:
        if fact.status != "active":  # only servable facts are in the index (and its vocabulary)
            return {"search_text": "", "search_keywords": "", "search_stems": "", "analysis": None, "forms": None}
        analyzer = self.analyzer
        text, text_stems = analyzer.index_text(
            fact.statement, fact.statement_en, fact.claim, fact.claim_en, fact.note, fact.note_en)
        keywords, keyword_stems = analyzer.index_text(*fact.keywords)
        terms = analyzer.fact_terms(fact.statement, fact.claim, fact.keywords,
                                    tuple(s.url for s in fact.sources if s.url))
        words = sorted({t for anchor in terms.anchors for t in anchor})
        forms = {t: [analyzer.stem(t), analyzer.kind(t)] for t in words}
        return {"search_text": text, "search_keywords": keywords,
                "search_stems": f"{text_stems} {keyword_stems}".strip(), "analysis": dump_fact_terms(terms),
                "forms": json.dumps(forms, ensure_ascii=False, separators=(",", ":"))}

    def _count_terms(self, before: dict[str, Any] | None, columns: dict[str, str | None], fact: Fact) -> None:
        """Keep the vocabulary exact as a fact's search columns change from `before` (its row's search
        columns and status as they were; None for a new fact) to `columns`."""
        was_active = bool(before and before["status"] == "active")
        self._terms.change(index_terms(before) if before and was_active else set(),
                           index_terms(columns) if fact.status == "active" else set(), was_active,
                           fact.status == "active")

    def _search_row(self, fact_id: str) -> dict[str, Any] | None:
        """A fact's status and search columns as stored."""
        names = ("status", "search_text", "search_keywords", "search_stems")
        row = self.db.execute(f"SELECT {', '.join(names)} FROM facts WHERE id = ?", [fact_id]).fetchone()
        return dict(zip(names, row, strict=True)) if row else None

    def _index_urls(self, num: int, fact: Fact) -> None:
        """Keep the links a fact's sources give findable (active facts only)."""
        self.db.execute("DELETE FROM fact_urls WHERE num = ?", [num])
        if fact.status == "active":
            keys = {url_key(s.url) for s in fact.sources if s.url} - {""}
            self.db.table("fact_urls").insert_all([{"url_key": k, "num": num} for k in sorted(keys)])

    def save(self, fact: Fact, actor: str, action: str, origin: str = ORIGIN_BOT,
             reason: str = "", base: int | None = None) -> Fact:
        """Write a new version of `fact` (insert or update) with its version and audit rows.

        All three writes happen in one transaction. With `base`, the change was made against that
        revision: if the fact has moved on since, nothing is written and `StaleRevision` is raised.
        Returns the fact with its new revision.
        """
        now = utcnow()
        with write(self.db):
            before = self.get(fact.id)
            if base is not None and (before.revision if before else 0) != base:
                raise StaleRevision(fact.id, base, before or fact)
            revision = (before.revision if before else 0) + 1
            saved = fact.with_changes(revision=revision)
            data = saved.to_dict()
            indexed = self._search_row(fact.id)
            columns = self._search_columns(saved)
            row = {**fact_row(saved), "origin": origin, "updated_at": now, **columns}
            if before is None:
                self.db.table("facts").insert({**row, "created_at": now})
            else:
                self.db.table("facts").update(self._num(saved.id), row)
            self._count_terms(indexed, columns, saved)
            self._index_urls(self._num(saved.id), saved)
            self.db.table("fact_versions").insert({
                "fact_id": saved.id, "revision": revision, "action": action, "actor": actor, "at": now,
                "data": json.dumps(data, ensure_ascii=False, sort_keys=True),
            })
            self._audit(actor, action, saved.id, before.to_dict() if before else None, data, reason, now)
        return saved

    def version(self, fact_id: str, revision: int) -> Fact | None:
        """A fact as it was at `revision`."""
        row = self.db.execute("SELECT data FROM fact_versions WHERE fact_id = ? AND revision = ?",
                              [fact_id, revision]).fetchone()
        return Fact.from_dict(json.loads(row[0]), revision) if row else None

    def _num(self, fact_id: str) -> int:
        return self.db.execute("SELECT num FROM facts WHERE id = ?", [fact_id]).fetchone()[0]

    def _audit(self, actor: str, action: str, fact_id: str | None, before: dict | None,
               after: dict | None, reason: str, at: str) -> None:
        changes = {
            key: [(before or {}).get(key), (after or {}).get(key)]
            for key in sorted(set(before or {}) | set(after or {}))
            if (before or {}).get(key) != (after or {}).get(key)
        }
        detail: dict[str, Any] = {"changes": changes}
        if reason:
            detail["reason"] = reason
        self.db.table("audit").insert({"at": at, "actor": actor, "action": action, "fact_id": fact_id,
                                       "detail": json.dumps(detail, ensure_ascii=False)})

    def audit(self, actor: str, action: str, fact_id: str | None = None, reason: str = "") -> None:
        """Record an event that changes no fact (a refused command, for instance)."""
        self._audit(actor, action, fact_id, None, None, reason, utcnow())

    def import_facts(self, facts: list[Fact], actor: str = "kb-load", force: bool = False,
                     optimize: bool = True) -> ImportReport:
        """Bring knowledge-file facts into the database without losing anything.

        New facts are added; facts last written by a load are updated when their file changed.
        A fact changed through the bot since the last load is a conflict and left as it is,
        unless `force`. Facts that exist only in the database are kept.

        The import runs in batches of IMPORT_BATCH facts, each batch one transaction. Facts are
        independent of each other, each one's row, version and audit are written together, and a
        load interrupted half-way is completed by running it again (facts already loaded are
        "unchanged"): so all-or-nothing buys nothing, while one long transaction would hold the
        write lock for the whole import and make the bot's writes wait (issue 9).
        """
        report = ImportReport()
        incoming = {f.id for f in facts}
        for start in range(0, len(facts), IMPORT_BATCH):
            with write(self.db):
                for fact in facts[start:start + IMPORT_BATCH]:
                    current = self.get(fact.id)
                    if current is None:
                        self.save(fact, actor, "load:add", ORIGIN_FILE)
                        report.added.append(fact.id)
                    elif current.to_dict() == fact.to_dict():
                        report.unchanged.append(fact.id)
                    elif self.origin(fact.id) == ORIGIN_FILE or force:
                        self.save(fact, actor, "load:update", ORIGIN_FILE)
                        report.updated.append(fact.id)
                    else:
                        report.conflicts.append(fact.id)
        report.kept = [fid for (fid,) in self.db.execute("SELECT id FROM facts ORDER BY id") if fid not in incoming]
        if optimize and (report.added or report.updated):
            self.optimize()
        return report

    def reindex(self) -> None:
        """Recompute every fact's search columns (after the lexicon changed); triggers update FTS5.
        The vocabulary is counted afresh."""
        with write(self.db):
            indexed = []
            for fact in self.facts(status=None):
                num = self._num(fact.id)
                columns = self._search_columns(fact)
                self.db.table("facts").update(num, columns)
                self._index_urls(num, fact)
                indexed.append(index_terms(columns) if fact.status == "active" else set())
            self._terms.rebuild(indexed)
            self.set_meta("lexicon", self._index_version)
        self.optimize()

    def optimize(self) -> None:
        """Merge the full-text index into one segment after a bulk change: each search then reads one
        b-tree per word instead of one per earlier write."""
        with write(self.db):
            self.db.execute("INSERT INTO facts_fts(facts_fts) VALUES('optimize')")

    # -- words taught in the chat --------------------------------------------------------------

    def words(self) -> dict[str, str]:
        """Words moderators added: variant -> standard form ("" for a word with no topic)."""
        return {r[0]: r[1] for r in self.db.execute("SELECT variant, standard FROM words ORDER BY variant")}

    def add_word(self, variant: str, standard: str, actor: str) -> list[str]:
        """Teach the analyzer a word, with its audit row, and re-index the facts that use it.

        Returns the ids of the facts re-indexed.
        """
        now = utcnow()
        with write(self.db):
            before = self.words().get(variant)
            self.db.table("words").upsert(
                {"variant": variant, "standard": standard, "added_by": actor, "added_at": now}, pk="variant")
            self._audit(actor, "word:add", None, {"word": variant, "standard": before} if before is not None else None,
                        {"word": variant, "standard": standard}, "", now)
            self.analyzer.learn(self.words())
            touched = [row[0] for row in self.db.execute(
                "SELECT facts.id FROM facts_fts JOIN facts ON facts.num = facts_fts.rowid WHERE facts_fts MATCH ?",
                [f'"{variant.split()[0]}"'])] if variant.split() and variant.split()[0].isalnum() else []
            for fact_id in touched:
                fact = self.get(fact_id)
                if fact is not None:
                    indexed, columns = self._search_row(fact_id), self._search_columns(fact)
                    self.db.table("facts").update(self._num(fact_id), columns)
                    self._count_terms(indexed, columns, fact)
            self.set_meta("lexicon", self._index_version)
        return touched

    def checkpoint(self) -> None:
        """Copy the write-ahead log into the database file and empty it (after deleting personal data)."""
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def integrity_ok(self) -> bool:
        """True when SQLite's integrity check and the FTS5 index check both pass."""
        if self.db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            return False
        try:
            self.db.execute("INSERT INTO facts_fts(facts_fts) VALUES('integrity-check')")
        except sqlite3.DatabaseError:
            return False
        return True
