"""A message against the index: which sections explain how much of it.

A section's score is the share of the message it explains, each word weighted
by how much it says: words that name no program (등록, 신청, 장애인) weigh
little, words the knowledge does not know at all weigh fully. So a message
about something else (장애인 연금, 청년 인턴) is not answered however well one
of its words matches, and a long message is judged by all of it.
"""

from __future__ import annotations

import heapq
import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from bot import korean, lexicon
from bot.search import WHOLE_KEYS, Evidence, Index, Match, Target, Term

GENERIC_WEIGHT = 0.3
CONTEXT_WEIGHT = 0.1
SHORT_UNKNOWN_WEIGHT = 0.4
PREDICATE_WEIGHT = 0.5
NOMINATE = 100  # postings above which a term only adds to sections other words named
FULL_EVIDENCE = 0.7  # a word matched this well (a key, a word of a key) counts as explained
MAX_PHRASE_WORDS = 4
# per word of the message: (quality, evidence, field, whether it names the section)
PerWord = dict[int, tuple[float, Evidence, str, bool]]
_LATIN_RUN = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True)
class Word:
    """One word of the message after normalisation, its matches and its weight."""

    text: str
    weight: float
    matches: tuple[Match, ...]
    typed: str = ""  # what was typed, when it was read another way (dlsxjswp -> 인턴제)


@dataclass(frozen=True)
class Candidate:
    target: Target
    score: float  # weighted evidence for this section, for ranking sections, 0..1
    explained: float  # share of the message this section explains, 0..1
    specific: float  # best evidence from a word that names a program, 0..1
    evidence: tuple[tuple[Evidence, str], ...]  # (evidence, field it matched in)
    explains: tuple[float, ...] = ()  # per word of the message: its weight times how well explained
    named_by: frozenset[int] = frozenset()  # words that are a whole key of this section

    @property
    def section_id(self) -> str:
        return self.target.section.id


@dataclass(frozen=True)
class SearchResult:
    query: str
    words: tuple[Word, ...]
    candidates: tuple[Candidate, ...]  # best first

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


