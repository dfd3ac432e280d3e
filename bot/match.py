"""Pure re-ranking of FTS5 candidates: how well a fact answers a message, and whether it may.

Confidence is measured from both sides:
- how much of the message the fact explains (the share of the message's informative words, weighted
  by rarity, that the fact contains), and
- how much of the fact's key content the message touches (its keyword phrases, its rated claim, its
  first sentence), so that a fact which merely contains every word of a question, among many others,
  is not taken for its answer.

Then the fact must not contradict what the message pins down. A year, month, place or programme the
fact does not cover, a "now" question to a fact dated years ago, a who-question to a fact naming no
one, or a how-many question to a fact with no count of the thing asked: the fact is not presented as
the answer, only offered as the nearest verified fact. In a forwarded claim or a yes/no check that
clearly refers to the fact, a wrong detail is instead a misquote: the fact answers, and the reply
names the difference.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cached_property

from bot.analysis import (
    CHECK,
    CONTENT,
    DATE,
    FIGURE,
    LABEL,
    QUALIFIER,
    REGIONS,
    STATEMENT,
    TIME,
    WEAK,
    FactTerms,
    Number,
    Qualifiers,
    Reading,
    Term,
)
from bot.lexicon import COUNTRY
from bot.models import Fact, Gap, Match

ANSWER_THRESHOLD = 0.62  # confidence (0-1) below which the bot says "not verified yet"
SEE_ALSO_RATIO = 0.85  # another match is offered when its score is at least this share of the best
SEE_ALSO_MAX = 3
NEAREST_MAX = 2  # nearest facts offered when none answers
NEWEST_BAND = 0.9  # with no period asked, facts scoring within this share of the best go newest first
PHRASE_FORWARD_COVERAGE = 0.3  # least share of a long forward its key phrase's fact must explain
LONG_MESSAGE_TERMS = 10  # more content words than this: a forwarded message, not a keyword query
MIN_PHRASE_TERMS = 3  # shorter keyword phrases are too common to vouch for a whole message
CLAIM_REPEATED = 0.8  # a message holding this share of a rated claim is answered with that rating
CLAIM_BONUS = 0.1
CLAIM_ECHOED = 0.5  # a message holding this share of a claim is talking about that claim
CORRECTION_DEMOTION = 0.8  # score factor for a rating when the message states its correction
UNECHOED_DEMOTION = 0.9  # score factor for a rating whose claim the message does not repeat
WEAK_WEIGHT = 0.25  # "benar", "hoaks", "cek": intent words count a little
# A word in most facts tells little about which fact is meant, but its absence still matters: a fact
# without "kemiskinan ekstrem" does not answer a question about it, however common the words are here.
IDF_FLOOR = 1.0
IDF_IN_COVERAGE = True
IDF_FLOOR_SHARE = 0.0
CORRECTED_WEIGHT = 0.8  # a typo-corrected word is a little less certain than a typed one
FACT_BETA = 0.7  # under 1: confidence leans to how much of the message the fact explains
ANCHOR_ENOUGH = 0.5  # touching this share of a keyword phrase (or claim, or first sentence) is enough
ANCHOR_BASE_SIZE = 100  # ... in a base of up to this many facts; more is asked of larger bases:
ANCHOR_PER_DECADE = 0.13  # ... this much more for each tenfold,
ANCHOR_MOST = 0.9  # ... up to this share
IDENTITY = 0.6  # a message touching this much of a fact's key content clearly refers to that fact
IDENTITY_COVERAGE = 0.8  # ... or explaining this share of the message with at least IDENTITY_TERMS words
IDENTITY_TERMS = 3
PART_TERMS = 3  # a sentence with this many informative words can stand for the whole message
NOW_MAX_AGE = timedelta(days=730)  # a "now" question is answered only by a fact at most this old
NUMBER_TOLERANCE = 0.005  # relative difference under which two figures are the same
PRIORS = {"high": 1.0, "medium-high": 0.98, "medium": 0.95, "low": 0.9}  # by how well sources establish it
# Ranking score = these shares of confidence, BM25 (relative to the best candidate) and phrase fit.
CONFIDENCE_SHARE, BM25_SHARE, FIT_SHARE = 0.65, 0.2, 0.15
# Gaps that, in a claim or check clearly about the fact, are misquotes rather than near misses.
MISQUOTABLE = frozenset({"year", "month", "place", "number", "role", "programme"})
DETAILS = frozenset({"number", "role"})  # contradicted details: the lightest of corrections
BLOCKING_COST, UNADDRESSED_COST, DETAIL_COST = 0.15, 0.1, 0.03  # score shares a correction costs in ranking
FIGURE_UNITS = frozenset({"people", "households", "percent"})
HEADCOUNTS = frozenset({"people", "households"})
ROUNDED_TO = 1000  # a figure said to the thousand ("212 ribuan") stands for any it rounds or cuts to
CLAIMED_UNITS = frozenset({"money", "people", "households", "percent"})  # figures a claim may state
GENERIC = frozenset({"angka", "tingkat", "jumlah", "data", "persen", "persentase", "total", "berita", "info"})
ANY = "any"
RULES = frozenset({"money", TIME})  # amounts set for an area hold in the places within it


@dataclass(frozen=True)
class Details:
    """What re-ranking reads of a fact beyond its words."""

    phrases: tuple[tuple[Term, ...], ...]  # keyword phrases and the rated claim
    claim: tuple[Term, ...] = ()  # the rated claim's terms, when the fact rates one
    correction: frozenset[str] = frozenset()  # words of the statement that the claim lacks
    anchors: tuple[tuple[Term, ...], ...] = ()  # its key content: keyword phrases, claim, first sentence,
    topic_anchors: tuple[tuple[Term, ...], ...] = ()  # ... and each place it is about (these without)
    terms: FactTerms = field(default_factory=lambda: FactTerms(()))


@dataclass(frozen=True)
class Profile:
    """The words of a fact, prepared once per fact version for re-ranking.

    Its `Details` are prepared (by `prepare`, once) only when first read: most candidates are set aside
    by their words alone (`relevant`, `_hopeless`), and need no more.
    """

    # Dicts used as sets: holding only strings, the garbage collector does not track them (a frozenset it
    # would re-scan, word by word, at every full collection: 100 ms with a few thousand profiles cached).
    words: dict[str, None]
    stems: dict[str, None]
    prepare: Callable[[], Details] = field(default=lambda: Details(()), compare=False, repr=False)

    @cached_property
    def details(self) -> Details:
        """The rest of what re-ranking reads of the fact."""
        return self.prepare()

    @property
    def phrases(self) -> tuple[tuple[Term, ...], ...]:
        """Keyword phrases and the rated claim."""
        return self.details.phrases

    @property
    def claim(self) -> tuple[Term, ...]:
        """The rated claim's terms, when the fact rates one."""
        return self.details.claim

    @property
    def correction(self) -> frozenset[str]:
        """Words of the statement that the claim lacks."""
        return self.details.correction

    @property
    def anchors(self) -> tuple[tuple[Term, ...], ...]:
        """Its key content: keyword phrases, claim, first sentence, and each place it is about."""
        return self.details.anchors

    @property
    def topic_anchors(self) -> tuple[tuple[Term, ...], ...]:
        """Its key content without the places."""
        return self.details.topic_anchors

    @property
    def terms(self) -> FactTerms:
        """The fact's analysed terms."""
        return self.details.terms


