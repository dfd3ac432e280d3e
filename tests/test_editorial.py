"""The newsroom core without Telegram: roles on every call, no lost edits, review with the change in
view, complete facts from guided drafts, the queue, statistics and words."""

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.citizens import Citizens
from bot.editorial import EDIT, REVIEW_TWO_PERSON, REVIEWED, Change, Editorial
from bot.errors import UserError

OWNER, ALICE, BOB = 1, 2, 3
STATEMENT = "Nelayan Pulau Semau menerima bantuan perahu motor pada 2024."


@pytest.fixture
def editorial(service):
    editorial = Editorial(service.store, Citizens(service.store, "salt"), service.analyzer, service.topics,
                          frozenset({OWNER}))
    editorial.add_moderator(ALICE, by=OWNER)
    editorial.add_moderator(BOB, by=OWNER)
    return editorial


def write_new_fact(editorial, user_id=ALICE, statement=STATEMENT, as_of="-"):
    """The whole guided /tambah, answered the way a moderator would."""
    editorial.start_add(user_id)
    editorial.answer(user_id, statement)
    editorial.choose(user_id, "none")
    editorial.link(user_id, "https://example.org/semau", live=True, title="Bantuan perahu")
    editorial.answer(user_id, "Pos Kupang, 3 Februari 2024")
    editorial.choose(user_id, "kemnaker")
    editorial.answer(user_id, "nelayan semau, bantuan perahu motor")
    editorial.answer(user_id, as_of)
    editorial.answer(user_id, "-")
    editorial.choose(user_id, "medium")
    editorial.answer(user_id, "-")
    return editorial.draft(user_id)


def edit(editorial, user_id, fact_id, field, *answers):
    editorial.start_edit(user_id, fact_id)
    editorial.choose(user_id, field)
    for answer in answers:
        editorial.answer(user_id, answer)


# -- roles on every call -------------------------------------------------------------------------

def test_a_moderator_removed_mid_draft_cannot_publish(editorial):
    write_new_fact(editorial, ALICE)
    editorial.remove_moderator(ALICE, by=OWNER)
    with pytest.raises(UserError, match="moderators only"):
        editorial.finish(ALICE)
    assert editorial.store.get("nelayan-pulau-semau-menerima-bantuan-perahu") is None


def test_every_change_checks_the_role_at_the_moment_of_the_call(editorial):
    fact = editorial.fact("satpel-pvp-kupang")
    change = Change(EDIT, fact.id, {"note": "Catatan."}, fact.revision)
    for call in (lambda: editorial.submit(change, 99), lambda: editorial.retract(fact.id, "alasan", 99),
                 lambda: editorial.restore(fact.id, 99), lambda: editorial.start_add(99),
                 lambda: editorial.answer_group("1", fact.id, 99), lambda: editorial.teach_word("zorblak -", 99),
                 lambda: editorial.add_moderator(5, by=ALICE)):
        with pytest.raises(UserError):
            call()
    assert editorial.fact(fact.id).revision == fact.revision


@pytest.mark.parametrize("typed", ["0", "-5", "²", "99999999999999999999", "abc", ""])
def test_only_real_user_ids_become_moderators(typed):
    from bot.editorial import parse_user_id

    with pytest.raises(UserError):
        parse_user_id(typed)


# -- no lost edits -------------------------------------------------------------------------------

def test_an_edit_begun_before_another_is_saved_is_refused_then_reapplied_on_top(editorial):
    fact_id = "satpel-pvp-kupang"
    edit(editorial, ALICE, fact_id, "note", "Catatan dari Alice.")
    edit(editorial, BOB, fact_id, "statement", "Pernyataan baru yang ditulis oleh Bob hari ini.")
    editorial.finish(BOB)
    with pytest.raises(UserError) as refused:
        editorial.finish(ALICE)
    assert refused.value.key == "mod.stale" and "statement" in refused.value.message("en")
    assert editorial.fact(fact_id).note != "Catatan dari Alice."  # nothing saved
    editorial.reapply(ALICE)
    saved = editorial.finish(ALICE).fact
    assert saved.statement == "Pernyataan baru yang ditulis oleh Bob hari ini." and saved.note == "Catatan dari Alice."


