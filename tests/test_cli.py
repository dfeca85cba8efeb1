"""bot.__main__: the command line, run in-process through Env, plus two real subprocesses."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.__main__ import Env, main

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "config.yaml"
SEED_ID = "disability-job-placement"
REGISTER_TEXT = "장애인 취업을 희망하는 구직장애인들은 구직신청서를 작성하여"
LEAD_TEXT = "장애인들에게 적합한 취업 기회를 제공하기 위해"
RECORD_KEYS = {"q", "reply", "buttons", "outcome", "match"}
BUTTON = re.compile(r"^\[(\d+)\] (.+)$", re.M)


@dataclass
class Run:
    code: int
    out: str
    err: str

    def records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.out.splitlines()]


def run(*argv: str, stdin: str = "", environ: dict[str, str] | None = None, config: Path = CONFIG) -> Run:
    """Run the command line in-process with the given config and captured streams."""
    env = Env(stdin=io.StringIO(stdin), stdout=io.StringIO(), stderr=io.StringIO(), environ=environ or {})
    code = main([*argv, "--config", str(config)], env)
    assert isinstance(env.stdout, io.StringIO) and isinstance(env.stderr, io.StringIO)
    return Run(code, env.stdout.getvalue(), env.stderr.getvalue())


def jsonl(*questions: str) -> str:
    return "".join(json.dumps({"q": q}, ensure_ascii=False) + "\n" for q in questions)


def assert_record_shape(record: dict[str, Any]) -> None:
    assert set(record) == RECORD_KEYS
    assert isinstance(record["reply"], str) and record["reply"]
    assert isinstance(record["outcome"], str)
    for button in record["buttons"]:
        assert set(button) in ({"text", "url"}, {"text", "data"})
        assert all(isinstance(v, str) and v for v in button.values())
    match = record["match"]
    assert match is None or (
        set(match) == {"section_id", "title", "score"} and isinstance(match["score"], int | float)
    )


def subprocess_env(**extra: str) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "LOG_LEVEL")}
    return {**environ, **extra}


# -- ask ------------------------------------------------------------------------------------


def test_ask_prints_the_section_then_numbered_buttons() -> None:
    result = run("ask", "구직등록")
    assert result.code == 0
    assert result.err == ""
    lines = result.out.splitlines()
    assert lines[0] == "장애인 취업알선의 구직 등록"
    assert REGISTER_TEXT in result.out
    buttons = BUTTON.findall(result.out)
    assert [int(n) for n, _ in buttons] == list(range(1, len(buttons) + 1))
    assert len(buttons) >= 2
    assert result.out.index(REGISTER_TEXT) < result.out.index("[1] ")
    assert "(https://" in buttons[0][1]  # a link button shows where it goes
    assert buttons[-1][1] == "메뉴"


def test_ask_joins_words_into_one_question() -> None:
    assert run("ask", "구직", "등록").out == run("ask", "구직 등록").out


def test_ask_without_question_is_a_usage_error() -> None:
    result = run("ask")
    assert result.code == 2
    assert result.out == ""
    assert "질문을 입력하세요" in result.err


def test_ask_jsonl_answers_each_line_in_order() -> None:
    questions = ["구직등록", "장애인 인턴제는 무엇인가요", "오늘 날씨 어때"]
    result = run("ask", "--jsonl", stdin=jsonl(*questions))
    assert result.code == 0
    assert result.err == ""
    records = result.records()
    assert [r["q"] for r in records] == questions
    for record in records:
        assert_record_shape(record)
    assert records[0]["outcome"] == "answer"
    assert records[0]["match"]["section_id"] == f"{SEED_ID}-1"
    assert REGISTER_TEXT in records[0]["reply"]


def test_ask_jsonl_skips_blank_lines() -> None:
    result = run("ask", "--jsonl", stdin="\n" + jsonl("구직등록") + "   \n")
    assert result.code == 0
    assert [r["q"] for r in result.records()] == ["구직등록"]


def test_ask_jsonl_reports_malformed_lines_and_goes_on() -> None:
    stdin = jsonl("구직등록") + "not json\n" + '{"question": "x"}\n' + '{"q": 5}\n' + jsonl("인턴제")
    result = run("ask", "--jsonl", stdin=stdin)
    assert result.code != 0
    answered = [r for r in result.records() if "reply" in r]  # every stdout line is still JSON
    assert [r["q"] for r in answered] == ["구직등록", "인턴제"]
    for record in answered:
        assert_record_shape(record)
    for number in (2, 3, 4):
        assert f"line {number}:" in result.err
    assert "line 1:" not in result.err and "line 5:" not in result.err
    assert "Traceback" not in result.err


def test_ask_explain_lists_candidates() -> None:
    result = run("ask", "--explain", "인턴제")
    assert result.code == 0
    assert result.out.startswith("question: 인턴제\n")
    assert "decision: answer" in result.out
    candidates = re.findall(rf"^\d\.\d{{3}} .*?({SEED_ID}-\d)", result.out, re.M)
    assert candidates[0] == f"{SEED_ID}-5"
    assert len(candidates) >= 2


def test_jsonl_and_explain_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        run("ask", "--jsonl", "--explain", "x")
    assert exited.value.code == 2
    assert "not allowed with" in capsys.readouterr().err


# -- check ------------------------------------------------------------------------------------


def test_check_summarises_the_knowledge() -> None:
    result = run("check")
    assert result.code == 0
    assert result.err == ""
    assert f"article {SEED_ID}: " in result.out
    assert f"  section {SEED_ID}-5: 장애인 인턴제" in result.out
    assert f"program intern: 장애인 인턴제 -> {SEED_ID}-5" in result.out
    assert re.search(r"^1 articles, 6 sections, \d+ programs, \d+ search terms$", result.out, re.M)
    assert result.out.rstrip().endswith("OK")


def test_check_reports_every_broken_file_without_traceback(knowledge_copy: Path) -> None:
    programs = knowledge_copy / "programs.yaml"
    programs.write_text(
        programs.read_text(encoding="utf-8").replace("section: 5", "section: 9"), encoding="utf-8"
    )
    broken = knowledge_copy / "broken.md"
    broken.write_text("---\ntitle: x\ntags: [\n---\n본문\n", encoding="utf-8")
    result = run("check", "--knowledge", str(knowledge_copy))
    assert result.code == 2
    assert result.out == ""
    assert result.err.startswith("2 problem(s) in config or knowledge:\n")
    assert f"  {programs}: program 'intern': " in result.err
    assert f"  {broken}:4: invalid YAML frontmatter" in result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(None, "cannot read file", id="missing"),
        pytest.param(
            CONFIG.read_text(encoding="utf-8").replace("  answer_score:", "  answer_scor:"),
            "unknown key 'search.answer_scor'",
            id="unknown-key",
        ),
    ],
)
def test_check_reports_a_bad_config_naming_it(tmp_path: Path, text: str | None, expected: str) -> None:
    config = tmp_path / "config.yaml"
    if text is not None:
        config.write_text(text, encoding="utf-8")
    result = run("check", config=config)
    assert result.code == 2
    assert result.err.startswith(f"error: {config}")
    assert expected in result.err
    assert "Traceback" not in result.err


def test_knowledge_option_before_the_subcommand_is_honoured(knowledge_copy: Path) -> None:
    (knowledge_copy / "programs.yaml").write_text("programs: []\n", encoding="utf-8")
    env = Env(stdin=io.StringIO(), stdout=io.StringIO(), stderr=io.StringIO(), environ={})
    code = main(["--config", str(CONFIG), "--knowledge", str(knowledge_copy), "check"], env)
    assert code == 0
    assert isinstance(env.stdout, io.StringIO)
    assert f"from {knowledge_copy}" in env.stdout.getvalue()
    assert f"program {SEED_ID}: " in env.stdout.getvalue()  # the article's own menu entry


def test_bad_log_level_is_not_a_crash() -> None:
    result = run("ask", "구직등록", environ={"LOG_LEVEL": "chatty"})
    assert result.code == 0
    assert REGISTER_TEXT in result.out
    assert "LOG_LEVEL" in result.err


# -- chat -------------------------------------------------------------------------------------


def test_chat_menu_program_question_quit() -> None:
    result = run("chat", stdin="1\n구직등록\nq\n")
    assert result.code == 0
    out = result.out
    menu = out.index("[1] 장애인 취업알선 한눈에 보기")
    assert "[7] 장애인 인턴제" in out[menu:]
    overview = out.index(LEAD_TEXT)
    answer = out.index(REGISTER_TEXT)
    assert menu < overview < answer
    assert out.count("> ") == 3  # one prompt per line read


@pytest.mark.parametrize(
    "stdin", ["q\n", "quit\n", "종료\n", "  Q  \n", ""], ids=["q", "quit", "korean", "padded", "eof"]
)
def test_chat_quits(stdin: str) -> None:
    result = run("chat", stdin=stdin)
    assert result.code == 0
    assert result.out.count("> ") == 1


def test_chat_number_out_of_range_is_a_question() -> None:
    result = run("chat", stdin="99\nq\n")
    assert result.code == 0
    assert result.out.count("> ") == 2


def test_chat_link_button_prints_its_url() -> None:
    result = run("chat", stdin="구직등록\n1\nq\n")
    assert result.code == 0
    assert re.search(r"^.+: https://\S+$", result.out, re.M)


def test_no_subcommand_without_token_starts_the_chat() -> None:
    env = Env(stdin=io.StringIO("q\n"), stdout=io.StringIO(), stderr=io.StringIO(), environ={})
    code = main(["--config", str(CONFIG)], env)
    assert code == 0
    assert isinstance(env.stdout, io.StringIO) and isinstance(env.stderr, io.StringIO)
    assert "TELEGRAM_BOT_TOKEN" in env.stderr.getvalue()
    assert "[1] 장애인 취업알선 한눈에 보기" in env.stdout.getvalue()


# -- real processes ----------------------------------------------------------------------------


def test_module_entry_point_answers_jsonl() -> None:
    questions = ["구직등록", "인턴제", "장애인고용포털"]
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--jsonl"],
        input=jsonl(*questions),
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=subprocess_env(LOG_LEVEL="DEBUG", PYTHONIOENCODING="utf-8"),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 3
    records = [json.loads(line) for line in lines]
    assert [r["q"] for r in records] == questions
    for record in records:
        assert_record_shape(record)
    assert "Traceback" not in done.stderr


NO_TELEGRAM = textwrap.dedent(
    """
    import io, sys
    from bot.__main__ import Env, main

    def run(argv, stdin=""):
        env = Env(stdin=io.StringIO(stdin), stdout=io.StringIO(), stderr=io.StringIO(), environ={})
        assert main(argv, env) == 0, env.stderr.getvalue()

    run(["ask", "구직등록"])
    run(["ask", "--jsonl"], '{"q": "인턴제"}\\n')
    run(["ask", "--explain", "인턴제"])
    run(["chat"], "1\\n구직등록\\nq\\n")
    run([], "q\\n")
    run(["check"])
    loaded = sorted(m for m in sys.modules if m == "telegram" or m.startswith("telegram."))
    assert not loaded, loaded
    print("no telegram")
    """
)


def test_ask_chat_and_check_never_import_telegram() -> None:
    done = subprocess.run(
        [sys.executable, "-c", NO_TELEGRAM],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=subprocess_env(),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "no telegram"
