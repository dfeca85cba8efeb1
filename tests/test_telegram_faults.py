"""A failing Telegram, awkward input and a button pressed fifty times, end to end.

The real Application polls tests.fake_telegram, which breaks requests on demand. Fault model:

- refused before acting (HTTP 500/502, 429 with retry_after, a connection reset, a body
  that is not JSON, a timeout before the server looked at the request): the bot retries by
  itself and every update gets exactly one answer, nothing lost, nothing doubled;
- acted, then timed out (`timeout_after_act`): the bot cannot know the request took effect
  and retries. A sent message then arrives twice (one duplicate, never a loss); an edit or a
  callback answer is refused the second time and that refusal is taken as done; a poll is
  simply asked again, since only the next poll confirms its updates.

"Exactly once" is checked after a sentinel (/help) in every chat has been answered: one
chat's updates are handled in order, so nothing of the earlier ones can still be in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from telegram.request import HTTPXRequest

from bot import telegram_render
from bot.answers import Assistant, Reply
from bot.config import FloodSettings
from bot.flood import FloodLimiter
from bot.telegram_app import TelegramApp
from tests import harness
from tests.fake_telegram import FakeTelegram

JSON = dict[str, Any]
REFUSALS = ("http500", "http502", "http429", "reset", "badjson", "timeout")
SENTINEL = "/help"
CHATS = (3001, 3002, 3003)
QUESTIONS = ("인턴제", "구직등록", "ㅇㅌㅈ", "dlsxjswp", "장애학생 취업지원", "안녕하세요")
READ_TIMEOUT = 1.0  # how long the bot waits for a response before it counts as timed out
# PTB's own RetryAfter constructor reads its deprecated int `retry_after`; nothing of ours.
pytestmark = pytest.mark.filterwarnings("ignore:Deprecated since version v22.2")


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(telegram_render, "RETRY_BASE_SECONDS", 0.01)


def with_settings(assistant: Assistant, tmp_path: Path, flood: FloodSettings | None = None) -> Assistant:
    """The bundled assistant with its question log in tmp_path (and other flood settings)."""
    config = assistant.config
    config = replace(config, question_log=replace(config.question_log, path=tmp_path / "q.sqlite3"))
    return Assistant(replace(config, flood=flood or config.flood), assistant.catalog, assistant.index)


@pytest.fixture
def bot(assistant: Assistant, tmp_path: Path) -> Assistant:
    return with_settings(assistant, tmp_path)


def running(
    assistant: Assistant, tg: FakeTelegram, limiter: FloodLimiter | None = None
) -> contextlib.AbstractAsyncContextManager[TelegramApp]:
    """The real application with short timeouts (and a given flood limiter)."""
    request = HTTPXRequest(connection_pool_size=16, read_timeout=READ_TIMEOUT)
    return harness.running(assistant, tg, request=request, limiter=limiter)


async def wait(tg: FakeTelegram, predicate: Callable[[FakeTelegram], Any], timeout: float = 15) -> Any:
    return await asyncio.to_thread(tg.wait_for, predicate, timeout)


def expected(assistant: Assistant, text: str) -> str:
    """What the user reads for `text`: one message, the reply's plain text."""
    reply: Reply = assistant.help() if text == SENTINEL else assistant.respond(text)
    assert len(telegram_render.render_chunks(reply)) == 1, "pick questions answered in one message"
    return reply.text()


def ask_all(tg: FakeTelegram, plan: dict[int, list[str]]) -> None:
    """Every chat writes its questions, the chats taking turns."""
    for turn in range(max(len(questions) for questions in plan.values())):
        for chat, questions in plan.items():
            if turn < len(questions):
                tg.user_message(questions[turn], chat_id=chat)


async def settle(tg: FakeTelegram, assistant: Assistant, plan: dict[int, list[str]]) -> dict[int, list[str]]:
    """Wait for every answer, then for a sentinel's in each chat; the texts each chat got."""
    await wait(tg, lambda t: all(len(t.messages(c)) >= len(q) for c, q in plan.items()))
    ask_all(tg, {chat: [SENTINEL] for chat in plan})
    last = expected(assistant, SENTINEL)
    await wait(tg, lambda t: all(t.messages(c)[-1]["text"] == last for c in plan))
    return {chat: [m["text"] for m in tg.messages(chat)] for chat in plan}


def exactly_once(assistant: Assistant, plan: dict[int, list[str]]) -> dict[int, list[str]]:
    return {
        chat: [expected(assistant, q) for q in [*questions, SENTINEL]] for chat, questions in plan.items()
    }


