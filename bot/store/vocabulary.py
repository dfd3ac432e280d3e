"""The index's vocabulary, kept in SQLite: each term, how many active facts hold it, and whether typos may
be corrected to it.

The matcher needs, per message, the document frequency of a few hundred terms, and for a word it does
not know, the real words of the index that start with the same letter. Loading the whole vocabulary
for that cost about a second at 100,000 facts, and more memory the larger the base (numbers make
most of its terms), at the first question and again after every change. So the terms live in a
table of their own, kept exact by the store in the same transaction as each fact it writes, and a
`Vocabulary` reads only the terms a question touches, remembering them until the knowledge changes.

Counts are per fact, over the three indexed columns, exactly as FTS5's own `fts5vocab` counts them
(tests compare the two); SQLite's `fts5vocab` is not used at query time because it reads a term's
whole document list to count it: 7 ms for a common word at 100,000 facts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from sqlite_utils import Database

GENERATION = "knowledge_generation"  # meta: bumped by every transaction that changes indexed facts
DOCUMENTS = "active_facts"  # meta: how many facts are indexed (active)
MEMO_LIMIT = 200_000  # terms remembered per generation before the memory is cleared
_CHUNK = 500  # terms per IN (...) query


def index_terms(columns: Mapping[str, Any]) -> set[str]:
    """The distinct terms of a fact's search columns, as FTS5 splits them (the columns hold tokens
    separated by spaces)."""
    return set(f"{columns['search_text']} {columns['search_keywords']} {columns['search_stems']}".split())


class VocabularyRecords:
    """Keeps the vocabulary table exact; every method runs inside the caller's write transaction."""

    def __init__(self, db: Database, is_target: Callable[[str], bool]):
        self.db = db
        self.is_target = is_target  # a real word or a name: a word typos may be corrected to

    def change(self, before: set[str], after: set[str], was_active: bool, is_active: bool) -> None:
        """One fact's terms changed from `before` to `after` (empty for a fact not indexed)."""
        added, removed = sorted(after - before), sorted(before - after)
        if added:
            known = self._known(added)
            self.db.conn.executemany(
                "INSERT INTO vocabulary (term, facts, target) VALUES (?, 1, ?) "
                "ON CONFLICT (term) DO UPDATE SET facts = facts + 1",
                [(t, 0 if t in known else int(self.is_target(t))) for t in added])
        if removed:
            self.db.conn.executemany("UPDATE vocabulary SET facts = facts - 1 WHERE term = ?", [(t,) for t in removed])
            for chunk in _chunks(removed):
                self.db.execute(f"DELETE FROM vocabulary WHERE facts <= 0 AND term IN ({_marks(chunk)})", chunk)
        self._bump(DOCUMENTS, int(is_active) - int(was_active))
        self._bump(GENERATION, 1)

    def rebuild(self, facts: Iterable[set[str]]) -> None:
        """Count every indexed fact's terms afresh (after a reindex)."""
        counts: Counter[str] = Counter()
        documents = 0
        for terms in facts:
            if terms:
                counts.update(terms)
                documents += 1
        self.db.execute("DELETE FROM vocabulary")
        self.db.conn.executemany("INSERT INTO vocabulary (term, facts, target) VALUES (?, ?, ?)",
                                 [(t, n, int(self.is_target(t))) for t, n in sorted(counts.items())])
        self.db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = "
                        "excluded.value", [DOCUMENTS, str(documents)])
        self._bump(GENERATION, 1)

    def _known(self, terms: list[str]) -> set[str]:
        known: set[str] = set()
        for chunk in _chunks(terms):
            known.update(r[0] for r in self.db.execute(
                f"SELECT term FROM vocabulary WHERE term IN ({_marks(chunk)})", chunk))
        return known

    def _bump(self, key: str, by: int) -> None:
        if by:
            self.db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET "
                            "value = CAST(value AS INTEGER) + excluded.value", [key, str(by)])


def generation(db: Database) -> int:
    """The knowledge's generation: it changes whenever an indexed fact changes, in any process."""
    row = db.execute("SELECT value FROM meta WHERE key = ?", [GENERATION]).fetchone()
    return int(row[0]) if row else 0


class Vocabulary:
    """Index terms with how many active facts contain each, read from the database as needed.

    One object stands for one generation of the knowledge (`Store.vocabulary` makes a new one when it
    changes): what it has read, it remembers.
    """

    def __init__(self, db: Database, generation: int):
        self.generation = generation
        row = db.execute("SELECT value FROM meta WHERE key = ?", [DOCUMENTS]).fetchone()
        self.documents = int(row[0]) if row else 0
        self.doc_freq = DocumentFrequencies(db)
        self._db = db
        self._spellings: dict[tuple[str, int, int], list[str]] = {}

    def spellings(self, initial: str, shortest: int, longest: int) -> list[str]:
        """The index's real words and names that start with `initial` and have `shortest` to `longest`
        characters, in alphabetical order: what a typo may be corrected to."""
        key = (initial, shortest, longest)
        words = self._spellings.get(key)
        if words is None:
            words = self._spellings[key] = [r[0] for r in self._db.execute(
                "SELECT term FROM vocabulary WHERE target AND substr(term, 1, 1) = ? AND length(term) BETWEEN ? AND ? "
                "ORDER BY term", [initial, shortest, longest])]
        return words


class DocumentFrequencies(Mapping[str, int]):
    """term -> number of active facts holding it (terms held by none are absent), read lazily."""

    def __init__(self, db: Database):
        self._db = db
        self._memo: dict[str, int] = {}  # 0: not in the index

    def get(self, term: str, default: Any = None) -> Any:
        """The term's count, or `default` when no active fact holds it."""
        count = self._memo.get(term)
        if count is None:
            row = self._db.execute("SELECT facts FROM vocabulary WHERE term = ?", [term]).fetchone()
            count = self._remember(term, row[0] if row else 0)
        return count if count else default

    def __getitem__(self, term: str) -> int:
        count = self.get(term, 0)
        if not count:
            raise KeyError(term)
        return count

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and bool(self.get(term, 0))

    def load(self, terms: Iterable[str]) -> None:
        """Read many terms' counts at once (cheaper than one by one)."""
        wanted = sorted({t for t in terms if t not in self._memo})
        for chunk in _chunks(wanted):
            found = dict(self._db.execute(f"SELECT term, facts FROM vocabulary WHERE term IN ({_marks(chunk)})",
                                          chunk).fetchall())
            for term in chunk:
                self._remember(term, found.get(term, 0))

    def __iter__(self) -> Iterator[str]:
        return (r[0] for r in self._db.execute("SELECT term FROM vocabulary ORDER BY term"))

    def __len__(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM vocabulary").fetchone()[0])

    def _remember(self, term: str, count: int) -> int:
        if len(self._memo) >= MEMO_LIMIT:
            self._memo.clear()
        self._memo[term] = count
        return count


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


def _marks(items: list[str]) -> str:
    return ",".join("?" * len(items))
