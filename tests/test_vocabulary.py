"""The index's vocabulary, kept in SQLite: exact after every kind of change, seen by other processes,
and read only as far as a question needs (issue 12)."""

import sys
from pathlib import Path

from bot.core import Checker
from bot.models import Fact, Source
from bot.store import Store

SOURCE = Source(publisher="Contoh", url="https://example.org/a", published="2024-01-02", title="A")


def fact(fact_id: str, statement: str, **kw) -> Fact:
    return Fact(id=fact_id, topic="kemnaker", statement=statement, sources=(SOURCE,), as_of="2024-01-02", **kw)


def fts5_counts(store: Store) -> dict[str, int]:
    """What FTS5 itself counts: active facts holding each term."""
    return {term: doc for term, doc in store.db.execute("SELECT term, doc FROM facts_vocab")}


def table_counts(store: Store) -> dict[str, int]:
    return dict(store.db.execute("SELECT term, facts FROM vocabulary").fetchall())


def test_the_vocabulary_counts_what_fts5_counts_through_adds_edits_retractions_and_taught_words(service):
    store = service.store
    sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
    import synthetic

    synthetic.add_to(store, 150, seed=3)
    assert table_counts(store) == fts5_counts(store)
    store.save(fact("uji-perahu", "Nelayan Alor menerima 40 perahu motor Zorblat pada Mei 2024.",
                    keywords=("perahu Alor",)), actor="t", action="add")
    assert store.vocabulary().doc_freq.get("zorblat") == 1
    edited = store.get("uji-perahu").with_changes(statement="Nelayan Lembata menerima 12 kapal Quimbo pada Juni 2024.")
    store.save(edited, actor="t", action="edit")
    store.save(store.get("sintetis-0000007").with_changes(status="retracted"), actor="t", action="retract")
    store.save(store.get("sintetis-0000008").with_changes(status="proposed"), actor="t", action="propose")
    store.save(store.get("sintetis-0000007").with_changes(status="active"), actor="t", action="restore")
    store.add_word("kapal", "perahu", actor="t")  # re-indexes the facts that hold "kapal"
    assert table_counts(store) == fts5_counts(store)
    active = store.db.execute("SELECT count(*) FROM facts WHERE status = 'active'").fetchone()[0]
    assert store.vocabulary().documents == active
    assert "zorblat" not in store.vocabulary().doc_freq and store.vocabulary().doc_freq.get("quimbo") == 1


def test_a_reindex_counts_afresh(service):
    store = service.store
    store.db.execute("UPDATE vocabulary SET facts = 999")  # however it got wrong
    store.reindex()
    assert table_counts(store) == fts5_counts(store)


def test_a_fact_saved_by_another_process_is_found_and_corrected_to_at_the_next_question(service, db_path, analyzer):
    checker = service.checker
    assert not checker.check("bantuan perahu motor nelayan Alor").answered  # its words not in the index yet
    other = Store.open(db_path, analyzer)  # kb load, or a second worker, in another process
    other.save(fact("perahu-nelayan-alor", "Pemerintah membagikan 40 perahu motor kepada nelayan Alor pada 2024.",
                    keywords=("perahu nelayan Alor", "bantuan perahu motor")), actor="t", action="add")
    answer = checker.check("bantuan prahu motor nelayan alor")  # "prahu": a typo of a word new to the index
    assert answer.answered and answer.matches[0].fact.id == "perahu-nelayan-alor"
    assert service.store.vocabulary().doc_freq.get("perahu") == 1


def test_typos_are_corrected_only_to_real_words_and_names(service):
    store = service.store
    store.save(fact("uji-ketik", "Warga Kupang melaporkan bantuan xqzbantuan yang tidak pernah sampai."),
               actor="t", action="add")
    vocabulary = store.vocabulary()
    assert "xqzbantuan" in vocabulary.doc_freq  # indexed, searchable...
    words = vocabulary.spellings("x", 1, 20)
    assert "xqzbantuan" not in words  # ...but never what a typo becomes
    kupang = vocabulary.spellings("k", 6, 6)
    assert "kupang" in kupang and kupang == sorted(kupang)


def test_the_checker_reads_no_more_of_the_vocabulary_than_a_question_needs(service):
    store = service.store
    sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
    import synthetic

    synthetic.add_to(store, 300, seed=5)
    checker = Checker(store, service.analyzer)
    checker.check("berapa penerima BSU di Sumba Timur 2021?")
    remembered = len(store.vocabulary().doc_freq._memo)
    assert 0 < remembered < len(store.vocabulary().doc_freq) / 4