def test_reapplying_is_refused_when_both_changed_the_same_part(editorial):
    fact_id = "satpel-pvp-kupang"
    edit(editorial, ALICE, fact_id, "statement", "Versi Alice dari pernyataan ini.")
    edit(editorial, BOB, fact_id, "statement", "Versi Bob dari pernyataan ini.")
    editorial.finish(BOB)
    with pytest.raises(UserError) as refused:
        editorial.reapply(ALICE)
    assert refused.value.key == "mod.stale_conflict"
    assert editorial.fact(fact_id).statement == "Versi Bob dari pernyataan ini."


def test_two_proposals_on_one_fact_cannot_undo_each_other(editorial):
    editorial.review = REVIEW_TWO_PERSON
    fact_id = "satpel-pvp-kupang"
    edit(editorial, ALICE, fact_id, "statement", "Pernyataan usulan Alice yang pertama.")
    first = editorial.finish(ALICE).proposal_id
    edit(editorial, ALICE, fact_id, "note", "Catatan usulan kedua.")
    second = editorial.finish(ALICE).proposal_id
    editorial.approve(str(first), BOB)
    with pytest.raises(UserError) as refused:
        editorial.approve(str(second), BOB)
    assert refused.value.key == "mod.proposal_stale"
    approved = editorial.approve(str(second), BOB, reapply=True).fact
    assert approved.statement == "Pernyataan usulan Alice yang pertama." and approved.note == "Catatan usulan kedua."


def test_an_approval_on_a_stale_base_sends_no_correction_with_old_text(editorial, service):
    citizens = editorial.citizens
    fact = editorial.fact("satpel-pvp-kupang")
    citizens.record_delivery(10, citizens.hash(10), fact.id, fact.revision)
    editorial.review = REVIEW_TWO_PERSON
    edit(editorial, ALICE, fact.id, "statement", "Pernyataan pertama yang diusulkan.")
    first = editorial.finish(ALICE).proposal_id
    edit(editorial, ALICE, fact.id, "statement", "Pernyataan kedua yang diusulkan.")
    second = editorial.finish(ALICE).proposal_id
    editorial.approve(str(first), BOB)
    with pytest.raises(UserError):
        editorial.approve(str(second), BOB, reapply=True)  # both change the statement
    corrections = service.store.newsroom.notices()
    assert [(n["kind"], n["chat_id"]) for n in corrections if n["kind"] == "correction"] == [("correction", 10)]


# -- review with the change in view ----------------------------------------------------------------

def test_a_proposal_shows_what_it_changes_and_the_proposer_hears_the_outcome(editorial, service):
    editorial.review = REVIEW_TWO_PERSON
    edit(editorial, ALICE, "satpel-pvp-kupang", "note", "Catatan untuk ditinjau.")
    number = editorial.finish(ALICE).proposal_id
    proposal, changes = editorial.proposal(str(number), BOB)
    assert [(c.name, c.after) for c in changes] == [("note", "Catatan untuk ditinjau.")]
    editorial.reject(str(number), "Sumbernya belum jelas.", BOB)
    [told] = service.store.newsroom.notices()
    assert (told["kind"], told["chat_id"]) == (REVIEWED, ALICE) and "Sumbernya belum jelas." in told["payload"]


def test_under_two_person_review_retracting_and_restoring_are_proposals(editorial):
    editorial.review = REVIEW_TWO_PERSON
    fact_id = "satpel-pvp-kupang"
    outcome = editorial.retract(fact_id, "Sumber ditarik.", ALICE)
    assert outcome.proposal_id and editorial.fact(fact_id).status == "active"
    editorial.approve(str(outcome.proposal_id), BOB)
    assert editorial.fact(fact_id).status == "retracted"
    restored = editorial.restore(fact_id, BOB)
    assert restored.proposal_id and editorial.fact(fact_id).status == "retracted"


# -- complete facts from the chat ----------------------------------------------------------------

def test_a_new_fact_takes_typed_dates_confidence_and_defaults_to_today_in_the_newsroom(editorial):
    write_new_fact(editorial, ALICE)
    saved = editorial.finish(ALICE).fact
    assert saved.as_of == editorial.today().isoformat()
    assert saved.sources[0].published == "2024-02-03" and saved.confidence == "medium"
    write_new_fact(editorial, BOB, statement="Nelayan Pulau Kera menerima bantuan jaring dari dinas pada 2021.",
                   as_of="17 Oktober 2021")
    assert editorial.finish(BOB).fact.as_of == "2021-10-17"