@dataclass(frozen=True)
class Candidate:
    """A fact from FTS5 with its BM25 relevance (larger is better)."""

    fact: Fact
    profile: Profile
    relevance: float
    linked: bool = False  # the message links to an article this fact cites


@dataclass(frozen=True)
class Query:
    """A message as the re-ranker sees it."""

    terms: tuple[Term, ...]
    weights: dict[str, float]  # each term's weight, by token
    reading: Reading
    qualifiers: Qualifiers
    phrase_weights: dict[str, float]  # index terms' weights, for judging phrases of facts
    today: date = field(default_factory=date.today)
    concepts: tuple[tuple[str, str, str], ...] = ()  # (concept token, its head word, the head's stem)
    measures: dict[str, tuple[str, str]] = field(default_factory=dict)  # narrower measure -> (head, its stem)
    measured: tuple[Term, ...] = ()  # what the figures asked measure ("kemiskinan", "stunting")
    parts: tuple[frozenset[str], ...] = ()  # the tokens of each sentence of the message
    unexplained: bool = False  # the message has words nobody knows (a name, slang): maybe its topic
    within: dict[str, frozenset[str]] = field(default_factory=dict)  # place key -> places containing it
    broader: dict[str, tuple[str, ...]] = field(default_factory=dict)  # "menaker" -> ("menteri",)
    role_groups: tuple[frozenset[str], ...] = ()  # roles that exclude each other (presiden, wapres)
    reason_words: frozenset[str] = frozenset()  # "kenapa", "karena", "kriteria": the why, not its topic
    loose: frozenset[str] = frozenset()  # concepts whose words the message names apart, not side by side
    documents: int = 0  # facts in the base
    measures_named: frozenset[str] = frozenset()  # words naming what a figure measures ("miskin", "stunting")
    now_words: frozenset[str] = frozenset()  # "sekarang", "berikutnya": the present or what comes next
    exclusive: frozenset[str] = frozenset()  # what the message asks about alone ("Kemnaker sendiri")

    @property
    def tokens(self) -> frozenset[str]:
        """The message's terms and their stems."""
        return frozenset(t.token for t in self.terms) | frozenset(t.stem for t in self.terms)


def idf(doc_freq: int, documents: int) -> float:
    """BM25's inverse document frequency: rare words weigh more; unseen words weigh most."""
    return math.log(1.0 + (documents - doc_freq + 0.5) / (doc_freq + 0.5))


ENGLISH_WEIGHT = 0.35  # an English word the lexicon does not map, so no fact can hold it: mostly phrasing


def term_weight(term: Term, doc_freq: int, documents: int, corrected: bool = False) -> float:
    """How much a query term counts towards confidence.

    A word the knowledge base has never seen (a real word, since slang and typos are dropped before)
    weighs as much as its rarest word: it counts against an answer without outweighing everything.
    """
    # A floor relative to the rarest possible word keeps the balance between common and rare words
    # the same in a small base and a large one: a word in most facts here still counts when missing.
    floor = max(IDF_FLOOR, IDF_FLOOR_SHARE * idf(0, documents))
    weight = max(idf(max(doc_freq, 1), documents), floor) if IDF_IN_COVERAGE else 1.0
    if term.kind == WEAK:
        weight *= WEAK_WEIGHT
    if corrected:
        weight *= CORRECTED_WEIGHT
    return weight


def _contains(profile: Profile, term: Term) -> bool:
    return term.token in profile.words or term.stem in profile.stems


def phrase_containment(phrase: Sequence[Term], tokens: set[str] | frozenset[str],
                       weights: dict[str, float]) -> float:
    """Weighted share of a fact's phrase whose exact words a message contains (0-1).

    Exact words, not stems: in a long message some word shares a stem with almost anything.
    """
    total = sum(weights[t.token] for t in phrase)
    found = sum(weights[t.token] for t in phrase if t.token in tokens)
    return found / total if total else 0.0


