"""Answering: short answers with verified quotes, abstention, language, follow-ups, `qa ask`.

A small real index (the ANTARA seed article plus a few sample articles) built once for the
module, with the bundled model: the answers are what a reader would get.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import (
    SEED,
    SEED_ID,
    assert_checkable,
    make_config,
    qa_env,
    run_qa,
    sample_records,
    write_jsonl,
)

from qa.analysis import Analyzer, QuestionType
from qa.answering.citations import verify_citation
from qa.answering.correctness import can_show, displayed, of_asked_kind, showable
from qa.answering.evidence import score_sentences
from qa.answering.model import load_model
from qa.answering.reader import assess, correct_probability, read
from qa.answering.spans import Candidate
from qa.answers import Answer, Citation
from qa.config import Config
from qa.index import Index
from qa.query import Query, followup_text
from qa.render import to_text
from qa.retrieval import Hit

LINES = (0, 7, 8, 23, 95, 288, 290)  # 95 says "Bandar Lampung", the seed "Bandarlampung"
OBLIGATION = "semua perusahaan diwajibkan mendaftarkan para karyawannya ke badan jaminan sosial"


def read_alone(question: str, hits: list[Hit], df, texts: dict[str, str], config: Config) -> Answer:
    """The extractive reader on hand-made hits, with no index behind it."""
    analyzer = Analyzer(config.stemmer, config.stopwords)
    query = Query.build(question, analyzer, df)
    return read(query, hits, analyzer, texts.get, load_model(), config)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    root = tmp_path_factory.mktemp("answering")
    corpus = write_jsonl(root / "few.jsonl", sample_records(LINES))
    index = Index(make_config(root / "index"))
    assert index.ingest([corpus, SEED], progress=False).ok
    yield index
    index.close()


def test_english_question_is_answered_with_the_obligation_cited(index: Index) -> None:
    answer = index.ask("What does UU 24/2011 require?")
    assert not answer.abstained and answer.lang == "en"
    first = answer.citations[0]
    assert first.n == 1 and first.article_id == SEED_ID
    assert OBLIGATION in first.quote
    assert f"{first.quote}” [1]" in to_text(answer)
    # what the law requires is the duty clause, not the law's own number ("24 Tahun 2011")
    assert answer.short_answer == OBLIGATION
    assert answer.short_confidence is None  # a rule's answer, no calibrated probability
    assert "Sources:" in to_text(answer)
    assert_checkable(index, answer)


def test_who_question_gets_a_name(index: Index) -> None:
    answer = index.ask("Siapa Sekretaris Daerah Kota Bandarlampung?")
    assert answer.short_answer == "Badri Tamam"
    assert to_text(answer).startswith("Badri Tamam [1]")
    assert answer.short_answer in answer.citations[0].quote
    assert_checkable(index, answer)


def test_what_something_is_is_answered_by_quotes_not_a_bold_span(index: Index) -> None:
    """The law's number near "BPJS Ketenagakerjaan" is no answer to what the agency is."""
    answer = index.ask("What is BPJS Ketenagakerjaan?")
    assert answer.short_answer is None
    assert answer.abstained or "Ketenagakerjaan" in answer.citations[0].quote


def test_a_misspelled_name_is_found_as_the_article_spells_it(index: Index) -> None:
    answer = index.ask("Siapa Sekretaris Daerah Kota Bandarlampun?")  # one letter short
    assert answer.short_answer == "Badri Tamam"
    assert_checkable(index, answer)


def test_an_abbreviation_finds_the_title_written_out(index: Index) -> None:
    """The seed article says "Sekretaris Daerah Kota Bandarlampung", never "Sekda"."""
    answer = index.ask("Siapa Sekda Bandarlampung?")
    assert answer.short_answer == "Badri Tamam"
    assert "Sekretaris Daerah" in answer.citations[0].quote
    assert_checkable(index, answer)


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("Who is the mayor of Bandar Lampung?", "Herman HN"),
        ("Siapa Sekda Bandar Lampung?", "Badri Tamam"),
    ],
)
def test_a_name_in_two_words_finds_the_article_that_writes_it_as_one(
    index: Index, question: str, name: str
) -> None:
    """The seed article writes "Bandarlampung"; another sample article "Bandar Lampung"."""
    answer = index.ask(question)
    assert answer.short_answer == name
    assert answer.citations[0].article_id == SEED_ID


