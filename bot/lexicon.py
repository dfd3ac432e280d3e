"""Word knowledge for reading messages, loaded once from the knowledge folder as data.

    knowledge/lexicon.toml                the domain: acronyms, aliases, misspellings, synonyms,
                                          stopwords, intent words, question words, roles, units
    knowledge/language/colloquial/*.toml  chat abbreviations, Kupang Malay, Jakarta and Javanese
                                          chat, English chat words: each maps a word to a standard
                                          form or marks it as a function word (no topic of its own)
    knowledge/language/places.toml        the gazetteer: Indonesia's provinces, regencies and cities
    knowledge/language/english-words.txt  common English words

Each file records where its words come from. The domain lexicon wins over the colloquial lists,
and both win over the gazetteer's aliases, so a list from elsewhere can never rewrite a word the
knowledge base relies on. A mistake fails at start-up with the file and line.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.errors import KnowledgeError

LEXICON_FILE = "lexicon.toml"
LANGUAGE_DIR = "language"
COLLOQUIAL_DIR = "colloquial"
PLACES_FILE = "places.toml"
ENGLISH_FILE = "english-words.txt"
FREQUENCY_FILE = "indonesian-frequency.txt"
PHRASE_SECTIONS = ("acronyms", "places", "names", "compounds", "misspellings", "slang", "english", "numbers",
                   "synonyms")
WORD_LISTS = ("stopwords", "weak", "smalltalk", "no_stem", "places", "roles", "programmes", "padding",
              "intro", "first_person", "foreign", "measures", "address")
COUNTRY = "indonesia"


@dataclass(frozen=True)
class PlaceName:
    """A province, regency or city of the gazetteer."""

    name: str  # as written ("Sumba Timur")
    level: str  # "province" or "regency"
    province: str = ""  # a regency's province, by name
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lexicon:
    """Everything the analyzer knows about words, read from the knowledge folder."""

    phrases: dict[str, str]
    stopwords: frozenset[str]
    weak: frozenset[str]
    smalltalk: frozenset[str]
    no_stem: frozenset[str]
    places: frozenset[str]  # words that qualify a topic rather than name one
    protected: frozenset[str]  # acronyms and names: never stemmed, never "corrected"
    fingerprint: str
    roles: frozenset[str] = frozenset()  # presiden, wapres, gubernur...: who-questions need one
    programmes: frozenset[str] = frozenset()  # BSU, PKH, TKM...: a question about one is not about another
    padding: frozenset[str] = frozenset()  # "sebarkan", "share": a forward's plea, not its content
    intro: frozenset[str] = frozenset()  # "guru", "asal": after "saya", a self-introduction
    first_person: frozenset[str] = frozenset()
    foreign: frozenset[str] = frozenset()  # other countries
    measures: frozenset[str] = frozenset()  # what a figure measures ("kemiskinan", "stunting"): a count must be of it
    address: frozenset[str] = frozenset()  # "grup", "bapak ibu": after a greeting, a salutation
    months: dict[str, int] = field(default_factory=dict)
    asks: dict[str, frozenset[str]] = field(default_factory=dict)  # question (and answer) words by kind
    units: dict[str, str] = field(default_factory=dict)  # counted noun -> what it counts ("orang" -> people)
    role_groups: tuple[frozenset[str], ...] = ()  # roles that exclude each other (presiden, wapres)
    gazetteer: tuple[PlaceName, ...] = ()
    ambiguous_places: frozenset[str] = frozenset()  # place names that are ordinary words ("batu")
    english: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()  # words of the people the knowledge base names
    broader: dict[str, tuple[str, ...]] = field(default_factory=dict)  # "rakor" is also found as "rapat"
    frequency: dict[str, float] = field(default_factory=dict)  # how common a word is (Zipf), when known
    english_frequency: dict[str, float] = field(default_factory=dict)  # the same for English words
    compounds: frozenset[str] = frozenset()  # concepts of several words matched as one ("kemiskinan ekstrem")
    acronyms: frozenset[str] = frozenset()  # canonical short forms ("ntt", "bsu", "kemnaker")

    @classmethod
    def empty(cls) -> Lexicon:
        """A lexicon with no entries (tests of pure mechanics)."""
        nothing: frozenset[str] = frozenset()
        return cls({}, nothing, nothing, nothing, nothing, nothing, nothing, "empty")


def line_of(text: str, key: str) -> int | None:
    """The line where `key` is set; "sources#2" finds the second [[sources]] table."""
    name, _, nth = key.partition("#")
    if nth:
        headers = list(re.finditer(rf"^\s*\[\[\s*{re.escape(name)}\s*\]\]", text, re.MULTILINE))
        match = headers[int(nth) - 1] if len(headers) >= int(nth) else None
    else:
        match = re.search(rf"^\s*\"?{re.escape(name)}\"?\s*=", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def read_toml(path: Path) -> tuple[dict[str, Any], str]:
    """A TOML file's data and text, or a KnowledgeError naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as e:
        raise KnowledgeError(f"{path}: {e}") from e
    except (OSError, UnicodeDecodeError) as e:
        raise KnowledgeError(f"{path}: cannot read: {e}") from e


