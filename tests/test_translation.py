"""English→Indonesian query translation: the shipped dictionary and how a question is split."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.analysis import Analyzer
from qa.translation.abbreviations import group_abbreviations
from qa.translation.cognates import cognates
from qa.translation.dictionary import DictionaryError, load_dictionary, read_tsv
from qa.translation.translate import translate

ANALYZER = Analyzer("sastrawi", True)


def test_the_glossary_wins_over_freedict_for_news_words() -> None:
    dictionary = load_dictionary()
    assert dictionary.lookup("regent")[0] == "bupati"  # FreeDict says "wali" (guardian)
    assert "wali kota" in dictionary.lookup("mayor")
    assert len(dictionary.entries) > 9000  # FreeDict's headwords are all there
    # a traffic fine is a "tilang" to the police, and a driver on the road a "pengendara"
    assert "ditilang" in dictionary.lookup("fined") and "pengendara" in dictionary.lookup("drivers")


def test_inflected_forms_find_their_headword() -> None:
    dictionary = load_dictionary()
    assert dictionary.lookup("companies") == dictionary.lookup("company")
    assert dictionary.lookup("stopped") == dictionary.lookup("stop")
    assert dictionary.lookup("qwertyuiop") == ()


def test_names_acronyms_and_numbers_pass_through_and_function_words_go() -> None:
    groups = translate("Who is the mayor of Bandar Lampung in 2019 according to KPK?",
                       load_dictionary(), ANALYZER)  # fmt: skip
    heads = [g.head for g in groups]
    assert heads == ["~mayor", "bandar", "lampung", "2019", "kpk"]
    mayor = groups[0]
    assert mayor.translated and ("wali", "kota") in mayor.alternatives
    assert not any(g.translated for g in groups[1:])


def test_an_ordinal_is_its_number_as_indonesian_writes_it() -> None:
    """ "the 62nd festival" is "festival ke-62": the number is the term."""
    groups = translate("Who won at the 62nd Venice Film Festival?", load_dictionary(), ANALYZER)
    assert "62" in [g.head for g in groups] and "62nd" not in [g.head for g in groups]


def test_words_that_translate_to_indonesian_stopwords_go_too() -> None:
    """English "three" is "tiga", "current" mostly "sekarang", "since" "sejak": stopwords in an
    Indonesian question, so no term in an English one (as English words no article holds,
    they would count in full and the answer would seem unsupported)."""
    groups = translate("Since when has the current mayor served three terms?",
                       load_dictionary(), ANALYZER)  # fmt: skip
    assert [g.head for g in groups] == ["~mayor", "~served", "~terms"]
    require = translate("What does UU 24/2011 require?", load_dictionary(), ANALYZER)[1]
    assert ("wajib",) in require.alternatives  # one stopword sense ("harus") of several stays


def test_an_abbreviation_and_its_long_form_are_one_group_in_either_language() -> None:
    short, _ = group_abbreviations(ANALYZER.terms("Siapa Sekda Bandarlampung?"), {}, ANALYZER)
    long, groups = group_abbreviations(
        ANALYZER.terms("Siapa Sekretaris Daerah Bandarlampung?"), {}, ANALYZER
    )
    assert short == long == ["~sekda", "bandarlampung"]
    assert set(groups["~sekda"]) == {("sekda",), ("sekretaris", "daerah")}
    english = translate("What did the DPRD decide?", load_dictionary(), ANALYZER)
    terms, groups = group_abbreviations([g.head for g in english], {}, ANALYZER)
    assert "~dprd" in terms and ("dprd",) in groups["~dprd"]


def test_a_legal_reference_stays_one_term() -> None:
    groups = translate("What does Law No. 24 of 2011 require?", load_dictionary(), ANALYZER)
    assert groups[0].head == "uu24th2011" and not groups[0].translated


def test_a_bad_dictionary_file_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "glossary.tsv"
    bad.write_text("# comment\nmayor\twali kota\n", encoding="utf-8")
    with pytest.raises(DictionaryError, match=r"glossary.tsv:2: expected 3"):
        read_tsv(bad)
    with pytest.raises(DictionaryError, match="missing.tsv"):
        read_tsv(tmp_path / "missing.tsv")


def test_a_word_the_dictionary_lacks_brings_its_cognates() -> None:
    assert cognates("compensation")[0] == "kompensasi"  # most likely first
    assert cognates("textile")[0] == "tekstil" and cognates("category") == ["kategori"]
    assert cognates("internationally")[0] == "internasional"
    assert cognates("kpk") == [] and cognates("café") == []  # too short; not plain letters
    groups = translate("Which fleets underwent modernisation?", load_dictionary(), ANALYZER)
    assert all(g.alternatives for g in groups)
