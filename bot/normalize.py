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
_POSSESSIVE = re.compile(r"(?<=\w)['\u2019\u02bc]s\b")  # "NTT's" -> "NTT"; "Ba'a" keeps its letters
_SHORT_YEAR = re.compile(r"(?<=[a-z])\s?['\u2019](\d{2})\b")  # "Mar'21", "thn '22" -> "Mar 2021", "thn 2022"
_APOSTROPHE = re.compile(r"(?<=\w)['\u2019\u02bc`](?=\w)")
_CURRENCY = re.compile(r"\b(rp|idr|usd|us)\s*\$?\s*\.?\s*(?=\d)")
_DOLLAR = re.compile(r"\$\s*(?=\d)")
_THOUSANDS = re.compile(r"(?<=\d)[.,](?=\d{3}(?!\d))")
_DECIMAL = re.compile(r"(?<=\d)[.,](?=\d)")
_TOKEN = re.compile(r"[a-z0-9]+")
_DECIMAL_TOKEN = re.compile(r"(?<=\d)d(?=\d)")
_DECIMAL_WHOLE = re.compile(r"^\d+d\d+$")
_LETTERS_OR_DIGITS = re.compile(r"[a-z]+|\d+")
# Sentences end at . ! ? … before a space, at line breaks, and at a run of emoji between words (chat
# writes "Selamat pagi grup 🙏 katanya …" as two sentences).
_SENTENCE_END = re.compile(r"[.!?\u2026]+(?=\s|$)|[\r\n]+|(?<=\S)\s*[\U0001F300-\U0001FAFF\u2600-\u27BF]+\s+(?=\S)")
_ABBREVIATION = re.compile(r"(?:^|\W)(?:kab|kec|kel|prov|no|tgl|dr|drs|ir|bpk|pak|bu|sdr|jl|rp|st|dll|dsb|dkk|"
                           r"mr|ms|vs|hlm|[a-z])$", re.IGNORECASE)  # a dot after these ends no sentence

