"""Running the real Telegram application against the fake Bot API, for end-to-end tests."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

from telegram import Update
from telegram.request import BaseRequest

from bot import telegram_app, telegram_guard
from bot.answers import Assistant
from bot.flood import FloodLimiter
from bot.telegram_app import TelegramApp
from tests.fake_telegram import FakeTelegram

ROOT = Path(__file__).resolve().parent.parent


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
