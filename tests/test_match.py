"""Each matching mechanism, with a case that fails without it.

These use the real bundled knowledge and the real core; the query texts are written for these tests
(not taken from any evaluation set).
"""

from datetime import date

import pytest

from bot import messages
from bot.analysis import Number, Qualifiers
from bot.links import find_urls, slug_words, url_key
from bot.match import has_count, in_time_order, is_current, period_gaps
from bot.models import Fact, Source
from bot.normalize import sentences, spell_numbers, tokenize


def check(service, text):
    return service.checker.check(text)


def top(service, text):
    answer = check(service, text)
    return answer.matches[0].fact.id if answer.answered else None


# -- the colloquial layer ------------------------------------------------------------------------

@pytest.mark.parametrize("chat, standard", [
    ("sonde", "tidak"), ("beta", "saya"), ("brapa", "berapa"), ("iko", "ikut"), ("kasi turun", "penanggulangan"),
    ("gimana", "bagaimana"), ("udah", "sudah"), ("jgn", "jangan"), ("tmn", "teman"), ("knp", "kenapa"),
])
def test_chat_words_become_their_standard_form(analyzer, chat, standard):
    assert analyzer.normalizer.normalize(chat) == standard


@pytest.mark.parametrize("particle", ["sih", "dong", "kaka", "e", "ni", "tu", "bosong", "guys"])
def test_particles_and_pronouns_carry_no_topic(analyzer, particle):
    assert analyzer.query_terms(analyzer.tokens(particle)) == []


def test_a_question_in_kupang_malay_is_answered(seeded_service):
    text = "kaka, bosong tau ka sonde, kabupaten mana sa yang jadi prioritas miskin ekstrem di NTT taun 2021 tu?"
    assert top(seeded_service, text) == "ntt-2021-kabupaten-prioritas"


def test_a_place_name_is_never_rewritten_by_a_chat_list(analyzer):
    # "karo" is Javanese for "with", and a regency in North Sumatra.
    assert analyzer.place_of(analyzer.merge(analyzer.tokens("Karo"))[0]) == "karo"


# -- unknown words -------------------------------------------------------------------------------

def test_a_larger_base_asks_more_of_a_fact_s_key_content():
    from bot.match import ANCHOR_ENOUGH, ANCHOR_MOST, anchor_enough

    assert anchor_enough(44) == ANCHOR_ENOUGH
    assert ANCHOR_ENOUGH < anchor_enough(3_000) < anchor_enough(100_000) <= ANCHOR_MOST


@pytest.mark.parametrize("text", [
    "provinsi lain yg masuk prioritas penghapusan kemiskinan ekstrem 2021 apa aja",
    "in 2021, which other provinces apart from NTT had priority for extreme poverty?",
])
def test_a_concept_named_apart_still_names_the_fact_that_holds_it(seeded_service, text):
    """"provinsi … prioritas" with words between touches the fact whose key phrase is "provinsi prioritas"."""
    assert top(seeded_service, text) == "tujuh-provinsi-prioritas-2021"


def test_a_word_nobody_knows_does_not_silence_an_answer(seeded_service):
    assert top(seeded_service, "kabupaten prioritas kemiskinan ekstrem NTT 2021 zorblak") == \
        top(seeded_service, "kabupaten prioritas kemiskinan ekstrem NTT 2021") == "ntt-2021-kabupaten-prioritas"


def test_a_real_word_the_base_lacks_still_counts_against_an_answer(seeded_service):
    assert not check(seeded_service, "jadwal penerbangan kupang waingapu").answered


def test_a_place_with_an_unknown_word_is_not_taken_for_a_question_about_the_place(seeded_service):
    assert not check(seeded_service, "Pilkada NTT kapan?").answered  # "pilkada" may be the topic
    assert top(seeded_service, "teluk bintuni") == "prioritas-2021-papua-barat"  # a place alone is a topic


def test_a_word_in_capitals_counts_as_a_name_not_as_slang(seeded_service):
    assert not check(seeded_service, "UMP NTT 2024 berapa?").answered


# -- qualifiers ----------------------------------------------------------------------------------

def test_a_period_no_fact_covers_gets_the_nearest_fact_labelled(seeded_service):
    answer = check(seeded_service, "berapa persen penduduk miskin NTT September 2023?")
    assert not answer.answered and answer.kind == "nearest"
    assert answer.matches[0].fact.id == "kemiskinan-ntt-maret-2023"  # the closest in time, not an older one
    reply = messages.render_answer(answer, "id", messages.TEXT)
    assert "Belum ada data terverifikasi untuk September 2023" in reply


def test_a_province_the_fact_is_not_about_is_not_answered_with_its_figure(seeded_service):
    answer = check(seeded_service, "berapa persen penduduk miskin di Papua pada Maret 2022?")
    assert not answer.answered
    assert "Papua" in messages.render_answer(answer, "id", messages.TEXT).split("\n")[0]


def test_a_multi_word_place_is_one_place(seeded_service):
    # "Jawa Timur" shares "timur" with "Sumba Timur" and "Manggarai Timur".
    assert top(seeded_service, "kabupaten prioritas kemiskinan ekstrem Jawa Timur") == "prioritas-2021-jawa-timur"


def test_a_national_question_is_not_answered_by_a_provincial_figure(seeded_service):
    answer = check(seeded_service, "berapa persen kemiskinan ekstrem nasional tahun 2022?")
    assert not answer.answered


def test_another_programme_is_not_this_one(seeded_service):
    assert top(seeded_service, "hoaks link BSU") != "hoaks-link-bansos-blt-pkh-600-ribu"


def test_a_concept_asked_is_not_answered_by_its_broader_term(seeded_service):
    # Extreme poverty is asked; the March 2022 fact is about poverty in general.
    assert top(seeded_service, "jumlah penduduk miskin ekstrem NTT Maret 2022") != "kemiskinan-ntt-maret-2022"


def test_a_now_question_is_not_answered_by_a_fact_dated_years_ago(seeded_service):
    answer = check(seeded_service, "siapa gubernur NTT sekarang?")
    assert not answer.answered and any(g.kind == "now" for g in answer.matches[0].gaps)


def test_how_many_needs_a_count_of_the_thing_asked(seeded_service):
    # The base gives an amount per group, not a number of groups.
    assert not check(seeded_service, "berapa jumlah kelompok TKM yang dapat bantuan?").answered
    assert top(seeded_service, "berapa BLK Komunitas di NTT?") == "blk-komunitas-ntt-2022"


