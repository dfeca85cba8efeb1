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
