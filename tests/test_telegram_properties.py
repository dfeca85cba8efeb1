"""Properties of what the Telegram front end sends, for any text a user may write.

The core's own properties (a reply for anything, safe buttons, determinism) are in
tests/test_properties.py; these check the last step, bot/telegram_render.py, against
Telegram's rules as tests/fake_telegram.py enforces them: HTML in Telegram's dialect with
everything escaped, at most 4,096 UTF-16 units a message, callback data of 1-64 bytes.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import InputTextMessageContent

from bot.answers import Assistant, Block, Button, Outcome, Reply
from bot.telegram_render import MAX_MESSAGE, inline_results, keyboard, render_chunks, render_html
from tests.fake_telegram import FakeTelegram, parse_html, utf16_len

CHAT = 1001
# Every tag Telegram's HTML accepts (https://core.telegram.org/bots/api#html-style).
TELEGRAM_TAGS = frozenset(
    "b strong i em u ins s strike del span tg-spoiler a code pre blockquote tg-emoji".split()
)
ESCAPE = re.compile(r"&(?!(?:amp|lt|gt|quot);)")
PIECES = ["인턴제", "구직등록", "ㅇㅌㅈ", "<b>", "</i>", "&amp;", *'&<>"\n 😀\u200b']
MESSAGES = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
)
# Text for synthetic replies: markup characters, line breaks, spaces, emoji (2 UTF-16 units).
PARAGRAPH = st.text(
    alphabet=st.one_of(
        st.sampled_from("<>&\"' \n가나다ab😀\u200b"), st.characters(exclude_categories=["Cs"])
    ),
    max_size=3000,
)
LONG = st.builds(
    lambda unit, times: unit * times,
    st.sampled_from(["가", "😀", "<&>", "a b ", "줄\n", "😀 "]),
    st.integers(1, 9000),
)
SETTINGS = settings(
    deadline=None, max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


class TagChecker(HTMLParser):
    """Collects problems: tags outside Telegram's set, unbalanced or misnested tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            self.problems.append(f"<{tag}> is not Telegram HTML")
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.problems.append(f"</{tag}> closes nothing open")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.problems.append(f"<{tag}/> is not Telegram HTML")


def assert_telegram_html(chunk: str) -> str:
    """The chunk is Telegram HTML with every text escaped; returns the text a user sees."""
    checker = TagChecker()
    checker.feed(chunk)
    checker.close()
    assert checker.problems == [] and checker.open == [], (checker.problems, checker.open)
    outside_tags = re.sub(r"</?[a-z-]+>", "", chunk)
    assert "<" not in outside_tags and ">" not in outside_tags, "unescaped angle bracket"
    assert not ESCAPE.search(outside_tags), "unescaped ampersand"
    text, _ = parse_html(chunk)  # Telegram's parser, as the fake has it: raises where Telegram would
    return text


def assert_sendable(reply: Reply) -> list[str]:
    """Every message of the reply passes the fake's sendMessage checks; their texts."""
    tg = FakeTelegram()  # never started: only its Bot API methods, called directly
    tg.add_chat(CHAT)
    chunks = render_chunks(reply)
    markup = keyboard(reply)
    texts = []
    for number, chunk in enumerate(chunks, 1):
        seen = assert_telegram_html(chunk)
        assert 0 < utf16_len(seen.strip()) <= MAX_MESSAGE
        params: dict[str, Any] = {"chat_id": CHAT, "text": chunk, "parse_mode": "HTML"}
        if markup is not None and number == len(chunks):
            params["reply_markup"] = markup.to_dict()
        texts.append(tg.api_sendMessage(params)["text"])
    return texts


def without_spaces(text: str) -> str:
    return "".join(text.split())


@SETTINGS
@given(MESSAGES)
def test_any_message_is_answered_in_valid_telegram_messages(assistant: Assistant, message: str) -> None:
    reply = assistant.respond(message)
    texts = assert_sendable(reply)
    assert texts and without_spaces("".join(texts)) == without_spaces(reply.text())


@SETTINGS
@given(MESSAGES)
def test_inline_results_pass_telegrams_checks(assistant: Assistant, message: str) -> None:
    tg = FakeTelegram()
    update_id = tg.inline_query(message)
    results = inline_results(assistant.inline(message))
    query_id = tg.get_update(update_id)["inline_query"]["id"]
    assert tg.api_answerInlineQuery({"inline_query_id": query_id, "results": [r.to_dict() for r in results]})
    for result in results:
        assert 1 <= len(result.id.encode("utf-8")) <= 64
        content = result.input_message_content
        assert isinstance(content, InputTextMessageContent)
        assert_telegram_html(content.message_text)


@st.composite
def replies(draw: st.DrawFn) -> Reply:
    """Synthetic replies: any text in titles, paragraphs and note; some very long."""
    blocks = draw(
        st.lists(
            st.builds(
                Block,
                st.text(max_size=120),
                st.lists(st.one_of(PARAGRAPH, LONG), max_size=6).map(tuple),
            ),
            min_size=1,
            max_size=4,
        )
    )
    label = st.text(min_size=1, max_size=30).filter(str.strip)  # labels come from config: never blank
    data = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=40)
    row = st.lists(st.builds(Button, label, data=data), min_size=1, max_size=3).map(tuple)
    buttons = draw(st.lists(row, max_size=4).map(tuple))
    reply = Reply(Outcome.ANSWER, blocks=tuple(blocks), note=draw(st.text(max_size=200)), buttons=buttons)
    if not reply.text().strip():
        reply = Reply(Outcome.ANSWER, blocks=(Block("제목"),), buttons=reply.buttons)
    return reply


@settings(deadline=None, max_examples=120)
@given(replies())
def test_any_reply_is_cut_into_valid_messages_losing_nothing(reply: Reply) -> None:
    texts = assert_sendable(reply)
    assert without_spaces("".join(texts)) == without_spaces(reply.text())  # cuts drop only spaces
    assert without_spaces(parse_html(render_html(reply))[0]) == without_spaces(reply.text())
    markup = keyboard(reply)
    sent = [b for row in (markup.inline_keyboard if markup else ()) for b in row]
    fitting = [b for b in reply.flat_buttons() if 1 <= len((b.data or "").encode("utf-8")) <= 64]
    assert [b.callback_data for b in sent] == [b.data for b in fitting]  # only refused ones left out