def test_who_needs_a_person_in_the_role_asked(seeded_service):
    assert not check(seeded_service, "siapa bupati yang ikut rakor kemiskinan ekstrem di Kupang?").answered
    assert top(seeded_service, "siapa yang memimpin rakor kemiskinan ekstrem di Kupang?") == \
        "rakor-kemiskinan-ekstrem-kupang-2021"


def test_who_is_answered_by_the_fact_naming_the_person(seeded_service):
    # The lexicon's [names] make a fact able to say who held a role, not only that the role was there.
    assert top(seeded_service, "siapa nama menteri tenaga kerja yang mendampingi wapres ke Kupang?") == \
        "rakor-kemiskinan-ekstrem-kupang-2021"


@pytest.mark.parametrize("text", ["%", "persen", "angka", "data terbaru"])
def test_a_generic_word_alone_is_no_topic(seeded_service, text):
    assert not check(seeded_service, text).answered


def test_a_generic_word_with_its_place_and_figure_is_a_topic(seeded_service):
    assert top(seeded_service, "Manggarai Timur 15,43 persen") is not None


def test_a_figure_asked_needs_a_figure_of_that_measure(seeded_service):
    # Same place and year, a percentage in the fact, but of extreme poverty, not of stunting.
    answer = check(seeded_service, "berapa persen angka stunting di TTS tahun 2023?")
    assert not answer.answered


def test_a_figure_of_a_narrower_measure_does_not_answer_the_broader_one(seeded_service):
    # The base holds Sumba Tengah's rate of extreme poverty for 2022, not its poverty rate.
    answer = check(seeded_service, "tingkat kemiskinan di Sumba Tengah tahun 2022 berapa persen?")
    assert not answer.answered
    assert any(g.kind == "broader" for m in answer.matches for g in m.gaps)
    assert top(seeded_service, "tingkat kemiskinan ekstrem di Sumba Tengah tahun 2022 berapa persen?") == \
        "kemiskinan-ekstrem-ntt-2022-2023"


def test_a_district_figure_neither_confirms_nor_corrects_its_province(seeded_service):
    # Sumba Tengah's 31,78 percent (the poorest district) is no correction of a figure stated for NTT.
    answer = check(seeded_service, "persentase penduduk miskin ntt maret 2023 20,05 persen ya?")
    assert answer.kind == "fact" and answer.matches[0].fact.id == "kemiskinan-ntt-maret-2023"
    assert not [g for m in answer.matches for g in m.differences if "31d78" in g.verified]


def test_a_forward_that_only_names_a_fact_is_not_confirmed_by_it(seeded_service):
    # The BLK fact shares "pendaftaran BLK Kupang", but says nothing of a fee: shown, it would read as a yes.
    scam = ("Diteruskan berkali-kali: Pendaftaran BLK Kupang gratis tapi peserta wajib transfer 350rb ke "
            "rekening panitia paling lambat tanggal 12. Sebarkan ke keluarga!")
    assert not check(seeded_service, scam).answered


def test_a_month_compared_with_another_is_covered_by_either(seeded_service):
    assert top(seeded_service, "persentase kemiskinan NTT September 2022 berapa, naik dari Maret 2022?") == \
        "kemiskinan-ntt-september-2022"


def test_a_clitic_does_not_split_a_concept(analyzer):
    assert "kemiskinanekstrem" in analyzer.merge(analyzer.tokens("kemiskinan ekstremnya"))


def test_a_year_after_everything_a_fact_reports_is_not_a_misquote_of_it(seeded_service):
    # The TKM fact names no year (its date says 2021): a 2025 forward is about something newer.
    answer = check(seeded_service, "Bantuan modal TKM Kemnaker Rp 40 juta per kelompok tahun 2025 sudah cair")
    assert all(m.fact.id != "perluasan-kesempatan-kerja-tkm-tks-padat-karya" for m in answer.matches
               if answer.kind == "fact")


def test_another_numbered_wave_is_another_thing(seeded_service):
    assert not check(seeded_service, "pendaftaran kartu prakerja gelombang 70 kapan dibuka?").answered


def test_a_target_year_is_not_an_outcome(seeded_service):
    assert not check(seeded_service, "apakah kemiskinan ekstrem NTT sudah turun jadi nol persen pada 2024?").answered


def test_period_gaps_use_the_as_of_date_when_the_text_names_no_period():
    fact = Fact("x", "t", "Pernyataan tanpa tanggal.", (Source("p"),), as_of="2021-10-17")
    months = ["januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus", "september", "oktober",
              "november", "desember"]
    assert period_gaps(Qualifiers(years=frozenset({"2021"}), months=frozenset({"oktober"})), Qualifiers(), fact,
                       months) == []
    assert [g.kind for g in period_gaps(Qualifiers(years=frozenset({"2023"})), Qualifiers(), fact, months)] == ["year"]


def test_a_figure_counts_only_for_its_own_place_and_period():
    numbers = (Number(17.47, "percent", "17d47", "sumbatimur", "2021", "oktober"),)
    assert has_count(numbers, frozenset({"percent"}), Qualifiers(places=frozenset({"sumbatimur"})))
    # A district's figure is not its province's: "berapa persen di NTT?" needs the NTT figure.
    assert not has_count(numbers, frozenset({"percent"}), Qualifiers(places=frozenset({"ntt"})))
    assert not has_count(numbers, frozenset({"percent"}), Qualifiers(places=frozenset({"tts"})))
    assert not has_count(numbers, frozenset({"percent"}), Qualifiers(years=frozenset({"2023"})))
    assert not has_count(numbers, frozenset({"people"}), Qualifiers())


def test_a_fact_is_current_until_its_until_date_or_for_two_years():
    today = date(2026, 11, 29)
    assert not is_current(Fact("x", "t", "s", (), as_of="2021-10-17"), today)
    assert is_current(Fact("x", "t", "s", (), as_of="2025-04-25"), today)
    assert is_current(Fact("x", "t", "s", (), as_of="2019-01-01", until="2027-12-31"), today)


# -- claims and misquotes ------------------------------------------------------------------------

def test_a_forwarded_scam_meets_its_verdict_not_the_neutral_fact(seeded_service):
    forward = ("Kabar gembira!! Pendaftaran Program TKM Kemnaker tahun 2025 sudah dibuka, bantuan modal "
               "Rp 40 juta per kelompok. Daftar lewat link di bawah ini sebelum kuota habis.")
    answer = check(seeded_service, forward)
    assert answer.answered and answer.matches[0].fact.verdict == "PENIPUAN"


