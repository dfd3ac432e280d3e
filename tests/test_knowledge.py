"""The bundled knowledge files, treated as code: they parse, they are sourced, they say what is true."""

import shutil
from pathlib import Path

import pytest

from bot.config import Settings
from bot.errors import KnowledgeError
from bot.knowledge import FACTS_DIR, load_facts, load_topics, parse_fact, write_facts
from bot.lexicon import load_lexicon
from bot.service import open_service

VERIFIED_ITEMS = 36


@pytest.fixture(scope="module")
def facts(knowledge_dir):
    return load_facts(knowledge_dir)


def test_every_fact_file_parses_and_has_a_linked_source(facts):
    assert len(facts) >= VERIFIED_ITEMS
    for fact in facts:
        assert fact.statement and fact.statement_en, fact.id
        assert any(s.url.startswith("http") for s in fact.sources), fact.id
        assert all(s.publisher for s in fact.sources), fact.id


def test_rated_facts_name_the_claim_they_rate(facts):
    rated = [f for f in facts if f.verdict]
    assert {f.verdict for f in rated} >= {"MENYESATKAN", "HOAKS", "SALAH", "PENIPUAN"}
    assert all(f.claim and f.claim_en for f in rated)


def test_the_five_priority_districts_include_manggarai_timur_once_each(facts):
    by_id = {f.id: f for f in facts}
    statement = by_id["ntt-2021-kabupaten-prioritas"].statement
    for district in ("Manggarai Timur", "Sumba Timur", "Sumba Tengah", "Rote Ndao", "Timor Tengah Selatan"):
        assert statement.count(district) == 1
    assert "Sumba Barat" not in statement


def test_the_starting_articles_wrong_list_is_rated_misleading(facts):
    wrong_list = next(f for f in facts if f.verdict == "MENYESATKAN" and "Sumba Tengah, dan Sumba Tengah" in f.claim)
    assert "Manggarai Timur" in wrong_list.statement
    assert any(s.title == "2 Strategi Kemnaker Tuntaskan Kemiskinan di NTT" for s in wrong_list.sources)


def test_every_topic_has_facts_and_every_fact_a_known_topic(knowledge_dir, facts):
    topics = load_topics(knowledge_dir)
    assert {f.topic for f in facts} == set(topics)


def test_lexicon_maps_no_variant_to_two_canonical_forms(knowledge_dir):
    lexicon = load_lexicon(knowledge_dir)
    assert lexicon.phrases["ekstrim"] == "ekstrem"
    assert not set(lexicon.phrases) & set(lexicon.phrases.values())


def test_lexicon_conflict_is_reported_with_file_and_line(tmp_path):
    (tmp_path / "lexicon.toml").write_text('[acronyms]\nntt = ["nusa"]\n\n[slang]\nnt = ["nusa"]\n')
    with pytest.raises(KnowledgeError, match=r"lexicon.toml:5: 'nusa' maps to both"):
        load_lexicon(tmp_path)


@pytest.mark.parametrize("change, message", [
    (lambda t: t.replace('as_of = "2021-10-17"', 'as_of = "17 Oktober"'), r":\d+: 'as_of' must be a date"),
    (lambda t: t.replace("https://kupang", "ftp://kupang"), r":\d+: source 2: url must start"),
    (lambda t: t.replace('topic = "kabupaten-prioritas"', 'topic = "lain"'), r":2: unknown topic 'lain'"),
    (lambda t: 'verdikt = "SALAH"\n' + t, r":1: unknown field 'verdikt'"),
    (lambda t: t.replace("statement = ", "statement = = "), r": Invalid value \(at line \d+"),
])
def test_a_broken_fact_file_fails_naming_file_and_line(knowledge_dir, tmp_path, change, message):
    source = knowledge_dir / FACTS_DIR / "ntt-2021-kabupaten-prioritas.toml"
    broken = tmp_path / "ntt-2021-kabupaten-prioritas.toml"
    broken.write_text(change(source.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"ntt-2021-kabupaten-prioritas.toml" + message):
        parse_fact(broken, load_topics(knowledge_dir))


def test_export_then_load_on_an_empty_database_then_export_changes_no_byte(knowledge_dir, tmp_path):
    first = open_service(Settings(db_path=tmp_path / "one.db", knowledge_dir=knowledge_dir))
    out1 = tmp_path / "export1"
    write_facts(first.store.facts(status=None), out1)
    for name in ("topics.toml", "lexicon.toml"):
        shutil.copyfile(knowledge_dir / name, out1 / name)
    second = open_service(Settings(db_path=tmp_path / "two.db", knowledge_dir=out1))
    out2 = tmp_path / "export2"
    write_facts(second.store.facts(status=None), out2)
    original = _files(knowledge_dir / FACTS_DIR)
    assert _files(out1 / FACTS_DIR) == original
    assert _files(out2 / FACTS_DIR) == original


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.toml"))}
