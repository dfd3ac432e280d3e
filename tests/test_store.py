"""The SQLite store: schema by migrations, FTS5 kept in sync, versions and audit, nothing dropped."""

import contextlib
import json

import pytest

from bot.models import Fact, Source
from bot.store import ORIGIN_FILE, Store
from bot.store.schema import MIGRATIONS

SOURCE = Source(publisher="Contoh", url="https://example.org/a", published="2024-01-02", title="A")


def fact(fact_id="uji-fakta", statement="Nelayan Alor menerima bantuan perahu motor.", **kw):
    return Fact(id=fact_id, topic="kemnaker", statement=statement, sources=(SOURCE,), as_of="2024-01-02", **kw)


def test_migrations_create_the_expected_schema(store):
    assert [m.name for m in MIGRATIONS.applied(store.db)] == ["m001_facts", "m002_citizens", "m003_moderation",
                                                          "m004_fact_analysis", "m005_words", "m006_newsroom",
                                                          "m007_query_kind", "m008_private_chats",
                                                          "m009_vocabulary", "m010_channels"]
    columns = store.db["facts"].columns_dict
    assert columns["num"] is int and columns["id"] is str and columns["revision"] is int
    assert {"search_text", "search_keywords", "search_stems"} <= set(columns)
    assert store.db["facts_fts"].exists()
    assert set(store.db["audit"].columns_dict) == {"id", "at", "actor", "action", "fact_id", "detail"}
    assert {"drafts", "outbox"} <= set(store.db.table_names())
    for table in ("deliveries", "question_chats", "outbox"):  # which edge each stored chat belongs to
        assert store.db[table].columns_dict["channel"] is str
    assert {"provider_id", "provider_status"} <= set(store.db["outbox"].columns_dict)
    assert set(store.db["seen_messages"].columns_dict) == {"id_hash", "at"}


def test_a_save_against_an_older_revision_is_refused_and_writes_nothing(store):
    from bot.store import StaleRevision

    store.save(fact(), actor="a", action="add")
    store.save(fact(statement="Nelayan Alor menerima bantuan perahu."), actor="b", action="edit", base=1)
    with pytest.raises(StaleRevision) as refused:
        store.save(fact(note="Catatan dari versi lama."), actor="a", action="edit", base=1)
    assert refused.value.current.revision == 2
    assert store.get("uji-fakta").statement == "Nelayan Alor menerima bantuan perahu."
    assert [v["revision"] for v in store.versions("uji-fakta")] == [1, 2]
    assert [a["action"] for a in store.audit_rows("uji-fakta")] == ["add", "edit"]


def test_opening_twice_applies_no_migration_again(db_path, analyzer):
    first = MIGRATIONS.applied(Store.open(db_path, analyzer).db)
    again = Store.open(db_path, analyzer)
    assert MIGRATIONS.applied(again.db) == first and not MIGRATIONS.pending(again.db)


def test_saving_writes_row_version_and_audit_in_step(store):
    store.save(fact(), actor="cli", action="add")
    store.save(fact(statement="Nelayan Alor menerima bantuan perahu."), actor="cli", action="edit")
    current = store.get("uji-fakta")
    assert current.revision == 2
    assert [v["revision"] for v in store.versions("uji-fakta")] == [1, 2]
    audit = store.audit_rows("uji-fakta")
    assert [a["action"] for a in audit] == ["add", "edit"]
    change = json.loads(audit[1]["detail"])["changes"]["statement"]
    assert change == ["Nelayan Alor menerima bantuan perahu motor.", "Nelayan Alor menerima bantuan perahu."]


def test_fts_index_follows_edits_through_triggers(store):
    store.save(fact(), actor="cli", action="add")
    assert [h.fact.id for h in store.search('"motor"', 5)] == ["uji-fakta"]
    store.save(fact(statement="Nelayan Alor menerima bantuan jaring."), actor="cli", action="edit")
    assert store.search('"motor"', 5) == []
    assert [h.fact.id for h in store.search('"jaring"', 5)] == ["uji-fakta"]
    assert store.integrity_ok()


def test_retracted_facts_are_kept_but_not_searched(store):
    store.save(fact(), actor="cli", action="add")
    store.save(fact(status="retracted"), actor="cli", action="retract")
    assert store.search('"motor"', 5) == []
    assert store.get("uji-fakta").status == "retracted"
    assert store.facts() == [] and len(store.facts(status=None)) == 1


def test_import_keeps_database_only_facts_and_reports_conflicts(store):
    store.import_facts([fact("dari-berkas")])
    store.save(fact("dari-bot"), actor="tg:abc", action="add")
    store.save(fact("dari-berkas", statement="Diubah moderator."), actor="tg:abc", action="edit")
    report = store.import_facts([fact("dari-berkas", statement="Versi berkas baru.")])
    assert report.conflicts == ["dari-berkas"] and report.kept == ["dari-bot"]
    assert store.get("dari-berkas").statement == "Diubah moderator."
    forced = store.import_facts([fact("dari-berkas", statement="Versi berkas baru.")], force=True)
    assert forced.updated == ["dari-berkas"] and store.origin("dari-berkas") == ORIGIN_FILE
    assert store.get("dari-bot") is not None


def test_import_of_unchanged_files_writes_nothing(store):
    store.import_facts([fact()])
    versions = store.db["fact_versions"].count
    report = store.import_facts([fact()])
    assert report.unchanged == ["uji-fakta"] and store.db["fact_versions"].count == versions


def test_a_failed_write_leaves_no_half_written_fact(store, monkeypatch):
    store.save(fact(), actor="cli", action="add")

    def broken_audit(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_audit", broken_audit)
    with contextlib.suppress(RuntimeError):
        store.save(fact(statement="Tidak tersimpan."), actor="cli", action="edit")
    assert store.get("uji-fakta").revision == 1
    assert len(store.versions("uji-fakta")) == 1
