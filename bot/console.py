"""Text front ends: one-shot `ask`, JSON lines for scripts, and the interactive terminal chat."""

from __future__ import annotations

import json
from typing import TextIO

from bot.answers import Assistant, Button, Reply
from bot.ranking import Word


def render(reply: Reply) -> str:
    """A reply as terminal text: the message, then its buttons numbered."""
    lines = [reply.text()]
    buttons = reply.flat_buttons()
    if buttons:
        lines.append("")
        lines.extend(f"[{i}] {_button(b)}" for i, b in enumerate(buttons, 1))
    return "\n".join(lines)


def _button(button: Button) -> str:
    return f"{button.text} ({button.url})" if button.url else button.text


def as_json(question: str, reply: Reply) -> str:
    record = {
        "q": question,
        "reply": reply.text(),
        "buttons": [b.as_dict() for b in reply.flat_buttons()],
        "outcome": str(reply.outcome),
        "match": reply.match.as_dict() if reply.match else None,
    }
    return json.dumps(record, ensure_ascii=False)


def answer_jsonl(assistant: Assistant, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    """Read {"q": ...} lines, write one JSON line per question in order; bad lines are reported."""
    failures = 0
    for number, line in enumerate(stdin, 1):
        if not line.strip():
            continue
        try:
            question = json.loads(line)["q"]
            if not isinstance(question, str):
                raise TypeError("q must be a string")
        except (ValueError, KeyError, TypeError) as e:
            failures += 1
            print(f'line {number}: expected {{"q": "..."}}: {e}', file=stderr)
            stdout.write(json.dumps({"q": None, "error": str(e)}) + "\n")
            continue
        stdout.write(as_json(question, assistant.respond(question)) + "\n")
        stdout.flush()
    return 1 if failures else 0


def explain(assistant: Assistant, question: str) -> str:
    """The top candidates, their scores and the key each matched on, for editors."""
    result = assistant.search(question)
    lines = [
        f"question: {question}",
        "words: " + ", ".join(_word(w) for w in result.words),
    ]
    decision = assistant.decide(result)
    lines.append(f"decision: {decision[0] if decision else 'none'}")
    for c in result.candidates:
        lines.append(f"{c.score:.3f} (specific {c.specific:.2f})  {c.section_id}  {c.target.section.title}")
        for evidence, field in c.evidence:
            how = f"{field}, {evidence.how}, {evidence.quality:.2f}"
            lines.append(f"    {evidence.word!r} -> {evidence.term!r} [{how}]")
    return "\n".join(lines)


def _word(word: Word) -> str:
    typed = f" typed {word.typed!r} (keyboard layout / letters typed apart)" if word.typed else ""
    return f"{word.text}(weight {word.weight:.1f}{typed})"


def chat(assistant: Assistant, stdin: TextIO, stdout: TextIO, *, intro: str = "") -> int:
    """An interactive chat; a number picks a button of the last reply, 'q' quits."""
    if intro:
        print(intro, file=stdout)
    reply = assistant.welcome()
    while True:
        print(render(reply), file=stdout)
        print("\n> ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line or line.strip().lower() in ("q", "quit", "exit", "종료"):
            print("", file=stdout)
            return 0
        text = line.strip()
        buttons = reply.flat_buttons()
        if text.isdigit() and 1 <= int(text) <= len(buttons):
            chosen = buttons[int(text) - 1]
            if chosen.url:
                print(f"{chosen.text}: {chosen.url}", file=stdout)
                continue
            reply = assistant.open(chosen.data or "menu")
        elif text:
            reply = assistant.respond(text)
