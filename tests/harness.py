"""Running the real Telegram application against the fake Bot API, for end-to-end tests."""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.error import NetworkError
from telegram.request import BaseRequest, RequestData

from bot import telegram_app, telegram_guard
from bot.answers import Assistant
from bot.flood import FloodLimiter
from bot.telegram_app import TelegramApp
from tests.fake_telegram import FakeTelegram

ROOT = Path(__file__).resolve().parent.parent
CHAT = 1001
JSON = dict[str, Any]
JSON_FIELDS = ("reply_markup", "results", "commands", "link_preview_options", "reply_parameters")


@contextlib.asynccontextmanager
async def running(
    assistant: Assistant,
    tg: FakeTelegram,
    *,
    request: BaseRequest | None = None,
    limiter: FloodLimiter | None = None,
) -> AsyncIterator[TelegramApp]:
    """Start as run_polling does (post_init included), polling the fake; always stop cleanly."""
    app = telegram_app.build_application(
        without_repo_log(assistant), tg.token, base_url=tg.base_url, request=request
    )
    if limiter is not None:
        app.bot_data[telegram_guard.FLOOD_KEY] = limiter
    assert app.updater is not None and app.post_init is not None
    await app.initialize()
    try:
        await app.post_init(app)
        await app.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=Update.ALL_TYPES)
        await app.start()
        yield app
    finally:
        if app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)


def without_repo_log(assistant: Assistant) -> Assistant:
    """Tests never write the repository's question log (data/ of the bundled config)."""
    settings = assistant.config.question_log
    if not settings.enabled or not settings.path.resolve().is_relative_to(ROOT):
        return assistant
    config = replace(assistant.config, question_log=replace(settings, enabled=False))
    return Assistant(config, assistant.catalog, assistant.index)


class RecordingRequest(BaseRequest):
    """Answers Bot API calls with canned results and records (method, params) of each."""

    def __init__(self, bot_user: JSON) -> None:
        self.calls: list[tuple[str, JSON]] = []
        self.failures: dict[str, list[Exception]] = {}  # raised once each, after recording the call
        self.failing: set[str] = set()  # methods that fail (unrecorded) until removed
        self._ids = itertools.count(500)
        self.results: dict[str, Any] = {
            "getMe": bot_user,
            "sendMessage": self._message,
            "editMessageText": self._message,
            "getMyCommands": [],
            "getMyDescription": {"description": ""},
            "getMyShortDescription": {"short_description": ""},
        }

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, *args: Any, **kw: Any
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        if name in self.failing:
            raise NetworkError("Bad Gateway")
        raw = request_data.json_parameters if request_data else {}
        params = {k: json.loads(v) if k in JSON_FIELDS and isinstance(v, str) else v for k, v in raw.items()}
        self.calls.append((name, params))
        if self.failures.get(name):
            raise self.failures[name].pop(0)
        result = self.results.get(name, True)
        result = result(params) if callable(result) else result
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _message(self, params: JSON) -> JSON:
        chat_id = int(params.get("chat_id") or CHAT)
        kind = "private" if chat_id > 0 else "group"
        chat: JSON = {"id": chat_id, "type": kind, **({"title": "g"} if kind == "group" else {})}
        return {"message_id": next(self._ids), "date": 0, "chat": chat, "text": params["text"]}

    def methods(self) -> list[str]:
        return [name for name, _ in self.calls]

    def sent(self) -> list[JSON]:
        return [params for name, params in self.calls if name == "sendMessage"]

    def texts(self, chat_id: int | None = None) -> list[str]:
        """Texts sent, to one chat or to all."""
        return [p["text"] for p in self.sent() if chat_id is None or int(p["chat_id"]) == chat_id]

    def count(self, method: str) -> int:
        return sum(1 for name, _ in self.calls if name == method)


def recorder(app: TelegramApp) -> RecordingRequest:
    """The RecordingRequest an application was built with."""
    request = app.bot.request
    assert isinstance(request, RecordingRequest)
    return request


@contextlib.contextmanager
def restored_logging() -> Iterator[None]:
    """Undo, afterwards, what a test does to logger levels and root handler filters."""
    names = ("", "httpx", "httpcore", "telegram")
    levels = {name: logging.getLogger(name).level for name in names}
    filters = {h: list(h.filters) for h in logging.getLogger().handlers}
    try:
        yield
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
        for handler, kept in filters.items():
            handler.filters[:] = kept
