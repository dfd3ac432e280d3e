"""Stemming with exceptions, and how query words are classified."""

import pytest

from bot.analysis import CONTENT, WEAK


@pytest.mark.parametrize("word, stem", [
    ("kemiskinan", "miskin"),
    ("penanggulangan", "tanggulang"),
    ("pelatihan", "latih"),
    ("diperbaiki", "baik"),
    ("pendaftaran", "daftar"),
])
def test_affixed_words_are_stemmed(analyzer, word, stem):
    assert analyzer.stem(word) == stem


@pytest.mark.parametrize("word", [
    "pengangguran",  # the stemmer makes it "anggur" (grape)
    "relawan",  # "rawan"
    "bekasi",  # "bekas"
    "pendapatan",  # "dapat", a stopword
    "manggarai", "kupang", "ntt", "blk", "kemnaker", "tts", "bsu",
    "2021", "17d47",
])
def test_names_acronyms_numbers_and_known_overstemming_are_not_stemmed(analyzer, word):
    assert analyzer.stem(word) == word


def test_query_terms_drop_stopwords_and_duplicates_and_mark_intent_words(analyzer):
    terms = analyzer.query_terms(analyzer.tokens("apakah benar BSU itu hoaks? bsu yg mana"))
    assert [(t.token, t.kind) for t in terms] == [("benar", WEAK), ("bsu", CONTENT), ("hoaks", WEAK)]


@pytest.mark.parametrize("text, smalltalk", [
    ("selamat pagi", True),
    ("Terima kasih min 🙏", True),
    ("ok", True),
    ("halo, apakah BSU hoaks?", False),
    ("kemiskinan", False),
])
def test_smalltalk_is_greetings_and_thanks_only(analyzer, text, smalltalk):
    assert analyzer.is_smalltalk(analyzer.tokens(text)) is smalltalk


def test_real_words_are_known_and_typos_are_not(analyzer):
    assert analyzer.is_word("beras") and analyzer.is_word("pemilihan") and analyzer.is_word("manggarai")
    assert not analyzer.is_word("tngah") and not analyzer.is_word("kupng")