def test_how_many_question_gets_a_number_with_its_unit(index: Index) -> None:
    answer = index.ask("Berapa pengendara yang ditilang pada hari pertama ganjil-genap?")
    assert answer.short_answer == "219 pengendara"
    assert_checkable(index, answer)


@pytest.mark.parametrize(
    ("question", "lang", "text"),
    [
        ("Siapa juara Piala Dunia sepak bola tahun 1998?", "id", "Tidak ditemukan"),
        ("Who painted the Mona Lisa?", "en", "I could not find this"),
    ],
)
def test_unrelated_question_abstains_in_its_language(
    index: Index, question: str, lang: str, text: str
) -> None:
    answer = index.ask(question)
    assert answer.abstained and answer.lang == lang
    assert to_text(answer).startswith(text)
    assert answer.citations == [] and answer.short_answer is None


def _citation(quote: str, start: int) -> Citation:
    return Citation(1, "a", "a#0", "t", None, None, None, quote, start, start + len(quote))


def test_verification_drops_what_is_not_verbatim() -> None:
    article = "Judul.\n\nBadri menegaskan kewajiban itu.\nBaca juga: Herman HN menang pemilu"
    chunk_start = 8  # the chunk is article[8:]
    chunk = article[chunk_start:]
    good = "Badri menegaskan kewajiban itu."
    assert verify_citation(_citation(good, article.index(good)), chunk, chunk_start, article)
    # Not in the chunk at all, or at the wrong offsets, or empty.
    assert not verify_citation(_citation("Badri membantah kewajiban itu.", 8), chunk, 8, article)
    assert not verify_citation(_citation(good, article.index(good) + 1), chunk, 8, article)
    assert not verify_citation(_citation("", 8), chunk, 8, article)
    assert not verify_citation(_citation(good, 2), chunk, 8, article)  # before the chunk
    assert not verify_citation(_citation(good, article.index(good)), chunk, 8, None)  # gone
    # Text after a "Baca juga" is never a source.
    linked = "Herman HN menang pemilu"
    assert not verify_citation(_citation(linked, article.index(linked)), chunk, 8, article)


def test_followup_borrows_the_previous_question(index: Index) -> None:
    first = "Apa yang dilakukan Pemkot Bandarlampung untuk UMKM?"
    analyzer = index.analyzer
    query = followup_text("Siapa wali kotanya?", [(first, None)], analyzer)
    assert "Bandarlampung" in query and "UMKM" in query
    long = "Siapa Sekretaris Daerah Kota Bandarlampung yang dimintai keterangan?"
    assert followup_text(long, [(first, None)], analyzer) == long
    answer = index.ask("Siapa wali kotanya?", history=[(first, index.ask(first))])
    assert answer.short_answer == "Herman HN"
    assert_checkable(index, answer)


def test_a_self_contained_question_is_answered_the_same_after_others(index: Index) -> None:
    question = "Siapa Sekretaris Daerah Kota Bandarlampung?"
    history = [("Apa yang dilakukan Pemkot Bandarlampung untuk UMKM?", None)]
    alone, after = index.ask(question), index.ask(question, history=history)
    assert alone == after and alone.short_answer == "Badri Tamam"


def test_qa_ask_json_prints_the_answer(index: Index) -> None:
    result = run_qa(
        "--index", index.config.index, "ask", "What does UU 24/2011 require?", "--json",
        env=qa_env(),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"answer", "short_answer", "abstained", "citations", "lang"} <= set(data)
    assert data["lang"] == "en" and not data["abstained"]
    cited = data["citations"][0]
    keys = {
        "n",
        "article_id",
        "chunk_id",
        "title",
        "date",
        "source",
        "url",
        "quote",
        "start",
        "end",
    }
    assert keys <= set(cited)
    assert OBLIGATION in cited["quote"]


