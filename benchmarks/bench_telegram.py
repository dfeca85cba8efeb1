"""End-to-end reply time of the Telegram bot, against the fake Bot API on 127.0.0.1.

    .venv/bin/python benchmarks/bench_telegram.py [--messages 200] [--users 1]

One sample runs from a user message being enqueued in tests.fake_telegram.FakeTelegram to
the fake receiving the bot's sendMessage for it: long polling, update decoding, the core's
search and answer, HTML rendering and the HTTP request. The AIORateLimiter is lifted (it
would pace sends to Telegram's 30 messages/s); everything else is the production wiring.
With --users N, N users write at the same moment in each round.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from itertools import cycle
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import loader, telegram_app  # noqa: E402
from bot.answers import Assistant  # noqa: E402
from bot.config import FloodSettings  # noqa: E402
from tests.fake_telegram import Call, FakeTelegram  # noqa: E402

QUESTIONS = (
    "구직등록",
    "인턴제 지원금은 얼마인가요?",
    "dlsxjswp",
    "ㅇㅌㅈ",
    "장애인 일자리 알림",
    "워크투게더에 맞춤정보 등록하는 법",
    "특수학교 학생도 훈련수당 받나요",
    "지원고용이랑 인턴제는 다른거죠?",
    "운전면허 갱신은 어디서 하나요",
    "안녕하세요",
)
WARM_UP = 10


async def measure(tg: FakeTelegram, messages: int, users: int) -> list[float]:
    """Reply times in seconds, the warm-up rounds left out."""
    assistant = loader.load(ROOT / "config.yaml")
    # one user asking back to back would trip the per-chat flood limit: lift it, as the limiter
    config = replace(assistant.config, flood=FloodSettings(max_messages=1_000_000, per_seconds=10))
    assistant = Assistant(config, assistant.catalog, assistant.index)
    app = telegram_app.build_application(assistant, tg.token, base_url=tg.base_url, rate_limit=False)
    assert app.updater is not None
    samples: list[float] = []
    questions = cycle(QUESTIONS)
    async with app:
        await app.updater.start_polling(poll_interval=0, timeout=10)
        await app.start()
        for round_number in range(WARM_UP + -(-messages // users)):
            before = len(tg.calls_to("sendMessage"))
            started = time.monotonic()
            for user in range(users):
                tg.user_message(next(questions), chat_id=10_000 + user)
            sent = await asyncio.to_thread(tg.wait_for, replies_after(before, users), 30)
            if round_number >= WARM_UP:
                samples.extend(call.time - started for call in sent)
        await app.updater.stop()
        await app.stop()
    return samples[:messages]


def replies_after(before: int, count: int) -> Callable[[FakeTelegram], list[Call]]:
    def done(tg: FakeTelegram) -> list[Call]:
        calls = tg.calls_to("sendMessage")
        return calls[before:] if len(calls) >= before + count else []

    return done


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200, help="measured messages (default 200)")
    parser.add_argument("--users", type=int, default=1, help="users writing at once (default 1)")
    args = parser.parse_args()
    with FakeTelegram() as tg:
        samples = asyncio.run(measure(tg, args.messages, max(1, args.users)))
    ms = [s * 1000 for s in samples]
    print(f"{len(ms)} messages, {args.users} user(s) at a time, rate limiter and flood limit lifted")
    print(
        f"reply time ms: median {statistics.median(ms):.1f}  p90 {percentile(ms, 0.9):.1f}  "
        f"p99 {percentile(ms, 0.99):.1f}  max {max(ms):.1f}"
    )


if __name__ == "__main__":
    main()
