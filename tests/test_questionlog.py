"""bot.questionlog: what is stored of a question, what is never stored, and failing safely."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answers import Outcome
from bot.config import QuestionLogSettings
from bot.questionlog import RECONNECT_INTERVAL, SCHEMA_COLUMNS, QuestionLog

T0 = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
CHAT_ID = 987654321
IDENTITY_WORDS = ("user", "name", "chat", "username", "first", "last")


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "questions.sqlite3"


@pytest.fixture
def qlog(db_path: Path, clock: Clock) -> Iterator[QuestionLog]:
    log = QuestionLog(QuestionLogSettings(path=db_path, retention_days=90), clock=clock)
    yield log
    log.close()


def record(
    log: QuestionLog, question: str = "구직등록 어떻게 해요", chat_id: int = CHAT_ID, **kw: object
) -> int:
    args: dict[str, object] = {
        "reply_outcome": Outcome.ANSWER,
        "section_id": "disability-job-placement-1",
        "section_title": "장애인 취업알선의 구직 등록",
        "score": 0.9,
        "suggestions": [],
    }
    args.update(kw)
    row_id = log.record(question, chat_id=chat_id, **args)  # type: ignore[arg-type]
    assert row_id is not None
    return row_id


def rows(db_path: Path) -> list[sqlite3.Row]:
    db = sqlite3.connect(db_path)
    db.row_factory = sqlite3.Row
    try:
        return list(db.execute("SELECT * FROM questions ORDER BY id"))
    finally:
        db.close()


# -- schema ------------------------------------------------------------------------


def test_schema_has_exactly_these_columns(qlog: QuestionLog, db_path: Path) -> None:
    db = sqlite3.connect(db_path)
    columns = [row[1] for row in db.execute("PRAGMA table_info(questions)")]
    tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    db.close()
    assert tables == ["questions"]
    assert set(columns) == set(SCHEMA_COLUMNS) == {
        "id", "asked_at", "day", "question", "outcome", "section_id", "section_title",
        "score", "suggestions", "picked_section", "feedback", "asker",
    }  # fmt: skip


@pytest.mark.parametrize("column", [c for c in SCHEMA_COLUMNS if c != "id"])
def test_no_column_names_a_person(column: str) -> None:
    assert not any(word in column.lower() for word in IDENTITY_WORDS)


def test_database_is_in_wal_mode(qlog: QuestionLog, db_path: Path) -> None:
    db = sqlite3.connect(db_path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


# -- what a row holds --------------------------------------------------------------


def test_record_stores_the_reply(qlog: QuestionLog, db_path: Path) -> None:
    row_id = record(
        qlog, "  구직등록   어떻게 해요 ", reply_outcome=Outcome.SUGGEST, suggestions=["a-1", "b-2"]
    )
    (row,) = rows(db_path)
    assert row["id"] == row_id
    assert row["asked_at"] == "2024-05-01T09:30:00+00:00"
    assert row["day"] == "2024-05-01"
    assert row["question"] == "구직등록 어떻게 해요"
    assert row["outcome"] == "suggest"
    assert (row["section_id"], row["section_title"], row["score"]) == (
        "disability-job-placement-1",
        "장애인 취업알선의 구직 등록",
        0.9,
    )
    assert row["suggestions"] == "a-1,b-2"
    assert (row["picked_section"], row["feedback"]) == (None, None)


@pytest.mark.parametrize("chat_id", [CHAT_ID, -1001234567890], ids=["private", "group"])
def test_personal_data_is_masked_and_chat_id_is_nowhere_in_the_files(
    qlog: QuestionLog, db_path: Path, chat_id: int
) -> None:
    question = "제 번호 010-1234-5678, 주민번호 900101-1234567, 메일 hong@example.com, 계좌 123456789012"
    record(qlog, question, chat_id=chat_id)
    (row,) = rows(db_path)
    assert row["question"] == "제 번호 <전화번호>, 주민번호 <주민번호>, 메일 <이메일>, 계좌 <숫자>"
    files = [p for p in db_path.parent.iterdir() if p.name.startswith(db_path.name)]
    assert db_path.with_name(db_path.name + "-wal") in files
    raw = b"".join(p.read_bytes() for p in files)
    assert "<전화번호>".encode() in raw  # the row is really in these bytes
    for secret in (
        str(chat_id),
        str(abs(chat_id)),
        "010-1234-5678",
        "1234567",
        "hong@example.com",
        "123456789012",
    ):
        assert secret.encode() not in raw, secret


def test_urgent_messages_are_counted_without_their_text(qlog: QuestionLog, db_path: Path) -> None:
    record(qlog, "죽고 싶어요", reply_outcome=Outcome.URGENT, section_id=None, section_title=None, score=None)
    (row,) = rows(db_path)
    assert (row["outcome"], row["question"]) == ("urgent", "")


def test_asker_is_stable_within_a_day_and_changes_across_days(
    qlog: QuestionLog, db_path: Path, clock: Clock
) -> None:
    record(qlog, chat_id=1)
    clock.now = T0 + timedelta(hours=10)  # 19:30 UTC, still the same UTC day
    record(qlog, chat_id=1)
    record(qlog, chat_id=2)
    clock.now = T0 + timedelta(days=1)
    record(qlog, chat_id=1)
    first, later, other, next_day = (row["asker"] for row in rows(db_path))
    assert first == later
    assert len(first) == 16 and int(first, 16) >= 0
    assert other != first
    assert next_day != first


def test_feedback_and_pick_update_the_right_row(qlog: QuestionLog, db_path: Path) -> None:
    first = record(qlog, "첫 질문")
    second = record(qlog, "둘째 질문", reply_outcome=Outcome.SUGGEST, suggestions=["a-1", "b-2"])
    qlog.record_pick(second, "b-2")
    qlog.record_feedback(second, helpful=False)
    qlog.record_feedback(first, helpful=True)
    by_id = {row["id"]: row for row in rows(db_path)}
    assert (by_id[first]["picked_section"], by_id[first]["feedback"]) == (None, "yes")
    assert (by_id[second]["picked_section"], by_id[second]["feedback"]) == ("b-2", "no")


def test_records_from_many_threads(qlog: QuestionLog, db_path: Path) -> None:
    ids: list[int] = []

    def ask(n: int) -> None:
        for _ in range(20):
            ids.append(record(qlog, f"질문 {n}", chat_id=n))

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(ids)) == 160 == len(rows(db_path))


# -- retention -----------------------------------------------------------------------


def test_purge_deletes_rows_older_than_retention(qlog: QuestionLog, db_path: Path, clock: Clock) -> None:
    record(qlog, "오래된 질문")
    clock.now = T0 + timedelta(days=50)
    record(qlog, "최근 질문")
    assert qlog.purge(T0 + timedelta(days=90, seconds=-1)) == 0
    assert qlog.purge(T0 + timedelta(days=90, seconds=1)) == 1
    assert [row["question"] for row in rows(db_path)] == ["최근 질문"]


def test_purge_runs_at_open_and_hourly_from_record(db_path: Path, clock: Clock) -> None:
    settings = QuestionLogSettings(path=db_path, retention_days=90)
    first = QuestionLog(settings, clock=clock)
    record(first, "아주 오래된 질문")
    clock.now = T0 + timedelta(hours=1)
    record(first, "오래된 질문")
    first.close()

    clock.now = T0 + timedelta(days=90, minutes=30)
    second = QuestionLog(settings, clock=clock)  # opening deletes the first row only
    assert [row["question"] for row in rows(db_path)] == ["오래된 질문"]
    clock.now += timedelta(minutes=59)  # the second row is now too old, but the last purge is recent
    record(second, "새 질문")
    assert len(rows(db_path)) == 2
    clock.now += timedelta(minutes=2)
    record(second, "더 새 질문")
    assert [row["question"] for row in rows(db_path)] == ["새 질문", "더 새 질문"]
    second.close()


# -- failing safely --------------------------------------------------------------------


def _directory_in_the_way(path: Path) -> None:
    path.mkdir(parents=True)


def _file_as_parent(path: Path) -> None:
    path.parent.parent.mkdir(parents=True, exist_ok=True)
    path.parent.write_text("not a directory")


def _read_only_file(path: Path) -> None:
    QuestionLog(QuestionLogSettings(path=path)).close()
    for p in path.parent.iterdir():
        p.chmod(0o444)
    path.parent.chmod(0o555)


@pytest.mark.parametrize(
    "break_path",
    [
        _directory_in_the_way,
        _file_as_parent,
        pytest.param(
            _read_only_file,
            marks=pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files"),
        ),
    ],
    ids=["directory-in-the-way", "file-as-parent", "read-only"],
)
def test_unwritable_path_degrades_to_one_warning(
    db_path: Path, clock: Clock, caplog: pytest.LogCaptureFixture, break_path: Callable[[Path], None]
) -> None:
    break_path(db_path)
    caplog.set_level(logging.DEBUG, logger="bot.questionlog")
    log = QuestionLog(QuestionLogSettings(path=db_path), clock=clock)
    assert log.record("비밀 질문 내용", "answer", "a-1", "제목", 1.0, [], CHAT_ID) is None
    assert log.record("비밀 질문 내용", "answer", "a-1", "제목", 1.0, [], CHAT_ID) is None
    log.record_pick(1, "a-1")
    log.record_feedback(1, helpful=True)
    assert log.purge() == 0
    log.close()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert str(db_path) in warnings[0].getMessage()
    assert "비밀" not in caplog.text and str(CHAT_ID) not in caplog.text


def test_writing_resumes_when_the_path_is_fixed(db_path: Path, clock: Clock) -> None:
    db_path.mkdir(parents=True)
    log = QuestionLog(QuestionLogSettings(path=db_path), clock=clock)
    assert log.record("질문", "fallback", None, None, None, [], CHAT_ID) is None
    db_path.rmdir()
    assert log.record("질문", "fallback", None, None, None, [], CHAT_ID) is None  # not retried at once
    clock.now += RECONNECT_INTERVAL
    assert log.record("질문", "fallback", None, None, None, [], CHAT_ID) is not None
    log.close()


def test_locked_database_does_not_block_or_raise(
    qlog: QuestionLog, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        assert qlog.record("비밀 질문 내용", "answer", "a-1", "제목", 1.0, [], CHAT_ID) is None
        qlog.record_feedback(1, helpful=False)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert "locked" in caplog.text and "비밀" not in caplog.text
    assert record(qlog) > 0


def test_full_database_does_not_raise(qlog: QuestionLog, caplog: pytest.LogCaptureFixture) -> None:
    db = qlog._db  # the log's own connection: max_page_count applies per connection
    assert db is not None
    db.execute(f"PRAGMA max_page_count = {db.execute('PRAGMA page_count').fetchone()[0]}")
    results = [qlog.record("가" * 500, "fallback", None, None, None, [], n) for n in range(50)]
    assert results[-1] is None
    assert "full" in caplog.text


def test_closed_log_records_nothing(qlog: QuestionLog) -> None:
    qlog.close()
    assert qlog.record("질문", "answer", None, None, None, [], CHAT_ID) is None
    qlog.record_feedback(1, helpful=True)
    qlog.close()