def load_lexicon(folder: Path) -> Lexicon:
    """Read the lexicon and the language data of a knowledge folder."""
    path = folder / LEXICON_FILE
    data, text = read_toml(path)
    digest = hashlib.sha256(text.encode())
    phrases: dict[str, str] = {}
    protected: set[str] = set()
    place_words: set[str] = set()
    names: set[str] = set()
    acronyms: set[str] = set()
    compounds: set[str] = set()
    for section in PHRASE_SECTIONS:
        for canonical, variants in data.get(section, {}).items():
            if not isinstance(variants, list):
                raise KnowledgeError(f"{path}:{line_of(text, canonical) or '?'}: {canonical!r} needs a list")
            for variant in variants:
                previous = phrases.get(variant)
                if previous is not None and previous != canonical:
                    raise KnowledgeError(
                        f"{path}:{line_of(text, canonical) or '?'}: {variant!r} maps to both "
                        f"{previous!r} and {canonical!r}")
                phrases[variant] = canonical
            if section in ("acronyms", "places", "names"):
                protected.update(canonical.split())
            if section == "places":
                place_words.update(canonical.split())
            if section == "names":
                names.update(canonical.split())
            if section == "acronyms":
                acronyms.add(canonical)
            if section == "compounds":
                compounds.add(canonical)
    canon = set(phrases.values())
    for variant in phrases:
        if variant in canon:
            raise KnowledgeError(f"{path}: {variant!r} is both a canonical form and a variant")
    words = data.get("words", {})
    lists = {name: frozenset(w.lower() for w in words.get(name, [])) for name in WORD_LISTS}
    questions = data.get("questions", {})
    asks = {kind: frozenset(w.lower() for w in words) for kind, words in questions.items()}
    months: dict[str, int] = {}
    for number, spellings in enumerate(data.get("months", {}).get("names", []), 1):
        months[spellings[0]] = number
        for variant in spellings[1:]:
            phrases.setdefault(variant, spellings[0])  # "sept" -> september, unless the lexicon says otherwise
    units = {w.lower(): kind for kind, nouns in data.get("units", {}).items() for w in nouns}
    role_groups = tuple(frozenset(g) for g in data.get("role_groups", {}).get("groups", []))
    broader = {k.lower(): tuple(w.lower() for w in v) for k, v in data.get("broader", {}).items()}

    language = folder / LANGUAGE_DIR
    gazetteer, ambiguous = _load_places(language / PLACES_FILE, digest)
    # One-word place names are never rewritten or dropped by a colloquial list ("Karo" is a regency,
    # not Javanese "with"). Words inside longer names are rewritten alike in names and messages.
    place_name_words = {name.lower() for place in gazetteer for name in (place.name, *place.aliases)
                        if re.fullmatch(r"[a-z]+", name.lower())}
    stopwords = set(lists["stopwords"])
    reserved = canon | protected | set(lists["stopwords"]) | place_name_words
    for colloquial in sorted((language / COLLOQUIAL_DIR).glob("*.toml")):
        function_words = _add_colloquial(colloquial, phrases, reserved, digest)
        # A colloquial list cannot turn a word the lexicon names or rewrites to into a function word.
        stopwords |= {w for w in function_words if w not in protected and w not in place_name_words
                      and (w not in canon or w in stopwords)}
    english_frequency = _load_frequencies(language / ENGLISH_FILE, digest)
    frequency = _load_frequencies(language / FREQUENCY_FILE, digest)
    places = lists["places"] | place_words | {COUNTRY}
    lists = {**lists, "stopwords": frozenset(stopwords), "places": places}
    return Lexicon(phrases=phrases, protected=frozenset(protected), fingerprint=digest.hexdigest()[:16],
                   months=months, asks=asks, units=units, role_groups=role_groups, gazetteer=gazetteer,
                   ambiguous_places=ambiguous, english=frozenset(english_frequency), names=frozenset(names),
                   broader=broader, frequency=frequency,
                   english_frequency=english_frequency, compounds=frozenset(compounds),
                   acronyms=frozenset(acronyms), **lists)