def test_sentence_borrows_the_subject_from_its_neighbour() -> None:
    """The ship is named in one sentence and its passengers counted in the next ("Kapal
    tersebut ..."): with neighbouring sentences counted, that sentence outranks another ship's."""
    other = "Kapal Sinar Jaya membawa 120 penumpang."
    text = "Kapal Yo To berangkat dari Cilacap pada Senin. Kapal tersebut membawa 84 penumpang."
    hits = [
        Hit("other#0", "other", 2.0, "Kapal Sinar Jaya", other, 0, len(other)),
        Hit("yoto#0", "yoto", 1.0, "Kapal Yo To", text, 0, len(text)),
    ]
    question = "Berapa penumpang kapal Yo To?"

    def ranked(context: float) -> list[str]:
        config = make_config(Path("unused"), sentence_context=context)
        analyzer = Analyzer(config.stemmer, config.stopwords)
        query = Query.build(question, analyzer, lambda terms: (100, dict.fromkeys(terms, 1)))
        evidence = score_sentences(query, hits, analyzer, config)
        return [e.text for e in evidence]

    answer_sentence = "Kapal tersebut membawa 84 penumpang."
    assert ranked(0.5).index(answer_sentence) < ranked(0.5).index(other)
    assert ranked(0.0).index(answer_sentence) > ranked(0.0).index(other)


def test_quotes_from_another_article_need_a_higher_score() -> None:
    """A further quote from the short answer's own article is shown at a lower bar than one
    from another article: the other article's near-miss is the classic wrong citation."""
    own = "Kapal Yo To membawa 84 penumpang. Kapal Yo To berangkat dari Cilacap."
    other = "Kapal Sinar Jaya berangkat dari Cilacap."
    hits = [
        Hit("yoto#0", "yoto", 2.0, "Kapal Yo To", own, 0, len(own)),
        Hit("sinar#0", "sinar", 1.0, "Kapal Sinar Jaya", other, 0, len(other)),
    ]
    texts = {"yoto": own, "sinar": other}
    question = "Berapa penumpang kapal Yo To dari Cilacap?"

    def quoted(**ratios: float) -> list[str]:
        config = make_config(Path("unused"), abstain_shift=-1.0, **ratios)
        result = read_alone(question, hits, lambda t: (100, {}), texts, config)
        return [c.article_id for c in result.citations]

    assert quoted(second_quote_ratio=0.0, other_article_quote_ratio=0.0) == [
        "yoto",
        "yoto",
        "sinar",
    ]
    assert quoted(second_quote_ratio=0.0, other_article_quote_ratio=0.99) == ["yoto", "yoto"]
    assert quoted(second_quote_ratio=0.99, other_article_quote_ratio=0.99) == ["yoto"]


def test_abstain_shift_moves_the_bar_for_every_question() -> None:
    """`abstain_shift` (QA_ABSTAIN_SHIFT) is the user's knob on how sure an answer must be."""
    text = "Kapal Yo To membawa 84 penumpang dari Cilacap."
    hits = [Hit("yoto#0", "yoto", 1.0, "Kapal Yo To", text, 0, len(text))]
    frequencies = {"kapal": 2, "penumpang": 2, "harga": 3, "beras": 3, "surabaya": 3}

    def abstains(question: str, shift: float) -> bool:
        config = make_config(Path("unused"), abstain_shift=shift)
        df = lambda terms: (100, frequencies)  # noqa: E731
        return read_alone(question, hits, df, {"yoto": text}, config).abstained

    assert not abstains("Berapa penumpang kapal Yo To?", 0.0)
    assert abstains("Berapa penumpang kapal Yo To?", 2.0)
    assert abstains("Berapa harga beras di Surabaya?", 0.0)
    assert not abstains("Berapa harga beras di Surabaya?", -2.0)