def test_a_wrong_figure_is_named_and_corrected(seeded_service):
    answer = check(seeded_service, "Menurut BPS, kemiskinan NTT pada Maret 2022 mencapai 23,05 persen.")
    best = answer.matches[0]
    assert answer.answered and best.fact.id == "kemiskinan-ntt-maret-2022"
    assert [(d.kind, d.said, d.verified) for d in best.differences] == [("number", ("23,05",), ("20,05",))]
    assert "angka yang benar: 20,05 persen" in messages.render_answer(answer, "id", messages.TEXT)


def test_a_false_detail_does_not_count_against_the_fact_that_corrects_it(seeded_service):
    answer = check(seeded_service, "benarkah presiden yang memimpin rakor kemiskinan ekstrem di Kupang?")
    assert answer.answered and answer.matches[0].fact.id == "rakor-kemiskinan-ekstrem-kupang-2021"
    assert [d.kind for d in answer.matches[0].differences] == ["role"]


def test_a_claim_wrapped_in_pleas_to_share_is_judged_by_the_claim(seeded_service):
    claim = "Wapres berharap kemiskinan ekstrem di NTT nol persen pada tahun 2024."
    wrapped = (f"PENTING!!! 🙏🙏 {claim} Tolong sebarkan ke semua grup keluarga. Jangan sampai ketinggalan info. "
               "Forwarded many times dari grup 'Warga RT 05'.")
    assert top(seeded_service, wrapped) == top(seeded_service, claim) == "target-nol-persen-kemiskinan-ekstrem-2024"


def test_a_self_introduction_does_not_qualify_the_question(seeded_service):
    text = ("Selamat pagi Bapak/Ibu. Saya Yohana, guru SD di Kalabahi, Alor. "
            "Mohon info, kabupaten mana saja yang jadi prioritas kemiskinan ekstrem di NTT tahun 2021? Terima kasih.")
    assert top(seeded_service, text) == "ntt-2021-kabupaten-prioritas"


def test_a_claim_ending_in_ya_is_checked_and_its_wrong_year_corrected(seeded_service):
    answer = check(seeded_service, "Wapres menargetkan kemiskinan ekstrem di NTT nol persen pada tahun 2030 ya?")
    assert answer.answered and answer.matches[0].fact.id == "target-nol-persen-kemiskinan-ekstrem-2024"
    assert [(g.kind, g.said) for g in answer.matches[0].differences] == [("year", ("2030",))]


def test_a_wrong_programme_in_a_claim_is_named_and_corrected(seeded_service):
    answer = check(seeded_service, "Dua intervensi Kemnaker untuk kemiskinan ekstrem di NTT itu BSU dan Kartu Prakerja, kan?")
    assert answer.answered and answer.matches[0].fact.id == "kemnaker-dua-intervensi-ntt"
    assert any(g.kind == "programme" and "BSU" in g.said for g in answer.matches[0].differences)


# -- what a question asks for, read closely ------------------------------------------------------

def test_a_count_of_something_no_fact_counts_is_not_answered_by_another_count(seeded_service):
    # The base counts BLK Komunitas in NTT, not pesantren: "berapa pesantren" is not that number.
    assert not check(seeded_service, "Berapa pesantren di NTT yang punya BLK Komunitas tahun 2022?").answered
    assert top(seeded_service, "Berapa BLK Komunitas di NTT tahun 2022?") == "blk-komunitas-ntt-2022"


def test_a_place_and_its_province_are_not_a_list_of_places(seeded_service):
    # The Satpel fact names Kupang, in NTT: one place, not the list "kota mana saja" asks for.
    assert not check(seeded_service, "kota mana saja yang punya Satpel PVP Kemnaker di NTT?").answered


def test_which_place_needs_a_fact_naming_one(seeded_service):
    assert not check(seeded_service, "Kabupaten mana yang diprioritaskan dalam Inpres 4 tahun 2022?").answered


def test_which_place_is_answered_by_a_fact_naming_one(seeded_service):
    assert top(seeded_service, "Kabupaten mana yang kemiskinannya paling tinggi di NTT pada Maret 2023?") == \
        "kabupaten-termiskin-ntt-2023"


def test_a_figure_belongs_to_the_place_inside_the_other(analyzer):
    tokens = analyzer.merge(analyzer.tokens("Sumba Tengah adalah kabupaten tertinggi di NTT, yaitu 31,78 persen"))
    [number] = analyzer.numbers(tokens)
    assert (number.token, number.place) == ("31d78", "sumbatengah")


def test_a_new_instance_in_a_later_year_is_not_a_misquote(seeded_service):
    assert not check(seeded_service, "BLK di NTT punya target pelatihan baru untuk tahun 2026 ya?").answered


def test_another_newsroom_is_another_thing(seeded_service):
    assert not check(seeded_service, "Nomor WhatsApp cek fakta Mafindo berapa?").answered
    assert top(seeded_service, "Nomor WhatsApp cek fakta Liputan 6 berapa?") == "chatbot-cek-fakta-liputan6"


def test_a_why_needs_a_reason_about_the_question_not_any_because(seeded_service):
    # The 2022-2023 fact gives a reason, but about BPS's error margins, not about why a district is poor.
    assert not check(seeded_service, "Kenapa Sumba Tengah paling miskin di NTT?").answered
    assert top(seeded_service, "Kenapa cuma 7 provinsi yang jadi prioritas tahun 2021?") == "tujuh-provinsi-prioritas-2021"


def test_a_greeting_to_a_group_is_set_aside_with_the_group_name(seeded_service):
    answer = check(seeded_service, "Selamat pagi grup arisan angkatan 2018 🙏 katanya Menaker ikut Wapres ke Kupang, betul?")
    assert answer.answered and answer.matches[0].fact.id == "rakor-kemiskinan-ekstrem-kupang-2021"
    assert not answer.matches[0].differences  # 2018 was the group's name, not a claim


def test_who_told_the_asker_is_not_the_topic(seeded_service):
    assert top(seeded_service, "Halo admin, cucu saya bilang Liputan6 punya nomor WhatsApp untuk cek berita. "
                               "Berapa nomornya?") == "chatbot-cek-fakta-liputan6"


def test_a_fact_giving_the_broad_figure_too_answers_the_broad_question(seeded_service):
    # The target fact names extreme poverty and, on its own, poverty in general.
    assert top(seeded_service, "Wapres mau kemiskinan umum NTT turun sampai berapa persen?") == \
        "target-nol-persen-kemiskinan-ekstrem-2024"


