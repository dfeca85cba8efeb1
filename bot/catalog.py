"""The knowledge folder as a whole: published articles, their sections, and the menu programs.

Every problem found is collected and reported together, each naming its file,
so `python -m bot check` and a reload show an operator everything to fix at once.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import Link
from bot.errors import KnowledgeError, SourceError, ValidationErrors
from bot.knowledge import ARTICLE_SUFFIXES, ID_PATTERN, Article, Section, load_article
from bot.settings import build, read_yaml

PROGRAM_SUFFIXES = (".yaml", ".yml")
_URL = re.compile(r"https?://[^\s/$.?#][^\s]*")


@dataclass(frozen=True)
class ProgramEntry:
    """One menu entry as written in a programs file."""

    id: str
    label: str
    article: str
    section: str
    aliases: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class ProgramsFile:
    programs: tuple[ProgramEntry, ...] = ()


@dataclass(frozen=True)
class Program:
    """A menu entry resolved to the section it opens."""

    id: str
    label: str
    section_id: str
    aliases: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Catalog:
    articles: tuple[Article, ...]
    programs: tuple[Program, ...]
    version: str
    sections: dict[str, Section] = field(default_factory=dict)
    drafts: tuple[Article, ...] = ()
    _programs: dict[str, Program] = field(init=False, repr=False, compare=False)
    _articles: dict[str, Article] = field(init=False, repr=False, compare=False)
    _by_section: dict[str, tuple[Program, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_section: dict[str, list[Program]] = {}
        for program in self.programs:
            by_section.setdefault(program.section_id, []).append(program)
        object.__setattr__(self, "_programs", {p.id: p for p in reversed(self.programs)})
        object.__setattr__(self, "_articles", {a.id: a for a in self.articles})
        object.__setattr__(self, "_by_section", {k: tuple(v) for k, v in by_section.items()})

    def section(self, section_id: str) -> Section | None:
        return self.sections.get(section_id)

    def program(self, program_id: str) -> Program | None:
        return self._programs.get(program_id)

    def article(self, article_id: str) -> Article | None:
        return self._articles.get(article_id)

    def programs_for(self, section_id: str) -> tuple[Program, ...]:
        return self._by_section.get(section_id, ())


def load_catalog(directory: Path) -> Catalog:
    """Load every article and programs file under `directory`; raise ValidationErrors."""
    if not directory.is_dir():
        raise ValidationErrors([KnowledgeError("knowledge folder not found", directory)])
    errors: list[SourceError] = []
    articles: list[Article] = []
    entries: list[tuple[Path, ProgramEntry]] = []
    digest = hashlib.sha256()
    for path in _files(directory, errors):
        try:
            digest.update(path.name.encode() + b"\0" + _read_bytes(path))
            if path.suffix in ARTICLE_SUFFIXES:
                articles.append(load_article(path))
            else:
                data = read_yaml(path, KnowledgeError)
                loaded = build(ProgramsFile, data, "", path, KnowledgeError)
                entries.extend((path, entry) for entry in loaded.programs)
        except SourceError as e:
            errors.append(e)
    _check_article_ids(articles, errors)
    published = sorted((a for a in articles if a.published), key=lambda a: (a.menu_order, a.id))
    sections = {s.id: s for a in published for s in a.all_sections()}
    programs = _resolve(entries, published, errors)
    if not published and not errors:
        errors.append(KnowledgeError("no published article (post_status: publish)", directory))
    if errors:
        raise ValidationErrors(errors)
    return Catalog(
        articles=tuple(published),
        programs=programs,
        version=digest.hexdigest()[:12],
        sections=sections,
        drafts=tuple(a for a in articles if not a.published),
    )


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as e:
        raise KnowledgeError(f"cannot read file: {e}", path) from e


def _files(directory: Path, errors: list[SourceError]) -> list[Path]:
    """Article and programs files directly in the folder; links leading outside are refused."""
    root = directory.resolve()
    found: list[Path] = []
    for path in sorted(directory.iterdir()):
        if path.name.startswith(".") or path.suffix not in ARTICLE_SUFFIXES + PROGRAM_SUFFIXES:
            continue
        resolved = path.resolve()
        if resolved.parent != root:
            errors.append(KnowledgeError("refusing a link that leads outside the folder", path))
        elif resolved.is_file():
            found.append(path)
    return found


def _check_article_ids(articles: list[Article], errors: list[SourceError]) -> None:
    seen: dict[str, Path] = {}
    for article in articles:
        if article.id in seen:
            errors.append(
                KnowledgeError(
                    f"article id {article.id!r} also used by {seen[article.id].name}", article.path
                )
            )
        seen[article.id] = article.path


def _resolve(
    entries: list[tuple[Path, ProgramEntry]], articles: list[Article], errors: list[SourceError]
) -> tuple[Program, ...]:
    by_id = {a.id: a for a in articles}
    programs: list[Program] = []
    taken: set[str] = set()
    for path, entry in entries:
        try:
            programs.append(_resolve_one(entry, by_id, path, taken))
            taken.add(programs[-1].id)
        except KnowledgeError as e:
            errors.append(e)
    article_of = {s.id: a.id for a in articles for s in a.all_sections()}
    named = {article_of[p.section_id] for p in programs}
    for article in articles:  # a new article needs no programs entry to reach the menu
        if article.id not in named:
            # an article named like a program must not shadow it
            pid = article.id if article.id not in taken else article.overview.id
            programs.append(Program(id=pid, label=article.title, section_id=article.overview.id))
            taken.add(pid)
    return tuple(programs)


def _resolve_one(entry: ProgramEntry, articles: dict[str, Article], path: Path, taken: set[str]) -> Program:
    where = f"program {entry.id!r}"
    if not ID_PATTERN.fullmatch(entry.id):
        raise KnowledgeError(
            f"{where}: id must be lowercase ASCII letters, digits, '-' or '_' (max 40)", path
        )
    if entry.id in taken:
        raise KnowledgeError(f"{where}: duplicate id", path)
    article = articles.get(entry.article)
    if article is None:
        raise KnowledgeError(f"{where}: no published article {entry.article!r}", path)
    section = _find_section(article, entry.section)
    if section is None:
        known = ", ".join(["overview", *(s.number for s in article.sections)])
        raise KnowledgeError(
            f"{where}: article {article.id!r} has no section {entry.section!r} (known: {known})", path
        )
    for link in entry.links:
        if not _URL.fullmatch(link.url):
            raise KnowledgeError(f"{where}: link {link.text!r} needs an http(s) URL", path)
    aliases = tuple(a.strip() for a in entry.aliases if a.strip())
    return Program(entry.id, entry.label, section.id, aliases, entry.links)


def _find_section(article: Article, ref: str) -> Section | None:
    ref = ref.strip()
    if ref.lower() in ("overview", "0", ""):
        return article.overview
    return next((s for s in article.sections if ref in (s.number, s.title)), None)
