"""Offline tests of bot/telegram_app.py and bot/telegram_render.py: no server, no network.

Updates are built by the fake Bot API (without starting it) or by hand, run through a real
Application with ``process_update``, and every Bot API call is caught by ``RecordingRequest``.
"""

from __future__ import annotations

import html
import io
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, TimedOut

from bot import telegram_app, telegram_render, telegram_run
from bot.answers import Assistant, Block, Button, Outcome, Reply
from bot.telegram_app import TelegramApp
from bot.telegram_render import MAX_MESSAGE, Piece, render_chunks, render_html
from tests.fake_telegram import DEFAULT_TOKEN, FakeTelegram, parse_html, utf16_len
from tests.harness import CHAT, JSON, RecordingRequest, recorder

GROUP = -100200
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def tg() -> FakeTelegram:
    """Never started: only builds realistic update dicts (all group messages delivered)."""
    return FakeTelegram(privacy_mode=False)


@pytest_asyncio.fixture
async def app(assistant: Assistant, tg: FakeTelegram) -> AsyncIterator[TelegramApp]:
    request = RecordingRequest(tg.api_getMe({}))
    application = telegram_app.build_application(assistant, DEFAULT_TOKEN, rate_limit=False, request=request)
    await application.initialize()
    request.calls.clear()
    yield application
    await application.shutdown()


async def deliver(app: TelegramApp, update: JSON) -> RecordingRequest:
    await app.process_update(Update.de_json(update, app.bot))
    return recorder(app)


def plain(sent: JSON) -> tuple[str, list[JSON]]:
    """What the user sees: the text after Telegram parsed the HTML, and its entities."""
    assert sent["parse_mode"] == "HTML"
    return parse_html(sent["text"])


def button_data(sent: JSON) -> list[str]:
    rows = sent.get("reply_markup", {}).get("inline_keyboard", [])
    return [b.get("callback_data") or b.get("url") for row in rows for b in row]


def callback(data: str, *, message: bool = True, chat_id: int = CHAT) -> JSON:
    query: JSON = {
        "id": "q1",
        "from": {"id": 1001, "is_bot": False, "first_name": "테스트"},
        "chat_instance": "ci",
        "data": data,
    }
    if message:
        chat = {"id": chat_id, "type": "private", "first_name": "테스트"}
        bot = {"id": 123456, "is_bot": True, "first_name": "KEAD Job Bot"}
        query["message"] = {"message_id": 7, "date": 0, "chat": chat, "from": bot, "text": "메뉴"}
    else:
        query["inline_message_id"] = "inl-1"
    return {"update_id": 9, "callback_query": query}


# -- commands ----------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_start_greets_with_the_menu(app: TelegramApp, tg: FakeTelegram, assistant: Assistant) -> None:
    request = await deliver(app, tg.get_update(tg.user_message("/start")))
    [sent] = request.sent()
    text, _ = plain(sent)
    assert text == assistant.welcome().text()
    assert button_data(sent)[:2] == [f"p:{p.id}" for p in assistant.catalog.programs[:2]]
    assert sent["link_preview_options"] == {"is_disabled": True}
    assert "reply_parameters" not in sent  # no quoting in a private chat


@pytest.mark.asyncio
async def test_deep_link_opens_the_program(app: TelegramApp, tg: FakeTelegram, assistant: Assistant) -> None:
    request = await deliver(app, tg.get_update(tg.user_message("/start intern")))
    section = assistant.catalog.sections[assistant.catalog.program("intern").section_id]  # type: ignore[union-attr]
    assert request.sent()[0]["text"].startswith(f"<b>{html.escape(section.title)}</b>\n\n")


@pytest.mark.parametrize("command, method", [("/menu", "menu"), ("/help", "help"), ("/없는명령", "respond")])
@pytest.mark.asyncio
async def test_menu_and_help(
    app: TelegramApp, tg: FakeTelegram, assistant: Assistant, command: str, method: str
) -> None:
    request = await deliver(app, tg.get_update(tg.user_message(command)))
    expected = assistant.respond(command) if method == "respond" else getattr(assistant, method)()
    assert plain(request.sent()[0])[0] == expected.text()