def refusals(tg: FakeTelegram) -> list[str]:
    """4xx answers the fake gave on its own (not injected); see test_telegram_e2e.refusals."""
    expected_ones = {("editMessageText", 400), ("getUpdates", 409)}
    return [
        f"{c.method}: {(c.response or {}).get('description')}"
        for c in tg.calls
        if c.fault is None and c.status and c.status >= 400 and (c.method, c.status) not in expected_ones
    ]


def injected(tg: FakeTelegram, method: str, kind: str) -> list[Any]:
    return [c for c in tg.calls_to(method) if c.fault == kind and c.status is not None]


def plan_of(*questions: str) -> dict[int, list[str]]:
    return {chat: [questions[(i + n) % len(questions)] for n in range(2)] for i, chat in enumerate(CHATS)}


# -- refused before acting -------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("kind", REFUSALS)
async def test_refused_sends_are_retried_once_healthy(tg: FakeTelegram, bot: Assistant, kind: str) -> None:
    plan = plan_of(*QUESTIONS)
    async with running(bot, tg):
        tg.fail_next("sendMessage", kind, times=2, retry_after=1, hold=5)
        ask_all(tg, plan)
        received = await settle(tg, bot, plan)
    assert len(injected(tg, "sendMessage", kind)) == 2
    assert received == exactly_once(bot, plan)
    assert refusals(tg) == []


@pytest.mark.asyncio
@pytest.mark.parametrize("kind", REFUSALS)
async def test_refused_polls_lose_and_skip_nothing(tg: FakeTelegram, bot: Assistant, kind: str) -> None:
    first = {chat: [QUESTIONS[i]] for i, chat in enumerate(CHATS)}
    second = {chat: [QUESTIONS[i + 3]] for i, chat in enumerate(CHATS)}
    async with running(bot, tg):
        await wait(tg, lambda t: t.calls_to("getUpdates"))  # a long poll is in flight
        tg.fail_next("getUpdates", kind, retry_after=1, hold=5)
        ask_all(tg, first)  # fetched by the poll in flight; the refused one would confirm them
        await wait(tg, lambda t: injected(t, "getUpdates", kind))
        ask_all(tg, second)  # written while the bot is not polling
        received = await settle(tg, bot, {chat: first[chat] + second[chat] for chat in CHATS})
    assert received == exactly_once(bot, {chat: first[chat] + second[chat] for chat in CHATS})
    assert refusals(tg) == []


# -- acted, then timed out -------------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_send_timed_out_after_acting_arrives_twice(tg: FakeTelegram, bot: Assistant) -> None:
    """The one case with a duplicate: Telegram sent it, but the bot never heard so."""
    plan = plan_of(*QUESTIONS)
    async with running(bot, tg):
        tg.fail_next("sendMessage", "timeout_after_act", hold=5)
        ask_all(tg, plan)
        received = await settle(tg, bot, plan)
    [faulted] = injected(tg, "sendMessage", "timeout_after_act")
    chat = int(faulted.params["chat_id"])
    want = exactly_once(bot, plan)
    assert received[chat] != want[chat] and sorted(set(received[chat])) == sorted(set(want[chat]))
    assert len(received[chat]) == len(want[chat]) + 1  # one duplicate, nothing lost
    assert {c: r for c, r in received.items() if c != chat} == {c: w for c, w in want.items() if c != chat}


@pytest.mark.asyncio
async def test_a_poll_timed_out_after_acting_is_asked_again(tg: FakeTelegram, bot: Assistant) -> None:
    plan = plan_of(*QUESTIONS)
    async with running(bot, tg):
        await wait(tg, lambda t: t.calls_to("getUpdates"))
        tg.fail_next("getUpdates", "timeout_after_act", hold=5)
        ask_all(tg, plan)
        received = await settle(tg, bot, plan)
    assert injected(tg, "getUpdates", "timeout_after_act")
    assert received == exactly_once(bot, plan)


@pytest.mark.asyncio
async def test_an_edit_timed_out_after_acting_is_not_repeated(tg: FakeTelegram, bot: Assistant) -> None:
    async with running(bot, tg):
        tg.user_message("/start", chat_id=CHATS[0])
        welcome = await wait(tg, lambda t: t.messages(CHATS[0])[0])
        tg.fail_next("editMessageText", "timeout_after_act", hold=5)
        update_id = tg.press_button(CHATS[0], welcome["message_id"], "menu:0", force=True)
        await wait(tg, lambda t: t.callback_answer(update_id) and len(t.calls_to("editMessageText")) == 2)
        received = await settle(tg, bot, {CHATS[0]: ["/start"]})
    assert len(received[CHATS[0]]) == 2  # the menu, edited in place, and the sentinel's answer
    assert received[CHATS[0]][0] == bot.menu().text()
    assert [c.status for c in tg.calls_to("editMessageText")] == [0, 400]  # "not modified": done


