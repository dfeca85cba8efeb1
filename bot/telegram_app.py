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
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeAlias, cast

from telegram import Message, Update
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
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot import loader, telegram_ops, telegram_profile
from bot.answers import Assistant, Outcome, Reply
from bot.errors import BotError
from bot.questionlog import QuestionLog
from bot.telegram_guard import flood_guard
from bot.telegram_ops import FEEDBACK_PATTERN, for_telegram, parse_feedback, split_row
from bot.telegram_profile import ADMIN_COMMANDS as ADMIN_COMMANDS
from bot.telegram_profile import COMMANDS as COMMANDS
from bot.telegram_render import edit, inline_results, send, with_retries

log = logging.getLogger(__name__)

TelegramApp: TypeAlias = Application[Any, Any, Any, Any, Any, Any]

ASSISTANT_KEY = "assistant"
QUESTION_LOG_KEY = "question_log"
KNOWLEDGE_DIR_KEY = "knowledge_dir"  # a --knowledge given at start-up, kept by /reload
ADMIN_MENUS_KEY = "admin_menus"  # admins whose chat shows the admin commands
INLINE_CACHE_SECONDS = 60
CONCURRENT_UPDATES = 32
_PACKAGE_DIR = str(Path(__file__).resolve().parent)


def assistant_of(context: ContextTypes.DEFAULT_TYPE) -> Assistant:
    """The current Assistant; /reload may swap it at any await, so take it once per update."""
    return cast(Assistant, context.bot_data[ASSISTANT_KEY])


def question_log_of(context: ContextTypes.DEFAULT_TYPE) -> QuestionLog | None:
    """The question log opened at start-up; None when it is off (or not started: tests)."""
    return cast(QuestionLog | None, context.bot_data.get(QUESTION_LOG_KEY))


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


async def on_privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say what the bot records, why, and for how long."""
    await reply_to(update, context, telegram_ops.privacy_reply(assistant_of(context).config))


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain how to ask in a private chat; in a group, a command not ours is not for us."""
    chat = update.effective_chat
    if chat is not None and chat.type == ChatType.PRIVATE:
        await on_help(update, context)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a question typed in a private chat."""
    message = update.effective_message
    if message is not None and message.text:
        await answer_question(update, context, message.text)


async def on_group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a group message that mentions or replies to the bot; ignore the rest."""
    message = update.effective_message
    bot = context.bot
    question = addressed_question(message, bot.id, bot.username) if message else None
    if question:
        await answer_question(update, context, question)
    elif question is not None:
        await reply_to(update, context, assistant_of(context).menu())


