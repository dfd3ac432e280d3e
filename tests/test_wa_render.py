"""WhatsApp's own rules, from the same answer as Telegram's: markup, message and button limits."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import messages
from bot.citizens import Citizens
from bot.hotline import Hotline
from bot.wa import render


@pytest.fixture
def hotline(seeded_service):
    return Hotline(seeded_service)


def test_whatsapp_and_telegram_render_the_same_answer_in_their_own_markup(hotline):
    reply = hotline.ask("BSU hoaks")
    html_text, wa_text = reply.text(messages.HTML), reply.text(messages.WHATSAPP)
    assert html_text.startswith("<b>❌ HOAKS</b>") and wa_text.startswith("*❌ HOAKS*")
    assert "\n_Klaim yang beredar:" in wa_text and "<i>Klaim yang beredar:" in html_text
    fact = reply.best.fact
    assert fact.statement in wa_text and messages.escape(fact.statement) in html_text
    for source in fact.sources:  # Telegram links the publisher; WhatsApp shows the address on the next line
        assert source.publisher in wa_text and (not source.url or f"\n  {source.url}" in wa_text)


def test_four_choices_become_a_list_and_long_titles_are_cut_between_words():
    options = [render.Option(f"f:{n}:1", "Lima kabupaten prioritas penanggulangan kemiskinan ekstrem") for n in range(4)]
    choices = render.choices("Lihat juga:", options, "Pilih")
    assert choices.buttons == () and len(choices.rows) == 4
    for row in choices.rows:
        assert len(row.title) <= 24 and row.title == "Lima kabupaten…"
        assert row.description.startswith("Lima kabupaten prioritas")


def test_three_short_choices_are_buttons_and_more_than_ten_rows_are_never_sent():
    assert len(render.choices("?", [render.Option(str(n), f"Pilihan {n}") for n in range(3)], "Pilih").buttons) == 3
    assert len(render.choices("?", [render.Option(str(n), f"Pilihan {n}") for n in range(14)], "Pilih").rows) == 10


@given(st.text(alphabet="abc déf\n", min_size=0, max_size=200), st.integers(min_value=5, max_value=40))
def test_shortened_titles_fit_and_keep_whole_words(text, limit):
    short = messages.shorten_words(text, limit)
    assert len(short) <= limit
    words = " ".join(text.split()).split(" ")
    kept = short.removesuffix("…").split()
    if len(kept) > 1 or (kept and len(words[0]) < limit):
        assert all(word in words for word in kept)


@given(st.lists(st.text(alphabet="ab cd", min_size=1, max_size=300), min_size=1, max_size=40))
def test_split_text_keeps_every_word_and_respects_the_limit(paragraphs):
    text = "\n\n".join(paragraphs)
    parts = messages.split_text(text, 500)
    assert all(len(p) <= 500 for p in parts)
    assert " ".join(" ".join(parts).split()) == " ".join(text.split())


def test_an_unanswered_question_offers_consent_as_two_buttons(seeded_service):
    reply = Hotline(seeded_service, Citizens(seeded_service.store, "salt")).ask("harga cengkeh di alor hari ini")
    outgoing = render.render_reply(reply)
    assert [o.id for o in outgoing.choices.buttons] == ["q", "q:no"]
    assert all(len(o.title) <= render.BUTTON_TITLE for o in outgoing.choices.buttons)