def test_a_span_of_the_wrong_kind_is_withheld_and_the_quotes_answer() -> None:
    """A date for "who?" is never shown in bold: the quote answers, framed plainly."""
    text = "Wali Kota Bandarlampung dilantik pada Agustus 1962."
    hits = [Hit("w#0", "w", 1.0, "Wali Kota", text, 0, len(text))]
    config = make_config(Path("unused"), short_answer_shift=-1.0)  # show anything of its kind
    answer = read_alone("Siapa wali kota Bandarlampung?", hits, lambda t: (100, {}), {"w": text},
                        config)  # fmt: skip
    assert not answer.abstained and answer.short_answer is None
    assert answer.withheld is not None and "1962" in answer.withheld
    assert answer.short_confidence == 0.0
    assert to_text(answer).startswith("Menurut artikel:\n“Wali Kota Bandarlampung dilantik")


def test_a_short_answer_is_shown_only_when_probably_right() -> None:
    """The same answer, shown or withheld as the bar on its calibrated probability moves."""
    text = "Kapal Yo To membawa 84 penumpang dari Cilacap."
    hits = [Hit("yoto#0", "yoto", 1.0, "Kapal Yo To", text, 0, len(text))]

    def ask(shift: float) -> Answer:
        config = make_config(Path("unused"), short_answer_shift=shift)
        return read_alone("Berapa penumpang kapal Yo To?", hits, lambda t: (100, {}),
                          {"yoto": text}, config)  # fmt: skip

    shown, withheld = ask(-1.0), ask(1.0)
    assert shown.short_answer == "84 penumpang" and withheld.short_answer is None
    assert withheld.withheld == "84 penumpang"
    assert shown.short_confidence == withheld.short_confidence  # one probability, two bars


def test_a_duty_question_is_answered_by_the_clause_the_duty_word_opens() -> None:
    text = (
        "Menurut dia, perusahaan harus mengenkripsi data induk, serta membatasi akses. "
        "Perusahaan itu berdiri pada 2010 di Jakarta."
    )
    hits = [Hit("d#0", "d", 1.0, "Data", text, 0, len(text))]
    config = make_config(Path("unused"))

    def ask(question: str) -> Answer:
        return read_alone(question, hits, lambda t: (100, {}), {"d": text}, config)

    # the question names who bears the duty: the answer is what they must do
    assert ask("Apa yang harus dilakukan perusahaan?").short_answer == "mengenkripsi data induk"
    assert ask("What must companies do?").short_answer == "perusahaan harus mengenkripsi data induk"
    # who must, or which rule says so, is not asked by "what must ... do"
    who = ask("Siapa yang harus mengenkripsi data induk?")
    assert who.short_answer != "mengenkripsi data induk"


def test_a_how_or_why_question_gets_quotes_and_no_short_answer() -> None:
    """ "How do I ...?" and "Why ...?" are answered by a clause or a passage: no span of it is
    shown in bold, even with the bar lowered to show anything of its kind."""
    text = "Rendang dimasak dengan santan, cabai dan daging sapi selama empat jam."
    hits = [Hit("r#0", "r", 1.0, "Rendang", text, 0, len(text))]
    config = make_config(Path("unused"), short_answer_shift=-1.0)
    questions = (
        "Bagaimana cara memasak rendang?",
        "How do you cook rendang?",
        "Mengapa rendang dimasak selama empat jam?",
    )
    for question in questions:
        answer = read_alone(question, hits, lambda t: (100, {}), {"r": text}, config)
        assert not answer.abstained and answer.short_answer is None, question
        assert answer.citations[0].quote == text


