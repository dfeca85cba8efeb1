"""bot.report and `python -m bot report`, over a question log seeded with known times."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.__main__ import Env, main
from bot.answers import Outcome
from bot.config import QuestionLogSettings
from bot.questionlog import QuestionLog
from bot.report import CSV_HEADER, NO_QUESTIONS, Count, Day, build_report, render_csv, render_text

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
TITLES = {"s1": "구직 등록", "s2": "장애인 인턴제", "s3": "직업훈련"}


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def seed(path: Path) -> None:
    """Three days of questions: right answers, wrong answers, fallbacks, a picked suggestion."""
    clock = Clock()
    log = QuestionLog(QuestionLogSettings(path=path, retention_days=3650), clock=clock)

    def ask(chat: int, text: str, outcome: Outcome, section: str | None = None, **kw: object) -> int:
        clock.now += timedelta(minutes=1)
        suggestions = kw.get("suggestions", [])
        row = log.record(text, outcome, section, TITLES.get(section or ""), 0.5, suggestions, chat)  # type: ignore[arg-type]
        assert row is not None
        return row

    log.record_feedback(ask(1, "구직등록 어떻게 해요", Outcome.ANSWER, "s1"), helpful=True)
    ask(2, "구직등록 어떻게 해요", Outcome.ANSWER, "s1")
    log.record_feedback(ask(2, "인턴 월급", Outcome.ANSWER, "s2"), helpful=False)
    ask(3, "주차 요금 얼마", Outcome.FALLBACK)

    clock.now = T0 + timedelta(days=1)
    log.record_feedback(ask(1, "인턴  월급", Outcome.ANSWER, "s2"), helpful=False)
    ask(4, "주차 요금 얼마", Outcome.FALLBACK)
    picked = ask(4, "훈련", Outcome.SUGGEST, "s3", suggestions=["s3", "s2"])
    log.record_pick(picked, "s3")
    log.record_feedback(picked, helpful=False)
    ask(5, "안녕", Outcome.SMALLTALK)

    clock.now = T0 + timedelta(days=2)
    ask(1, "주차 요금 얼마", Outcome.FALLBACK)
    ask(1, "010-1234-5678 로 연락 주세요", Outcome.FALLBACK)
    ask(6, "죽고 싶다", Outcome.URGENT)
    log.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "questions.sqlite3"
    seed(path)
    return path


def test_report_counts(db: Path) -> None:
    report = build_report(db, None)
    assert report.total == 11
    assert report.days == (Day("2024-05-01", 4, 3), Day("2024-05-02", 4, 3), Day("2024-05-03", 3, 2))
    assert dict(report.outcomes) == {"answer": 4, "fallback": 4, "suggest": 1, "smalltalk": 1, "urgent": 1}
    assert dict(report.feedback) == {"yes": 1, "no": 3}
    assert report.sections == (
        Count(2, "", "s1", "구직 등록"),
        Count(2, "", "s2", "장애인 인턴제"),
        Count(1, "", "s3", "직업훈련"),
    )
    assert report.wrong_answers == (
        Count(2, "인턴 월급", "s2", "장애인 인턴제"),
        Count(1, "훈련", "s3", "직업훈련"),
    )
    assert report.unanswered == (Count(3, "주차 요금 얼마"), Count(1, "<전화번호> 로 연락 주세요"))
    assert report.suggested == (Count(1, "훈련"),)
    assert report.picked == (Count(1, "훈련", "s3", "직업훈련"),)


def test_since_drops_earlier_days(db: Path) -> None:
    report = build_report(db, date(2024, 5, 2))
    assert report.total == 7
    assert [d.day for d in report.days] == ["2024-05-02", "2024-05-03"]
    assert report.unanswered[0] == Count(2, "주차 요금 얼마")
    assert report.wrong_answers == (
        Count(1, "인턴 월급", "s2", "장애인 인턴제"),
        Count(1, "훈련", "s3", "직업훈련"),
    )


def test_text_lists_wrong_answers_first(db: Path) -> None:
    text = render_text(build_report(db, None))
    positions = [
        text.index(heading)
        for heading in ("'아니요'", "답하지 못한 질문", "제안만 한 질문", "제안 중 고른 것")
    ]
    assert positions == sorted(positions)
    wrong = text.split("'아니요'", 1)[1]
    assert wrong.index('"인턴 월급" -> 장애인 인턴제 [s2]') < wrong.index('"훈련" -> 직업훈련 [s3]')
    assert "  2024-05-01  질문 4  질문자 3  " + "█" * 30 in text
    assert "36.4%  답변 (answer)" in text
    assert "죽고" not in text


def test_csv_has_a_header_and_one_row_per_item(db: Path) -> None:
    rows = list(csv.reader(io.StringIO(render_csv(build_report(db, None)))))
    assert tuple(rows[0]) == CSV_HEADER
    lists = [row[0] for row in rows[1:]]
    assert lists.count("day") == 3 and lists.count("wrong_answer") == 2 and lists.count("unanswered") == 2
    record = {(row[0], row[3]): dict(zip(CSV_HEADER, row, strict=True)) for row in rows[1:]}
    assert record["wrong_answer", "인턴 월급"]["count"] == "2"
    assert record["wrong_answer", "인턴 월급"]["section_title"] == "장애인 인턴제"


def test_an_empty_log_reports_no_questions(tmp_path: Path) -> None:
    path = tmp_path / "questions.sqlite3"
    QuestionLog(QuestionLogSettings(path=path)).close()
    report = build_report(path, None)
    assert report.total == 0
    assert NO_QUESTIONS in render_text(report)
    assert render_csv(report).splitlines() == [",".join(CSV_HEADER)]


def test_the_report_reads_while_the_bot_writes(tmp_path: Path) -> None:
    path = tmp_path / "questions.sqlite3"
    log = QuestionLog(QuestionLogSettings(path=path))
    log.record("구직등록", "answer", "s1", "구직 등록", 1.0, [], 42)
    try:
        assert build_report(path, None).total == 1
    finally:
        log.close()


# -- python -m bot report ----------------------------------------------------------


def run(argv: list[str]) -> tuple[int, str, str]:
    env = Env(stdin=io.StringIO(), stdout=io.StringIO(), stderr=io.StringIO(), environ={})
    code = main(argv, env=env)
    return code, env.stdout.getvalue(), env.stderr.getvalue()  # type: ignore[attr-defined]


def test_command_prints_the_report(db: Path) -> None:
    code, out, _ = run(["report", "--db", str(db), "--since", "2024-05-02"])
    assert code == 0
    assert "질문 (questions): 7" in out and "--since 2024-05-02" in out


def test_command_prints_csv(db: Path) -> None:
    code, out, _ = run(["report", "--db", str(db), "--csv"])
    assert code == 0
    assert out.splitlines()[0] == ",".join(CSV_HEADER)


def test_command_uses_the_path_in_config(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    shutil.copy(ROOT / "config.yaml", config)
    code, out, _ = run(["--config", str(config), "report"])
    assert (code, out.strip()) == (0, f"{NO_QUESTIONS}: {tmp_path / 'data' / 'questions.sqlite3'}")
    seed(tmp_path / "data" / "questions.sqlite3")
    code, out, _ = run(["report", "--config", str(config)])
    assert code == 0 and "질문 (questions): 11" in out


def test_command_with_a_missing_database_is_friendly(tmp_path: Path) -> None:
    code, out, err = run(["report", "--db", str(tmp_path / "nothing.sqlite3")])
    assert (code, err) == (0, "")
    assert NO_QUESTIONS in out


def test_command_names_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "questions.sqlite3"
    path.write_text("not a database\n" * 100)
    code, _, err = run(["report", "--db", str(path)])
    assert code == 2
    assert str(path) in err


def test_command_rejects_a_bad_date(db: Path) -> None:
    with pytest.raises(SystemExit) as exit_:
        run(["report", "--db", str(db), "--since", "May 2"])
    assert exit_.value.code == 2
