"""The hotline service every channel calls: the reply and its side effects as data, the same statistics
whatever the channel."""

from __future__ import annotations

import pytest

from bot import messages
from bot.citizens import Citizens
from bot.hotline import CONSOLE, TELEGRAM, WHATSAPP, Hotline


@pytest.fixture
def hotline(service):
    return Hotline(service, Citizens(service.store, salt="uji"))


def test_an_answer_numbers_its_choices_and_offers_no_consent(hotline, service):
    reply = hotline.ask("BSU hoaks", "h1")
    assert reply.answer.answered and not reply.offer_consent
    assert reply.best.number == service.store.number(reply.best.fact.id)
    assert [c.fact.id for c in reply.see_also] == [m.fact.id for m in reply.answer.matches[1:]]
    assert reply.shown == (reply.best.fact.id, reply.best.fact.revision)
    assert "bsu" in reply.terms


def test_nothing_verified_offers_consent_and_records_no_delivery(hotline, service):
    reply = hotline.ask("harga cengkeh di alor hari ini", "h1")
    assert reply.offer_consent and reply.best is None and reply.shown is None
    hotline.record(reply, 42, WHATSAPP)
    assert service.store.people.queries_since("2000-01-01") == 1
    assert service.store.newsroom.db["deliveries"].count == 0


def test_the_reply_language_is_the_citizens_choice_else_the_message_language(hotline):
    assert hotline.ask("is the BSU form a hoax?", "h1").lang == "en"
    hotline.citizens.set_lang("h2", "id")
    assert hotline.ask("is the BSU form a hoax?", "h2").lang == "id"
    assert hotline.ask("BSU hoaks", "h3", fixed_lang="en").lang == "en"


def test_a_citizen_who_writes_again_is_reachable_again(hotline):
    hotline.citizens.set_active("h1", False)
    hotline.ask("BSU hoaks", "h1")
    assert hotline.citizens.is_active("h1")


@pytest.mark.parametrize("channel", [TELEGRAM, WHATSAPP])
def test_statistics_and_deliveries_are_the_same_on_every_channel(hotline, service, channel):
    reply = hotline.ask("BSU hoaks", "h1")
    hotline.record(reply, 6281234567890, channel)
    people = service.store.people
    assert people.queries_since("2000-01-01") == 1 and people.answered_since("2000-01-01") == 1
    fact_id, revision = reply.shown
    [recipient] = people.recipients_before(fact_id, revision + 1)
    assert recipient == (6281234567890, "h1", channel)  # a correction goes back on the channel it came from


def test_the_console_counts_in_the_statistics_but_keeps_no_chat(hotline, service):
    reply = hotline.ask("BSU hoaks", "console")
    hotline.record(reply, None, CONSOLE)
    assert service.store.people.queries_since("2000-01-01") == 1
    assert service.store.newsroom.db["deliveries"].count == 0


def test_the_reply_renders_the_same_answer_for_every_format(hotline):
    reply = hotline.ask("BSU hoaks", "h1")
    html_text, plain = reply.text(messages.HTML), reply.text(messages.TEXT)
    assert "<b>" in html_text and "<b>" not in plain
    assert reply.best.fact.text("statement", "id")[:40] in plain


def test_a_forwarded_question_is_queued_once_and_answered_on_its_channel(hotline, service):
    assert hotline.forward("h1", 6281234567890, "kapan cair bantuan nelayan semau?", WHATSAPP)
    assert not hotline.forward("h1", 6281234567890, "kapan cair bantuan nelayan semau?", WHATSAPP)
    [question] = service.store.people.open_questions()
    [asker] = service.store.people.close_questions((question.id,), "answered", "mod", "padat-karya-ntt")
    assert asker == (6281234567890, "h1", WHATSAPP)


def test_a_stale_or_forged_choice_names_no_fact_and_stores_no_vote(hotline, service):
    reply = hotline.ask("BSU hoaks", "h1")
    best = reply.best
    assert hotline.pick(f"{best.number}:{best.fact.revision}").fact == best.fact
    assert hotline.pick(f"{best.number}:0").updated
    for forged in ("", "x:1", "99999999:1", "-1:1", "²:1"):
        assert hotline.pick(forged).fact is None
    assert not hotline.feedback("h1", f"{best.number}:{best.fact.revision}:2")
    assert hotline.feedback("h1", f"{best.number}:{best.fact.revision}:1")
    assert service.store.people.feedback_since("2000-01-01") == (1, 1)