def test_an_old_hoax_forwarded_again_as_news_still_meets_its_verdict(seeded_service):
    # Paraphrased (it does not repeat the rated claim) and "sekarang": a 2022 hoax comes back.
    answer = check(seeded_service, "Sekarang warga bisa dapat uang 600 ribu dari pemerintah, cukup klik tautan ini "
                                   "untuk daftar BLT")
    assert answer.answered and answer.matches[0].fact.id == "hoaks-link-bansos-blt-pkh-600-ribu"


@pytest.mark.parametrize("spoken, written", [("dua puluh delapan ribu orang", "28.000 orang"),
                                             ("28 ribu orang", "28.000 orang"), ("Rp600 ribu", "Rp 600.000")])
def test_thousands_match_however_they_are_written(analyzer, spoken, written):
    assert analyzer.tokens(spoken) == analyzer.tokens(written)


# -- phrasing that is not the topic, and what is really asked ---------------------------------------

def test_english_phrasing_the_lexicon_does_not_map_weighs_little(seeded_service):
    assert top(seeded_service, "Back in 2021, roughly how many extremely poor people lived in the 5 NTT priority "
                               "districts in total?") == "jumlah-miskin-ekstrem-lima-kabupaten"


def test_how_a_forward_reports_its_claim_is_not_its_topic(seeded_service):
    assert top(seeded_service, "Postingan yang dibagikan ulang ribuan kali menyebut Sumba Tengah kemiskinan "
                               "ekstremnya 21,51 persen waktu rakor 2021, betul?") == "angka-kemiskinan-ekstrem-lima-kabupaten"


@pytest.mark.parametrize("text", [
    "Dana program padat karya di NTT selama 2021 habis berapa miliar?",  # money, and no budget is given
    "Berapa desa di Sumba Timur yang miskin ekstrem?",  # villages are counted nowhere
])
def test_what_berapa_counts_is_found_before_it_or_in_its_scale(seeded_service, text):
    assert not check(seeded_service, text).answered


def test_a_hoax_claims_figure_answers_no_how_much_question(seeded_service):
    # Rp600.000 is the figure the hoax claims, not a verified amount of BLT or PKH.
    assert not check(seeded_service, "Berapa besar bantuan BLT PKH per orang tahun 2022?").answered


def test_when_next_needs_a_plan_not_the_last_time(seeded_service):
    assert not check(seeded_service, "Pendaftaran TKM dibuka lagi kapan?").answered


def test_a_how_to_question_needs_a_fact_that_says_how(seeded_service):
    assert top(seeded_service, "cara daftar pelatihan BLK") == "blk-ntt-kupang-syarat-pelatihan"
    assert not check(seeded_service, "cara daftar sekolah online").answered


def test_an_unknown_name_in_a_question_counts_but_a_misspelt_known_word_does_not(seeded_service):
    assert not check(seeded_service, "program apa yang dibuat Bappenas untuk penanganan kemiskinan ekstrem di NTT?").answered
    assert top(seeded_service, "Menteri Ketenagakerjan yg ke Kupang waktu rakor siapa") == \
        "rakor-kemiskinan-ekstrem-kupang-2021"


def test_a_list_question_is_about_the_noun_next_to_it(seeded_service):
    # "apa saja" asks for the interventions, not for a list of districts.
    assert top(seeded_service, "Kemnaker jalankan intervensi apa saja untuk kabupaten miskin ekstrem di NTT?") == \
        "kemnaker-dua-intervensi-ntt"


def test_a_date_named_as_context_is_not_a_date_asked(seeded_service):
    assert top(seeded_service, "Pada tanggal 17 Oktober 2021 Wapres rapat di Kupang, betul?") == \
        "rakor-kemiskinan-ekstrem-kupang-2021"


def test_a_national_rule_holds_in_every_district(seeded_service):
    assert top(seeded_service, "Warga Rote Ndao dihitung miskin ekstrem kalau pengeluarannya di bawah berapa "
                               "dolar sehari?") == "definisi-kemiskinan-ekstrem"


def test_a_target_is_a_fact_of_the_year_it_was_set(seeded_service):
    assert top(seeded_service, "Waktu rakor di Kupang tahun 2021, Wapres menargetkan kemiskinan ekstrem di NTT "
                               "turun sampai berapa persen?") == "target-nol-persen-kemiskinan-ekstrem-2024"


def test_a_colloquial_concept_with_a_clitic_is_one_concept(analyzer):
    assert "kemiskinanekstrem" in analyzer.merge(analyzer.tokens("TTS miskin ekstremnya berapa"))


def test_a_jakarta_in_verb_is_read_as_its_standard_form():
    from bot.core import spelling_variants

    assert "mengurus" in spelling_variants("ngurusin", english=False)
    assert "dikasih" in spelling_variants("dikasihin", english=False)


@pytest.mark.parametrize("krama, standard", [("pinten", "berapa"), ("dereng", "belum"), ("wonten", "ada")])
def test_javanese_krama_words_are_read(analyzer, krama, standard):
    assert analyzer.normalizer.normalize(krama) == standard


# -- newest first, links, numbers in words, language ------------------------------------------------

def test_with_no_period_asked_the_newest_figure_leads(seeded_service):
    answer = check(seeded_service, "berapa penduduk miskin NTT")
    ids = [m.fact.id for m in answer.matches]
    assert ids[0] == "kemiskinan-ntt-maret-2023" and "kemiskinan-ntt-maret-2022" in ids[1:]


def test_in_time_order_keeps_the_order_when_nothing_is_close():
    assert in_time_order([], Qualifiers()) == []


@pytest.mark.parametrize("shared", [
    "https://www.kompas.com/read/2022/07/15/185325478/x?utm_source=whatsapp&utm_medium=share",
    "http://m.kompas.com/read/2022/07/15/185325478/x/",
    "kompas.com/read/2022/07/15/185325478/x#top",
    "https://amp.kompas.com/amp/read/2022/07/15/185325478/x",
])
def test_every_share_of_one_article_has_the_same_key(shared):
    assert url_key(shared) == url_key("https://kompas.com/read/2022/07/15/185325478/x")


