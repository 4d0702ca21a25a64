"""The query object: a question analyzed once, for retrieval and the reader alike."""

from __future__ import annotations

import pytest

from qa.analysis import Analyzer, QuestionType
from qa.query import Query, detect_language, leans_on_history
from qa.store import Filters

ANALYZER = Analyzer("sastrawi", True)


def frequencies(terms: list[str], one_words: tuple[str, ...] = ()) -> tuple[int, dict[str, int]]:
    """100 chunks; every term in 10 of them except `kemarin` and two names written as one word
    (but `one_words`), in none."""
    joined = {a + b for a in terms for b in terms} - set(one_words)
    return 100, {t: 10 for t in terms if t != "kemarin" and t not in joined}


def test_a_question_is_analyzed_once_with_its_kind_language_and_weights() -> None:
    filters = Filters(date_from="2019-01-01")
    query = Query.build("Siapa Sekretaris Daerah Kota Bandarlampung?", ANALYZER, frequencies,
                        filters=filters)  # fmt: skip
    assert query.kind is QuestionType.WHO and query.lang == "id"
    assert query.text == query.question and query.filters is filters
    assert "bandarlampung" in query.terms and "siapa" not in query.terms  # stopwords go
    assert set(query.idf) == set(query.terms)
    assert (query.terms[0], query.terms[1]) in query.bigrams


def test_a_short_followup_searches_with_the_last_questions_words() -> None:
    history = [("Apa program Pemkot Bandarlampung untuk UMKM?", None)]
    query = Query.build("Siapa wali kotanya?", ANALYZER, frequencies, history=history)
    assert query.question == "Siapa wali kotanya?"
    assert "Bandarlampung" in query.text and "bandarlampung" in query.terms
    assert query.kind is QuestionType.WHO  # the kind is the question's own


def test_language_detection() -> None:
    assert detect_language("What does UU 24/2011 require?") == "en"
    assert detect_language("Siapa wali kota Bandarlampung?") == "id"
    assert detect_language("Berapa jumlah penduduk yang wajib ber-KTP?") == "id"
    # no function word: a possessive, or words only one side of the dictionary knows
    assert detect_language("Uruguay's foreign minister?") == "en"
    assert detect_language("Suzuki MotoGP team manager?") == "en"
    assert detect_language("Harga tiket Tambora?") == "id"
    assert detect_language("Dimanakah International Rice Conference 2005 berlangsung?") == "id"


@pytest.mark.parametrize(
    ("question", "leans"),
    [
        ("Siapa wali kotanya?", True),  # -nya: whose mayor?
        ("Dan wakilnya?", True),
        ("What about Medan?", True),
        ("When was it built?", True),
        ("Siapa wali kota?", True),  # too little of its own, and no name
        ("Siapa Bupati Sukamaju?", False),  # names what it asks about
        ("Berapa hanya korban banjir di Jakarta?", False),  # "hanya" refers to nothing
        ("Apa yang diwajibkan UU 24/2011 bagi perusahaan?", False),
    ],
)
def test_only_a_question_that_leans_on_the_last_one_borrows_its_words(question, leans):
    history = [("Apa program Pemkot Bandarlampung untuk UMKM?", None)]
    assert leans_on_history(question, ANALYZER) is leans
    query = Query.build(question, ANALYZER, frequencies, history=history)
    assert (query.text != question) is leans


def test_an_english_question_is_translated_into_groups_that_count_as_one_term() -> None:
    query = Query.build("Who is the regional secretary of Bandarlampung?", ANALYZER, frequencies)
    assert query.lang == "en"
    head = "~regional_secretary"
    assert query.terms == [head, "bandarlampung"]  # a phrase first, the name as it is
    assert ("sekda",) in query.groups[head] and ("sekretaris", "daerah") in query.groups[head]
    assert {"sekda", "sekretaris", "daerah", "bandarlampung"} <= set(query.lexical_terms)
    article = ANALYZER.terms("Sekretaris Daerah Kota Bandarlampung, Badri Tamam (Sekda)")
    folded = query.fold(article)
    assert folded.count(head) == 2 and "sekretaris" not in folded  # both spellings, one term
    assert set(query.idf) == set(query.terms)