def anchor_coverage(anchor: Sequence[Term], tokens: frozenset[str], weights: dict[str, float]) -> float:
    """Weighted share of a fact's key phrase that the message touches (words or stems)."""
    total = sum(weights[t.token] for t in anchor)
    found = sum(weights[t.token] for t in anchor if t.token in tokens or t.stem in tokens)
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


def relevant(matched: Sequence[Term], terms: Sequence[Term], unexplained: bool = False) -> bool:
    """Whether the words a fact shares with a message can make it an answer at all.

    It must share a topic word. Places and numbers narrow a topic but are not one: a fact that
    shares only those with a message about something else ("jumlah penduduk kupang 2024") does not
    answer it, though it does answer a message that is nothing but places ("teluk bintuni"); not
    when the message also has a word nobody knows ("Pilkada NTT"), which may well be its topic. A word
    like "angka" or "persen" is a topic only with the place or figure it is about ("Manggarai Timur
    15,43 persen"), not alone ("%") nor beside an unknown word ("angka stunting di TTS").
    """
    if any(t.kind == CONTENT and t.token not in GENERIC for t in matched):
        return True
    if any(t.kind == CONTENT for t in matched):
        return not unexplained and any(t.kind == QUALIFIER for t in matched)
    return (any(t.kind == QUALIFIER for t in matched) and not any(t.kind == CONTENT for t in terms)
            and not unexplained)


def anchor_enough(documents: int) -> float:
    """The share of a fact's key content a message must touch to count as naming it, by base size.

    Among more facts, more share a word or two with any message by chance: touching half a fact's
    key phrase says less in 100,000 facts than in 50, so more is asked, up to nearly all of it.
    """
    decades = math.log10(max(documents, 1) / ANCHOR_BASE_SIZE)
    return min(ANCHOR_MOST, max(ANCHOR_ENOUGH, ANCHOR_ENOUGH + ANCHOR_PER_DECADE * decades))


def combine(coverage: float, fact_side: float, enough: float = 0.0) -> float:
    """Confidence from both sides: the message explained, and the fact's key content touched.

    A weighted harmonic mean (F-beta, leaning to the message side): a fact must explain most of
    the message, and a message that names a fact's key phrase may carry a few words it lacks.
    Touching `enough` of the key content (`anchor_enough`) counts as touching all of it.
    """
    touched = min(1.0, fact_side / (enough or ANCHOR_ENOUGH))
    if coverage <= 0 or touched <= 0:
        return 0.0
    beta2 = FACT_BETA ** 2
    return (1 + beta2) * coverage * touched / (beta2 * coverage + touched)


# -- what a message pins down, against what a fact covers ------------------------------------------

def period_gaps(asked: Qualifiers, covered: Qualifiers, fact: Fact, months: Sequence[str] = (),
                plan: bool = False) -> list[Gap]:
    """Years and months asked that the fact does not cover.

    A fact that names no year covers the years from its "as of" date to its "until" date; one that
    names no month covers the month of its "as of" date (`months` gives the months' names in order).
    """
    gaps = []
    years, named_months = set(covered.years), set(covered.months)
    if plan and fact.as_of:
        years.add(fact.as_of[:4])  # a target for 2024 set in 2021 is also a 2021 fact: "in 2021 it targeted…"
    elif not years and fact.as_of:
        last = int((fact.until or fact.as_of)[:4])
        years = {str(y) for y in range(int(fact.as_of[:4]), max(last, int(fact.as_of[:4])) + 1)}
    if not named_months and len(fact.as_of) >= 7 and months:
        named_months = {months[int(fact.as_of[5:7]) - 1]}
    if asked.years and years and not asked.years & years:  # "2022 vs 2021": one of them will do
        gaps.append(Gap("year", tuple(sorted(asked.years)), tuple(sorted(years - asked.years))))
    if asked.months and named_months and not asked.months & named_months:  # "naik dari Maret?" likewise
        gaps.append(Gap("month", tuple(sorted(asked.months)), tuple(sorted(named_months))))
    return gaps


def place_gaps(asked: Qualifiers, covered: Qualifiers, within: dict[str, frozenset[str]]) -> list[Gap]:
    """A place asked that the fact is not about (nor about a place inside it).

    The country is the exception: a national question is answered only by a national fact, not by a
    figure for one province.
    """
    foreign = sorted(p for p in asked.places if p != COUNTRY and not within.get(p) and p not in covered.places
                     and p in within)
    if foreign:  # another country: no fact about Indonesia covers it, nor is it a misquote of one
        return [Gap("abroad", tuple(foreign), tuple(sorted(covered.places)))]
    if not asked.places or not covered.places:
        return []
    for place in asked.places:
        if place in covered.places or (place != COUNTRY and any(place in within.get(p, ()) for p in covered.places)):
            return []
    return [Gap("place", tuple(sorted(asked.places)), tuple(sorted(covered.places)))]


def concept_gaps(concepts: Sequence[tuple[str, str, str]], profile: Profile) -> list[Gap]:
    """A concept asked ("kemiskinan ekstrem") of a fact about its broader term only ("kemiskinan")."""
    return [Gap("concept", (concept,)) for concept, head, head_stem in concepts
            if concept not in profile.words and (head in profile.words or head_stem in profile.stems)]


def programme_gaps(asked: Qualifiers, covered: Qualifiers) -> list[Gap]:
    """A programme asked about when the fact is about other programmes only."""
    if asked.programmes and covered.programmes and not asked.programmes & covered.programmes:
        return [Gap("programme", tuple(sorted(asked.programmes)), tuple(sorted(covered.programmes)))]
    return []