@pytest.mark.asyncio
async def test_unknown_command_gets_help(app: TelegramApp, tg: FakeTelegram, assistant: Assistant) -> None:
    request = await deliver(app, tg.get_update(tg.user_message("/settings")))
    assert plain(request.sent()[0])[0] == assistant.help().text()


# -- text ----------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_text_is_answered_with_a_bold_title(app: TelegramApp, tg: FakeTelegram) -> None:
    request = await deliver(app, tg.get_update(tg.user_message("구직등록 어떻게 해요")))
    [sent] = request.sent()
    text, entities = plain(sent)
    assert text.startswith("장애인 취업알선의 구직 등록\n\n")
    assert entities[0] == {"type": "bold", "offset": 0, "length": utf16_len("장애인 취업알선의 구직 등록")}
    assert entities[-1]["type"] == "italic" and text.endswith("확인하세요.")
    assert button_data(sent) == ["https://www.kead.or.kr", "menu"]


@pytest.mark.asyncio
async def test_markup_in_user_text_stays_literal(
    app: TelegramApp, tg: FakeTelegram, assistant: Assistant
) -> None:
    question = "<b>인턴제</b> & <script>"
    request = await deliver(app, tg.get_update(tg.user_message(question)))
    assert plain(request.sent()[0])[0] == assistant.respond(question).text()


@pytest.mark.asyncio
async def test_ambiguous_question_gets_suggestion_buttons(app: TelegramApp, tg: FakeTelegram) -> None:
    request = await deliver(app, tg.get_update(tg.user_message("장애인 일자리 알림")))
    data = button_data(request.sent()[0])
    assert len([d for d in data if d.startswith("s:")]) >= 2 and data[-1] == "menu"


@pytest.mark.asyncio
async def test_edited_message_gets_no_second_answer(app: TelegramApp, tg: FakeTelegram) -> None:
    update = tg.get_update(tg.user_message("인턴제"))
    update["edited_message"] = {**update.pop("message"), "edit_date": 1}
    assert (await deliver(app, update)).calls == []


@pytest.mark.asyncio
async def test_an_answer_shared_via_inline_mode_is_not_answered(app: TelegramApp, tg: FakeTelegram) -> None:
    update = tg.get_update(tg.user_message("장애인 인턴제"))
    update["message"]["via_bot"] = tg.bot_user
    assert (await deliver(app, update)).calls == []


@pytest.mark.parametrize(
    "make",
    [
        lambda tg: tg.user_sticker(),
        lambda tg: tg.user_photo(),
        lambda tg: tg.user_photo("인턴제"),
        lambda tg: tg.user_location(),
    ],
)
@pytest.mark.asyncio
async def test_non_text_is_explained(
    app: TelegramApp, tg: FakeTelegram, assistant: Assistant, make: Callable[[FakeTelegram], int]
) -> None:
    request = await deliver(app, tg.get_update(make(tg)))
    assert plain(request.sent()[0])[0] == assistant.non_text().text()


# -- groups --------------------------------------------------------------------------------


def group_message(tg: FakeTelegram, text: str, *, reply_to_bot: bool = False) -> JSON:
    tg.add_chat(GROUP, chat_type="group")
    update = tg.get_update(tg.user_message(text, chat_id=GROUP, chat_type="group", user_id=1001))
    if reply_to_bot:
        update["message"]["reply_to_message"] = {
            "message_id": 1,
            "date": 0,
            "chat": update["message"]["chat"],
            "from": tg.bot_user,
            "text": "장애인 인턴제",
        }
    return update


@pytest.mark.parametrize("text", ["인턴제 알려주세요", "@other_bot 인턴제", "/start@other_bot"])
@pytest.mark.asyncio
async def test_group_chatter_is_ignored(app: TelegramApp, tg: FakeTelegram, text: str) -> None:
    assert (await deliver(app, group_message(tg, text))).calls == []


