"""Soak: many messages from many chats through the whole bot, polling the fake Bot API.

    .venv/bin/python benchmarks/bench_soak.py [--messages 20000] [--chats 200]
                                              [--rate-limit] [--pace SECONDS]

The bot runs as in production (build_application + run_polling, question log on, in a
temporary folder) in a child process, so its memory is measured alone; the fake Bot API
(tests.fake_telegram, which keeps every call) and the simulated users run in this process.

Each chat writes its next question as soon as its previous one is answered (or, with
--pace, no sooner than SECONDS after it wrote the previous one; the chats then start spread
over SECONDS, for a steady load of chats / SECONDS messages a second). So that the flood limit (five in ten
seconds a chat) does not drop messages, it is raised for the run unless --pace is at least
per_seconds / max_messages. The AIORateLimiter (Telegram's 30 messages/s) is lifted to
measure the bot itself; --rate-limit keeps it, to see its effect (use fewer messages).

Reported: throughput, reply time (message enqueued -> its sendMessage received) p50/p90/p99,
the bot's RSS along the run, its CPU time per message, and answers lost, doubled or wrong
(each must be 0). Not a test: it asserts nothing and its figures depend on the machine.
"""

from __future__ import annotations

import argparse
import collections
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import bench_telegram  # noqa: E402
from bot import loader  # noqa: E402
from bot.telegram_render import render_chunks  # noqa: E402
from tests import fake_telegram  # noqa: E402
from tests.fake_telegram import FakeTelegram  # noqa: E402

# the end-to-end benchmark's questions, and input a public bot receives too
QUESTIONS = (*bench_telegram.QUESTIONS, "<b>인턴제</b> & 기타", "😀" * 50)
FIRST_CHAT = 20_000
STALL_SECONDS = 30.0  # no answer for this long: what is still unanswered counts as lost
LATE_SECONDS = 2.0  # after the last answer, how long to watch for late duplicates
RAISED_FLOOD = 1_000_000


@dataclass
class Sample:
    answered: int
    seconds: float
    rss_kb: int
    cpu_seconds: float


@dataclass
class Run:
    answered: int = 0
    lost: int = 0
    doubled: int = 0
    wrong: int = 0
    reply_seconds: list[float] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)


class SoakTelegram(FakeTelegram):
    """The fake Bot API, also queueing (chat, HTML text, time) of every message sent."""

    def __init__(self) -> None:
        super().__init__()
        # The bot opens up to CONCURRENT_UPDATES connections at once; socketserver's listen
        # backlog of 5 would drop the rest for a second (SYN retry) and show up as retries.
        fake_telegram._Server.request_queue_size = 128
        self.sent: collections.deque[tuple[int, str, float]] = collections.deque()

    def api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        message = super().api_sendMessage(params)
        self.sent.append((int(message["chat"]["id"]), str(params.get("text")), time.monotonic()))
        return message


# -- the bot, in a child process ------------------------------------------------------------


def serve(config: Path, base_url: str, rate_limit: bool) -> None:
    """The child: the production application, polling until SIGTERM."""
    import logging

    from telegram import Update

    from bot.telegram_app import build_application

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    assistant = loader.load(config)
    token = os.environ["TELEGRAM_BOT_TOKEN"]
    application = build_application(assistant, token, base_url=base_url, rate_limit=rate_limit)
    application.run_polling(poll_interval=0, timeout=10, allowed_updates=Update.ALL_TYPES)


def soak_config(folder: Path, keep_flood: bool) -> Path:
    """config.yaml with the knowledge folder absolute, the question log in `folder`."""
    data = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    data["knowledge_dir"] = str(ROOT / data.get("knowledge_dir", "knowledge"))
    data.setdefault("question_log", {})["path"] = str(folder / "questions.sqlite3")
    if not keep_flood:
        data.setdefault("flood", {})["max_messages"] = RAISED_FLOOD
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def memory_and_cpu(pid: int) -> tuple[int, float]:
    """Resident set size (kB) and CPU seconds (user + system) of a process, from /proc."""
    rss = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1])
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    ticks = int(fields[11]) + int(fields[12])  # utime and stime: fields 14 and 15 of stat
    return rss, ticks / os.sysconf("SC_CLK_TCK")


# -- the users, in this process -------------------------------------------------------------


def expected_html(config: Path) -> dict[str, str]:
    """Each question's answer as the bot sends it; all must fit in one message."""
    assistant = loader.load(config)
    answers = {q: render_chunks(assistant.respond(q)) for q in QUESTIONS}
    long = [q for q, chunks in answers.items() if len(chunks) != 1]
    if long:
        raise SystemExit(f"answers must fit in one message to be matched: {long}")
    return {q: chunks[0] for q, chunks in answers.items()}


