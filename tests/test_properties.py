"""Properties of the core that must hold for any input a public bot receives."""

from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import korean
from bot.answers import Assistant, Outcome

HANGUL = st.text(st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), max_size=12)
JAMO = st.text(st.characters(min_codepoint=0x3131, max_codepoint=0x3163), max_size=12)
PIECES = ["인턴제", "구직", "등록", "ㅇㅌㅈ", "dlsxjswp", " ", "<b>", "&", "\u200b", "😀"]
MESSAGES = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(PIECES)).map("".join),
    HANGUL,
    JAMO,
)
SETTINGS = settings(
    deadline=None, max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(MESSAGES)
def test_any_message_gets_a_reply_with_safe_buttons(assistant: Assistant, message: str) -> None:
    reply = assistant.respond(message)
    assert reply.outcome in set(Outcome)
    assert reply.text().strip()
    for button in reply.flat_buttons():
        assert button.text
        assert (button.url is None) != (button.data is None)
        if button.data is not None:
            assert button.data.isascii() and len(button.data.encode()) <= 64
        if button.url is not None:
            assert button.url.startswith(("https://", "http://"))


@SETTINGS
@given(MESSAGES)
def test_search_is_deterministic(assistant: Assistant, message: str) -> None:
    assert assistant.search(message) == assistant.search(message)


@SETTINGS
@given(MESSAGES)
def test_answers_quote_the_knowledge_only(assistant: Assistant, message: str) -> None:
    reply = assistant.respond(message)
    if reply.outcome == Outcome.ANSWER:
        known = {p for s in assistant.catalog.sections.values() for p in s.paragraphs}
        assert all(p in known for block in reply.blocks for p in block.paragraphs)


@SETTINGS
@given(st.text(max_size=200))
def test_any_action_opens_something(assistant: Assistant, action: str) -> None:
    assert assistant.open(action).flat_buttons()


@settings(deadline=None, max_examples=300)
@given(st.text(max_size=100))
def test_normalize_is_idempotent_nfc_and_has_no_invisible_characters(text: str) -> None:
    once = korean.normalize(text)
    assert korean.normalize(once) == once
    assert unicodedata.is_normalized("NFC", once)
    assert not any(unicodedata.category(c) in ("Cf", "Cc") for c in once)


@settings(deadline=None, max_examples=300)
@given(HANGUL)
def test_keyboard_round_trip(text: str) -> None:
    assert korean.qwerty_to_hangul(korean.hangul_to_qwerty(text)) == text
