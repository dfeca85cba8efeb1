"""Tests for the fake Bot API server itself (tests/fake_telegram.py).

The fake is only useful if it fails where Telegram fails, so most tests drive it with a real
PTB ``Bot`` and assert on the exception PTB raises, not on the fake's internals.
"""

from __future__ import annotations

import asyncio
import html
import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes

from tests.fake_telegram import DEFAULT_TOKEN, FakeTelegram, utf16_len

CHAT = 1001


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    # One client for the module: building an httpx client costs ~40 ms (SSL context).
    with httpx.Client(timeout=5) as client:
        yield client


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        fake.add_chat(CHAT)
        yield fake


Api = Callable[..., httpx.Response]


@pytest.fixture
def api(tg: FakeTelegram, http: httpx.Client) -> Api:
    """Form-encoded POST, like PTB, but without PTB's error mapping."""

    def post(method: str, token: str = DEFAULT_TOKEN, **params: Any) -> httpx.Response:
        return http.post(f"{tg.base_url.removesuffix('/bot')}/bot{token}/{method}", data=params)

    return post


def keyboard(**button: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("버튼", **button)]])  # type: ignore[arg-type]


# -- protocol basics ---------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_get_me(tg: FakeTelegram) -> None:
    async with Bot(tg.token, base_url=tg.base_url) as bot:
        me = await bot.get_me()
    assert me.username == "kead_job_bot" and me.is_bot and me.supports_inline_queries
    assert me.can_read_all_group_messages is False


def test_wrong_token_is_401_and_unknown_method_404(tg: FakeTelegram, api: Api) -> None:
    bad = api("getMe", token="123456:wrong")
    assert bad.status_code == 401 and bad.json() == {
        "ok": False,
        "error_code": 401,
        "description": "Unauthorized",
    }
    missing = api("sendTelepathy")
    assert missing.status_code == 404 and missing.json()["description"] == "Not Found"


@pytest.mark.asyncio
async def test_unknown_method_is_invalid_token_for_ptb(tg: FakeTelegram) -> None:
    async with Bot(tg.token, base_url=tg.base_url) as bot:
        with pytest.raises(EndPointNotFound):
            await bot.do_api_request("sendTelepathy")
    with pytest.raises(InvalidToken):
        async with Bot("123456:wrong", base_url=tg.base_url):
            pass


def test_decodes_form_json_and_multipart_bodies(tg: FakeTelegram, api: Api, http: httpx.Client) -> None:
    markup = '{"inline_keyboard": [[{"text": "a", "callback_data": "1"}]]}'
    assert api("sendMessage", chat_id=str(CHAT), text="123", reply_markup=markup).is_success
    url = f"{tg.base_url}{tg.token}/sendMessage"
    assert http.post(url, json={"chat_id": CHAT, "text": "json"}).is_success
    upload = http.post(
        url, data={"chat_id": str(CHAT), "text": "multi"}, files={"photo": ("a.jpg", b"\xff\xd8")}
    )
    assert upload.is_success
    form, body, multi = tg.calls_to("sendMessage")
    assert form.params["text"] == "123" and form.params["chat_id"] == CHAT
    assert form.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "1"
    assert body.params == {"chat_id": CHAT, "text": "json"}
    assert multi.params["photo"] == {"filename": "a.jpg", "data": b"\xff\xd8"}
    assert [m["text"] for m in tg.messages(CHAT)] == ["123", "json", "multi"]


# -- getUpdates and webhooks -----------------------------------------------------------------


@pytest.mark.asyncio
async def test_long_poll_returns_when_a_message_arrives_and_honours_offset(
    tg: FakeTelegram,
) -> None:
    async with Bot(tg.token, base_url=tg.base_url) as bot:
        poll = asyncio.create_task(bot.get_updates(timeout=30))
        await asyncio.to_thread(tg.wait_for, lambda t: t.calls_to("getUpdates"))
        update_id = tg.user_message("/start 안녕 @kead_job_bot")
        # Far below the 30 s poll timeout: only an early return can finish in time.
        updates = await asyncio.wait_for(poll, 5)
        assert [u.update_id for u in updates] == [update_id]
        message = updates[0].message
        assert message is not None and message.text == "/start 안녕 @kead_job_bot"
        assert [(e.type, e.offset, e.length) for e in message.entities] == [
            ("bot_command", 0, 6),
            ("mention", 10, 13),
        ]
        # Not confirmed yet: returned again; confirmed by offset: gone.
        assert [u.update_id for u in await bot.get_updates(timeout=0)] == [update_id]
        assert await bot.get_updates(offset=update_id + 1, timeout=0) == ()
        assert await bot.get_updates(timeout=0) == ()


