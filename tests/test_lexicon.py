from __future__ import annotations

import pytest

from bot import lexicon


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("인턴제는요", "인턴제"),
        ("구직등록도", "구직등록"),
        ("장애인고용포털에서", "장애인고용포털"),
        ("취업알선의", "취업알선"),
        ("등록되는거임", "등록"),
        ("졸업하면", "졸업"),
        ("프로그램들이", "프로그램"),
        ("작성법", "작성"),
        ("제출처", "제출"),
        ("단계별로", "단계"),
    ],
    ids=lambda v: v,
)
def test_stems_reach_the_noun(word: str, stem: str) -> None:
    assert stem in lexicon.stems(word)


@pytest.mark.parametrize("word", ["제도", "아이", "지원고용", "훈련수당", "인턴"], ids=lambda v: v)
def test_short_or_plain_nouns_keep_their_form(word: str) -> None:
    assert lexicon.stems(word)[0] == word
    assert all(len(s) >= 2 for s in lexicon.stems(word))


@pytest.mark.parametrize(
    ("word", "stop"),
    [
        ("어떻게", True),
        ("있나요", True),
        ("알려주세요", True),
        ("거예요", True),
        ("곳이에요", True),
        ("시키려고", True),
        ("하는데", True),
        ("안녕하세요", True),
        ("인턴제", False),
        ("구직등록", False),
        ("한국장애인고용공단", False),
        ("훈련수당", False),
    ],
    ids=lambda v: str(v),
)
def test_stopwords(word: str, stop: bool) -> None:
    assert lexicon.is_stopword(word) is stop


@pytest.mark.parametrize(
    ("word", "predicate"),
    [("끝나고", True), ("줄여", True), ("나와요", True), ("인턴", False), ("포털", False)],
    ids=lambda v: str(v),
)
def test_predicate_shape(word: str, predicate: bool) -> None:
    assert lexicon.looks_like_predicate(word) is predicate


def test_split_words_keeps_hangul_jamo_latin_digits() -> None:
    assert lexicon.split_words("ㅇㅌㅈ, 인턴제? KEAD 1588-1519!") == [
        "ㅇㅌㅈ",
        "인턴제",
        "KEAD",
        "1588",
        "1519",
    ]
