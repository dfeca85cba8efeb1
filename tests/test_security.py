"""Secrets stay secret and knowledge files stay data.

- The bot token never reaches a log line, through a whole conversation with failures, nor an
  error message the bot shows (a failed request's `str(error)`, `python -m bot run` output).
  One exception is PTB's: InvalidToken from start-up quotes the token, so run() prints its
  own sentence instead; this file checks that it still does.
- Config, article frontmatter and programs files are parsed with YAML's safe loader: a
  Python tag is an error naming the file and nothing runs. A link out of the knowledge folder
  is refused and never read.

(The question log's privacy and the webhook secret have their own tests.)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from telegram import Bot
from telegram.error import InvalidToken, TelegramError
from telegram.request import HTTPXRequest

from bot import loader, telegram_render, telegram_run
from bot.answers import Assistant
from bot.catalog import load_catalog
from bot.config import FloodSettings, load_config
from bot.errors import BotError, ConfigError, ValidationErrors
from bot.telegram_app import TelegramApp
from tests import harness
from tests.fake_telegram import FakeTelegram
from tests.harness import restored_logging

ROOT = Path(__file__).resolve().parent.parent
REJECTED = "999999:" + "R" * 35  # well-formed, but not the fake's token
pytestmark = pytest.mark.filterwarnings("ignore:Deprecated since version v22.2")  # PTB's RetryAfter


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


def secrets_of(token: str) -> tuple[str, str]:
    return token, token.partition(":")[2]


# -- the token and the logs -----------------------------------------------------------------


@pytest.fixture
def production_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Everything at DEBUG, behind the log guard run() installs; undone afterwards."""
    with restored_logging():
        caplog.set_level(logging.DEBUG)
        yield caplog


def running(assistant: Assistant, tg: FakeTelegram) -> contextlib.AbstractAsyncContextManager[TelegramApp]:
    return harness.running(assistant, tg, request=HTTPXRequest(connection_pool_size=8, read_timeout=1.0))