@pytest.mark.parametrize("typed, iso", [("17 Oktober 2021", "2021-10-17"), ("Oct 17, 2021", "2021-10-17"),
                                        ("17/10/2021", "2021-10-17"), ("2021-10", "2021-10"),
                                        ("kemarin", "2026-01-09")])
def test_dates_are_read_as_moderators_type_them(typed, iso):
    from bot.editorial.drafts import parse_date

    assert parse_date(typed, today=date(2026, 1, 10)) == iso


def test_a_date_that_is_no_date_is_asked_again(editorial):
    editorial.start_add(ALICE)
    editorial.answer(ALICE, STATEMENT)
    editorial.choose(ALICE, "none")
    editorial.link(ALICE, "https://example.org/semau", live=True)
    with pytest.raises(UserError, match="not a date"):
        editorial.answer(ALICE, "Pos Kupang, besok lusa kapan-kapan")
    assert editorial.draft(ALICE).step == "publisher"


def test_editing_the_statement_keeps_the_english_marked_for_review(editorial):
    fact = editorial.fact("satpel-pvp-kupang")
    assert fact.statement_en
    edit(editorial, ALICE, fact.id, "statement", "Pernyataan yang diperbarui moderator hari ini.")
    saved = editorial.finish(ALICE).fact
    assert saved.statement_en == fact.statement_en and saved.stale_en == ("statement",)
    assert saved.text("statement", "en") == "Pernyataan yang diperbarui moderator hari ini."
    edit(editorial, ALICE, fact.id, "statement_en", "The statement as updated by a moderator today.")
    reviewed = editorial.finish(ALICE).fact
    assert reviewed.stale_en == () and reviewed.text("statement", "en").startswith("The statement as updated")


def test_a_draft_survives_a_restart(editorial, service):
    editorial.start_add(ALICE)
    editorial.answer(ALICE, STATEMENT)
    again = Editorial(service.store, editorial.citizens, service.analyzer, service.topics, frozenset({OWNER}))
    assert again.is_drafting(ALICE)
    assert again.draft(ALICE).step == "verdict" and again.draft(ALICE).values["statement"] == STATEMENT


def test_new_ids_are_readable_unique_and_free_of_markup(editorial):
    assert editorial.new_id("<b>Nelayan</b> Pulau Semau menerima bantuan perahu") == \
        "nelayan-pulau-semau-menerima-bantuan-perahu"
    write_new_fact(editorial, ALICE)
    editorial.finish(ALICE)
    assert editorial.new_id(STATEMENT) == "nelayan-pulau-semau-menerima-bantuan-perahu-2"


def test_editing_needs_a_fact_id(editorial):
    with pytest.raises(UserError) as missing:
        editorial.start_edit(ALICE, "")
    assert missing.value.key == "mod.usage"


# -- the queue, statistics, feedback, times --------------------------------------------------------

def test_similar_questions_are_grouped_and_different_ones_are_not(editorial):
    citizens = editorial.citizens
    for n, text in enumerate(["kapan bantuan nelayan semau cair", "bantuan nelayan semau kapan cair?",
                              "cara daftar kartu tani", "kapan cair bantuan nelayan di semau"]):
        citizens.queue_question(citizens.hash(n), n, text, editorial.analyzer.normalizer.normalize(text))
    groups = editorial.question_groups(ALICE)
    assert [g.count for g in groups] == [3, 1]
    assert groups[1].text == "cara daftar kartu tani"


def test_a_question_forwarded_twice_is_queued_once(editorial):
    citizens = editorial.citizens
    first = citizens.queue_question(citizens.hash(7), 7, "kapan cair", "kapan cair")
    second = citizens.queue_question(citizens.hash(7), 7, "kapan cair", "kapan cair")
    assert first == (first[0], True) and second == (first[0], False)
    assert len(citizens.open_questions()) == 1


