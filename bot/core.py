"""The channel-free core: a citizen's text in, an `Answer` out. Knows nothing of Telegram.

    text -> read (links, sentences that matter, what is asked) -> normalise -> correct typos
         against the index vocabulary -> merge place names -> FTS5 candidates (and facts citing a
         pasted link) -> re-rank the few -> threshold and checks -> Answer
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from functools import partial

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot import match
from bot.analysis import (
    FIGURE,
    LOOKUP,
    QUESTION,
    WEAK,
    Analyzer,
    Part,
    Qualifiers,
    Reading,
    Term,
    load_fact_terms,
    union,
)
from bot.models import Answer, Match
from bot.store import Hit, Store, Vocabulary
from bot.store.facts import read_forms

MAX_QUERY_CHARS = 4096  # Telegram's message limit; longer input is cut, not refused
MAX_MATCH_TERMS = 24  # the rarest words of a long message are enough to find its candidates
MAX_AND_TERMS = 6  # words required together in the fast first search
ENOUGH_CANDIDATES = 5  # a first search that finds this many facts needs no broader one
CANDIDATES = 40  # facts re-ranked per query
MIN_CORRECTABLE = 4  # shorter words are too ambiguous to correct
PROFILE_CACHE = 4096  # fact profiles kept in memory
SEARCH_CACHE = 256  # FTS5 searches whose results are kept until the knowledge changes
INTERNED_TERMS = 200_000  # shared profile terms kept before the memory is cleared
_SAFE_TERM = re.compile(r"^[a-z0-9]+$")
CLITICS = ("nya", "lah", "kah", "pun", "ku", "mu")
TOPICAL_SPECIFICITY = 0.5  # words more common than this ("minta", "waktu") do not make a sentence topical


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
        self._profiles: OrderedDict[tuple[str, int, str], match.Profile] = OrderedDict()
        self._interned: dict[tuple[str, str, str], Term] = {}  # the terms of fact profiles, shared
        self._plain: dict[str, Term] = {}  # fact words read by the analyzer, not stored with their forms
        self._terms_for = ""  # the lexicon fingerprint those terms were read with
        self._searches: OrderedDict[str, list[Hit]] = OrderedDict()  # FTS5 results, for one vocabulary
        self._searched: Vocabulary | None = None  # ... this one (a new one comes with every change)
        self._within = {key: place.within for key, place in analyzer.places.items()}
        self._weights: _PhraseWeights | None = None
        months = analyzer.lexicon.months
        self._months = sorted(months, key=months.__getitem__)  # canonical month names, January first
        # Concepts of several words ("kemiskinanekstrem") with their head word and its stem.
        self._concepts = {"".join(t): (t[0], analyzer.stem(t[0])) for t in analyzer.compound_tokens}
        # Concepts that are a narrower measure than their head word ("kemiskinan ekstrem" of "kemiskinan").
        self._measures = {c: (h, s) for c, (h, s) in self._concepts.items()
                          if analyzer.lexicon.units.get(h) == FIGURE}
        self._lexicon_words: dict[str, list[str]] = {}
        for phrase in {*analyzer.lexicon.phrases, *analyzer.lexicon.phrases.values()}:
            for word in phrase.split():
                if word.isalpha() and len(word) >= MIN_CORRECTABLE:
                    self._lexicon_words.setdefault(word[0], []).append(word)
        asks = analyzer.lexicon.asks
        self._reason_words = asks.get("why", frozenset()) | asks.get("reasons", frozenset())
        measures = analyzer.query_terms(sorted(analyzer.lexicon.measures))
        self._measured = {w for t in measures for w in (t.token, t.stem)}
        self._measure_words = frozenset(t.token for t in measures)
        self._now_words = asks.get("now", frozenset())

    def check(self, text: str | None) -> Answer:
        """The best verified facts for `text`, or why there are none."""
        query = truncate(text or "")
        reading = self.analyzer.read(query)
        tokens = list(reading.tokens)
        if not tokens and not reading.urls:
            return Answer(query, "empty", lang=reading.lang)
        if self.analyzer.is_smalltalk(tokens) and not reading.urls:
            return Answer(query, "smalltalk", lang=reading.lang)
        vocabulary = self.store.vocabulary()
        parts, corrected, neutral = self._read_parts(reading, vocabulary)
        merged = [t for part in parts for t in part.tokens]
        if "howmany" in reading.asks:
            asked = [t for part in parts if part.question for t in part.tokens] or merged
            reading = replace(reading, counted=self.analyzer.counted(asked))
        # What each sentence pins down (a number is never read across a sentence boundary).
        said = [self.analyzer.qualifiers(list(p.tokens)) for p in parts]
        if {"howmany", "which"} & reading.asks:
            reading = self.analyzer.asked_places(reading, parts, said)
        terms = [t for t in self.analyzer.query_terms(merged) if t.token not in neutral]
        words = tuple(t.token for t in terms)
        # The words of a pasted link's address count a little, beside the message's own words.
        slugs = [t for t in self.analyzer.query_terms(list(reading.slugs)) if t.token not in words]
        if slugs and terms:
            slugs = [Term(t.token, t.stem, WEAK) for t in slugs]
        terms += slugs
        known = [t for t in terms if t.token in vocabulary.doc_freq or t.stem in vocabulary.doc_freq]
        if not known and not reading.urls:
            return Answer(query, "not_found", terms=words, lang=reading.lang)
        specificity = self.analyzer.specificity
        weights = {t.token: specificity(t.token) * match.term_weight(
            t, self._doc_freq(t, vocabulary), vocabulary.documents, t.token in corrected) for t in terms}
        for t in terms:  # English the lexicon does not map ("roughly", "counted as"): phrasing, not topic
            if self._doc_freq(t, vocabulary) == 0 and self.analyzer.is_english_only(t.token):
                weights[t.token] *= match.ENGLISH_WEIGHT
        if self._searched is not vocabulary:
            self._searches.clear()
            self._searched = vocabulary
        hits = {hit.fact.id: hit for hit in self._search(known, weights)} if known else {}
        cited = self.store.citing(reading.urls, CANDIDATES)
        for hit in cited:
            hits.setdefault(hit.fact.id, hit)
        linked = {hit.fact.id for hit in cited}
        candidates = [match.Candidate(hit.fact, self._profile(hit), hit.relevance, hit.fact.id in linked)
                      for hit in hits.values()]
        qualifiers = union(*said) if said else Qualifiers()
        concepts = tuple((t.token, *self._concepts[t.token]) for t in terms if t.token in self._concepts)
        question = match.Query(tuple(terms), weights, reading, qualifiers, self._phrase_weights(vocabulary),
                               concepts=concepts, measures=self._measures,
                               measured=tuple(t for t in self.analyzer.query_terms([*tokens, *merged])
                                              if {t.token, t.stem} & self._measured),
                               unexplained=bool(neutral), within=self._within,
                               parts=tuple(frozenset(p.tokens) for p in parts) if len(parts) > 1 else (),
                               broader=self.analyzer.lexicon.broader, role_groups=self.analyzer.lexicon.role_groups,
                               reason_words=self._reason_words, loose=self._loose_compounds(terms),
                               documents=vocabulary.documents, measures_named=self._measure_words,
                               now_words=self._now_words,
                               exclusive=self.analyzer.exclusive(merged))
        judged = match.rerank(question, candidates, self._months)
        judged = match.in_time_order(judged, qualifiers, self._months)
        shown = match.see_also(judged)
        if shown:
            return Answer(query, "fact", self._displayed(shown), words, reading.lang)
        close = match.nearest(judged)
        if close:
            period = tuple(t for t in merged if t in qualifiers.months or t in qualifiers.years)
            return Answer(query, "nearest", self._displayed(close), words, reading.lang, tuple(dict.fromkeys(period)))
        return Answer(query, "not_found", tuple(j.match for j in judged[:1]), words, reading.lang)

    def _displayed(self, matches: list[Match]) -> tuple[Match, ...]:
        """Matches with their words, places and figures written as people write them."""
        display = self.analyzer.display
        return tuple(replace(
            m, matched_terms=tuple(display(t) for t in m.matched_terms),
            gaps=tuple(replace(g, said=tuple(map(display, g.said)), verified=tuple(map(display, g.verified)))
                       for g in m.gaps),
            differences=tuple(replace(g, said=tuple(map(display, g.said)), verified=tuple(map(display, g.verified)))
                              for g in m.differences)) for m in matches)

    def _phrase_weights(self, vocabulary: Vocabulary) -> _PhraseWeights:
        if self._weights is None or self._weights.vocabulary is not vocabulary:
            self._weights = _PhraseWeights(vocabulary, self.analyzer.specificity)
        return self._weights

    def _read_parts(self, reading: Reading, vocabulary: Vocabulary) -> tuple[list[Part], set[str], set[str]]:
        """The message's sentences with words corrected and place names merged.

        A sentence that asks nothing and shares no word with the knowledge base (a remark about one's
        homework, a plea to forward) is left out: it cannot be what the message is about, and would
        only count against the answer.
        """
        parts, corrected, neutral = [], set(), set()
        for part in reading.parts:
            # A name nobody knows in an open question ("program apa yang Bappenas buat?") may be its
            # topic: it counts against an answer. In a claim it is more often a misspelt or wrong detail.
            names = reading.names if reading.mode in (QUESTION, LOOKUP) else frozenset()
            tokens, fixed, unknown = self._correct(list(part.tokens), vocabulary, reading.acronyms, names)
            corrected |= fixed
            neutral |= unknown
            if fixed or tokens != list(part.tokens):  # a corrected word can complete a phrase ("centres")
                tokens = self.analyzer.normalizer.canonical(tokens)
            parts.append(Part(tuple(self.analyzer.merge(tokens)), part.question))
        relevant = [p for p in parts if p.question or any(self._topical(t, vocabulary) for t in p.tokens)]
        return (relevant or parts), corrected, neutral

    def _topical(self, token: str, vocabulary: Vocabulary) -> bool:
        """A word that can say what a sentence is about: in the knowledge base, and not a common word."""
        analyzer = self.analyzer
        return (token in vocabulary.doc_freq and not analyzer.is_function(token) and analyzer.kind(token) != WEAK
                and analyzer.specificity(token) >= TOPICAL_SPECIFICITY)

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
            for hit in self._find(all_of(groups)):
                hits[hit.fact.id] = hit
            if len(hits) < ENOUGH_CANDIDATES and len(groups) > 2:
                for skip in range(len(groups)):
                    expression = all_of(groups[:skip] + groups[skip + 1:])
                    for hit in self._find(expression):
                        hits.setdefault(hit.fact.id, hit)
        if len(hits) >= ENOUGH_CANDIDATES:
            return list(hits.values())
        total = sum(weights[t.token] for t in rarest)
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
        for hit in self._find(match_expression([f for t in essential for f in (t.token, t.stem)])):
            hits.setdefault(hit.fact.id, hit)
        return list(hits.values())

    def _find(self, expression: str) -> list[Hit]:
        """The best CANDIDATES facts for an FTS5 expression. The same searches recur (the same question
        asked again, common words): their results are kept until the knowledge changes."""
        hits = self._searches.get(expression)
        if hits is None:
            hits = self._searches[expression] = self.store.search(expression, CANDIDATES)
            if len(self._searches) > SEARCH_CACHE:
                self._searches.popitem(last=False)
        else:
            self._searches.move_to_end(expression)
        return hits

    @staticmethod
    def _doc_freq(term: Term, vocabulary: Vocabulary) -> int:
        return max(vocabulary.doc_freq.get(term.token, 0), vocabulary.doc_freq.get(term.stem, 0))

    def _correct(self, tokens: list[str], vocabulary: Vocabulary,
                 acronyms: frozenset[str] = frozenset(),
                 names: frozenset[str] = frozenset()) -> tuple[list[str], set[str], set[str]]:
        """Misspelt words replaced by the index word meant; slang, particles and names left neutral.

        Returns the tokens, the corrected ones, and the neutral ones: words that are neither in the
        knowledge base nor real Indonesian or English words (an unknown particle, a name, a typo
        with no likely correction). Those do not count against an answer: a single unknown word
        must not silence one. Real words the knowledge base lacks do count against it.
        """
        analyzer = self.analyzer
        out: list[str] = []
        corrected: set[str] = set()
        neutral: set[str] = set()
        for token in tokens:
            if (analyzer.is_function(token) or token in vocabulary.doc_freq or not token.isalpha()
                    or analyzer.stem(token) in vocabulary.doc_freq or token in acronyms):
                out.append(token)
                continue
            variant = self._variant(token, vocabulary)
            if variant is not None:
                out.extend(variant)
                continue
            if analyzer.is_word(token):  # a real word the knowledge base lacks: it counts against
                out.append(token)
                continue
            if len(token) < MIN_CORRECTABLE:
                neutral.add(token)
                out.append(token)
                continue
            halves = self._split(token, vocabulary)
            if halves:  # two words typed without a space ("sumbatimur")
                out.extend(halves)
                continue
            replacement = self._closest(token, vocabulary)
            if replacement is None:
                if token not in names or self._near_lexicon(token):  # "Ketenagakerjan": a typo, not a name
                    neutral.add(token)
                out.append(token)
                continue
            out.append(replacement)
            corrected.add(replacement)
        return out, corrected - set(t for t in tokens if t in vocabulary.doc_freq), neutral

    def _variant(self, token: str, vocabulary: Vocabulary) -> list[str] | None:
        """The word meant, when a regular spelling change gives a known one.

        x written for ks ("extreem"), letters repeated for emphasis ("tolonggg"), English plurals and
        inflections ("hoaxes", "districts"): each change is rewritten by the lexicon and accepted when it
        gives an index word or a real word.
        """
        analyzer = self.analyzer
        real = analyzer.is_word(token)
        for candidate in spelling_variants(token, english=not analyzer.is_indonesian(token)):
            words = analyzer.normalizer.canonical([candidate])
            # A real word is only re-read when that gives a word of the knowledge base ("dollars").
            if words and all(w in vocabulary.doc_freq or analyzer.stem(w) in vocabulary.doc_freq
                             or (not real and (analyzer.is_word(w) or analyzer.is_function(w))) for w in words):
                return words
        return None

    @staticmethod
    def _split(token: str, vocabulary: Vocabulary) -> tuple[str, str] | None:
        """Two index words that make up `token`, when exactly one such split exists."""
        splits = [(token[:i], token[i:]) for i in range(MIN_CORRECTABLE - 1, len(token) - MIN_CORRECTABLE + 2)
                  if token[:i] in vocabulary.doc_freq and token[i:] in vocabulary.doc_freq]
        return splits[0] if len(splits) == 1 else None

    def _near_lexicon(self, token: str) -> bool:
        """Whether a word is a typo of one the lexicon knows (its phrases, in any of their spellings)."""
        choices = self._lexicon_words.get(token[0], [])
        return bool(process.extract(token, choices, scorer=OSA.distance, score_cutoff=max_typo_distance(token),
                                    limit=1))

    def _closest(self, token: str, vocabulary: Vocabulary) -> str | None:
        limit = max_typo_distance(token)
        # Only real words and names are correction targets, never another typo in the index; a word
        # whose length differs by more than `limit` is more than `limit` edits away.
        choices = [w for w in vocabulary.spellings(token[0], len(token) - limit, len(token) + limit)
                   if len(w) >= MIN_CORRECTABLE - 1]
        found = process.extract(token, choices, scorer=OSA.distance, score_cutoff=limit, limit=5)
        if not found:
            return None
        # Fewest edits first, then the most common word.
        best = min(found, key=lambda f: (f[1], -vocabulary.doc_freq.get(f[0], 0), f[0]))
        return best[0]

    def _loose_compounds(self, terms: list[Term]) -> frozenset[str]:
        """Concepts whose words a message names apart ("kabupaten mana saja yang jadi prioritas")."""
        said = {w for t in terms for w in (t.token, t.stem)}
        return frozenset("".join(parts) for parts in self.analyzer.compound_tokens
                         if all(p in said or self.analyzer.stem(p) in said for p in parts))

    def _profile(self, hit: Hit) -> match.Profile:
        fact = hit.fact
        key = (fact.id, fact.revision, self.analyzer.lexicon.fingerprint)  # words taught in the chat re-read it
        profile = self._profiles.get(key)
        if profile is not None:
            self._profiles.move_to_end(key)
            return profile
        profile = match.Profile(dict.fromkeys(hit.words.split()), dict.fromkeys(hit.stems.split()),
                                partial(self._details, hit.analysis, hit.forms_json, key[2]))
        self._profiles[key] = profile
        if len(self._profiles) > PROFILE_CACHE:
            self._profiles.popitem(last=False)
        return profile

    def _details(self, analysis: str | None, forms_json: str | None, fingerprint: str) -> match.Details:
        """A fact's phrases and anchors as terms, from what was stored when it was indexed."""
        terms = load_fact_terms(analysis)
        forms = read_forms(forms_json)  # stems and kinds, computed when the fact was indexed
        if self._terms_for != fingerprint:  # words taught in the chat change stems and kinds
            self._terms_for = fingerprint
            self._interned.clear()
            self._plain.clear()
        elif len(self._interned) > INTERNED_TERMS:
            self._interned.clear()
        built: dict[str, Term] = {}

        def term_of(token: str) -> Term:
            term = built.get(token)
            if term is None:
                form = forms.get(token)
                term = built[token] = self._intern(*form, token) if form else self._plain_term(token)
            return term

        def as_terms(tokens: tuple[str, ...]) -> tuple[Term, ...]:
            return tuple(map(term_of, tokens))

        keywords = tuple(as_terms(k) for k in terms.keywords)
        claim = as_terms(terms.claim)
        phrases = keywords + ((claim,) if claim else ())
        details = match.Details(phrases, claim, frozenset(terms.correction), tuple(as_terms(a) for a in terms.anchors),
                             tuple(as_terms(a) for a in terms.topic_anchors), terms)
        if self._weights is not None:  # the re-ranker weighs these words: their counts in one query, not one each
            self._weights.vocabulary.doc_freq.load(t for t in built if t not in self._weights)
        return details

    def _term(self, token: str) -> Term:
        return Term(token, self.analyzer.stem(token), self.analyzer.kind(token))

    def _intern(self, stem: str, kind: str, token: str) -> Term:
        """One shared `Term` per word, stem and kind: fact profiles repeat the same words, and sharing
        them saves building them and the garbage collector's time."""
        key = (token, stem, kind)
        term = self._interned.get(key)
        if term is None:
            term = self._interned[key] = Term(token, stem, kind)
        return term

    def _plain_term(self, token: str) -> Term:
        """A fact's word not stored with its forms, read by the analyzer (once per lexicon)."""
        term = self._plain.get(token)
        if term is None:
            if len(self._plain) > INTERNED_TERMS:
                self._plain.clear()
            term = self._plain[token] = self._term(token)
        return term