class Ranker:
    def __init__(self, index: Index):
        self.index = index

    def search(self, text: str, max_chars: int = 400, limit: int = 5) -> SearchResult:
        """Rank sections by the share of the message each explains."""
        words = self.analyse(text[: max_chars * 2], max_chars)
        total = sum(w.weight for w in words)
        if total <= 0:
            return SearchResult(text, tuple(words), ())
        per_target: dict[int, PerWord] = defaultdict(dict)
        # A term found in very many sections nominates none; it only adds to those others named.
        broad = [(wi, t, e) for wi, w in enumerate(words) for t, e in w.matches if len(t.postings) > NOMINATE]
        for wi, word in enumerate(words):
            for term, evidence in word.matches:
                if len(term.postings) <= NOMINATE:
                    _collect(per_target, wi, term, evidence, term.postings.items())
        for wi, term, evidence in broad:
            postings = ((t, term.postings[t]) for t in list(per_target) if t in term.postings)
            _collect(per_target, wi, term, evidence, postings)
        ranked = heapq.nlargest(
            limit,
            per_target.items(),
            key=lambda item: (
                sum(words[wi].weight * q for wi, (q, *_) in item[1].items()),
                max((q for q, _, _, names in item[1].values() if names), default=0.0),
                -item[0],
            ),
        )
        candidates = [self._candidate(target, per_word, words, total) for target, per_word in ranked]
        return SearchResult(text, tuple(words), tuple(candidates))

    def _candidate(self, target: int, per_word: PerWord, words: list[Word], total: float) -> Candidate:
        explains = tuple(
            words[wi].weight * min(1.0, per_word[wi][0] / FULL_EVIDENCE) / total if wi in per_word else 0.0
            for wi in range(len(words))
        )
        return Candidate(
            self.index.targets[target],
            sum(words[wi].weight * q for wi, (q, *_) in per_word.items()) / total,
            sum(explains),
            max((q for q, _, _, names in per_word.values() if names), default=0.0),
            tuple((e, f) for _, e, f, _ in per_word.values()),
            explains,
            frozenset(wi for wi, (_, _, f, names) in per_word.items() if names and f in WHOLE_KEYS),
        )

    # -- the message -------------------------------------------------------------

    def analyse(self, text: str, max_chars: int = 400) -> list[Word]:
        """Normalised words of a message with their matches and weights."""
        typed: dict[str, str] = {}
        text = self._keyboard(unicodedata.normalize("NFC", text), typed)
        words = []
        for word in lexicon.split_words(korean.normalize(text)[:max_chars]):
            repaired = self._recompose(word)
            if repaired != word:
                typed[repaired] = word
            words.append(repaired)
        words = self._join_phrases([w for w in words if not lexicon.is_stopword(w)])
        analysed: list[Word] = []
        for word in words:
            matches = self.match(word)
            pieces = self._pieces(word, matches)
            if len(pieces) > 1:
                analysed.extend(_word(p, self.match(p)) for p in pieces if not lexicon.is_stopword(p))
            else:
                analysed.append(_word(word, matches, typed.get(word, "")))
        return analysed

    def _pieces(self, word: str, matches: list[Match]) -> list[str]:
        """Keys written together (장애인취업알선제도 = 장애인취업알선 + 제도), unless the
        word is a key itself or a typing slip of one (쥰련수당) and the split would leave
        letters unexplained."""
        if any(e.how == "exact" and t.strong for t, e in matches):
            return [word]
        pieces = self._split_compound(word)
        if len(pieces) < 2 or not any(p in self.index.terms for p in pieces):
            return [word]
        known = all(self._known(p) or lexicon.is_listed(p) for p in pieces)
        return pieces if known or not any(e.how == "typo" for _, e in matches) else [word]

    def match(self, word: str) -> list[Match]:
        """Terms a word matches, strongest way first."""
        index = self.index
        if korean.is_choseong_query(word):
            return index.by_initials(word)
        found = index.exact(word)
        if any(t.strong for t, _ in found):
            return found
        form = lexicon.stems(word)[-1]
        if lexicon.is_stopword(form) or lexicon.is_listed(form):
            return found + index.contained(word, form)  # a known common word is no typing slip
        return found + index.typos(word, form) + index.contained(word, form)

    def _keyboard(self, text: str, typed: dict[str, str]) -> str:
        """Undo a keyboard left in English mode (dlsxjswp -> 인턴제), word by word."""

        def convert(m: re.Match[str]) -> str:
            letters = m.group(0)
            if letters.isupper() and len(letters) > 1:
                letters = letters.lower()  # Caps Lock, not the shift key
            if letters.lower() in self.index.terms or not korean.looks_like_qwerty_hangul(letters):
                return letters
            hangul = korean.qwerty_to_hangul(letters)
            typed[hangul] = m.group(0)
            return hangul

        return _LATIN_RUN.sub(convert, text)

    @staticmethod
    def _recompose(word: str) -> str:
        """Letters typed apart (구직등로ㄱ) back into syllables; initials-only words stay."""
        if any(korean.is_jamo(c) for c in word) and not korean.is_choseong_query(word):
            return korean.compose(korean.decompose(word))
        return word

    def _join_phrases(self, words: list[str]) -> list[str]:
        """Join neighbours that make one key: 구직 등록, 장애인은 취업, ㅈㅇㅇ ㅇㅌㅈ, 장애인고용 포탈.

        Longer phrases win: 장애인 취업 성공 패키지 is 장애인 + 취업성공패키지.
        """
        # best[i]: (sum of squared phrase lengths, words) for words[:i]
        best: list[tuple[float, list[str]]] = [(0.0, [])]
        for i in range(1, len(words) + 1):
            options = [(best[i - 1][0] + 1, [*best[i - 1][1], words[i - 1]])]
            for n in range(2, min(MAX_PHRASE_WORDS, i) + 1):
                phrase, exact = self._phrase(words[i - n : i])
                if phrase:
                    gain = n * n - (0 if exact else 0.5)  # a key spelt right beats a guessed one
                    options.append((best[i - n][0] + gain, [*best[i - n][1], phrase]))
            best.append(max(options, key=lambda o: o[0]))
        return best[-1][1]

    def _phrase(self, window: list[str]) -> tuple[str | None, bool]:
        """The key a run of words spells (inner particles dropped), and whether exactly."""
        index = self.index
        joined = "".join(window)
        if korean.is_choseong_query(joined):
            return (joined if joined in index.initials else None), True
        forms = [lexicon.stems(w, verbal=False) for w in window[:-1]] + [lexicon.stems(window[-1])]
        for combo in itertools.product(*forms):
            candidate = "".join(combo)
            if any(t.strong for t in _terms(index.exact(candidate, verbal=False))):
                return candidate, True
        if len(window) > 2 or all(any(t.strong for t in _terms(index.exact(w))) for w in window):
            return None, False  # each word is already known: do not guess a phrase
        return (joined if index.typos(joined, joined, whole_keys_only=True) else None), False

    def _split_compound(self, word: str) -> list[str]:
        """Cover a long word with known terms (장애인고용포털맞춤정보등록방법)."""
        n = len(word)
        if korean.syllable_count(word) < 4 or n > 40:
            return [word]
        # best[i]: (characters covered, pieces used, pieces) for word[:i]
        best: list[tuple[int, int, list[str]] | None] = [(0, 0, [])] + [None] * n
        for i in range(n):
            state = best[i]
            if state is None:
                continue
            covered, count, pieces = state
            steps = [(j, j - i) for j in range(i + 2, n + 1) if self._known(word[i:j])] + [(i + 1, 0)]
            for j, gain in steps:
                option = (covered + gain, count + 1, [*pieces, word[i:j]])
                current = best[j]
                if current is None or (option[0], -option[1]) > (current[0], -current[1]):
                    best[j] = option
        final = best[n]
        if final is None or final[0] < 2:
            return [word]
        merged: list[str] = []
        for piece in final[2]:  # uncovered letters go back together
            if merged and not self._known(piece) and not self._known(merged[-1]):
                merged[-1] += piece
            else:
                merged.append(piece)
        return merged

    def _known(self, piece: str) -> bool:
        return len(piece) >= 2 and (piece in self.index.terms or piece in lexicon.STOPWORDS)