@pytest.mark.asyncio
async def test_group_sticker_is_ignored(app: TelegramApp, tg: FakeTelegram) -> None:
    tg.add_chat(GROUP, chat_type="group")
    update = tg.get_update(tg.user_sticker(chat_id=GROUP, chat_type="group", user_id=1001))
    assert (await deliver(app, update)).calls == []


@pytest.mark.parametrize(
    "text, reply_to_bot",
    [
        ("@kead_job_bot 인턴제 알려주세요", False),
        ("인턴제 @KEAD_JOB_BOT", False),
        ("인턴제는요?", True),
    ],
)
@pytest.mark.asyncio
async def test_group_message_for_the_bot_is_answered(
    app: TelegramApp, tg: FakeTelegram, text: str, reply_to_bot: bool
) -> None:
    update = group_message(tg, text, reply_to_bot=reply_to_bot)
    [sent] = (await deliver(app, update)).sent()
    assert plain(sent)[0].startswith("장애인 인턴제\n\n")
    assert sent["reply_parameters"]["message_id"] == update["message"]["message_id"]


@pytest.mark.asyncio
async def test_bare_mention_shows_the_menu(app: TelegramApp, tg: FakeTelegram, assistant: Assistant) -> None:
    [sent] = (await deliver(app, group_message(tg, "@kead_job_bot"))).sent()
    assert plain(sent)[0] == assistant.menu().text()


@pytest.mark.asyncio
async def test_group_commands_are_answered(app: TelegramApp, tg: FakeTelegram, assistant: Assistant) -> None:
    [sent] = (await deliver(app, group_message(tg, "/help@kead_job_bot"))).sent()
    assert plain(sent)[0] == assistant.help().text()


# -- buttons -------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_button_is_answered_first_then_a_new_message(app: TelegramApp, assistant: Assistant) -> None:
    request = await deliver(app, callback("p:register"))
    assert request.methods() == ["answerCallbackQuery", "sendMessage"]
    assert plain(request.sent()[0])[0] == assistant.open("p:register").text()


@pytest.mark.parametrize("data", ["menu:0", "menu:99", "menu:abc"])
@pytest.mark.asyncio
async def test_menu_page_is_edited_in_place(app: TelegramApp, assistant: Assistant, data: str) -> None:
    request = await deliver(app, callback(data))
    assert request.methods() == ["answerCallbackQuery", "editMessageText"]
    params = request.calls[1][1]
    assert params["message_id"] == "7" and parse_html(params["text"])[0] == assistant.menu().text()


@pytest.mark.asyncio
async def test_unchanged_menu_page_is_not_an_error(app: TelegramApp) -> None:
    recorder(app).failures["editMessageText"] = [BadRequest("Message is not modified: same")]
    assert (await deliver(app, callback("menu:0"))).methods() == ["answerCallbackQuery", "editMessageText"]


@pytest.mark.asyncio
async def test_uneditable_menu_is_sent_anew(app: TelegramApp) -> None:
    recorder(app).failures["editMessageText"] = [BadRequest("Message can't be edited")]
    request = await deliver(app, callback("menu:0"))
    assert request.methods() == ["answerCallbackQuery", "editMessageText", "sendMessage"]


@pytest.mark.parametrize("data", ["p:nope", "s:", "x" * 64, "", "p:../../etc", "s:no-such-section"])
@pytest.mark.asyncio
async def test_forged_button_gets_a_polite_notice(app: TelegramApp, assistant: Assistant, data: str) -> None:
    request = await deliver(app, callback(data))
    assert request.methods() == ["answerCallbackQuery", "sendMessage"]
    assert assistant.open(data).outcome == Outcome.NOTICE
    assert plain(request.sent()[0])[0] == assistant.open(data).text()