def test_get_updates_limit_and_allowed_updates(tg: FakeTelegram, api: Api) -> None:
    first = tg.user_message("하나")
    tg.user_message("둘")
    tg.inline_query("셋")
    limited = api("getUpdates", limit="1").json()["result"]
    assert [u["update_id"] for u in limited] == [first]
    only_inline = api("getUpdates", allowed_updates='["inline_query"]').json()["result"]
    assert [list(u)[1] for u in only_inline] == ["inline_query"]


def test_a_second_poller_terminates_the_first(tg: FakeTelegram, api: Api) -> None:
    results: list[httpx.Response] = []
    first = threading.Thread(target=lambda: results.append(api("getUpdates", timeout="3")))
    first.start()
    tg.wait_for(lambda t: t.calls_to("getUpdates"))
    api("getUpdates", timeout="0")
    first.join()
    assert results[0].status_code == 409
    assert "terminated by other getUpdates request" in results[0].json()["description"]


@pytest.mark.asyncio
async def test_webhook_blocks_polling(tg: FakeTelegram) -> None:
    tg.user_message("pending")
    async with Bot(tg.token, base_url=tg.base_url) as bot:
        with pytest.raises(BadRequest, match=r"(?i)HTTPS URL must be provided"):
            await bot.set_webhook("http://example.com/hook")
        assert await bot.set_webhook("https://example.com/hook", secret_token="s3cret")
        assert tg.webhook_url == "https://example.com/hook"
        info = await bot.get_webhook_info()
        assert info.url == tg.webhook_url and info.pending_update_count == 1
        with pytest.raises(Conflict, match="webhook is active"):
            await bot.get_updates(timeout=0)
        assert await bot.delete_webhook(drop_pending_updates=True)
        assert tg.webhook_url == ""
        assert await bot.get_updates(timeout=0) == ()


def test_stop_releases_a_pending_long_poll(http: httpx.Client) -> None:
    tg = FakeTelegram().start()
    outcome: list[object] = []

    def poll() -> None:
        try:
            outcome.append(http.post(f"{tg.base_url}{tg.token}/getUpdates", data={"timeout": 30}))
        except httpx.HTTPError as error:
            outcome.append(error)

    thread = threading.Thread(target=poll)
    thread.start()
    tg.wait_for(lambda t: t.calls_to("getUpdates"))
    tg.stop()
    thread.join(5)
    assert not thread.is_alive() and outcome


# -- sendMessage validation ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "text", "entities"),
    [
        ("<b>x</b> &lt;script&gt;", "x <script>", [("bold", 0, 1)]),
        ("<B>a</B>&amp;&quot;&#39;&#x27;", "a&\"''", [("bold", 0, 1)]),
        ('<a href="https://ex.com/?a=1&amp;b=2">링크</a>', "링크", [("text_link", 0, 2)]),
        ('<pre><code class="language-python">x = 1</code></pre>', "x = 1", [("pre", 0, 5)]),
        (
            "<blockquote expandable>q</blockquote><tg-spoiler>s</tg-spoiler>",
            "qs",
            [("expandable_blockquote", 0, 1), ("spoiler", 1, 1)],
        ),
        ('<span class="tg-spoiler">😀</span><i>i</i>', "😀i", [("spoiler", 0, 2), ("italic", 2, 1)]),
        ("  <b></b>\n trimmed \n", "trimmed", []),
    ],
)
def test_html_accepted(
    tg: FakeTelegram, api: Api, source: str, text: str, entities: list[tuple[str, int, int]]
) -> None:
    response = api("sendMessage", chat_id=str(CHAT), text=source, parse_mode="HTML")
    assert response.is_success, response.text
    stored = tg.last_message(CHAT)
    assert stored is not None and stored["text"] == text
    assert [(e["type"], e["offset"], e["length"]) for e in stored.get("entities", [])] == entities
    assert response.json()["result"] == stored


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("hello <script>alert(1)</script>", 'Unsupported start tag "script" at byte offset 6'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("AT&T", "Character '&'"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler"'),
        ("<a>x</a>", 'Tag "a" must have attribute "href"'),
        ("<b", "Unclosed start tag"),
    ],
)
def test_html_rejected(tg: FakeTelegram, api: Api, source: str, error: str) -> None:
    response = api("sendMessage", chat_id=str(CHAT), text=source, parse_mode="HTML")
    assert response.status_code == 400
    assert response.json()["description"].startswith("Bad Request: can't parse entities: ")
    assert error in response.json()["description"]
    assert tg.messages(CHAT) == []


