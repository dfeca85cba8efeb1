"""A fake Telegram Bot API server for end-to-end tests.

The point is not to mock PTB but to sit *behind* it: a real ``Application`` polls this server
through its real httpx client, so request encoding, error mapping and retries are all exercised.
Where the real Bot API rejects a request that a buggy bot might send (bad HTML, over-long text,
oversized callback data, ``tel:`` button URLs, double-answered callback queries, no-op edits...)
the fake rejects it too, with Telegram's status code and, as far as known, its wording.

Usage::

    with FakeTelegram() as tg:
        app = ApplicationBuilder().token(tg.token).base_url(tg.base_url).build()
        tg.user_message("/start")
        tg.wait_for(lambda t: t.messages(1001))

Simulate users with ``user_message`` / ``user_sticker`` / ``user_photo`` / ``user_location`` /
``press_button`` / ``inline_query`` / ``choose_inline_result`` (each returns an update id;
``get_update(id)`` gives the raw dict). Observe with ``calls``, ``calls_to``, ``messages``,
``last_message``, ``callback_answer``, ``inline_answer``, ``commands``, ``wait_for`` and
``wait_calls``. Break things with ``fail_next(method, kind)`` and ``block(chat_id)``.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import json
import re
import select
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit

JSON = dict[str, Any]
T = TypeVar("T")

DEFAULT_TOKEN = "123456:TEST-token_abcdefghijklmnopqrstuvwxyz"
MAX_TEXT = 4096
FAULT_KINDS = ("http500", "http502", "http429", "reset", "badjson", "timeout", "timeout_after_act")
# Faults that happen before the method runs: the bot's request has no effect at all.
_REFUSING_FAULTS = ("http500", "http502", "http429", "reset", "badjson", "timeout")
_DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "my_chat_member",
    }
)
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
# Form-encoded values are ambiguous ("123" may be an int or a text); these stay strings.
_STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "query",
        "description",
        "short_description",
        "name",
        "title",
        "url",
        "inline_message_id",
        "callback_query_id",
        "inline_query_id",
        "parse_mode",
        "language_code",
        "secret_token",
        "action",
        "next_offset",
        "switch_pm_text",
        "business_connection_id",
    }
)


class ApiError(Exception):
    """A Bot API error response; raised inside method handlers."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


def bad_request(message: str) -> ApiError:
    return ApiError(400, f"Bad Request: {message}")


@dataclass
class Call:
    """One HTTP request the bot made. ``status`` is None while in flight, 0 if no response."""

    method: str
    params: JSON
    time: float  # time.monotonic(), so tests can measure retry back-off
    fault: str | None = None
    status: int | None = None
    response: JSON | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.response and self.response.get("ok"))


@dataclass
class _Fault:
    kind: str
    retry_after: int
    hold: float


# --------------------------------------------------------------------------------------------
# Text: UTF-16 lengths, Telegram's HTML dialect, auto-detected entities
# --------------------------------------------------------------------------------------------


def utf16_len(text: str) -> int:
    # Telegram measures offsets and limits in UTF-16 code units; emoji count twice.
    return len(text.encode("utf-16-le")) // 2


_TAG_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));")


def _decode_entity(text: str, pos: int) -> tuple[str, int] | None:
    m = _ENTITY_RE.match(text, pos)
    if m is None:
        return None
    if m.group(3) is not None:
        char = _NAMED_ENTITIES.get(m.group(3))
        return (char, m.end()) if char else None
    code = int(m.group(1)) if m.group(1) else int(m.group(2), 16)
    return (chr(code), m.end()) if 0 < code <= 0x10FFFF else None