@pytest.mark.asyncio
async def test_no_log_line_holds_the_token(
    tg: FakeTelegram,
    assistant: Assistant,
    tmp_path: Path,
    production_logs: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(telegram_render, "RETRY_BASE_SECONDS", 0.01)
    telegram_run.guard_logs(tg.token)
    config = assistant.config
    config = replace(
        config,
        flood=FloodSettings(max_messages=100, per_seconds=10),
        question_log=replace(config.question_log, path=tmp_path / "q.sqlite3"),
    )
    bot = Assistant(config, assistant.catalog, assistant.index)
    respond = bot.respond

    def broken_for_one(text: str) -> object:
        if text == "고장":
            raise RuntimeError("a bug in the core")
        return respond(text)

    monkeypatch.setattr(bot, "respond", broken_for_one)
    async with running(bot, tg):
        for kind in ("http502", "badjson", "timeout"):  # fewer than send_retries in a row
            tg.fail_next("sendMessage", kind, hold=3)
        for kind in ("reset", "badjson"):
            tg.fail_next("getUpdates", kind)
        tg.add_chat(2002)
        tg.block(2002)
        tg.user_message("인턴제", chat_id=2002)  # 403: blocked
        for text in ("/start", "인턴제", "고장", "<b>&</b>", "구직등록"):
            tg.user_message(text)
        tg.user_sticker()
        tg.inline_query("인턴")
        await asyncio.to_thread(tg.wait_for, lambda t: len(t.messages(1001)) == 5, 30)
    assert len([c for c in tg.calls if c.fault]) == 5  # every failure happened
    telegram_run.guard_logs(REJECTED)  # as run() does for whatever token it was given
    with pytest.raises(InvalidToken):
        async with Bot(REJECTED, base_url=tg.base_url):
            pass

    records = production_logs.records
    assert any(r.levelno >= logging.ERROR for r in records)  # the failures were logged
    for secret in (*secrets_of(tg.token), REJECTED.partition(":")[2]):
        assert secret not in production_logs.text
        assert not [r for r in records if secret in r.getMessage() or secret in (r.exc_text or "")]


@pytest.mark.asyncio
@pytest.mark.parametrize("kind", ["http500", "http502", "http429", "reset", "badjson", "timeout"])
async def test_a_failed_request_does_not_name_the_token(tg: FakeTelegram, kind: str) -> None:
    tg.add_chat(1001)
    tg.fail_next("sendMessage", kind, hold=3)
    request = HTTPXRequest(read_timeout=0.5)
    async with Bot(tg.token, base_url=tg.base_url, request=request) as bot:
        with pytest.raises(TelegramError) as caught:
            await bot.send_message(1001, "안녕")
    assert_not_in_error(caught.value, tg.token)


@pytest.mark.asyncio
async def test_an_unreachable_server_does_not_name_the_token() -> None:
    port = free_port()
    token = FakeTelegram().token
    bot = Bot(token, base_url=f"http://127.0.0.1:{port}/bot")
    with pytest.raises(TelegramError) as caught:
        await bot.initialize()
    await bot.shutdown()
    assert_not_in_error(caught.value, token)


@pytest.mark.asyncio
async def test_ptb_quotes_a_rejected_token(tg: FakeTelegram) -> None:
    """Why run() must never print InvalidToken itself (test_run_output_never_names_the_token)."""
    with pytest.raises(InvalidToken) as caught:
        async with Bot(REJECTED, base_url=tg.base_url):
            pass
    assert REJECTED in str(caught.value)


def assert_not_in_error(error: BaseException, token: str) -> None:
    chain: BaseException | None = error
    while chain is not None:
        for secret in secrets_of(token):
            assert secret not in str(chain) and secret not in repr(chain), type(chain).__name__
        chain = chain.__cause__ or chain.__context__


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_bot(token: str, base_url: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env.update(TELEGRAM_BOT_TOKEN=token, TELEGRAM_BASE_URL=base_url, LOG_LEVEL="DEBUG")
    command = [sys.executable, "-m", "bot", "run"]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("problem", ["rejected", "unreachable", "server error"])
def test_run_output_never_names_the_token(tg: FakeTelegram, problem: str) -> None:
    token, base_url = tg.token, tg.base_url
    if problem == "rejected":
        token = REJECTED
    elif problem == "unreachable":
        base_url = f"http://127.0.0.1:{free_port()}/bot"
    else:
        tg.fail_next("getMe", "http500")
    finished = run_bot(token, base_url)
    assert finished.returncode == (2 if problem == "rejected" else 1), finished.stderr[-2000:]
    said = "TELEGRAM_BOT_TOKEN" if problem == "rejected" else "the bot stopped"
    assert said in finished.stderr
    for secret in secrets_of(token):
        assert secret not in finished.stderr and secret not in finished.stdout


# -- knowledge files are data ---------------------------------------------------------------

PYTHON_TAGS = [
    '!!python/object/apply:os.system ["touch {marker}"]',
    '!!python/object/new:os.system ["touch {marker}"]',
    "!!python/name:os.system",
    "!!python/module:os",
]


def tagged(tag: str, marker: Path) -> str:
    return tag.format(marker=marker)


@pytest.mark.parametrize("tag", PYTHON_TAGS)
def test_a_python_tag_in_frontmatter_is_an_error(knowledge_copy: Path, tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "executed"
    article = knowledge_copy / "disability-job-placement.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(
        text.replace("menu_order: 1", f"menu_order: {tagged(tag, marker)}", 1), encoding="utf-8"
    )
    with pytest.raises(ValidationErrors) as caught:
        load_catalog(knowledge_copy)
    assert caught.value.errors[0].path == article  # (then: programs naming a missing article)
    assert not marker.exists()


@pytest.mark.parametrize("tag", PYTHON_TAGS)
def test_a_python_tag_in_the_programs_file_is_an_error(
    knowledge_copy: Path, tmp_path: Path, tag: str
) -> None:
    marker = tmp_path / "executed"
    programs = knowledge_copy / "programs.yaml"
    programs.write_text(f"programs: {tagged(tag, marker)}\n", encoding="utf-8")
    with pytest.raises(ValidationErrors) as caught:
        load_catalog(knowledge_copy)
    assert programs in [error.path for error in caught.value.errors]
    assert not marker.exists()


@pytest.mark.parametrize("tag", PYTHON_TAGS)
def test_a_python_tag_in_the_config_is_an_error(tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "executed"
    config = tmp_path / "config.yaml"
    text = (ROOT / "config.yaml").read_text(encoding="utf-8")
    config.write_text(
        text.replace("max_messages: 5", f"max_messages: {tagged(tag, marker)}", 1), encoding="utf-8"
    )
    with pytest.raises(ConfigError) as caught:
        load_config(config, ROOT / "knowledge")
    assert caught.value.path == config and str(caught.value).startswith(str(config))
    assert not marker.exists()


OUTSIDE = "---\ntitle: 바깥 글\nslug: outside\n---\n\n비밀 내용 SECRET-OUTSIDE\n"


@pytest.mark.parametrize("how", ["relative", "absolute", "chain", "programs", "directory"])
def test_a_link_out_of_the_knowledge_folder_is_refused(
    knowledge_copy: Path, tmp_path: Path, how: str
) -> None:
    outside_dir = tmp_path / "outside"
    outside_dir.mkdir()
    outside = outside_dir / "secret.md"
    outside.write_text(OUTSIDE, encoding="utf-8")
    link = knowledge_copy / ("more.yaml" if how == "programs" else "linked.md")
    if how == "relative":
        os.symlink(os.path.relpath(outside, knowledge_copy), link)
    elif how in ("absolute", "programs"):
        os.symlink(outside, link)
    elif how == "chain":  # inside, then out
        os.symlink(outside, outside_dir / "hop.md")
        os.symlink(outside_dir / "hop.md", knowledge_copy / "first.md")
        link = knowledge_copy / "first.md"
    else:
        os.symlink(outside_dir, link)
    with pytest.raises(BotError) as caught:
        loader.load(ROOT / "config.yaml", knowledge_copy)
    assert isinstance(caught.value, ValidationErrors)
    [error] = caught.value.errors
    assert error.path == link and "outside the folder" in str(error)
    assert "SECRET-OUTSIDE" not in str(caught.value)