def drive(tg: SoakTelegram, pid: int, expected: dict[str, str], args: argparse.Namespace) -> Run:
    """Each chat asks, waits for its answer (and the pace), asks again; `messages` in all."""
    chats = [FIRST_CHAT + n for n in range(args.chats)]
    questions = {chat: n for n, chat in enumerate(chats)}  # each chat starts elsewhere in the list
    waiting: dict[int, tuple[str, float]] = {}  # chat -> (question, enqueued at)
    run, written, started = Run(), 0, time.monotonic()
    # Idle chats: when they may write again. Paced chats start spread over one pace, so the
    # load is steady rather than one burst from every chat each `pace` seconds.
    due = {chat: started + n * args.pace / len(chats) for n, chat in enumerate(chats)}
    checkpoints = sorted({args.chats, *range(args.checkpoint, args.messages, args.checkpoint), args.messages})
    last_answer = started
    with tg._cond:  # the fake's own lock: its handlers notify it on every request
        while run.answered < args.messages:
            now = time.monotonic()
            while tg.sent:
                chat, html, at = tg.sent.popleft()
                if chat not in waiting:
                    run.doubled += 1
                    continue
                question, asked = waiting.pop(chat)
                run.answered += 1
                run.reply_seconds.append(at - asked)
                run.wrong += html != expected[question]
                due[chat] = asked + args.pace
                last_answer = now
                if checkpoints and run.answered >= checkpoints[0]:
                    checkpoints.pop(0)
                    rss, cpu = memory_and_cpu(pid)
                    run.samples.append(Sample(run.answered, now - started, rss, cpu))
            for chat in [c for c, at in due.items() if at <= now]:
                if written == args.messages:
                    break
                question = QUESTIONS[questions[chat] % len(QUESTIONS)]
                questions[chat] += 1
                del due[chat]
                waiting[chat] = (question, time.monotonic())
                tg.user_message(question, chat_id=chat)
                written += 1
            if now - last_answer > STALL_SECONDS:
                break
            tg._cond.wait(0.05)
        tg._cond.wait(LATE_SECONDS)
        run.doubled += len(tg.sent)
    run.lost = len(waiting)
    return run


# -- the report -----------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def report(run: Run, before: tuple[int, float], args: argparse.Namespace, flood: str) -> None:
    warm = run.samples[0] if run.samples else Sample(0, 0.0, before[0], before[1])
    end = run.samples[-1] if run.samples else warm
    ms = [s * 1000 for s in run.reply_seconds[args.chats :]] or [0.0]
    measured = end.answered - warm.answered
    seconds = max(end.seconds - warm.seconds, 1e-9)
    limiter = "on (AIORateLimiter, 30 messages/s)" if args.rate_limit else "lifted"
    print(f"bench_soak: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"{args.messages} messages from {args.chats} chats; rate limiter {limiter}; flood limit {flood}")
    print(f"answered {run.answered}, lost {run.lost}, doubled {run.doubled}, wrong {run.wrong}")
    print(f"throughput after the first {args.chats} (warm-up): {measured / seconds:.0f} messages/s")
    print(
        f"reply time ms: p50 {statistics.median(ms):.1f}  p90 {percentile(ms, 0.9):.1f}  "
        f"p99 {percentile(ms, 0.99):.1f}  max {max(ms):.1f}"
    )
    cpu = (end.cpu_seconds - warm.cpu_seconds) / max(measured, 1) * 1000
    print(f"bot CPU: {cpu:.2f} ms a message")
    print(f"bot RSS MB: started {before[0] / 1024:.1f}")
    for sample in run.samples:
        print(f"  after {sample.answered:>6} answers ({sample.seconds:6.1f} s): {sample.rss_kb / 1024:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000, help="messages in all (default 20000)")
    parser.add_argument("--chats", type=int, default=200, help="chats writing at once (default 200)")
    parser.add_argument("--rate-limit", action="store_true", help="keep Telegram's rate limiter on")
    parser.add_argument("--pace", type=float, default=0.0, help="seconds between one chat's messages")
    parser.add_argument("--checkpoint", type=int, default=5000, help="sample memory every N answers")
    parser.add_argument("--serve", metavar="BASE_URL", help=argparse.SUPPRESS)  # the child
    parser.add_argument("--config", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve(args.config, args.serve, args.rate_limit)
    flood = loader.load(ROOT / "config.yaml").config.flood
    keep_flood = args.pace >= flood.per_seconds / flood.max_messages
    flood_note = (
        f"{flood.max_messages} in {flood.per_seconds:g} s (kept)"
        if keep_flood
        else f"raised to {RAISED_FLOOD} in {flood.per_seconds:g} s"
    )
    tg = SoakTelegram()
    with tempfile.TemporaryDirectory() as folder, tg:
        config = soak_config(Path(folder), keep_flood)
        expected = expected_html(config)
        command = [sys.executable, __file__, "--serve", tg.base_url, "--config", str(config)]
        command += ["--rate-limit"] if args.rate_limit else []
        log = Path(folder) / "bot.log"
        with log.open("w") as stderr:
            env = {**os.environ, "TELEGRAM_BOT_TOKEN": tg.token}
            child = subprocess.Popen(command, env=env, stderr=stderr, cwd=ROOT)
        try:
            tg.wait_for(lambda t: t.calls_to("getUpdates"), 60)
            before = memory_and_cpu(child.pid)
            run = drive(tg, child.pid, expected, args)
        finally:
            child.send_signal(signal.SIGTERM)
            child.wait(60)
        report(run, before, args, flood_note)
        problems = [line for line in log.read_text().splitlines() if line.startswith(("WARNING", "ERROR"))]
        print(f"bot log: {len(problems)} warnings/errors; exit code {child.returncode}")
        for line in problems[:5]:
            print(f"  {line[:160]}")


if __name__ == "__main__":
    main()
