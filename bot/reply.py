"""The platform-neutral reply: what to say, with which buttons, and how it was decided.

Plain text only; each front end (Telegram, the terminal, JSON lines) adds its own
markup. Button data are short ASCII actions the core understands again
(`Assistant.open`): 'p:<program>', 's:<section>', 'menu', 'menu:<page>'.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum


class Outcome(StrEnum):
    ANSWER = "answer"
    SUGGEST = "suggest"
    FALLBACK = "fallback"
    SMALLTALK = "smalltalk"
    URGENT = "urgent"
    MENU = "menu"
    NOTICE = "notice"


@dataclass(frozen=True)
class Button:
    """A link (url) or an action for the bot (data: 'p:<program>', 's:<section>', 'menu')."""

    text: str
    url: str | None = None
    data: str | None = None

    def as_dict(self) -> dict[str, str]:
        return (
            {"text": self.text, "url": self.url} if self.url else {"text": self.text, "data": self.data or ""}
        )


@dataclass(frozen=True)
class MatchInfo:
    section_id: str
    title: str
    score: float

    def as_dict(self) -> dict[str, object]:
        return {"section_id": self.section_id, "title": self.title, "score": round(self.score, 3)}


@dataclass(frozen=True)
class Block:
    """A titled run of paragraphs: one section, or one part of a fixed message."""

    title: str
    paragraphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reply:
    outcome: Outcome
    blocks: tuple[Block, ...] = ()
    note: str = ""
    buttons: tuple[tuple[Button, ...], ...] = ()
    match: MatchInfo | None = None
    section_ids: tuple[str, ...] = field(default=(), compare=False)  # sections shown
    suggested: tuple[str, ...] = field(default=(), compare=False)  # sections offered as buttons

    @property
    def title(self) -> str:
        return self.blocks[0].title if self.blocks else ""

    def text(self) -> str:
        """The reply as plain text, the way a user reads it."""
        parts = [p for block in self.blocks for p in (block.title, *block.paragraphs)]
        return "\n\n".join(p for p in (*parts, self.note) if p)

    def flat_buttons(self) -> list[Button]:
        return [b for row in self.buttons for b in row]

    def without_actions(self) -> Reply:
        """Only URL buttons: for messages the bot cannot be called back from (inline mode)."""
        rows = tuple(row for row in (tuple(b for b in r if b.url) for r in self.buttons) if row)
        return replace(self, buttons=rows)
