"""Article files (Markdown + YAML frontmatter, WordPress exports) -> Article/Section records."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from bot.config import Link
from bot.errors import KnowledgeError
from bot.markup import clean_body, inline_text

ARTICLE_SUFFIXES = (".md", ".markdown")
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
_NUMBER_PREFIX = re.compile(r"^\s*(\d{1,3})\s*[.)]\s*")
_CONCLUSION_TITLES = frozenset({"결론", "마치며", "맺음말", "정리", "요약", "마무리"})
OVERVIEW = "0"


@dataclass(frozen=True)
class Section:
    """One answerable part of an article; the overview is the lead plus the conclusion."""

    id: str
    article_id: str
    number: str
    title: str
    paragraphs: tuple[str, ...]
    links: tuple[Link, ...] = ()

    @property
    def is_overview(self) -> bool:
        return self.number == OVERVIEW


@dataclass(frozen=True)
class Article:
    id: str
    path: Path
    title: str
    excerpt: str
    date: str
    status: str
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    lead: tuple[str, ...]
    sections: tuple[Section, ...]
    conclusion: tuple[str, ...]
    related: tuple[Link, ...]
    menu_order: int = 0

    @property
    def published(self) -> bool:
        return self.status == "publish"

    @property
    def overview(self) -> Section:
        return Section(
            id=f"{self.id}-{OVERVIEW}",
            article_id=self.id,
            number=OVERVIEW,
            title=self.title,
            paragraphs=self.lead + self.conclusion,
            links=self.related,
        )

    def all_sections(self) -> tuple[Section, ...]:
        return (self.overview, *self.sections)


def article_id(path: Path, meta: dict[str, Any]) -> str:
    """A short ASCII id, stable across reloads: the slug, the file name, or a hash of it."""
    for candidate in (meta.get("slug"), path.stem):
        if isinstance(candidate, str) and ID_PATTERN.fullmatch(candidate.lower()):
            return candidate.lower()
    return "a" + hashlib.sha1(path.stem.encode("utf-8")).hexdigest()[:10]


def load_article(path: Path) -> Article:
    """Parse one article file; every failure is a KnowledgeError naming the file."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise KnowledgeError(f"cannot read article: {e}", path) from e
    try:
        post = frontmatter.loads(raw)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 2 if mark is not None else None  # +1 for 1-based, +1 for the '---'
        raise KnowledgeError(f"invalid YAML frontmatter: {e.problem or e}", path, line) from e
    except (yaml.YAMLError, ValueError) as e:
        raise KnowledgeError(f"invalid frontmatter: {e}", path) from e
    meta = dict(post.metadata)
    title = _text(meta.get("title"), "title", path)
    if not title:
        raise KnowledgeError("frontmatter has no title", path)
    taxonomy = meta.get("taxonomy") or {}
    if not isinstance(taxonomy, dict):
        raise KnowledgeError("taxonomy: expected a mapping", path)
    body = clean_body(post.content)
    lead, sections, conclusion = _split_sections(body.text)
    aid = article_id(path, meta)
    return Article(
        id=aid,
        path=path,
        title=title,
        excerpt=_text(meta.get("post_excerpt"), "post_excerpt", path),
        date=_date(meta.get("post_date")),
        status=_text(meta.get("post_status") or "publish", "post_status", path),
        categories=_names(taxonomy.get("category"), "taxonomy.category", path),
        tags=_names(taxonomy.get("post_tag"), "taxonomy.post_tag", path),
        lead=tuple(p for p, _ in lead),
        sections=tuple(_section(aid, i, heading, paras) for i, (heading, paras) in enumerate(sections, 1)),
        conclusion=tuple(p for p, _ in conclusion),
        related=body.related + tuple(link for _, links in lead + conclusion for link in links),
        menu_order=meta.get("menu_order") if isinstance(meta.get("menu_order"), int) else 0,
    )


Paragraph = tuple[str, tuple[Link, ...]]


def _split_sections(
    text: str,
) -> tuple[list[Paragraph], list[tuple[str, list[Paragraph]]], list[Paragraph]]:
    lead: list[Paragraph] = []
    sections: list[tuple[str, list[Paragraph]]] = []
    conclusion: list[Paragraph] | None = None
    current = lead
    for block in re.split(r"\n\s*\n", text):
        block = block.strip()
        if not block:
            continue
        if block.startswith("## ") or block.startswith("##\t"):
            heading, _, rest = block.partition("\n")
            heading = inline_text(heading[3:])[0]
            if heading in _CONCLUSION_TITLES and conclusion is None:
                conclusion = current = []
            else:
                current = []
                sections.append((heading, current))
            block = rest.strip()
            if not block:
                continue
        current.append(inline_text(block.lstrip("#").strip() if block.startswith("#") else block))
    return lead, sections, conclusion or []


def _section(aid: str, ordinal: int, heading: str, paras: list[Paragraph]) -> Section:
    prefix = _NUMBER_PREFIX.match(heading)
    number = prefix.group(1) if prefix else str(ordinal)
    title = heading[prefix.end() :].strip() if prefix else heading
    return Section(
        id=f"{aid}-{number}",
        article_id=aid,
        number=number,
        title=title or heading,
        paragraphs=tuple(p for p, _ in paras if p),
        links=tuple(link for _, links in paras for link in links),
    )


def _text(value: Any, key: str, path: Path) -> str:
    if value is None:
        return ""
    if isinstance(value, str | int | float):
        return " ".join(str(value).split())
    raise KnowledgeError(f"{key}: expected text, got {type(value).__name__}", path)


def _names(value: Any, key: str, path: Path) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise KnowledgeError(f"{key}: expected a list", path)
    return tuple(name for name in (_text(v, key, path) for v in value) if name)


def _date(value: Any) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    return str(value or "").split(" ")[0]
