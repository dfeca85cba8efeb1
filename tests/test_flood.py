"""bot/flood.py (the per-chat limit) and bot/telegram_guard.py (where Telegram applies it)."""

from __future__ import annotations

import itertools
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from typing import Any

import pytest
import pytest_asyncio
from hypothesis import given, settings
from hypothesis import strategies as st
from telegram import Update
from telegram.ext import AIORateLimiter, TypeHandler

from bot import telegram_app, telegram_guard, telegram_render
from bot.answers import Assistant
from bot.config import FloodSettings
from bot.flood import FloodLimiter, Verdict
from bot.telegram_app import TelegramApp
from tests.fake_telegram import DEFAULT_TOKEN, FakeTelegram
from tests.harness import RecordingRequest, recorder

JSON = dict[str, Any]
FIVE_IN_TEN = FloodSettings(max_messages=5, per_seconds=10)
A, N, D = Verdict.ANSWER, Verdict.NOTICE, Verdict.DROP
CHAT = 1001
GROUP = -100500


class Clock:
    """A clock a test moves by hand."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def verdicts(limiter: FloodLimiter, clock: Clock, events: Sequence[tuple[float, int]]) -> list[Verdict]:
    found = []
    for at, chat in events:
        clock.now = at
        found.append(limiter.check(chat))
    return found


# -- the limiter -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "events, expected",
    [
        ([(0, 1)] * 5, [A] * 5),
        ([(0, 1)] * 8, [A] * 5 + [N, D, D]),
        # Exactly per_seconds after the first answer there is room again.
        ([(t, 1) for t in (0, 1, 2, 3, 4, 9.99, 10)], [A] * 5 + [N, A]),
        # Dropped messages do not fill the window: 1 s after room appears, it is used.
        ([(t, 1) for t in (0, 0, 0, 0, 0, 5, 6, 7, 10.5)], [A] * 5 + [N, D, D, A]),
        # One notice per episode: slowing down and flooding again gets a second one.
        ([(0, 1)] * 6 + [(20, 1)] * 6, ([A] * 5 + [N]) * 2),
        # Other chats are not affected.
        ([(0, 1)] * 6 + [(0, 2)] * 5 + [(0, 1)], [A] * 5 + [N] + [A] * 5 + [D]),
        # A sliding window, not a fixed one: no burst of 2 x max at a window edge.
        ([(t, 1) for t in (9, 9, 9, 9, 9, 10.5, 18.9, 19.1)], [A] * 5 + [N, D, A]),
    ],
    ids=["at-limit", "over", "edge", "drops-do-not-count", "two-episodes", "other-chats", "sliding"],
)
def test_verdicts(events: list[tuple[float, int]], expected: list[Verdict]) -> None:
    clock = Clock(0)
    assert verdicts(FloodLimiter(FIVE_IN_TEN, clock=clock), clock, events) == expected


def test_idle_chats_are_forgotten() -> None:
    clock = Clock()
    limiter = FloodLimiter(FIVE_IN_TEN, clock=clock)
    for chat in range(1000):
        limiter.check(chat)
    assert len(limiter) == 1000
    clock.now += 10
    limiter.check("one more")
    assert len(limiter) == 1


def test_at_most_max_chats_are_kept() -> None:
    clock = Clock()
    limiter = FloodLimiter(FIVE_IN_TEN, clock=clock, max_chats=100)
    for chat in range(10_000):
        assert limiter.check(chat) is A
        assert len(limiter) <= 100


def test_a_flooding_chat_is_kept_while_idle_ones_go() -> None:
    clock = Clock()
    limiter = FloodLimiter(FIVE_IN_TEN, clock=clock)
    assert verdicts(limiter, clock, [(0, 1)] * 6 + [(5, 2)]) == [A] * 5 + [N, A]
    assert verdicts(limiter, clock, [(9, 1), (11, 3)]) == [D, A]
    assert len(limiter) == 2  # chat 1 forgotten (its answers left the window), 2 and 3 kept
    assert verdicts(limiter, clock, [(11, 1)]) == [A]


@pytest.mark.parametrize(
    "flood, max_chats",
    [(FloodSettings(0, 10), 10), (FloodSettings(5, 0), 10), (FloodSettings(5, 10), 0)],
)
def test_nonsense_settings_are_refused(flood: FloodSettings, max_chats: int) -> None:
    with pytest.raises(ValueError):
        FloodLimiter(flood, max_chats=max_chats)


def reference(flood: FloodSettings, events: list[tuple[float, int]]) -> list[Verdict]:
    """The specification, naively: full answer history per chat, nothing forgotten."""
    answered: dict[int, list[float]] = {}
    noticed: set[int] = set()
    found = []
    for at, chat in events:
        recent = [t for t in answered.get(chat, []) if t > at - flood.per_seconds]
        if len(recent) < flood.max_messages:
            answered[chat] = [*answered.get(chat, []), at]
            noticed.discard(chat)
            found.append(A)
        elif chat in noticed:
            found.append(D)
        else:
            noticed.add(chat)
            found.append(N)
    return found


@settings(deadline=None, max_examples=300)
@given(
    st.integers(1, 6),
    st.sampled_from([0.5, 3.0, 10.0]),
    st.lists(st.tuples(st.sampled_from([0.0, 0.0, 0.1, 0.7, 2.0, 11.0]), st.integers(0, 3)), max_size=80),
)
def test_the_limiter_follows_the_specification(
    max_messages: int, per_seconds: float, steps: list[tuple[float, int]]
) -> None:
    flood = FloodSettings(max_messages, per_seconds)
    events = list(zip(itertools.accumulate(dt for dt, _ in steps), (c for _, c in steps), strict=True))
    clock = Clock(0)
    assert verdicts(FloodLimiter(flood, clock=clock), clock, events) == reference(flood, events)


# -- the guard in a real Application, with a stub Bot API -----------------------------------


@pytest.fixture
def tg() -> FakeTelegram:
    """Never started: builds realistic updates; all group messages reach the bot."""
    return FakeTelegram(privacy_mode=False)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest_asyncio.fixture
async def app(assistant: Assistant, tg: FakeTelegram, clock: Clock) -> AsyncIterator[TelegramApp]:
    application = telegram_app.build_application(
        assistant, DEFAULT_TOKEN, rate_limit=False, request=RecordingRequest(tg.api_getMe({}))
    )
    application.bot_data[telegram_guard.FLOOD_KEY] = FloodLimiter(assistant.config.flood, clock=clock)
    await application.initialize()
    recorder(application).calls.clear()
    yield application
    await application.shutdown()


async def deliver(app: TelegramApp, update: JSON) -> None:
    await app.process_update(Update.de_json(update, app.bot))


def press(data: str, chat_id: int = CHAT, *, inline: bool = False) -> JSON:
    query: JSON = {
        "id": f"q{next(_query_ids)}",
        "from": {"id": 1001, "is_bot": False, "first_name": "테스트"},
        "chat_instance": "ci",
        "data": data,
    }
    if inline:
        query["inline_message_id"] = "inl-1"
    else:
        chat = {"id": chat_id, "type": "private", "first_name": "테스트"}
        bot = {"id": 123456, "is_bot": True, "first_name": "KEAD Job Bot"}
        query["message"] = {"message_id": 7, "date": 0, "chat": chat, "from": bot, "text": "메뉴"}
    return {"update_id": next(_query_ids), "callback_query": query}


_query_ids = itertools.count(1)


def test_the_guard_finds_the_assistant_where_telegram_app_puts_it() -> None:
    assert telegram_guard.ASSISTANT_KEY == telegram_app.ASSISTANT_KEY


@pytest.mark.asyncio
async def test_the_guard_is_registered_in_group_minus_one(app: TelegramApp) -> None:
    [guard] = app.handlers[-1]
    assert isinstance(guard, TypeHandler) and guard.type is Update
    assert guard.callback is telegram_guard.flood_guard
    assert min(app.handlers) == -1


@pytest.mark.asyncio
async def test_a_flooding_chat_gets_one_notice(
    app: TelegramApp, tg: FakeTelegram, clock: Clock, assistant: Assistant
) -> None:
    for n in range(9):
        await deliver(app, tg.get_update(tg.user_message(f"인턴제 {n}")))
    await deliver(app, tg.get_update(tg.user_message("인턴제", chat_id=2002)))
    sent = recorder(app).texts(CHAT)
    assert len(sent) == 6 and sent[-1] == assistant.config.messages.flood
    assert len(recorder(app).texts(2002)) == 1  # another chat is not slowed down
    clock.now += 10
    await deliver(app, tg.get_update(tg.user_message("인턴제")))
    assert (
        len(recorder(app).texts(CHAT)) == 7
        and recorder(app).texts(CHAT)[-1] != assistant.config.messages.flood
    )


@pytest.mark.asyncio
async def test_presses_count_and_every_press_is_answered(
    app: TelegramApp, tg: FakeTelegram, assistant: Assistant
) -> None:
    for _ in range(3):
        await deliver(app, tg.get_update(tg.user_message("인턴제")))
    for _ in range(7):
        await deliver(app, press("p:intern"))
    assert (
        len(recorder(app).texts(CHAT)) == 6 and recorder(app).texts()[-1] == assistant.config.messages.flood
    )
    assert recorder(app).count("answerCallbackQuery") == 7
    silent = [p for name, p in recorder(app).calls if name == "answerCallbackQuery"]
    assert all("text" not in p for p in silent)


@pytest.mark.asyncio
async def test_inline_queries_and_inline_buttons_are_not_limited(app: TelegramApp, tg: FakeTelegram) -> None:
    for n in range(20):
        await deliver(app, tg.get_update(tg.inline_query("인턴제"[: 1 + n % 3])))
        await deliver(app, press("menu:0", inline=True))
    assert recorder(app).count("answerInlineQuery") == 20
    assert recorder(app).count("answerCallbackQuery") == 20
    await deliver(app, tg.get_update(tg.user_message("인턴제")))
    assert len(recorder(app).texts(CHAT)) == 1


@pytest.mark.asyncio
async def test_only_group_messages_for_the_bot_count(app: TelegramApp, tg: FakeTelegram) -> None:
    group: JSON = {"chat_id": GROUP, "chat_type": "supergroup", "user_id": 2002}
    for n in range(20):  # people talking among themselves, and commands for another bot
        await deliver(app, tg.get_update(tg.user_message(f"인턴제 얘기 {n}", **group)))
        await deliver(app, tg.get_update(tg.user_message("/start@other_bot", **group)))
    for _ in range(5):
        await deliver(app, tg.get_update(tg.user_message("@kead_job_bot 인턴제", **group)))
    assert len(recorder(app).texts(GROUP)) == 5
    update_id = tg.user_message("/help", **group)
    await deliver(app, tg.get_update(update_id))
    [(_, notice)] = [c for c in recorder(app).calls if c[0] == "sendMessage"][-1:]
    message_id = tg.get_update(update_id)["message"]["message_id"]
    assert notice["reply_parameters"]["message_id"] == message_id  # quotes the asker


@pytest.mark.asyncio
async def test_edits_and_service_messages_do_not_count(app: TelegramApp, tg: FakeTelegram) -> None:
    for _ in range(10):
        update = tg.get_update(tg.user_message("인턴제"))
        await deliver(app, {"update_id": update["update_id"], "edited_message": update["message"]})
    assert recorder(app).texts() == []
    for _ in range(5):
        await deliver(app, tg.get_update(tg.user_message("인턴제")))
    assert len(recorder(app).texts()) == 5


@pytest.mark.asyncio
async def test_a_failed_notice_still_leaves_the_message_unanswered(
    app: TelegramApp, tg: FakeTelegram, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(telegram_render, "RETRY_BASE_SECONDS", 0.0)
    for _ in range(5):
        await deliver(app, tg.get_update(tg.user_message("인턴제")))
    recorder(app).failing.add("sendMessage")
    await deliver(app, tg.get_update(tg.user_message("인턴제")))
    recorder(app).failing.clear()
    await deliver(app, tg.get_update(tg.user_message("인턴제")))
    assert len(recorder(app).texts()) == 5
    assert any(
        "flood notice failed" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING
    )


@pytest.mark.asyncio
async def test_the_limiter_follows_a_reload(app: TelegramApp, tg: FakeTelegram, assistant: Assistant) -> None:
    for _ in range(6):
        await deliver(app, tg.get_update(tg.user_message("인턴제")))
    assert len(recorder(app).texts()) == 6
    config = replace(assistant.config, flood=FloodSettings(max_messages=2, per_seconds=60))
    app.bot_data[telegram_app.ASSISTANT_KEY] = Assistant(config, assistant.catalog, assistant.index)
    for _ in range(4):
        await deliver(app, tg.get_update(tg.user_message("인턴제")))
    assert len(recorder(app).texts()) == 6 + 3  # a fresh limiter at two a minute, then one notice
    limiter = app.bot_data[telegram_guard.FLOOD_KEY]
    assert isinstance(limiter, FloodLimiter) and limiter.settings == config.flood


def test_the_telegram_rate_limiter_is_installed(assistant: Assistant) -> None:
    """Telegram's own limits: 30 messages/s in all, 20 a minute per group (not per private chat)."""
    application = telegram_app.build_application(assistant, DEFAULT_TOKEN)
    limiter = application.bot.rate_limiter
    assert isinstance(limiter, AIORateLimiter)
    overall = limiter._base_limiter
    assert overall is not None and (overall.max_rate, overall.time_period) == (30, 1)
    assert (limiter._group_max_rate, limiter._group_time_period) == (20, 60)
    assert limiter._max_retries > 0  # a 429 is waited out and retried, not lost
    assert telegram_app.build_application(assistant, DEFAULT_TOKEN, rate_limit=False).bot.rate_limiter is None