@pytest.mark.parametrize(
    ("kind", "span", "fits"),
    [
        (QuestionType.WHEN, "27/8", True),  # Kompas datelines: "Sabtu (27/8)"
        (QuestionType.WHEN, "11 April 2006", True),
        (QuestionType.WHEN, "84 penumpang", False),
        (QuestionType.HOW_MANY, "12.500", True),
        (QuestionType.HOW_MANY, "27/8", False),
        (QuestionType.HOW_MANY, "tahun 2011", False),
        (QuestionType.HOW_MANY, "7-Day Repo Rate", False),  # a number in a name
        (QuestionType.HOW_MANY, "enam Oscar", True),
        (QuestionType.HOW_MANY, "Olimpiade Rio 2016", False),  # a name with a year in it
        (QuestionType.HOW_MANY, "sekitar 7 miliar dolar AS", True),
        (QuestionType.HOW_MANY, "di bawah Rp 100 juta", True),
        (QuestionType.WHO, "Agustus 1962", False),
        (QuestionType.WHO, "Badri Tamam", True),
        (QuestionType.WHO, "Kalimantan Tengah", False),  # a region: nobody
        (QuestionType.WHO, "Jalan Kihapit Timur", False),
        (QuestionType.WHO, "Gedung Promoter", False),  # a building: nobody
        (QuestionType.WHERE, "Gedung Promoter", True),
        (QuestionType.WHO, "Pemerintah Kota Medan", True),  # an organisation
        (QuestionType.WHERE, "Kalimantan Tengah", True),
        (QuestionType.WHO, "Tenggara Nur Alam", False),  # cut from "Sulawesi Tenggara ..."
        (QuestionType.WHO, "Indosiar Sabtu", False),  # a weekday is in no name
    ],
)
def test_the_kind_of_span_each_question_takes(kind: QuestionType, span: str, fits: bool) -> None:
    assert of_asked_kind(kind, span) is fits


def test_a_price_question_takes_an_amount_of_money() -> None:
    """ "What does a ticket cost?" is not answered by a percentage, a count or a year of the
    article, however sure the span scorer is; an amount in rupiah or dollars can be shown."""
    text = (
        "Penumpang pesawat Jakarta-Bali naik 49 persen pada 2017. Harga tiket pesawat "
        "Jakarta-Bali pulang pergi mulai Rp 1.200.000 per orang."
    )
    hits = [Hit("t#0", "t", 1.0, "Tiket", text, 0, len(text))]
    config = make_config(Path("unused"), short_answer_shift=-1.0)
    for question in ("Berapa harga tiket pesawat Jakarta-Bali?", "How much does a ticket cost?"):
        answer = read_alone(question, hits, lambda t: (100, {}), {"t": text}, config)
        assert answer.short_answer is None or "Rp" in answer.short_answer, question
    analyzer = Analyzer(config.stemmer, config.stopwords)
    price = Query.build("Berapa harga tiket pesawat?", analyzer, lambda t: (100, {}))
    rise = Query.build("Berapa persen kenaikan harga tiket?", analyzer, lambda t: (100, {}))
    assert showable(price, "Rp 1.200.000") and not showable(price, "49 persen")
    assert showable(rise, "49 persen")  # a rise in prices, asked in percent
    fines = ("How much is the fine for breaking the odd-even rule?", "Berapa dendanya?")
    for question in (*fines, "Berapa nilai ekspor mutiara itu?"):
        fine = Query.build(question, analyzer, lambda t: (100, {}))  # a fine is money too
        assert showable(fine, "Rp 500.000") and not showable(fine, "219 pengendara"), question


def assessed(question: str, text: str) -> tuple[Query, list[Candidate]]:
    """The question and the short-answer candidates the reader finds in `text` alone."""
    config = make_config(Path("unused"))
    analyzer = Analyzer(config.stemmer, config.stopwords)
    query = Query.build(question, analyzer, lambda t: (100, {}))
    hits = [Hit("p#0", "p", 1.0, "PON", text, 0, len(text))]
    found = assess(query, hits, analyzer, load_model(), config)
    assert found is not None
    return query, found.candidates


def candidates_for(question: str, text: str) -> list[str]:
    return [c.text for c in assessed(question, text)[1]]


