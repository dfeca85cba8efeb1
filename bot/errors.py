"""One base error for everything the bot reports to an operator."""

from __future__ import annotations

from pathlib import Path


class BotError(Exception):
    """Base class: a problem an operator can fix (a file, a setting)."""


class SourceError(BotError):
    """An error about one file, naming it (and the line, where known)."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


class ConfigError(SourceError):
    """config.yaml is missing, malformed, or has an unknown key or a wrong type."""


class KnowledgeError(SourceError):
    """An article or the programs file cannot be read, parsed or resolved."""


class ValidationErrors(BotError):
    """Several problems found at once, so an operator can fix them in one pass."""

    def __init__(self, errors: list[SourceError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))
