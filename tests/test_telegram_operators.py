"""What the Telegram front end gives the people who run the bot: the question log, "was this
helpful?", /privacy, /stats, /reload, the admins' command menu and the webhook's /healthz.

Handler tests run offline through tests.test_telegram_handlers.RecordingRequest; end-to-end
tests run the real Application against tests.fake_telegram. Every question log lives in
tmp_path.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import re
import socket
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from bot import telegram_app, telegram_ops, telegram_run
from bot.answers import Assistant, Button, Outcome, Reply
from bot.config import FeedbackSettings
from bot.loader import load
from bot.questionlog import SCHEMA_COLUMNS
from bot.telegram_app import ASSISTANT_KEY, QUESTION_LOG_KEY, TelegramApp
from tests.fake_telegram import DEFAULT_TOKEN, FakeTelegram
from tests.test_telegram_e2e import ask, buttons, running, wait, write_config
from tests.test_telegram_handlers import RecordingRequest, button_data, deliver, plain, recorder

JSON = dict[str, Any]
CHAT = 1001
ADMIN = 424242
GROUP = -100987654
ANSWERED, SUGGESTED, UNKNOWN = "구직등록", "장애인 일자리 알림", "우주선 조종사 자격증"
LIFTED = {"max_messages": 1000, "per_seconds": 1}  # scripted users write faster than people
SECRET = "s3cret-Token_for-tests"


def db_rows(config: Path | Assistant) -> list[sqlite3.Row]:
    path = config.config.question_log.path if isinstance(config, Assistant) else questions_db(config)
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    try:
        return list(db.execute("SELECT * FROM questions ORDER BY id"))
    finally:
        db.close()


def questions_db(config: Path) -> Path:
    return config.parent / "questions.sqlite3"


def feedback_data(sent: JSON) -> list[str]:
    return [d for d in button_data(sent) if d.startswith("f:")]


def row_of(sent: JSON) -> int:
    found = re.fullmatch(r"f:y:(\d+)", feedback_data(sent)[0])
    assert found
    return int(found[1])


# -- callback data and replies (no Telegram) ----------------------------------------------

FEEDBACK = FeedbackSettings()


def test_an_answer_gets_the_feedback_pair_last_and_suggestions_their_row() -> None:
    answer = Reply(Outcome.ANSWER, buttons=((Button("메뉴", data="menu"),),))
    rows = telegram_ops.for_telegram(answer, 42, FEEDBACK).buttons
    assert rows[-1] == (Button("도움이 됐나요? 예", data="f:y:42"), Button("아니요", data="f:n:42"))
    suggest = Reply(Outcome.SUGGEST, buttons=((Button("a", data="s:sec-1"),), (Button("메뉴", data="menu"),)))
    linked = telegram_ops.for_telegram(suggest, 42, FEEDBACK)
    assert [b.data for b in linked.flat_buttons()] == ["s:sec-1:42", "menu"]
    assert telegram_ops.for_telegram(answer, None, FEEDBACK) == answer  # no row: nothing to link
    off = telegram_ops.for_telegram(answer, 42, replace(FEEDBACK, enabled=False))
    assert off.buttons == answer.buttons


def test_a_suggestion_too_long_to_carry_the_row_keeps_its_data() -> None:
    data = "s:" + "x" * 60
    reply = Reply(Outcome.SUGGEST, buttons=((Button("a", data=data),),))
    assert telegram_ops.for_telegram(reply, 123456, FEEDBACK).flat_buttons()[0].data == data


@pytest.mark.parametrize(
    "data, expected",
    [
        ("s:disability-job-placement-2:17", ("s:disability-job-placement-2", 17)),
        ("s:disability-job-placement-2", ("s:disability-job-placement-2", None)),
        ("p:intern", ("p:intern", None)),
        ("menu:1", ("menu:1", None)),
        ("s:a:b:1", ("s:a:b:1", None)),
        ("s::1", ("s::1", None)),
    ],
)
def test_split_row(data: str, expected: tuple[str, int | None]) -> None:
    assert telegram_ops.split_row(data) == expected


@pytest.mark.parametrize(
    "data, expected",
    [("f:y:7", (7, True)), ("f:n:7", (7, False)), ("f:x:7", None), ("f:y:", None), ("f:y:7:8", None)],
)
def test_parse_feedback(data: str, expected: tuple[int, bool] | None) -> None:
    assert telegram_ops.parse_feedback(data) == expected


# -- handlers, offline ----------------------------------------------------------------------


@pytest.fixture
def tg() -> FakeTelegram:
    """Never started: builds update dicts (every group message delivered)."""
    return FakeTelegram(privacy_mode=False)


def operated(assistant: Assistant, tmp_path: Path, **changes: Any) -> Assistant:
    """The bundled assistant with its question log in tmp_path, ADMIN as admin, no flood limit."""
    config = assistant.config
    config = replace(
        config,
        question_log=replace(config.question_log, path=tmp_path / "questions.sqlite3"),
        flood=replace(config.flood, **LIFTED),
        admins=(ADMIN,),
        **changes,
    )
    return Assistant(config, assistant.catalog, assistant.index)


@contextlib.asynccontextmanager
async def started(
    assistant: Assistant, tg: FakeTelegram, knowledge_dir: Path | None = None
) -> AsyncIterator[TelegramApp]:
    """An Application over RecordingRequest, started as run_polling starts it (post_init too)."""
    request = RecordingRequest(tg.api_getMe({}))
    app = telegram_app.build_application(
        assistant, DEFAULT_TOKEN, rate_limit=False, request=request, knowledge_dir=knowledge_dir
    )
    await app.initialize()
    assert app.post_init is not None and app.post_shutdown is not None
    try:
        await app.post_init(app)
        yield app
    finally:
        await app.shutdown()
        await app.post_shutdown(app)


@pytest_asyncio.fixture
async def app(assistant: Assistant, tg: FakeTelegram, tmp_path: Path) -> AsyncIterator[TelegramApp]:
    async with started(operated(assistant, tmp_path), tg) as application:
        recorder(application).calls.clear()
        yield application


async def say(app: TelegramApp, tg: FakeTelegram, text: str, chat_id: int = CHAT, **kw: Any) -> JSON:
    """A user writes; the one message the bot sends back."""
    recorder(app).calls.clear()
    if chat_id < 0:
        tg.add_chat(chat_id, chat_type="group")
        kw.setdefault("chat_type", "group")
    [sent] = (await deliver(app, tg.get_update(tg.user_message(text, chat_id=chat_id, **kw)))).sent()
    return sent


def pressed(tg: FakeTelegram, sent: JSON, data: str) -> JSON:
    """A callback update for a button on a message the bot sent (its keyboard included)."""
    chat_id = int(sent["chat_id"])
    message: JSON = {
        "message_id": 7,
        "date": 0,
        "chat": {"id": chat_id, "type": "private", "first_name": "테스트"},
        "from": tg.bot_user,
        "text": "답",
    }
    if sent.get("reply_markup"):
        message["reply_markup"] = sent["reply_markup"]
    query = {"id": "q1", "from": tg.bot_user | {"id": chat_id, "is_bot": False}, "chat_instance": "ci"}
    return {"update_id": 9, "callback_query": query | {"data": data, "message": message}}


async def press(app: TelegramApp, tg: FakeTelegram, sent: JSON, data: str) -> RecordingRequest:
    recorder(app).calls.clear()
    return await deliver(app, pressed(tg, sent, data))


def answered_callback(request: RecordingRequest) -> JSON:
    [params] = [p for name, p in request.calls if name == "answerCallbackQuery"]
    return params


@pytest.mark.asyncio
async def test_only_answers_to_questions_ask_was_it_helpful(
    app: TelegramApp, tg: FakeTelegram, assistant: Assistant
) -> None:
    answer = await say(app, tg, ANSWERED)
    rows = answer["reply_markup"]["inline_keyboard"]
    assert [b["text"] for b in rows[-1]] == ["도움이 됐나요? 예", "아니요"]  # the last row
    assert feedback_data(answer) == [f"f:y:{row_of(answer)}", f"f:n:{row_of(answer)}"]
    assert all(len(d.encode()) <= 64 for d in button_data(answer))
    for text in (SUGGESTED, UNKNOWN, "안녕하세요", "/menu", "/help", "/start", "/start intern", "/privacy"):
        assert feedback_data(await say(app, tg, text)) == [], text
    await press(app, tg, answer, "p:intern")  # an answer, but to no question
    assert feedback_data(recorder(app).sent()[0]) == []
    logged = [(r["question"], r["outcome"]) for r in db_rows(assistant_of(app))]
    assert logged == [
        (ANSWERED, "answer"),
        (SUGGESTED, "suggest"),
        (UNKNOWN, "fallback"),
        ("안녕하세요", "smalltalk"),
    ]  # commands, menus and button presses are not questions


def assistant_of(app: TelegramApp) -> Assistant:
    assistant = app.bot_data[ASSISTANT_KEY]
    assert isinstance(assistant, Assistant)
    return assistant


@pytest.mark.asyncio
async def test_feedback_can_be_turned_off(assistant: Assistant, tg: FakeTelegram, tmp_path: Path) -> None:
    off = operated(assistant, tmp_path, feedback=replace(assistant.config.feedback, enabled=False))
    async with started(off, tg) as app:
        assert feedback_data(await say(app, tg, ANSWERED)) == []
    assert [r["outcome"] for r in db_rows(off)] == ["answer"]  # still logged


@pytest.mark.parametrize("answer, stored", [("y", "yes"), ("n", "no")])
@pytest.mark.asyncio
async def test_pressing_feedback_records_thanks_and_removes_the_pair(
    app: TelegramApp, tg: FakeTelegram, answer: str, stored: str
) -> None:
    sent = await say(app, tg, ANSWERED)
    row = row_of(sent)
    request = await press(app, tg, sent, f"f:{answer}:{row}")
    assert request.methods()[-2:] == ["answerCallbackQuery", "editMessageReplyMarkup"]
    assert answered_callback(request)["text"] == "감사합니다"
    edited = request.calls[-1][1]
    assert feedback_data(edited) == [] and button_data(edited) == button_data(sent)[:-2]
    assert db_rows(assistant_of(app))[0]["feedback"] == stored


@pytest.mark.parametrize("data", ["f:y:999999", "f:n:0"])
@pytest.mark.asyncio
async def test_feedback_for_an_unknown_row_is_thanked_quietly(
    app: TelegramApp, tg: FakeTelegram, caplog: pytest.LogCaptureFixture, data: str
) -> None:
    sent = await say(app, tg, ANSWERED)
    request = await press(app, tg, sent, data)
    assert answered_callback(request)["text"] == "감사합니다"
    assert db_rows(assistant_of(app))[0]["feedback"] is None
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


@pytest.mark.parametrize("data", ["f:y:", "f:x:1", "f:y:abc", "f:", "f:y:1:2"])
@pytest.mark.asyncio
async def test_forged_feedback_gets_the_polite_notice(
    app: TelegramApp, tg: FakeTelegram, assistant: Assistant, caplog: pytest.LogCaptureFixture, data: str
) -> None:
    request = await press(app, tg, {"chat_id": str(CHAT)}, data)
    assert request.methods() == ["answerCallbackQuery", "sendMessage"]
    assert plain(request.sent()[0])[0] == assistant.open(data).text()
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


@pytest.mark.asyncio
async def test_feedback_pressed_again_only_thanks(app: TelegramApp, tg: FakeTelegram) -> None:
    sent = await say(app, tg, ANSWERED)
    data = feedback_data(sent)[1]
    without = {**sent, "reply_markup": {"inline_keyboard": sent["reply_markup"]["inline_keyboard"][:-1]}}
    request = await press(app, tg, without, data)  # a second press racing the first
    assert request.methods()[-1] == "answerCallbackQuery"


@pytest.mark.asyncio
async def test_a_suggestion_pick_is_recorded_on_its_question(
    app: TelegramApp, tg: FakeTelegram, assistant: Assistant
) -> None:
    suggestion = await say(app, tg, SUGGESTED)
    picks = [d for d in button_data(suggestion) if d.startswith("s:")]
    [row] = db_rows(assistant_of(app))
    assert len(picks) >= 2 and all(d.endswith(f":{row['id']}") for d in picks)
    section_id, _ = telegram_ops.split_row(picks[-1])
    request = await press(app, tg, suggestion, picks[-1])
    [sent] = request.sent()
    assert plain(sent)[0] == assistant.open(section_id).text()  # the core never saw the row
    assert feedback_data(sent) == [f"f:y:{row['id']}", f"f:n:{row['id']}"]  # same question
    [row] = db_rows(assistant_of(app))
    assert row["picked_section"] == section_id.removeprefix("s:")
    assert row["suggestions"].split(",") == [d.removeprefix("s:").split(":")[0] for d in picks]


@pytest.mark.asyncio
async def test_a_failing_log_costs_no_answer(
    app: TelegramApp, tg: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> int:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(app.bot_data[QUESTION_LOG_KEY], "record", broken)
    sent = await say(app, tg, ANSWERED)
    assert plain(sent)[0].startswith("장애인 취업알선의 구직 등록") and feedback_data(sent) == []


# -- /privacy -------------------------------------------------------------------------------


@pytest.mark.parametrize("chat_id", [CHAT, GROUP])
@pytest.mark.asyncio
async def test_privacy_says_what_is_kept_and_for_how_long(
    app: TelegramApp, tg: FakeTelegram, assistant: Assistant, chat_id: int
) -> None:
    text = "/privacy" if chat_id > 0 else "/privacy@kead_job_bot"
    shown = plain(await say(app, tg, text, chat_id=chat_id))[0]
    assert shown == assistant.config.messages.privacy.format(days=90)
    assert "90일" in shown


# -- admins ---------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_stats_for_an_admin_in_private(app: TelegramApp, tg: FakeTelegram) -> None:
    for text in (ANSWERED, ANSWERED, SUGGESTED, UNKNOWN):
        sent = await say(app, tg, text)
    answer = await say(app, tg, "인턴제")
    await press(app, tg, answer, feedback_data(answer)[1])
    stats, _ = plain(await say(app, tg, "/stats", chat_id=ADMIN))
    assert stats.startswith(telegram_ops.STATS_TITLE)
    assert "오늘 5건, 최근 7일 5건" in stats
    assert "답변 60%" in stats and "제안 20%" in stats and "모름 20%" in stats
    assert "1) 장애인 취업알선의 구직 등록 2건" in stats and "2) 장애인 인턴제 1건" in stats
    assert "답하지 못한 질문: 1건 · '아니요' 응답: 1건" in stats
    for question in (SUGGESTED, UNKNOWN):
        assert question not in stats  # counts, never what people asked
    assert sent


@pytest.mark.asyncio
async def test_stats_with_no_questions_yet(app: TelegramApp, tg: FakeTelegram) -> None:
    assert telegram_ops.STATS_EMPTY in plain(await say(app, tg, "/stats", chat_id=ADMIN))[0]


@pytest.mark.parametrize("command", ["/stats", "/reload"])
@pytest.mark.asyncio
async def test_admin_commands_in_a_group_point_to_a_private_chat(
    app: TelegramApp, tg: FakeTelegram, command: str
) -> None:
    await say(app, tg, f"@kead_job_bot {ANSWERED}", chat_id=GROUP, user_id=2002)
    sent = await say(app, tg, f"{command}@kead_job_bot", chat_id=GROUP, user_id=ADMIN)
    assert plain(sent)[0] == telegram_ops.ADMIN_PRIVATE_ONLY


@pytest.mark.parametrize("command", ["/stats", "/reload"])
@pytest.mark.asyncio
async def test_admin_commands_are_unknown_to_anyone_else(
    app: TelegramApp, tg: FakeTelegram, command: str
) -> None:
    unknown = await say(app, tg, "/settings")
    assert plain(await say(app, tg, command))[0] == plain(unknown)[0]
    tg.add_chat(GROUP, chat_type="group")
    for text in (f"{command}@kead_job_bot", "/settings@kead_job_bot"):
        update = tg.user_message(text, chat_id=GROUP, chat_type="group", user_id=2002)
        recorder(app).calls.clear()
        assert (await deliver(app, tg.get_update(update))).calls == []  # no reply at all


@pytest.fixture
def reloadable(tmp_path: Path, knowledge_copy: Path) -> Path:
    return write_config(tmp_path, knowledge_copy, admins=[ADMIN], flood=LIFTED)


@pytest.mark.asyncio
async def test_reload_serves_changed_knowledge(
    tg: FakeTelegram, reloadable: Path, knowledge_copy: Path
) -> None:
    before = load(reloadable)
    async with started(before, tg) as app:
        assert (
            db_rows(reloadable) == [] and plain(await say(app, tg, "고래상어"))[0] == before.fallback().text()
        )
        programs = knowledge_copy / "programs.yaml"
        text = programs.read_text(encoding="utf-8")
        programs.write_text(text.replace("      - internship\n", "      - internship\n      - 고래상어\n"))
        reply = plain(await say(app, tg, "/reload", chat_id=ADMIN))[0]
        after = assistant_of(app)
        assert after is not before and after.catalog.version != before.catalog.version
        assert after.catalog.version in reply and before.catalog.version in reply
        assert f"프로그램 {len(after.catalog.programs)}개" in reply
        assert plain(await say(app, tg, "고래상어"))[0].startswith("장애인 인턴제")


@pytest.mark.asyncio
async def test_reload_with_a_broken_file_keeps_the_old_knowledge(
    tg: FakeTelegram, reloadable: Path, knowledge_copy: Path
) -> None:
    before = load(reloadable)
    broken = knowledge_copy / "a<b>&c.md"
    broken.write_text("---\ntitle: [unclosed\n---\n본문\n", encoding="utf-8")
    async with started(before, tg) as app:
        sent = await say(app, tg, "/reload", chat_id=ADMIN)
        reply, _ = plain(sent)  # raises unless the HTML is valid: the file name is escaped
        assert str(broken) in reply and before.catalog.version in reply
        assert html.escape(broken.name, quote=False) in sent["text"]
        assert assistant_of(app) is before
        assert plain(await say(app, tg, "인턴제"))[0].startswith("장애인 인턴제")


@pytest.mark.asyncio
async def test_reload_of_a_broken_config_names_it(
    tg: FakeTelegram, reloadable: Path, knowledge_copy: Path
) -> None:
    before = load(reloadable)
    async with started(before, tg, knowledge_dir=knowledge_copy) as app:
        reloadable.write_text(reloadable.read_text(encoding="utf-8") + "\nsurprise: 1\n", encoding="utf-8")
        reply = plain(await say(app, tg, "/reload", chat_id=ADMIN))[0]
        assert str(reloadable) in reply and "surprise" in reply
        assert assistant_of(app) is before


# -- end to end -----------------------------------------------------------------------------


@pytest.fixture
def live() -> Iterator[FakeTelegram]:
    with FakeTelegram(privacy_mode=False) as fake:
        yield fake


async def press_in(tg: FakeTelegram, chat_id: int, message: JSON, data: str) -> JSON | None:
    """Press a button; the callback answer once given."""
    update_id = tg.press_button(chat_id, message["message_id"], data)
    answer: JSON = await wait(tg, lambda t: t.callback_answer(update_id))
    return answer


@pytest.mark.asyncio
async def test_a_conversation_leaves_no_trace_of_who_asked(live: FakeTelegram, tmp_path: Path) -> None:
    config = write_config(tmp_path, flood=LIFTED)
    user: JSON = {"chat_id": 770077, "first_name": "홍길동", "username": "gildong_hong"}
    phone, email = "010-1234-5678", "hong@example.com"
    async with running(load(config), live):
        answer = await ask(live, "인턴제", **user)
        await ask(live, f"제 번호는 {phone} 이고 메일은 {email} 입니다. 연락 주세요", **user)
        suggestion = await ask(live, SUGGESTED, **user)
        pick = next(d for d in buttons(suggestion) if d.startswith("s:"))
        before = len(live.messages(770077))
        await press_in(live, 770077, suggestion, pick)
        await wait(live, lambda t: t.messages(770077)[before])
        thanks = await press_in(live, 770077, answer, feedback_data(answer)[1])
        assert thanks is not None and thanks["text"] == "감사합니다"
        await wait(live, lambda t: feedback_data(t.messages(770077)[0]) == [])  # the pair is gone
        live.add_chat(GROUP, chat_type="supergroup")
        await ask(live, "@kead_job_bot 인턴제", chat_id=GROUP, chat_type="supergroup", user_id=770077)
        written = b"".join(p.read_bytes() for p in sorted(tmp_path.glob("questions.sqlite3*")))
    written += questions_db(config).read_bytes()  # and what is left once closed
    for private in ("770077", "홍길동", "gildong_hong", str(GROUP), str(-GROUP), phone, email):
        assert private.encode() not in written, private
    db = sqlite3.connect(questions_db(config))
    assert [r[1] for r in db.execute("PRAGMA table_info(questions)")] == list(SCHEMA_COLUMNS)
    db.close()
    rows = db_rows(config)
    assert [r["outcome"] for r in rows] == ["answer", "fallback", "suggest", "answer"]
    assert rows[0]["feedback"] == "no" and rows[2]["picked_section"] == pick.split(":")[1]
    assert rows[1]["question"] == "제 번호는 <전화번호> 이고 메일은 <이메일> 입니다. 연락 주세요"
    assert rows[3]["question"] == "인턴제" and rows[3]["asker"] != rows[0]["asker"]  # the group's


@pytest.mark.asyncio
async def test_admin_commands_are_listed_only_in_the_admins_chat(live: FakeTelegram, tmp_path: Path) -> None:
    live.add_chat(ADMIN)  # an admin who has written to the bot; 555 has not: a warning only
    assistant = load(write_config(tmp_path, admins=[ADMIN, 555]))
    for _ in range(2):
        async with running(assistant, live):
            pass
    public = [(c, d) for c, d in telegram_app.COMMANDS]
    shown = live.commands({"type": "chat", "chat_id": ADMIN})
    assert [(c["command"], c["description"]) for c in shown] == public + list(telegram_app.ADMIN_COMMANDS)
    assert [(c["command"], c["description"]) for c in live.commands()] == public
    assert ("privacy", "개인정보 처리 안내") in public
    assert live.commands({"type": "chat", "chat_id": CHAT}) == []
    assert len([c for c in live.calls_to("setMyCommands") if c.status == 200]) == 2  # then read only


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def until_listening(call: Callable[[], Any]) -> httpx.Response:
    for _ in range(500):
        try:
            response: httpx.Response = await call()
            return response
        except httpx.ConnectError:
            await asyncio.sleep(0.02)
    raise AssertionError("the webhook server never listened")


@pytest.mark.asyncio
async def test_webhook_health_reflects_a_reload(
    live: FakeTelegram, reloadable: Path, knowledge_copy: Path
) -> None:
    before = load(reloadable)
    app = telegram_app.build_application(before, live.token, base_url=live.base_url)
    port = free_port()
    hook = telegram_run.Webhook("127.0.0.1", port, "telegram", "https://bot.example.org/telegram", SECRET)
    stop = asyncio.Event()
    server = asyncio.create_task(telegram_run.serve_webhook(app, hook, stop))
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        health = (await until_listening(lambda: client.get("/healthz"))).json()
        assert health == {"status": "ok", "knowledge_version": before.catalog.version, "programs": 7}

        async def post(update_id: int, secret: str | None) -> int:
            headers = {telegram_run.SECRET_HEADER: secret} if secret is not None else {}
            response = await client.post("/telegram", json=live.get_update(update_id), headers=headers)
            return response.status_code

        question = live.user_message("인턴제", chat_id=CHAT)
        assert await post(question, None) == 403
        assert await post(question, "wrong") == 403
        assert await post(question, SECRET) == 200
        garbled = await client.post(
            "/telegram", content=b"<html>", headers={telegram_run.SECRET_HEADER: SECRET}
        )
        assert garbled.status_code == 400
        assert (await wait(live, lambda t: t.messages(CHAT)[0]))["text"].startswith("장애인 인턴제")
        programs = knowledge_copy / "programs.yaml"
        programs.write_text(programs.read_text(encoding="utf-8").replace("- internship\n", "- 고래상어\n"))
        assert await post(live.user_message("/reload", chat_id=ADMIN), SECRET) == 200
        await wait(live, lambda t: t.messages(ADMIN)[0])
        health = (await client.get("/healthz")).json()
        assert health["knowledge_version"] == assistant_of(app).catalog.version != before.catalog.version
    stop.set()
    await server
    assert not app.running and QUESTION_LOG_KEY not in app.bot_data  # stopped, log closed
    assert live.calls_to("setWebhook")[0].params["secret_token"] == SECRET
    assert [r["question"] for r in db_rows(reloadable)] == ["인턴제"]
