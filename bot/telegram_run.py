"""Running the Telegram bot: the token, webhook settings, log redaction, the webhook
server and run().

Secrets come only from the environment and never reach a log line; a missing or
malformed setting is one Korean line and one English line for the operator.

The webhook server follows PTB's customwebhookbot example on tornado (PTB's own webhooks
extra) instead of run_webhook, which cannot serve anything but updates: beside POST
/<url_path> it answers GET /healthz with the knowledge being served right now.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import signal
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import tornado.web
from telegram import Update
from telegram.error import InvalidToken, TelegramError
from tornado.httpserver import HTTPServer

from bot import loader
from bot.answers import Assistant
from bot.config import TelegramSettings
from bot.telegram_app import ASSISTANT_KEY, TelegramApp, build_application

log = logging.getLogger(__name__)

TOKEN_PATTERN = re.compile(r"[0-9]{5,}:[A-Za-z0-9_-]{30,}")
SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/healthz"
MAX_UPDATE_BYTES = 1 << 20  # an update is a few kB; refuse anything far bigger unread


class SetupError(Exception):
    """A setting missing for Telegram: one Korean line and one English line for the operator."""

    def __init__(self, korean: str, english: str) -> None:
        super().__init__(f"{korean}\n{english}")


@dataclass(frozen=True)
class Webhook:
    listen: str
    port: int
    url_path: str
    webhook_url: str
    secret_token: str


def run(config_path: Path, knowledge_dir: Path | None, *, webhook: bool, environ: Mapping[str, str]) -> int:
    """Run the bot until SIGINT/SIGTERM; the exit code for the command line."""
    try:
        token = check_token(environ.get("TELEGRAM_BOT_TOKEN", ""))
        assistant = loader.load(config_path, knowledge_dir)
        settings = assistant.config.telegram
        hook = webhook_settings(settings, environ) if webhook else None
    except SetupError as error:
        print(error, file=sys.stderr)
        return 2
    guard_logs(token, hook.secret_token if hook else "")
    base_url = environ.get("TELEGRAM_BASE_URL", "").strip() or settings.base_url
    application = build_application(assistant, token, base_url=base_url, knowledge_dir=knowledge_dir)
    try:
        if hook is None:
            application.run_polling(allowed_updates=Update.ALL_TYPES)
        else:
            asyncio.run(serve_webhook(application, hook))
    except InvalidToken:
        print(
            "텔레그램이 TELEGRAM_BOT_TOKEN을 거부했습니다. @BotFather에서 토큰을 다시 확인하세요.\n"
            "Telegram rejected TELEGRAM_BOT_TOKEN; check the token with @BotFather.",
            file=sys.stderr,
        )
        return 2
    except TelegramError as error:
        log.error("the bot stopped: %s: %s", type(error).__name__, error)
        return 1
    except OSError as error:  # the webhook's port is taken, or not ours to open
        log.error("the webhook server did not start: %s: %s", type(error).__name__, error)
        return 1
    return 0


def check_token(token: str) -> str:
    """The token if it looks like one from @BotFather; never echoes it back."""
    token = token.strip()
    if TOKEN_PATTERN.fullmatch(token):
        return token
    korean, english = (
        ("TELEGRAM_BOT_TOKEN이 설정되지 않았습니다", "TELEGRAM_BOT_TOKEN is not set")
        if not token
        else ("TELEGRAM_BOT_TOKEN의 형식이 맞지 않습니다", "TELEGRAM_BOT_TOKEN is malformed")
    )
    raise SetupError(
        f"{korean}. @BotFather가 준 토큰(123456789:AA... 꼴)을 export TELEGRAM_BOT_TOKEN=... 으로 "
        "넣으세요. 텔레그램 없이 시험하려면 python -m bot chat 을 쓰세요.",
        f"{english}: export TELEGRAM_BOT_TOKEN=<the 123456789:AA... token from @BotFather>, "
        "or try the bot without Telegram: python -m bot chat",
    )


def webhook_settings(settings: TelegramSettings, environ: Mapping[str, str]) -> Webhook:
    """Webhook settings from config.yaml, overridden by the environment; refuses a bad one."""
    url = environ.get("TELEGRAM_WEBHOOK_URL", "").strip() or settings.webhook_url
    secret = environ.get("TELEGRAM_WEBHOOK_SECRET", "").strip() or settings.secret_token
    port = environ.get("TELEGRAM_WEBHOOK_PORT", "").strip() or str(settings.port)
    if not url.startswith("https://"):
        raise SetupError(
            "웹훅에는 공개 https 주소가 필요합니다: export TELEGRAM_WEBHOOK_URL=https://example.org/telegram",
            "A webhook needs a public https URL: export TELEGRAM_WEBHOOK_URL=https://example.org/telegram",
        )
    if not SECRET_PATTERN.fullmatch(secret):
        how = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        raise SetupError(
            "웹훅 비밀 토큰(영문, 숫자, _, - 로 256자 이하)이 필요합니다: "
            f"export TELEGRAM_WEBHOOK_SECRET=$({how})",
            f"A webhook needs a secret token (A-Z, a-z, 0-9, _ and -, up to 256): "
            f"export TELEGRAM_WEBHOOK_SECRET=$({how})",
        )
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        raise SetupError(
            "TELEGRAM_WEBHOOK_PORT는 1에서 65535 사이의 숫자여야 합니다.",
            "TELEGRAM_WEBHOOK_PORT must be a number from 1 to 65535.",
        )
    listen = environ.get("TELEGRAM_WEBHOOK_LISTEN", "").strip() or settings.listen
    return Webhook(listen, int(port), settings.url_path, url, secret)


# -- the webhook server ---------------------------------------------------------------------


async def serve_webhook(application: TelegramApp, hook: Webhook, stop: asyncio.Event | None = None) -> None:
    """Serve updates and the health check until SIGINT/SIGTERM (or `stop`, in tests), then
    stop as run_webhook does: server, application, shutdown, post_shutdown."""
    if stop is None:
        stop = asyncio.Event()
        for number in (signal.SIGINT, signal.SIGTERM):
            asyncio.get_running_loop().add_signal_handler(number, stop.set)
    server = HTTPServer(webhook_routes(application, hook), max_body_size=MAX_UPDATE_BYTES)
    try:
        await application.initialize()
        if application.post_init is not None:
            await application.post_init(application)
        server.listen(hook.port, address=hook.listen)
        await application.bot.set_webhook(
            hook.webhook_url, secret_token=hook.secret_token, allowed_updates=Update.ALL_TYPES
        )
        await application.start()
        log.info("webhook server on %s:%d: /%s and %s", hook.listen, hook.port, hook.url_path, HEALTH_PATH)
        await stop.wait()
    finally:
        server.stop()
        await server.close_all_connections()
        if application.running:
            await application.stop()
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)


def webhook_routes(application: TelegramApp, hook: Webhook) -> tornado.web.Application:
    path = "/" + re.escape(hook.url_path.strip("/")) + "/?"
    return tornado.web.Application(
        [
            (path, UpdateHandler, {"bot_app": application, "secret": hook.secret_token}),
            (HEALTH_PATH, HealthHandler, {"bot_app": application}),
        ],
        log_function=_log_request,
    )


class _Handler(tornado.web.RequestHandler):
    """Logs no request details on failure: the headers hold the webhook's secret."""

    def initialize(self, bot_app: TelegramApp, secret: str = "") -> None:
        self.bot_app = bot_app
        self.secret = secret.encode("utf-8")

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        log.error("webhook request failed: %s: %s", getattr(typ, "__name__", typ), value)


