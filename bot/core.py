"""The channel-free core: a citizen's text in, an `Answer` out. Knows nothing of Telegram.

    text -> normalise -> correct typos against the index vocabulary -> FTS5 candidates
         -> re-rank the few -> threshold -> Answer
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bot import match
from bot.analysis import Analyzer, Term
from bot.models import Answer, Fact
from bot.store import Store, Vocabulary

MAX_QUERY_CHARS = 4096  # Telegram's message limit; longer input is cut, not refused
MAX_MATCH_TERMS = 24  # the rarest words of a long message are enough to find its candidates
CANDIDATES = 40  # facts re-ranked per query
MIN_CORRECTABLE = 4  # shorter words are too ambiguous to correct
PROFILE_CACHE = 4096  # fact profiles kept in memory
_SAFE_TERM = re.compile(r"^[a-z0-9]+$")


def max_typo_distance(token: str) -> int:
    """Edits allowed when correcting a word of this length."""
    return 1 if len(token) < 8 else 2


def truncate(text: str, limit: int = MAX_QUERY_CHARS) -> str:
    """`text` cut to `limit` characters, at a word boundary when a word would be split."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if not text[limit].isspace():
        head, _, _ = cut.rpartition(" ")
        cut = head or cut
    return cut


def match_expression(forms: list[str]) -> str:
    """An FTS5 MATCH expression: any of the given index tokens.

    Tokens come from `normalize.tokenize` (letters and digits only); each is still quoted and
    checked, so no FTS5 syntax (quotes, `*`, `NEAR(`, `col:`, `-`) can ever come from a user.
    """
    safe = [f'"{f}"' for f in dict.fromkeys(forms) if _SAFE_TERM.match(f)]
    return " OR ".join(safe)


@dataclass
class _Spelling:
    """Vocabulary words grouped by first letter, for fast typo correction."""

    by_initial: dict[str, list[str]]


class Checker:
    """Answers citizens' texts from a `Store`. Build one per process; `check` is the hot path."""

    def __init__(self, store: Store, analyzer: Analyzer):
        self.store = store
        self.analyzer = analyzer
        self._profiles: OrderedDict[tuple[str, int], match.Profile] = OrderedDict()
        self._spelling: tuple[Vocabulary, _Spelling] | None = None

    def check(self, text: str | None) -> Answer:
        """The best verified facts for `text`, or why there are none."""
        query = truncate(text or "")
        tokens = self.analyzer.tokens(query)
        if not tokens:
            return Answer(query, "empty")
        if self.analyzer.is_smalltalk(tokens):
            return Answer(query, "smalltalk")
        terms = self.analyzer.query_terms(tokens)
        vocabulary = self.store.vocabulary()
        terms, corrected = self._correct(terms, vocabulary)
        known = [t for t in terms if t.token in vocabulary.doc_freq or t.stem in vocabulary.doc_freq]
        if not known:
            return Answer(query, "not_found")
        weights = {t.token: match.term_weight(t, self._doc_freq(t, vocabulary), vocabulary.documents,
                                              t.token in corrected) for t in terms}
        rarest = sorted(known, key=lambda t: -weights[t.token])[:MAX_MATCH_TERMS]
        expression = match_expression([f for t in rarest for f in (t.token, t.stem)])
        candidates = [
            match.Candidate(fact, self._profile(fact), relevance)
            for fact, relevance in self.store.search(expression, CANDIDATES)
        ]
        phrase_weights = _PhraseWeights(vocabulary)
        ranked = match.rerank(terms, weights, candidates, phrase_weights)
        shown = match.see_also(ranked)
        if not shown:
            return Answer(query, "not_found", tuple(ranked[:1]))
        return Answer(query, "fact", tuple(shown))

    @staticmethod
    def _doc_freq(term: Term, vocabulary: Vocabulary) -> int:
        return max(vocabulary.doc_freq.get(term.token, 0), vocabulary.doc_freq.get(term.stem, 0))

    def _correct(self, terms: list[Term], vocabulary: Vocabulary) -> tuple[list[Term], set[str]]:
        """Replace misspelt words by the closest index word; real words and names are left alone."""
        out, corrected = [], set()
        for term in terms:
            token = term.token
            if (token in vocabulary.doc_freq or term.stem in vocabulary.doc_freq
                    or len(token) < MIN_CORRECTABLE or not token.isalpha()
                    or self.analyzer.is_word(token)):
                out.append(term)
                continue
            replacement = self._closest(token, vocabulary)
            if replacement is None:
                out.append(term)
                continue
            if replacement in {t.token for t in out}:
                continue  # a misspelt repeat of a word already in the message
            out.append(Term(replacement, self.analyzer.stem(replacement), term.kind))
            corrected.add(replacement)
        return out, corrected

    def _closest(self, token: str, vocabulary: Vocabulary) -> str | None:
        if self._spelling is None or self._spelling[0] is not vocabulary:
            groups: dict[str, list[str]] = {}
            for word in vocabulary.doc_freq:
                if word.isalpha() and len(word) >= MIN_CORRECTABLE - 1:
                    groups.setdefault(word[0], []).append(word)
            self._spelling = (vocabulary, _Spelling(groups))
        choices = self._spelling[1].by_initial.get(token[0], [])
        limit = max_typo_distance(token)
        found = process.extract(token, choices, scorer=Levenshtein.distance, score_cutoff=limit, limit=5)
        if not found:
            return None
        # Fewest edits first, then the most common word.
        best = min(found, key=lambda f: (f[1], -vocabulary.doc_freq.get(f[0], 0), f[0]))
        return best[0]

    def _profile(self, fact: Fact) -> match.Profile:
        key = (fact.id, fact.revision)
        profile = self._profiles.get(key)
        if profile is not None:
            self._profiles.move_to_end(key)
            return profile
        analyzer = self.analyzer
        tokens = [t for text in (fact.statement, fact.statement_en, fact.claim, fact.claim_en,
                                 fact.note, fact.note_en, *fact.keywords) if text
                  for t in analyzer.tokens(text)]
        claim = tuple(analyzer.query_terms(analyzer.tokens(fact.claim)))
        phrases = tuple(tuple(analyzer.query_terms(analyzer.tokens(k))) for k in fact.keywords)
        correction: frozenset[str] = frozenset()
        if claim:
            phrases += (claim,)
            claim_words = {t.token for t in claim} | {t.stem for t in claim}
            correction = frozenset(
                t.token for t in analyzer.query_terms(analyzer.tokens(fact.statement))
                if t.token not in claim_words and t.stem not in claim_words)
        profile = match.Profile(frozenset(tokens), frozenset(analyzer.stem(t) for t in tokens), phrases,
                                claim, correction)
        self._profiles[key] = profile
        if len(self._profiles) > PROFILE_CACHE:
            self._profiles.popitem(last=False)
        return profile


class _PhraseWeights(dict):
    """Index-term weights computed on demand from the vocabulary."""

    def __init__(self, vocabulary: Vocabulary):
        super().__init__()
        self._vocabulary = vocabulary

    def get(self, token: str, default: float | None = None) -> float:  # type: ignore[override]
        weight = super().get(token)
        if weight is None:
            weight = match.idf(self._vocabulary.doc_freq.get(token, 0), self._vocabulary.documents)
            self[token] = weight
        return weight
