"""The newsroom core without Telegram: ids, review rules, grouping, corrections, statistics."""

from datetime import datetime, timedelta, timezone

import pytest

from bot.citizens import Citizens
from bot.editorial import REVIEW_TWO_PERSON, Editorial
from bot.errors import UserError
from bot.models import Fact, Source


@pytest.fixture
def editorial(service):
    return Editorial(service.store, Citizens(service.store.db, "salt"), service.analyzer, frozenset({1}))


def new_fact(editorial, statement="Nelayan Pulau Semau menerima bantuan perahu motor pada 2024."):
    return Fact(id=editorial.new_id(statement), topic="kemnaker", statement=statement, as_of="2024-02-03",
                sources=(Source(publisher="Pos Kupang", url="https://example.org/a"),))


def test_new_ids_are_readable_and_unique(editorial):
    first = new_fact(editorial)
    assert first.id == "nelayan-pulau-semau-menerima-bantuan-perahu"
    editorial.submit(first, 1, "add")
    assert new_fact(editorial).id == "nelayan-pulau-semau-menerima-bantuan-perahu-2"


def test_owners_are_moderators_and_moderators_are_stored(editorial):
    assert editorial.is_moderator(1) and not editorial.is_moderator(2)
    editorial.add_moderator(2, by=1)
    assert editorial.is_moderator(2) and not editorial.is_owner(2)
    assert editorial.remove_moderator(2, by=1) and not editorial.remove_moderator(2, by=1)


def test_two_person_review_keeps_the_served_version_until_approved(editorial):
    editorial.review = REVIEW_TWO_PERSON
    current = editorial.fact("satpel-pvp-kupang")
    outcome = editorial.submit(current.with_changes(statement="Diubah tanpa persetujuan."), 2, "edit")
    assert outcome.proposal_id and not outcome.substantive
    assert editorial.fact("satpel-pvp-kupang").revision == current.revision
    with pytest.raises(UserError, match="another moderator"):
        editorial.approve(str(outcome.proposal_id), 2)
    approved = editorial.approve(str(outcome.proposal_id), 3)
    assert approved.fact.statement == "Diubah tanpa persetujuan." and approved.substantive
    with pytest.raises(UserError):
        editorial.approve(str(outcome.proposal_id), 3)  # no longer pending


def test_similar_questions_are_grouped_and_different_ones_are_not(editorial):
    citizens = editorial.citizens
    for n, text in enumerate(["kapan bantuan nelayan semau cair", "bantuan nelayan semau kapan cair?",
                              "cara daftar kartu tani", "kapan cair bantuan nelayan di semau"]):
        citizens.queue_question(citizens.hash(n), n, text, editorial.analyzer.normalizer.normalize(text))
    groups = editorial.question_groups()
    assert [g.count for g in groups] == [3, 1]
    assert groups[1].text == "cara daftar kartu tani"


def test_corrections_go_only_to_reachable_chats_that_got_an_older_version(editorial):
    citizens = editorial.citizens
    fact = editorial.fact("satpel-pvp-kupang")
    citizens.record_delivery(10, citizens.hash(10), fact.id, fact.revision)
    citizens.record_delivery(11, citizens.hash(11), fact.id, fact.revision)
    citizens.set_active(citizens.hash(11), False)
    edited = editorial.submit(fact.with_changes(statement="Versi baru yang benar."), 1, "edit")
    assert edited.substantive
    assert editorial.correction_targets(edited.fact) == [10]
    citizens.record_delivery(10, citizens.hash(10), fact.id, edited.fact.revision)
    keywords = editorial.submit(edited.fact.with_changes(keywords=("satpel",)), 1, "edit")
    assert not keywords.substantive


def test_statistics_median_answer_time(editorial):
    citizens, db = editorial.citizens, editorial.db
    now = datetime.now(timezone.utc)
    for n, hours in enumerate([1, 3, 8]):
        qid = citizens.queue_question(citizens.hash(n), n, f"pertanyaan {n}", f"pertanyaan {n}")
        db["questions"].update(qid, {"status": "answered",
                                     "asked_at": (now - timedelta(hours=hours)).isoformat(timespec="seconds"),
                                     "answered_at": now.isoformat(timespec="seconds")})
    citizens.log_query("a", True, "x", ["bsu"])
    citizens.log_query("b", False, None, ["bsu", "blk"])
    stats = editorial.statistics()
    assert stats["median_hours_to_answer"] == pytest.approx(3, abs=0.01)
    assert stats["today"] == 2 and stats["answered_share"] == 0.5
    assert stats["top_terms"][0] == ("bsu", 2) and stats["open_questions"] == 0


def test_a_moderator_teaches_a_chat_word_which_changes_matching_and_is_audited(editorial, service):
    question = "zorblak ekstrem di NTT, kabupaten prioritas 2021 mana saja"
    before = service.checker.check(question)
    word, standard, _ = editorial.teach_word("zorblak = kemiskinan", 1)
    assert (word, standard) == ("zorblak", "kemiskinan")
    after = service.checker.check(question)
    assert after.answered and after.matches[0].fact.id == "ntt-2021-kabupaten-prioritas"
    assert "zorblak" not in after.terms and (not before.answered or before.terms != after.terms)
    [row] = [r for r in service.store.audit_rows() if r["action"] == "word:add"]
    assert row["actor"] == "mod:1" and "zorblak" in row["detail"]


def test_a_word_taught_as_topicless_is_dropped_from_questions(editorial, service):
    editorial.teach_word("kakaknya -", 1)
    assert "kakaknya" not in service.checker.check("kakaknya BLK Kupang").terms


def test_taught_words_survive_a_restart(editorial, service, db_path):
    from bot.config import Settings
    from bot.service import open_service

    editorial.teach_word("zorblak = kemiskinan", 1)
    again = open_service(Settings(db_path=db_path))
    assert again.analyzer.normalizer.normalize("zorblak") == "kemiskinan"


@pytest.mark.parametrize("text", ["zorblak", "= tidak", "bsu = bantuan", "x" * 50 + " = tidak"])
def test_a_bad_or_reserved_word_is_refused(editorial, text):
    with pytest.raises(UserError):
        editorial.teach_word(text, 1)


def test_only_moderators_teach_words(editorial):
    with pytest.raises(UserError):
        editorial.teach_word("zorblak = kemiskinan", 99)
