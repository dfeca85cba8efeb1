"""The index: terms of every section, normalised once at load; the only user of rapidfuzz.

Terms come from each section's keys (its title, the aliases and labels of the
programs that point at it, the article tags it explains) and from its body
text, which is weaker evidence. A word of a message matches a term exactly, by
its initials (ㅇㅌㅈ), as the head or tail of a longer key (포털 in
장애인고용포털), or as a typing slip of it (인턴재 -> 인턴제).
"""

from __future__ import annotations

from collections import Counter, defaultdict
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
    jamo: str
    postings: dict[int, tuple[float, str]] = field(default_factory=dict)
    generic: bool = False

    def add(self, target: int, field_name: str, scale: float = 1.0) -> None:
        weight = FIELD_WEIGHTS[field_name] * scale
        if weight > self.postings.get(target, (0.0, ""))[0]:
            self.postings[target] = (weight, field_name)

    @property
    def strong(self) -> bool:
        return any(f != "body" for _, f in self.postings.values())

    @property
    def whole_key(self) -> bool:
        return any(f in WHOLE_KEYS for _, f in self.postings.values())

    def names_program(self, field_name: str | None = None) -> bool:
        """Evidence that points somewhere: not a generic word, or a whole key of its own."""
        whole = self.whole_key if field_name is None else field_name in WHOLE_KEYS
        return not self.generic or (whole and not listed(self.text))


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
        for i, target in enumerate(self.targets):
            scale = OVERVIEW_BODY if target.section.is_overview else 1.0
            for field_name, key in self._keys(target):
                self._add_key(i, field_name, key, scale)
        self._split_compounds()
        self._mark_generic()
        self.initials: dict[str, list[Term]] = defaultdict(list)
        self.by_syllable: dict[str, list[Term]] = defaultdict(list)
        self.by_pair: dict[str, list[Term]] = defaultdict(list)
        for term in self.terms.values():
            if not term.strong:
                continue
            if korean.syllable_count(term.text) >= 2:
                self.initials[korean.choseong(term.text)].append(term)
            for syllable in set(term.text):
                self.by_syllable[syllable].append(term)
            for pair in {term.jamo[i : i + 2] for i in range(len(term.jamo) - 1)}:
                self.by_pair[pair].append(term)

    # -- building --------------------------------------------------------------

    def _keys(self, target: Target) -> list[tuple[str, str]]:
        section, article = target.section, target.article
        keys = [("title", section.title)]
        for program in self.catalog.programs_for(section.id):
            keys.append(("alias", program.label))
            keys.extend(("alias", alias) for alias in program.aliases)
        keys.extend(("tag", tag) for tag in _tags_for(article, section, self._claimed(article)))
        keys.extend(("body", paragraph) for paragraph in section.paragraphs)
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
            for word in words:
                if not lexicon.is_stopword(word):
                    for form in lexicon.stems(word):
                        if len(form) >= 2:
                            self._term(form).add(target, "body", scale)
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
        for term in [t for t in self.terms.values() if t.strong]:
            text = term.text
            for i in range(2, len(text) - 1):
                head, tail = text[:i], text[i:]
                for known, part in ((head, tail), (tail, head)):
                    if known in self.terms and korean.syllable_count(part) >= 2:
                        for target, (_, field_name) in term.postings.items():
                            if field_name != "body":
                                self._term(part).add(target, f"{field_name.split('-')[0]}-word")

    def _term(self, text: str) -> Term:
        term = self.terms.get(text)
        if term is None:
            term = self.terms[text] = Term(text, korean.decompose(text))
        return term

    def _mark_generic(self) -> None:
        """Words found across most sections, or general nouns, name no program."""
        limit = max(5, 0.6 * len(self.targets))
        for term in self.terms.values():
            term.generic = listed(term.text) or len(term.postings) >= limit
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
        """Keys the form is a typing slip of: same length, small typo_cost; or close jamo."""
        jamo = korean.decompose(form)
        pairs = [jamo[i : i + 2] for i in range(len(jamo) - 1)]
        if len(pairs) < 3:
            return []
        counts: Counter[str] = Counter()
        for pair in set(pairs):
            counts.update(t.text for t in self.by_pair.get(pair, ()))
        need = max(1, len(pairs) - 6)
        found: list[Match] = []
        syllables = korean.syllable_count(form)
        for text, shared in counts.items():
            term = self.terms[text]
            if shared < need or term.text == form or (whole_keys_only and not term.whole_key):
                continue
            quality = _slip_quality(form, term, jamo, syllables)
            if quality is not None:
                found.append((term, Evidence(word, term.text, "typo", quality)))
        return found

    def contained(self, word: str, form: str) -> list[Match]:
        """Keys that begin or end with the form (포털 -> 장애인고용포털), or hold it if long."""
        syllables = korean.syllable_count(form)
        if syllables < 2 or lexicon.is_stopword(form):
            return []
        pool = min((self.by_syllable.get(s, []) for s in set(form)), key=len)
        return [
            (t, Evidence(word, t.text, "contained", CONTAINED_QUALITY))
            for t in pool
            if form != t.text
            and form in t.text
            and (syllables >= 3 or t.text.startswith(form) or t.text.endswith(form))
        ]


def _slip_quality(form: str, term: Term, jamo: str, syllables: int) -> float | None:
    if syllables == 0:  # Latin words: plain edit similarity
        if len(form) < 5:
            return None
        similarity = Indel.normalized_similarity(form, term.text)
        return similarity if similarity >= LATIN_FUZZY_MIN else None
    if syllables < 2:
        return None
    cost = korean.typo_cost(form, term.text)
    if cost is not None:
        return 1 - cost / (2 * syllables) if cost <= max(0.5, 0.25 * syllables) else None
    if syllables >= 4 and abs(len(term.jamo) - len(jamo)) <= 2:  # a letter too many or too few
        similarity = Indel.normalized_similarity(jamo, term.jamo)
        return similarity if similarity >= 0.9 else None
    return None


def listed(text: str) -> bool:
    return text in lexicon.LIGHT_NOUNS or text in lexicon.CONTEXT_WORDS


def _key(text: str) -> str:
    return "".join(lexicon.split_words(korean.normalize(text)))


def _tags_for(article: Article, section: Section, claimed: frozenset[str]) -> list[str]:
    """Tags this section explains. A tag an alias already places is skipped; one naming
    the article's subject, or found in no section, belongs to the overview."""
    found = []
    in_title = _key(article.title)
    for tag in article.tags:
        key = _key(tag)
        if not key or key in claimed:
            continue
        if key in in_title:
            homes = []
        else:
            homes = [s for s in article.sections if key in _key(s.title)]
            homes = homes or [s for s in article.sections if key in _key(" ".join(s.paragraphs))]
        if section in homes or (section.is_overview and not homes):
            found.append(tag)
    return found
