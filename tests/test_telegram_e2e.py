"""End to end: the real Application polls tests.fake_telegram through its real HTTP client.

The fake rejects what Telegram rejects (bad HTML, long texts, bad buttons, double answers),
so a 4xx in its call log is a bug in the bot even when nothing crashed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from telegram.request import HTTPXRequest

from bot import telegram_app, telegram_render, telegram_run
from bot.answers import Assistant
from bot.config import FloodSettings
from tests.fake_telegram import FakeTelegram, utf16_len
from tests.harness import restored_logging, running

ROOT = Path(__file__).resolve().parent.parent
CHAT = 1001
GROUP = -100300
JSON = dict[str, Any]


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    # Privacy mode off: the bot receives every group message and must ignore most itself.
    with FakeTelegram(privacy_mode=False) as fake:
        yield fake


@pytest.fixture
def guarded_logs(tg: FakeTelegram, caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Everything at DEBUG, then the production log guard; all undone afterwards."""
    with restored_logging():
        caplog.set_level(logging.DEBUG)
        telegram_run.guard_logs(tg.token)
        yield caplog


def write_config(directory: Path, knowledge: Path = ROOT / "knowledge", **changes: Any) -> Path:
    """The bundled config.yaml with its question log in `directory`; a dict value updates a
    section (question_log={"enabled": False}), any other replaces the key (admins=[1])."""
    data = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    data["knowledge_dir"] = str(knowledge)
    data["question_log"]["path"] = str(directory / "questions.sqlite3")
    for key, value in changes.items():
        if isinstance(value, dict):
            data[key].update(value)
        else:
            data[key] = value
    path = directory / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


async def wait(tg: FakeTelegram, predicate: Callable[[FakeTelegram], Any], timeout: float = 10) -> Any:
    return await asyncio.to_thread(tg.wait_for, predicate, timeout)


async def next_message(tg: FakeTelegram, chat_id: int, before: int) -> JSON:
    message: JSON = await wait(tg, lambda t: t.messages(chat_id)[before])
    return message


async def ask(tg: FakeTelegram, text: str, chat_id: int = CHAT, **kw: Any) -> JSON:
    """Write as a user; the bot's next message in that chat."""
    before = len(tg.messages(chat_id))
    tg.user_message(text, chat_id=chat_id, **kw)
    return await next_message(tg, chat_id, before)


async def press(tg: FakeTelegram, message: JSON, data: str) -> JSON:
    before = len(tg.messages(CHAT))
    update_id = tg.press_button(CHAT, message["message_id"], data)
    sent = await next_message(tg, CHAT, before)
    assert tg.callback_answer(update_id) is not None
    return sent


def buttons(message: JSON) -> list[str]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [b.get("callback_data") or b["url"] for row in rows for b in row]


def assert_section(message: JSON, assistant: Assistant, section_id: str) -> None:
    """The section's title in bold at the top, and its first words in the text."""
    section = assistant.catalog.sections[section_id]
    bold = {"type": "bold", "offset": 0, "length": utf16_len(section.title)}
    assert message["text"].startswith(section.title) and bold in message["entities"]
    assert section.paragraphs[0][:40] in message["text"]


def edits_done(tg: FakeTelegram) -> bool:
    return any(c.status is not None for c in tg.calls_to("editMessageText"))


def refusals(tg: FakeTelegram) -> list[str]:
    """Requests the fake refused, except two that are expected.

    An edit that changes nothing is handled on purpose; and on stopping, PTB's last
    getUpdates (to confirm the offset) ends the long poll it abandoned with a 409.
    """
    expected = {("editMessageText", 400), ("getUpdates", 409)}
    return [
        f"{c.method}: {(c.response or {}).get('description')}"
        for c in tg.calls
        if c.status and c.status >= 400 and (c.method, c.status) not in expected
    ]


