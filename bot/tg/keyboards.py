"""Inline keyboards and their callback data.

Callback data is limited to 64 bytes, so facts are named by their integer key and revision:
`f:<num>:<revision>`. A button made before a fact changed still works and says so.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import messages
from bot.models import Fact

FACT = "f"  # f:<num>:<revision>          show a fact
TOPIC = "t"  # t  (all topics) | t:<key>   browse topics
FEEDBACK = "fb"  # fb:<num>:<revision>:<1|0>
CONSENT = "q"  # q                          forward the question this message answers
LANGUAGE = "l"  # l:<id|en>
BUTTON_TEXT = 60


def fact_data(num: int, fact: Fact) -> str:
    """Callback data showing a fact."""
    return f"{FACT}:{num}:{fact.revision}"


def answer_markup(see_also: list[tuple[int, Fact]], best: tuple[int, Fact], lang: str) -> InlineKeyboardMarkup:
    """"See also" buttons for close facts, then the feedback row."""
    rows = [[InlineKeyboardButton(messages.t("tg.see_also_button", lang,
                                             headline=messages.headline(fact, lang, BUTTON_TEXT)),
                                  callback_data=fact_data(num, fact))] for num, fact in see_also]
    num, fact = best
    rows.append([
        InlineKeyboardButton(messages.t("tg.helpful", lang), callback_data=f"{FEEDBACK}:{num}:{fact.revision}:1"),
        InlineKeyboardButton(messages.t("tg.not_helpful", lang), callback_data=f"{FEEDBACK}:{num}:{fact.revision}:0"),
    ])
    return InlineKeyboardMarkup(rows)


def without_feedback(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """The same keyboard with the feedback row removed (once feedback is given)."""
    if markup is None:
        return None
    rows = [row for row in markup.inline_keyboard
            if not any(str(b.callback_data or "").startswith(f"{FEEDBACK}:") for b in row)]
    return InlineKeyboardMarkup(rows) if rows else None


def consent_markup(lang: str) -> InlineKeyboardMarkup:
    """The button asking consent to forward an unanswered question to moderators."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(messages.t("tg.consent_button", lang), callback_data=CONSENT)]])


def topics_markup(topics: dict[str, dict[str, str]], counts: dict[str, int], lang: str) -> InlineKeyboardMarkup:
    """One button per topic that has facts."""
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(f"{labels.get(lang) or labels['id']} ({counts[key]})", callback_data=f"{TOPIC}:{key}")]
        for key, labels in topics.items() if counts.get(key)
    ])


def topic_facts_markup(facts: list[tuple[int, Fact]], lang: str) -> InlineKeyboardMarkup:
    """One button per fact of a topic, and a way back."""
    rows = [[InlineKeyboardButton(messages.headline(fact, lang, BUTTON_TEXT), callback_data=fact_data(num, fact))]
            for num, fact in facts]
    rows.append([InlineKeyboardButton(messages.t("tg.back", lang), callback_data=TOPIC)])
    return InlineKeyboardMarkup(rows)


def language_markup() -> InlineKeyboardMarkup:
    """Both languages, each named in itself."""
    return InlineKeyboardMarkup([[InlineKeyboardButton("🇮🇩 Bahasa Indonesia", callback_data=f"{LANGUAGE}:id"),
                                  InlineKeyboardButton("🇬🇧 English", callback_data=f"{LANGUAGE}:en")]])