def test_links_are_found_and_read_for_their_words():
    assert find_urls("cek ini https://a.id/x-y-z, dan www.b.com/q!") == ["https://a.id/x-y-z", "www.b.com/q"]
    assert find_urls("daftar di bansos-pkh2022.xyz sekarang") == ["bansos-pkh2022.xyz"]
    assert slug_words("https://setkab.go.id/wapres-pimpin-rakor-di-ntt/") == ["wapres", "pimpin", "rakor", "di", "ntt"]


def test_a_pasted_link_to_a_cited_article_finds_its_fact(seeded_service):
    link = "https://www.setkab.go.id/wapres-pimpin-rakor-penanggulangan-kemiskinan-ekstrem-di-ntt?utm_source=wa"
    answer = check(seeded_service, link)
    assert answer.answered
    assert any("setkab.go.id" in s.url for s in answer.matches[0].fact.sources)


@pytest.mark.parametrize("spoken, written", [
    ("dua puluh koma nol lima persen", ["20d05", "persen"]),
    ("dua ribu dua puluh satu", ["2021"]),
    ("dua ribu dua satu", ["2021"]),
    ("dua ratus dua belas ribu enam ratus tujuh puluh dua jiwa", ["212672", "jiwa"]),
    ("enam ratus ribu", ["600", "ribu"]),
    ("satu koma satu empat juta", ["1d14", "juta"]),
    ("twenty point four four percent", ["20d44", "percent"]),
])
def test_numbers_in_words_are_read_as_numbers(spoken, written):
    assert spell_numbers(tokenize(spoken)) == written


def test_letters_glued_to_digits_are_split():
    assert tokenize("600rb inpres4/2022 thn2021") == ["600", "rb", "inpres", "4", "2022", "thn", "2021"]


def test_sentences_are_not_split_after_abbreviations():
    assert len(sentences("Kab. Sumba Timur 17.47 persen. Benarkah?")) == 2


@pytest.mark.parametrize("text, lang", [
    ("what are the priority districts for extreme poverty in NTT?", "en"),
    ("kabupaten prioritas kemiskinan ekstrem NTT", "id"),
    ("beta mau tanya BLK Kupang", "id"),
])
def test_the_language_of_a_message_is_detected(seeded_service, text, lang):
    assert check(seeded_service, text).lang == lang


def test_an_english_message_gets_an_english_reply_unless_a_language_was_chosen(seeded_service):
    answer = check(seeded_service, "what are the priority districts for extreme poverty in NTT in 2021?")
    assert messages.reply_language(answer, None, "id") == "en"
    assert messages.reply_language(answer, "id", "id") == "id"
    assert "VERIFIED FACT" in messages.render_answer(answer, messages.reply_language(answer, None, "id"),
                                                     messages.TEXT)


def test_a_rated_claim_in_a_list_carries_its_verdict(seeded_service):
    fact = seeded_service.store.get("ntt-2021-daftar-kabupaten-keliru")
    assert messages.headline(fact, "id").startswith("⚠️ MENYESATKAN: ")
    plain = seeded_service.store.get("ntt-2021-kabupaten-prioritas")
    assert not messages.headline(plain, "id").startswith("⚠️")


# -- regression sets and precision at scale ------------------------------------------------------

REGRESSION_BARS = {  # probe sets written blind, then tuned on: (least accuracy, most false answers)
    "probe-a.jsonl": (0.95, 0.05),
    "probe-b.jsonl": (0.87, 0.14),
    "probe-c.jsonl": (0.83, 0.09),
    "probe-d.jsonl": (0.85, 0.06),
    "probe-e.jsonl": (0.87, 0.06),
    "probe-h.jsonl": (0.89, 0.06),
    "probe-i.jsonl": (0.86, 0.10),
    "probe-j.jsonl": (0.84, 0.05),
    "probe-k.jsonl": (0.85, 0.08),
    "probe-l.jsonl": (0.84, 0.05),
    "probe-p.jsonl": (0.95, 0.05),
    "probe-r.jsonl": (0.90, 0.05),
    "probe-t.jsonl": (0.90, 0.05),
    "probe-v.jsonl": (0.90, 0.05),
    "probe-w.jsonl": (0.80, 0.10),
}


@pytest.mark.parametrize("name", sorted(REGRESSION_BARS))
def test_regression_probe_sets_hold(seeded_service, name):
    """Blind probe sets of citizen messages, scored as `cekfakta eval` scores (case aside)."""
    from pathlib import Path

    from bot.evaluation import read_rows, score

    rows = read_rows((Path(__file__).parent / "regression" / name).read_text(encoding="utf-8").splitlines())
    result = score(seeded_service.checker, rows, lambda a: messages.reply_language(a, None, "id"), ignore_case=True)
    least_accuracy, most_false = REGRESSION_BARS[name]
    assert result.accuracy >= least_accuracy, result.misses
    assert result.false_rate <= most_false, result.misses


def test_precision_holds_among_thousands_of_other_facts(tmp_path):
    """3,000 synthetic facts (other places, periods, programmes, scams and news; benchmarks/synthetic.py)
    change every word's weight. The real facts still answer what they answer, and still do not take
    questions they cannot answer. (A synthetic fact may answer an off-topic question in its own made-up
    world; those are bounded loosely, since the generator's topics are random.)"""
    import sys
    from pathlib import Path

    from bot.config import Settings
    from bot.evaluation import read_rows
    from bot.service import open_service

    sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
    import synthetic

    service = open_service(Settings(db_path=tmp_path / "scale.db"))
    synthetic.add_to(service.store, 3000)
    rows = read_rows((Path(__file__).parent / "regression" / "queries.jsonl").read_text(encoding="utf-8").splitlines())
    answers = [(row, service.checker.check(row["q"])) for row in rows]
    inscope = [(r, a) for r, a in answers if r["expect"]]
    outscope = [a for r, a in answers if not r["expect"]]
    right = [r["q"] for r, a in inscope if a.answered and a.matches[0].fact.id in r["expect"]]
    real_false = [a.query for a in outscope if a.answered and not a.matches[0].fact.id.startswith("sintetis-")]
    any_false = [a.query for a in outscope if a.answered]
    assert len(right) / len(inscope) >= 0.9
    assert len(real_false) / len(outscope) <= 0.05, real_false
    assert len(any_false) / len(outscope) <= 0.2, any_false
    # Everyday questions share a word or two with some of 3,000 facts. A fact touched on only part of
    # its key content does not answer them in a base this size (`match.anchor_enough`): without that,
    # five of these were answered, one by a real fact ("hasil pilkada ntt" by a poverty figure).
    everyday = ["jadwal kapal ke larantuka", "harga cabai di pasar", "lowongan perawat rumah sakit", "resep kue lapis",
                "cuaca besok di ende", "skor bola semalam", "cara bikin paspor", "promo pulsa murah",
                "berita gempa terbaru", "jadwal misa natal", "harga semen sekarang", "info beasiswa kuliah",
                "lomba lari di kupang", "kabar artis korea", "gaji guru honorer naik", "tiket pesawat murah",
                "jual motor bekas", "banjir di bima", "hasil pilkada ntt", "obat sakit gigi", "cara daftar bpjs",
                "pantai bagus di alor", "harga tiket kapal", "lowongan kerja pabrik", "berita viral hari ini"]
    answered = [(q, a.matches[0].fact.id) for q, a in ((q, service.checker.check(q)) for q in everyday) if a.answered]
    assert len(answered) <= 3, answered
    assert all(fact.startswith("sintetis-") for _, fact in answered), answered


