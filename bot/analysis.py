"""Turns text into matchable terms: canonical tokens, their stems, how much they weigh, and what
they pin down (years, months, places, programmes, roles, numbers with their unit).

One `Analyzer` is built per process (the stemmer and its dictionary load once) and is used both
to index facts and to read citizens' messages, so the two always agree.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache

from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

from bot.lexicon import COUNTRY, Lexicon
from bot.links import find_urls, slug_words, strip_urls, url_key
from bot.normalize import Normalizer, display_token, sentences, tokenize

MIN_STEM_CHARS = 4  # shorter words are left alone: the stemmer mangles them
WEAK = "weak"
CONTENT = "content"
QUALIFIER = "qualifier"  # place names and numbers: they narrow a topic but are not one
_DECIMAL = re.compile(r"^(\d+)d(\d+)$")
_YEAR = re.compile(r"^(19|20)\d\d$")
PLACE_PREFIXES = frozenset({"kabupaten", "kota", "provinsi", "kecamatan"})
NATIONAL = frozenset({"nasional", "indonesia", "nationwide"})
PER_WORDS = frozenset({"per", "setiap", "tiap", "each", "every", "untuk"})  # "Rp40 juta per kelompok"
SCALES = {"ribu": 1e3, "juta": 1e6, "miliar": 1e9}
MONEY_BEFORE = frozenset({"rp", "rupiah", "us", "dolar", "usd"})
LABELS = frozenset({"gelombang", "tahap", "angkatan", "batch", "jilid", "periode", "wave"})  # numbered instances
LABEL = "#"  # the unit of a number that names an instance ("gelombang 12")
NUMBER_CONTEXT = 10  # tokens before a number searched for the place it belongs to
SUBJECT_NUMBER_GAP = 3  # a place followed this closely by a number has figures of its own
NATIONAL_PROVINCES = 3  # a fact naming this many provinces is about the country as a whole
FIGURE = "figure"  # the unit of "angka", "tingkat", "kemiskinan": people, households or a percentage
PERCENT = "percent"
# Said to the reader at a sentence's end, after its tag ("… ya min?", "… kan kaka?", "… to pak?")
VOCATIVES = frozenset({"min", "admin", "kak", "kaka", "ka", "pak", "bu", "bro", "sis", "om", "gan", "mas", "mbak",
                       "bang", "dik", "nona", "usi", "bapa", "mama", "tanta", "dong", "sih", "eh", "e", "nih", "deh"})
DATE = "date"  # the unit of a day of a month ("17 Oktober")
TIME = "time"  # the unit of "bulan", "tahun": a duration
REGIONS = frozenset({"provinces", "districts"})  # counting places: a count of regions is not located in one

# Modes of a message: an open question, a yes/no check of a claim, a forwarded statement, or a few
# keywords (a lookup). A near miss is a misquote only in a check or a statement.
QUESTION, CHECK, STATEMENT, LOOKUP = "question", "check", "statement", "lookup"
# What a question asks for (see lexicon [questions]); "plan" and "outcome" tell a target from a result.
ASKED = ("who", "howmany", "when", "where", "now", "again", "rank", "why", "plan", "outcome", "contact", "date",
         "how")
CLITICS = ("nya", "lah", "kah", "pun")  # "alamatnya", "benarkah": the word and its particle
COUNTED_BEFORE = 8  # words before "berapa" searched for what it counts
ENGLISH_MARGIN = 1.0  # Zipf points by which a word is commoner in English than in Indonesian to be English
SHORT_ACRONYM = 4  # acronyms this short are written in capitals ("BSU"); longer ones capitalised ("Kemnaker")
STATEMENT_MIN_WORDS = 6  # fewer informative words, without a question: keywords, not a statement
# How specific a word is, from how common it is in Indonesian (Zipf frequency): a word as rare as
# RARE_ZIPF or rarer counts fully; one as common as COMMON_ZIPF ("nama", "sekolah") counts MIN_SPECIFICITY.
RARE_ZIPF, COMMON_ZIPF, MIN_SPECIFICITY = 3.5, 6.0, 0.3


@dataclass(frozen=True)
class Term:
    """A query word after normalisation: its canonical form, its stem and its kind."""

    token: str
    stem: str
    kind: str = CONTENT  # CONTENT, QUALIFIER (a place or number), or WEAK ("is it true?", "when")


@dataclass(frozen=True)
class Number:
    """A number in a text, with what it counts ("people", "percent", "blk"…) and the place it is about."""

    value: float
    unit: str
    token: str  # as written in the index ("21d51")
    place: str = ""
    year: str = ""  # the year and month the figure is for, when its clause names them
    month: str = ""

    @property
    def figure(self) -> bool:
        """A number of something (not a bare number, nor the day of a date)."""
        return self.unit not in ("", DATE)


@dataclass(frozen=True)
class Qualifiers:
    """What a text pins down beyond its topic."""

    years: frozenset[str] = frozenset()
    months: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()  # place keys of the gazetteer ("sumbatimur", "ntt", "indonesia")
    programmes: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()
    numbers: tuple[Number, ...] = ()

    @property
    def period(self) -> bool:
        """True when a year or month is named."""
        return bool(self.years or self.months)


_CONTACT = re.compile(r"\b0\d{2,3}[- ]?\d{3,4}[- ]?\d{3,4}\b|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:go\.id|com|id|org)\b"
                      r"|\b(?:jalan|jl\.?)\s", re.IGNORECASE)  # a phone number, a website or an address
_NAMED = re.compile(r"\b(?:saya|sy|beta|aku|nama saya|perkenalkan)\s*,?\s+(?:(?:ibu|bapak|pak|bu|kak|sdr|"
                    r"saudara|mama|bapa|om|tanta)\.?\s+)?[A-Z][a-z]{2,}(?:\s+[A-Z][a-z]+)?\s*(?:,|\.|$)")
# What a messaging app or a forwarder adds around a forwarded message: not part of what it says.
_FORWARDED = re.compile(
    r"\b(?:forwarded(?:\s+(?:many\s+times|as\s+received))?|diteruskan(?:\s+berkali-kali)?|pesan\s+terusan)\b"
    r"|\b(?:dari|di|from)\s+(?:grup|group|wag)\s+(?:[\"'«“‘][^\"'»”’]{1,60}[\"'»”’]|[^\s.!?]+)",
    re.IGNORECASE)
_CLAUSE = re.compile(r"(?<=\S)[,;:]\s+|\s(?:dan|serta|sedangkan|sementara)\s", re.IGNORECASE)
_CAPITALS = re.compile(r"\b[A-Z]{2,6}\b")
_WORD = re.compile(r"[^\W\d_]+")
# A capitalised word after a lower-case word or a comma (not a sentence's first word): a name.
_INNER_TITLE = re.compile(r"(?<=[a-z0-9,] )([A-Z][a-z]{2,})\b")
_LETTERS = re.compile(r"[^\W\d_]")


def acronyms(text: str) -> frozenset[str]:
    """Words written in capitals ("UMP", "BPJS"), unless the whole message is in capitals."""
    letters = _LETTERS.findall(text)
    if not letters or sum(ch.isupper() for ch in letters) > len(letters) / 2:
        return frozenset()
    return frozenset(w.lower() for w in _CAPITALS.findall(text))


def proper_names(text: str) -> frozenset[str]:
    """Capitalised words inside a sentence ("program apa yang Bappenas buat"), unless the message is
    in capitals or in title case ("Info Penting Untuk Warga" is a headline, not names)."""
    letters = _LETTERS.findall(text)
    if not letters or sum(ch.isupper() for ch in letters) > len(letters) / 2:
        return frozenset()
    words = _WORD.findall(text)
    titled = list(_INNER_TITLE.finditer(text))
    if not words or len(titled) > len(words) / 3:
        return frozenset()
    return frozenset(m.group(1).lower() for m in titled)


def raw_tags(sentence: str) -> frozenset[str]:
    """The last word of a sentence as written, lower-cased ("… tahun 2030 ya?" -> {"ya"}), before any
    form of address or particle ("… 8 Juli 2022 ya min?" -> {"ya"})."""
    words = re.findall(r"\w+", sentence.lower())
    while len(words) > 1 and words[-1] in VOCATIVES:
        words.pop()
    return frozenset(words[-1:])


def _without_clitic(token: str) -> str:
    for clitic in CLITICS:
        if token.endswith(clitic) and len(token) > len(clitic) + 2:
            return token[: -len(clitic)]
    return token


def union(*qualifiers: Qualifiers) -> Qualifiers:
    """Everything any of several texts pins down."""
    return Qualifiers(
        frozenset().union(*(q.years for q in qualifiers)), frozenset().union(*(q.months for q in qualifiers)),
        frozenset().union(*(q.places for q in qualifiers)), frozenset().union(*(q.programmes for q in qualifiers)),
        frozenset().union(*(q.roles for q in qualifiers)), tuple(n for q in qualifiers for n in q.numbers))


@dataclass(frozen=True)
class Place:
    """A province, regency or city (or the country) known by its place key."""

    key: str
    name: str
    level: str  # "country", "province" or "regency"
    within: frozenset[str] = frozenset()  # keys of the places containing it


@dataclass(frozen=True)
class Part:
    """A sentence of a message: its canonical tokens, and whether it asks something."""

    tokens: tuple[str, ...]
    question: bool = False


@dataclass(frozen=True)
class Reading:
    """A citizen's message read before matching: its words, what it asks and how."""

    text: str
    parts: tuple[Part, ...]  # the sentences that matter (greetings, pleas to share, intros left out)
    asks: frozenset[str] = frozenset()  # "who", "howmany", "when", "now"…, from the question itself
    mode: str = LOOKUP
    urls: tuple[str, ...] = ()  # keys of the links in the message (see links.url_key)
    slugs: tuple[str, ...] = ()  # the words of the links' paths, which say what the articles are about
    lang: str = "id"
    acronyms: frozenset[str] = frozenset()  # words written in capitals ("UMP"): names of things, not slang
    names: frozenset[str] = frozenset()  # capitalised words inside a sentence ("Bappenas"): maybe names
    counted: frozenset[str] = frozenset()  # what a how-many question counts ("people"), once corrected
    which_places: frozenset[str] | None = None  # places named beside "kabupaten mana …?" (not a guess after it)
    count_places: frozenset[str] | None = None  # places named beside "berapa" (not in a comparison after it)

    @property
    def tokens(self) -> tuple[str, ...]:
        """The canonical tokens of the sentences that matter."""
        return tuple(t for part in self.parts for t in part.tokens)


