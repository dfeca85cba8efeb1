"""The one validation path for start-up, check and /reload."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from bot.loader import load, summary

ROOT = Path(__file__).resolve().parent.parent


def test_a_replaced_assistant_is_freed_without_the_collector() -> None:
    """load() freezes the index out of the collector's scans; a reload must still free it."""
    assistant = load(ROOT / "config.yaml")
    index, catalog = weakref.ref(assistant.index), weakref.ref(assistant.catalog)
    gc.disable()
    try:
        del assistant
        assert index() is None and catalog() is None  # no reference cycles keep them alive
    finally:
        gc.enable()


def test_load_leaves_the_collector_as_it_found_it() -> None:
    gc.disable()
    try:
        load(ROOT / "config.yaml")
        assert not gc.isenabled()
    finally:
        gc.enable()
    load(ROOT / "config.yaml")
    assert gc.isenabled()


def test_summary_names_what_was_loaded() -> None:
    lines = summary(load(ROOT / "config.yaml"))
    assert any(line.startswith("article disability-job-placement") for line in lines)
    assert any(line.startswith("program intern: 장애인 인턴제") for line in lines)
    assert lines[-1].startswith("1 articles, 6 sections, 7 programs")