@pytest.mark.asyncio
async def test_button_in_an_inline_message_does_not_crash(
    app: TelegramApp, caplog: pytest.LogCaptureFixture
) -> None:
    request = await deliver(app, callback("p:register", message=False))
    assert request.methods() == ["answerCallbackQuery"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.asyncio
async def test_too_old_callback_still_opens(app: TelegramApp) -> None:
    recorder(app).failures["answerCallbackQuery"] = [BadRequest("Query is too old")]
    assert (await deliver(app, callback("p:intern"))).methods()[-1] == "sendMessage"


# -- inline mode ---------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_inline_query_offers_articles(app: TelegramApp, tg: FakeTelegram, assistant: Assistant) -> None:
    request = await deliver(app, tg.get_update(tg.inline_query("인턴")))
    [(name, params)] = request.calls
    assert name == "answerInlineQuery" and int(params["cache_time"]) <= 300
    results = params["results"]
    replies = assistant.inline("인턴")
    assert [r["id"] for r in results] == [r.section_ids[0] for r in replies]
    first = results[0]
    assert first["type"] == "article" and first["title"] == replies[0].title
    assert len(first["description"]) <= 100
    content = first["input_message_content"]
    assert content["parse_mode"] == "HTML" and parse_html(content["message_text"])[0] == replies[0].text()
    assert all("url" in b for row in first["reply_markup"]["inline_keyboard"] for b in row)


@pytest.mark.asyncio
async def test_empty_inline_query_lists_programs(app: TelegramApp, tg: FakeTelegram) -> None:
    request = await deliver(app, tg.get_update(tg.inline_query("")))
    assert 1 <= len(request.calls[0][1]["results"]) <= 5


# -- rendering -----------------------------------------------------------------------------


def test_render_escapes_everything() -> None:
    evil = "<b>인턴제</b> & <script>"
    reply = Reply(Outcome.ANSWER, blocks=(Block(evil, (evil,)),), note=evil)
    rendered = render_html(reply)
    assert rendered.startswith("<b>&lt;b&gt;인턴제&lt;/b&gt; &amp; &lt;script&gt;</b>")
    text, entities = parse_html(rendered)
    assert text == reply.text()
    assert [e["type"] for e in entities] == ["bold", "italic"]


def long_reply(*paragraphs: str) -> Reply:
    return Reply(
        Outcome.ANSWER,
        blocks=(Block("제목", paragraphs),),
        note="출처",
        buttons=((Button("메뉴", data="menu"),),),
    )


def without_spaces(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize(
    "reply",
    [
        long_reply(*[f"{n}번째 문단입니다. " * 40 for n in range(40)]),
        long_reply("아주 긴 한 문단 " * 2000),
        long_reply("\n".join(["한 줄짜리 목록 항목 & <기호>"] * 900)),
        long_reply("😀" * 5000),
        long_reply("가" * 4096, "😀" * 2048, "<" * 4097),
    ],
    ids=["paragraphs", "one-huge-paragraph", "lines", "emoji", "exact-limits"],
)
def test_long_replies_are_split_into_valid_messages(reply: Reply) -> None:
    chunks = render_chunks(reply)
    assert len(chunks) > 1
    texts = [parse_html(chunk)[0] for chunk in chunks]  # raises on invalid HTML
    assert all(0 < utf16_len(t) <= MAX_MESSAGE for t in texts)
    assert chunks[0].startswith("<b>제목</b>") and chunks[-1].endswith("<i>출처</i>")
    assert without_spaces("".join(texts)) == without_spaces(reply.text())  # cuts drop only spaces


@pytest.mark.parametrize(
    "sizes, expected",
    [
        ((2047, 2047), [4096]),  # two pieces and the blank line between them: exactly full
        ((2048, 2047), [2048, 2047]),
        ((4096,), [4096]),
        ((4097,), [4096, 1]),
        ((1, 1, 1), [7]),
    ],
)
def test_pack_counts_the_blank_lines(sizes: tuple[int, ...], expected: list[int]) -> None:
    chunks = telegram_render.pack([Piece("가" * n) for n in sizes])
    assert [utf16_len(parse_html(c)[0]) for c in chunks] == expected


def test_paragraphs_are_never_cut_when_they_fit() -> None:
    paragraphs = [f"문단{n} " + "나" * 1000 for n in range(10)]
    for chunk in render_chunks(long_reply(*paragraphs)):
        for part in parse_html(chunk)[0].split("\n\n"):
            assert part in (*paragraphs, "제목", "출처")


def test_a_cut_prefers_a_line_break() -> None:
    text = "가" * 3000 + "\n" + "나" * 900 + " " + "다" * 900
    assert [p.text for p in telegram_render.split_piece(Piece(text), MAX_MESSAGE)] == [
        "가" * 3000,
        "나" * 900 + " " + "다" * 900,
    ]


@pytest.mark.asyncio
async def test_long_reply_is_sent_with_buttons_on_the_last_message(app: TelegramApp) -> None:
    reply = long_reply("긴 문단입니다. " * 1500)
    await telegram_render.send(app.bot, CHAT, reply, retries=0, quote=3)
    sent = recorder(app).sent()
    assert len(sent) == len(render_chunks(reply)) > 1
    assert ["reply_markup" in s for s in sent] == [False] * (len(sent) - 1) + [True]
    assert ["reply_parameters" in s for s in sent] == [True] + [False] * (len(sent) - 1)


def test_buttons_telegram_would_refuse_are_dropped(caplog: pytest.LogCaptureFixture) -> None:
    reply = Reply(
        Outcome.ANSWER,
        buttons=(
            (Button("전화", url="tel:1588-1519"), Button("누리집", url="https://www.kead.or.kr")),
            (Button("너무 긴", data="p:" + "x" * 63),),
            (Button("메뉴", data="menu"),),
        ),
    )
    markup = telegram_render.keyboard(reply)
    assert markup is not None
    rows = [[b.url or b.callback_data for b in row] for row in markup.inline_keyboard]
    assert rows == [["https://www.kead.or.kr"], ["menu"]]
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 2


def test_a_reply_without_buttons_has_no_keyboard() -> None:
    assert telegram_render.keyboard(Reply(Outcome.NOTICE)) is None


# -- sending reliability -------------------------------------------------------------------


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(telegram_render, "RETRY_BASE_SECONDS", 0.0)


def flaky(*errors: Exception) -> tuple[Callable[[], Any], list[int]]:
    attempts: list[int] = []
    pending = list(errors)

    async def call() -> str:
        attempts.append(1)
        if pending:
            raise pending.pop(0)
        return "ok"

    return call, attempts


@pytest.mark.usefixtures("no_backoff")
@pytest.mark.parametrize("error", [TimedOut(), NetworkError("httpx.ReadError"), NetworkError("Bad Gateway")])
@pytest.mark.asyncio
async def test_network_failures_are_retried(error: Exception) -> None:
    call, attempts = flaky(error, error)
    assert await telegram_render.with_retries(call, 4) == "ok" and len(attempts) == 3


@pytest.mark.usefixtures("no_backoff")
@pytest.mark.parametrize("error", [BadRequest("Can't parse entities"), Forbidden("bot was blocked")])
@pytest.mark.asyncio
async def test_refusals_are_not_retried(error: Exception) -> None:
    call, attempts = flaky(error)
    with pytest.raises(type(error)):
        await telegram_render.with_retries(call, 4)
    assert len(attempts) == 1


@pytest.mark.usefixtures("no_backoff")
@pytest.mark.asyncio
async def test_retries_give_up() -> None:
    call, attempts = flaky(*[TimedOut()] * 5)
    with pytest.raises(TimedOut):
        await telegram_render.with_retries(call, 3)
    assert len(attempts) == 4


@pytest.mark.usefixtures("no_backoff")
@pytest.mark.asyncio
async def test_a_timed_out_send_is_sent_again(app: TelegramApp, tg: FakeTelegram) -> None:
    recorder(app).failures["sendMessage"] = [TimedOut()]
    request = await deliver(app, tg.get_update(tg.user_message("인턴제")))
    assert request.methods() == ["sendMessage", "sendMessage"]


# -- errors and privacy --------------------------------------------------------------------


@pytest.mark.asyncio
async def test_errors_are_logged_without_user_data(
    app: TelegramApp, tg: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    recorder(app).failures["sendMessage"] = [BadRequest("Chat not found")]
    update_id = tg.user_message("비밀스러운 질문 인턴제", chat_id=777001, first_name="홍길동")
    await deliver(app, tg.get_update(update_id))
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    line = record.getMessage()
    assert str(update_id) in line and "BadRequest" in line and "telegram_render.py" in line
    for private in ("비밀스러운", "777001", "홍길동"):
        assert private not in caplog.text


@pytest.mark.asyncio
async def test_a_blocked_user_is_a_warning(
    app: TelegramApp, tg: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    recorder(app).failures["sendMessage"] = [Forbidden("Forbidden: bot was blocked by the user")]
    await deliver(app, tg.get_update(tg.user_message("인턴제")))
    assert [r.levelname for r in caplog.records if r.name == "bot.telegram_app"] == ["WARNING"]


# -- start-up ------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_profile_is_written_only_when_different(app: TelegramApp, assistant: Assistant) -> None:
    request = recorder(app)
    await telegram_app.publish_profile(app)
    assert request.methods() == [
        "getMyCommands",
        "setMyCommands",
        "getMyDescription",
        "setMyDescription",
        "getMyShortDescription",
        "setMyShortDescription",
    ]
    commands = request.calls[1][1]["commands"]
    assert [c["command"] for c in commands] == ["start", "menu", "help", "privacy"]
    settings = assistant.config.telegram
    request.results.update(
        getMyCommands=commands,
        getMyDescription={"description": settings.description},
        getMyShortDescription={"short_description": settings.short_description},
    )
    request.calls.clear()
    await telegram_app.publish_profile(app)
    assert request.methods() == ["getMyCommands", "getMyDescription", "getMyShortDescription"]


@pytest.mark.asyncio
async def test_profile_failures_only_warn(app: TelegramApp, caplog: pytest.LogCaptureFixture) -> None:
    recorder(app).failures.update(
        getMyCommands=[NetworkError("down")], setMyDescription=[BadRequest("too long")]
    )
    await telegram_app.publish_profile(app)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2 and "setMyShortDescription" in recorder(app).methods()


@pytest.mark.parametrize(
    "given, api, files",
    [
        ("http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/file/bot"),
        ("http://127.0.0.1:8081/", "http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/file/bot"),
        (
            "https://api.example/bot{token}/test",
            "https://api.example/bot{token}/test",
            "https://api.example/file/bot{token}/test",
        ),
    ],
)
def test_api_urls(given: str, api: str, files: str) -> None:
    assert telegram_app.api_urls(given) == (api, files)


# -- token, settings and logs --------------------------------------------------------------


@pytest.mark.parametrize(
    "token, ok",
    [
        (DEFAULT_TOKEN, True),
        ("  " + DEFAULT_TOKEN + "\n", True),
        ("", False),
        ("1234:" + "a" * 35, False),
        ("123456:" + "a" * 29, False),
        ("123456:" + "a" * 30 + "!", False),
        ("123456 " + "a" * 35, False),
        ("١٢٣٤٥٦:" + "a" * 35, False),
    ],
)
def test_token_format(token: str, ok: bool) -> None:
    if ok:
        assert telegram_run.check_token(token) == token.strip()
    else:
        with pytest.raises(telegram_run.SetupError) as caught:
            telegram_run.check_token(token)
        lines = str(caught.value).splitlines()
        assert len(lines) == 2 and all("python -m bot chat" in line for line in lines)
        assert token.strip() == "" or token.strip() not in str(caught.value)


@pytest.mark.parametrize("environ", [{}, {"TELEGRAM_BOT_TOKEN": "not-a-token"}])
def test_run_without_a_token_exits_2(environ: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert telegram_run.run(ROOT / "config.yaml", None, webhook=False, environ=environ) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and "TELEGRAM_BOT_TOKEN" in err[0] and "python -m bot chat" in err[1]


@pytest.fixture
def restore_logging() -> Iterator[None]:
    names = ("", "httpx", "httpcore", "telegram")
    levels = {name: logging.getLogger(name).level for name in names}
    root = logging.getLogger()
    handlers = {h: list(h.filters) for h in root.handlers}
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    for handler, kept in handlers.items():
        handler.filters[:] = kept


@pytest.mark.usefixtures("restore_logging")
def test_run_refuses_a_webhook_without_a_secret(capsys: pytest.CaptureFixture[str]) -> None:
    environ = {"TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN, "TELEGRAM_WEBHOOK_URL": "https://example.org/telegram"}
    assert telegram_run.run(ROOT / "config.yaml", None, webhook=True, environ=environ) == 2
    err = capsys.readouterr().err
    assert "TELEGRAM_WEBHOOK_SECRET" in err and DEFAULT_TOKEN not in err


@pytest.mark.parametrize(
    "environ, problem",
    [
        ({"TELEGRAM_WEBHOOK_SECRET": "s3cret_-X"}, "TELEGRAM_WEBHOOK_URL"),
        ({"TELEGRAM_WEBHOOK_URL": "http://example.org/t", "TELEGRAM_WEBHOOK_SECRET": "abc"}, "https"),
        (
            {"TELEGRAM_WEBHOOK_URL": "https://e.org/t", "TELEGRAM_WEBHOOK_SECRET": "a b"},
            "TELEGRAM_WEBHOOK_SECRET",
        ),
        (
            {
                "TELEGRAM_WEBHOOK_URL": "https://e.org/t",
                "TELEGRAM_WEBHOOK_SECRET": "ab",
                "TELEGRAM_WEBHOOK_PORT": "eighty",
            },
            "TELEGRAM_WEBHOOK_PORT",
        ),
    ],
)
def test_bad_webhook_settings_are_refused(
    assistant: Assistant, environ: dict[str, str], problem: str
) -> None:
    with pytest.raises(telegram_run.SetupError, match=problem):
        telegram_run.webhook_settings(assistant.config.telegram, environ)


def test_webhook_settings_from_the_environment(assistant: Assistant) -> None:
    environ = {
        "TELEGRAM_WEBHOOK_URL": "https://e.org/telegram",
        "TELEGRAM_WEBHOOK_SECRET": "Ab_1-x",
        "TELEGRAM_WEBHOOK_PORT": "8443",
        "TELEGRAM_WEBHOOK_LISTEN": "0.0.0.0",
    }
    hook = telegram_run.webhook_settings(assistant.config.telegram, environ)
    assert hook == telegram_run.Webhook("0.0.0.0", 8443, "telegram", "https://e.org/telegram", "Ab_1-x")


def test_redaction_filter_hides_the_secrets() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(telegram_run.RedactSecrets(DEFAULT_TOKEN.partition(":")[2], "hook-secret"))
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    try:
        logger.warning("POST https://api.telegram.org/bot%s/getMe", DEFAULT_TOKEN)
        logger.warning(f"in the message itself: {DEFAULT_TOKEN}")
        logger.warning("wrong webhook secret: %s", "hook-secret")
        try:
            raise NetworkError(f"httpx.ConnectError for /bot{DEFAULT_TOKEN}/sendMessage")
        except NetworkError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    secret = DEFAULT_TOKEN.partition(":")[2]
    assert secret not in output and "hook-secret" not in output
    assert output.count("<secret>") == 4


@pytest.mark.usefixtures("restore_logging")
def test_guard_logs_silences_request_urls_and_update_dumps() -> None:
    logging.getLogger().setLevel(logging.DEBUG)
    telegram_run.guard_logs(DEFAULT_TOKEN)
    telegram_run.guard_logs(DEFAULT_TOKEN)  # twice: one filter per handler, not two
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    assert logging.getLogger("httpcore").getEffectiveLevel() == logging.WARNING
    assert not logging.getLogger("telegram.ext.Application").isEnabledFor(logging.DEBUG)
    for handler in logging.getLogger().handlers:
        assert len([f for f in handler.filters if isinstance(f, telegram_run.RedactSecrets)]) == 1
