"""The operators' report over the question log: what people ask and where the bot fails them.

`python -m bot report [--since YYYY-MM-DD] [--csv] [--db PATH]`. The lists an
editor works from come first among the question lists, worst case first:
answers marked "아니요" (possibly confident wrong answers), then questions the
bot could not answer, then questions it answered only with suggestions.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TextIO

from bot.config import load_config
from bot.errors import SourceError

LIST_LIMIT = 30
BAR_WIDTH = 30
OUTCOME_NAMES = {
    "answer": "답변",
    "suggest": "제안",
    "fallback": "모름",
    "smalltalk": "인사",
    "urgent": "긴급",
}
NO_QUESTIONS = "아직 기록된 질문이 없습니다 (no questions recorded yet)"


@dataclass(frozen=True)
class Day:
    day: str
    questions: int
    askers: int


@dataclass(frozen=True)
class Count:
    """How often one thing happened; `question` and `section` are filled where they apply."""

    count: int
    question: str = ""
    section_id: str = ""
    section_title: str = ""


@dataclass(frozen=True)
class Report:
    db_path: Path
    since: date | None
    total: int
    days: tuple[Day, ...]
    outcomes: tuple[tuple[str, int], ...]
    feedback: tuple[tuple[str, int], ...]
    sections: tuple[Count, ...]
    wrong_answers: tuple[Count, ...]
    unanswered: tuple[Count, ...]
    suggested: tuple[Count, ...]
    picked: tuple[Count, ...]


_TABLE_SQL = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'questions'"
_ROWS_SQL = (
    "SELECT day, asker, outcome, question, section_id, section_title, picked_section, feedback"
    " FROM questions WHERE day >= ? ORDER BY id"
)


@dataclass(frozen=True)
class Row:
    day: str
    asker: str
    outcome: str
    question: str
    section_id: str | None
    section_title: str | None
    picked_section: str | None
    feedback: str | None

    @property
    def shown(self) -> str:
        """The section the user read: the answer, or the suggestion they then pressed."""
        if self.picked_section:
            return self.picked_section
        return (self.section_id or "") if self.outcome == "answer" else ""


def build_report(db_path: Path, since: date | None, limit: int = LIST_LIMIT) -> Report:
    """Read the question log (read-only) into a Report; lists keep the `limit` most frequent."""
    try:
        rows = _read_rows(db_path, since)
    except sqlite3.Error as e:
        raise SourceError(f"cannot read the question log: {e}", db_path) from e
    return _summarise(rows, db_path, since, limit)


def _read_rows(db_path: Path, since: date | None) -> list[Row]:
    db = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        if db.execute(_TABLE_SQL).fetchone() is None:
            return []
        return [Row(*r) for r in db.execute(_ROWS_SQL, (since.isoformat() if since else "",))]
    finally:
        db.close()


def _summarise(rows: list[Row], db_path: Path, since: date | None, limit: int) -> Report:
    titles = {r.section_id: r.section_title for r in rows if r.section_id and r.section_title}
    askers: dict[str, set[str]] = {}
    for r in rows:
        askers.setdefault(r.day, set()).add(r.asker)
    per_day = Counter(r.day for r in rows)

    def top(keys: Iterable[tuple[str, str]]) -> tuple[Count, ...]:
        ranked = sorted(Counter(keys).items(), key=lambda item: (-item[1], item[0]))
        return tuple(Count(n, q, s, titles.get(s, "")) for (q, s), n in ranked[:limit])

    return Report(
        db_path=db_path,
        since=since,
        total=len(rows),
        days=tuple(Day(day, per_day[day], len(askers[day])) for day in sorted(per_day)),
        outcomes=tuple(Counter(r.outcome for r in rows).most_common()),
        feedback=tuple(sorted(Counter(r.feedback for r in rows if r.feedback).items(), reverse=True)),
        sections=top(("", r.shown) for r in rows if r.shown),
        wrong_answers=top((r.question, r.shown) for r in rows if r.feedback == "no"),
        unanswered=top((r.question, "") for r in rows if r.outcome == "fallback"),
        suggested=top((r.question, "") for r in rows if r.outcome == "suggest"),
        picked=top((r.question, r.picked_section) for r in rows if r.picked_section),
    )


# -- rendering ---------------------------------------------------------------------


def render_text(report: Report) -> str:
    """The report as an operator reads it: Korean headings, English in parentheses."""
    period = f"{report.days[0].day} ~ {report.days[-1].day}" if report.days else "-"
    since = f" (--since {report.since.isoformat()})" if report.since else ""
    lines = [
        "질문 기록 보고서 (question log report)",
        f"파일 (file): {report.db_path}",
        f"기간 (period): {period}{since}",
        f"질문 (questions): {report.total}",
    ]
    if not report.total:
        return "\n".join([*lines, "", NO_QUESTIONS])
    lines += _section(
        "날짜별 질문 수와 질문자 수 (questions and distinct askers per day)", _day_lines(report)
    )
    lines += _section("결과 비율 (outcomes)", _outcome_lines(report))
    answers = dict(report.feedback)
    lines.append(
        f"'도움이 됐나요?' 응답 (feedback): 예 (yes) {answers.get('yes', 0)}, "
        f"아니요 (no) {answers.get('no', 0)}"
    )
    lines += _section(
        "많이 나간 답 (sections shown most: answers and picked suggestions)",
        _count_lines(report.sections, quote=False),
    )
    for title, counts in _editor_lists(report):
        lines += _section(title, _count_lines(counts))
    return "\n".join(lines)


def _editor_lists(report: Report) -> list[tuple[str, tuple[Count, ...]]]:
    """The lists an editor fixes aliases and articles from, worst case first."""
    return [
        (
            "답했지만 '아니요' - 틀린 답일 수 있음 (answered but marked not helpful: possibly wrong)",
            report.wrong_answers,
        ),
        ("답하지 못한 질문 (unanswered: fallback)", report.unanswered),
        ("제안만 한 질문 (answered with suggestions only)", report.suggested),
        ("제안 중 고른 것 (suggestions people picked: question -> section)", report.picked),
    ]


def _section(title: str, body: list[str]) -> list[str]:
    return ["", f"■ {title}", *(body or ["  (없음 / none)"])]


def _bar(count: int, largest: int) -> str:
    return "█" * max(1, round(count / largest * BAR_WIDTH)) if count else ""


def _day_lines(report: Report) -> list[str]:
    largest = max(d.questions for d in report.days)
    width = len(str(largest))
    return [
        f"  {d.day}  질문 {d.questions:>{width}}  질문자 {d.askers:>{width}}  {_bar(d.questions, largest)}"
        for d in report.days
    ]


def _outcome_lines(report: Report) -> list[str]:
    width = len(str(report.total))
    return [
        f"  {n:>{width}}  {n / report.total:>6.1%}  {OUTCOME_NAMES.get(outcome, outcome)} ({outcome})"
        for outcome, n in report.outcomes
    ]


def _count_lines(counts: tuple[Count, ...], quote: bool = True) -> list[str]:
    width = max((len(str(c.count)) for c in counts), default=1)
    lines = []
    for c in counts:
        parts = [f'"{c.question}"'] if quote else []
        if c.section_id:
            label = f"{c.section_title} [{c.section_id}]" if c.section_title else f"[{c.section_id}]"
            parts.append(f"-> {label}" if quote else label)
        lines.append(f"  {c.count:>{width}}  {' '.join(parts)}")
    return lines


CSV_HEADER = ("list", "day", "key", "question", "section_id", "section_title", "count", "askers", "percent")


def render_csv(report: Report) -> str:
    """Every table of the report in one CSV; the `list` column says which table a row belongs to."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for d in report.days:
        writer.writerow(("day", d.day, "", "", "", "", d.questions, d.askers, ""))
    for outcome, n in report.outcomes:
        writer.writerow(("outcome", "", outcome, "", "", "", n, "", f"{100 * n / report.total:.1f}"))
    for answer, n in report.feedback:
        writer.writerow(("feedback", "", answer, "", "", "", n, "", ""))
    named = [
        ("section", report.sections),
        ("wrong_answer", report.wrong_answers),
        ("unanswered", report.unanswered),
        ("suggested", report.suggested),
        ("picked", report.picked),
    ]
    for name, counts in named:
        for c in counts:
            writer.writerow((name, "", "", c.question, c.section_id, c.section_title, c.count, "", ""))
    return out.getvalue()


def run(db_path: Path | None, config_path: Path, since: date | None, as_csv: bool, out: TextIO) -> int:
    """`python -m bot report`: print the report; a log that does not exist yet is not an error."""
    path = db_path if db_path is not None else load_config(config_path).question_log.path
    if not path.exists():
        print(f"{NO_QUESTIONS}: {path}", file=out)
        return 0
    report = build_report(path, since)
    out.write(render_csv(report) if as_csv else render_text(report) + "\n")
    return 0
