"""Article files (Markdown + YAML frontmatter, WordPress exports) -> Article/Section records."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import itertools
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
_FM_BOUNDARY = re.compile(r"^-{3,}\s*$", re.MULTILINE)  # python-frontmatter's YAML one
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

    @functools.cached_property
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
        raw = path.read_text(encoding="utf-8-sig")  # -sig: a BOM would hide the frontmatter
    except (OSError, UnicodeDecodeError) as e:
        raise KnowledgeError(f"cannot read article: {e}", path) from e
    try:
        post = frontmatter.loads(raw)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = _file_line(raw, mark.line) if mark is not None else None
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
        sections=_sections(aid, sections),
        conclusion=tuple(p for p, _ in conclusion),
        related=body.related + tuple(link for _, links in lead + conclusion for link in links),
        menu_order=_menu_order(meta.get("menu_order")),
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


def _file_line(raw: str, frontmatter_line: int) -> int:
    """The 1-based file line of a 0-based line of the YAML python-frontmatter parsed.

    python-frontmatter strips the text, then splits it at the first `---` line;
    the YAML it parses starts right after that match (which may or may not
    include the line break), so count the line breaks before it.
    """
    stripped = raw.strip()
    skipped = raw[: len(raw) - len(raw.lstrip())].count("\n")
    boundary = _FM_BOUNDARY.match(stripped)
    start = boundary.end() if boundary else 0
    return skipped + stripped[:start].count("\n") + frontmatter_line + 1


def _sections(aid: str, headed: list[tuple[str, list[Paragraph]]]) -> tuple[Section, ...]:
    """Sections with unique numbers: "0" is the overview's, and a repeated number would share an id."""
    taken = {OVERVIEW}
    sections = []
    for ordinal, (heading, paras) in enumerate(headed, 1):
        section = _section(aid, ordinal, heading, paras, taken)
        taken.add(section.number)
        sections.append(section)
    return tuple(sections)


def _section(aid: str, ordinal: int, heading: str, paras: list[Paragraph], taken: set[str]) -> Section:
    prefix = _NUMBER_PREFIX.match(heading)
    number = prefix.group(1).lstrip("0") if prefix else ""
    if not number or number in taken:
        number = next(str(n) for n in itertools.count(ordinal) if str(n) not in taken)
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


def _menu_order(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _date(value: Any) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    return str(value or "").split(" ")[0]
