"""The citizens' hotline, channel-free: a question in, the reply and its side effects out, as data.

Every edge (Telegram, WhatsApp, the console) calls `Hotline.ask`, renders the `Reply` its own way,
sends it, and then calls `Hotline.record` with where it arrived. So the steps around matching
(reactivating the citizen, choosing the reply language, numbering the "Lihat juga" choices, offering
consent, the query log and the delivery record) are the same on every channel, and so are the
statistics. Nothing here knows a channel's markup or API.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot import messages
from bot.models import Answer, Fact

if TYPE_CHECKING:  # `cekfakta ask` records nothing, so it starts without the citizens' cryptography
    from bot.citizens import Citizens
    from bot.service import Service

TELEGRAM, WHATSAPP, CONSOLE = "tg", "wa", "console"
MAX_NUMBER = 2**53  # numbers in buttons and commands: ASCII digits, 1 up to this (SQLite's integers are 64-bit)
# Citizens' commands as channels without a command menu (WhatsApp, the console) take them: a word or
# two, with or without a leading "/", in any case. Each edge shows them its own way.
COMMANDS = {
    "topik": "topics", "topics": "topics", "menu": "topics",
    "bahasa": "language", "language": "language",
    "hapusdata": "forget", "hapus data": "forget", "deletedata": "forget", "delete data": "forget",
    "bantuan": "help", "help": "help",
    "start": "start", "mulai": "start",
}


def command_of(text: str) -> str | None:
    """The citizen command `text` is ("topics", "language", "forget", "help", "start"), else None: a question."""
    return COMMANDS.get(" ".join(text.lower().strip().lstrip("/").split()))


@dataclass(frozen=True)
class Choice:
    """A fact a citizen can pick (a "Lihat juga" button or list row), by its stable number."""

    number: int
    fact: Fact


@dataclass(frozen=True)
class Reply:
    """What to say to a citizen's question and what to record once it is sent."""

    answer: Answer
    lang: str
    user_hash: str
    best: Choice | None  # the answering fact, numbered (feedback is about it)
    see_also: tuple[Choice, ...]  # other close facts, numbered, to offer as choices
    offer_consent: bool  # nothing verified answers: offer to forward the question to moderators
    share_url_line: str  # a plain-text link to the fact's public page, "" without CEKFAKTA_PUBLIC_URL
    shown: tuple[str, int] | None  # (fact id, revision) a citizen reads once the reply arrives
    terms: tuple[str, ...]  # the question's index words, for statistics (never the message)

    def text(self, fmt: str) -> str:
        """The reply's body in `fmt` (messages.HTML, WHATSAPP or TEXT), without choices or buttons."""
        return messages.render_answer(self.answer, self.lang, fmt, see_also=False)


@dataclass(frozen=True)
class Picked:
    """A fact a citizen chose: None when the choice is stale (unknown or unpublished fact)."""

    fact: Fact | None
    number: int
    retracted: bool = False
    updated: bool = False  # changed since the choice was offered


class Hotline:
    """Citizens' use cases over the core: ask, record what an edge sent, pick a fact, give feedback,
    forward a question to the moderators."""

    def __init__(self, service: Service, citizens: Citizens | None = None):
        self.service = service
        self.citizens = citizens

    def lang_of(self, user_hash: str | None) -> str:
        """A citizen's chosen language, else the configured default."""
        chosen = self.citizens.lang(user_hash) if self.citizens and user_hash else None
        return chosen or self.service.settings.lang

    def ask(self, text: str, user_hash: str = "", fixed_lang: str | None = None) -> Reply:
        """Check `text` for a citizen: reactivates them (they wrote, so they can be reached), picks the
        reply language (theirs, else English for English text), numbers the choices and decides whether
        to offer consent. Writes nothing else: `record` does, after the reply is sent."""
        if self.citizens is not None and user_hash and not self.citizens.is_active(user_hash):
            self.citizens.set_active(user_hash, True)
        service = self.service
        answer = service.checker.check(text)
        chosen = fixed_lang or (self.citizens.lang(user_hash) if self.citizens and user_hash else None)
        lang = messages.reply_language(answer, chosen, service.settings.lang)
        best: Choice | None = None
        see_also: tuple[Choice, ...] = ()
        link = ""
        if answer.answered:
            numbered = [Choice(service.store.number(m.fact.id) or 0, m.fact) for m in answer.matches]
            best, see_also = numbered[0], tuple(numbered[1:])
            link = messages.share_link(best.fact.id, service.settings.public_url, lang, messages.TEXT)
        shown_fact = answer.matches[0].fact if answer.kind in ("fact", "nearest") and answer.matches else None
        vocabulary = service.store.vocabulary().doc_freq if self.citizens is not None else {}
        return Reply(
            answer=answer, lang=lang, user_hash=user_hash, best=best, see_also=see_also,
            # Not the answer (at most a labelled nearest fact): offer the moderators' queue.
            offer_consent=answer.kind in ("nearest", "not_found"),
            share_url_line=link,
            shown=(shown_fact.id, shown_fact.revision) if shown_fact is not None else None,
            terms=tuple(t for t in answer.terms if t in vocabulary),
        )

    def pick(self, data: str) -> Picked:
        """The fact a "Lihat juga" or topic choice names (`<number>:<revision>`, as in its button), and
        whether it was retracted or changed since the choice was offered."""
        raw_num, _, revision = data.partition(":")
        num = parse_number(raw_num)
        fact = self.service.store.get_by_number(num) if num is not None else None
        if fact is None or num is None or fact.status == "proposed":
            return Picked(None, 0)
        return Picked(fact, num, retracted=fact.status == "retracted", updated=revision != str(fact.revision))

    def feedback(self, user_hash: str, data: str) -> bool:
        """A citizen's 👍/👎 (`<number>:<revision>:<1|0>`, as in its button); False for a stale or forged one.
        One vote per answer: a second replaces the first."""
        parts = data.split(":")
        num, revision = (parse_number(parts[0]), parse_number(parts[1])) if len(parts) == 3 else (None, None)
        fact = self.service.store.get_by_number(num) if num is not None else None
        if fact is None or revision is None or parts[2] not in ("0", "1") or self.citizens is None:
            return False
        self.citizens.record_feedback(user_hash, fact.id, revision, parts[2] == "1")
        return True

    def forward(self, user_hash: str, chat_id: int, text: str, channel: str = TELEGRAM) -> bool:
        """Queue a question the citizen agreed to forward, for the moderators' /antrian; the answer goes
        back to `chat_id` on `channel`. False when it was already queued (a second tap)."""
        if self.citizens is None:
            return False
        normalized = self.service.analyzer.normalizer.normalize(text)
        return self.citizens.queue_question(user_hash, chat_id, text, normalized, channel)[1]

    def record(self, reply: Reply, chat_id: int | None, channel: str = TELEGRAM) -> None:
        """After sending: the query's statistics and, when the reply reached `chat_id` (None: it did not)
        and showed a fact, its delivery, so that a correction can follow. One transaction."""
        if self.citizens is None:
            return
        answer = reply.answer
        best = answer.matches[0].fact.id if answer.answered else None
        delivered = (chat_id, reply.shown[0], reply.shown[1]) if reply.shown and chat_id is not None else None
        self.citizens.record_answer(reply.user_hash, answer.answered, best, list(reply.terms), answer.kind,
                                    delivered, channel)


def parse_number(text: str) -> int | None:
    """A number from a button or a command: ASCII digits only, 1 to 2^53; None for anything else
    ("²", "-5", "0", "99999999999999999999", "1e3")."""
    if not text or len(text) > 16 or not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 0 < value <= MAX_NUMBER else None