def showable_for(question: str, text: str) -> set[str]:
    """The candidates that could be shown as the short answer (`can_show`)."""
    query, candidates = assessed(question, text)
    return {c.text for c in candidates if can_show(query, c)}


@pytest.mark.parametrize(
    ("question", "text", "spelled"),
    [
        (
            "Siapa atlet yang pingsan di PON XIX?",
            "Atlet bernama Siswo pingsan di Pekan Olahraga Nasional (PON) XIX di Pangandaran.",
            "Pekan Olahraga Nasional",
        ),
        (
            "Siapa Kepala PT KAI Divre II?",
            "Kepala PT Kereta Api Indonesia Divre II, Sulthon Hasanudin, menjelaskan penyebabnya.",
            "Kereta Api Indonesia",
        ),
        (
            "What is Markobar's revenue?",
            "Ia menceritakan bisnis Martabak Kota Barat (Markobar) yang memiliki 21 gerai.",
            "Martabak Kota Barat",
        ),
        (  # ... nor is the question's own words abbreviated
            "Siapakah Kepala Kebun Raya Cibodas?",
            "Kepala KRC, Ir Holif Immamudin, mengatakan kebun itu berumur 153 tahun.",
            "KRC",
        ),
        (
            "Karena tidak mendapat pasokan apa PT Pupuk Iskandar Muda berhenti beroperasi?",
            "PIM berhenti beroperasi karena tidak mendapat pasokan gas alam cair.",
            "PIM",
        ),
    ],
)
def test_a_long_or_short_form_of_the_questions_own_term_is_no_answer(
    question: str, text: str, spelled: str
) -> None:
    assert spelled not in candidates_for(question, text)


def test_the_long_form_answers_what_an_abbreviation_stands_for() -> None:
    text = "Atlet bernama Siswo pingsan di Pekan Olahraga Nasional (PON) XIX di Pangandaran."
    assert "Pekan Olahraga Nasional" in candidates_for("Apa kepanjangan PON?", text)


def test_an_age_in_brackets_answers_only_how_old() -> None:
    """News writes a person's age after the name: "Takeru Kobayashi (38)" says how old he
    is, not how many portions he ate; and a number's unit follows it with only a space."""
    text = "Takeru Kobayashi (38) layaknya bintang iklan menghabiskan 22 porsi mie instan."
    eaten = candidates_for("Berapa porsi mie instan yang dihabiskan Takeru Kobayashi?", text)
    assert "38" not in eaten and not any(c.startswith("38)") for c in eaten)
    assert "22 porsi" in eaten
    assert "38" in candidates_for("Berapa umur Takeru Kobayashi?", text)
    # only the number after the name: a name that opens the sentence stays a candidate
    opening = "Budiman (38) tinggal di Jakarta sejak 2001."
    assert "Budiman" in candidates_for("Siapa yang tinggal di Jakarta?", opening)


def test_a_number_joined_to_a_word_is_part_of_a_name() -> None:
    """ "BI 7-day Reverse Repo Rate" names a rate; its "7-day" counts nothing."""
    text = "BI menahan suku bunga acuan (BI 7-day Reverse Repo Rate) di level 4,75 persen."
    shown = showable_for("Berapa suku bunga acuan BI?", text)
    assert "4,75 persen" in shown and not any("7-day" in c for c in shown)


def test_a_dateline_is_never_the_short_answer() -> None:
    """ "Palu (ANTARA News) - ": where the story was filed and who filed it. Its spans stay
    candidates (rivals of the others) but are never shown, however they score."""
    text = "Palu (ANTARA News) - Taman Nasional Lore Lindu mengembangkan dua objek wisata."
    query, candidates = assessed("Siapa yang mengembangkan objek wisata?", text)
    byline = [c for c in candidates if c.byline]
    assert "Palu (ANTARA News)" in {c.text for c in byline}
    assert all(c.start < text.index(" - ") for c in byline)
    others = [c for c in candidates if not c.byline]
    assert correct_probability(query, byline + others, load_model()) == 0.0