def parse_html(text: str) -> tuple[str, list[JSON]]:
    """Parse Telegram-HTML like tdlib does; raise ApiError(400) where Telegram would.

    Deliberately stricter than Telegram in two places, both harmless for a correct bot:
    a bare ``&`` (Telegram keeps it literally) and ``<a>`` without href are rejected, because
    both mean the bot forgot to escape user text.
    """
    out: list[str] = []
    pos16 = 0
    stack: list[tuple[str, dict[str, str], int]] = []  # tag, attributes, UTF-16 start
    entities: list[JSON] = []
    i, n = 0, len(text)

    def fail(message: str) -> ApiError:
        return bad_request(f"can't parse entities: {message}")

    def byte_offset(index: int) -> int:
        return len(text[:index].encode("utf-8"))

    while i < n:
        char = text[i]
        if char == "&":
            decoded = _decode_entity(text, i)
            if decoded is None:
                raise fail(
                    f"Character '&' at byte offset {byte_offset(i)} is not a supported "
                    "entity and must be escaped as &amp;"
                )
            out.append(decoded[0])
            pos16 += utf16_len(decoded[0])
            i = decoded[1]
            continue
        if char != "<":
            out.append(char)
            pos16 += utf16_len(char)
            i += 1
            continue
        begin, i = i, i + 1
        if i < n and text[i] == "/":  # end tag
            i += 1
            if not stack:
                raise fail(f"Unexpected end tag at byte offset {byte_offset(begin)}")
            j = i
            while i < n and not text[i].isspace() and text[i] != ">":
                i += 1
            end_name = text[j:i].lower()
            while i < n and text[i].isspace():
                i += 1
            if i >= n or text[i] != ">":
                raise fail(f"Unclosed end tag at byte offset {byte_offset(begin)}")
            i += 1
            open_tag, open_attrs, start16 = stack.pop()
            if end_name and end_name != open_tag:
                raise fail(
                    f"Unmatched end tag at byte offset {byte_offset(begin)}, expected "
                    f'"</{open_tag}>", found "</{end_name}>"'
                )
            if pos16 > start16:  # Telegram silently drops empty entities
                entities.append(_html_entity(open_tag, open_attrs, start16, pos16 - start16))
            continue
        j = i
        while i < n and not text[i].isspace() and text[i] != ">":
            i += 1
        if i >= n:
            raise fail(f"Unclosed start tag at byte offset {byte_offset(begin)}")
        tag = text[j:i].lower()
        if tag not in _TAG_ENTITY:
            raise fail(f'Unsupported start tag "{tag}" at byte offset {byte_offset(begin)}')
        attrs: dict[str, str] = {}
        while True:
            while i < n and text[i].isspace():
                i += 1
            if i >= n:
                raise fail(f'Unclosed start tag "{tag}" at byte offset {byte_offset(begin)}')
            if text[i] == ">":
                i += 1
                break
            j = i
            while i < n and not text[i].isspace() and text[i] not in "=>":
                i += 1
            attr = text[j:i].lower()
            while i < n and text[i].isspace():
                i += 1
            if i >= n or text[i] != "=":
                if tag == "blockquote" and attr == "expandable":
                    attrs[attr] = ""
                    continue
                raise fail(
                    f"Expected equal sign in declaration of an attribute of the tag "
                    f'"{tag}" at byte offset {byte_offset(begin)}'
                )
            i += 1
            while i < n and text[i].isspace():
                i += 1
            if i < n and text[i] in "'\"":
                quote, i = text[i], i + 1
                value: list[str] = []
                while i < n and text[i] != quote:
                    decoded = _decode_entity(text, i) if text[i] == "&" else None
                    value.append(decoded[0] if decoded else text[i])
                    i = decoded[1] if decoded else i + 1
                i += 1
                attrs[attr] = "".join(value)
            else:
                j = i
                while i < n and (text[i].isalnum() or text[i] in ".-"):
                    i += 1
                if i < n and not text[i].isspace() and text[i] != ">":
                    raise fail(f"Unexpected end of name token at byte offset {byte_offset(j)}")
                attrs[attr] = text[j:i].lower()
        required = {"span": ("class", "tg-spoiler"), "a": ("href", None), "tg-emoji": ("emoji-id", None)}.get(
            tag
        )
        if required and (
            required[0] not in attrs or (required[1] is not None and attrs[required[0]] != required[1])
        ):
            want = f'class "{required[1]}"' if required[1] else f'attribute "{required[0]}"'
            raise fail(f'Tag "{tag}" must have {want} at byte offset {byte_offset(begin)}')
        stack.append((tag, attrs, pos16))
    if stack:
        raise fail(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(out), _merge_pre_code(entities)


def _html_entity(tag: str, attrs: dict[str, str], offset: int, length: int) -> JSON:
    entity: JSON = {"type": _TAG_ENTITY[tag], "offset": offset, "length": length}
    if tag == "a":
        entity["url"] = attrs["href"]
    elif tag == "tg-emoji":
        entity["custom_emoji_id"] = attrs["emoji-id"]
    elif tag == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    elif tag == "code" and attrs.get("class", "").startswith("language-"):
        entity["language"] = attrs["class"][len("language-") :]
    return entity


def _merge_pre_code(entities: list[JSON]) -> list[JSON]:
    # <pre><code class="language-x"> is one "pre" entity with a language in the Bot API.
    result = []
    for e in entities:
        twin = next(
            (
                p
                for p in entities
                if p["type"] == "pre" and p["offset"] == e["offset"] and p["length"] == e["length"]
            ),
            None,
        )
        if e["type"] == "code" and twin is not None:
            if "language" in e:
                twin["language"] = e["language"]
            continue
        result.append(e)
    return sorted(result, key=lambda e: (e["offset"], -e["length"]))


def _strip(text: str, entities: list[JSON]) -> tuple[str, list[JSON]]:
    # Telegram trims surrounding whitespace and shifts/clips entities accordingly.
    shift = utf16_len(text[: len(text) - len(text.lstrip())])
    text = text.strip()
    size = utf16_len(text)
    kept = []
    for e in entities:
        start, end = max(e["offset"] - shift, 0), min(e["offset"] + e["length"] - shift, size)
        if end > start:
            kept.append({**e, "offset": start, "length": end - start})
    return text, kept


_AUTO_ENTITY_RE = re.compile(
    r"(?P<bot_command>(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w@]))"
    r"|(?P<mention>(?<![\w@])@[A-Za-z0-9_]{5,32}(?!\w))"
    r"|(?P<url>https?://[^\s<>\"]+)"
)


def auto_entities(text: str) -> list[JSON]:
    """Entities the Telegram client/server attaches to a user's plain-text message."""
    return [
        {"type": m.lastgroup, "offset": utf16_len(text[: m.start()]), "length": utf16_len(m.group())}
        for m in _AUTO_ENTITY_RE.finditer(text)
    ]


# --------------------------------------------------------------------------------------------
# Reply markup
# --------------------------------------------------------------------------------------------

_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_BUTTON_URL_RE = re.compile(r"(?:https?://[^\s/?#]+|tg://[^\s]+)[^\s]*", re.IGNORECASE)


def validate_markup(markup: Any, *, inline_only: bool = False) -> JSON | None:
    """Validate reply_markup; return what Telegram echoes in the Message (inline keyboards only)."""
    if markup is None or markup == "":
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        if inline_only or not {"keyboard", "remove_keyboard", "force_reply"} & markup.keys():
            raise bad_request(
                'can\'t parse inline keyboard markup: Field "inline_keyboard" must be of type Array'
            )
        return None  # reply keyboards are accepted but never part of the returned Message
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
    for button in itertools.chain.from_iterable(rows):
        _validate_button(button)
    return copy.deepcopy(markup) if any(rows) else None


def _validate_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request("can't parse inline keyboard button: Can't find field \"text\"")
    if not button["text"].strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    actions = [key for key in _BUTTON_ACTIONS if key in button]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if len(actions) > 1:
        raise bad_request(
            "can't parse inline keyboard button: exactly one of the optional "
            f"fields must be used, got {actions}"
        )
    data = button.get("callback_data")
    if "callback_data" in button and (not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64):
        raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if "url" in button and (not isinstance(url, str) or not _BUTTON_URL_RE.fullmatch(url)):
        raise bad_request("BUTTON_URL_INVALID")


def _button_data(markup: JSON | None) -> list[str]:
    rows = (markup or {}).get("inline_keyboard", [])
    return [b["callback_data"] for b in itertools.chain.from_iterable(rows) if "callback_data" in b]


# --------------------------------------------------------------------------------------------
# Request decoding
# --------------------------------------------------------------------------------------------


def _decode_value(key: str, value: Any) -> Any:
    if not isinstance(value, str) or key in _STRING_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value  # e.g. chat_id="@channel"


def _read_body(handler: BaseHTTPRequestHandler) -> bytes:
    # httpx and aiohttp always send Content-Length for these bodies; no chunked support.
    return handler.rfile.read(int(handler.headers.get("Content-Length") or 0))


def decode_request(content_type: str, body: bytes, query: str = "") -> JSON:
    """Decode form-encoded, JSON or multipart parameters into typed values."""
    raw: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/json" and body:
        payload = json.loads(body)
        if not isinstance(payload, dict):
            raise ValueError("JSON body must be an object")
        raw.update(payload)
    elif kind == "multipart/form-data":
        # PTB switches to multipart only when uploading files.
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
        )
        for part in message.iter_parts():
            name = str(part.get_param("name", header="content-disposition"))
            data = part.get_payload(decode=True)
            data = data if isinstance(data, bytes) else b""
            filename = part.get_filename()
            raw[name] = {"filename": filename, "data": data} if filename else data.decode()
    elif body:
        raw.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    return {key: _decode_value(key, value) for key, value in raw.items()}


