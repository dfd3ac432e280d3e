"""Stemming with exceptions, and how query words are classified."""

import pytest

from bot.analysis import CONTENT, QUALIFIER, WEAK


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


def test_common_indonesian_words_weigh_little_but_lexicon_words_keep_their_weight(analyzer):
    kinds = {t.token: t.kind for t in analyzer.query_terms(analyzer.tokens("datang bulan orang lima kupang 2024 beras"))}
    assert kinds["datang"] == WEAK and kinds["bulan"] == WEAK  # from PySastrawi's stopword list
    assert kinds["penduduk"] == CONTENT  # "orang" is rewritten by the lexicon, and the canonical word counts
    assert kinds["kupang"] == QUALIFIER and kinds["2024"] == QUALIFIER and kinds["5"] == QUALIFIER
    assert kinds["beras"] == CONTENT


def test_decimals_are_indexed_with_their_whole_part(analyzer):
    assert analyzer.index_text("11,14 juta")[0].split() == ["11d14", "juta", "11"]


@pytest.mark.parametrize("raw, expected", [
    ("cara mengatasi kemiskinan", "cara penanggulangan kemiskinan"),
    ("lulusan jangan nganggur", "lulusan jangan pengangguran"),
    ("apa itu BSU", "arti bsu"),
])
def test_domain_synonyms(analyzer, raw, expected):
    assert analyzer.normalizer.normalize(raw) == expected