@pytest.mark.parametrize(
    "dateline", ["Suara.com - ", "Jakarta, CNN Indonesia -- ", "Medan, Kompas - "]
)
def test_a_dateline_without_brackets_is_no_answer_and_no_part_of_one(dateline: str) -> None:
    """Other outlets write the dateline without brackets; a name run on from it shows
    without it ("Presiden Susilo Bambang Yudhoyono", not "Kompas - Presiden ...")."""
    text = dateline + "Presiden Susilo Bambang Yudhoyono memimpin rapat kabinet terbatas."
    query, candidates = assessed("Siapa yang memimpin rapat kabinet?", text)
    shown = [c for c in candidates if can_show(query, c)]
    assert any(c.text.endswith("Susilo Bambang Yudhoyono") for c in shown)
    assert all(c.start >= len(dateline) for c in shown)
    assert all(not c.byline for c in candidates if c.start >= len(dateline))


def test_a_name_in_quotation_marks_is_no_who_answer() -> None:
    """'tim "Juku Eja"' is a team's nickname, not its coach: a quoted name is never shown
    for "who" (the name beside it can be), while it may answer what a team is called."""
    text = 'Posisi tim "Juku Eja" membuat pelatih Robert Alberts optimistis menatap laga.'
    coach = showable_for("Siapa pelatih PSM?", text)
    assert "Juku Eja" not in coach and "Robert Alberts" in coach
    assert "Juku Eja" in showable_for("Apa julukan tim PSM?", text)


def test_the_end_of_a_bodys_name_is_no_who_answer() -> None:
    """ "Pertanian" of "Kementerian Pertanian" is left when "Menteri" is trimmed off: no
    minister. A sentence's first word may still answer who ("Perusahaan wajib ...")."""
    ministries = "Isu itu melibatkan Kementerian Kesehatan dan Kementerian Pertanian di Jakarta."
    assert "Pertanian" not in showable_for("Siapa Menteri Kesehatan?", ministries)
    duty = "Perusahaan wajib mendaftarkan karyawan ke BPJS Ketenagakerjaan."
    assert "Perusahaan" in showable_for("Siapa yang wajib mendaftarkan karyawan?", duty)


def test_a_head_count_is_never_answered_by_a_measure() -> None:
    """ "Berapa korban gempa?" counts people: the quake's magnitude and depth are numbers
    near its words, never its answer; a question for the magnitude may still get it."""
    text = "Gempa 6,4 Skala Richter berkedalaman 10 km itu menewaskan 16 orang di Lombok."
    victims = showable_for("Berapa korban gempa Lombok?", text)
    assert "16" in victims and not any("6,4" in c or "10" in c for c in victims)
    assert not any("Skala" in c for c in showable_for("How many people died in Lombok?", text))
    assert any("6,4" in c for c in showable_for("Berapa kekuatan gempa Lombok?", text))


def test_an_acronym_alone_never_holds_an_office() -> None:
    """ "Siapa Menteri Luar Negeri?" asks for a person: "ASEAN" is a body near the title.
    A body may still answer who did something."""
    text = "Menteri Luar Negeri Retno Marsudi membuka pertemuan ASEAN di Jakarta."
    minister = showable_for("Siapa Menteri Luar Negeri?", text)
    assert "ASEAN" not in minister and "Retno Marsudi" in minister
    body = "Pertemuan itu digelar oleh ASEAN di Jakarta."
    assert "ASEAN" in showable_for("Siapa yang menggelar pertemuan itu?", body)


def test_a_title_or_a_kind_of_place_without_its_name_is_no_answer() -> None:
    """ "Para Direktur Eksekutif Bank Dunia" names no president, and a sentence cut after
    "di Stasiun" names no station: neither is shown for "who" or "where"."""
    board = "Para Direktur Eksekutif Bank Dunia menunjuk kembali Jim Yong Kim sebagai presiden."
    president = showable_for("Siapa presiden Bank Dunia?", board)
    assert "Direktur Eksekutif" not in president and "Jim Yong Kim" in president
    cut = "Kereta api pengangkut semen terguling di Stasiun"
    assert "Stasiun" not in showable_for("Di mana kereta semen terguling?", cut)
    named = "Kereta api pengangkut semen terguling di Stasiun Pauh."
    assert "Stasiun Pauh" in showable_for("Di mana kereta semen terguling?", named)


