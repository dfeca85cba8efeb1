"""One validation path for start-up, `check` and a live reload: config + knowledge -> Assistant."""

from __future__ import annotations

import gc
from pathlib import Path

from bot.answers import Assistant
from bot.catalog import load_catalog
from bot.config import load_config


def load(config_path: Path, knowledge_dir: Path | None = None) -> Assistant:
    """Load and validate everything; raises a BotError subclass naming each bad file."""
    collecting = gc.isenabled()
    gc.disable()  # the index is hundreds of thousands of small objects, none of them garbage
    try:
        config = load_config(config_path, knowledge_dir)
        catalog = load_catalog(config.knowledge_dir)
        assistant = Assistant(config, catalog)
    finally:
        if collecting:
            gc.enable()
    # Keep later full collections from scanning the index again and again (a pause of
    # 0.2 s with 1,000 articles). It holds no reference cycles, so reference counting
    # still frees it once a reload replaces it.
    gc.freeze()
    return assistant


def summary(assistant: Assistant) -> list[str]:
    """What was loaded, in lines an operator reads."""
    catalog = assistant.catalog
    lines = [f"knowledge version {catalog.version} from {assistant.config.knowledge_dir}"]
    for article in catalog.articles:
        lines.append(
            f"article {article.id}: {article.title} ({article.date}, {len(article.sections)} sections)"
        )
        for section in article.all_sections():
            lines.append(f"  section {section.id}: {section.title}")
    for article in catalog.drafts:
        lines.append(f"not served (status {article.status!r}): {article.path.name}")
    for program in catalog.programs:
        lines.append(
            f"program {program.id}: {program.label} -> {program.section_id} ({len(program.aliases)} aliases)"
        )
    articles, sections, programs = len(catalog.articles), len(catalog.sections), len(catalog.programs)
    terms = len(assistant.index.terms)
    lines.append(f"{articles} articles, {sections} sections, {programs} programs, {terms} search terms")
    return lines