@pytest.mark.asyncio
async def test_a_callback_answer_timed_out_after_acting(tg: FakeTelegram, bot: Assistant) -> None:
    async with running(bot, tg):
        tg.user_message("/start", chat_id=CHATS[0])
        welcome = await wait(tg, lambda t: t.messages(CHATS[0])[0])
        tg.fail_next("answerCallbackQuery", "timeout_after_act", hold=5)
        update_id = tg.press_button(CHATS[0], welcome["message_id"], "p:intern")
        received = await settle(tg, bot, {CHATS[0]: ["/start", "인턴제"]})
    assert tg.callback_answer(update_id) is not None  # answered, though the bot never heard so
    assert received[CHATS[0]][1] == bot.open("p:intern").text()
    assert len(received[CHATS[0]]) == 3


# -- the bot's own failures, a busy button, awkward input --------------------------------------


@pytest.mark.asyncio
async def test_a_failing_update_does_not_stop_the_next(
    tg: FakeTelegram, bot: Assistant, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    respond = bot.respond

    def broken_for_one(text: str) -> Reply:
        if text == "고장":
            raise RuntimeError("a bug in the core")
        return respond(text)

    monkeypatch.setattr(bot, "respond", broken_for_one)
    plan = {CHATS[0]: ["고장", "인턴제"], CHATS[1]: ["구직등록", "고장", "ㅇㅌㅈ"]}
    answered = {chat: [q for q in questions if q != "고장"] for chat, questions in plan.items()}
    async with running(bot, tg):
        ask_all(tg, plan)
        received = await settle(tg, bot, answered)
    assert received == exactly_once(bot, answered)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 2 and all("RuntimeError" in e for e in errors)


@pytest.mark.asyncio
async def test_fifty_presses_of_one_button(tg: FakeTelegram, assistant: Assistant, tmp_path: Path) -> None:
    """Within the flood limit every press opens the program; every press stops its spinner."""
    bot = with_settings(assistant, tmp_path, FloodSettings(max_messages=100, per_seconds=10))
    async with running(bot, tg):
        tg.user_message("/start")
        welcome = await wait(tg, lambda t: t.messages(1001)[0])
        presses = [tg.press_button(1001, welcome["message_id"], "p:intern") for _ in range(50)]
        await wait(tg, lambda t: len(t.messages(1001)) == 51)
        await wait(tg, lambda t: all(t.callback_answer(p) for p in presses))
    assert {m["text"] for m in tg.messages(1001)[1:]} == {bot.open("p:intern").text()}
    assert refusals(tg) == []


@pytest.mark.asyncio
async def test_fifty_presses_over_the_flood_limit(tg: FakeTelegram, bot: Assistant) -> None:
    """At five in ten seconds (a clock that stands still): four answers, one notice, no more."""
    limiter = FloodLimiter(bot.config.flood, clock=lambda: 0.0)
    async with running(bot, tg, limiter):
        tg.user_message("/start")
        welcome = await wait(tg, lambda t: t.messages(1001)[0])
        presses = [tg.press_button(1001, welcome["message_id"], "p:intern") for _ in range(50)]
        await wait(tg, lambda t: all(t.callback_answer(p) for p in presses))
    texts = [m["text"] for m in tg.messages(1001)]
    assert texts == [bot.welcome().text()] + [bot.open("p:intern").text()] * 4 + [bot.config.messages.flood]
    assert len(tg.calls_to("answerCallbackQuery")) == 50
    assert refusals(tg) == []


AWKWARD = [
    " ",
    "\u200b",
    "\u3164",
    "\n\t\n",
    ".",
    "/",
    "/없는명령",
    "😀" * 4096,
    "가" * 4096,
    "\x00\x01\x07\x1b[31m빨강\x1b[0m\x7f",
    "\u202e인턴제\u202c",
    "<b>인턴제</b> & <script>alert(1)</script>",
    "&amp; &lt; &#x41; &#0; &bogus;",
    "*굵게* _기울임_ `코드` [링크](https://example.com) ||스포일러|| \\",
    "```\n인턴제\n```",
    "인턴제 " * 800,
]


@pytest.mark.asyncio
async def test_awkward_input_gets_an_answer(tg: FakeTelegram, bot: Assistant) -> None:
    chats = {5000 + n: text for n, text in enumerate(AWKWARD)}
    async with running(bot, tg):
        for chat, text in chats.items():
            tg.user_message(text, chat_id=chat)
        await wait(tg, lambda t: all(t.messages(chat) for chat in chats))
        await settle(tg, bot, {chat: [text] for chat, text in chats.items()})
    assert refusals(tg) == []
    for chat, text in chats.items():
        want = [bot.respond(text).text(), bot.help().text()]
        assert [m["text"] for m in tg.messages(chat)] == want, repr(text[:20])
