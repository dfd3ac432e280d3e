"""Turns text into matchable terms: canonical tokens, their stems, and how much they weigh.

One `Analyzer` is built per process (the stemmer and its dictionary load once) and is
used both to index facts and to read citizens' messages, so the two always agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

from bot.knowledge import Lexicon
from bot.normalize import Normalizer

MIN_STEM_CHARS = 4  # shorter words are left alone: the stemmer mangles them
WEAK = "weak"
CONTENT = "content"
QUALIFIER = "qualifier"  # place names and numbers: they narrow a topic but are not one
_DECIMAL = re.compile(r"^(\d+)d\d+$")


@dataclass(frozen=True)
class Term:
    """A query word after normalisation: its canonical form, its stem and its kind."""

    token: str
    stem: str
    kind: str = CONTENT  # CONTENT, QUALIFIER (a place or number), or WEAK ("is it true?", "when")


class Analyzer:
    """Normalises, stems and classifies words with one lexicon."""

    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon
        self.normalizer = Normalizer(lexicon.phrases)
        stemmer = StemmerFactory().create_stemmer()
        self._sastrawi = stemmer
        self._dictionary = stemmer.delegatedStemmer.dictionary
        self._keep = lexicon.no_stem | lexicon.protected
        # Common Indonesian words (PySastrawi's stopword list) weigh little, except those the lexicon
        # rewrites ("orang" -> "penduduk", "lima" -> "5"): the canonical form decides.
        common = {w for w in StopWordRemoverFactory().get_stop_words() if self.normalizer.normalize(w) == w}
        self._weak = lexicon.weak | (common - lexicon.stopwords)
        self.stem = lru_cache(maxsize=65536)(self._stem)

    def _stem(self, token: str) -> str:
        if len(token) < MIN_STEM_CHARS or token in self._keep or not token.isalpha():
            return token
        return self._sastrawi.stem(token) or token

    def tokens(self, text: str) -> list[str]:
        """Canonical tokens of `text`, stopwords included."""
        return self.normalizer.tokens(text)

    def is_word(self, token: str) -> bool:
        """True when `token` is a known Indonesian word (or a protected name): not a typo."""
        return (token in self._keep or self._dictionary.contains(token)
                or self._dictionary.contains(self.stem(token)))

    def is_protected(self, token: str) -> bool:
        """True for acronyms, place names and other words never stemmed or corrected."""
        return token in self._keep

    def query_terms(self, tokens: list[str]) -> list[Term]:
        """The terms of a message worth matching: stopwords, greetings and duplicates dropped."""
        lex = self.lexicon
        seen: set[str] = set()
        terms = []
        for token in tokens:
            if token in lex.stopwords or token in lex.smalltalk or token in seen:
                continue
            seen.add(token)
            terms.append(Term(token, self.stem(token), self.kind(token)))
        return terms

    def kind(self, token: str) -> str:
        """WEAK, QUALIFIER or CONTENT."""
        if token in self.lexicon.places or token.isdigit() or _DECIMAL.match(token):
            return QUALIFIER
        return WEAK if token in self._weak else CONTENT

    def is_smalltalk(self, tokens: list[str]) -> bool:
        """True when every word is a greeting, thanks or filler."""
        lex = self.lexicon
        return bool(tokens) and all(t in lex.smalltalk or t in lex.stopwords for t in tokens)

    def index_text(self, *texts: str) -> tuple[str, str]:
        """Canonical tokens and their stems for indexing, each as one space-separated string.

        A decimal is also indexed by its whole part, so "11 juta" finds "11,14 juta".
        """
        tokens = []
        for text in texts:
            for token in self.tokens(text) if text else ():
                tokens.append(token)
                decimal = _DECIMAL.match(token)
                if decimal:
                    tokens.append(decimal.group(1))
        return " ".join(tokens), " ".join(self.stem(t) for t in tokens)