@pytest.mark.asyncio
async def test_sent_message_keeps_user_text_out_of_bold(tg: FakeTelegram) -> None:
    user_text = "<b>나는 굵지 않다</b> & co"
    async with Bot(tg.token, base_url=tg.base_url) as bot:
        sent = await bot.send_message(
            CHAT,
            f"<b>답변</b>\n{html.escape(user_text)}",
            parse_mode="HTML",
            reply_markup=keyboard(callback_data="more"),
        )
    stored = tg.last_message(CHAT)
    assert stored is not None and stored["text"] == f"답변\n{user_text}" == sent.text
    assert stored["entities"] == [{"type": "bold", "offset": 0, "length": 2}]
    assert stored["from"]["is_bot"] and stored["message_id"] == sent.message_id
    assert stored["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "more"


@pytest.mark.asyncio
async def test_length_limits_count_utf16_after_parsing(tg: FakeTelegram) -> None:
    async with Bot(tg.token, base_url=tg.base_url) as bot:
        await bot.send_message(CHAT, "가" * 4096)
        await bot.send_message(CHAT, f"<b>{'a' * 4096}</b>", parse_mode="HTML")
        await bot.send_message(CHAT, "😀" * 2048)
        for too_long in ("가" * 4097, "😀" * 2049):
            with pytest.raises(BadRequest, match="Message is too long"):
                await bot.send_message(CHAT, too_long)
        with pytest.raises(BadRequest, match="Message text is empty"):
            await bot.send_message(CHAT, "<b> </b>\n", parse_mode="HTML")
    assert utf16_len("😀") == 2 and len(tg.messages(CHAT)) == 3


@pytest.mark.asyncio
async def test_inline_keyboard_validation(tg: FakeTelegram, api: Api) -> None:
    async with Bot(tg.token, base_url=tg.base_url) as bot:
        await bot.send_message(CHAT, "ok", reply_markup=keyboard(callback_data="x" * 64))
        await bot.send_message(CHAT, "ok", reply_markup=keyboard(callback_data="가" * 21))
        await bot.send_message(CHAT, "ok", reply_markup=keyboard(url="tg://resolve?domain=x"))
        for data in ("x" * 65, "가" * 22):  # 65 and 66 UTF-8 bytes
            with pytest.raises(BadRequest, match="Button_data_invalid"):
                await bot.send_message(CHAT, "no", reply_markup=keyboard(callback_data=data))
        for url in ("tel:+82-2-1234-5678", "javascript:alert(1)", "https://"):
            with pytest.raises(BadRequest, match="Button_url_invalid"):
                await bot.send_message(CHAT, "no", reply_markup=keyboard(url=url))
    bare = '{"inline_keyboard": [[{"text": "no action"}]]}'
    response = api("sendMessage", chat_id=str(CHAT), text="x", reply_markup=bare)
    assert "Text buttons are unallowed" in response.json()["description"]
    assert [m["text"] for m in tg.messages(CHAT)] == ["ok"] * 3


@pytest.mark.asyncio
async def test_unknown_and_blocked_chats(tg: FakeTelegram) -> None:
    tg.block(CHAT)
    async with Bot(tg.token, base_url=tg.base_url) as bot:
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(424242, "hello")
        with pytest.raises(Forbidden, match="blocked by the user"):
            await bot.send_message(CHAT, "hello")


def test_privacy_mode_hides_group_chatter(tg: FakeTelegram, api: Api) -> None:
    group = -100200

    def say(text: str, reply_to: int | None = None) -> int:
        return tg.user_message(
            text, chat_id=group, chat_type="supergroup", user_id=7, reply_to_message_id=reply_to
        )

    assert say("그냥 잡담") == 0
    assert say("/help") > 0 and say("/help@kead_job_bot") > 0
    assert say("/help@other_bot") == 0
    assert say("질문 @kead_job_bot") > 0
    bot_message = api("sendMessage", chat_id=str(group), text="답").json()["result"]
    update_id = say("답장", reply_to=bot_message["message_id"])
    assert tg.get_update(update_id)["message"]["reply_to_message"]["text"] == "답"


# -- edits, callbacks, inline mode -----------------------------------------------------------


@pytest.mark.asyncio
async def test_edits_and_callback_answers(tg: FakeTelegram) -> None:
    async with Bot(tg.token, base_url=tg.base_url) as bot:
        sent = await bot.send_message(CHAT, "질문?", reply_markup=keyboard(callback_data="yes"))
        with pytest.raises(ValueError, match="no button"):
            tg.press_button(CHAT, sent.message_id, "forged")
        update_id = tg.press_button(CHAT, sent.message_id, "yes")
        (update,) = await bot.get_updates(timeout=0)
        query = update.callback_query
        assert query is not None and query.data == "yes" and query.message is not None
        assert query.message.message_id == sent.message_id
        assert await query.answer("확인")
        assert tg.callback_answer(update_id) == {"callback_query_id": query.id, "text": "확인"}
        with pytest.raises(BadRequest, match="Query is too old"):
            await query.answer()
        same = keyboard(callback_data="yes")
        with pytest.raises(BadRequest, match="Message is not modified"):
            await bot.edit_message_text("질문?", CHAT, sent.message_id, reply_markup=same)
        edited = await bot.edit_message_text("<i>답</i>", CHAT, sent.message_id, parse_mode="HTML")
        assert isinstance(edited, object) and tg.messages(CHAT)[0]["text"] == "답"
        assert "reply_markup" not in tg.messages(CHAT)[0]  # omitted markup removes the keyboard
        await bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=same)
        with pytest.raises(BadRequest, match="Message to edit not found"):
            await bot.edit_message_text("x", CHAT, 999)