# Numbers written as words: "dua puluh koma nol lima" -> 20d05, "dua ribu dua puluh satu" -> 2021.
DIGIT_WORDS = {
    "nol": 0, "kosong": 0, "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7,
    "delapan": 8, "sembilan": 9,
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
}
_WHOLE_WORDS = {  # words that are a whole number on their own
    "sepuluh": 10, "sebelas": 11, "seratus": 100,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_MULTIPLIERS = {"belas": None, "puluh": 10, "ratus": 100, "hundred": 100}  # belas: "tiga belas" = 13
SCALE_WORDS = {"ribu": 1000, "seribu": 1000, "thousand": 1000, "juta": 10**6, "sejuta": 10**6, "million": 10**6,
               "miliar": 10**9, "milyar": 10**9, "semiliar": 10**9, "billion": 10**9}
_SCALE_NAME = {"seribu": "ribu", "sejuta": "juta", "semiliar": "miliar", "thousand": "ribu", "million": "juta",
               "billion": "miliar", "milyar": "miliar"}
_POINT_WORDS = {"koma", "point"}
_NUMBER_WORDS = frozenset({*DIGIT_WORDS, *_WHOLE_WORDS, *_MULTIPLIERS, *SCALE_WORDS, *_POINT_WORDS})


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
    text = _APOSTROPHE.sub("", _POSSESSIVE.sub("", _SHORT_YEAR.sub(r" 20\1", clean(text))))
    text = text.replace("%", " persen ")
    text = _CURRENCY.sub(lambda m: f" {m.group(1)} ", text)
    text = _DOLLAR.sub(" us ", text)
    text = _THOUSANDS.sub("", text)
    text = _DECIMAL.sub("d", text)
    tokens = []
    for token in _TOKEN.findall(text):
        if len(token) > MAX_TOKEN_CHARS:
            continue
        if token.isalnum() and not token.isalpha() and not token.isdigit() and not _DECIMAL_WHOLE.match(token):
            tokens.extend(_LETTERS_OR_DIGITS.findall(token))  # "600rb" -> 600 rb, "inpres4" -> inpres 4
        else:
            tokens.append(token)
    return tokens


def sentences(text: str) -> list[str]:
    """`text` split into sentences (at . ! ? … and line breaks; not after "Kab.", "No." and the like)."""
    parts, start = [], 0
    for end in _SENTENCE_END.finditer(text):
        if end.group(0) == "." and _ABBREVIATION.search(text[start:end.start()]):
            continue
        parts.append(text[start:end.end()])
        start = end.end()
    parts.append(text[start:])
    return [part for part in parts if part.strip()]


def spell_numbers(tokens: list[str]) -> list[str]:
    """Numbers written in words become digits, the way the knowledge base writes them.

    "dua puluh koma nol lima" -> 20d05; "dua ribu dua puluh satu" and "dua ribu dua satu" -> 2021;
    "enam ratus ribu" -> 600 ribu (a number ending in a scale word keeps it, like "600 ribu" typed);
    "satu koma satu empat juta" -> 1d14 juta. Digits are never re-read, so this is idempotent.
    """
    out: list[str] = []
    i = 0
    while i < len(tokens):
        parsed = _read_number(tokens, i)
        if parsed is None:
            out.append(tokens[i])
            i += 1
            continue
        words, i = parsed
        out.extend(words)
    return out


def _read_number(tokens: list[str], start: int) -> tuple[list[str], int] | None:
    total = group = 0
    digit: int | None = None
    j = start
    scale_at_end = ""
    while j < len(tokens):
        word = tokens[j]
        if word in DIGIT_WORDS:
            # Two digit words in a row are read as written ("dua satu" = 21), as in spoken years.
            digit = DIGIT_WORDS[word] if digit is None else digit * 10 + DIGIT_WORDS[word]
        elif word in _WHOLE_WORDS and digit is None:
            group += _WHOLE_WORDS[word]
        elif word in _MULTIPLIERS and digit is not None:
            factor = _MULTIPLIERS[word]
            group += 10 + digit if factor is None else digit * factor
            digit = None
        elif word in SCALE_WORDS and (digit is not None or group or word.startswith("se")):
            scale = SCALE_WORDS[word]
            group += digit or 0
            digit = None
            total += (group or 1) * scale
            group = 0
            scale_at_end = _SCALE_NAME.get(word, word)
            j += 1
            continue
        else:
            break
        scale_at_end = ""
        j += 1
    if j == start:
        return None
    whole = total + group + (digit or 0)
    decimals = ""
    if j + 1 < len(tokens) and tokens[j] in _POINT_WORDS and tokens[j + 1] in DIGIT_WORDS and not scale_at_end:
        j += 1
        while j < len(tokens) and tokens[j] in DIGIT_WORDS:
            decimals += str(DIGIT_WORDS[tokens[j]])
            j += 1
        if j < len(tokens) and tokens[j] in SCALE_WORDS and not tokens[j].startswith("se"):
            scale_at_end = _SCALE_NAME.get(tokens[j], tokens[j])
            whole = whole * SCALE_WORDS[tokens[j]]
            j += 1
    if scale_at_end:
        number = whole // SCALE_WORDS[scale_at_end]
        head = f"{number}d{decimals}" if decimals else str(number)
        return [head, scale_at_end], j
    return [f"{whole}d{decimals}" if decimals else str(whole)], j


def thousands(tokens: list[str]) -> list[str]:
    """A whole number of thousands as the digits it stands for: "28 ribu" (or "28 ribuan", about as
    many) -> "28000", as "28.000" is read, so that a figure matches however it is written ("1d14
    juta" keeps its scale word)."""
    out: list[str] = []
    for token in tokens:
        if token in ("ribu", "ribuan") and out and out[-1].isdigit() and len(out[-1]) <= 3 and out[-1] != "0":
            out[-1] = str(int(out[-1]) * 1000)
        else:
            out.append(token)
    return out


def display_token(token: str) -> str:
    """A token as a person would write it ("17d47" -> "17,47")."""
    return _DECIMAL_TOKEN.sub(",", token)


CANONICAL_MEMO = 65536  # word windows whose canonical form is remembered


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
        # Single words rewritten to something else: slang, abbreviations, misspellings.
        self.variants = frozenset(k[0] for k, v in self._table.items() if len(k) == 1 and k != v)
        self._memo: dict[tuple[str, ...], tuple[str, ...]] = {}  # see canonical_words
        # Words that `canonical` may rewrite: those of the variants in the phrase table (not of the canonical
        # forms, which map to themselves) and numbers written out.
        self._rewritable = frozenset(w for key, value in self._table.items() if key != value for w in key) \
            | _NUMBER_WORDS

    def tokens(self, text: str) -> list[str]:
        """The canonical tokens of `text`."""
        return self.canonical(tokenize(text))

    def canonical(self, tokens: Iterable[str]) -> list[str]:
        """Rewrite already tokenised text to canonical tokens.

        A rewrite can form a new variant with its neighbour ("nmr ktp" -> "nomor ktp" -> "nik"),
        so passes repeat until nothing changes (a few at most; the bound guards a cyclic lexicon).
        """
        words = spell_numbers(list(tokens))
        for _ in range(4):
            rewritten = self._rewrite(words)
            if rewritten == words:
                break
            words = rewritten
        return thousands(words)

    def canonical_words(self, words: tuple[str, ...]) -> tuple[str, ...]:
        """`canonical` of a few words, remembered (the matcher asks it of every window of a message)."""
        if self._rewritable.isdisjoint(words):  # nothing to rewrite: most windows of a message
            return words
        found = self._memo.get(words)
        if found is None:
            if len(self._memo) >= CANONICAL_MEMO:
                self._memo.clear()
            found = self._memo[words] = tuple(self.canonical(words))
        return found

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