class UpdateHandler(_Handler):
    async def post(self) -> None:
        """Queue an update that carries the webhook's secret; 403 without it."""
        given = self.request.headers.get(SECRET_HEADER, "").encode("utf-8", "replace")
        if not hmac.compare_digest(given, self.secret):
            self.set_status(403)
            return
        try:
            data = json.loads(self.request.body)
            update = Update.de_json(data, self.bot_app.bot) if isinstance(data, dict) else None
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            log.warning("webhook: a request that is not an update (%s)", type(error).__name__)
            update = None
        if update is None:
            self.set_status(400)
            return
        await self.bot_app.update_queue.put(update)


class HealthHandler(_Handler):
    def get(self) -> None:
        """The knowledge served right now (a /reload changes it); 503 while not running."""
        catalog = cast(Assistant, self.bot_app.bot_data[ASSISTANT_KEY]).catalog
        running = self.bot_app.running
        self.set_status(200 if running else 503)
        self.set_header("Cache-Control", "no-store")
        status = "ok" if running else "not running"
        self.write(
            {"status": status, "knowledge_version": catalog.version, "programs": len(catalog.programs)}
        )


def _log_request(handler: tornado.web.RequestHandler) -> None:
    log.debug("webhook: %d %s %s", handler.get_status(), handler.request.method, handler.request.path)


# -- logs ------------------------------------------------------------------------------------


class RedactSecrets(logging.Filter):
    """Replace secrets (the bot token's, the webhook's) in every record a handler emits."""

    def __init__(self, *secrets: str) -> None:
        super().__init__()
        self.secrets = tuple(secret for secret in secrets if secret)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "<secret>")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed logging call: the formatter reports it
            return True
        if self.redact(message) != message:
            record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def guard_logs(token: str, *secrets: str) -> None:
    """Keep the token, other secrets and user data out of the logs, whatever LOG_LEVEL says.

    httpx logs every request URL, token included, at INFO; PTB logs whole updates and
    API parameters (user text) at DEBUG. The filter catches anything that slips through.
    """
    root = logging.getLogger()
    level = root.getEffectiveLevel()
    logging.getLogger("httpx").setLevel(max(logging.WARNING, level))
    logging.getLogger("httpcore").setLevel(max(logging.WARNING, level))
    logging.getLogger("telegram").setLevel(max(logging.INFO, level))
    redact = RedactSecrets(token.partition(":")[2] or token, *secrets)
    for handler in root.handlers:
        if not any(isinstance(f, RedactSecrets) and f.secrets == redact.secrets for f in handler.filters):
            handler.addFilter(redact)
