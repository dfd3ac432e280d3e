"""Pure re-ranking of FTS5 candidates, and the confidence threshold.

Confidence answers "does this fact cover what the citizen asked?": the share of the
message's informative words (weighted by rarity) that the fact contains. Words the
knowledge base has never seen weigh the most, so an off-topic question that shares one
common word with a fact stays below the threshold. A long forwarded message is judged the
other way round too: how fully it contains one of the fact's keyword phrases or the claim.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.analysis import CONTENT, QUALIFIER, WEAK, Term
from bot.models import Fact, Match
from bot.normalize import display_token

ANSWER_THRESHOLD = 0.62  # confidence (0-1) below which the bot says "not verified yet"
SEE_ALSO_RATIO = 0.85  # another match is offered when its score is at least this share of the best
SEE_ALSO_MAX = 3
LONG_MESSAGE_TERMS = 10  # more content words than this: a forwarded message, not a keyword query
MIN_PHRASE_TERMS = 3  # shorter keyword phrases are too common to vouch for a whole message
CLAIM_REPEATED = 0.8  # a message holding this share of a rated claim is answered with that rating
CLAIM_BONUS = 0.1
CLAIM_ECHOED = 0.5  # a message holding this share of a claim is talking about that claim
CORRECTION_DEMOTION = 0.8  # score factor for a rating when the message states its correction
WEAK_WEIGHT = 0.25  # "benar", "hoaks", "cek": intent words count a little
CORRECTED_WEIGHT = 0.8  # a typo-corrected word is a little less certain than a typed one
PRIORS = {"high": 1.0, "medium-high": 0.98, "medium": 0.95, "low": 0.9}  # by how well sources establish it
# Ranking score = these shares of confidence, BM25 (relative to the best candidate) and phrase fit.
CONFIDENCE_SHARE, BM25_SHARE, FIT_SHARE = 0.65, 0.2, 0.15


@dataclass(frozen=True)
class Profile:
    """The words of a fact, prepared once per fact version for re-ranking."""

    words: frozenset[str]
    stems: frozenset[str]
    phrases: tuple[tuple[Term, ...], ...]  # keyword phrases and the rated claim
    claim: tuple[Term, ...] = ()  # the rated claim's terms, when the fact rates one
    correction: frozenset[str] = frozenset()  # words of the statement that the claim lacks


@dataclass(frozen=True)
class Candidate:
    """A fact from FTS5 with its BM25 relevance (larger is better)."""

    fact: Fact
    profile: Profile
    relevance: float


def idf(doc_freq: int, documents: int) -> float:
    """BM25's inverse document frequency: rare words weigh more; unseen words weigh most."""
    return math.log(1.0 + (documents - doc_freq + 0.5) / (doc_freq + 0.5))


def term_weight(term: Term, doc_freq: int, documents: int, corrected: bool = False) -> float:
    """How much a query term counts towards confidence."""
    weight = idf(doc_freq, documents)
    if term.kind == WEAK:
        weight *= WEAK_WEIGHT
    if corrected:
        weight *= CORRECTED_WEIGHT
    return weight


def _contains(profile: Profile, term: Term) -> bool:
    return term.token in profile.words or term.stem in profile.stems


def phrase_containment(phrase: Sequence[Term], tokens: set[str], weights: dict[str, float]) -> float:
    """Weighted share of a fact's phrase whose exact words a message contains (0-1).

    Exact words, not stems: in a long message some word shares a stem with almost anything.
    """
    total = sum(weights.get(t.token, 1.0) for t in phrase)
    found = sum(weights.get(t.token, 1.0) for t in phrase if t.token in tokens)
    return found / total if total else 0.0


def claim_repetition(terms: Sequence[Term], weights: dict[str, float], claim: Sequence[Term],
                     query_tokens: set[str], phrase_weights: dict[str, float]) -> float:
    """How closely a message repeats a rated claim (0-1), judged both ways.

    The claim must be in the message, and the message mostly within the claim: a message that
    also names what the claim leaves out (the correction) is not a repetition of the claim.
    """
    inside = phrase_containment(claim, query_tokens, phrase_weights)
    claim_tokens = {t.token for t in claim}
    claim_stems = {t.stem for t in claim}
    total = sum(weights[t.token] for t in terms) or 1.0
    within = sum(weights[t.token] for t in terms if t.token in claim_tokens or t.stem in claim_stems) / total
    return min(inside, within)


