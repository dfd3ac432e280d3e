"""The channel-free core: a citizen's text in, an `Answer` out. Knows nothing of Telegram.

    text -> normalise -> correct typos against the index vocabulary -> FTS5 candidates
         -> re-rank the few -> threshold -> Answer
"""

from __future__ import annotations

import re
from collections import OrderedDict

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bot import match
from bot.analysis import Analyzer, Term
from bot.models import Answer, Fact
from bot.store import Hit, Store, Vocabulary

MAX_QUERY_CHARS = 4096  # Telegram's message limit; longer input is cut, not refused
MAX_MATCH_TERMS = 24  # the rarest words of a long message are enough to find its candidates
MAX_AND_TERMS = 6  # words required together in the fast first search
ENOUGH_CANDIDATES = 5  # a first search that finds this many facts needs no broader one
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


def all_of(groups: list[list[str]]) -> str:
    """An FTS5 expression requiring one form of every group ("a" OR "b") AND ("c")."""
    parts = [match_expression(g) for g in groups]
    return " AND ".join(f"({p})" for p in parts if p)


class Checker:
    """Answers citizens' texts from a `Store`. Build one per process; `check` is the hot path."""

    def __init__(self, store: Store, analyzer: Analyzer):
        self.store = store
        self.analyzer = analyzer
        self._profiles: OrderedDict[tuple[str, int], match.Profile] = OrderedDict()
        self._spelling: tuple[Vocabulary, dict[str, list[str]]] | None = None  # words by first letter

    def check(self, text: str | None) -> Answer:
        """The best verified facts for `text`, or why there are none."""
        query = truncate(text or "")
        tokens = self.analyzer.tokens(query)
        if not tokens:
            return Answer(query, "empty")
        if self.analyzer.is_smalltalk(tokens):
            return Answer(query, "smalltalk")
        terms = self.analyzer.query_terms(tokens)
        words = tuple(t.token for t in terms)
        vocabulary = self.store.vocabulary()
        terms, corrected = self._correct(terms, vocabulary)
        known = [t for t in terms if t.token in vocabulary.doc_freq or t.stem in vocabulary.doc_freq]
        if not known:
            return Answer(query, "not_found", terms=words)
        weights = {t.token: match.term_weight(t, self._doc_freq(t, vocabulary), vocabulary.documents,
                                              t.token in corrected) for t in terms}
        candidates = [match.Candidate(hit.fact, self._profile(hit), hit.relevance)
                      for hit in self._search(known, weights)]
        phrase_weights = _PhraseWeights(vocabulary)
        ranked = match.rerank(terms, weights, candidates, phrase_weights)
        shown = match.see_also(ranked)
        if not shown:
            return Answer(query, "not_found", tuple(ranked[:1]), words)
        return Answer(query, "fact", tuple(shown), words)

    def _search(self, known: list[Term], weights: dict[str, float]) -> list[Hit]:
        """FTS5 candidates, cheapest search first.

        Facts holding every word (or all but one) are found with AND searches, which stay fast
        however large the base. Only when those find few facts does a broader OR search run, and
        it leaves out the light words: a fact holding nothing but those could not reach the
        confidence threshold anyway.
        """
        rarest = sorted(known, key=lambda t: (-weights[t.token], t.token))[:MAX_MATCH_TERMS]
        groups = [[t.token, t.stem] for t in rarest]
        hits: dict[str, Hit] = {}
        if 1 < len(groups) <= MAX_AND_TERMS:
            for hit in self.store.search(all_of(groups), CANDIDATES):
                hits[hit.fact.id] = hit
            if len(hits) < ENOUGH_CANDIDATES and len(groups) > 2:
                for skip in range(len(groups)):
                    expression = all_of(groups[:skip] + groups[skip + 1:])
                    for hit in self.store.search(expression, CANDIDATES):
                        hits.setdefault(hit.fact.id, hit)
        if len(hits) >= ENOUGH_CANDIDATES:
            return list(hits.values())
        total = sum(weights.values())
        light = 0.0
        essential = list(rarest)
        # Drop the lightest words while together they weigh under (1 - threshold) of the message: a fact
        # holding only those stays far below the threshold. (Stricter than needed, since a long message
        # can also be answered through a keyword phrase.)
        while len(essential) > 1:
            lightest = weights[essential[-1].token]
            if light + lightest >= (1 - match.ANSWER_THRESHOLD) * total:
                break
            light += lightest
            essential.pop()
        for hit in self.store.search(match_expression([f for t in essential for f in (t.token, t.stem)]),
                                     CANDIDATES):
            hits.setdefault(hit.fact.id, hit)
        return list(hits.values())

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
            halves = self._split(token, vocabulary)
            if halves:  # two words typed without a space ("sumbatimur")
                out.extend(Term(h, self.analyzer.stem(h), self.analyzer.kind(h)) for h in halves)
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

    @staticmethod
    def _split(token: str, vocabulary: Vocabulary) -> tuple[str, str] | None:
        """Two index words that make up `token`, when exactly one such split exists."""
        splits = [(token[:i], token[i:]) for i in range(MIN_CORRECTABLE - 1, len(token) - MIN_CORRECTABLE + 2)
                  if token[:i] in vocabulary.doc_freq and token[i:] in vocabulary.doc_freq]
        return splits[0] if len(splits) == 1 else None

    def _closest(self, token: str, vocabulary: Vocabulary) -> str | None:
        if self._spelling is None or self._spelling[0] is not vocabulary:
            groups: dict[str, list[str]] = {}
            for word in vocabulary.doc_freq:
                if word.isalpha() and len(word) >= MIN_CORRECTABLE - 1:
                    groups.setdefault(word[0], []).append(word)
            self._spelling = (vocabulary, groups)
        choices = self._spelling[1].get(token[0], [])
        limit = max_typo_distance(token)
        found = process.extract(token, choices, scorer=Levenshtein.distance, score_cutoff=limit, limit=5)
        if not found:
            return None
        # Fewest edits first, then the most common word.
        best = min(found, key=lambda f: (f[1], -vocabulary.doc_freq.get(f[0], 0), f[0]))
        return best[0]

    def _profile(self, hit: Hit) -> match.Profile:
        fact = hit.fact
        key = (fact.id, fact.revision)
        profile = self._profiles.get(key)
        if profile is not None:
            self._profiles.move_to_end(key)
            return profile
        analyzer = self.analyzer
        claim = tuple(analyzer.query_terms(analyzer.tokens(fact.claim)))
        phrases = tuple(tuple(analyzer.query_terms(analyzer.tokens(k))) for k in fact.keywords)
        correction: frozenset[str] = frozenset()
        if claim:
            phrases += (claim,)
            claim_words = {t.token for t in claim} | {t.stem for t in claim}
            correction = frozenset(
                t.token for t in analyzer.query_terms(analyzer.tokens(fact.statement))
                if t.token not in claim_words and t.stem not in claim_words)
        profile = match.Profile(frozenset(hit.words.split()), frozenset(hit.stems.split()), phrases,
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