def kind_gaps(query: Query, profile: Profile, fact: Fact, echoed: bool, period_missing: bool = False) -> list[Gap]:
    """What the question asks for that the fact cannot give.

    now: a current fact; who: a person (in the role asked, if one is named); how many: a number of
    the thing asked, for the place and period asked; rank: a position; why: a reason; an outcome: a
    result, not a plan. A year the fact was written before is covered only as a plan.
    """
    gaps = []
    terms = profile.terms
    reading, asked = query.reading, query.qualifiers
    asks = reading.asks
    if "now" in asks and not echoed and not is_current(fact, query.today):
        gaps.append(Gap("now", (), (fact.as_of,)))
    roles = asked.roles - {r for group in query.role_groups if group & terms.qualifiers.roles for r in group}
    if "who" in asks and (not terms.people or (roles and not (terms.named and roles & _with_broader(terms, query)))):
        # "siapa bupati…" needs the role and a name; a role the fact contradicts is a false detail
        gaps.append(Gap("who", tuple(sorted(roles))))
    # A rated claim's own figures are the false ones ("Rp600.000 lewat tautan ini"): they answer nothing.
    numbers = [n for n in terms.qualifiers.numbers if not (fact.verdict and n.token in terms.claim)]
    # A period the fact does not cover is a gap of its own: the figure asked is then looked for in any
    # period, so that the reply does not also say the figure is missing ("September 2023 … dan angka").
    period = asked if not period_missing else replace(asked, years=frozenset(), months=frozenset())
    if reading.count_places is not None:
        period = replace(period, places=reading.count_places)
    if "howmany" in asks and not has_count(numbers, reading.counted, period, terms.qualifiers.places, query.within,
                                           inside=bool({"which", "regions"} & asks)):
        gaps.append(Gap("howmany", tuple(sorted(reading.counted))))
    if "rank" in asks and "rank" not in terms.says:
        gaps.append(Gap("rank"))
    if "why" in asks and not _gives_reason(query, profile):
        gaps.append(Gap("why"))
    if "outcome" in asks and "plan" in terms.says:
        gaps.append(Gap("plan"))
    if "contact" in asks and "contact" not in terms.says:
        gaps.append(Gap("contact"))
    if "date" in asks and "date" not in terms.says:
        gaps.append(Gap("date"))
    if {"when", "again"} <= asks and "plan" not in terms.says:
        gaps.append(Gap("now", (), (fact.as_of,)))  # "dibuka lagi kapan?": the next time, not the last
    if "how" in asks and not {"howto", "reason"} & terms.says:
        gaps.append(Gap("how"))  # "cara daftar …": only a fact saying how, where or on what basis
    listed = _listed_places(terms.qualifiers.places, query.within)
    if "regions" in asks and len(listed) < 2:
        gaps.append(Gap("regions"))  # "kabupaten mana saja?" asks for a list of places
    named = reading.which_places if reading.which_places is not None else asked.places
    if "which" in asks and not listed - named:
        gaps.append(Gap("regions"))  # "kabupaten mana yang tertinggi?" asks for a place the message does not name
    if asked.years and fact.as_of and "plan" not in asks:
        # A fact can report a year only once it has happened: a later year it names is a plan.
        last = (fact.until or fact.as_of)[:4]
        later = sorted(y for y in asked.years if y > last and y in terms.qualifiers.years)
        if later:
            gaps.append(Gap("plan", tuple(later), (fact.as_of[:4],)))
    return gaps


def _gives_reason(query: Query, profile: Profile) -> bool:
    """Whether a fact gives a reason about what a why-question asks: a sentence of it with a reason
    word ("karena") names the question's main topic word that the fact holds (not just any "because"
    in the fact)."""
    topical = [t for t in query.terms if t.kind == CONTENT and t.token not in GENERIC
               and not {t.token, t.stem, t.token.removesuffix("nya")} & query.reason_words]
    topical = [t for t in topical if _contains(profile, t)] or topical
    terms = profile.terms
    if not topical:
        return bool(terms.reasons)
    topic = max(topical, key=lambda t: query.weights.get(t.token, 0.0))
    return any(topic.token in sentence or topic.stem in sentence for sentence in terms.reasons)


def _listed_places(places: frozenset[str], within: dict[str, frozenset[str]]) -> set[str]:
    """The places a fact lists, not counting those that only say where another is ("Kupang, NTT")."""
    places = places - {COUNTRY}
    return {p for p in places if not any(p in within.get(other, ()) for other in places)}


def _with_broader(terms: FactTerms, query: Query) -> frozenset[str]:
    roles = terms.qualifiers.roles
    return roles | frozenset(b for r in roles for b in query.broader.get(r, ()))


def is_current(fact: Fact, today: date) -> bool:
    """True for a fact still valid today: its `until` not passed, or dated recently."""
    if fact.until:
        return fact.until >= today.isoformat()[: len(fact.until)]
    return bool(fact.as_of) and fact.as_of >= (today - NOW_MAX_AGE).isoformat()[: len(fact.as_of)]