# --------------------------------------------------------------------------------------------
# The fake server: state and the test-facing API
# --------------------------------------------------------------------------------------------


class FakeTelegram:
    """In-process Bot API on 127.0.0.1:<random port>. All state is guarded by one condition."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        username: str = "kead_job_bot",
        *,
        first_name: str = "KEAD Job Bot",
        privacy_mode: bool = True,
    ) -> None:
        self.token = token
        self.username = username
        self.privacy_mode = privacy_mode
        self.bot_user: JSON = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": first_name,
            "username": username,
        }
        self._cond = threading.Condition()  # an RLock inside: predicates may re-enter
        self._calls: list[Call] = []
        self._pending: list[JSON] = []
        self._updates: dict[int, JSON] = {}
        self._update_ids = itertools.count(100_001)  # unlike message ids, to catch mix-ups
        self._ids = itertools.count(1)
        self._chats: dict[int, JSON] = {}
        self._messages: dict[int, dict[int, JSON]] = {}
        self._last_message_id: dict[int, int] = {}
        self._blocked: set[int] = set()
        self._callbacks: dict[str, JSON | None] = {}  # id -> answer params once answered
        self._callback_ids: dict[int, str] = {}  # update id -> callback/inline query id
        self._inline_queries: dict[str, JSON] = {}
        self._inline_messages: dict[str, JSON] = {}
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._profile: dict[tuple[str, str], str] = {}  # (field, language_code) -> value
        self._webhook: JSON = {"url": ""}
        self._allowed_updates: frozenset[str] = _DEFAULT_UPDATE_TYPES
        self._poll_generation = 0
        self._poll_terminator = ""
        self._faults: dict[str, list[_Fault]] = {}
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._methods: dict[str, Callable[[JSON], Any]] = {
            name[len("api_") :].lower(): getattr(self, name) for name in dir(self) if name.startswith("api_")
        }

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> FakeTelegram:
        self._stopping.clear()
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.01,), name="fake-telegram", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._stopping.set()
        with self._cond:
            self._cond.notify_all()  # wakes long polls
        self._server.shutdown()
        self._server.close_connections()  # unblocks keep-alive readers and held responses
        self._server.server_close()  # joins handler threads
        if self._thread is not None:
            self._thread.join(5)
        self._server = self._thread = None

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "FakeTelegram is not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    @property
    def webhook_url(self) -> str:
        with self._cond:
            return str(self._webhook["url"])

    # -- simulated users ------------------------------------------------------------------

    def add_chat(
        self,
        chat_id: int,
        *,
        chat_type: str = "private",
        first_name: str = "테스트",
        username: str | None = None,
        title: str | None = None,
    ) -> JSON:
        """Make a chat known, as if the user had written to the bot (needed to send to it)."""
        with self._cond:
            if chat_type == "private":
                chat: JSON = {"id": chat_id, "type": "private", "first_name": first_name}
                if username:
                    chat["username"] = username
            else:
                chat = {"id": chat_id, "type": chat_type, "title": title or "테스트 그룹"}
            self._chats.setdefault(chat_id, chat)
            self._messages.setdefault(chat_id, {})
            return copy.deepcopy(self._chats[chat_id])

    def block(self, chat_id: int, blocked: bool = True) -> None:
        """Simulate the user blocking the bot: sends then fail with 403."""
        with self._cond:
            (self._blocked.add if blocked else self._blocked.discard)(chat_id)

    def user_message(
        self,
        text: str,
        *,
        chat_id: int = 1001,
        user_id: int | None = None,
        chat_type: str = "private",
        first_name: str = "테스트",
        username: str | None = None,
        language_code: str = "ko",
        reply_to_message_id: int | None = None,
        entities: list[JSON] | None = None,
    ) -> int:
        """Enqueue a text message; returns the update id, or 0 if privacy mode hides it."""
        ents = auto_entities(text) if entities is None else entities
        return self._user_event(
            {"text": text, **({"entities": ents} if ents else {})},
            chat_id,
            user_id,
            chat_type,
            first_name,
            username,
            language_code,
            reply_to_message_id,
        )

    def user_sticker(
        self,
        emoji: str = "👍",
        *,
        chat_id: int = 1001,
        user_id: int | None = None,
        chat_type: str = "private",
    ) -> int:
        sticker = {
            "file_id": f"sticker-{next(self._ids)}",
            "file_unique_id": "s1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._user_event({"sticker": sticker}, chat_id, user_id, chat_type)

    def user_photo(
        self,
        caption: str | None = None,
        *,
        chat_id: int = 1001,
        user_id: int | None = None,
        chat_type: str = "private",
    ) -> int:
        photo = [
            {
                "file_id": f"photo-{next(self._ids)}-{size}",
                "file_unique_id": f"p{size}",
                "width": size,
                "height": size,
                "file_size": size * 40,
            }
            for size in (90, 320)
        ]
        extra: JSON = {"photo": photo}
        if caption:
            extra["caption"] = caption
            if auto_entities(caption):
                extra["caption_entities"] = auto_entities(caption)
        return self._user_event(extra, chat_id, user_id, chat_type)

    def user_location(
        self,
        latitude: float = 37.5665,
        longitude: float = 126.978,
        *,
        chat_id: int = 1001,
        user_id: int | None = None,
        chat_type: str = "private",
    ) -> int:
        return self._user_event(
            {"location": {"latitude": latitude, "longitude": longitude}}, chat_id, user_id, chat_type
        )

    def press_button(
        self,
        chat_id: int | None,
        message_id: int | None,
        data: str,
        *,
        user_id: int | None = None,
        inline_message_id: str | None = None,
        force: bool = False,
    ) -> int:
        """Press an inline button the bot sent (by chat+message id, or inline_message_id).

        Refuses (ValueError) data that is not on the message's current keyboard, since a real
        user cannot press a button that is not there; ``force=True`` skips that check.
        """
        with self._cond:
            query: JSON = {"id": str(next(self._ids) + 7_000_000), "data": data}
            if inline_message_id is not None:
                target = self._inline_messages.get(inline_message_id)
                if target is None:
                    raise ValueError(f"no inline message {inline_message_id!r}")
                query.update(inline_message_id=inline_message_id, chat_instance="inline")
                user_id = user_id or 1001
            else:
                assert chat_id is not None and message_id is not None
                target = self._messages.get(chat_id, {}).get(message_id)
                if target is None or target["from"]["id"] != self.bot_user["id"]:
                    raise ValueError(f"the bot sent no message {message_id} in chat {chat_id}")
                query.update(message=copy.deepcopy(target), chat_instance=f"ci{chat_id}")
                user_id = user_id or (chat_id if target["chat"]["type"] == "private" else 1001)
            buttons = _button_data(target.get("reply_markup"))
            if not force and data not in buttons:
                raise ValueError(f"no button with callback_data {data!r}; buttons: {buttons}")
            query["from"] = self._user(user_id)
            self._callbacks[query["id"]] = None
            update_id = self._enqueue({"callback_query": query})
            self._callback_ids[update_id] = query["id"]
            return update_id

    def inline_query(self, query: str, *, user_id: int = 1001, offset: str = "") -> int:
        with self._cond:
            query_id = str(next(self._ids) + 8_000_000)
            self._inline_queries[query_id] = {"user_id": user_id, "query": query, "results": None}
            update_id = self._enqueue(
                {
                    "inline_query": {
                        "id": query_id,
                        "from": self._user(user_id),
                        "query": query,
                        "offset": offset,
                        "chat_type": "sender",
                    }
                }
            )
            self._callback_ids[update_id] = query_id
            return update_id

    def choose_inline_result(self, update_id: int, result_id: str) -> int:
        """The user picks a result of the answered inline query enqueued as ``update_id``."""
        with self._cond:
            query = self._inline_queries[self._callback_ids[update_id]]
            result = next((r for r in query["results"] or [] if r["id"] == result_id), None)
            if result is None:
                raise ValueError(f"inline query was not answered with a result {result_id!r}")
            chosen: JSON = {
                "result_id": result_id,
                "from": self._user(query["user_id"]),
                "query": query["query"],
            }
            if result.get("reply_markup"):  # only then does Telegram hand out an id
                chosen["inline_message_id"] = f"inl-{next(self._ids)}"
                content = result.get("input_message_content", {})
                inline: JSON = {
                    "text": content.get("message_text", ""),
                    "reply_markup": result["reply_markup"],
                }
                if content.get("entities"):
                    inline["entities"] = content["entities"]
                self._inline_messages[chosen["inline_message_id"]] = inline
            return self._enqueue({"chosen_inline_result": chosen})

    def get_update(self, update_id: int) -> JSON:
        """The raw update dict, e.g. for ``Update.de_json`` in offline handler tests."""
        with self._cond:
            return copy.deepcopy(self._updates[update_id])

    # -- observing the bot ----------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        with self._cond:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method.lower() == method.lower()]

    def messages(self, chat_id: int) -> list[JSON]:
        """Messages the bot sent in the chat (not deleted), in their current (edited) state."""
        with self._cond:
            return [
                copy.deepcopy(m)
                for _, m in sorted(self._messages.get(chat_id, {}).items())
                if m["from"]["id"] == self.bot_user["id"]
            ]

    def last_message(self, chat_id: int) -> JSON | None:
        sent = self.messages(chat_id)
        return sent[-1] if sent else None

    def inline_message(self, inline_message_id: str) -> JSON:
        with self._cond:
            return copy.deepcopy(self._inline_messages[inline_message_id])

    def callback_answer(self, update_id: int) -> JSON | None:
        """answerCallbackQuery params for the press_button() update, None if unanswered."""
        with self._cond:
            return copy.deepcopy(self._callbacks.get(self._callback_ids[update_id]))

    def inline_answer(self, update_id: int) -> list[JSON] | None:
        with self._cond:
            results: list[JSON] | None = self._inline_queries[self._callback_ids[update_id]]["results"]
            return copy.deepcopy(results)

    def commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        with self._cond:
            return copy.deepcopy(self._commands.get((_scope_key(scope), language_code), []))

    def wait_for(self, predicate: Callable[[FakeTelegram], T], timeout: float = 10.0) -> T:
        """Block until predicate(self) is truthy and return its value.

        LookupErrors count as "not yet", so ``lambda t: t.messages(1)[-1]`` is fine.
        """
        found: list[T] = []

        def check() -> bool:
            try:
                value = predicate(self)
            except LookupError:
                return False
            if value:
                found.append(value)
            return bool(value)

        with self._cond:
            if self._cond.wait_for(check, timeout):
                return found[-1]
            raise AssertionError(f"condition not met within {timeout}s\n{self.summary()}")

    def wait_calls(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Wait for ``count`` *finished* calls of ``method`` (faulted attempts included)."""
        if count < 1:
            raise ValueError("count must be at least 1")

        def done(t: FakeTelegram) -> list[Call]:
            finished = [c for c in t.calls_to(method) if c.status is not None]
            return finished if len(finished) >= count else []

        return self.wait_for(done, timeout)

    def summary(self, last: int = 20) -> str:
        calls = self.calls
        lines = [f"last {last} of {len(calls)} calls:"]
        for call in calls[-last:]:
            shown = {k: v for k, v in call.params.items() if k != "reply_markup"}
            desc = (call.response or {}).get("description", "")
            lines.append(
                f"  {call.method} {json.dumps(shown, ensure_ascii=False)[:160]} -> "
                f"{call.status} {call.fault or ''} {desc}".rstrip()
            )
        return "\n".join(lines)

    # -- fault injection ------------------------------------------------------------------

    def fail_next(
        self, method: str, kind: str, times: int = 1, retry_after: int = 1, hold: float = 30.0
    ) -> None:
        """Make the next ``times`` calls of ``method`` ("*" = any method) fail with ``kind``.

        ``hold`` bounds how long the timeout kinds keep the connection open when the client
        does not give up first.
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; choose from {FAULT_KINDS}")
        with self._cond:
            self._faults.setdefault(method.lower(), []).extend(
                _Fault(kind, retry_after, hold) for _ in range(times)
            )

    # -- internals ------------------------------------------------------------------------

    def _user(
        self, user_id: int, first_name: str = "테스트", username: str | None = None, language_code: str = "ko"
    ) -> JSON:
        user: JSON = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }
        if username:
            user["username"] = username
        return user

    def _enqueue(self, payload: JSON) -> int:
        update = {"update_id": next(self._update_ids), **payload}
        self._updates[update["update_id"]] = update
        self._pending.append(update)
        self._cond.notify_all()
        return int(update["update_id"])

    def _next_message_id(self, chat_id: int) -> int:
        self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        return self._last_message_id[chat_id]

    def _user_event(
        self,
        content: JSON,
        chat_id: int,
        user_id: int | None,
        chat_type: str,
        first_name: str = "테스트",
        username: str | None = None,
        language_code: str = "ko",
        reply_to: int | None = None,
    ) -> int:
        with self._cond:
            chat = self.add_chat(chat_id, chat_type=chat_type, first_name=first_name, username=username)
            replied = self._messages[chat_id].get(reply_to) if reply_to else None
            if reply_to and replied is None:
                raise ValueError(f"no message {reply_to} in chat {chat_id} to reply to")
            user_id = user_id or (chat_id if chat_type == "private" else 1001)
            message: JSON = {
                "message_id": self._next_message_id(chat_id),
                "from": self._user(user_id, first_name, username, language_code),
                "chat": chat,
                "date": int(time.time()),
                **content,
            }
            if replied is not None:
                message["reply_to_message"] = {k: v for k, v in replied.items() if k != "reply_to_message"}
            self._messages[chat_id][message["message_id"]] = message
            if chat_type != "private" and self.privacy_mode and not self._addressed(message):
                return 0  # privacy mode: Telegram never delivers it to the bot
            return self._enqueue({"message": copy.deepcopy(message)})

    def _addressed(self, message: JSON) -> bool:
        replied = message.get("reply_to_message", {}).get("from", {})
        if replied.get("id") == self.bot_user["id"]:
            return True
        units = message.get("text", "").encode("utf-16-le")
        for e in message.get("entities", []):
            word = units[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le")
            mine = word.lower().endswith(f"@{self.username.lower()}")
            if e["type"] == "bot_command" and ("@" not in word or mine):
                return True
            if e["type"] == "mention" and mine:
                return True
        return False

    def _chat(self, params: JSON) -> JSON:
        chat_id = params.get("chat_id")
        if chat_id in (None, ""):
            raise bad_request("chat_id is empty")
        if isinstance(chat_id, str) and re.fullmatch(r"-?\d+", chat_id):
            chat_id = int(chat_id)
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise bad_request("chat not found")
        if chat["id"] in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _format(
        self,
        params: JSON,
        text_key: str = "text",
        entities_key: str = "entities",
        empty: str = "message text is empty",
        too_long: str = "message is too long",
    ) -> tuple[str, list[JSON]]:
        text = params.get(text_key)
        text = "" if text is None else str(text)
        mode = str(params.get("parse_mode") or "").lower()
        if mode == "html":
            text, entities = parse_html(text)
        elif mode in ("markdown", "markdownv2"):
            entities = []  # accepted but not parsed by this fake
        elif mode:
            raise bad_request("unsupported parse_mode")
        else:
            entities = list(params.get(entities_key) or [])
        text, entities = _strip(text, entities)
        if not text:
            raise bad_request(empty)
        if utf16_len(text) > MAX_TEXT:
            raise bad_request(too_long)
        return text, entities

    def _reply_target(self, chat: JSON, params: JSON) -> JSON | None:
        reply = params.get("reply_parameters") or (
            {"message_id": params["reply_to_message_id"]} if params.get("reply_to_message_id") else None
        )
        if not isinstance(reply, dict):
            return None
        target = self._messages[chat["id"]].get(int(reply.get("message_id", 0)))
        if target is None and not reply.get("allow_sending_without_reply"):
            raise bad_request("message to be replied not found")
        return target

    def _terminate_polls(self, reason: str) -> None:
        self._poll_generation += 1
        self._poll_terminator = reason
        self._cond.notify_all()

    def _editable(self, params: JSON) -> tuple[JSON, bool]:
        if params.get("inline_message_id"):
            target = self._inline_messages.get(str(params["inline_message_id"]))
            if target is None:
                raise bad_request("MESSAGE_ID_INVALID")
            return target, True
        chat = self._chat(params)
        if not params.get("message_id"):
            raise bad_request("message identifier is not specified")
        target = self._messages[chat["id"]].get(int(params["message_id"]))
        if target is None:
            raise bad_request("message to edit not found")
        if target["from"]["id"] != self.bot_user["id"]:
            raise bad_request("message can't be edited")
        return target, False

    def _apply_edit(self, target: JSON, changes: JSON, inline: bool) -> Any:
        merged = {**target, **changes}
        for key in ("entities", "reply_markup"):
            if not merged.get(key):
                merged.pop(key, None)
        if merged == target:
            raise bad_request(
                "message is not modified: specified new message content and "
                "reply markup are exactly the same as a current content and "
                "reply markup of the message"
            )
        target.clear()
        target.update(merged)
        if inline:
            return True
        target["edit_date"] = int(time.time())
        return copy.deepcopy(target)

    # --------------------------------------------------------------------------------------
    # Bot API methods (called with the condition held; names map to URL method names)
    # --------------------------------------------------------------------------------------

    def api_getMe(self, params: JSON) -> JSON:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": not self.privacy_mode,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def api_getUpdates(self, params: JSON) -> list[JSON]:
        if self._webhook["url"]:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active;"
                " use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        if params.get("allowed_updates") is not None:  # persists, like on Telegram
            self._allowed_updates = frozenset(params["allowed_updates"]) or _DEFAULT_UPDATE_TYPES
        if offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        elif offset < 0:
            self._pending = self._pending[offset:]
        # A newer getUpdates terminates an older long poll, exposing two running instances.
        self._terminate_polls("other getUpdates")
        generation = self._poll_generation

        def ready() -> bool:
            self._pending = [u for u in self._pending if self._allowed_updates & u.keys()]
            return bool(self._pending) or self._stopping.is_set() or (self._poll_generation != generation)

        self._cond.wait_for(ready, timeout)
        if self._poll_generation != generation:
            raise ApiError(
                409,
                f"Conflict: terminated by {self._poll_terminator} request; make "
                "sure that only one bot instance is running",
            )
        return copy.deepcopy(self._pending[:limit])

    def api_setWebhook(self, params: JSON) -> bool:
        url = str(params.get("url") or "")
        parts = urlsplit(url)
        if url and parts.scheme != "https":
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if url and (parts.port or 443) not in (80, 88, 443, 8443):
            raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
        secret = str(params.get("secret_token") or "")
        if secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise bad_request("secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self._pending.clear()
        self._webhook = {"url": url, "allowed_updates": params.get("allowed_updates"), "secret_token": secret}
        if url:
            self._terminate_polls("setWebhook")
        return True

    def api_deleteWebhook(self, params: JSON) -> bool:
        if params.get("drop_pending_updates"):
            self._pending.clear()
        self._webhook = {"url": ""}
        return True

    def api_getWebhookInfo(self, params: JSON) -> JSON:
        info: JSON = {
            "url": self._webhook["url"],
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if self._webhook["url"]:
            info["max_connections"] = 40
            if self._webhook.get("allowed_updates"):
                info["allowed_updates"] = self._webhook["allowed_updates"]
        return info

    def api_sendMessage(self, params: JSON) -> JSON:
        chat = self._chat(params)
        text, entities = self._format(params)
        markup = validate_markup(params.get("reply_markup"))
        replied = self._reply_target(chat, params)
        message: JSON = {
            "message_id": self._next_message_id(chat["id"]),
            "from": self.bot_user,
            "chat": chat,
            "date": int(time.time()),
            "text": text,
        }
        if replied is not None:
            message["reply_to_message"] = {k: v for k, v in replied.items() if k != "reply_to_message"}
        if entities:
            message["entities"] = entities
        if markup:
            message["reply_markup"] = markup
        self._messages[chat["id"]][message["message_id"]] = message
        return copy.deepcopy(message)

    def api_editMessageText(self, params: JSON) -> Any:
        target, inline = self._editable(params)
        if "text" not in target:
            raise bad_request("there is no text in the message to edit")
        text, entities = self._format(params)
        # Omitting reply_markup removes the inline keyboard, a classic source of lost buttons.
        markup = validate_markup(params.get("reply_markup"), inline_only=True)
        return self._apply_edit(target, {"text": text, "entities": entities, "reply_markup": markup}, inline)

    def api_editMessageReplyMarkup(self, params: JSON) -> Any:
        target, inline = self._editable(params)
        markup = validate_markup(params.get("reply_markup"), inline_only=True)
        return self._apply_edit(target, {"reply_markup": markup}, inline)

    def api_deleteMessage(self, params: JSON) -> bool:
        chat = self._chat(params)
        if self._messages[chat["id"]].pop(int(params.get("message_id") or 0), None) is None:
            raise bad_request("message to delete not found")
        return True

    def api_sendChatAction(self, params: JSON) -> bool:
        self._chat(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    def api_answerCallbackQuery(self, params: JSON) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._callbacks or self._callbacks[query_id] is not None:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        if len(str(params.get("text") or "")) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        self._callbacks[query_id] = dict(params)
        return True

    def api_answerInlineQuery(self, params: JSON) -> bool:
        query = self._inline_queries.get(str(params.get("inline_query_id") or ""))
        if query is None or query["results"] is not None:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        results = params.get("results")
        if not isinstance(results, list):
            raise bad_request("can't parse inline query results JSON object")
        if len(results) > 50:
            raise bad_request("RESULTS_TOO_MUCH")
        stored, seen = [], set()
        for result in results:
            if not isinstance(result, dict) or "type" not in result:
                raise bad_request("can't parse InlineQueryResult: Can't find field \"type\"")
            result_id = str(result.get("id", ""))
            if not 1 <= len(result_id.encode("utf-8")) <= 64:
                raise bad_request("RESULT_ID_INVALID")
            if result_id in seen:
                raise bad_request("RESULT_ID_DUPLICATE")
            seen.add(result_id)
            result = copy.deepcopy(result)
            if result["type"] == "article":
                if not str(result.get("title") or "").strip():
                    raise bad_request("RESULT_TITLE_EMPTY")
                content = result.get("input_message_content")
                if not isinstance(content, dict):
                    raise bad_request(
                        "can't parse InlineQueryResultArticle: Can't find field \"input_message_content\""
                    )
                text, entities = self._format(
                    content, "message_text", empty="MESSAGE_EMPTY", too_long="MESSAGE_TOO_LONG"
                )
                content.update(message_text=text, entities=entities)
            result["reply_markup"] = validate_markup(result.get("reply_markup"), inline_only=True)
            stored.append(result)
        query["results"] = stored
        return True

    def api_setMyCommands(self, params: JSON) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            if not isinstance(command, dict) or not re.fullmatch(
                r"[a-z0-9_]{1,32}", str(command.get("command", ""))
            ):
                raise bad_request("BOT_COMMAND_INVALID")
            if not str(command.get("description") or "").strip():
                raise bad_request("command description must be non-empty")
            if len(str(command["description"])) > 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._scope_and_language(params)
        if commands:
            self._commands[key] = copy.deepcopy(commands)
        else:
            self._commands.pop(key, None)
        return True

    def api_getMyCommands(self, params: JSON) -> list[JSON]:
        return copy.deepcopy(self._commands.get(self._scope_and_language(params), []))

    def api_deleteMyCommands(self, params: JSON) -> bool:
        self._commands.pop(self._scope_and_language(params), None)
        return True

    def _scope_and_language(self, params: JSON) -> tuple[str, str]:
        scope = params.get("scope")
        if scope is not None and (
            not isinstance(scope, dict)
            or scope.get("type")
            not in (
                "default",
                "all_private_chats",
                "all_group_chats",
                "all_chat_administrators",
                "chat",
                "chat_administrators",
                "chat_member",
            )
        ):
            raise bad_request("can't parse BotCommandScope JSON object")
        if isinstance(scope, dict) and "chat_id" in scope:
            self._chat(scope)
        language = str(params.get("language_code") or "")
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise bad_request("invalid language code specified")
        return _scope_key(scope), language

    def _set_profile(self, params: JSON, field: str, limit: int) -> bool:
        value = str(params.get(field) or "")
        if len(value) > limit:
            raise bad_request(f"{field.replace('_', ' ')} is too long")
        self._profile[(field, str(params.get("language_code") or ""))] = value
        return True

    def _get_profile(self, params: JSON, field: str) -> JSON:
        return {field: self._profile.get((field, str(params.get("language_code") or "")), "")}

    def api_setMyDescription(self, params: JSON) -> bool:
        return self._set_profile(params, "description", 512)

    def api_getMyDescription(self, params: JSON) -> JSON:
        return self._get_profile(params, "description")

    def api_setMyShortDescription(self, params: JSON) -> bool:
        return self._set_profile(params, "short_description", 120)

    def api_getMyShortDescription(self, params: JSON) -> JSON:
        return self._get_profile(params, "short_description")

    def api_setChatMenuButton(self, params: JSON) -> bool:
        if params.get("chat_id"):
            self._chat(params)
        button = params.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in ("default", "commands", "web_app"):
            raise bad_request("can't parse menu button JSON object")
        return True

    # --------------------------------------------------------------------------------------
    # HTTP plumbing
    # --------------------------------------------------------------------------------------

    def _handle(self, handler: _Handler) -> None:
        url = urlsplit(handler.path)
        match = re.fullmatch(r"/bot([^/]*)/([A-Za-z0-9_]+)", url.path)
        try:
            params = decode_request(handler.headers.get("Content-Type", ""), _read_body(handler), url.query)
        except (ValueError, UnicodeDecodeError):
            params = {}
        call = Call(match.group(2) if match else url.path, params, time.monotonic())
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()
        method = self._methods.get(call.method.lower()) if match else None
        if match is None or method is None:
            return self._reply(handler, call, ApiError(404, "Not Found"))
        if match.group(1) != self.token:
            return self._reply(handler, call, ApiError(401, "Unauthorized"))
        with self._cond:
            queue = self._faults.get(call.method.lower()) or self._faults.get("*")
            fault = queue.pop(0) if queue else None
        call.fault = fault.kind if fault else None
        if fault and fault.kind in _REFUSING_FAULTS:
            return self._inject(handler, call, fault)
        try:
            with self._cond:
                outcome: Any = method(params)
        except ApiError as error:
            outcome = error
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            # Malformed parameters (e.g. message_id="abc"): answer instead of killing the thread.
            outcome = bad_request(f"fake could not process the parameters: {error!r}")
        if fault:  # timeout_after_act: the method took effect, the response never arrives
            return self._inject(handler, call, fault)
        return self._reply(handler, call, outcome)

    def _reply(self, handler: _Handler, call: Call, outcome: Any) -> None:
        if isinstance(outcome, ApiError):
            body: JSON = {"ok": False, "error_code": outcome.code, "description": outcome.description}
            if outcome.parameters:
                body["parameters"] = outcome.parameters
            status = outcome.code
        else:
            body, status = {"ok": True, "result": outcome}, 200
        self._finish(call, status, body)
        _send(handler, status, json.dumps(body, ensure_ascii=False).encode("utf-8"))

    def _inject(self, handler: _Handler, call: Call, fault: _Fault) -> None:
        if fault.kind == "http429":
            return self._reply(
                handler,
                call,
                ApiError(
                    429,
                    f"Too Many Requests: retry after {fault.retry_after}",
                    {"retry_after": fault.retry_after},
                ),
            )
        if fault.kind in ("http500", "http502"):
            code = int(fault.kind[4:])
            text = "Internal Server Error" if code == 500 else "Bad Gateway"
            return self._reply(handler, call, ApiError(code, text))
        if fault.kind == "badjson":
            self._finish(call, 200, None)
            return _send(handler, 200, b"<html><body>Bad Gateway</body></html>", "text/html")
        self._finish(call, 0, None)
        if fault.kind in ("timeout", "timeout_after_act"):
            self._hold(handler.connection, fault.hold)
        _reset(handler)

    def _finish(self, call: Call, status: int, response: JSON | None) -> None:
        with self._cond:
            call.status, call.response = status, response
            self._cond.notify_all()

    def _hold(self, sock: socket.socket, seconds: float) -> None:
        # Keep the request hanging until the client gives up (EOF), the hold ends or we stop.
        deadline = time.monotonic() + seconds
        while not self._stopping.is_set() and time.monotonic() < deadline:
            try:
                readable, _, _ = select.select([sock], [], [], 0.05)
                if readable and not sock.recv(1, socket.MSG_PEEK):
                    return
            except (OSError, ValueError):
                return
            if readable:
                self._stopping.wait(0.05)  # unexpected pipelined data: do not spin


def _scope_key(scope: JSON | None) -> str:
    scope = dict(scope or {"type": "default"})
    for key in ("chat_id", "user_id"):
        if isinstance(scope.get(key), str) and re.fullmatch(r"-?\d+", scope[key]):
            scope[key] = int(scope[key])
    return json.dumps(scope, sort_keys=True)


def _send(handler: _Handler, status: int, body: bytes, ctype: str = "application/json") -> None:
    try:
        handler.send_response(status)
        handler.send_header("Content-Type", ctype)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
    except OSError:
        handler.close_connection = True


def _reset(handler: _Handler) -> None:
    # SO_LINGER(on, 0) turns close() into a TCP RST: the client sees a reset, not a response.
    handler.close_connection = True
    with contextlib.suppress(OSError):
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.connection.close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like api.telegram.org
    disable_nagle_algorithm = True  # headers and body are separate writes: avoid 40 ms stalls
    server: _Server

    def do_POST(self) -> None:
        self.server.fake._handle(self)

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep pytest output clean


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # so server_close() joins handler threads: a clean stop
    block_on_close = True
    request_queue_size = 128  # bursts of new connections must not be refused (socketserver's is 5)

    def __init__(self, fake: FakeTelegram) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._open_lock:
            for sock in list(self._open):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
