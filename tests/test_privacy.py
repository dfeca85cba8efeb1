"""bot.privacy: what is masked before a question is stored, and what stays."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.privacy import LOG_TEXT_LIMIT, mask, normalise_for_log

MASKED = [
    ("900101-1234567", "<주민번호>", "rrn-dash"),
    ("900101 1234567", "<주민번호>", "rrn-space"),
    ("9001011234567", "<주민번호>", "rrn-plain"),
    ("900101-1******", "<주민번호>", "rrn-hidden-tail"),
    ("제 주민번호는 900101-2345678 입니다", "제 주민번호는 <주민번호> 입니다", "rrn-in-sentence"),
    ("hong.gildong+job@naver.com 으로 보내 주세요", "<이메일> 으로 보내 주세요", "email"),
    ("메일: 홍길동@회사.kr", "메일: <이메일>", "email-hangul"),
    ("010-1234-5678", "<전화번호>", "mobile-dashes"),
    ("01012345678", "<전화번호>", "mobile-plain"),
    ("010 1234 5678", "<전화번호>", "mobile-spaces"),
    ("010.1234.5678", "<전화번호>", "mobile-dots"),
    ("010 - 1234 - 5678", "<전화번호>", "mobile-spaced-dashes"),
    ("011-123-4567", "<전화번호>", "old-mobile"),
    ("02-123-4567", "<전화번호>", "seoul"),
    ("(02)1234-5678", "<전화번호>", "seoul-parenthesised"),
    ("031 123 4567", "<전화번호>", "regional-spaces"),
    ("070-1234-5678", "<전화번호>", "internet-phone"),
    ("+82 10-1234-5678", "<전화번호>", "international-mobile"),
    ("+821012345678", "<전화번호>", "international-plain"),
    ("+82-2-123-4567", "<전화번호>", "international-seoul"),
    ("1588-1519", "<전화번호>", "four-four"),
    ("1577 0199", "<전화번호>", "four-four-space"),
    ("연락처 010-1234-5678로 전화 주세요", "연락처 <전화번호>로 전화 주세요", "phone-in-sentence"),
    ("계좌 123-456789-01-234", "계좌 <숫자>", "account-number"),
    ("카드 1234 5678 9012 3456", "카드 <숫자>", "card-number"),
    ("등록번호 123456", "등록번호 <숫자>", "six-digits"),
    ("생일 1990.01.01", "생일 <숫자>", "birth-date"),
    ("0101234567890123", "<숫자>", "too-long-for-a-phone"),
    ("고3 010-1234-5678 2024년", "고3 <전화번호> 2024년", "phone-between-short-numbers"),
]

KEPT = [
    ("고3 학생도 신청할 수 있나요", "grade"),
    ("2024년 인턴제", "year"),
    ("지원금 30% 인상", "percent"),
    ("5명 이상 사업장", "count"),
    ("109 자살예방 상담전화", "hotline"),
    ("12345", "five-digits"),
    ("월 1,000,000원", "amount-with-commas"),
    ("3. 15일까지", "short-date"),
    ("ㅇㅌㅈ 인턴제 dlsxjswp", "no-numbers"),
]


@pytest.mark.parametrize(("text", "expected"), [c[:2] for c in MASKED], ids=[c[2] for c in MASKED])
def test_mask_replaces_personal_numbers(text: str, expected: str) -> None:
    assert mask(text) == expected


@pytest.mark.parametrize("text", [c[0] for c in KEPT], ids=[c[1] for c in KEPT])
def test_mask_keeps_short_meaningful_numbers(text: str) -> None:
    assert mask(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  구직등록   010-1234-5678 ", "구직등록 <전화번호>"),
        ("０１０-１２３４-５６７８", "<전화번호>"),
        ("010\u200b1234\u200b5678", "<전화번호>"),
        ("INTERN 인턴제", "intern 인턴제"),
    ],
    ids=["spaces", "full-width-digits", "zero-width-separators", "lowercase"],
)
def test_normalise_for_log_masks_and_normalises(text: str, expected: str) -> None:
    assert normalise_for_log(text) == expected


def test_normalise_for_log_truncates() -> None:
    assert len(normalise_for_log("가" * 2000)) == LOG_TEXT_LIMIT


# Text made of the characters personal numbers are written with, so hypothesis finds near misses.
PIECES = st.sampled_from(
    [
        "0",
        "1",
        "5",
        "8",
        "9",
        "010",
        "1234",
        "82",
        "+",
        "-",
        ".",
        " ",
        "*",
        "@",
        "a",
        "가",
        "(",
        ")",
        "\u200b",
    ]
)
TEXT = st.one_of(st.text(), st.lists(PIECES, max_size=40).map("".join))


@settings(deadline=None)
@given(TEXT)
def test_no_long_digit_run_survives_mask(text: str) -> None:
    masked = mask(text)
    assert not re.search(r"\d{6}", masked)
    assert not re.search(r"\d{6}", normalise_for_log(text))


@settings(deadline=None)
@given(TEXT)
def test_mask_is_idempotent(text: str) -> None:
    assert mask(mask(text)) == mask(text)