def relevant(matched: Sequence[Term], terms: Sequence[Term]) -> bool:
    """Whether the words a fact shares with a message can make it an answer at all.

    It must share a topic word. Places and numbers narrow a topic but are not one: a fact that
    shares only those with a message about something else ("jumlah penduduk kupang 2024") does not
    answer it, though it does answer a message that is nothing but a place ("teluk bintuni").
    """
    if any(t.kind == CONTENT for t in matched):
        return True
    return any(t.kind == QUALIFIER for t in matched) and not any(t.kind == CONTENT for t in terms)


def rerank(terms: Sequence[Term], weights: dict[str, float], candidates: Iterable[Candidate],
           phrase_weights: dict[str, float]) -> list[Match]:
    """Score candidates for the query `terms`; best first.

    `weights` gives each query term's weight (by token); `phrase_weights` gives index terms'
    weights for judging how much of a fact's phrase a long message contains.
    """
    candidates = list(candidates)
    if not candidates or not terms:
        return []
    total = sum(weights[t.token] for t in terms) or 1.0
    best_relevance = max(c.relevance for c in candidates) or 1.0
    long_message = sum(1 for t in terms if t.kind != WEAK) > LONG_MESSAGE_TERMS
    query_tokens = {t.token for t in terms}
    matches = []
    for candidate in candidates:
        profile = candidate.profile
        matched = [t for t in terms if _contains(profile, t)]
        if not relevant(matched, terms):
            continue
        coverage = sum(weights[t.token] for t in matched) / total
        phrase_scores = [
            phrase_containment(p, query_tokens, phrase_weights) for p in profile.phrases
            if len(p) >= MIN_PHRASE_TERMS
        ]
        confidence = coverage
        if long_message and phrase_scores:
            confidence = max(coverage, max(phrase_scores))
        claim = 0.0
        states_correction = False
        if len(profile.claim) >= MIN_PHRASE_TERMS:
            claim = claim_repetition(terms, weights, profile.claim, query_tokens, phrase_weights)
            if claim >= CLAIM_REPEATED:
                confidence = max(confidence, claim)
            # Talking about the claim while naming what its correction adds (the district the
            # wrong list leaves out): the message states the correction, not the claim.
            states_correction = (
                phrase_containment(profile.claim, query_tokens, phrase_weights) >= CLAIM_ECHOED
                and any(t.kind != WEAK and t.token in profile.correction for t in terms))
        # How tightly the message fits one phrase: weighted Jaccard, so a keyword phrase with
        # few extra words beats a long one that merely contains the same words.
        fit = max((_jaccard(terms, p, weights, phrase_weights) for p in profile.phrases), default=0.0)
        score = (CONFIDENCE_SHARE * confidence + BM25_SHARE * candidate.relevance / best_relevance
                 + FIT_SHARE * fit)
        if claim >= CLAIM_REPEATED:
            score += CLAIM_BONUS * claim
        if states_correction:
            score *= CORRECTION_DEMOTION
        score *= PRIORS.get(candidate.fact.confidence, 1.0)
        matched_terms = tuple(display_token(t.token) for t in matched)
        matches.append(Match(candidate.fact, round(score, 4), round(confidence, 4), matched_terms))
    matches.sort(key=lambda m: (-m.score, m.fact.id))
    return matches


def _jaccard(terms: Sequence[Term], phrase: Sequence[Term], weights: dict[str, float],
             phrase_weights: dict[str, float]) -> float:
    query = {t.stem: weights[t.token] for t in terms}
    other = {t.stem: phrase_weights.get(t.token, 1.0) for t in phrase}
    union = sum(max(query.get(k, 0.0), other.get(k, 0.0)) for k in query.keys() | other.keys())
    shared = sum(min(query[k], other[k]) for k in query.keys() & other.keys())
    return shared / union if union else 0.0


def answered(matches: Sequence[Match]) -> bool:
    """True when the best match is confident enough to be shown as the answer."""
    return bool(matches) and matches[0].confidence >= ANSWER_THRESHOLD


def see_also(matches: Sequence[Match]) -> list[Match]:
    """The best match followed by close runners-up worth offering as "see also"."""
    if not answered(matches):
        return []
    best = matches[0]
    others = [m for m in matches[1:]
              if m.confidence >= ANSWER_THRESHOLD and m.score >= SEE_ALSO_RATIO * best.score]
    return [best, *others[:SEE_ALSO_MAX]]