def has_count(numbers: Sequence[Number], units: frozenset[str], asked: Qualifiers,
              covered_places: frozenset[str] = frozenset(),
              within: dict[str, frozenset[str]] | None = None, inside: bool = False) -> bool:
    """Whether a fact gives a number of one of `units` (any number but a duration, when none is
    named), for the place and period asked when the figure says which it is for.

    A count or a rate is for its own place: a district's figure does not answer a question about its
    province, unless the question asks which district (`inside`): then the figure asked is the
    district's. An amount (money, a duration) is a rule: a national or provincial one holds for the
    places within, and one that names no place at all holds everywhere.
    """
    wanted = set(units)
    if ANY in wanted:
        wanted = set()  # "nomornya berapa?": any number
    if FIGURE in wanted:
        wanted |= FIGURE_UNITS
    regions = bool(wanted) and wanted <= REGIONS  # a count of provinces is not "in" the place asked
    for n in numbers:
        if (n.unit not in wanted) if wanted else n.unit in (TIME, DATE):
            continue
        located = n.place in asked.places
        if inside:  # "kabupaten mana yang paling miskin di NTT, brapa persen?": the figure of a place in NTT
            located = located or any(p in (within or {}).get(n.place, ()) for p in asked.places)
        if n.unit in RULES:
            located = located or (not n.place and not covered_places) or any(
                n.place in (within or {}).get(p, ()) for p in asked.places)
        # A figure with no place of its own is for what the fact is about.
        if asked.places and not regions and not located and not (not n.place and asked.places & covered_places):
            continue
        if asked.years and n.year and n.year not in asked.years:
            continue
        if asked.months and n.month and n.month not in asked.months:
            continue
        return True
    return False


def label_gaps(asked: Qualifiers, covered: Qualifiers) -> list[Gap]:
    """A numbered instance asked ("gelombang 70") that is not the one the fact is about ("gelombang 12")."""
    gaps = []
    for said in asked.numbers:
        if said.unit.startswith(LABEL):
            same = [n for n in covered.numbers if n.unit == said.unit]
            if same and not any(_same_value(said.value, n.value) for n in same):
                gaps.append(Gap("label", (said.unit[1:] + " " + said.token,),
                                tuple(n.unit[1:] + " " + n.token for n in same)))
    return gaps


def number_contradictions(asked: Qualifiers, covered: Qualifiers) -> list[Gap]:
    """Figures a message states that differ from the fact's figures of the same kind and place."""
    gaps = []
    for said in asked.numbers:
        if not said.unit or said.unit.startswith(LABEL):
            continue
        same_unit = [n for n in covered.numbers if n.unit == said.unit and (said.unit != DATE or n.month == said.month)]
        if said.place:
            if _elsewhere(said, same_unit):
                continue  # not a misquote: the fact has no such figure for that place (`figures_elsewhere`)
            same_unit = [n for n in same_unit if n.place == said.place] or same_unit
        if not same_unit or any(_same_value(said.value, n.value) for n in same_unit):
            continue
        closest = min(same_unit, key=lambda n: abs(n.value - said.value))
        gaps.append(Gap("number", (said.token,), (closest.token,), unit=said.unit))
    return gaps


def figures_elsewhere(asked: Qualifiers, covered: Qualifiers) -> list[Gap]:
    """Figures a message states for a place that the fact gives no figure of that kind for: a
    district's rate neither confirms nor corrects its province's, nor the other way round."""
    return [Gap("howmany", (said.token,)) for said in asked.numbers
            if said.unit and not said.unit.startswith(LABEL) and said.place
            and _elsewhere(said, [n for n in covered.numbers if n.unit == said.unit])]


def _elsewhere(said: Number, same_unit: Sequence[Number]) -> bool:
    """Every figure of the unit is stated for some other place than the one the message's figure is for.
    (A count of provinces or districts is of the places themselves, not "in" the place named before it.)"""
    return said.unit not in RULES | REGIONS and bool(same_unit) and all(
        n.place and n.place != said.place for n in same_unit)


def role_contradictions(asked: Qualifiers, covered: Qualifiers, groups: Iterable[frozenset[str]]) -> list[Gap]:
    """Roles a message names where the fact names another role that excludes it (presiden, wapres)."""
    gaps = []
    for group in groups:
        said = asked.roles & group - covered.roles
        other = covered.roles & group - asked.roles
        if said and other:
            gaps.append(Gap("role", tuple(sorted(said)), tuple(sorted(other))))
    return gaps


def _same_value(a: float, b: float) -> bool:
    return abs(a - b) <= NUMBER_TOLERANCE * max(abs(a), abs(b), 1e-9)


# -- ranking ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Judgement:
    """A candidate weighed: its match, and whether it answers, is nearest, or neither."""

    match: Match
    answers: bool
    nearest: bool
    echoed: bool  # repeats the fact's rated claim: the rating goes first
    unaddressed: int = 0  # figures the message states of a kind the fact gives none of
    qualifiers: Qualifiers = field(default_factory=Qualifiers)  # what the fact covers
    narrower: int = 0  # concepts narrower than the message asks ("kemiskinan ekstrem" for "kemiskinan")

    @property
    def standing(self) -> float:
        """The score, less what the fact must correct in the message to answer it."""
        differences = self.match.differences
        blocking = sum(1 for g in differences if g.kind not in DETAILS)
        details = len(differences) - blocking
        return self.match.score * (1 - BLOCKING_COST * blocking - UNADDRESSED_COST * (self.unaddressed + self.narrower)
                                   - DETAIL_COST * details)


