"""The flood guard: before any handler runs (group -1), stop updates of a chat asking too fast.

Counted, per chat: every update the bot would answer in a chat, that is a message or a button
press some handler takes; in a group, only messages meant for the bot (a command, a mention,
a reply to it), so people talking among themselves never trigger a notice.

Not counted: inline queries. They have no chat, Telegram clients send one per pause in typing
(a single question easily makes five in a few seconds) and Telegram caches the answers
(cache_time), so a chat's budget would only make inline search stop mid-word. Answering one
costs a search and one answerInlineQuery, which posts nothing into any chat.

The limiter lives in application.bot_data[FLOOD_KEY]; it follows the flood settings of the
current Assistant, so a reload that changes them starts a fresh limiter (one that does not
may replace or drop bot_data[FLOOD_KEY] itself).
"""

from __future__ import annotations

import logging
import re
from collections.abc import MutableMapping
from typing import Any, cast

from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes, filters

from bot.answers import Assistant, Block, Outcome, Reply
from bot.config import FloodSettings
from bot.flood import FloodLimiter, Verdict
from bot.telegram_render import send, with_retries

log = logging.getLogger(__name__)

ASSISTANT_KEY = "assistant"  # where telegram_app keeps the Assistant (a test checks they agree)
FLOOD_KEY = "flood_limiter"


def limiter_of(bot_data: MutableMapping[Any, Any], settings: FloodSettings) -> FloodLimiter:
    """The limiter in bot_data, replaced by a fresh one when the settings changed."""
    limiter = bot_data.get(FLOOD_KEY)
    if not isinstance(limiter, FloodLimiter) or limiter.settings != settings:
        limiter = bot_data[FLOOD_KEY] = FloodLimiter(settings)
    return limiter


async def flood_guard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Let the update through, or stop it when its chat is over the flood limit."""
    chat_id = counted_chat(update, context.application)
    if chat_id is None:
        return
    assistant = cast(Assistant, context.bot_data[ASSISTANT_KEY])
    verdict = limiter_of(context.bot_data, assistant.config.flood).check(chat_id)
    if verdict is Verdict.ANSWER:
        return
    retries = assistant.config.telegram.send_retries
    try:
        if update.callback_query is not None:  # stop the spinner, as every press gets
            await with_retries(update.callback_query.answer, retries, "answerCallbackQuery")
        if verdict is Verdict.NOTICE:
            log.info("update %s: chat over the flood limit, not answered until it slows", update.update_id)
            await send_notice(update, context, assistant.config.messages.flood, retries)
    except TelegramError as error:
        log.warning("update %s: flood notice failed: %s: %s", update.update_id, type(error).__name__, error)
    raise ApplicationHandlerStop


async def send_notice(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, retries: int) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    message = update.message
    quote = message.message_id if message is not None and chat.type != ChatType.PRIVATE else None
    notice = Reply(Outcome.NOTICE, blocks=(Block("", (text,)),))
    await send(context.bot, chat.id, notice, retries=retries, quote=quote)


def counted_chat(update: Update, application: Application[Any, Any, Any, Any, Any, Any]) -> int | None:
    """The chat whose budget the update spends, or None if it is not counted."""
    chat = update.effective_chat
    query: CallbackQuery | None = update.callback_query
    if chat is None or update.inline_query is not None or (query is not None and query.message is None):
        return None
    if not _taken(update, application):
        return None
    message = update.message
    if chat.type != ChatType.PRIVATE and message is not None and not filters.COMMAND.check_update(update):
        return chat.id if _meant_for_bot(message, application.bot.id, application.bot.username) else None
    return chat.id


def _taken(update: Update, application: Application[Any, Any, Any, Any, Any, Any]) -> bool:
    """Whether a handler after the guard would take the update (the same test PTB makes)."""
    for group, handlers in application.handlers.items():
        if group < 0:
            continue
        for handler in handlers:
            check = handler.check_update(update)
            if check is not None and check is not False:
                return True
    return False


def _meant_for_bot(message: Message, bot_id: int, username: str | None) -> bool:
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        return True
    if not username:
        return False
    mention = rf"(?<![A-Za-z0-9_@])@{re.escape(username)}(?![A-Za-z0-9_])"
    return re.search(mention, message.text or "", re.IGNORECASE) is not None
