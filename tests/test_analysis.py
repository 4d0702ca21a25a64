"""Lexical analysis: what BM25 sees must make equivalent written forms match."""

import pytest

from qa.analysis import (
    Analyzer,
    QuestionType,
    asks_definition,
    asks_explanation,
    fold_legal_references,
    has_answer_type,
    question_type,
)

SAME_LAW = [
    "UU 24/2011",
    "UU No. 24 Tahun 2011",
    "UU Nomor 24 Tahun 2011",
    "Undang-Undang Nomor 24 Tahun 2011",
    "Undang-undang (UU) Nomor 24 Tahun 2011",
    "undang undang no 24 tahun 2011",
    "Law No. 24 of 2011",
]


@pytest.mark.parametrize("written", SAME_LAW)
def test_legal_reference_forms_fold_to_one_term(written: str) -> None:
    assert Analyzer().terms(written) == ["uu24th2011"]


@pytest.mark.parametrize(
    ("written", "term"),
    [
        ("PP Nomor 60 Tahun 2015", "pp60th2015"),
        ("Peraturan Pemerintah No. 60/2015", "pp60th2015"),
        ("Perpres 12/2013", "perpres12th2013"),
        ("Peraturan Presiden Nomor 12 Tahun 2013", "perpres12th2013"),
        ("Permenkes No. 5 Tahun 2020", "permen5th2020"),
        ("Peraturan Menteri Kesehatan Nomor 5 Tahun 2020", "permen5th2020"),
        ("Perda No. 3 Tahun 2015", "perda3th2015"),
        ("Peraturan Daerah Nomor 3 Tahun 2015", "perda3th2015"),
        ("Perppu Nomor 1 Tahun 2020", "perppu1th2020"),
    ],
)
def test_other_regulation_kinds(written: str, term: str) -> None:
    assert term in Analyzer().terms(written)


def test_different_laws_stay_different() -> None:
    terms = Analyzer().terms("UU 24/2011 dan UU 22/2009 serta PP 24/2011")
    assert terms == ["uu24th2011", "uu22th2009", "pp24th2011"]


def test_reference_inside_a_sentence_keeps_the_other_words() -> None:
    text = "sebagaimana yang tertuang dalam UU 24 Tahun 2011 tentang BPJS Ketenagakerjaan"
    terms = Analyzer().terms(text)
    assert "uu24th2011" in terms
    assert "bpjs" in terms
    assert "tenagakerja" in terms or "ketenagakerjaan" in terms
    # the law's number and year are not left behind as loose numbers
    assert "24" not in terms and "2011" not in terms


def test_plain_numbers_are_not_mistaken_for_laws() -> None:
    assert "uu" not in fold_legal_references("Sebanyak 24 orang pada 2011").lower()


def test_stemming_joins_inflected_forms() -> None:
    analyzer = Analyzer()
    assert analyzer.terms("mendaftarkan") == analyzer.terms("daftar") == ["daftar"]
    assert analyzer.terms("perusahaan") == ["usaha"]


def test_stopwords_and_stemming_can_be_switched_off() -> None:
    plain = Analyzer(stemmer="none", stopwords=False)
    assert plain.terms("Apa yang diwajibkan?") == ["apa", "yang", "diwajibkan"]
    assert Analyzer().terms("Apa yang diwajibkan?") == ["wajib"]


def test_english_question_keeps_names_and_numbers() -> None:
    assert Analyzer().terms("Who is Badri Tamam?") == ["badri", "tamam"]


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Kapan Roemwerdiniadi Soedoko lahir?", QuestionType.WHEN),
        ("Berapa penumpang pesawat itu?", QuestionType.HOW_MANY),
        ("Siapa Sekda Bandarlampung?", QuestionType.WHO),
        ("Di mana kantor BPJS?", QuestionType.WHERE),
        ("Who is the mayor?", QuestionType.WHO),
        ("What does UU 24/2011 require?", QuestionType.OTHER),
        # a price is an amount, though no "how much" asks for it
        ("What does a Netflix subscription cost?", QuestionType.HOW_MANY),
        ("What is the selling price of dried seaweed?", QuestionType.HOW_MANY),
        ("Price of an iPhone in Jakarta?", QuestionType.HOW_MANY),
        ("Which company will raise its gas price?", QuestionType.OTHER),
        # the first question word decides, not a later "when"
        ("How old was John Hall when he received the Nobel Prize?", QuestionType.HOW_MANY),
        ("Who was the mayor when the flood hit?", QuestionType.WHO),
        ("Di kota manakah letak kantor pusat WHO?", QuestionType.WHERE),
        ("Dia berasal dari mana?", QuestionType.WHERE),
        ("Jam berapa kebakaran itu terjadi?", QuestionType.WHEN),  # a time, not a count
        ("Pukul berapa demo itu bubar?", QuestionType.WHEN),
    ],
)
def test_question_types(question: str, kind: QuestionType) -> None:
    assert question_type(question) is kind