def rerank(query: Query, candidates: Iterable[Candidate], months: Sequence[str] = ()) -> list[Judgement]:
    """Weigh every candidate for the message; best first (answers, then nearest, then the rest)."""
    candidates = list(candidates)
    terms = list(query.terms)
    if not candidates or not terms:
        return []
    weights, phrase_weights = query.weights, query.phrase_weights
    best_relevance = max(c.relevance for c in candidates) or 1.0
    long_message = sum(1 for t in terms if t.kind != WEAK) > LONG_MESSAGE_TERMS
    query_tokens = {t.token for t in terms}
    touched = query.tokens | query.loose  # what of a fact's key content the message touches
    rounded = [t for t in terms if t.kind == QUALIFIER and t.token.isdigit() and t.token.endswith("000")
               and t.token.strip("0")]
    enough = anchor_enough(query.documents)
    reading = query.reading
    judgements = []
    # Many candidates share the same words with a message: what depends only on those is worked out once.
    set_aside: dict[tuple[int, ...], bool] = {}
    coverages: dict[tuple[tuple[int, ...], frozenset[str]], float] = {}
    query_stems = _stem_weights(terms, weights)
    for candidate in candidates:
        profile = candidate.profile
        fact = candidate.fact
        words, stems = profile.words, profile.stems
        about: set[int] = set()  # "212 ribuan" for 212.672: a figure given to the thousand is the fact's figure
        if rounded:
            values = [n.value for n in profile.terms.qualifiers.numbers]
            about = {id(t) for t in rounded if not (t.token in words or t.stem in stems)
                     and any(_rounds_to(v, t.token) for v in values)}
        matched = [t for t in terms if t.token in words or t.stem in stems or id(t) in about]
        shared = tuple(map(id, matched))
        if not candidate.linked:
            rejected = set_aside.get(shared)
            if rejected is None:
                rejected = set_aside[shared] = (not relevant(matched, terms, query.unexplained)
                                                or _hopeless(terms, matched, weights, long_message, query.parts))
            if rejected:
                continue
        covered = profile.terms.qualifiers
        asked = query.qualifiers
        conflicts = (period_gaps(asked, covered, fact, months, "plan" in profile.terms.says)
                     + place_gaps(asked, covered, query.within)
                     + programme_gaps(asked, covered) + label_gaps(asked, covered) + figures_elsewhere(asked, covered))
        contradictions = number_contradictions(asked, covered) + role_contradictions(asked, covered, query.role_groups)
        claim = echo = 0.0
        states_correction = False
        if len(profile.claim) >= MIN_PHRASE_TERMS:
            claim = claim_repetition(terms, weights, profile.claim, query_tokens, phrase_weights)
            echo = phrase_containment(profile.claim, query_tokens, phrase_weights)
            # Talking about the claim while naming what its correction adds (the district the
            # wrong list leaves out): the message states the correction, not the claim.
            states_correction = echo >= CLAIM_ECHOED and any(
                t.kind != WEAK and t.token in profile.correction for t in terms)
        echoed = bool(fact.verdict) and echo >= CLAIM_ECHOED and not states_correction
        conflicts += concept_gaps(query.concepts, profile)
        # A fact about a narrower concept than the one asked ("kemiskinan ekstrem" for "kemiskinan").
        # ("penduduk miskin" asks about poverty in general as much as "kemiskinan" does)
        narrower = [(concept, head) for concept, (head, stem) in query.measures.items()
                    if concept in profile.words and (head in query_tokens or stem in query_tokens)
                    and concept not in query_tokens and not {head, stem} & profile.terms.broad]
        if "howmany" in reading.asks and _counts_something_else(query, profile):
            conflicts.append(Gap("howmany", tuple(sorted(reading.counted))))
        if reading.mode in (CHECK, STATEMENT) and not fact.verdict:
            # "… bantuan Rp 2 juta per KK mulai 1 Agustus": a neutral fact with no amount at all neither
            # confirms nor corrects it, and shown as the answer it would read as a confirmation.
            conflicts += [Gap("howmany", (n.token,)) for n in asked.numbers if n.unit in CLAIMED_UNITS
                          and not any(c.unit == n.unit for c in covered.numbers)][:1]
        if narrower and _asks_figure(reading, asked, covered):
            # Its figures are of another quantity: the rate of extreme poverty is no poverty rate.
            conflicts += [Gap("broader", (head,), (concept,)) for concept, head in narrower]
        if reading.mode != STATEMENT:
            conflicts += kind_gaps(query, profile, fact, echoed, any(g.kind in ("year", "month") for g in conflicts))
        elif "now" in reading.asks and not echoed and not fact.verdict and not is_current(fact, query.today) \
                and _now_said_of(query, profile):
            # A forward about the present or the future ("mulai bulan depan …") is not confirmed by an
            # old fact; a rated claim is different: scams and hoaxes come back ("daftar sekarang").
            conflicts.append(Gap("now", (), (fact.as_of,)))

        excused = {tok for gap in conflicts + contradictions for tok in _gap_tokens(gap, asked)}
        coverage = coverages.get((shared, frozenset(excused)))
        if coverage is None:
            coverage = coverages[shared, frozenset(excused)] = _coverage(terms, matched, weights, excused,
                                                                         query.parts)
        plain_coverage = coverages.get((shared, frozenset()))
        if plain_coverage is None:
            plain_coverage = coverages[shared, frozenset()] = _coverage(terms, matched, weights, set(), query.parts)
        # A place the fact is about is key content too, once every topic word of the message is in the
        # fact ("cianjur kemiskinan ekstrem"); otherwise a place alone would vouch for any fact about it.
        topic_covered = all(t in matched for t in terms if t.kind == CONTENT)
        anchors = profile.anchors if topic_covered else profile.topic_anchors
        # A figure the message gets wrong ("10 provinsi" for 7) still touches the figure it misquotes.
        misquoted = touched | {t for gap in contradictions for t in gap.verified} if contradictions else touched
        fact_side = max((anchor_coverage(a, misquoted, phrase_weights) for a in anchors), default=0.0)
        identity = fact_side >= IDENTITY or (
            plain_coverage >= IDENTITY_COVERAGE and sum(1 for t in matched if t.kind != WEAK) >= IDENTITY_TERMS)
        identity = identity or candidate.linked or claim >= CLAIM_REPEATED
        claims_something = reading.mode in (CHECK, STATEMENT)
        # A wrong year is a misquote, unless the message speaks of another, later instance ("rakor
        # berikutnya … 2025"): then it is about something no fact covers yet.
        later = (bool({"now", "again"} & reading.asks) and any(g.kind in ("year", "month") for g in conflicts)) \
            or _asks_later(conflicts, profile.terms)
        misquote = claims_something and identity and not later and all(g.kind in MISQUOTABLE for g in conflicts)
        # A contradicted detail does not count against the fact that corrects it when the message
        # clearly refers to that fact; otherwise it counts like any word the fact lacks. (With a
        # conflict, the rest of the message is weighed, to find the nearest fact.)
        excuse = bool(conflicts) or (bool(contradictions) and identity and claims_something)
        confidence = combine(coverage if excuse else plain_coverage, fact_side, enough)
        phrase_scores = [phrase_containment(p, query_tokens, phrase_weights) for p in profile.phrases
                         if len(p) >= MIN_PHRASE_TERMS]
        # A long forward that names a key phrase of the fact is about it. A neutral fact must also explain
        # some of the rest: shown for a scam it does not mention ("pendaftaran BLK Kupang … wajib transfer
        # 500rb ke rekening panitia"), it would read as if it confirmed it. A rated fact answers anyway.
        if long_message and phrase_scores and (bool(fact.verdict) or plain_coverage >= PHRASE_FORWARD_COVERAGE):
            confidence = max(confidence, max(phrase_scores))
        if claim >= CLAIM_REPEATED:
            confidence = max(confidence, claim)
        if candidate.linked:
            confidence = 1.0
        # How tightly the message fits one phrase (only worth computing for a fact that may be shown).
        fit = max((_jaccard(query_stems, p, phrase_weights) for p in profile.phrases), default=0.0) \
            if confidence >= ANSWER_THRESHOLD else 0.0
        score = (CONFIDENCE_SHARE * confidence + BM25_SHARE * candidate.relevance / best_relevance
                 + FIT_SHARE * fit)
        if claim >= CLAIM_REPEATED:
            score += CLAIM_BONUS * claim
        if states_correction:
            score *= CORRECTION_DEMOTION
        elif fact.verdict and echo < CLAIM_ECHOED:
            score *= UNECHOED_DEMOTION  # a rating is about its claim: it leads only for a message repeating it
        if candidate.linked:
            score += 1.0
        score *= PRIORS.get(fact.confidence, 1.0)
        confident = confidence >= ANSWER_THRESHOLD
        answers = confident and (not conflicts or misquote)
        differences = tuple(conflicts + contradictions) if answers and identity and claims_something else ()
        shown = tuple(t.token for t in matched)
        match = Match(fact, round(score, 4), round(confidence, 4), shown,
                      gaps=tuple(conflicts) if not answers else (), differences=differences)
        unaddressed = sum(1 for n in asked.numbers if n.figure and not any(c.unit == n.unit for c in covered.numbers))
        judgements.append(Judgement(match, answers, confident and not answers, echoed, unaddressed, covered,
                                    len(narrower)))
    # Answers first, a repeated rated claim leading; then by score, less what the fact must correct (a
    # period or place most, a stated figure it gives nothing on, then a contradicted figure or role).
    judgements.sort(key=lambda j: (not j.answers, not j.nearest, not (j.answers and j.echoed), -j.standing,
                                   j.match.fact.id))
    return judgements