@pytest.mark.asyncio
async def test_a_conversation(
    tg: FakeTelegram, assistant: Assistant, guarded_logs: pytest.LogCaptureFixture
) -> None:
    # A scripted user writes far faster than the flood limit allows (see tests/test_flood.py).
    lifted = FloodSettings(max_messages=1000, per_seconds=10)
    assistant = Assistant(replace(assistant.config, flood=lifted), assistant.catalog, assistant.index)
    async with running(assistant, tg):
        menu = await ask(tg, "/start")
        assert menu["text"] == assistant.welcome().text()
        assert buttons(menu) == [f"p:{p.id}" for p in assistant.catalog.programs]
        for program in assistant.catalog.programs:
            assert_section(await press(tg, menu, f"p:{program.id}"), assistant, program.section_id)
        deep_link = await ask(tg, "/start intern")
        assert_section(deep_link, assistant, assistant.open("intern").section_ids[0])

        for question, section_id in [
            ("구직등록", "disability-job-placement-1"),
            ("dlsxjswp", "disability-job-placement-5"),
            ("ㅇㅌㅈ", "disability-job-placement-5"),
        ]:
            assert_section(await ask(tg, question), assistant, section_id)

        suggestion = await ask(tg, "장애인 일자리 알림")
        offered = [d for d in buttons(suggestion) if d.startswith("s:")]
        assert len(offered) >= 2
        assert_section(await press(tg, suggestion, offered[-1]), assistant, offered[-1][2:])

        literal = await ask(tg, "<b>인턴제</b> & <script>")
        assert literal["text"] == assistant.respond("<b>인턴제</b> & <script>").text()

        before = len(tg.messages(CHAT))
        tg.user_sticker()
        assert (await next_message(tg, CHAT, before))["text"] == assistant.non_text().text()

        # The only page pressed again: the edit changes nothing and nothing new is sent.
        update_id = tg.press_button(CHAT, menu["message_id"], "menu:0", force=True)
        await wait(tg, lambda t: t.callback_answer(update_id) and edits_done(t))

        tg.add_chat(GROUP, chat_type="supergroup")
        tg.user_message("인턴제 좋네요", chat_id=GROUP, chat_type="supergroup", user_id=2002)
        answer = await ask(tg, "@kead_job_bot 인턴제", chat_id=GROUP, chat_type="supergroup", user_id=2002)
        assert_section(answer, assistant, "disability-job-placement-5")
        assert answer["reply_to_message"]["text"] == "@kead_job_bot 인턴제"
        assert len(tg.messages(GROUP)) == 1

        inline = tg.inline_query("인턴")
        results = await wait(tg, lambda t: t.inline_answer(inline))
        assert results[0]["id"] == "disability-job-placement-5"
        tg.choose_inline_result(inline, results[0]["id"])
        tg.user_message("/help")
        await wait(tg, lambda t: (t.last_message(CHAT) or {}).get("text") == assistant.help().text())
        assert len(tg.messages(CHAT)) == before + 2  # the sticker's reply, then the help

    assert refusals(tg) == []
    assert any(r.name.startswith("telegram") for r in guarded_logs.records)  # logs were captured
    assert not [r for r in guarded_logs.records if r.name.startswith(("httpx", "httpcore"))]
    secret = tg.token.partition(":")[2]
    assert secret not in guarded_logs.text
    assert not [r for r in guarded_logs.records if secret in r.getMessage() or secret in (r.exc_text or "")]


@pytest.mark.asyncio
async def test_start_up_publishes_the_profile_once(tg: FakeTelegram, assistant: Assistant) -> None:
    for _ in range(2):
        async with running(assistant, tg):
            pass
    assert [(c["command"], c["description"]) for c in tg.commands()] == list(telegram_app.COMMANDS)
    for method in ("setMyCommands", "setMyDescription", "setMyShortDescription"):
        assert len(tg.calls_to(method)) == 1, method
    for method in ("getMyCommands", "getMyDescription", "getMyShortDescription"):
        assert len(tg.calls_to(method)) == 2, method