@dataclass(frozen=True)
class FactTerms:
    """A fact as the matcher needs it, computed when the fact is indexed (never per query)."""

    keywords: tuple[tuple[str, ...], ...]  # informative canonical tokens of each keyword phrase
    claim: tuple[str, ...] = ()  # ... of the rated claim
    lead: tuple[str, ...] = ()  # ... of the statement's first sentence
    correction: tuple[str, ...] = ()  # words of the statement that its claim lacks
    qualifiers: Qualifiers = field(default_factory=Qualifiers)
    people: bool = False  # names a person or a role (can answer "who")
    named: bool = False  # names a person (can answer "who is the bupati", not only "who decided")
    urls: tuple[str, ...] = ()
    says: frozenset[str] = frozenset()  # what kinds of answer it holds: "reason", "rank", "plan"
    reasons: tuple[tuple[str, ...], ...] = ()  # words (and stems) of each sentence giving a reason
    broad: frozenset[str] = frozenset()  # head words used on their own, not only in a concept
    denied: frozenset[str] = frozenset()  # what the statement says it is not about ("bukan Kemnaker")

    @property
    def topic_anchors(self) -> tuple[tuple[str, ...], ...]:
        """The fact's key content: keyword phrases, claim and first sentence."""
        return tuple(a for a in (*self.keywords, self.claim, self.lead) if a)

    @property
    def anchors(self) -> tuple[tuple[str, ...], ...]:
        """The key content, and each place the fact is about (for a message that names only places)."""
        return self.topic_anchors + tuple((p,) for p in sorted(self.qualifiers.places))