async def answer_question(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
    """Answer through the core; record the question (never who asked) and link its buttons."""
    assistant, chat = assistant_of(context), update.effective_chat
    reply = assistant.respond(question)
    if chat is not None:
        row_id = await telegram_ops.record_question(question_log_of(context), question, reply, chat.id)
        reply = for_telegram(reply, row_id, assistant.config.feedback)
    await reply_to(update, context, reply)


async def on_non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say that only written questions can be read."""
    await reply_to(update, context, assistant_of(context).non_text())


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Open what a button names: the menu page in place, anything else as a new message."""
    query = update.callback_query
    if query is None:
        return
    await answer_quietly(query.answer)
    data, row_id = split_row(query.data or "")  # the core never sees our row suffix
    assistant = assistant_of(context)
    reply = assistant.open(data)
    message, retries = query.message, assistant.config.telegram.send_retries
    if message is None:  # pressed in an inline message: nothing to send to
        return
    if row_id is not None and reply.outcome == Outcome.ANSWER:  # a suggestion under a question
        await telegram_ops.record_pick(question_log_of(context), row_id, reply.section_ids[0])
        reply = for_telegram(reply, row_id, assistant.config.feedback)
    if (
        data.startswith("menu:")
        and isinstance(message, Message)
        and await edit(message, reply, retries=retries)
    ):
        return
    await send(context.bot, message.chat.id, reply, retries=retries)


async def on_feedback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Thank for a "was this helpful?" press, record it, and take the pair of buttons away."""
    query = update.callback_query
    parsed = parse_feedback(query.data or "") if query else None
    if query is None or parsed is None:  # PTB gives empty data to every pattern
        await on_button(update, context)
        return
    config = assistant_of(context).config
    await answer_quietly(partial(query.answer, config.feedback.thanks))
    await telegram_ops.record_feedback(question_log_of(context), *parsed)
    if isinstance(query.message, Message):  # else too old to be known, or an inline message
        await telegram_ops.remove_feedback(query.message, config.telegram.send_retries)


async def on_inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer matching sections to share in any chat."""
    query = update.inline_query
    if query is not None:
        results = inline_results(assistant_of(context).inline(query.query))
        answer = partial(query.answer, results, cache_time=INLINE_CACHE_SECONDS)
        await with_retries(answer, retries_of(context), "answerInlineQuery")


# -- admins --------------------------------------------------------------------------------


async def on_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Summarise the question log for an admin: counts and titles only, never a question."""
    if await admitted(update, context):
        settings, today = assistant_of(context).config.question_log, datetime.now(UTC).date()
        lines = await asyncio.to_thread(telegram_ops.stats_lines, settings, today)
        await reply_to(update, context, telegram_ops.notice(*lines, title=telegram_ops.STATS_TITLE))


async def on_reload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reload config and knowledge for an admin; a broken file leaves the old ones serving."""
    if not await admitted(update, context):
        return
    old = assistant_of(context)
    try:  # the same validation as `python -m bot check`, off the event loop
        new = await asyncio.to_thread(loader.load, old.config.path, context.bot_data.get(KNOWLEDGE_DIR_KEY))
    except BotError as error:
        log.warning("reload refused; still serving knowledge version %s:\n%s", old.catalog.version, error)
        await reply_to(update, context, telegram_ops.notice(*telegram_ops.reload_failed_lines(old, error)))
        return
    await swap_assistant(context.application, new)
    await reply_to(update, context, telegram_ops.notice(*telegram_ops.reloaded_lines(old, new)))
    if (new.config.admins, new.config.telegram) != (old.config.admins, old.config.telegram):
        await publish_profile(context.application)


async def admitted(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """An admin in a private chat; anyone else gets what any unknown command gets."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or user.id not in assistant_of(context).config.admins:
        await on_unknown_command(update, context)
        return False
    if chat.type != ChatType.PRIVATE:  # the report is for operators, not for a whole group
        await reply_to(update, context, telegram_ops.notice(telegram_ops.ADMIN_PRIVATE_ONLY))
        return False
    return True


async def swap_assistant(application: TelegramApp, new: Assistant) -> None:
    """Serve `new` from the next update on; reopen the question log if its settings changed."""
    old = cast(Assistant, application.bot_data[ASSISTANT_KEY])
    application.bot_data[ASSISTANT_KEY] = new
    log.info(
        "reloaded: serving knowledge version %s (%d programs)", new.catalog.version, len(new.catalog.programs)
    )
    if new.config.question_log != old.config.question_log:
        previous = application.bot_data.pop(QUESTION_LOG_KEY, None)
        opened = await telegram_ops.open_question_log(new.config.question_log)
        application.bot_data[QUESTION_LOG_KEY] = opened
        await telegram_ops.close_question_log(previous)


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
    """Stop the button's spinner (one retry on a network failure); a query too old to
    answer must not stop the action."""
    try:
        await with_retries(answer, 1, "answerCallbackQuery")
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
    knowledge_dir: Path | None = None,
) -> TelegramApp:
    """Wire every handler around an Assistant; `request` replaces HTTP (tests), and
    `knowledge_dir` is the folder given on the command line, if any (for /reload)."""
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = ApplicationBuilder()
    builder = builder.token(token).post_init(start_up).post_shutdown(shut_down)
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
    application.bot_data[KNOWLEDGE_DIR_KEY] = knowledge_dir
    message = filters.UpdateType.MESSAGE  # edits of old messages get no second answer
    private = filters.ChatType.PRIVATE & message
    typed = filters.TEXT & ~filters.VIA_BOT  # not an answer the user shared via inline mode
    application.add_handlers(
        [
            CommandHandler("start", on_start, filters=message),
            CommandHandler("menu", on_menu, filters=message),
            CommandHandler("help", on_help, filters=message),
            CommandHandler("privacy", on_privacy, filters=message),
            CommandHandler("stats", on_stats, filters=message),
            CommandHandler("reload", on_reload, filters=message),
            MessageHandler(private & filters.COMMAND, on_unknown_command),
            MessageHandler(private & typed, on_text),
            MessageHandler(private & ~filters.TEXT & ~filters.StatusUpdate.ALL, on_non_text),
            MessageHandler(filters.ChatType.GROUPS & message & typed & ~filters.COMMAND, on_group_text),
            CallbackQueryHandler(on_feedback, pattern=FEEDBACK_PATTERN),
            CallbackQueryHandler(on_button),
            InlineQueryHandler(on_inline),
        ]
    )
    application.add_handler(TypeHandler(Update, flood_guard), group=-1)  # before every handler
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
    """Say what is being served, open the question log, then publish commands and descriptions."""
    assistant = cast(Assistant, application.bot_data[ASSISTANT_KEY])
    catalog = assistant.catalog
    name, version, count = application.bot.username, catalog.version, len(catalog.programs)
    log.info("@%s serving knowledge version %s (%d programs)", name, version, count)
    opened = await telegram_ops.open_question_log(assistant.config.question_log)
    application.bot_data[QUESTION_LOG_KEY] = opened
    await publish_profile(application)


async def shut_down(application: TelegramApp) -> None:
    """Close the question log, after the last update was handled."""
    await telegram_ops.close_question_log(application.bot_data.pop(QUESTION_LOG_KEY, None))


async def publish_profile(application: TelegramApp) -> None:
    """Set the commands (the admins' too) and descriptions where they differ; failures only warn."""
    config = cast(Assistant, application.bot_data[ASSISTANT_KEY]).config
    shown: set[int] = application.bot_data.setdefault(ADMIN_MENUS_KEY, set())
    await telegram_profile.publish(application.bot, config, shown)