JAKARTA_IN_MIN = 6  # "-in" verbs are read as "-kan"/"-i" verbs from this length ("bikinin")


def spelling_variants(token: str, english: bool = True) -> list[str]:
    """Regular misspellings undone: ks written x, repeated letters, Jakarta "-in" verbs, and (unless
    `english` is False, for an Indonesian word) English inflections."""
    variants = []
    if "x" in token:
        variants.append(token.replace("x", "ks"))
    squeezed = re.sub(r"(.)\1{2,}", r"\1", token)  # "tolonggg" -> "tolong"
    if squeezed != token:
        variants.append(squeezed)
    doubled = re.sub(r"(.)\1", r"\1", squeezed)  # "extreem" -> "extrem"
    if doubled != squeezed:
        variants.append(doubled)
        if "x" in doubled:
            variants.append(doubled.replace("x", "ks"))
    for clitic in CLITICS:  # "penanganannya" -> "penanganan", which the lexicon knows
        if token.endswith(clitic) and len(token) - len(clitic) >= MIN_CORRECTABLE:
            variants.append(token[: -len(clitic)])
    for suffix, replacement in (("ies", "y"), ("es", ""), ("s", ""), ("ing", ""), ("ed", ""), ("ed", "e")):
        if english and token.endswith(suffix) and len(token) - len(suffix) >= 3:
            variants.append(token[: -len(suffix)] + replacement)
    if token.endswith("in") and len(token) >= JAKARTA_IN_MIN:  # Jakarta "-in": "ngurusin", "dikasihin"
        stem = token[:-2]
        for prefix, standard in (("nge", "me"), ("ng", "meng"), ("di", "di"), ("", "")):
            if stem.startswith(prefix) and len(stem) - len(prefix) >= 3:
                base = stem[len(prefix):]
                variants += [standard + base + "kan", standard + base + "i", standard + base, base]
                break
    return variants


class _PhraseWeights(dict):
    """Index-term weights (rarity in the base and in the language), computed once per term and kept
    until the knowledge changes."""

    def __init__(self, vocabulary: Vocabulary, specificity: Callable[[str], float]):
        super().__init__()
        self.vocabulary = vocabulary
        self._specificity = specificity

    def __missing__(self, token: str) -> float:
        idf = match.idf(self.vocabulary.doc_freq.get(token, 0), self.vocabulary.documents) \
            if match.IDF_IN_COVERAGE else 1.0
        weight = self._specificity(token) * idf
        self[token] = weight
        return weight