def _counts_something_else(query: Query, profile: Profile) -> bool:
    """Whether a fact's figures are of something other than what a how-many question counts."""
    if any(not _contains(profile, t) for t in query.measured):
        return True  # "Berapa angka stunting?" needs a figure of stunting, not any figure of the place and year
    if query.exclusive & profile.terms.denied:
        return True  # "Padat karya Kemnaker sendiri serap berapa?" of a fact whose figures are "bukan Kemnaker"
    # "Jumlah penduduk NTT berapa juta?" asks how many people live there, and a count of the poor is no
    # answer: a fact whose figures measure something the message never names.
    counted = query.reading.counted
    return not query.measured and bool(counted) and counted <= HEADCOUNTS and any(
        w in profile.words for w in query.measures_named)


def _now_said_of(query: Query, profile: Profile) -> bool:
    """Whether a forward says "now" of what the fact is about: "mulai bulan depan BLT cair lagi", not a
    closing wish ("Semoga tahun-tahun berikut lebih baik") beside a claim about the past."""
    if not query.now_words:
        return True
    by_token = {t.token: t for t in query.terms}
    for part in query.reading.parts:
        if query.now_words.isdisjoint(part.tokens):
            continue
        for token in part.tokens:
            term = by_token.get(token)
            if term and term.kind != WEAK and token not in query.now_words and _contains(profile, term):
                return True
    return False


def _rounds_to(value: float, token: str) -> bool:
    """Whether a figure given to the thousand ("212000", said "212 ribu") is `value` rounded or cut
    to the thousand: 212.672 is "212 ribuan", 15.820 "15 ribu" or "16 ribu", but not "210 ribu"."""
    number = int(token)
    return value >= ROUNDED_TO and number in (math.floor(value / ROUNDED_TO) * ROUNDED_TO,
                                              round(value / ROUNDED_TO) * ROUNDED_TO)


def _asks_figure(reading: Reading, asked: Qualifiers, covered: Qualifiers) -> bool:
    """The message asks for a figure or states one that the fact does not give word for word."""
    given = {n.token for n in covered.numbers}
    return "howmany" in reading.asks or any(n.figure and n.token not in given for n in asked.numbers)


def _asks_later(conflicts: Sequence[Gap], terms: FactTerms) -> bool:
    """A year after every year a fact's figures are for: a newer period, not a misquote of this one.
    (A plan or target is different: "the target is 2030" misquotes "the target is 2024".)"""
    years = [g for g in conflicts if g.kind == "year"]
    return bool(years) and "plan" not in terms.says and all(
        g.verified and y > max(g.verified) for g in years for y in g.said)


