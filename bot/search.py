"""The index: terms of every section, normalised once at load; the only user of rapidfuzz.

Terms come from each section's keys (its title, the aliases and labels of the
programs that point at it, the article tags it explains) and from its body
text, which is weaker evidence. A word of a message matches a term exactly, by
its initials (ㅇㅌㅈ), as the head or tail of a longer key (포털 in
장애인고용포털), or as a typing slip of it (인턴재 -> 인턴제).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz.distance import Indel

from bot import korean, lexicon
from bot.catalog import Catalog
from bot.knowledge import Article, Section

# Evidence by where a term comes from: a whole key, a word of a key, the body.
FIELD_WEIGHTS = {
    "alias": 1.0,
    "title": 1.0,
    "tag": 0.95,
    "alias-word": 0.75,
    "title-word": 0.75,
    "tag-word": 0.7,
    "body": 0.6,
}
WHOLE_KEYS = frozenset({"alias", "title", "tag"})
_WORD_FIELD = {f: f.split("-")[0] + "-word" for f in FIELD_WEIGHTS}
OVERVIEW_BODY = 0.75  # the overview's text summarises every section: weaker still
INITIALS_QUALITY = 0.9
CONTAINED_QUALITY = 0.85
MIN_INITIALS = 3
LATIN_FUZZY_MIN = 0.85


@dataclass(frozen=True)
class Target:
    """A section that can be answered, with the article it belongs to."""

    section: Section
    article: Article


@dataclass
class Term:
    text: str
    postings: dict[int, tuple[float, str]] = field(default_factory=dict)
    generic: bool = False
    strong: bool = False  # found in a key (title, alias, tag), not only in body text
    whole_key: bool = False  # a whole key of some section, not only a word of one

    def add(self, target: int, field_name: str, scale: float = 1.0) -> None:
        weight = FIELD_WEIGHTS[field_name] * scale
        if weight > self.postings.get(target, (0.0, ""))[0]:
            self.postings[target] = (weight, field_name)
        self.strong = self.strong or field_name != "body"
        self.whole_key = self.whole_key or field_name in WHOLE_KEYS

    def names_program(self, field_name: str | None = None) -> bool:
        """Evidence that points somewhere: not a generic word, or a whole key of its own."""
        whole = self.whole_key if field_name is None else field_name in WHOLE_KEYS
        return not self.generic or (whole and not lexicon.is_listed(self.text))


@dataclass(frozen=True)
class Evidence:
    """Why a word counts: the term it matched, how, and how well (0..1)."""

    word: str
    term: str
    how: str  # exact, initials, contained, typo
    quality: float


Match = tuple[Term, Evidence]


class Index:
    """Terms of every published section with lookups by text, initials, syllable and jamo pair."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.targets = [Target(s, a) for a in catalog.articles for s in a.all_sections()]
        self.terms: dict[str, Term] = {}
        tags = {a.id: _tag_homes(a, self._claimed(a)) for a in catalog.articles}
        for i, target in enumerate(self.targets):
            scale = OVERVIEW_BODY if target.section.is_overview else 1.0
            for field_name, key in self._keys(target, tags[target.article.id]):
                self._add_key(i, field_name, key, scale)
        self._split_compounds()
        self._mark_generic()
        # Lookups over the keys (not the body): by initials, by letter (containment),
        # by letter at a position (typing slips keep most letters in place), Latin by first letter.
        self.initials: dict[str, list[Term]] = defaultdict(list)
        self.by_letter: dict[str, set[str]] = defaultdict(set)
        self.by_position: dict[tuple[int, int, str], list[Term]] = defaultdict(list)
        self.latin: dict[str, list[Term]] = defaultdict(list)
        by_letter, by_position = self.by_letter, self.by_position
        for term in [t for t in self.terms.values() if t.strong]:
            text = term.text
            n = len(text)
            for i, letter in enumerate(text):
                by_letter[letter].add(text)
                by_position[n, i, letter].append(term)
            if text.isascii():
                self.latin[text[0]].append(term)
            elif n >= 2 and korean.syllable_count(text) >= 2:
                self.initials[korean.choseong(text)].append(term)

    # -- building --------------------------------------------------------------

    def _keys(self, target: Target, tag_homes: dict[str, list[str]]) -> list[tuple[str, str]]:
        section = target.section
        keys = [("title", section.title)]
        for program in self.catalog.programs_for(section.id):
            keys.append(("alias", program.label))
            keys.extend(("alias", alias) for alias in program.aliases)
        keys.extend(("tag", tag) for tag in tag_homes.get(section.id, []))
        keys.append(("body", "\n".join(section.paragraphs)))
        return keys

    def _claimed(self, article: Article) -> frozenset[str]:
        """Keys the editor already gave to a program of this article."""
        return frozenset(
            _key(alias)
            for section in article.all_sections()
            for program in self.catalog.programs_for(section.id)
            for alias in (*program.aliases, program.label)
        )

    def _add_key(self, target: int, field_name: str, key: str, scale: float) -> None:
        words = lexicon.split_words(korean.normalize(key))
        if field_name == "body":
            stopword, stems, terms = lexicon.is_stopword, lexicon.stems, self.terms
            weight = FIELD_WEIGHTS["body"] * scale
            for form in {f for w in set(words) if not stopword(w) for f in stems(w) if len(f) >= 2}:
                term = terms.get(form) or self._term(form)
                if weight > term.postings.get(target, (0.0, ""))[0]:  # Term.add, inlined: the hot loop
                    term.postings[target] = (weight, "body")
            return
        whole = "".join(words)
        if whole:
            self._term(whole).add(target, field_name)
        for word in words:
            for form in lexicon.stems(word):
                if len(form) >= 2 and form != whole:
                    self._term(form).add(target, f"{field_name}-word")

    def _split_compounds(self) -> None:
        """Give the parts of compound keys their own entry: 고용포털 -> 포털, 구직신청서 -> 신청서."""
        terms = self.terms
        for term in [t for t in terms.values() if t.strong and len(t.text) >= 4]:
            text = term.text
            keys = [(target, _WORD_FIELD[f]) for target, (_, f) in term.postings.items() if f != "body"]
            for i in range(2, len(text) - 1):
                head, tail = text[:i], text[i:]
                for known, part in ((head, tail), (tail, head)):
                    if known in terms and korean.syllable_count(part) >= 2:
                        for target, field_name in keys:
                            self._term(part).add(target, field_name)

    def _term(self, text: str) -> Term:
        term = self.terms.get(text)
        if term is None:
            term = self.terms[text] = Term(text)
        return term

    def _mark_generic(self) -> None:
        """Words found across most sections, or general nouns, name no program."""
        limit = max(5, 0.6 * len(self.targets))
        for term in self.terms.values():
            term.generic = lexicon.is_listed(term.text) or len(term.postings) >= limit
        for term in self.terms.values():  # 장애인은 is as generic as 장애인
            for form in lexicon.stems(term.text)[1:]:
                stem = self.terms.get(form)
                if stem is not None and stem.generic:
                    term.generic = True

    # -- lookups -----------------------------------------------------------------

    def exact(self, word: str, verbal: bool = True) -> list[Match]:
        """Terms equal to the word or to one of its stems (인턴제는 -> 인턴제)."""
        return [
            (term, Evidence(word, term.text, "exact", 1.0))
            for term in (self.terms.get(form) for form in lexicon.stems(word, verbal))
            if term is not None
        ]

    def by_initials(self, word: str) -> list[Match]:
        if len(word) < MIN_INITIALS:
            return []
        return [
            (t, Evidence(word, t.text, "initials", INITIALS_QUALITY)) for t in self.initials.get(word, [])
        ]

    def typos(self, word: str, form: str, whole_keys_only: bool = False) -> list[Match]:
        """Keys the form is a typing slip of (see korean.typo_cost; Latin: edit similarity)."""
        found: list[Match] = []
        for term in self._slip_candidates(form):
            if term.text == form or (whole_keys_only and not term.whole_key):
                continue
            quality = _slip_quality(form, term.text)
            if quality is not None:
                found.append((term, Evidence(word, term.text, "typo", quality)))
        return found

    def _slip_candidates(self, form: str) -> list[Term]:
        n = len(form)
        if form.isascii():
            return [t for t in self.latin.get(form[:1], ()) if abs(len(t.text) - n) <= 2] if n >= 5 else []
        if n < 2 or korean.syllable_count(form) != n:
            return []
        # At most `slips` syllables differ, so one of any slips + 1 positions holds a right letter.
        slips = int(_slip_budget(n) / 0.5)
        rows = sorted((self.by_position.get((n, i, c), []) for i, c in enumerate(form)), key=len)
        return list({t.text: t for row in rows[: slips + 1] for t in row}.values())

    def contained(self, word: str, form: str) -> list[Match]:
        """Keys that begin or end with the form (포털 -> 장애인고용포털), or hold it if long."""
        syllables = korean.syllable_count(form)
        if syllables < 2 or lexicon.is_stopword(form):
            return []
        pools = sorted((self.by_letter.get(c, set()) for c in set(form)), key=len)
        texts = set(pools[0]).intersection(*pools[1:3]) if pools else set()
        return [
            (self.terms[text], Evidence(word, text, "contained", CONTAINED_QUALITY))
            for text in sorted(texts)
            if form != text
            and form in text
            and (syllables >= 3 or text.startswith(form) or text.endswith(form))
        ]


