"""Shared fixtures: the bundled config and knowledge, loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answers import Assistant
from bot.loader import load

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def assistant() -> Assistant:
    """The assistant over the bundled config.yaml and knowledge/."""
    return load(ROOT / "config.yaml")


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled knowledge folder, to break or extend."""
    target = tmp_path / "knowledge"
    target.mkdir()
    for source in (ROOT / "knowledge").iterdir():
        if source.is_file():
            (target / source.name).write_bytes(source.read_bytes())
    return target
