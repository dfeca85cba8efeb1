"""Mask personal numbers and addresses in a question before anything stores it.

What the question log keeps must not identify anyone: 주민등록번호, e-mail
addresses, phone numbers and any other long run of digits (account, card,
case or registration numbers) are replaced by a placeholder. Short numbers
that carry meaning (고3, 2024년, 30%, 5명, 109) stay.
"""

from __future__ import annotations

import re

from bot import korean

LOG_TEXT_LIMIT = 500

RRN = "<주민번호>"
EMAIL = "<이메일>"
PHONE = "<전화번호>"
NUMBER = "<숫자>"

# Between two groups of digits: "-", ".", "/" or ")" with a space either side, or one space.
# The two branches never match the same text, so a failing match cannot backtrack badly.
_SEP = r"(?:\s?[-./)]\s?|\s)?"

# 6 digits, "-" or a space, 7 digits; the last 6 may be hidden (900101-1******).
_RRN = re.compile(r"(?<!\d)\d{6}(?:\s?-\s?|\s)?\d[\d*]{6}(?![\d*])")
# The lookbehind makes a match start only where a run of address characters starts.
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(
    r"(?:\+\s?82" + _SEP + r"0?|(?<![\d+])\(?0)"  # +82 (the leading 0 is optional) or a leading 0
    r"(?:1[016789]|2|[3-6][1-5]|70|50[2-8]?|80)"  # mobile, Seoul, regions, 070, 050x, 080
     + _SEP + r"\d{3,4}" + _SEP + r"\d{4}(?!\d)"
    r"|(?<![\d+])1[568]\d\d" + _SEP + r"\d{4}(?!\d)"  # 1588-1519 style numbers
)
_LONG_NUMBER = re.compile(r"(?<!\d)\d(?:" + _SEP + r"\d){5,}")


def mask(text: str) -> str:
    """Text with 주민등록번호, e-mail addresses, phone numbers and 6+ digit runs replaced."""
    text = _RRN.sub(RRN, text)
    text = _EMAIL.sub(EMAIL, text)
    text = _PHONE.sub(PHONE, text)
    return _LONG_NUMBER.sub(NUMBER, text)


def normalise_for_log(text: str) -> str:
    """The form a question is stored in: masked, normalised, at most 500 characters.

    Normalising first as well removes invisible characters (zero-width spaces)
    that could otherwise split a phone number into short, unmasked runs.
    """
    return korean.normalize(mask(korean.normalize(text)))[:LOG_TEXT_LIMIT]