def dump_fact_terms(terms: FactTerms) -> str:
    """FactTerms as the JSON stored with a fact."""
    data = asdict(terms)
    data["qualifiers"] = {k: sorted(v) if isinstance(v, frozenset) else v for k, v in data["qualifiers"].items()}
    data["says"] = sorted(terms.says)
    data["broad"] = sorted(terms.broad)
    data["denied"] = sorted(terms.denied)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def load_fact_terms(text: str | None) -> FactTerms:
    """FactTerms from the JSON stored with a fact."""
    if not text:
        return FactTerms(())
    data = json.loads(text)
    q = data["qualifiers"]
    qualifiers = Qualifiers(frozenset(q["years"]), frozenset(q["months"]), frozenset(q["places"]),
                            frozenset(q["programmes"]), frozenset(q["roles"]),
                            tuple(Number(**n) for n in q["numbers"]))
    return FactTerms(tuple(tuple(k) for k in data["keywords"]), tuple(data["claim"]), tuple(data["lead"]),
                     tuple(data["correction"]), qualifiers, data["people"], data.get("named", False),
                     tuple(data["urls"]), frozenset(data.get("says", ())),
                     tuple(tuple(r) for r in data.get("reasons", ())), frozenset(data.get("broad", ())),
                     frozenset(data.get("denied", ())))


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
        self.places: dict[str, Place] = {}
        self._units: dict[tuple[str, ...], str] = {}  # a multi-word name or concept -> its one token
        self._display: dict[str, str] = {}  # such a token -> how people write it
        self._build_places()
        self.compound_tokens: list[tuple[str, ...]] = []
        for compound in lexicon.compounds:  # "kemiskinan ekstrem" is one thing, not two
            tokens = tuple(self.normalizer.tokens(compound))
            if len(tokens) > 1:
                self._units.setdefault(tokens, "".join(tokens))
                self._display.setdefault("".join(tokens), compound)
                self.compound_tokens.append(tokens)
        self._heads = {"".join(t): t[0] for t in self.compound_tokens}  # "kabupatenprioritas" -> "kabupaten"
        self._head_words = frozenset(self._heads.values())
        for variant, canonical in lexicon.phrases.items():  # a role as written out: "wapres" -> "wakil presiden"
            if canonical in lexicon.roles and " " in variant:
                self._display.setdefault(canonical, variant)
        for word in lexicon.acronyms | lexicon.programmes:  # "bsu" -> "BSU", "prakerja" -> "Prakerja"
            if " " not in word:
                self._display.setdefault(word, word.upper() if len(word) <= SHORT_ACRONYM else word.capitalize())
        self._longest_unit = max((len(k) for k in self._units), default=1)
        self.stem = lru_cache(maxsize=65536)(self._stem)
        self._head_words |= frozenset(self.stem(h) for h in self._head_words)  # "miskin" for "kemiskinan"
        self.specificity = lru_cache(maxsize=65536)(self._specificity)

    def learn(self, words: dict[str, str]) -> None:
        """Take words moderators added in the chat: variant -> standard form, or "" for a word with no
        topic of its own. The files' lexicon keeps precedence for the words it already knows."""
        lex = self.lexicon
        phrases = dict(lex.phrases)
        stopwords = set(lex.stopwords)
        for variant, standard in words.items():
            if standard:
                phrases.setdefault(variant, standard)
            elif variant not in phrases:
                stopwords.add(variant)
        digest = hashlib.sha256(repr(sorted(words.items())).encode()).hexdigest()[:8]
        self.lexicon = replace(lex, phrases=phrases, stopwords=frozenset(stopwords),
                               fingerprint=f"{lex.fingerprint.split('+')[0]}+{digest}" if words else lex.fingerprint)
        self.normalizer = Normalizer(phrases)
        self.stem.cache_clear()

    # -- places ---------------------------------------------------------------------------------

    def _build_places(self) -> None:
        lex = self.lexicon
        self.places[COUNTRY] = Place(COUNTRY, "Indonesia", "country")
        for name in lex.foreign:  # other countries contain no place of Indonesia, and none contains them
            key = "".join(self.normalizer.tokens(name))
            self.places.setdefault(key, Place(key, name.title(), "country"))
        provinces: dict[str, str] = {}
        for entry in lex.gazetteer:
            if entry.level == "province":
                provinces[entry.name] = self._place_key(entry.name, "province", frozenset({COUNTRY}), entry.aliases)
        for entry in lex.gazetteer:
            if entry.level == "regency":
                within = frozenset({COUNTRY, provinces[entry.province]})
                self._place_key(entry.name, "regency", within, entry.aliases)

    def _place_key(self, name: str, level: str, within: frozenset[str], aliases: tuple[str, ...] = ()) -> str:
        tokens = tuple(self.normalizer.tokens(name))
        key = "".join(tokens)
        known = self.places.get(key)
        if known is not None:  # the same name twice (Kabupaten and Kota Kupang; Banjar in two provinces)
            if known.level == level:
                self.places[key] = Place(key, known.name, level, known.within | within)
        else:
            self.places[key] = Place(key, name, level, within)
            self._display[key] = name
            if len(tokens) > 1:
                self._units[tokens] = key
        for alias in aliases:  # "Jakarta" is DKI Jakarta, "East Java" is Jawa Timur
            alias_tokens = tuple(self.normalizer.tokens(alias))
            if alias_tokens and alias_tokens != tokens and "".join(alias_tokens) not in self.places:
                self._units.setdefault(alias_tokens, key)
        return key

    def merge(self, tokens: list[str]) -> list[str]:
        """Multi-word place names and concepts become one token each, longest first.

        "jawa timur" -> "jawatimur", so "Jawa Timur" is never matched word by word with "Sumba Timur";
        "kemiskinan ekstrem" -> "kemiskinanekstrem", so a question about extreme poverty is not answered
        by a fact about poverty; a clitic on the last word is dropped ("kemiskinan ekstremnya"). (A fact
        is indexed by both its words and these tokens, so "sumba" or "kemiskinan" alone still find it.)
        An ordinary word that is also a place name ("batu") is a place only after "kabupaten" or "kota".
        """
        out: list[str] = []
        i = 0
        while i < len(tokens):
            for size in range(min(self._longest_unit, len(tokens) - i), 0, -1):
                words = tuple(tokens[i:i + size])
                key = self._units.get(words)
                if key is None and size > 1:  # "kemiskinan ekstremnya", "miskin ekstremnya", "sumba timurnya"
                    bare = (*words[:-1], _without_clitic(words[-1]))
                    key = self._units.get(bare) or self._units.get(self.normalizer.canonical_words(bare))
                if key is not None and (" ".join(tokens[i:i + size]) not in self.lexicon.ambiguous_places
                                        or (out and out[-1] in PLACE_PREFIXES)):
                    out.append(key)
                    i += size
                    break
            else:
                out.append(tokens[i])
                i += 1
        return out

    def place_of(self, token: str, previous: str = "") -> str | None:
        """The place key a (merged) token names, if any."""
        if token in NATIONAL:
            return COUNTRY
        if token not in self.places:
            return None
        if token in self.lexicon.ambiguous_places and token not in self.lexicon.places \
                and previous not in PLACE_PREFIXES:
            return None
        return token

    def display(self, token: str) -> str:
        """A token as people write it ("sumbatimur" -> "Sumba Timur", "17d47" -> "17,47")."""
        return self._display.get(token) or display_token(token)

    # -- words ----------------------------------------------------------------------------------

    def _stem(self, token: str) -> str:
        if len(token) < MIN_STEM_CHARS or token in self._keep or not token.isalpha() or token in self.places:
            return token
        return self._sastrawi.stem(token) or token

    def tokens(self, text: str) -> list[str]:
        """Canonical tokens of `text`, stopwords included (place names not merged)."""
        return self.normalizer.tokens(text)

    def is_word(self, token: str) -> bool:
        """True when `token` is a known Indonesian or English word, or a name: not a typo or slang."""
        lex = self.lexicon
        return (token in self._keep or token in self.places or token in lex.english or token in lex.programmes
                or token in lex.roles or self._dictionary.contains(token)
                or self._dictionary.contains(self.stem(token)))

    def is_english_only(self, token: str) -> bool:
        """An English word that Indonesian chat does not use as its own ("roughly"; not "data", "online")."""
        lex = self.lexicon
        if token not in lex.english or self.is_indonesian(token) or token in self.places or token in self._keep:
            return False
        return lex.frequency.get(token, 0.0) < lex.english_frequency.get(token, 0.0) - ENGLISH_MARGIN

    def is_indonesian(self, token: str) -> bool:
        """True for a word of PySastrawi's Indonesian dictionary (or its stem)."""
        return self._dictionary.contains(token) or self._dictionary.contains(self.stem(token))

    def _specificity(self, token: str) -> float:
        """How much a word says about a topic, by how rare it is in general Indonesian (0.3-1).

        Weighting by the knowledge base alone would make "sekolah" as telling as "BSU" whenever both
        occur in one fact; the language at large knows better. Numbers, names and acronyms count fully.
        """
        lex = self.lexicon
        zipf = lex.frequency.get(token, lex.english_frequency.get(token))
        if zipf is None or token in self._keep or not token.isalpha():
            return 1.0
        share = (COMMON_ZIPF - zipf) / (COMMON_ZIPF - RARE_ZIPF)
        return min(1.0, max(MIN_SPECIFICITY, MIN_SPECIFICITY + (1 - MIN_SPECIFICITY) * share))

    def is_protected(self, token: str) -> bool:
        """True for acronyms, place names and other words never stemmed or corrected."""
        return token in self._keep or token in self.places

    def is_function(self, token: str) -> bool:
        """True for words with no topic of their own: stopwords, greetings."""
        return token in self.lexicon.stopwords or token in self.lexicon.smalltalk

    def is_topical(self, token: str) -> bool:
        """True for a word that says what a question is about (not "hari", "tahun", "berapa")."""
        return not self.is_function(token) and token not in self._weak

    def query_terms(self, tokens: list[str]) -> list[Term]:
        """The terms of a message worth matching: stopwords, greetings and duplicates dropped."""
        seen: set[str] = set()
        terms = []
        for token in tokens:
            if self.is_function(token) or token in seen:
                continue
            seen.add(token)
            terms.append(Term(token, self.stem(token), self.kind(token)))
        return terms

    def kind(self, token: str) -> str:
        """WEAK, QUALIFIER or CONTENT."""
        if token in self.lexicon.places or token in self.places or token.isdigit() or _DECIMAL.match(token):
            return QUALIFIER
        return WEAK if token in self._weak else CONTENT

    def is_smalltalk(self, tokens: list[str]) -> bool:
        """True when every word is a greeting, thanks or filler."""
        lex = self.lexicon
        return bool(tokens) and all(t in lex.smalltalk or t in lex.stopwords for t in tokens)

    # -- indexing -------------------------------------------------------------------------------

    def index_tokens(self, *texts: str) -> list[str]:
        """Canonical tokens for indexing: each text's words, then its merged place names.

        A decimal is also indexed by its whole part, so "11 juta" finds "11,14 juta"; a place is indexed
        both as its words and as one token, so "sumba" and "sumba timur" both find it.
        """
        tokens: list[str] = []
        for text in texts:
            if not text:
                continue
            words = self.tokens(text)
            tokens.extend(words)
            tokens.extend(t for t in self.merge(words) if t not in words)
            tokens.extend(m.group(1) for m in map(_DECIMAL.match, words) if m)
            tokens.extend(b for w in words for b in self.lexicon.broader.get(w, ()))
        return tokens

    def index_text(self, *texts: str) -> tuple[str, str]:
        """Index tokens and their stems, each as one space-separated string."""
        tokens = self.index_tokens(*texts)
        return " ".join(tokens), " ".join(self.stem(t) for t in tokens)

    def fact_terms(self, statement: str, claim: str = "", keywords: tuple[str, ...] = (),
                   source_urls: tuple[str, ...] = ()) -> FactTerms:
        """What the matcher needs of a fact, computed once when it is indexed."""
        statement_tokens = self.merge(self.tokens(statement))
        claim_tokens = self.merge(self.tokens(claim)) if claim else []
        keyword_tokens = [self.merge(self.tokens(k)) for k in keywords]
        first = self.merge(self.tokens(sentences(statement)[0])) if statement.strip() else []
        texts = [statement_tokens, claim_tokens, *keyword_tokens]
        qualifiers = union(*(self.qualifiers(t) for t in texts if t))
        numbers = [n for sentence in sentences(statement)  # the true figures: the statement's, not the claim's
                   for n in self.numbers([], [self.merge(self.tokens(c)) for c in _CLAUSE.split(sentence)])]
        # Places the fact is about: named in a keyword or its first sentence, or given figures of their
        # own ("Sumba Tengah 21,51 persen"). A place named in passing ("after Papua") is not a subject.
        subjects = set(union(*(self.qualifiers(t) for t in (first, claim_tokens, *keyword_tokens) if t)).places)
        subjects |= {n.place for n in numbers if n.place and self._place_has_figure(statement_tokens, n)}
        places = set(subjects or qualifiers.places)
        if sum(1 for p in qualifiers.places if self.places[p].level == "province") >= NATIONAL_PROVINCES:
            places.add(COUNTRY)  # a fact comparing provinces is about the country
        qualifiers = Qualifiers(qualifiers.years, qualifiers.months, frozenset(places),
                                qualifiers.programmes, qualifiers.roles, tuple(numbers))
        everything = [t for text in texts for t in text]
        correction: tuple[str, ...] = ()
        if claim_tokens:
            claim_words = set(claim_tokens) | {self.stem(t) for t in claim_tokens}
            correction = tuple(dict.fromkeys(t for t in self._informative(statement_tokens)
                                             if t not in claim_words and self.stem(t) not in claim_words))
        reason_words = self.lexicon.asks.get("reasons", frozenset())
        reasons = tuple(tuple(sorted({w for t in tokens for w in (t, self.stem(t))}))
                        for tokens in (self.tokens(s) + self.merge(self.tokens(s)) for s in sentences(statement))
                        if any(t in reason_words or self.stem(t) in reason_words for t in tokens))
        # A concept's head word used on its own ("kemiskinan umum turun ke …" beside "kemiskinan ekstrem").
        broad = frozenset(t for t in statement_tokens if t in self._head_words)
        named = any(t in self.lexicon.names for t in everything)
        people = named or bool(qualifiers.roles)
        says = set(kind for kind, words in (("reason", self.lexicon.asks.get("reasons", ())),
                                            ("rank", self.lexicon.asks.get("ranks", ())),
                                            ("plan", self.lexicon.asks.get("plan", ())))
                   if any(t in words or self.stem(t) in words for t in statement_tokens))
        if any(t == "nomor" and nxt.isdigit() for t, nxt in zip(statement_tokens, statement_tokens[1:], strict=False)):
            says.add("rank")  # "Inpres Nomor 4": answers "nomor berapa?"
        if _CONTACT.search(statement):
            says.add("contact")
            says.add("howto")  # a number or an address to go to is how to go about it
        if any(t in self.lexicon.asks.get("howto", ()) for t in statement_tokens):
            says.add("howto")
        if any(t.isdigit() and int(t) <= 31 and nxt in self.lexicon.months
               for t, nxt in zip(statement_tokens, statement_tokens[1:], strict=False)):
            says.add("date")  # "17 Oktober 2021": answers "tanggal berapa?"
        keyword_anchors = tuple(a for a in (tuple(self._informative(k)) for k in keyword_tokens) if a)
        return FactTerms(keyword_anchors, tuple(self._informative(claim_tokens)), tuple(self._informative(first)),
                         correction, qualifiers, people, named,
                         tuple(dict.fromkeys(k for k in map(url_key, source_urls) if k)), frozenset(says),
                         reasons, broad, self._denied(statement_tokens))

    def _place_has_figure(self, tokens: list[str], number: Number) -> bool:
        for i, token in enumerate(tokens):
            if self.place_of(token) == number.place:
                window = tokens[i + 1:i + 1 + SUBJECT_NUMBER_GAP]
                if number.token in window:
                    return True
        return False

    def _denied(self, tokens: list[str]) -> frozenset[str]:
        """What a statement says it is not about: "sebagian besar dari PUPR dan bukan Kemnaker" -> kemnaker."""
        return frozenset(after for word, after in zip(tokens, tokens[1:], strict=False)
                         if word == "bukan" and not self.is_function(after))

    def exclusive(self, tokens: list[str]) -> frozenset[str]:
        """What a message asks about alone: "Kemnaker sendiri", "Kemnaker's own" -> kemnaker."""
        return frozenset([before for before, word in zip(tokens, tokens[1:], strict=False) if word == "sendiri"]
                         + [after for word, after in zip(tokens, tokens[1:], strict=False) if word == "own"])

    def _informative(self, tokens: list[str]) -> list[str]:
        return [t for t in dict.fromkeys(tokens) if not self.is_function(t)]

    # -- qualifiers ------------------------------------------------------------------------------

    def qualifiers(self, tokens: list[str]) -> Qualifiers:
        """Years, months, places, programmes, roles and numbers named in merged tokens."""
        lex = self.lexicon
        years, months, places, programmes, roles = set(), set(), set(), set(), set()
        for i, token in enumerate(tokens):
            previous = tokens[i - 1] if i else ""
            if _YEAR.match(token) and not self._counts_something(tokens, i):
                years.add(token)
            elif token in lex.months:
                months.add(token)
            elif token in lex.programmes:
                programmes.add(token)
            elif token in lex.roles:
                roles.add(token)
            place = self.place_of(token, previous)
            if place:
                places.add(place)
        numbers = self.numbers(tokens)
        return Qualifiers(frozenset(years), frozenset(months), frozenset(places), frozenset(programmes),
                          frozenset(roles), tuple(numbers))

    def _counts_something(self, tokens: list[str], i: int) -> bool:
        """A four-digit number followed by what it counts ("2127 blk") is a count, not a year."""
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        if i and (tokens[i - 1] in self.lexicon.months or tokens[i - 1] == "tahun"):
            return False  # "Maret 2021, orangnya berapa?", "tahun 2021, warga …": a year
        return bool(after) and not self.is_function(after) and (
            after in self.lexicon.units or after in self.lexicon.programmes)

    def numbers(self, tokens: list[str], clauses: list[list[str]] | None = None) -> list[Number]:
        """Numbers with their unit: "21d51 persen", "rp 600000", "1d14 juta penduduk", "54 blk".

        Each number also gets the place before it and the year and month it is for, looked up in its
        own clause first ("… 45.000 tenaga kerja sampai Oktober 2021, serta 7.124 tenaga kerja … pada
        Juni 2022": 7.124 is for 2022). Years, days of a month and numbers "per" something ("Rp40 juta
        per kelompok" is an amount, not a number of groups) get no counted unit.
        """
        found: list[Number] = []
        earlier: list[str] = []
        for clause in clauses if clauses is not None else [tokens]:
            found.extend(self._clause_numbers(clause, earlier, found[-1] if found else None))
            earlier = earlier + clause
        return found

    def _clause_numbers(self, tokens: list[str], earlier: list[str], last: Number | None) -> list[Number]:
        lex = self.lexicon
        found: list[Number] = []
        for i, token in enumerate(tokens):
            decimal = _DECIMAL.match(token)
            if not (token.isdigit() or decimal):
                continue
            if _YEAR.match(token) and not self._counts_something(tokens, i):
                continue
            if i + 1 < len(tokens) and tokens[i + 1] in lex.months:
                if token.isdigit() and 1 <= int(token) <= 31:  # "17 Oktober 2021": a day, checked as a date
                    year = next((t for t in tokens[i + 2:i + 3] if _YEAR.match(t)), "")
                    found.append(Number(float(token), DATE, token, "", year, tokens[i + 1]))
                continue
            value = float(f"{decimal.group(1)}.{decimal.group(2)}") if decimal else float(token)
            j = i + 1
            while j < len(tokens) and tokens[j] in SCALES:
                value *= SCALES[tokens[j]]
                j += 1
            unit = ""
            after = tokens[j] if j < len(tokens) else ""
            if i and tokens[i - 1] in LABELS:
                unit = LABEL + tokens[i - 1]  # "gelombang 12": which wave, not how many
            elif i and tokens[i - 1] in MONEY_BEFORE:
                unit = "money"
            elif after and after not in PER_WORDS and not self.is_function(after) and not _DECIMAL.match(after) \
                    and not after.isdigit() and not self.place_of(after):
                unit = self.unit(after)
                if unit == after and self.kind(after) == WEAK:
                    unit = ""  # "212 ribuan, bener gak?": a word with no topic counts nothing
            if not unit and after == "dari" and j + 2 < len(tokens) and tokens[j + 1].isdigit() \
                    and not self.is_function(tokens[j + 2]) and not self.place_of(tokens[j + 2]):
                unit = self.unit(tokens[j + 2])  # "7 dari 25 provinsi": 7 provinces
            previous = found[-1] if found else last
            if not unit and i and self.place_of(tokens[i - 1]) and previous and previous.unit \
                    and not previous.unit.startswith(LABEL):
                unit = previous.unit  # a list after a figure: "54 BLK, antara lain Sumba Timur 2, Alor 1"
            place = self._place_before(earlier, tokens[:i])
            window = tokens[i + 1:i + 1 + NUMBER_CONTEXT]  # "X pada Maret 2021": the period follows
            year = next((t for t in window if _YEAR.match(t)), "") or \
                next((t for t in reversed(tokens[:i]) if _YEAR.match(t)), "")
            month = next((t for t in window if t in lex.months), "") or \
                next((t for t in reversed(tokens[:i]) if t in lex.months), "")
            found.append(Number(value, unit, token, place, year, month))
        return found

    def _place_before(self, earlier: list[str], clause: list[str]) -> str:
        """The place a number is for: the last one named before it, unless its own clause also names a
        place inside that one ("Sumba Tengah … tertinggi di NTT …, yaitu 31,78 persen": Sumba Tengah)."""
        for words in (clause, earlier):  # its own clause first, then the sentence before it
            # "BLK Provinsi NTT di Kupang … 200 orang": where the office is, not what it serves; "datang ke
            # Kupang berharap … NTT nol persen": where someone went
            located = {i + 2 for i in range(len(words) - 2)
                       if words[i + 1] == "di" and self.place_of(words[i]) and self.place_of(words[i + 2])}
            located |= {i + 1 for i in range(len(words) - 1) if words[i] == "ke" and self.place_of(words[i + 1])}
            named = [key for i, key in enumerate(map(self.place_of, words)) if key and i not in located]
            if named:
                last = named[-1]
                inside = [p for p in named if last in self.places[p].within]
                return inside[-1] if inside else last
        return ""

    # -- reading a message ----------------------------------------------------------------------

    def read(self, text: str) -> Reading:
        """A message's sentences that matter, what it asks and how, its links and language."""
        urls = find_urls(text)
        body = _FORWARDED.sub(" ", strip_urls(text) if urls else text)
        split = sentences(body)
        parts = [self.tokens(s) for s in split]
        raw = [tokenize(s) for s in split]
        questions = [self._is_question(part, split[i]) for i, part in enumerate(parts)]
        kept = [i for i, part in enumerate(parts)
                if questions[i] or (self._matters(part) and not self._introduces(split[i]))]
        if not kept:
            kept = list(range(len(parts)))
        tokens = [t for i in kept for t in parts[i]]
        asked = [t for i in kept if questions[i] for t in parts[i]] or tokens
        informative = [t for t in tokens if not self.is_function(t)]
        lex = self.lexicon
        forms = {t for token in asked for t in (token, _without_clitic(token))}
        kinds = {kind for kind in ASKED if forms & lex.asks.get(kind, frozenset())}
        if "howmany" in kinds and forms & lex.asks["howmany"] <= lex.asks.get("tally", frozenset()) \
                and any(n.figure for n in self.numbers(self.merge(tokens))):
            kinds.discard("howmany")  # "apakah angka 212.672 jiwa itu jumlah …?": a figure given, not asked
        raw_asked = {w for i in kept if questions[i] for w in raw[i]}
        if {"what", "whats"} & raw_asked and {"rate", "rates", "percentage", "percent"} & raw_asked:
            kinds.add("howmany")  # "what was the poverty rate …?" asks a figure, as "berapa persen" does
        if "date" in kinds and not self._asks_date(asked):
            kinds.discard("date")  # "pada tanggal 17 Oktober, …?" names a date, it does not ask one
        places_asked = self._asks_regions(asked)
        if places_asked:
            kinds.add(places_asked)

        asks = frozenset(kinds)
        check_words = lex.asks.get("check", frozenset())
        if any(self._asks_open(parts[i]) for i in kept if questions[i]):
            mode = QUESTION
        elif any(t in check_words for i in kept if questions[i] for t in parts[i]) or (
                len(informative) >= STATEMENT_MIN_WORDS and any(
                    raw_tags(split[i]) & lex.asks.get("tag", frozenset()) for i in kept if questions[i])):
            # a yes/no check of a claim ("benarkah…", "… kan?", "… pada 2030 ya?"); a bare "…?" is a lookup
            mode = CHECK
        elif not any(questions) and len(informative) >= STATEMENT_MIN_WORDS:
            mode = STATEMENT
        else:
            mode = LOOKUP
        if mode == CHECK and "contact" in asks:
            asks = asks - {"contact"}  # "ada situs nulis …, bener?": the claim's source, not a request for it
        keys = tuple(dict.fromkeys(k for k in map(url_key, urls) if k))
        slugs = tuple(w for u in urls for w in self.tokens(" ".join(slug_words(u))))
        return Reading(text, tuple(Part(tuple(parts[i]), questions[i]) for i in kept), asks, mode, keys, slugs,
                       self.language([t for part in raw for t in part]), acronyms(body), proper_names(body))

    def _matters(self, part: list[str]) -> bool:
        """False for a greeting, a plea to share, or a self-introduction: they say nothing to check."""
        lex = self.lexicon
        informative = [t for t in part if not self.is_function(t)]
        if not informative:
            return False
        if all(t in lex.padding or t in self._weak for t in informative):
            return False
        if part[0] in lex.smalltalk and any(t in lex.address for t in part[1:]):
            return False  # a salutation: "Selamat pagi grup *Arisan RT 05 angkatan 2018*"
        first = next((i for i, t in enumerate(part) if t in lex.first_person), None)
        return first is None or not any(t in lex.intro for t in part[first + 1:first + 4])

    def _introduces(self, sentence: str) -> bool:
        """A self-introduction by name: "Saya Maria, …", "Perkenalkan, nama saya Yakobus"."""
        return bool(_NAMED.search(sentence))

    def _is_question(self, part: list[str], sentence: str) -> bool:
        lex = self.lexicon
        if "?" in sentence or any(t in lex.asks.get("wh", ()) or t in lex.asks.get("check", ()) for t in part):
            return True
        # "Mohon data …" asks; "Mohon dibagikan" (please share) is a plea, not a question.
        return any(t in lex.asks.get("request", ()) for t in part) and self._matters(part)

    def _asks_open(self, part: list[str]) -> bool:
        """An open question ("berapa…", "siapa…", "mohon data…"), not a yes/no check ("apa benar…")."""
        wh = self.lexicon.asks.get("wh", frozenset()) | self.lexicon.asks.get("request", frozenset())
        check = self.lexicon.asks.get("check", frozenset())
        for i, token in enumerate(part):
            if token in wh:
                following = part[i + 1] if i + 1 < len(part) else ""
                if token == "apa" and (following in check or following in ("iya", "ya")):
                    continue
                return True
        return False

    def counted(self, tokens: list[str]) -> frozenset[str]:
        """What a how-many question counts: the nouns around "berapa" ("berapa orang", "orang brapa").

        "Berapa besar BLT per keluarga" asks an amount of money, not a number of families.
        """
        asks = self.lexicon.asks.get("howmany", frozenset())
        for i, token in enumerate(tokens):
            if token not in asks:
                continue
            after = [j for j in range(i + 1, min(len(tokens), i + 5)) if self._countable(tokens[j], asks)
                     and not self._names_place(tokens, j)]
            before = [j for j in range(i - 1, max(-1, i - COUNTED_BEFORE - 1), -1) if self._countable(tokens[j], asks)
                      and not self._names_place(tokens, j)]
            # Every counting noun after "berapa", and the nearest one before it ("orang miskin brapa",
            # "dana … habis berapa miliar"), a year's "tahun" aside.
            nearest_before = [j for j in before if self.unit(tokens[j]) not in (tokens[j], TIME)][:1]
            # "per kelompok", "satu kelompok dapat berapa juta": an amount for each, not a number of groups
            units = {"money" if tokens[j - 1] in PER_WORDS or (j in nearest_before and tokens[j - 1] == "1")
                     else self.unit(tokens[j]) for j in after + nearest_before if self.unit(tokens[j]) != tokens[j]}
            if TIME in units and not (after and self.unit(tokens[after[0]]) == TIME):
                units.discard(TIME)  # "berapa tahun" asks a duration; "th 2021 … brp" does not
            if len(units) > 1:
                units.discard(FIGURE)  # "berapa rumah tangga miskin": households, not any figure of poverty
            noun = tokens[i + 1] if i + 1 < len(tokens) else ""
            if PERCENT in units and self.unit(noun) == PERCENT:
                units = {PERCENT}  # "berapa persen orang miskin": a share of people, not a number of them
            if not units and noun and noun not in self.lexicon.asks.get("degree", frozenset()) \
                    and self._countable(noun, asks) and self.kind(noun) == CONTENT and noun not in self.places:
                units.add(noun)  # "berapa pesantren": a fact must count that very thing
            return frozenset(units)  # none: any number will do
        # No "berapa": a figure asked another way ("what was the rate"): a count of people or a share.
        return frozenset({FIGURE}) if any(self.unit(t) == FIGURE for t in tokens) else frozenset()

    def unit(self, noun: str) -> str:
        """What a noun counts: "orang" -> "people", "kabupatenprioritas" -> "districts" (by its head word)."""
        units = self.lexicon.units
        if noun in units:
            return units[noun]
        head = self._heads.get(noun)
        return units.get(head, noun) if head else noun

    def _asks_date(self, tokens: list[str]) -> bool:
        """"tanggal berapa", "tanggal kapan", "what date": the date word beside a question word."""
        dates = self.lexicon.asks.get("date", frozenset())
        wh = self.lexicon.asks.get("wh", frozenset()) | self.lexicon.asks.get("when", frozenset())
        return any(t in dates and any(w in wh for w in tokens[max(0, i - 2):i + 3]) for i, t in enumerate(tokens))

    def _asks_regions(self, tokens: list[str]) -> str:
        """"regions" for a list of places ("kabupaten mana saja", "kabupatennya apa aja", "which
        districts"); "which" for one place ("kabupaten mana yang paling tinggi?"); else ""."""
        regions = self.lexicon.asks.get("regions", frozenset())
        for i, token in enumerate(tokens):
            head = self._heads.get(token, _without_clitic(token))
            if head not in regions:
                continue
            # The place noun next to its question word: "kabupaten mana (saja)", "kabupatennya apa aja",
            # "mana saja kabupaten…"; not "intervensi apa saja untuk kabupaten…".
            near = tokens[i + 1:i + 3] + tokens[max(0, i - 2):i]
            listing = any(a in ("mana", "apa") and b in ("saja", "aja")  # anywhere after the noun
                          for a, b in zip(tokens[i + 1:], tokens[i + 2:], strict=False)) or \
                (i >= 2 and tokens[i - 2] == "mana" and tokens[i - 1] in ("saja", "aja"))
            plural = token.endswith("s")  # "which districts" (no Indonesian word of the list ends in s)
            if listing or (i and tokens[i - 1] in ("which", "what") and plural):
                return "regions"
            if "mana" in near or (i and tokens[i - 1] in ("which", "what")):
                return "which"
        return ""

    def asked_places(self, reading: Reading, parts: Sequence[Part], qualifiers: Sequence[Qualifiers]) -> Reading:
        """The places each kind of question is asked of, from the sentences that ask it (typos corrected;
        `qualifiers` are each sentence's): "Papua berapa persen? katanya lebih miskin dari NTT" asks
        Papua's figure; "kabupaten mana … di NTT? beta dengar Sumba Tengah" asks about NTT, and Sumba
        Tengah is a guess to check."""
        def places(keep: Callable[[list[str]], bool]) -> frozenset[str] | None:
            named = frozenset(p for part, said in zip(parts, qualifiers, strict=True)
                              if part.question and keep(list(part.tokens)) for p in said.places)
            return named or None

        howmany = self.lexicon.asks.get("howmany", frozenset())
        return replace(reading,
                       count_places=places(lambda t: bool(howmany & set(t))) if "howmany" in reading.asks else None,
                       which_places=places(lambda t: self._asks_regions(t) == "which")
                       if "which" in reading.asks else None)

    def _names_place(self, tokens: list[str], i: int) -> bool:
        """"provinsi" in "berapa persen provinsi NTT": part of a place's name, not what is counted."""
        return tokens[i] in PLACE_PREFIXES and i + 1 < len(tokens) and bool(self.place_of(tokens[i + 1], tokens[i]))

    def _countable(self, token: str, asks: frozenset[str]) -> bool:
        return not self.is_function(token) and token not in asks and token not in SCALES

    def language(self, raw: list[str]) -> str:
        """"en" when a message is mostly English words, else "id"."""
        english = indonesian = 0
        lex = self.lexicon
        for token in raw:
            if not token.isalpha():
                continue
            if token in self.places or token in self._keep:
                continue
            is_en = token in lex.english
            is_id = self.is_indonesian(token) or token in self.normalizer.variants or \
                (token in lex.stopwords and token not in lex.english)
            if is_en and not is_id:
                english += 1
            elif is_id and not is_en:
                indonesian += 1
        return "en" if english > indonesian else "id"