def _hopeless(terms: Sequence[Term], matched: Sequence[Term], weights: dict[str, float], long_message: bool,
              parts: Sequence[frozenset[str]]) -> bool:
    """True when a fact cannot reach the threshold even if every place and number it lacks were excused
    and its key content fully touched: it is not weighed further (a cheap bound for the hot path)."""
    if long_message:
        return False  # a long forward may still repeat a claim or a keyword phrase
    found = {t.token for t in matched}
    excusable = {t.token for t in terms if t.kind == QUALIFIER and t.token not in found}
    return combine(_coverage(terms, matched, weights, excusable, parts), ANCHOR_ENOUGH) < ANSWER_THRESHOLD


def _coverage(terms: Sequence[Term], matched: Sequence[Term], weights: dict[str, float], excused: set[str],
              parts: Sequence[frozenset[str]]) -> float:
    """How much of the message the fact explains: of the whole message, or of its best sentence.

    A forwarded claim wrapped in pleas to share ("… Sebarkan! Jangan sampai ketinggalan!") is judged
    by its claim, as it would be if sent alone. A sentence counts only if it has words enough
    (PART_TERMS) to be a message of its own.
    """
    found = {t.token for t in matched}
    best = 0.0
    for tokens in (None, *parts):  # None: the whole message
        own = [t for t in terms if (tokens is None or t.token in tokens) and t.token not in excused]
        if tokens is not None and sum(1 for t in own if t.kind != WEAK) < PART_TERMS:
            continue
        total = sum(weights[t.token] for t in own)
        if total:
            best = max(best, min(1.0, sum(weights[t.token] for t in own if t.token in found) / total))
    return best


def _gap_tokens(gap: Gap, asked: Qualifiers) -> list[str]:
    """The message's words behind a gap, which are excused from counting against the fact."""
    if gap.kind in ("year", "month", "place", "abroad", "programme", "role", "number"):
        return list(gap.said)
    return []


def in_time_order(judgements: list[Judgement], asked: Qualifiers, months: Sequence[str] = ()) -> list[Judgement]:
    """Close facts on the same topic, ordered in time.

    With no period asked, the newest verified fact leads. When the period asked is one no fact
    covers (the nearest facts are offered), the one closest in time to it leads: for "September
    2023", March 2023 before September 2021.
    """
    if not judgements or judgements[0].echoed:
        return judgements
    best = judgements[0]
    if asked.period and not (best.nearest and not best.answers):
        return judgements
    band = [j for j in judgements if j.answers == best.answers and j.nearest == best.nearest and not j.echoed
            and j.match.fact.topic == best.match.fact.topic and not j.match.fact.verdict
            and j.match.score >= NEWEST_BAND * best.match.score]
    if len(band) < 2 or best.match.fact.verdict:
        return judgements
    if asked.period:
        target = _month_index(max(asked.years, default=""), next(iter(asked.months), ""), months)
        ordered = sorted(band, key=lambda j: (j.narrower, min((abs(target - p) for p in _periods(j, months)),
                                                              default=10**6),
                                              len(j.qualifiers.places - asked.places), -j.match.score))
    else:
        ordered = sorted(band, key=lambda j: (j.match.fact.as_of, j.match.score), reverse=True)
    return ordered + [j for j in judgements if j not in band]


def _periods(judgement: Judgement, months: Sequence[str]) -> list[int]:
    """The periods a fact gives figures for (its figures' years and months, else its years), as month indexes."""
    numbers = [(n.year, n.month) for n in judgement.qualifiers.numbers if n.year]
    named = [(y, m) for y in judgement.qualifiers.years for m in (judgement.qualifiers.months or {""})]
    pairs = numbers or named
    return [_month_index(y, m, months) for y, m in pairs if y]


def _month_index(year: str, month: str, months: Sequence[str]) -> int:
    if not year:
        return 10**6
    number = months.index(month) + 1 if month in months else 6  # an unknown month: mid-year
    return int(year) * 12 + number


def _stem_weights(terms: Sequence[Term], weights: dict[str, float]) -> dict[str, float]:
    """A message's weight by stem (the last of the words with that stem), as `_jaccard` compares it."""
    return {t.stem: weights[t.token] for t in terms}


def _jaccard(query: dict[str, float], phrase: Sequence[Term], phrase_weights: dict[str, float]) -> float:
    """Weighted Jaccard similarity of a message (its `_stem_weights`) and a fact's phrase, by stem."""
    other = {t.stem: phrase_weights[t.token] for t in phrase}
    union = sum(max(query.get(k, 0.0), other.get(k, 0.0)) for k in query.keys() | other.keys())
    shared = sum(min(query[k], other[k]) for k in query.keys() & other.keys())
    return shared / union if union else 0.0


def answered(matches: Sequence[Match]) -> bool:
    """True when the best match is confident enough to be shown as the answer."""
    return bool(matches) and matches[0].confidence >= ANSWER_THRESHOLD and not matches[0].gaps


def see_also(judgements: Sequence[Judgement]) -> list[Match]:
    """The best answer followed by close runners-up worth offering as "see also"."""
    answers = [j.match for j in judgements if j.answers]
    if not answers:
        return []
    best = answers[0]
    others = [m for m in answers[1:] if m.score >= SEE_ALSO_RATIO * best.score]
    return [best, *others[:SEE_ALSO_MAX]]


def nearest(judgements: Sequence[Judgement]) -> list[Match]:
    """The closest facts that would answer but for a gap, best first."""
    return [j.match for j in judgements if j.nearest][:NEAREST_MAX]