@pytest.mark.parametrize(
    ("question", "explanation"),
    [
        ("Mengapa eksekusi mati Mary Jane Veloso ditunda?", True),
        ("Why did Sharapova withdraw?", True),
        ("Kenapa kereta itu terguling?", True),
        ("Bagaimana cara membuat rendang?", True),
        ("How do I renew my passport?", True),
        ("How to tie a tie?", True),
        ("Cara mengurus SIM yang hilang?", True),
        ("Apa penyebab kereta semen terguling di Padang?", True),  # a cause: a clause
        ("What caused the flash flood in Garut?", True),
        ("Apa nama bakteri penyebab tukak lambung?", False),  # a name
        ("Siapa yang menjelaskan cara mengurus SIM?", False),
        ("How many people came?", False),
        ("Siapa wali kota Bandarlampung?", False),
    ],
)
def test_how_and_why_questions(question: str, explanation: bool) -> None:
    assert asks_explanation(question) is explanation


def test_answer_type_presence() -> None:
    assert has_answer_type(QuestionType.WHEN, "lahir 4 Februari 1937", "Kapan dia lahir?")
    assert not has_answer_type(QuestionType.WHEN, "dia lahir di Blitar", "Kapan dia lahir?")
    assert has_answer_type(QuestionType.HOW_MANY, "membawa 84 penumpang", "Berapa penumpang?")
    # a number the question already gives is not an answer
    assert not has_answer_type(QuestionType.HOW_MANY, "pesawat GA-181", "Berapa penumpang GA-181?")
    assert has_answer_type(QuestionType.WHO, "kata Badri Tamam", "siapa sekda kota itu?")


@pytest.mark.parametrize("stemmer", ["snowball", "sastrawi"])
def test_both_stemmers_join_inflected_forms(stemmer: str) -> None:
    analyzer = Analyzer(stemmer=stemmer)
    assert analyzer.terms("mendaftarkan") == analyzer.terms("didaftarkan") == ["daftar"]
    assert analyzer.terms("UU 24/2011") == ["uu24th2011"]  # canonical terms are never stemmed


def test_unknown_stemmer_is_refused() -> None:
    with pytest.raises(ValueError, match="porter"):
        Analyzer(stemmer="porter")


PASSAGES = [
    "Sekretaris Daerah Kota Bandarlampung Badri Tamam mengatakan pendaftaran dibuka Senin.",
    "Menurut UU No. 24 Tahun 2011, pemberi kerja wajib mendaftarkan pekerjanya ke BPJS.",
    "Sebanyak 12.500 pengunjung datang ke Festival Durian Sukamaju pada 3 Maret 2019.",
    "Dan itu adalah yang di dalam dan pada mereka.",  # stopwords only
    "Kerja sama luar negeri dibahas di Ibu Kota Nusantara oleh orang tua murid.",  # compounds
]


@pytest.mark.parametrize("passage", PASSAGES)
@pytest.mark.parametrize("stemmer", ["sastrawi", "snowball"])
def test_stored_terms_give_the_same_word_stems_as_stemming_again(passage, stemmer) -> None:
    """Retrieval hands in each passage's stored terms so its words need not be stemmed again;
    wherever that is not the same (a folded legal reference), the words are stemmed."""
    analyzer = Analyzer(stemmer)
    stored = analyzer.terms(passage)
    assert analyzer.word_stems(passage, stored) == analyzer.word_stems(passage)


def test_a_compound_is_one_term_however_it_is_written() -> None:
    """ "Ibu kota" (capital) is one term, written as one word or two; a city council ("Dewan
    Kota") is no capital, and abroad ("luar negeri") is not domestic ("dalam negeri")."""
    analyzer = Analyzer()
    assert analyzer.terms("ibu kota Kanada") == analyzer.terms("Ibukota Kanada")
    assert analyzer.terms("Ibu Kota")[0] not in analyzer.terms("Dewan Kota Vancouver")
    assert not set(analyzer.terms("luar negeri")) & set(analyzer.terms("dalam negeri"))
    words, stems = analyzer.word_stems("Ibu Kota Nusantara")
    assert words == ["Ibu", "Kota", "Nusantara"]  # a reader still sees two words
    assert stems[:2] == [None, analyzer.terms("ibukota")[0]]


@pytest.mark.parametrize(
    ("question", "defines"),
    [
        ("What is BPJS Ketenagakerjaan?", True),
        ("Apa itu JKN?", True),
        ("Apa yang dimaksud dengan ganjil genap?", True),
        ("What is the capital of Indonesia?", False),  # one fact about something
        ("What is Indonesia's economic growth rate?", False),
        ("What is another name for elephantiasis?", False),
        ("Apa nama ibu kota Mongolia?", False),
    ],
)
def test_a_question_for_what_something_is(question: str, defines: bool) -> None:
    assert asks_definition(question) is defines