def test_figures_listed_after_a_figure_count_the_same_thing(analyzer, seeded_service):
    """"54 BLK Komunitas, antara lain Manggarai Barat 6, …": 6 is a number of BLK too, so the fact
    answers how many a district has."""
    numbers = analyzer.numbers(analyzer.merge(analyzer.tokens("NTT punya 54 BLK, antara lain Alor 6, Ende 2.")))
    assert [(n.token, n.unit, n.place) for n in numbers] == [("54", "blk", "ntt"), ("6", "blk", "alor"),
                                                             ("2", "blk", "ende")]
    assert top(seeded_service, "ada berapa BLK komunitas di manggarai barat?") == "blk-komunitas-ntt-2022"


def test_a_year_after_a_month_is_a_year_even_before_what_is_counted(analyzer, seeded_service):
    """"Maret 2021, orangnya berapa": 2021 is the period asked, not a count of people."""
    qualifiers = analyzer.qualifiers(analyzer.merge(analyzer.tokens("miskin NTT Maret 2021, orangnya berapa?")))
    assert qualifiers.years == {"2021"} and not qualifiers.numbers
    assert not check(seeded_service, "penduduk miskin NTT maret 2021, orang nya brp juta?").answered


def test_a_misquoted_count_of_provinces_gets_the_fact_that_corrects_it(analyzer, seeded_service):
    """"7 dari 25 provinsi" counts provinces twice; a message saying 9 misquotes the 7, and the fact
    with the 7 answers it, naming the difference."""
    numbers = analyzer.numbers(analyzer.merge(analyzer.tokens("hanya 7 dari 25 provinsi")))
    assert [(n.token, n.unit) for n in numbers] == [("7", "provinces"), ("25", "provinces")]
    answer = check(seeded_service, "betul kah 9 provinsi diprioritaskan untuk kemiskinan ekstrem tahun 2021?")
    assert answer.answered and answer.matches[0].fact.id == "tujuh-provinsi-prioritas-2021"
    assert [(g.kind, g.said, g.verified) for g in answer.matches[0].differences] == [("number", ("9",), ("7",))]


def test_an_office_s_place_is_where_it_is_not_what_its_figures_are_for(analyzer, seeded_service):
    """"BLK Provinsi NTT di Kupang … 200 orang": the 200 are the province's BLK's, so a question about
    the NTT BLK is answered by it."""
    numbers = analyzer.numbers(analyzer.merge(analyzer.tokens("BLK Provinsi NTT di Kupang melatih 200 orang")))
    assert [(n.token, n.place) for n in numbers] == [("200", "ntt")]
    assert top(seeded_service, "tahun 2023 BLK provinsi NTT mau latih berapa orang?") == \
        "blk-ntt-kupang-syarat-pelatihan"


def test_a_count_of_graduates_needs_a_figure_of_graduates(seeded_service):
    """The BLK's target of people to train is no count of its graduates who found work."""
    answer = check(seeded_service, "berapa lulusan BLK NTT tahun 2023 yang sudah dapat kerja?")
    assert not (answer.answered and answer.matches[0].fact.id == "blk-ntt-kupang-syarat-pelatihan")


@pytest.mark.parametrize("text", ["jumlah penduduk Sumba Timur semuanya ada berapa orang?",
                                  "how many people live in Sumba Timur in total?"])
def test_a_headcount_is_not_answered_by_a_count_of_the_poor(seeded_service, text):
    """A fact's figures measure poverty; a question that never names poverty asks something else."""
    assert not check(seeded_service, text).answered


def test_a_count_of_the_poor_is_still_answered(seeded_service):
    assert top(seeded_service, "berapa juta penduduk miskin NTT maret 2023?") in (
        "kemiskinan-ntt-maret-2023", "angka-11-juta-miskin-ntt-keliru")  # the latter corrects "11 juta" with it


def test_a_closing_wish_about_the_future_does_not_make_a_forward_a_now_question(seeded_service):
    """"Semoga tahun-tahun berikutnya …" is a wish beside a claim about March 2022, which the March 2022
    figure confirms."""
    text = ("Kabar dari grup RT. Pada Maret 2022 angka kemiskinan NTT 20,05 persen, masih tinggi. "
            "Semoga tahun-tahun berikutnya lebih baik lagi. Salam dari Ende.")
    assert top(seeded_service, text) == "kemiskinan-ntt-maret-2022"


def test_an_english_possessive_is_the_word_it_marks(seeded_service):
    assert tokenize("NTT's priority districts, Ba'a") == ["ntt", "priority", "districts", "baa"]
    assert top(seeded_service, "What are NTT's five priority districts?") == "ntt-2021-kabupaten-prioritas"


def test_a_why_question_is_answered_by_a_reason_about_what_the_fact_and_question_share(seeded_service):
    """"Nasional" is the question's rarest word, but the fact's reason ("karena dananya terbatas") is
    given of what both name: the provinces prioritised."""
    assert top(seeded_service, "kenapa cuma 7 provinsi yang jadi prioritas nasional tahun 2021?") == \
        "tujuh-provinsi-prioritas-2021"


def test_naming_the_group_a_message_came_from_keeps_the_sentence_end(seeded_service):
    """"… di grup keluarga." is dropped as a forwarder's note, but its full stop stays: the next
    sentence is not glued to the self-introduction before it (and dropped with it)."""
    text = ("Saya ibu rumah tangga di Alor, sering dapat kiriman di grup keluarga. "
            "Katanya Liputan6 punya layanan cek fakta lewat WhatsApp. Nomornya berapa ya?")
    answer = check(seeded_service, text)
    assert answer.answered and answer.matches[0].fact.id == "chatbot-cek-fakta-liputan6"


