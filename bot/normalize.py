"""Pure text normalisation: the same function prepares citizens' messages and the knowledge base.

Steps: Unicode NFKC, lower case, accents, zero-width and control characters removed,
numbers written one way, punctuation collapsed, then phrases rewritten to a canonical
form (acronyms, slang, misspellings, English terms) from a lexicon given as data.
This module imports nothing from the bot.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

MAX_TOKEN_CHARS = 40  # longer "words" are URLs, hashes or junk: never useful keywords

_CONTROL_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}
_APOSTROPHE = re.compile(r"(?<=\w)['\u2019\u02bc`](?=\w)")
_CURRENCY = re.compile(r"\b(rp|idr|usd|us)\s*\$?\s*\.?\s*(?=\d)")
_DOLLAR = re.compile(r"\$\s*(?=\d)")
_THOUSANDS = re.compile(r"(?<=\d)[.,](?=\d{3}(?!\d))")
_DECIMAL = re.compile(r"(?<=\d)[.,](?=\d)")
_TOKEN = re.compile(r"[a-z0-9]+")
_DECIMAL_TOKEN = re.compile(r"(?<=\d)d(?=\d)")


def clean(text: str) -> str:
    """Unicode-normalise and lower-case `text`; drop accents, zero-width and control characters."""
    text = unicodedata.normalize("NFKC", text).casefold()
    out = []
    for ch in unicodedata.normalize("NFKD", text):
        category = unicodedata.category(ch)
        if category == "Mn":  # combining accents: é -> e
            continue
        if category in _CONTROL_CATEGORIES:
            # Zero-width characters join what they split; other controls (tab, newline, NUL) separate.
            out.append(" " if ch in "\t\n\r\x0b\x0c\x00" or category == "Cc" else "")
            continue
        out.append(ch)
    return "".join(out)


def tokenize(text: str) -> list[str]:
    """Split cleaned text into word tokens, writing numbers one way.

    Thousands separators go ("212.672" and "212,672" -> "212672"); a decimal separator becomes
    "d" ("17,47" and "17.47" -> "17d47") so that a decimal stays one token; "%" becomes "persen".
    """
    text = _APOSTROPHE.sub("", clean(text))
    text = text.replace("%", " persen ")
    text = _CURRENCY.sub(lambda m: f" {m.group(1)} ", text)
    text = _DOLLAR.sub(" us ", text)
    text = _THOUSANDS.sub("", text)
    text = _DECIMAL.sub("d", text)
    return [t for t in _TOKEN.findall(text) if len(t) <= MAX_TOKEN_CHARS]


def display_token(token: str) -> str:
    """A token as a person would write it ("17d47" -> "17,47")."""
    return _DECIMAL_TOKEN.sub(",", token)


class Normalizer:
    """Rewrites token sequences to canonical forms, longest phrase first.

    `phrases` maps a variant ("nusa tenggara timur", "yg", "ekstrim") to its canonical form
    ("ntt", "yang", "ekstrem"). Canonical forms map to themselves, so a canonical phrase is
    never broken up by a shorter variant inside it, and normalising twice changes nothing.
    """

    def __init__(self, phrases: Mapping[str, str]):
        self._table: dict[tuple[str, ...], tuple[str, ...]] = {}
        for variant, canonical in phrases.items():
            target = tuple(tokenize(canonical))
            self._table[tuple(tokenize(variant))] = target
            self._table.setdefault(target, target)
        self._longest = max((len(k) for k in self._table), default=1)

    def tokens(self, text: str) -> list[str]:
        """The canonical tokens of `text`."""
        return self.canonical(tokenize(text))

    def canonical(self, tokens: Iterable[str]) -> list[str]:
        """Rewrite already tokenised text to canonical tokens.

        A rewrite can form a new variant with its neighbour ("nmr ktp" -> "nomor ktp" -> "nik"),
        so passes repeat until nothing changes (a few at most; the bound guards a cyclic lexicon).
        """
        words = list(tokens)
        for _ in range(4):
            rewritten = self._rewrite(words)
            if rewritten == words:
                break
            words = rewritten
        return words

    def _rewrite(self, words: list[str]) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(words):
            for size in range(min(self._longest, len(words) - i), 0, -1):
                replacement = self._table.get(tuple(words[i:i + size]))
                if replacement is not None:
                    out.extend(replacement)
                    i += size
                    break
            else:
                out.append(words[i])
                i += 1
        return out

    def normalize(self, text: str) -> str:
        """`text` as one string of canonical tokens separated by single spaces."""
        return " ".join(self.tokens(text))
