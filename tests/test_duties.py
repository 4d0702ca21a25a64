"""Duty questions and the clause that answers them."""

import pytest

from qa.answering.duties import asks_duty, duty_clause

SEED_SENTENCE = (
    "Di sisi lain, Badri menegaskan bahwa semua perusahaan diwajibkan mendaftarkan para "
    "karyawannya ke badan jaminan sosial guna menjamin keselamatan kerja pegawainya sebagaimana "
    "yang tertuang dalam UU 24 Tahun 2011 tentang BPJS Ketenagakerjaan."
)


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("What does UU 24/2011 require?", True),
        ("What must companies do under the law?", True),
        ("Apa yang diwajibkan UU 24/2011?", True),
        ("Apa kewajiban perusahaan menurut UU 24/2011?", True),
        ("Menurut Wiranto, apa yang harus dilakukan pendemo?", True),
        ("Which law requires companies to register their employees?", False),
        ("Siapa yang diwajibkan mendaftarkan karyawannya?", False),
        ("Apakah perusahaan wajib mendaftarkan karyawannya?", False),  # yes or no
        ("What is the capital of Canada?", False),
    ],
)
def test_what_a_duty_question_is(question: str, asks: bool) -> None:
    assert asks_duty(question) is asks


def clause(sentence: str, question: str) -> str | None:
    span = duty_clause(sentence, question)
    return None if span is None else sentence[span[0] : span[1]]


def test_the_clause_ends_where_the_sentence_turns_to_purpose_or_source() -> None:
    assert clause(SEED_SENTENCE, "What does UU 24/2011 require?") == (
        "semua perusahaan diwajibkan mendaftarkan para karyawannya ke badan jaminan sosial"
    )


def test_who_bears_the_duty_is_left_out_when_the_question_names_them() -> None:
    assert clause(SEED_SENTENCE, "Apa yang wajib dilakukan perusahaan?") == (
        "mendaftarkan para karyawannya ke badan jaminan sosial"
    )


def test_wajib_as_a_noun_states_no_duty() -> None:
    assert clause("Jumlah wajib pajak naik 10 persen tahun ini.", "Apa kewajiban warga?") is None
    assert clause("Ia menjalani wajib militer tahun depan.", "What must he do?") is None
    assert clause("Wajib pajak wajib melaporkan SPT sebelum 31 Maret.", "Apa kewajiban?") == (
        "Wajib pajak wajib melaporkan SPT sebelum 31 Maret"
    )


def test_a_long_clause_is_cut_and_an_empty_one_is_none() -> None:
    long = "Warga harus " + " ".join(f"kata{k}" for k in range(30)) + "."
    assert len(clause(long, "What must residents do?").split()) == 2 + 16  # "Warga harus" ...
    assert clause("Semua berkas harus, kata dia.", "Apa yang harus dilakukan?") is None