def _slip_budget(syllables: int) -> float:
    return max(0.5, 0.25 * syllables)


def _slip_quality(form: str, key: str) -> float | None:
    if form.isascii():  # Latin words: plain edit similarity
        similarity = Indel.normalized_similarity(form, key)
        return similarity if similarity >= LATIN_FUZZY_MIN else None
    cost = korean.typo_cost(form, key, limit=_slip_budget(len(form)))
    if cost is None:
        return None
    return 1 - cost / (2 * len(form))


def _key(text: str) -> str:
    return "".join(lexicon.split_words(korean.normalize(text)))


def _tag_homes(article: Article, claimed: frozenset[str]) -> dict[str, list[str]]:
    """Section id -> the tags it explains. A tag an alias already places is skipped; one
    naming the article's subject, or found in no section, belongs to the overview."""
    homes: dict[str, list[str]] = defaultdict(list)
    in_title = _key(article.title)
    titles = [(s.id, _key(s.title)) for s in article.sections]
    bodies = [(s.id, _key(" ".join(s.paragraphs))) for s in article.sections]
    for tag in article.tags:
        key = _key(tag)
        if not key or key in claimed:
            continue
        found = [] if key in in_title else [sid for sid, text in titles if key in text]
        if not found and key not in in_title:
            found = [sid for sid, text in bodies if key in text]
        for section_id in found or [article.overview.id]:
            homes[section_id].append(tag)
    return homes
