"""The Telegram front end: wiring, handlers, start-up work and run().

Handlers stay thin: the core (bot.answers.Assistant) decides what to say, bot.telegram_render
how it looks, and this module how it is sent. Privacy: nothing here logs a user's id, name,
chat id or text, and the bot token is kept out of every log line.
"""

from __future__ import annotations

import asyncio
import logging
import re
import traceback
import weakref
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeAlias, cast

from telegram import Bot, BotCommand, Message, Update
from telegram.constants import ChatType
from telegram.error import Forbidden, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.answers import Assistant, Reply
from bot.config import TelegramSettings
from bot.telegram_render import edit, inline_results, send, with_retries

log = logging.getLogger(__name__)

TelegramApp: TypeAlias = Application[Any, Any, Any, Any, Any, Any]

ASSISTANT_KEY = "assistant"
COMMANDS = (("start", "시작하기"), ("menu", "프로그램 메뉴 보기"), ("help", "물어보는 방법"))
INLINE_CACHE_SECONDS = 60
PROFILE_TIMEOUT_SECONDS = 20.0
CONCURRENT_UPDATES = 32
_PACKAGE_DIR = str(Path(__file__).resolve().parent)


def assistant_of(context: ContextTypes.DEFAULT_TYPE) -> Assistant:
    """The current Assistant; a reload may swap it between two updates, never during one."""
    return cast(Assistant, context.bot_data[ASSISTANT_KEY])


# -- handlers ------------------------------------------------------------------------------


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet with the menu, or open the program a deep link names."""
    assistant = assistant_of(context)
    payload = context.args[0] if context.args else ""
    await reply_to(update, context, assistant.open(payload) if payload else assistant.welcome())


async def on_menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the program menu."""
    await reply_to(update, context, assistant_of(context).menu())


async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain how to ask."""
    await reply_to(update, context, assistant_of(context).help())


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a question typed in a private chat."""
    message = update.effective_message
    if message is not None and message.text:
        await reply_to(update, context, assistant_of(context).respond(message.text))


async def on_group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a group message that mentions or replies to the bot; ignore the rest."""
    message = update.effective_message
    bot = context.bot
    question = addressed_question(message, bot.id, bot.username) if message else None
    if question is not None:
        assistant = assistant_of(context)
        await reply_to(update, context, assistant.respond(question) if question else assistant.menu())


async def on_non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say that only written questions can be read."""
    await reply_to(update, context, assistant_of(context).non_text())


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Open what a button names: the menu page in place, anything else as a new message."""
    query = update.callback_query
    if query is None:
        return
    await answer_quietly(query.answer)
    data = query.data or ""
    reply = assistant_of(context).open(data)
    message, retries = query.message, retries_of(context)
    if message is None:  # pressed in an inline message: nothing to send to
        return
    if (
        data.startswith("menu:")
        and isinstance(message, Message)
        and await edit(message, reply, retries=retries)
    ):
        return
    await send(context.bot, message.chat.id, reply, retries=retries)


async def on_inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer matching sections to share in any chat."""
    query = update.inline_query
    if query is not None:
        results = inline_results(assistant_of(context).inline(query.query))
        answer = partial(query.answer, results, cache_time=INLINE_CACHE_SECONDS)
        await with_retries(answer, retries_of(context), "answerInlineQuery")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the update id, the exception and where it happened; never who or what was written."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else "-"
    if isinstance(error, Forbidden):
        log.warning("update %s: %s (blocked, or no longer in the chat)", update_id, error.message)
        return
    name = type(error).__name__
    log.error("update %s failed at %s: %s: %s", update_id, _origin(error), name, error)


def _origin(error: BaseException | None) -> str:
    frames = traceback.extract_tb(error.__traceback__) if error else []
    ours = [f for f in frames if f.filename.startswith(_PACKAGE_DIR)] or frames
    return f"{Path(ours[-1].filename).name}:{ours[-1].lineno} ({ours[-1].name})" if ours else "?"


# -- sending -------------------------------------------------------------------------------


def retries_of(context: ContextTypes.DEFAULT_TYPE) -> int:
    return assistant_of(context).config.telegram.send_retries


async def reply_to(update: Update, context: ContextTypes.DEFAULT_TYPE, reply: Reply) -> None:
    """Send a reply into the update's chat; in a group, as a reply to the asker."""
    message = update.effective_message
    if message is None:
        return
    quote = message.message_id if message.chat.type != ChatType.PRIVATE else None
    await send(context.bot, message.chat.id, reply, retries=retries_of(context), quote=quote)


async def answer_quietly(answer: Callable[[], Awaitable[bool]]) -> None:
    """Stop the button's spinner; a query too old to answer must not stop the action."""
    try:
        await answer()
    except TelegramError as error:
        log.info("callback query not answered: %s", error.message)