def test_corrections_go_only_to_reachable_chats_that_got_an_older_version(editorial, service):
    citizens = editorial.citizens
    fact = editorial.fact("satpel-pvp-kupang")
    citizens.record_delivery(10, citizens.hash(10), fact.id, fact.revision)
    citizens.record_delivery(11, citizens.hash(11), fact.id, fact.revision)
    citizens.set_active(citizens.hash(11), False)
    edit(editorial, ALICE, fact.id, "statement", "Versi baru yang benar dari pernyataan ini.")
    edited = editorial.finish(ALICE)
    assert edited.substantive and edited.notices == 1
    assert [(n["chat_id"], n["kind"]) for n in service.store.newsroom.notices()] == [(10, "correction")]
    edit(editorial, ALICE, fact.id, "keywords", "satpel")
    assert editorial.finish(ALICE).notices == 0


def test_statistics_median_answer_time_feedback_once_and_no_common_words(editorial, service):
    citizens = editorial.citizens
    now = datetime.now(UTC)
    for n, hours in enumerate([1, 3, 8]):
        qid, _ = citizens.queue_question(citizens.hash(n), n, f"pertanyaan {n}", f"pertanyaan {n}")
        service.store.db["questions"].update(qid, {"status": "answered",
                                                   "asked_at": (now - timedelta(hours=hours)).isoformat(),
                                                   "answered_at": now.isoformat(timespec="seconds")})
    citizens.log_query("a", True, "x", ["bsu", "hari"])
    citizens.log_query("b", False, None, ["bsu", "blk", "hari"])
    for _ in range(5):
        citizens.record_feedback("a", "x", 1, True)
    citizens.record_feedback("b", "x", 1, False)
    stats = editorial.statistics(ALICE)
    assert stats["median_hours_to_answer"] == pytest.approx(3, abs=0.01)
    assert stats["today"] == 2 and stats["answered_share"] == 0.5
    assert stats["top_terms"][0] == ("bsu", 2) and "hari" not in dict(stats["top_terms"])
    assert (stats["feedback"], stats["helpful_share"]) == (2, 0.5)


def test_times_are_shown_in_the_newsroom_zone(editorial):
    assert editorial.local_time("2026-11-29T05:00:00+00:00") == "2026-11-29 13:00 WITA"


# -- words ---------------------------------------------------------------------------------------

def test_a_moderator_teaches_a_chat_word_which_changes_matching_and_is_audited(editorial, service):
    question = "zorblak ekstrem di NTT, kabupaten prioritas 2021 mana saja"
    before = service.checker.check(question)
    word, standard, _ = editorial.teach_word("zorblak = kemiskinan", ALICE)
    assert (word, standard) == ("zorblak", "kemiskinan")
    after = service.checker.check(question)
    assert after.answered and after.matches[0].fact.id == "ntt-2021-kabupaten-prioritas"
    assert "zorblak" not in after.terms and (not before.answered or before.terms != after.terms)
    [row] = [r for r in service.store.audit_rows() if r["action"] == "word:add"]
    assert row["actor"] == f"mod:{ALICE}" and "zorblak" in row["detail"]


def test_a_word_taught_as_topicless_is_dropped_from_questions(editorial, service):
    editorial.teach_word("kakaknya -", ALICE)
    assert "kakaknya" not in service.checker.check("kakaknya BLK Kupang").terms


def test_taught_words_survive_a_restart(editorial, db_path):
    from bot.config import Settings
    from bot.service import open_service

    editorial.teach_word("zorblak = kemiskinan", ALICE)
    again = open_service(Settings(db_path=db_path))
    assert again.analyzer.normalizer.normalize("zorblak") == "kemiskinan"


@pytest.mark.parametrize("text", ["zorblak", "= tidak", "bsu = bantuan", "x" * 50 + " = tidak"])
def test_a_bad_or_reserved_word_is_refused(editorial, text):
    with pytest.raises(UserError):
        editorial.teach_word(text, ALICE)


def test_a_new_fact_never_overwrites_one_added_meanwhile_under_the_same_id(editorial):
    write_new_fact(editorial, ALICE)
    alice = editorial.preview(ALICE)  # the id is chosen now
    write_new_fact(editorial, BOB, statement=STATEMENT.replace("2024", "tahun 2024"))
    bob = editorial.finish(BOB).fact
    assert bob.id == alice.id
    with pytest.raises(UserError) as refused:
        editorial.finish(ALICE)
    assert refused.value.key == "mod.id_taken"
    assert editorial.fact(bob.id).statement == bob.statement and editorial.fact(bob.id).revision == 1
