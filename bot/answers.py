"""Message -> one platform-neutral Reply: an answer, suggestions, a fallback, small talk or urgent help.

A Reply carries structure (blocks of a title and paragraphs, a source note,
buttons, the outcome) and plain text only; each front end adds its own markup. Answers quote
the article verbatim: the bot never writes facts of its own.
"""

from __future__ import annotations

from bot import korean, lexicon
from bot.catalog import Catalog, Program
from bot.config import Config, Link
from bot.knowledge import Article, Section
from bot.ranking import Candidate, Ranker, SearchResult
from bot.reply import Block, Button, MatchInfo, Outcome, Reply
from bot.search import Index

__all__ = ["Assistant", "Block", "Button", "MatchInfo", "Outcome", "Reply"]

MENU_PAGE_SIZE = 8


class Assistant:
    """The core: knows the knowledge and the config, nothing of any platform."""

    def __init__(self, config: Config, catalog: Catalog, index: Index | None = None):
        self.config = config
        self.catalog = catalog
        self.index = index or Index(catalog)
        self.ranker = Ranker(self.index)
        messages = config.messages
        self._menu_button = Button(messages.menu_button, data="menu")
        self._urgent = tuple(_key(p) for p in config.urgent.patterns)
        self._greetings = tuple(_key(p) for p in config.smalltalk.greetings)
        self._thanks = tuple(_key(p) for p in config.smalltalk.thanks)

    # -- messages ----------------------------------------------------------------

    def respond(self, text: str) -> Reply:
        """Reply to a message typed by a user."""
        key = _key(text)
        if any(p and p in key for p in self._urgent):
            return self.urgent()
        result = self.search(text)
        decision = self.decide(result)
        if decision and decision[0] == "answer":
            chosen = decision[1]
            return self.sections_reply([c.target.section for c in chosen], match=chosen[0])
        if decision and decision[0] == "suggest":
            return self.suggest(decision[1])
        smalltalk = self._smalltalk(key)
        if smalltalk is not None:
            return smalltalk
        return self.fallback(result.best)

    def search(self, text: str) -> SearchResult:
        return self.ranker.search(text, self.config.search.max_query_chars)

    def decide(self, result: SearchResult) -> tuple[str, list[Candidate]] | None:
        """'answer' with the best candidate, 'suggest' with up to N, or None."""
        settings = self.config.search
        ranked = list(result.candidates)
        if not ranked:
            return None
        best = ranked[0]
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        if (
            best.explained >= settings.answer_score
            and best.specific >= settings.answer_score
            and best.score - runner_up >= settings.answer_margin
        ):
            return "answer", [best]
        pair = self._pair(ranked)
        if pair:
            return "answer", pair
        floor = max(settings.suggest_score, best.explained * 0.6)
        close = [c for c in ranked if c.explained >= floor and (c.specific > 0 or c.explained >= 0.5)]
        return ("suggest", close[: settings.max_suggestions]) if close else None

    def _pair(self, ranked: list[Candidate]) -> list[Candidate] | None:
        """Two sections a message names together (구직등록 ... 고용포털): answer both.

        Each must be named by a whole key of its own on a different word, neither
        may be an overview, and together they must explain the message.
        """
        settings = self.config.search
        named = [c for c in ranked if c.named_by and not c.target.section.is_overview]
        for i, first in enumerate(named):
            for second in named[i + 1 :]:
                if not (first.named_by - second.named_by and second.named_by - first.named_by):
                    continue
                together = sum(max(a, b) for a, b in zip(first.explains, second.explains, strict=True))
                if together >= settings.answer_score:
                    return sorted([first, second], key=lambda c: -c.score)
        return None

    # -- replies -------------------------------------------------------------------

    def section_reply(self, section: Section, match: Candidate | None = None, program_id: str = "") -> Reply:
        """A section verbatim, where it comes from, its links and a way back to the menu."""
        return self.sections_reply([section], match, program_id)

    def sections_reply(
        self, sections: list[Section], match: Candidate | None = None, program_id: str = ""
    ) -> Reply:
        """Sections verbatim (one, or two a message asks about together) with their links."""
        programs = [p for s in sections for p in self.catalog.programs_for(s.id)]
        programs.sort(key=lambda p: p.id != program_id)
        links = _unique_links(
            [link for p in programs for link in p.links] + [k for s in sections for k in s.links]
        )
        rows: list[tuple[Button, ...]] = [(Button(link.text, url=link.url),) for link in links]
        articles = _unique([self._article(s) for s in sections])
        if sections[0].is_overview:
            rows.extend((Button(p.label, data=f"p:{p.id}"),) for p in self._article_programs(articles[0]))
        rows.append((self._menu_button,))
        first = sections[0]
        return Reply(
            Outcome.ANSWER,
            blocks=tuple(Block(s.title, s.paragraphs) for s in sections),
            note=" ".join(self._source(a) for a in articles),
            buttons=tuple(rows),
            match=MatchInfo(first.id, first.title, match.score if match else 1.0),
            section_ids=tuple(s.id for s in sections),
        )

    def suggest(self, candidates: list[Candidate]) -> Reply:
        titles = [c.target.section.title for c in candidates]
        rows = [(Button(t, data=f"s:{c.section_id}"),) for t, c in zip(titles, candidates, strict=True)]
        best = candidates[0]
        return Reply(
            Outcome.SUGGEST,
            blocks=(
                Block(
                    self.config.messages.suggest, ("\n".join(f"- {t}" for t in titles), self._contact_line())
                ),
            ),
            buttons=(*rows, (self._menu_button,)),
            match=MatchInfo(best.section_id, best.target.section.title, best.score),
            suggested=tuple(c.section_id for c in candidates),
        )

    def fallback(self, best: Candidate | None = None) -> Reply:
        contact = self.config.contact
        rows: list[tuple[Button, ...]] = [(Button(contact.name, url=contact.url),)]
        if contact.online_url and contact.online_label:
            rows.append((Button(contact.online_label, url=contact.online_url),))
        rows.append((self._menu_button,))
        match = MatchInfo(best.section_id, best.target.section.title, best.score) if best else None
        return Reply(
            Outcome.FALLBACK,
            blocks=(Block("", (self.config.messages.fallback, self._contact_line())),),
            buttons=tuple(_unique_rows(rows)),
            match=match,
        )

    def urgent(self) -> Reply:
        urgent = self.config.urgent
        rows = tuple((Button(link.text, url=link.url),) for link in urgent.links)
        return Reply(Outcome.URGENT, blocks=(Block("", (urgent.text,)),), buttons=rows)

    def menu(self, page: int = 0, lead: str = "", outcome: Outcome = Outcome.MENU) -> Reply:
        """One button per program; long menus come in pages."""
        programs = self.catalog.programs
        pages = max(1, -(-len(programs) // MENU_PAGE_SIZE))
        page = min(max(page, 0), pages - 1)
        shown = programs[page * MENU_PAGE_SIZE : (page + 1) * MENU_PAGE_SIZE]
        rows: list[tuple[Button, ...]] = [(Button(p.label, data=f"p:{p.id}"),) for p in shown]
        nav = []
        if page > 0:
            nav.append(Button("이전", data=f"menu:{page - 1}"))
        if page < pages - 1:
            nav.append(Button("다음", data=f"menu:{page + 1}"))
        if nav:
            rows.append(tuple(nav))
        blocks: tuple[Block, ...] = (Block("", (lead,)),) if lead else ()
        blocks += (Block("", (self.config.messages.menu_title,)),)
        return Reply(outcome, blocks=blocks, buttons=tuple(rows))

    def welcome(self) -> Reply:
        return self.menu(lead=self.config.messages.welcome)

    def help(self) -> Reply:
        return Reply(
            Outcome.MENU, blocks=(Block("", (self.config.messages.help,)),), buttons=((self._menu_button,),)
        )

    def non_text(self) -> Reply:
        return self.menu(lead=self.config.messages.non_text, outcome=Outcome.NOTICE)

    def open(self, action: str) -> Reply:
        """A button press or a deep link: 'p:<program>', 's:<section>', 'menu[:page]', or a bare id."""
        kind, _, value = action.partition(":")
        if kind == "menu":
            return self.menu(int(value) if value.isdigit() else 0)
        program = self.catalog.program(value if kind == "p" else action)
        if program is not None and kind in ("p", action):
            return self.section_reply(self.catalog.sections[program.section_id], program_id=program.id)
        section = self.catalog.section(value if kind == "s" else action)
        if section is not None:
            return self.section_reply(section)
        return self.menu(lead=self.config.messages.unknown_action, outcome=Outcome.NOTICE)

    def inline(self, text: str, limit: int = 5) -> list[Reply]:
        """Sections worth offering in inline mode, as replies with URL buttons only."""
        if not text.strip():
            return [
                self.section_reply(self.catalog.sections[p.section_id]).without_actions()
                for p in self.catalog.programs[:limit]
            ]
        result = self.search(text)
        floor = self.config.search.suggest_score
        return [
            self.section_reply(c.target.section, match=c).without_actions()
            for c in result.candidates[:limit]
            if c.score >= floor and c.specific > 0
        ]

    # -- helpers -----------------------------------------------------------------

    def _smalltalk(self, key: str) -> Reply | None:
        for patterns, message in (
            (self._greetings, self.config.messages.greeting),
            (self._thanks, self.config.messages.thanks),
        ):
            if any(p and key.startswith(p) and len(key) - len(p) <= 4 for p in patterns):
                return self.menu(lead=message, outcome=Outcome.SMALLTALK)
        return None

    def _article(self, section: Section) -> Article:
        article = self.catalog.article(section.article_id)
        assert article is not None, section.id
        return article

    def _article_programs(self, article: Article) -> list[Program]:
        ids = {s.id for s in article.sections}
        return [p for p in self.catalog.programs if p.section_id in ids]

    def _source(self, article: Article) -> str:
        contact = self.config.contact
        return self.config.messages.source.format(
            article=article.title, date=article.date, contact=contact.name, phone=contact.phone
        )

    def _contact_line(self) -> str:
        contact = self.config.contact
        return self.config.messages.contact.format(name=contact.name, phone=contact.phone, url=contact.url)


def _key(text: str) -> str:
    """Compact comparison key: normalised, words only, no spaces."""
    return "".join(lexicon.split_words(korean.normalize(text)))


def _unique(articles: list[Article]) -> list[Article]:
    return list({a.id: a for a in articles}.values())


def _unique_links(links: list[Link]) -> list[Link]:
    first: dict[str, Link] = {}
    for link in links:
        first.setdefault(link.url, link)
    return list(first.values())


def _unique_rows(rows: list[tuple[Button, ...]]) -> list[tuple[Button, ...]]:
    seen: set[str] = set()
    out = []
    for row in rows:
        key = row[0].url or row[0].data or ""
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out