def test_jumlah_beside_a_given_figure_asks_about_it_not_how_many(seeded_service):
    """"Apa itu total …?" of a figure the message gives is a question about that figure: the fact that
    holds it answers, though it counts no province."""
    answer = check(seeded_service, "ada yang bilang 81.180 jiwa, apa itu total orang miskin ekstrem se-NTT?")
    assert answer.answered and answer.matches[0].fact.id == "angka-kemiskinan-ekstrem-lima-kabupaten"


def test_a_count_of_provinces_is_not_a_figure_for_the_town_named_before_it(seeded_service):
    """"Kupang … dari 7 provinsi": seven provinces, not a figure of Kupang's that the fact lacks."""
    text = "benarkah Kupang tempat pertama yang dikunjungi wapres dari 7 provinsi prioritas?"
    assert top(seeded_service, text) == "rakor-kemiskinan-ekstrem-kupang-2021"


def test_the_word_for_passing_a_message_on_is_not_its_topic(seeded_service):
    """"Ada yg share: …" reports how the claim came; the misquoted rate is still corrected."""
    answer = check(seeded_service, "Ada yg share: Rote Ndao tingkat kemiskinan ekstremnya 61,21 persen. Itu benar?")
    assert answer.answered and answer.matches[0].fact.id == "angka-kemiskinan-ekstrem-lima-kabupaten"
    assert [(g.said, g.verified) for g in answer.matches[0].differences] == [(("61,21",), ("16,21",))]


@pytest.mark.parametrize("text, counted", [
    ("berapa persen kemiskinan ekstrem provinsi NTT 2021", {"percent"}),  # "provinsi NTT" names a place
    ("berapa persen orang miskin ekstrem di NTT", {"percent"}),  # a share of people, not their number
    ("berapa rumah tangga miskin ekstrem di TTS", {"households"}),
])
def test_what_a_how_many_question_counts(analyzer, text, counted):
    assert analyzer.counted(analyzer.merge(analyzer.tokens(text))) == counted


def test_a_share_is_not_answered_by_a_number_of_people(seeded_service):
    """The five districts' total (212.672 jiwa) gives no percentage of the province."""
    answer = check(seeded_service, "berapa persen orang miskin ekstrem provinsi NTT tahun 2021?")
    assert not (answer.answered and answer.matches[0].fact.id == "jumlah-miskin-ekstrem-lima-kabupaten")


def test_which_district_and_its_rate_are_answered_by_the_district_s_figure(seeded_service):
    """"Kabupaten mana …, berapa persen?" asks the rate of the district it asks for, not of NTT."""
    text = "di NTT maret 2023 kabupaten mana yg penduduk miskinnya paling tinggi, berapa persen?"
    assert top(seeded_service, text) == "kabupaten-termiskin-ntt-2023"


def test_a_figure_given_to_the_thousand_is_the_fact_s_figure(analyzer, seeded_service):
    """"212 ribuan" is 212.672 said roughly, not the 212 districts of another fact; a word like "bener"
    after a number counts nothing."""
    from bot.match import _rounds_to

    assert _rounds_to(212672, "212000") and _rounds_to(15820, "16000") and not _rounds_to(212672, "210000")
    numbers = analyzer.numbers(analyzer.merge(analyzer.tokens("212 ribuan, bener gak?")))
    assert [(n.token, n.unit) for n in numbers] == [("212000", "")]
    answer = check(seeded_service, "katanya total orang miskin ekstrem di 5 kabupaten NTT sekitar 212 ribuan, bener gak?")
    assert answer.answered and answer.matches[0].fact.id == "jumlah-miskin-ekstrem-lima-kabupaten"
    assert not answer.matches[0].differences


def test_where_someone_went_is_not_what_their_figure_is_for(seeded_service):
    """"datang ke Kupang … NTT nol persen pada 2030": the target is NTT's, and 2030 misquotes 2024."""
    text = ("Wapres datang ke Kupang dan berharap kemiskinan ekstrem di NTT jadi nol persen pada 2030. "
            "Ayo dukung! Sebarkan ke semua grup.")
    answer = check(seeded_service, text)
    assert answer.answered and answer.matches[0].fact.id == "target-nol-persen-kemiskinan-ekstrem-2024"
    assert [g.kind for g in answer.matches[0].differences] == ["year"]


def test_a_plea_to_cooperate_does_not_make_a_notice_a_question(analyzer, seeded_service):
    """"Mohon kerja samanya." closes a notice; the notice's wrong programme (PKH) is then a misquote
    that the fact naming the real ones corrects. ("tahun 2021, warga …": 2021 is a year.)"""
    assert analyzer.qualifiers(analyzer.merge(analyzer.tokens("tahun 2021, warga miskin"))).years == {"2021"}
    text = ("Pengumuman untuk warga. Pada tiga bulan terakhir tahun 2021, warga miskin ekstrem di lima kabupaten "
            "prioritas dapat bantuan tambahan lewat PKH. Mohon kerja samanya.")
    answer = check(seeded_service, text)
    assert answer.answered and answer.matches[0].fact.id == "bantuan-sembako-blt-desa-2021"
    assert [g.kind for g in answer.matches[0].differences] == ["programme"]


@pytest.mark.parametrize("text, fact", [
    ("kabupaten prioritas ne mung 35 to? provinsi ne piro?", "tujuh-provinsi-prioritas-2021"),  # Javanese
    ("how much money does each TKM group get?", "perluasan-kesempatan-kerja-tkm-tks-padat-karya"),  # light verb
])
def test_more_chat_words_carry_no_topic(seeded_service, text, fact):
    assert top(seeded_service, text) == fact


def test_a_wrong_day_is_corrected_as_a_date(seeded_service):
    answer = check(seeded_service, "rakor wapres soal kemiskinan ekstrem di Kupang tanggal 20 Oktober 2021 kan?")
    assert answer.answered and answer.matches[0].fact.id == "rakor-kemiskinan-ekstrem-kupang-2021"
    assert [(g.said, g.verified, g.unit) for g in answer.matches[0].differences] == [(("20",), ("17",), "date")]
    assert "Tanggal di pesan Anda: 20; tanggal yang benar: 17" in messages.describe_difference(
        answer.matches[0].differences[0])