@pytest.mark.asyncio
async def test_inline_query_answers_are_validated(tg: FakeTelegram) -> None:
    def article(result_id: str, text: str) -> InlineQueryResultArticle:
        return InlineQueryResultArticle(
            result_id,
            "제목",
            InputTextMessageContent(text, parse_mode="HTML"),
            reply_markup=keyboard(callback_data="like"),
        )

    update_id = tg.inline_query("취업")
    async with Bot(tg.token, base_url=tg.base_url) as bot:
        (update,) = await bot.get_updates(timeout=0)
        assert update.inline_query is not None and update.inline_query.query == "취업"
        query_id = update.inline_query.id
        with pytest.raises(BadRequest, match="Result_id_invalid"):
            await bot.answer_inline_query(query_id, [article("x" * 65, "a")])
        with pytest.raises(BadRequest, match=r'(?i)unsupported start tag "p"'):
            await bot.answer_inline_query(query_id, [article("1", "<p>a</p>")])
        assert await bot.answer_inline_query(query_id, [article("1", "<b>굵게</b>")])
        with pytest.raises(BadRequest, match="Query is too old"):
            await bot.answer_inline_query(query_id, [article("1", "again")])
        answer = tg.inline_answer(update_id)
        assert answer is not None and answer[0]["input_message_content"]["message_text"] == "굵게"
        tg.choose_inline_result(update_id, "1")
        chosen = (await bot.get_updates(offset=update.update_id + 1, timeout=0))[0]
        assert chosen.chosen_inline_result is not None
        inline_id = chosen.chosen_inline_result.inline_message_id
        assert inline_id is not None
        assert await bot.edit_message_text("바뀜", inline_message_id=inline_id) is True
        assert tg.inline_message(inline_id)["text"] == "바뀜"


