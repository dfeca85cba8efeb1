"""Reply -> Telegram messages: HTML text, inline keyboards, inline-query results, and
their delivery through a Bot with retries (the only network use, always through `bot`).

Telegram limits a message to 4,096 characters counted in UTF-16 code units of the text
*after* its HTML is parsed, so lengths are measured on plain pieces and the markup is added
around pieces that already fit: a split can never cut a tag or an escape.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import logging
import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
)
from telegram.constants import InlineKeyboardButtonLimit, MessageLimit, ParseMode
from telegram.error import BadRequest, NetworkError, TelegramError

from bot.answers import Button, Reply

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_MESSAGE = int(MessageLimit.MAX_TEXT_LENGTH)
MAX_CALLBACK_DATA = int(InlineKeyboardButtonLimit.MAX_CALLBACK_DATA)
MAX_RESULT_ID = 64
DESCRIPTION_CHARS = 100
SEPARATOR = "\n\n"
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
RETRY_BASE_SECONDS = 0.5
RETRY_MAX_SECONDS = 8.0
# Telegram refuses any other button URL (tel: included); phone numbers stay in the text.
_BUTTON_URL = re.compile(r"(?:https?|tg)://\S+", re.IGNORECASE)


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: characters outside the BMP (most emoji) count twice."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


@dataclass(frozen=True)
class Piece:
    """A paragraph-sized unit of a message: plain text and the tag it is shown in."""

    text: str
    tag: str = ""

    def html(self) -> str:
        body = html.escape(self.text, quote=False)
        return f"<{self.tag}>{body}</{self.tag}>" if self.tag else body


def pieces(reply: Reply) -> list[Piece]:
    """Titles in bold, paragraphs as they are, the source note in italics."""
    found: list[Piece] = []
    for block in reply.blocks:
        if block.title.strip():
            found.append(Piece(block.title, "b"))
        found.extend(Piece(p) for p in block.paragraphs if p.strip())
    if reply.note.strip():
        found.append(Piece(reply.note, "i"))
    return found


def render_html(reply: Reply) -> str:
    """The whole reply as one HTML text (may exceed one message; see render_chunks)."""
    return SEPARATOR.join(p.html() for p in pieces(reply))


def render_chunks(reply: Reply, limit: int = MAX_MESSAGE) -> list[str]:
    """The reply as HTML messages of at most `limit` UTF-16 units each once parsed."""
    return pack(pieces(reply), limit)


def pack(parts: list[Piece], limit: int = MAX_MESSAGE) -> list[str]:
    """Fill messages with whole pieces; a piece longer than a message is cut first."""
    chunks: list[list[Piece]] = []
    size = 0
    for piece in (cut for part in parts for cut in split_piece(part, limit)):
        cost = utf16_len(piece.text)
        if chunks and size + len(SEPARATOR) + cost <= limit:
            chunks[-1].append(piece)
            size += len(SEPARATOR) + cost
        else:
            chunks.append([piece])
            size = cost
    return [SEPARATOR.join(p.html() for p in chunk) for chunk in chunks]


def split_piece(piece: Piece, limit: int) -> Iterator[Piece]:
    """Cut at a line break, else a space, else anywhere between two characters."""
    text = piece.text
    while utf16_len(text) > limit:
        end = max(_fitting_prefix(text, limit), 1)
        newline, space = text.rfind("\n", 0, end + 1), text.rfind(" ", 0, end + 1)
        cut = newline if newline > end // 2 else space
        if cut > end // 2:
            head, text = text[:cut], text[cut + 1 :]
        else:  # no break worth taking: a hard cut (code points are never split in two)
            head, text = text[:end], text[end:]
        if head.strip():
            yield Piece(head, piece.tag)
    if text.strip():
        yield Piece(text, piece.tag)


def _fitting_prefix(text: str, limit: int) -> int:
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """One keyboard row per Reply row; buttons Telegram would refuse are left out."""
    rows = [[b for b in (_button(button) for button in row) if b] for row in reply.buttons]
    kept = [row for row in rows if row]
    return InlineKeyboardMarkup(kept) if kept else None


def _button(button: Button) -> InlineKeyboardButton | None:
    if button.url:
        if _BUTTON_URL.fullmatch(button.url):
            return InlineKeyboardButton(button.text, url=button.url)
        log.warning("dropped button %r: Telegram accepts only http(s) and tg:// URLs", button.text)
        return None
    size = len((button.data or "").encode("utf-8"))
    if 1 <= size <= MAX_CALLBACK_DATA:
        return InlineKeyboardButton(button.text, callback_data=button.data)
    log.warning("dropped button %r: callback data of %d bytes (1-64 allowed)", button.text, size)
    return None


def inline_results(replies: list[Reply]) -> list[InlineQueryResultArticle]:
    """One article per reply, to be sent by the user into any chat (URL buttons only)."""
    results: list[InlineQueryResultArticle] = []
    seen: set[str] = set()
    for number, reply in enumerate(replies):
        result_id = _result_id(reply.section_ids[0] if reply.section_ids else f"reply-{number}")
        chunks = render_chunks(reply)
        if result_id in seen or not chunks:
            continue
        seen.add(result_id)
        # A section longer than one message is shared truncated to its first message.
        content = InputTextMessageContent(
            chunks[0], parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW
        )
        paragraphs = [p for block in reply.blocks for p in block.paragraphs if p.strip()]
        first = paragraphs[0] if paragraphs else ""
        results.append(
            InlineQueryResultArticle(
                id=result_id,
                title=reply.title.strip() or shorten(first, 60),
                input_message_content=content,
                reply_markup=keyboard(reply.without_actions()),
                description=shorten(first, DESCRIPTION_CHARS) or None,
            )
        )
    return results


def _result_id(raw: str) -> str:
    if len(raw.encode("utf-8")) <= MAX_RESULT_ID:
        return raw
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:MAX_RESULT_ID]


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters on one line, cut at a space where possible."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    head = flat[: limit - 1]
    space = head.rfind(" ")
    return (head[:space] if space > limit // 2 else head).rstrip() + "…"


# -- delivery ------------------------------------------------------------------------------


async def send(bot: Bot, chat_id: int, reply: Reply, *, retries: int, quote: int | None = None) -> None:
    """Send a reply as one message, or several cut at paragraphs, buttons on the last."""
    chunks = render_chunks(reply)
    markup = keyboard(reply)
    for number, chunk in enumerate(chunks, 1):
        first, last = number == 1, number == len(chunks)
        call = partial(
            bot.send_message,
            chat_id,
            chunk,
            parse_mode=ParseMode.HTML,
            link_preview_options=NO_PREVIEW,
            reply_markup=markup if last else None,
            reply_parameters=ReplyParameters(quote, allow_sending_without_reply=True)
            if quote and first
            else None,
        )
        await with_retries(call, retries, "sendMessage")


async def edit(message: Message, reply: Reply, *, retries: int) -> bool:
    """Replace a message in place; False when it cannot be, so the caller sends a new one."""
    chunks = render_chunks(reply)
    if len(chunks) != 1:
        return False
    call = partial(
        message.edit_text,
        chunks[0],
        parse_mode=ParseMode.HTML,
        link_preview_options=NO_PREVIEW,
        reply_markup=keyboard(reply),
    )
    try:
        await with_retries(call, retries, "editMessageText")
    except BadRequest as error:
        if "not modified" in error.message.lower():  # the same page pressed twice
            return True
        log.info("message not edited (%s); sending a new one", error.message)
        return False
    return True


async def with_retries(call: Callable[[], Awaitable[T]], retries: int, what: str = "request") -> T:
    """Await call(), retrying network failures with exponential back-off.

    Refusals (BadRequest, Forbidden) are final and never retried; 429s are the rate
    limiter's business. A response that is not JSON (a proxy's error page) is retried like
    a network failure: PTB raises a bare TelegramError for it. A TimedOut can come after
    Telegram has already acted: the retry then delivers a duplicate, one per such timeout
    (in practice at most one). Not retrying would lose the answer someone is waiting for
    instead, which is worse.
    """
    attempt = 0
    while True:
        try:
            return await call()
        except TelegramError as error:
            unreadable = type(error) is TelegramError  # PTB's "Invalid server response"
            network = isinstance(error, NetworkError) and not isinstance(error, BadRequest)
            if not (network or unreadable) or attempt >= retries:
                raise
            delay = min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2**attempt)
            attempt += 1
            log.warning(
                "%s failed (%s); retry %d of %d in %.1f s",
                what,
                type(error).__name__,
                attempt,
                retries,
                delay,
            )
            await asyncio.sleep(delay)