def test_a_two_word_name_is_one_group_where_the_index_also_writes_it_as_one_word() -> None:
    def held(*one_words: str):
        return lambda terms: frequencies(terms, one_words)

    query = Query.build("Siapa wali kota Bandar Lampung?", ANALYZER, held("bandarlampung"))
    head = "~bandar_lampung"
    assert query.terms[-1] == head and query.groups[head] == (
        ("bandar", "lampung"),
        ("bandarlampung",),
    )
    assert query.fold(ANALYZER.terms("Wali Kota Bandarlampung")) == ["wali", "kota", head]
    english = Query.build("Who is the mayor of Bandar Lampung?", ANALYZER, held("bandarlampung"))
    assert head in english.terms
    # an index that never writes the name as one word searches the two words as before
    plain = Query.build("Siapa wali kota Bandar Lampung?", ANALYZER, held())
    assert plain.terms[-2:] == ["bandar", "lampung"] and not plain.groups


def test_untranslatable_english_words_count_in_full() -> None:
    english = Query.build("Who painted the Mona Lisa kemarin?", ANALYZER, frequencies)
    assert "kemarin" in english.terms  # no chunk holds it: full idf, no discount
    assert english.idf["kemarin"] > english.idf["mona"]


def test_an_indonesian_question_is_not_translated() -> None:
    query = Query.build("Siapa wali kota Bandarlampung?", ANALYZER, frequencies)
    assert query.groups == {} and query.lexical_terms == query.terms
    terms = ANALYZER.terms("Wali Kota Bandarlampung Herman HN")
    assert query.fold(terms) == terms


@pytest.mark.parametrize(
    ("question", "terms"),
    [
        ("Dimanakah Danau Toba?", ["danau", "toba"]),  # not "mana"
        ("Berapa lamakah konser itu?", ["konser"]),  # not "lama"
        ("Kelompok apa sajakah yang berdebat?", ["kelompok", "debat"]),
        ("Langkah apa yang diambil?", ["langkah", "ambil"]),  # -kah of a content word stays
        ("Siapakah nama raja Thailand?", ["raja", "thailand"]),  # as English drops "name"
        ("Pria bernama Budi tinggal di mana?", ["pria", "nama", "budi", "tinggal"]),
    ],
)
def test_a_question_particle_hides_no_term(question: str, terms: list[str]) -> None:
    assert Query.build(question, ANALYZER, frequencies).terms == terms


def test_a_word_no_article_holds_is_joined_by_its_spellings_one_edit_away() -> None:
    def held(terms: list[str]) -> tuple[int, dict[str, int]]:
        return 100, {t: 5 for t in terms if t in {"danau", "bungara", "2018", "kursi"}}

    query = Query.build("Di mana Danau Bunggara?", ANALYZER, held)
    assert query.terms == ["danau", "~bunggara"]
    assert query.groups["~bunggara"] == (("bungara",),) and not query.unseen
    assert query.fold(["danau", "bungara"]) == ["danau", "~bunggara"]
    # a year is never another year, and a short word is too easily another word
    for question, word in (
        ("Siapa juara Liga 1 tahun 2019?", "2019"),
        ("Berapa kurs rupiah?", "kurs"),
    ):
        query = Query.build(question, ANALYZER, held)
        assert word in query.terms and word in query.unseen, question


def test_cognates_are_kept_only_where_the_index_holds_them() -> None:
    def held(terms: list[str]) -> tuple[int, dict[str, int]]:
        return 100, {t: 5 for t in terms if t in {"stratosfer", "siltasi"}}

    # neither word is in the dictionary; their Indonesian spellings are in the index
    query = Query.build("When did siltation reach the stratosphere?", ANALYZER, held)
    assert query.groups["~siltation"] == (("siltasi",),)
    assert query.groups["~stratosphere"] == (("stratosfer",),)
    unheld = Query.build("When did siltation start?", ANALYZER, lambda terms: (100, {}))
    assert ("siltation",) in unheld.groups["~siltation"]  # nothing held: kept, and unseen


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("Siapa \udcff wali kota?", "not valid text"),  # a lone surrogate: undecodable bytes
        ("", "no searchable words"),
        ("?! … —", "no searchable words"),
    ],
)
def test_a_question_that_cannot_be_searched_says_why(question: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Query.build(question, ANALYZER, frequencies)