def _collect(
    per_target: dict[int, PerWord],
    wi: int,
    term: Term,
    evidence: Evidence,
    postings: Iterable[tuple[int, tuple[float, str]]],
) -> None:
    """Keep, per section and word, the best evidence and whether it names the section."""
    for target, (field_weight, field_name) in postings:
        quality = evidence.quality * field_weight
        names = term.names_program(field_name)
        seen = per_target[target].get(wi)
        if seen is None or (quality, names) > (seen[0], seen[3]):
            per_target[target][wi] = (quality, evidence, field_name, names)


def _terms(matches: list[Match]) -> list[Term]:
    return [term for term, _ in matches]


def _word(text: str, matches: list[Match], typed: str = "") -> Word:
    """Weigh a word by what it says: who is asking, a common noun, a program, or the unknown."""
    forms = lexicon.stems(text, shortest=1)
    if any(f in lexicon.CONTEXT_WORDS for f in forms):
        weight = CONTEXT_WEIGHT
    elif any(f in lexicon.LIGHT_NOUNS for f in forms):
        weight = GENERIC_WEIGHT
    elif any(term.names_program() for term, _ in matches):
        weight = 1.0
    elif matches or text.isdigit():
        weight = GENERIC_WEIGHT
    elif korean.syllable_count(forms[-1]) < 2 and not (text.isascii() and len(text) >= 4):
        weight = SHORT_UNKNOWN_WEIGHT
    elif lexicon.looks_like_predicate(text) or lexicon.looks_like_predicate(forms[-1]):
        weight = PREDICATE_WEIGHT
    else:
        weight = 1.0
    return Word(text, weight, tuple(matches), typed)