def test_a_site_named_in_a_claim_is_not_a_request_for_contacts(seeded_service):
    """"ada website nulis …, bener?" checks what the site wrote; it does not ask for an address."""
    answer = check(seeded_service, "ada website nulis penduduk miskin NTT Maret 2023 11 juta orang, bener?")
    assert answer.answered and answer.matches[0].fact.id == "angka-11-juta-miskin-ntt-keliru"


@pytest.mark.parametrize("text, fact", [
    ("Inpres kemiskinan ekstrem itu presiden tanda tangan kapan?", "inpres-4-2022-kemiskinan-ekstrem"),
    ("brp pddk miskin ekstrem nas. th 2021?", "jumlah-miskin-ekstrem-nasional-2021"),
    ("kata wapres masalah pokok kemiskinan ekstrem itu apa, bukan doi?", "anggaran-bukan-masalah-utama"),
])
def test_chat_spellings_of_words_the_facts_use(seeded_service, text, fact):
    """"tanda tangan" is "ditandatangani"; "pddk", "nas." and "pokok" are "penduduk", "nasional", "utama"."""
    assert top(seeded_service, text) == fact


def test_a_year_written_with_an_apostrophe_is_a_year():
    assert tokenize("kemiskinan NTT Mar'21 vs Sep '22") == ["kemiskinan", "ntt", "mar", "2021", "vs", "sep", "2022"]


def test_asking_for_requirements_is_not_a_topic(seeded_service):
    """"syarat" says what is wanted of a topic ("SIM"), as "cara" does: the BLK's requirements do not answer."""
    assert not check(seeded_service, "syarat bikin SIM di Kupang apa aja?").answered


def test_a_guess_after_a_which_question_does_not_make_it_answered_already(seeded_service):
    """"Kabupaten mana …? katanya Sumba Tengah": the guess is checked by the fact naming Sumba Tengah."""
    text = "kabupaten mana yg paling miskin di NTT 2023? katanya Sumba Tengah ya, brp persen?"
    assert top(seeded_service, text) == "kabupaten-termiskin-ntt-2023"


def test_a_tag_question_ends_before_a_form_of_address(seeded_service):
    """"… 8 Juli 2022 ya kak?" is a yes/no check, so the wrong month is a misquote the fact corrects."""
    answer = check(seeded_service, "Inpres nomor 4 tahun 2022 ditandatangani 8 Juli 2022 ya kak?")
    assert answer.answered and answer.matches[0].fact.id == "inpres-4-2022-kemiskinan-ekstrem"
    assert [g.kind for g in answer.matches[0].differences] == ["month"]


def test_one_group_getting_how_many_million_asks_an_amount(analyzer):
    assert analyzer.counted(analyzer.merge(analyzer.tokens("bantuan TKM satu kelompok dapat berapa juta"))) == {"money"}


def test_the_places_a_figure_is_asked_for_are_those_beside_berapa(seeded_service):
    """"Papua … berapa persen? … lebih parah dari NTT": Papua's rate is asked; NTT's figure is no answer."""
    answer = check(seeded_service, "Papua kemiskinan berapa persen bulan maret 2022? dengar-dengar lebih parah dari NTT")
    assert not answer.answered


def test_provinsi_before_berapa_names_the_province(analyzer, seeded_service):
    assert analyzer.counted(analyzer.merge(analyzer.tokens("persentase kemiskinan provinsi NTT berapa"))) != {"provinces"}
    assert not check(seeded_service, "persentase kemiskinan ekstrem se provinsi NTT thn 2021 berapa?").answered


def test_a_neutral_fact_with_no_amount_does_not_answer_a_claimed_amount(seeded_service):
    """A forward promising "Rp 2 juta per KK" to the priority districts is not confirmed by the list of
    districts, which gives no amount at all (a regression line from probe set W)."""
    text = ("Diteruskan: Pemerintah akan cairkan bantuan kemiskinan ekstrem Rp 2 juta per KK untuk warga 5 "
            "kabupaten prioritas NTT mulai 1 Agustus. Siapkan KK dan KTP.\n\nini betul ka?")
    answer = check(seeded_service, text)
    assert not (answer.answered and answer.matches[0].fact.id == "ntt-2021-kabupaten-prioritas")


def test_a_count_asked_of_one_body_alone_is_not_answered_by_a_fact_that_excludes_it(seeded_service):
    """The padat karya figures are "mostly PUPR, not Kemnaker": they do not count Kemnaker's own work,
    but they do answer whose work it was."""
    alone = check(seeded_service, "tahun 2021 padat karya Kemnaker sendiri di NTT menyerap berapa tenaga kerja?")
    assert not (alone.answered and alone.matches[0].fact.id == "padat-karya-ntt")
    assert top(seeded_service, "padat karya di NTT menyerap berapa tenaga kerja sampai Oktober 2021? dari Kemnaker kah?") \
        == "padat-karya-ntt"


def test_an_english_what_was_the_rate_question_asks_a_figure(seeded_service):
    """"What was Papua's rate?" is a how-many question: the list of Papua's priority districts, which gives
    no rate, is no answer; a fact with the district's rate is."""
    assert not check(seeded_service, "what was the extreme poverty rate of Papua in 2021?").answered
    assert top(seeded_service, "what was the extreme poverty rate of Rote Ndao in 2021?") == \
        "angka-kemiskinan-ekstrem-lima-kabupaten"


def test_hearsay_and_a_slip_of_the_island_s_name(analyzer, seeded_service):
    """"kata orang" (people say) reports a claim, it counts no people; "Manggarai Timor" is Manggarai Timur."""
    assert "penduduk" not in [t.token for t in analyzer.query_terms(analyzer.tokens("kata orang begitu"))]
    assert top(seeded_service, "kemiskinan ekstrem manggarai timor tahun 2021 berapa persen?") == \
        "angka-kemiskinan-ekstrem-lima-kabupaten"


def test_a_day_of_a_month_is_no_figure(analyzer):
    """"17 Oktober" is a date: it is not "a number" that a bare "berapa?" can be answered with, nor a
    figure given that turns "jumlah …?" into a question about it; "vs" between periods is no topic."""
    day = Number(17.0, "date", "17", month="oktober")
    assert not day.figure and Number(54.0, "blk", "54").figure
    assert not has_count([day], frozenset(), Qualifiers())
    reading = analyzer.read("jumlah penduduk miskin ekstrem yang diumumkan 17 Oktober 2021?")
    assert "howmany" in reading.asks
    assert [t.token for t in analyzer.query_terms(analyzer.tokens("maret 2021 vs september 2022"))] == \
        ["maret", "2021", "september", "2022"]