def _add_colloquial(path: Path, phrases: dict[str, str], reserved: set[str], digest: Any) -> set[str]:
    """Add a colloquial list's mappings (where the domain lexicon has none); return its function words.

    A variant the lexicon already maps, or one that is itself a canonical form or protected name,
    keeps the lexicon's meaning: a list made elsewhere never rewrites what the knowledge base uses.
    """
    data, text = read_toml(path)
    digest.update(text.encode())
    mapping = data.get("map", {})
    if not isinstance(mapping, dict):
        raise KnowledgeError(f"{path}: [map] must be a table of variant = standard form")
    for variant, standard in mapping.items():
        if not isinstance(standard, str) or not standard.strip():
            raise KnowledgeError(f"{path}:{line_of(text, variant) or '?'}: {variant!r} needs a standard form")
        variant, standard = variant.lower().strip(), standard.lower().strip()
        standard = phrases.get(standard, standard)  # "kasi turun" -> "menurunkan" -> the lexicon's own form
        if variant in phrases or variant in reserved or variant == standard:
            continue
        phrases[variant] = standard
    function = data.get("function", {}).get("words", [])
    if not isinstance(function, list):
        raise KnowledgeError(f"{path}: [function] words must be a list")
    return {w.lower() for w in function if isinstance(w, str)} - set(phrases)


def _load_places(path: Path, digest: Any) -> tuple[tuple[PlaceName, ...], frozenset[str]]:
    if not path.exists():
        return (), frozenset()
    data, text = read_toml(path)
    digest.update(text.encode())
    provinces = {code: p["name"] for code, p in data.get("provinces", {}).items()}
    places = [PlaceName(p["name"], "province", "", tuple(p.get("aliases", ())))
              for p in data.get("provinces", {}).values()]
    for code, regency in data.get("regencies", {}).items():
        province = provinces.get(str(regency.get("province", "")))
        if province is None:
            raise KnowledgeError(f"{path}:{line_of(text, code) or '?'}: regency {code} names an unknown province")
        places.append(PlaceName(regency["name"], "regency", province, tuple(regency.get("aliases", ()))))
    ambiguous = data.get("ambiguous", {})
    words = {w.lower() for key in ("words", "alias_words", "phrases") for w in ambiguous.get(key, [])}
    return tuple(places), frozenset(words)


def _load_frequencies(path: Path, digest: Any) -> dict[str, float]:
    """A word list of "word zipf" lines (comments start with #)."""
    if not path.exists():
        return {}
    text = path.read_text(encoding="utf-8")
    digest.update(text.encode())
    frequencies = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        word, _, zipf = line.partition(" ")
        try:
            frequencies[word] = float(zipf)
        except ValueError:
            raise KnowledgeError(f"{path}:{number}: expected a word and its frequency") from None
    return frequencies