@pytest.mark.asyncio
async def test_commands_and_descriptions_per_scope_and_language(tg: FakeTelegram) -> None:
    async with Bot(tg.token, base_url=tg.base_url) as bot:
        await bot.set_my_commands([BotCommand("start", "시작")], language_code="ko")
        scope = BotCommandScopeChat(CHAT)
        await bot.set_my_commands([BotCommand("help", "도움말")], scope=scope)
        assert [c.command for c in await bot.get_my_commands(language_code="ko")] == ["start"]
        assert await bot.get_my_commands() == ()
        assert [c.command for c in await bot.get_my_commands(scope=scope)] == ["help"]
        assert tg.commands({"type": "chat", "chat_id": CHAT})[0]["description"] == "도움말"
        with pytest.raises(BadRequest, match="Bot_command_invalid"):
            await bot.set_my_commands([BotCommand("Start", "대문자")])
        await bot.delete_my_commands(scope=scope)
        assert await bot.get_my_commands(scope=scope) == ()
        await bot.set_my_description("설명", language_code="ko")
        assert (await bot.get_my_description("ko")).description == "설명"
        assert (await bot.get_my_description()).description == ""
        with pytest.raises(BadRequest, match="too long"):
            await bot.set_my_short_description("가" * 121)
        await bot.set_my_short_description("가" * 120)
        assert await bot.send_chat_action(CHAT, "typing")


# -- fault injection -------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # int retry_after
@pytest.mark.parametrize(
    ("kind", "error", "acted"),
    [
        ("http500", NetworkError, False),
        ("http502", NetworkError, False),
        ("http429", RetryAfter, False),
        ("reset", NetworkError, False),
        ("badjson", TelegramError, False),
        ("timeout", TimedOut, False),
        ("timeout_after_act", TimedOut, True),
    ],
)
async def test_fault_kinds(tg: FakeTelegram, kind: str, error: type[TelegramError], acted: bool) -> None:
    tg.fail_next("sendMessage", kind, retry_after=3)
    async with Bot(tg.token, base_url=tg.base_url) as bot:
        with pytest.raises(error) as raised:
            await bot.send_message(CHAT, "첫 시도", read_timeout=0.3)
        await bot.send_message(CHAT, "재시도")  # the fault is used up
    if kind == "http429":
        assert "Retry in 3 seconds" in str(raised.value)
    assert [m["text"] for m in tg.messages(CHAT)] == ["첫 시도"] * acted + ["재시도"]
    first, second = tg.calls_to("sendMessage")
    assert first.fault == kind and not first.ok and second.ok and second.fault is None


def test_fail_next_wildcard_and_times(tg: FakeTelegram, api: Api) -> None:
    tg.fail_next("*", "http500", times=2)
    assert api("getMe").status_code == 500
    assert api("sendChatAction", chat_id=str(CHAT), action="typing").json() == {
        "ok": False,
        "error_code": 500,
        "description": "Internal Server Error",
    }
    assert api("getMe").status_code == 200
    with pytest.raises(ValueError, match="unknown fault kind"):
        tg.fail_next("getMe", "gremlins")


def test_wait_for_reports_recent_calls_on_timeout(tg: FakeTelegram, api: Api) -> None:
    api("sendMessage", chat_id=str(CHAT), text="<oops>", parse_mode="HTML")
    with pytest.raises(AssertionError, match=r"sendMessage .*400 .*Unsupported start tag"):
        tg.wait_for(lambda t: t.messages(CHAT), timeout=0.05)


def test_offline_update_building_without_a_server() -> None:
    tg = FakeTelegram()
    update_id = tg.user_message("/start", chat_id=5)
    update = Update.de_json(tg.get_update(update_id), None)
    assert update.message is not None and update.message.text == "/start"
    assert update.effective_chat is not None and update.effective_chat.id == 5


# -- end to end with a real Application ------------------------------------------------------


@pytest.mark.asyncio
async def test_application_polls_the_fake(tg: FakeTelegram) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_html(
            f"<b>안녕하세요</b> {html.escape(' '.join(context.args or []))}",
            reply_markup=keyboard(callback_data="again"),
        )

    async def again(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        await update.callback_query.answer()
        await update.callback_query.edit_message_text("다시")

    app = ApplicationBuilder().token(tg.token).base_url(tg.base_url).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(again))
    async with app:
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await app.start()
        tg.user_message("/start <tag>")
        sent = await asyncio.to_thread(tg.wait_for, lambda t: t.last_message(CHAT), 5)
        assert sent["text"] == "안녕하세요 <tag>"
        update_id = tg.press_button(CHAT, sent["message_id"], "again")
        await asyncio.to_thread(tg.wait_for, lambda t: t.messages(CHAT)[0]["text"] == "다시", 5)
        assert tg.callback_answer(update_id) is not None
        await app.updater.stop()
        await app.stop()
    assert tg.calls_to("deleteWebhook") and tg.calls[0].method == "getMe"