def test_how_long_and_how_old_are_answered_in_years_not_read_as_dates() -> None:
    """ "12 tahun" answers "Sudah berapa lama ...?" and "How old ...?"; for a plain count it
    stays no answer (as in "Nomor 12 Tahun 2005")."""
    text = "Kasparov (54) kembali bertanding setelah 12 tahun pensiun dari catur."
    assert "12 tahun" in showable_for("Sudah berapa lama Kasparov pensiun?", text)
    assert "12 tahun" in showable_for("How long was Kasparov retired?", text)
    assert "12 tahun" not in showable_for("Berapa jumlah pertandingan Kasparov?", text)


def test_a_time_of_day_answers_jam_berapa_and_a_date_does_not() -> None:
    text = "Kebakaran pada Senin (3/10) itu terjadi sekitar pukul 13.45 WIB di Kamal."
    shown = showable_for("Jam berapa kebakaran itu terjadi?", text)
    assert "3/10" not in shown and any("13.45" in c for c in shown)
    assert "3/10" in showable_for("Kapan kebakaran itu terjadi?", text)


def test_an_office_holder_shows_without_the_body_or_place_before_the_name() -> None:
    """ "Ketua DPR RI Setya Novanto" for "Siapa Ketua DPR?" leaves "RI Setya Novanto" once
    the question's words are trimmed; the reader shows "Setya Novanto". A company keeps its
    "PT", and a question that does not ask for an office holder sees the span as it is."""
    text = "Ketua DPR RI Setya Novanto tidak memenuhi panggilan PT Freeport Indonesia."
    query, candidates = assessed("Siapa Ketua DPR?", text)
    span = next(c for c in candidates if c.text == "RI Setya Novanto")
    assert displayed(query, span) == "Setya Novanto"
    company = next(c for c in candidates if c.text.startswith("PT Freeport"))
    assert displayed(query, company) == company.text
    other, _ = assessed("Siapa yang tidak memenuhi panggilan?", text)
    assert displayed(other, span) == "RI Setya Novanto"


def test_a_who_answer_shows_the_name_without_where_it_was_said() -> None:
    """The name generator runs "Djoko Kirmanto di Jakarta" together (the scorer was fit on
    such spans); the reader shows "Djoko Kirmanto" for "who", and a place question keeps the
    span whole."""
    text = "Menteri Pekerjaan Umum Djoko Kirmanto di Jakarta, Senin, meresmikan jalan tol itu."
    hits = [Hit("m#0", "m", 1.0, "Tol", text, 0, len(text))]
    config = make_config(Path("unused"), short_answer_shift=-1.0)
    answer = read_alone(
        "Siapa Menteri Pekerjaan Umum?", hits, lambda t: (100, {}), {"m": text}, config
    )
    assert answer.short_answer == "Djoko Kirmanto"
    _, candidates = assessed("Di mana Djoko Kirmanto meresmikan jalan tol?", text)
    whole = next(c for c in candidates if c.text.endswith(" di Jakarta"))
    assert whole.shown(QuestionType.WHERE) == whole.text
    assert whole.shown(QuestionType.WHO) == whole.text.removesuffix(" di Jakarta")


def test_a_name_with_its_bracketed_short_form_keeps_the_closing_bracket() -> None:
    text = "Mohamed ElBaradei memimpin Badan Tenaga Atom Internasional (IAEA) sejak 1997."
    found = candidates_for("Kepala badan apakah Mohamed ElBaradei?", text)
    assert "Tenaga Atom Internasional (IAEA)" in found  # "badan" is the question's
    assert not any(c.endswith("(IAEA") for c in found)