def addressed_question(message: Message, bot_id: int, username: str | None) -> str | None:
    """The question of a group message meant for the bot (mention removed), else None."""
    text = message.text or ""
    replied = message.reply_to_message
    to_bot = bool(replied and replied.from_user and replied.from_user.id == bot_id)
    mention = re.compile(rf"(?<![A-Za-z0-9_@])@{re.escape(username or '')}(?![A-Za-z0-9_])", re.I)
    mentioned = bool(username and mention.search(text))
    if not text or not (to_bot or mentioned):
        return None
    return " ".join((mention.sub(" ", text) if username else text).split())


# -- wiring --------------------------------------------------------------------------------


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Different chats at the same time, one chat's updates in order.

    A send stuck in retries then delays only its own chat, and answers never overtake
    each other within a chat.
    """

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: weakref.WeakValueDictionary[object, asyncio.Lock] = weakref.WeakValueDictionary()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key: object = id(update)
        if isinstance(update, Update):
            chat, user = update.effective_chat, update.effective_user
            key = ("chat", chat.id) if chat else ("user", user.id) if user else update.update_id
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        async with lock:
            await coroutine

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


def build_application(
    assistant: Assistant,
    token: str,
    *,
    base_url: str = "",
    rate_limit: bool = True,
    request: BaseRequest | None = None,
) -> TelegramApp:
    """Wire every handler around an Assistant; `request` replaces HTTP (tests)."""
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = ApplicationBuilder()
    builder = builder.token(token).post_init(start_up)
    builder = builder.concurrent_updates(PerChatUpdateProcessor(CONCURRENT_UPDATES))
    if base_url:
        api, files = api_urls(base_url)
        builder = builder.base_url(api).base_file_url(files)
    if rate_limit:  # the limiter retries only 429s, and only because max_retries is set
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application: TelegramApp = builder.build()
    application.bot_data[ASSISTANT_KEY] = assistant
    message = filters.UpdateType.MESSAGE  # edits of old messages get no second answer
    private = filters.ChatType.PRIVATE & message
    typed = filters.TEXT & ~filters.VIA_BOT  # not an answer the user shared via inline mode
    application.add_handlers(
        [
            CommandHandler("start", on_start, filters=message),
            CommandHandler("menu", on_menu, filters=message),
            CommandHandler("help", on_help, filters=message),
            MessageHandler(private & filters.COMMAND, on_help),
            MessageHandler(private & typed, on_text),
            MessageHandler(private & ~filters.TEXT & ~filters.StatusUpdate.ALL, on_non_text),
            MessageHandler(filters.ChatType.GROUPS & message & typed & ~filters.COMMAND, on_group_text),
            CallbackQueryHandler(on_button),
            InlineQueryHandler(on_inline),
        ]
    )
    application.add_error_handler(on_error)
    return application


def api_urls(base_url: str) -> tuple[str, str]:
    """Bot API and file URLs of a server given as e.g. http://localhost:8081/bot."""
    api = base_url.rstrip("/")
    if not api.endswith("/bot") and "{" not in api:
        api += "/bot"
    head, _, tail = api.rpartition("/bot")
    return api, f"{head}/file/bot{tail}"


async def start_up(application: TelegramApp) -> None:
    """Say what is being served, then publish the commands and descriptions."""
    catalog = cast(Assistant, application.bot_data[ASSISTANT_KEY]).catalog
    name, version, count = application.bot.username, catalog.version, len(catalog.programs)
    log.info("@%s serving knowledge version %s (%d programs)", name, version, count)
    await publish_profile(application)


async def publish_profile(application: TelegramApp) -> None:
    """Set the commands and descriptions where they differ; a failure only warns."""
    settings = cast(Assistant, application.bot_data[ASSISTANT_KEY]).config.telegram
    try:
        await asyncio.wait_for(_sync_profile(application.bot, settings), PROFILE_TIMEOUT_SECONDS)
    except TimeoutError:
        log.warning("bot commands/description not checked within %.0f s", PROFILE_TIMEOUT_SECONDS)


async def _sync_profile(bot: Bot, settings: TelegramSettings) -> None:
    steps = (
        ("commands", _sync_commands),
        ("description", _sync_description),
        ("short description", _sync_short),
    )
    for name, step in steps:
        try:
            if await step(bot, settings):
                log.info("bot %s updated", name)
        except TelegramError as error:
            log.warning("bot %s not updated: %s: %s", name, type(error).__name__, error)


async def _sync_commands(bot: Bot, settings: TelegramSettings) -> bool:
    current = [(c.command, c.description) for c in await bot.get_my_commands()]
    if current == list(COMMANDS):
        return False
    return await bot.set_my_commands([BotCommand(c, d) for c, d in COMMANDS])


async def _sync_description(bot: Bot, settings: TelegramSettings) -> bool:
    wanted = settings.description.strip()
    if not wanted or (await bot.get_my_description()).description.strip() == wanted:
        return False
    return await bot.set_my_description(wanted)


async def _sync_short(bot: Bot, settings: TelegramSettings) -> bool:
    wanted = settings.short_description.strip()
    if not wanted or (await bot.get_my_short_description()).short_description.strip() == wanted:
        return False
    return await bot.set_my_short_description(wanted)
