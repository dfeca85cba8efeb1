from __future__ import annotations

import pytest

from bot.answers import Assistant
from bot.search import Index


@pytest.fixture(scope="module")
def index(assistant: Assistant) -> Index:
    return assistant.index


def section_numbers(index: Index, text: str, field: str | None = None) -> set[str]:
    term = index.terms[text]
    return {
        index.targets[t].section.number for t, (_, f) in term.postings.items() if field is None or f == field
    }


@pytest.mark.parametrize(
    ("tag", "number"),
    [
        ("훈련수당", "4"),  # no section text explains it: the editor's alias places it
        ("훈련준비금", "4"),
        ("훈련보조금", "4"),
        ("정규직전환지원금", "5"),
        ("사업주", "2"),  # found in section 2's text
    ],
    ids=lambda v: v,
)
def test_tags_lead_to_the_section_that_explains_them(index: Index, tag: str, number: str) -> None:
    assert number in section_numbers(index, tag)
    assert "0" not in section_numbers(index, tag, "tag")


def test_a_tag_naming_the_article_subject_leads_to_the_overview(index: Index) -> None:
    assert section_numbers(index, "장애인취업알선", "alias") == {"0"}
    assert section_numbers(index, "장애인취업알선", "tag") == set()


@pytest.mark.parametrize("word", ["장애인", "장애인은", "취업", "등록", "지원"], ids=lambda v: v)
def test_words_that_name_no_program_are_generic(index: Index, word: str) -> None:
    assert index.terms[word].generic


@pytest.mark.parametrize("word", ["인턴제", "훈련수당", "맞춤정보", "구직신청서"], ids=lambda v: v)
def test_program_words_are_not_generic(index: Index, word: str) -> None:
    assert not index.terms[word].generic


@pytest.mark.parametrize(
    ("word", "term"),
    [
        ("인턴재", "인턴제"),
        ("포탈", "포털"),
        ("쥰련수당", "훈련수당"),
        ("맟춤정보", "맞춤정보"),
        ("취업성공팩키지", "취업성공패키지"),
    ],
    ids=lambda v: v,
)
def test_typing_slips_find_the_key(index: Index, word: str, term: str) -> None:
    found = {t.text for t, _ in index.typos(word, word)}
    if term not in index.terms or not index.terms[term].strong:
        found |= {t.text for t, _ in index.contained(word, word)}
    assert term in found or any(term in f for f in found)


@pytest.mark.parametrize("word", ["대학생", "청년", "창업"], ids=lambda v: v)
def test_different_words_are_not_typing_slips(index: Index, word: str) -> None:
    assert not index.typos(word, word)


@pytest.mark.parametrize(
    ("initials", "term"),
    [("ㅇㅌㅈ", "인턴제"), ("ㄱㅈㄷㄹ", "구직등록"), ("ㅎㄹㅅㄷ", "훈련수당"), ("ㄱㅇㅍㅌ", "고용포털")],
    ids=lambda v: v,
)
def test_initials_find_keys(index: Index, initials: str, term: str) -> None:
    assert term in {t.text for t, _ in index.by_initials(initials)}


def test_two_initials_are_too_ambiguous(index: Index) -> None:
    assert index.by_initials("ㅎㅇ") == []


@pytest.mark.parametrize(
    ("part", "key"), [("포털", "장애인고용포털"), ("신청서", "구직신청서")], ids=lambda v: v
)
def test_head_or_tail_of_a_key_matches_it(index: Index, part: str, key: str) -> None:
    assert key in {t.text for t, _ in index.contained(part, part)}


def test_middle_fragments_of_short_keys_do_not_match(index: Index) -> None:
    assert "취업알선" not in {t.text for t, _ in index.contained("업알", "업알")}