@pytest.mark.asyncio
@pytest.mark.parametrize("fault", ["http502", "http500", "reset"])
async def test_a_failed_send_is_retried(
    tg: FakeTelegram, assistant: Assistant, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    monkeypatch.setattr(telegram_render, "RETRY_BASE_SECONDS", 0.01)
    async with running(assistant, tg):
        tg.fail_next("sendMessage", fault)
        assert_section(await ask(tg, "인턴제"), assistant, "disability-job-placement-5")
    assert len(tg.messages(CHAT)) == 1
    assert [c.fault for c in tg.calls_to("sendMessage")] == [fault, None]


@pytest.mark.asyncio
async def test_a_blocked_user_does_not_stop_the_bot(tg: FakeTelegram, assistant: Assistant) -> None:
    async with running(assistant, tg):
        tg.add_chat(2002)
        tg.block(2002)
        tg.user_message("인턴제", chat_id=2002)
        await wait(tg, lambda t: [c for c in t.calls_to("sendMessage") if c.status == 403])
        assert_section(await ask(tg, "인턴제"), assistant, "disability-job-placement-5")


@pytest.mark.asyncio
@pytest.mark.parametrize("fault, copies", [("timeout", 1), ("timeout_after_act", 2)])
async def test_a_timed_out_send_is_never_lost(
    tg: FakeTelegram, assistant: Assistant, monkeypatch: pytest.MonkeyPatch, fault: str, copies: int
) -> None:
    """A timeout before Telegram acted costs nothing; one after it costs one duplicate."""
    monkeypatch.setattr(telegram_render, "RETRY_BASE_SECONDS", 0.01)
    async with running(assistant, tg, request=HTTPXRequest(read_timeout=1.0)):
        tg.fail_next("sendMessage", fault, hold=5)
        assert_section(await ask(tg, "인턴제"), assistant, "disability-job-placement-5")
        await wait(tg, lambda t: len([c for c in t.calls_to("sendMessage") if c.status is not None]) == 2)
    assert len({m["text"] for m in tg.messages(CHAT)}) == 1
    assert len(tg.messages(CHAT)) == copies


# -- python -m bot run, as an operator starts it ------------------------------------------


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    return write_config(tmp_path)


def logged_bytes(config: Path) -> bytes:
    """Everything the question log wrote to disk: the database, its WAL and shared memory."""
    found = sorted(config.parent.glob("questions.sqlite3*"))
    assert found  # the log was written
    return b"".join(path.read_bytes() for path in found)


@contextlib.contextmanager
def bot_process(
    tg: FakeTelegram, config: Path, *args: str, **environ: str
) -> Iterator[subprocess.Popen[str]]:
    """`python -m bot run` against the fake, LOG_LEVEL=DEBUG; always stopped with SIGTERM."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env.update(TELEGRAM_BOT_TOKEN=tg.token, TELEGRAM_BASE_URL=tg.base_url, LOG_LEVEL="DEBUG")
    env.update(environ)
    command = [sys.executable, "-m", "bot", "--config", str(config), "run", *args]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        process.communicate(timeout=20)


def assert_private_logs(tg: FakeTelegram, stderr: str, *private: str) -> None:
    assert "serving knowledge version" in stderr  # the logs were there to look at
    for secret in (tg.token.partition(":")[2], *private):
        assert secret not in stderr


def test_run_polls_until_sigterm(tg: FakeTelegram, assistant: Assistant, config_file: Path) -> None:
    with bot_process(tg, config_file) as process:
        tg.wait_for(lambda t: t.calls_to("getUpdates"))  # the first long poll is in flight
        tg.user_message("인턴제", chat_id=770077, first_name="홍길동")
        assert_section(tg.wait_for(lambda t: t.messages(770077)[0]), assistant, "disability-job-placement-5")
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0
    assert_private_logs(tg, stderr, "인턴제", "770077", "홍길동")
    for private in ("770077", "홍길동"):
        assert private.encode() not in logged_bytes(config_file)


def test_run_with_a_rejected_token_exits_2(tg: FakeTelegram, config_file: Path) -> None:
    rejected = "999999:" + "R" * 35  # well-formed, but not the fake's: getMe answers 401
    with bot_process(tg, config_file, TELEGRAM_BOT_TOKEN=rejected) as process:
        _, stderr = process.communicate(timeout=20)
    assert process.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in stderr and "R" * 35 not in stderr  # PTB's own log names it


def test_run_webhook_checks_the_secret(tg: FakeTelegram, assistant: Assistant, config_file: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    secret = "s3cret-Token_for-tests"
    url = "https://bot.example.org:8443/hook"
    settings = {"TELEGRAM_WEBHOOK_URL": url, "TELEGRAM_WEBHOOK_SECRET": secret}
    webhook = ("--webhook",)
    with bot_process(tg, config_file, *webhook, TELEGRAM_WEBHOOK_PORT=str(port), **settings) as process:
        tg.wait_for(lambda t: t.webhook_url == url)
        update = tg.get_update(tg.user_message("인턴제", chat_id=770077, first_name="홍길동"))
        hook = f"http://127.0.0.1:{port}/telegram"
        assert post_when_listening(hook, update, "wrong-secret").status_code == 403
        assert httpx.post(hook, json=update).status_code == 403  # no secret at all
        assert post_when_listening(hook, update, secret).status_code == 200
        health = httpx.get(f"http://127.0.0.1:{port}/healthz").json()
        assert health == {
            "status": "ok",
            "knowledge_version": assistant.catalog.version,
            "programs": len(assistant.catalog.programs),
        }
        assert_section(tg.wait_for(lambda t: t.messages(770077)[0]), assistant, "disability-job-placement-5")
        assert tg.calls_to("setWebhook")[0].params["secret_token"] == secret
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0
    assert_private_logs(tg, stderr, "인턴제", "770077", "홍길동", secret)


def post_when_listening(url: str, update: JSON, secret: str) -> httpx.Response:
    # The server listens just before setWebhook is sent: retry only the connection.
    deadline = time.monotonic() + 10
    while True:
        try:
            return httpx.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret})
        except httpx.ConnectError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)
