"""The command line: the one place where errors become exit codes.

python -m bot                 Telegram if TELEGRAM_BOT_TOKEN is set, else the terminal chat
python -m bot ask "질문"       one answer, as a user reads it
python -m bot ask --jsonl     JSON lines in, JSON lines out
python -m bot ask --explain "질문"
python -m bot chat            interactive terminal chat
python -m bot check           validate config and knowledge
python -m bot run [--webhook] the Telegram bot
python -m bot report [--since YYYY-MM-DD] [--csv] [--db PATH]  what people asked
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TextIO

from bot.errors import BotError, ValidationErrors

log = logging.getLogger("bot")


@dataclass
class Env:
    """Side effects in one place, so tests can replace them."""

    stdin: TextIO = field(default_factory=lambda: sys.stdin)
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    environ: dict[str, str] = field(default_factory=lambda: dict(os.environ))


def _common(defaults: bool) -> argparse.ArgumentParser:
    """--config and --knowledge; only the top level has defaults, or a subcommand's would
    overwrite a value given before it (`python -m bot --config x.yaml check`)."""
    config = Path("config.yaml") if defaults else argparse.SUPPRESS
    knowledge = None if defaults else argparse.SUPPRESS
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=Path, default=config, help="config file (default ./config.yaml)")
    common.add_argument(
        "--knowledge", type=Path, default=knowledge, help="knowledge folder (default from config)"
    )
    return common


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="python -m bot", description=__doc__.splitlines()[0], parents=[_common(defaults=True)]
    )
    common = _common(defaults=False)
    commands = top.add_subparsers(dest="command")
    ask = commands.add_parser("ask", parents=[common], help="answer questions without Telegram")
    ask.add_argument("question", nargs="*", help="the question")
    mode = ask.add_mutually_exclusive_group()
    mode.add_argument("--jsonl", action="store_true", help='read {"q": ...} lines on stdin, write JSON lines')
    mode.add_argument("--explain", action="store_true", help="show candidates, scores and matched keys")
    commands.add_parser("chat", parents=[common], help="interactive terminal chat")
    commands.add_parser("check", parents=[common], help="validate config and knowledge")
    run = commands.add_parser("run", parents=[common], help="run the Telegram bot")
    run.add_argument("--webhook", action="store_true", help="serve a webhook instead of long polling")
    report = commands.add_parser("report", parents=[common], help="what people asked, where the bot failed")
    report.add_argument("--since", type=date.fromisoformat, metavar="YYYY-MM-DD", help="from this UTC day on")
    report.add_argument("--csv", action="store_true", help="CSV instead of text")
    report.add_argument("--db", type=Path, help="question log (default: question_log.path in config)")
    return top


def main(argv: list[str] | None = None, env: Env | None = None) -> int:
    env = env or Env()
    args = parser().parse_args(argv)
    default_level = "WARNING" if args.command in ("ask", "chat", "check") else "INFO"
    level = env.environ.get("LOG_LEVEL", default_level).upper()
    if not isinstance(logging.getLevelNamesMapping().get(level), int):
        print(f"LOG_LEVEL={level!r} is not a logging level; using {default_level}", file=env.stderr)
        level = default_level
    logging.basicConfig(
        stream=env.stderr, level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        return _dispatch(args, env)
    except ValidationErrors as e:
        print(f"{len(e.errors)} problem(s) in config or knowledge:", file=env.stderr)
        for error in e.errors:
            print(f"  {error}", file=env.stderr)
        return 2
    except BotError as e:
        print(f"error: {e}", file=env.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (`... | head`): not an error of ours
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keep the interpreter's final flush quiet
        return 0


def _dispatch(args: argparse.Namespace, env: Env) -> int:
    from bot import console, loader

    command = args.command
    if command is None:
        command = "run" if env.environ.get("TELEGRAM_BOT_TOKEN") else "chat"
        if command == "chat":
            print(
                "TELEGRAM_BOT_TOKEN이 설정되지 않아 터미널 대화 모드로 시작합니다 (번들 지식 사용). "
                "/ No TELEGRAM_BOT_TOKEN: starting the terminal chat over the bundled knowledge.",
                file=env.stderr,
            )
    if command == "run":
        from bot import telegram_run

        return telegram_run.run(
            args.config, args.knowledge, webhook=getattr(args, "webhook", False), environ=env.environ
        )
    if command == "report":
        from bot import report

        return report.run(args.db, args.config, args.since, args.csv, env.stdout)
    assistant = loader.load(args.config, args.knowledge)
    if command == "check":
        print("\n".join(loader.summary(assistant)), file=env.stdout)
        print("OK", file=env.stdout)
        return 0
    if command == "chat":
        intro = "장애인 취업알선 안내 (끝내려면 q). 번호를 입력하면 그 버튼을 누른 것과 같습니다."
        return console.chat(assistant, env.stdin, env.stdout, intro=intro)
    if args.jsonl:
        return console.answer_jsonl(assistant, env.stdin, env.stdout, env.stderr)
    question = " ".join(args.question)
    if not question.strip():
        print('질문을 입력하세요. 예: python -m bot ask "구직등록 어떻게 해요"', file=env.stderr)
        return 2
    if args.explain:
        print(console.explain(assistant, question), file=env.stdout)
    else:
        print(console.render(assistant.respond(question)), file=env.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
