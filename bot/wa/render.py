"""Hotline replies as WhatsApp messages: `*bold*` text of at most 4,096 characters, then the choices as
at most 3 reply buttons or one list of at most 10 rows. Pure: no network, no pywa.

Button and row ids use the same short forms as Telegram's callback data (`f:<num>:<revision>`,
`fb:<num>:<revision>:<1|0>`, `q`…), so a choice made on an old message still names its fact.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import messages
from bot.hotline import Choice, Reply
from bot.models import Fact

TEXT_LIMIT = 4096  # characters of a text message
BODY_LIMIT = 1024  # characters of an interactive message's body
MAX_BUTTONS = 3
BUTTON_TITLE = 20
MAX_ROWS = 10
ROW_TITLE = 24
ROW_DESCRIPTION = 72
LIST_BUTTON = 20
SECTION_TITLE = 24

FACT, FEEDBACK, CONSENT, NO_CONSENT, TOPIC, LANGUAGE, FORGET = "f", "fb", "q", "q:no", "t", "l", "hd"


@dataclass(frozen=True)
class Option:
    """One reply button or list row: the id WhatsApp sends back, its title and (rows only) a description."""

    id: str
    title: str
    description: str = ""
    section: str = ""  # the list section it belongs in


@dataclass(frozen=True)
class Choices:
    """An interactive message: a body and either buttons (≤ 3) or list rows (≤ 10)."""

    body: str
    buttons: tuple[Option, ...] = ()
    rows: tuple[Option, ...] = ()
    list_button: str = ""


@dataclass(frozen=True)
class Outgoing:
    """What to send for one reply: text messages in order, then the choices if any."""

    texts: tuple[str, ...]
    choices: Choices | None = None


def choices(body: str, options: list[Option], list_button: str) -> Choices:
    """Reply buttons when there are at most 3 and every title fits in 20 characters, else a list of at
    most 10 rows whose titles are cut between words to 24 characters (the whole title goes into the
    row's description when it did not fit)."""
    body = messages.shorten_words(body, BODY_LIMIT) if len(body) > BODY_LIMIT else body
    if len(options) <= MAX_BUTTONS and all(len(o.title) <= BUTTON_TITLE for o in options):
        return Choices(body, buttons=tuple(options))
    rows = []
    for option in options[:MAX_ROWS]:
        title = messages.shorten_words(option.title, ROW_TITLE)
        description = option.description or (option.title if title != option.title else "")
        rows.append(Option(option.id, title, messages.shorten_words(description, ROW_DESCRIPTION) if description
                           else "", option.section))
    return Choices(body, rows=tuple(rows), list_button=messages.shorten_words(list_button, LIST_BUTTON))


def fact_option(choice: Choice, lang: str, section: str = "") -> Option:
    """A fact to pick, as a list row: its headline (verdict first), cut between words."""
    fact = choice.fact
    return Option(f"{FACT}:{choice.number}:{fact.revision}", messages.headline(fact, lang, 200), section=section)


def feedback_options(choice: Choice, lang: str, section: str = "") -> list[Option]:
    """👍 / 👎 for the fact a citizen was shown."""
    key = f"{FEEDBACK}:{choice.number}:{choice.fact.revision}"
    return [Option(f"{key}:1", messages.t("wa.helpful", lang), section=section),
            Option(f"{key}:0", messages.t("wa.not_helpful", lang), section=section)]


def render_reply(reply: Reply) -> Outgoing:
    """A hotline reply for WhatsApp: the same answer as Telegram's, in WhatsApp's markup, then its
    "Lihat juga" choices and feedback, or the offer to forward the question."""
    lang = reply.lang
    text = reply.text(messages.WHATSAPP)
    if reply.share_url_line:
        text += "\n\n" + reply.share_url_line
    texts = tuple(messages.split_text(text, TEXT_LIMIT))
    if reply.best is not None:
        also = messages.t("wa.see_also_section", lang)
        rating = messages.t("wa.feedback_section", lang)
        options = [fact_option(c, lang, also) for c in reply.see_also[:MAX_ROWS - 2]]
        options += feedback_options(reply.best, lang, rating)
        body = messages.t("wa.choices" if reply.see_also else "wa.rate", lang)
        return Outgoing(texts, choices(body, options, messages.t("wa.choices_button", lang)))
    if reply.offer_consent:
        options = [Option(CONSENT, messages.t("wa.consent_button", lang)),
                   Option(NO_CONSENT, messages.t("wa.no_thanks", lang))]
        return Outgoing(texts, choices(messages.t("tg.consent_prompt", lang), options, ""))
    return Outgoing(texts)


def render_fact(fact: Fact, number: int, lang: str, updated: bool = False) -> Outgoing:
    """A fact picked from a list, with feedback buttons."""
    text = messages.render_fact(fact, lang, messages.WHATSAPP)
    if updated:
        text = messages.t("tg.updated", lang) + "\n\n" + text
    options = feedback_options(Choice(number, fact), lang)
    return Outgoing(tuple(messages.split_text(text, TEXT_LIMIT)),
                    choices(messages.t("wa.rate", lang), options, messages.t("wa.choices_button", lang)))


def render_topics(topics: dict[str, dict[str, str]], counts: dict[str, int], lang: str) -> Outgoing:
    """The topics that have facts, as choices."""
    options = [Option(f"{TOPIC}:{key}", labels.get(lang) or labels["id"], f"{counts[key]}")
               for key, labels in topics.items() if counts.get(key)]
    return Outgoing((), choices(messages.t("wa.topics", lang), options, messages.t("wa.topics_button", lang)))


def render_topic_facts(topic: str, numbered: list[Choice], lang: str) -> Outgoing:
    """A topic's facts as a list (the first ten)."""
    options = [fact_option(c, lang) for c in numbered[:MAX_ROWS]]
    body = messages.t("wa.topic_facts", lang, topic=topic)
    return Outgoing((), choices(body, options, messages.t("wa.facts_button", lang)))


def render_notice(text_format_body: str) -> tuple[str, ...]:
    """A notice's text, split into messages."""
    return tuple(messages.split_text(text_format_body, TEXT_LIMIT))
