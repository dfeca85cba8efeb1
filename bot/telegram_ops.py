"""The operators' side of the Telegram front end: the question log, "was this helpful?",
/privacy, /stats and /reload (their handlers are in bot.telegram_app).

Callback data (ASCII, at most 64 bytes, as Telegram requires):
  f:y:<row> / f:n:<row>   "도움이 됐나요?" 예 / 아니요 under an answer, for question log row <row>
  s:<section>:<row>       a suggestion of question <row>; the core only ever sees s:<section>

Privacy: the question log gets the question, the reply and the chat id, which it hashes
under a daily in-memory salt; no user id or name is passed anywhere, and nothing here
logs one.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import replace
from datetime import date, timedelta
from functools import partial

from telegram import InlineKeyboardMarkup, Message
from telegram.error import BadRequest

from bot.answers import Assistant, Block, Button, Outcome, Reply
from bot.config import Config, FeedbackSettings, QuestionLogSettings, TelegramSettings
from bot.errors import BotError, SourceError, ValidationErrors
from bot.questionlog import QuestionLog
from bot.report import OUTCOME_NAMES, build_report
from bot.telegram_render import MAX_CALLBACK_DATA, with_retries

log = logging.getLogger(__name__)

FEEDBACK_PATTERN = r"^f:([yn]):(\d{1,18})$"
_FEEDBACK = re.compile(FEEDBACK_PATTERN)
_LINKED_SUGGESTION = re.compile(r"(s:[^:]+):(\d{1,18})")
STATS_DAYS = 7
TOP_SECTIONS = 3
ERRORS_SHOWN = 10
# Settings a running bot cannot change: its connection to Telegram.
RESTART_SETTINGS = ("base_url", "webhook_url", "listen", "port", "url_path", "secret_token")

# For operators only; what every user reads lives in config.yaml.
ADMIN_PRIVATE_ONLY = "관리자 명령은 봇과의 1:1 대화에서만 쓸 수 있습니다."
STATS_TITLE = f"최근 {STATS_DAYS}일 질문 통계 (UTC 날짜 기준)"
STATS_LOG_OFF = "질문 기록이 꺼져 있습니다 (config.yaml의 question_log.enabled)."
STATS_EMPTY = f"최근 {STATS_DAYS}일 동안 기록된 질문이 없습니다."
STATS_MORE = "질문 목록은 서버에서 python -m bot report 로 보세요."
RELOADED = (
    "다시 읽었습니다. 지식 버전 {new} (이전 {old}): 글 {articles}개, 절 {sections}개, 프로그램 {programs}개."
)
RELOAD_DRAFTS = "게시하지 않은 글 {count}개는 빼고 읽었습니다."
RELOAD_RESTART = "텔레그램 연결 설정(telegram: {names})은 봇을 다시 시작해야 바뀝니다."
RELOAD_FAILED = "다시 읽지 못했습니다. 이전 지식(버전 {old})으로 계속 답합니다. 고칠 곳:"
RELOAD_MORE = "... 그 밖에 {count}개"


# -- callback data -------------------------------------------------------------------------


def for_telegram(reply: Reply, row_id: int | None, feedback: FeedbackSettings) -> Reply:
    """Link a reply's buttons to its question log row: suggestions carry the row, and an
    answer gets the "was this helpful?" pair as its last row. Without a row, as it was."""
    if row_id is None:
        return reply
    rows = tuple(tuple(_linked(button, row_id) for button in row) for row in reply.buttons)
    if feedback.enabled and reply.outcome == Outcome.ANSWER:
        rows += (feedback_buttons(feedback, row_id),)
    return replace(reply, buttons=rows)


def feedback_buttons(feedback: FeedbackSettings, row_id: int) -> tuple[Button, Button]:
    """The question rides on the first button, so a screen reader says "도움이 됐나요? 예"
    then "아니요", right after the answer; and it goes when the row does."""
    yes = " ".join(part for part in (feedback.question.strip(), feedback.yes_label) if part)
    return Button(yes, data=f"f:y:{row_id}"), Button(feedback.no_label, data=f"f:n:{row_id}")


def _linked(button: Button, row_id: int) -> Button:
    data = button.data or ""
    linked = f"{data}:{row_id}"
    if data.startswith("s:") and len(linked.encode("utf-8")) <= MAX_CALLBACK_DATA:
        return replace(button, data=linked)
    return button  # too long to carry the row: the pick goes unrecorded, the button still works


def split_row(data: str) -> tuple[str, int | None]:
    """'s:<section>:<row>' -> ('s:<section>', row); any other data is returned unchanged."""
    linked = _LINKED_SUGGESTION.fullmatch(data)
    return (linked[1], int(linked[2])) if linked else (data, None)


def parse_feedback(data: str) -> tuple[int, bool] | None:
    """(row, helpful) of data matching FEEDBACK_PATTERN, else None."""
    found = _FEEDBACK.fullmatch(data)
    return (int(found[2]), found[1] == "y") if found else None


def is_feedback(data: object) -> bool:
    return isinstance(data, str) and data.startswith("f:")


async def remove_feedback(message: Message, retries: int) -> None:
    """Take the "was this helpful?" buttons off a message, so they are pressed only once."""
    markup = message.reply_markup
    if markup is None or not any(is_feedback(b.callback_data) for r in markup.inline_keyboard for b in r):
        return
    call = partial(message.edit_reply_markup, without_feedback(markup))
    try:
        await with_retries(call, retries, "editMessageReplyMarkup")
    except BadRequest as error:  # pressed twice at once, or the message is too old to edit
        log.info("feedback buttons not removed: %s", error.message)


def without_feedback(markup: InlineKeyboardMarkup) -> InlineKeyboardMarkup | None:
    """The keyboard without its "was this helpful?" buttons; None if nothing is left."""
    rows = [[b for b in row if not is_feedback(b.callback_data)] for row in markup.inline_keyboard]
    kept = [row for row in rows if row]
    return InlineKeyboardMarkup(kept) if kept else None


# -- fixed replies -------------------------------------------------------------------------


def notice(*paragraphs: str, title: str = "") -> Reply:
    return Reply(Outcome.NOTICE, blocks=(Block(title, paragraphs),))


def privacy_reply(config: Config) -> Reply:
    """What is recorded, why and for how long (config.yaml messages.privacy), with the menu."""
    days = str(config.question_log.retention_days)
    text = config.messages.privacy.replace("{days}", days)  # not format(): other braces stay
    menu = Button(config.messages.menu_button, data="menu")
    return Reply(Outcome.NOTICE, blocks=(Block("", (text,)),), buttons=((menu,),))


# -- the question log ----------------------------------------------------------------------


async def open_question_log(settings: QuestionLogSettings) -> QuestionLog | None:
    """The question log, or None when config.yaml turns it off; opening never fails."""
    if not settings.enabled:
        return None
    question_log = await asyncio.to_thread(QuestionLog, settings)
    log.info("recording questions (masked, never who asked) in %s", settings.path)
    return question_log


async def close_question_log(question_log: QuestionLog | None) -> None:
    if question_log is not None:
        await asyncio.to_thread(question_log.close)


async def record_question(
    question_log: QuestionLog | None, question: str, reply: Reply, chat_id: int
) -> int | None:
    """Store a question off the event loop; its row id, or None. Never raises: an answer
    must not be lost to the log."""
    if question_log is None:
        return None
    match = reply.match
    try:
        return await asyncio.to_thread(
            question_log.record,
            question,
            reply.outcome,
            match.section_id if match else None,
            match.title if match else None,
            match.score if match else None,
            list(reply.suggested),
            chat_id,
        )
    except Exception as error:  # QuestionLog already degrades; this is for its bugs
        log.warning("question not recorded: %s", type(error).__name__)
        return None


async def record_pick(question_log: QuestionLog | None, row_id: int, section_id: str) -> None:
    if question_log is not None:
        try:
            await asyncio.to_thread(question_log.record_pick, row_id, section_id)
        except Exception as error:
            log.warning("suggestion pick not recorded: %s", type(error).__name__)


async def record_feedback(question_log: QuestionLog | None, row_id: int, helpful: bool) -> None:
    if question_log is not None:
        try:
            await asyncio.to_thread(question_log.record_feedback, row_id, helpful)
        except Exception as error:
            log.warning("feedback not recorded: %s", type(error).__name__)


# -- /stats --------------------------------------------------------------------------------


def stats_lines(settings: QuestionLogSettings, today: date) -> list[str]:
    """The report in short form: counts, shares and section titles, never a question."""
    if not settings.enabled:
        return [STATS_LOG_OFF]
    if not settings.path.exists():
        return [STATS_EMPTY]
    try:
        report = build_report(settings.path, today - timedelta(days=STATS_DAYS - 1), TOP_SECTIONS)
    except SourceError as error:
        return [f"질문 기록을 읽지 못했습니다: {error}"]
    if not report.total:
        return [STATS_EMPTY]
    per_day = {day.day: day.questions for day in report.days}
    outcomes, feedback = dict(report.outcomes), dict(report.feedback)
    shares = " · ".join(
        f"{OUTCOME_NAMES.get(name, name)} {count / report.total:.0%}" for name, count in report.outcomes
    )
    top = " · ".join(
        f"{rank}) {c.section_title or c.section_id} {c.count}건"
        for rank, c in enumerate(report.sections[:TOP_SECTIONS], 1)
    )
    return [
        f"질문: 오늘 {per_day.get(today.isoformat(), 0)}건, 최근 {STATS_DAYS}일 {report.total}건",
        f"결과: {shares}",
        f"많이 나간 답: {top or '없음'}",
        f"답하지 못한 질문: {outcomes.get('fallback', 0)}건 · '아니요' 응답: {feedback.get('no', 0)}건",
        STATS_MORE,
    ]


# -- /reload -------------------------------------------------------------------------------


def reloaded_lines(old: Assistant, new: Assistant) -> list[str]:
    catalog = new.catalog
    lines = [
        RELOADED.format(
            new=catalog.version,
            old=old.catalog.version,
            articles=len(catalog.articles),
            sections=len(catalog.sections),
            programs=len(catalog.programs),
        )
    ]
    if catalog.drafts:
        lines.append(RELOAD_DRAFTS.format(count=len(catalog.drafts)))
    changed = restart_settings_changed(old.config.telegram, new.config.telegram)
    if changed:
        lines.append(RELOAD_RESTART.format(names=", ".join(changed)))
    return lines


def reload_failed_lines(old: Assistant, error: BotError) -> list[str]:
    """What to fix, one problem a line, each naming its file (escaped later, as all text is)."""
    problems = [str(e) for e in error.errors] if isinstance(error, ValidationErrors) else [str(error)]
    shown = [f"- {p}" for p in problems[:ERRORS_SHOWN]]
    if len(problems) > ERRORS_SHOWN:
        shown.append(RELOAD_MORE.format(count=len(problems) - ERRORS_SHOWN))
    return [RELOAD_FAILED.format(old=old.catalog.version), "\n".join(shown)]


def restart_settings_changed(old: TelegramSettings, new: TelegramSettings) -> list[str]:
    return [name for name in RESTART_SETTINGS if getattr(old, name) != getattr(new, name)]
