"""Small pure Hangul text helpers (standard library only).

Modelled on toss/es-hangul (disassemble, assemble, choseongIncludes,
convertQwertyToHangul).  Every lookup table is built once at import time,
because these functions run on every query and on every key at load time.

Vocabulary used below:
- syllable: a precomposed Hangul syllable, U+AC00..U+D7A3 (e.g. 각).
- compatibility jamo: the standalone letters U+3131..U+318E (e.g. ㄱ, ㅘ) that a
  keyboard produces for a letter that is not (yet) part of a syllable.
- conjoining jamo: U+1100..U+11FF and extensions; they only render as parts of
  a syllable and normally appear in NFD text (macOS file names, some PDFs).
"""

from __future__ import annotations

import re
import unicodedata

# --- syllable arithmetic (Unicode chapter 3.12) -------------------------------

_SYLLABLE_FIRST = 0xAC00
_SYLLABLE_LAST = 0xD7A3
# Compatibility jamo, in the order Unicode uses to number syllables.
_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_MEDIALS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
# Index 0 means "no final consonant".
_FINALS: tuple[str, ...] = ("", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ")
_MEDIAL_COUNT = len(_MEDIALS)  # 21
_FINAL_COUNT = len(_FINALS)  # 28

_INITIAL_INDEX = {ch: i for i, ch in enumerate(_INITIALS)}
_MEDIAL_INDEX = {ch: i for i, ch in enumerate(_MEDIALS)}
_FINAL_INDEX = {ch: i for i, ch in enumerate(_FINALS) if ch}

# Compatibility consonants ㄱ..ㅎ (U+3131..U+314E, including tense consonants
# and consonant clusters such as ㄳ) and vowels ㅏ..ㅣ (U+314F..U+3163).
_CONSONANTS = frozenset(chr(cp) for cp in range(0x3131, 0x314F))
_VOWELS = frozenset(chr(cp) for cp in range(0x314F, 0x3164))

# --- 2-beolsik keyboard -------------------------------------------------------

# Letters that take two key presses on a 2-beolsik keyboard.  Tense consonants
# (ㄲ ㄸ ㅃ ㅆ ㅉ) are absent on purpose: they are one key with shift.
_COMPOUND_VOWELS = {
    "ㅘ": "ㅗㅏ", "ㅙ": "ㅗㅐ", "ㅚ": "ㅗㅣ",
    "ㅝ": "ㅜㅓ", "ㅞ": "ㅜㅔ", "ㅟ": "ㅜㅣ", "ㅢ": "ㅡㅣ",
}  # fmt: skip
_DOUBLE_FINALS = {
    "ㄳ": "ㄱㅅ", "ㄵ": "ㄴㅈ", "ㄶ": "ㄴㅎ", "ㄺ": "ㄹㄱ", "ㄻ": "ㄹㅁ",
    "ㄼ": "ㄹㅂ", "ㄽ": "ㄹㅅ", "ㄾ": "ㄹㅌ", "ㄿ": "ㄹㅍ", "ㅀ": "ㄹㅎ", "ㅄ": "ㅂㅅ",
}  # fmt: skip
_KEYSTROKES: dict[str, str] = {**_COMPOUND_VOWELS, **_DOUBLE_FINALS}
# The automaton's view of the same tables: two typed letters -> one letter.
_COMBINE_VOWEL = {pair: single for single, pair in _COMPOUND_VOWELS.items()}
_COMBINE_FINAL = {pair: single for single, pair in _DOUBLE_FINALS.items()}

_KEYBOARD = {
    "q": "ㅂ", "w": "ㅈ", "e": "ㄷ", "r": "ㄱ", "t": "ㅅ", "y": "ㅛ", "u": "ㅕ",
    "i": "ㅑ", "o": "ㅐ", "p": "ㅔ", "a": "ㅁ", "s": "ㄴ", "d": "ㅇ", "f": "ㄹ",
    "g": "ㅎ", "h": "ㅗ", "j": "ㅓ", "k": "ㅏ", "l": "ㅣ", "z": "ㅋ", "x": "ㅌ",
    "c": "ㅊ", "v": "ㅍ", "b": "ㅠ", "n": "ㅜ", "m": "ㅡ",
    "Q": "ㅃ", "W": "ㅉ", "E": "ㄸ", "R": "ㄲ", "T": "ㅆ", "O": "ㅒ", "P": "ㅖ",
}  # fmt: skip
_JAMO_TO_KEY = {jamo: key for key, jamo in _KEYBOARD.items()}
# Shift has no effect on the other letters: they type the unshifted jamo.
_KEY_TO_JAMO = _KEYBOARD | {
    key.upper(): jamo for key, jamo in _KEYBOARD.items() if key.upper() not in _KEYBOARD
}
_KEYS_TO_JAMO_TABLE = str.maketrans(_KEY_TO_JAMO)
_ASCII_LETTER_RUN = re.compile(r"[A-Za-z]+")
_SYLLABLE_RE = re.compile("[\uac00-\ud7a3]")


def _syllable_keystrokes(code: int) -> str:
    """The compatibility jamo typed on a 2-beolsik keyboard for one syllable."""
    index = code - _SYLLABLE_FIRST
    initial = _INITIALS[index // (_MEDIAL_COUNT * _FINAL_COUNT)]
    medial = _MEDIALS[index // _FINAL_COUNT % _MEDIAL_COUNT]
    final = _FINALS[index % _FINAL_COUNT]
    return initial + _KEYSTROKES.get(medial, medial) + _KEYSTROKES.get(final, final)


# One translate table serves decompose(): syllables and compound compatibility
# jamo map to keystrokes, everything else is absent and so passes through.
_DECOMPOSE_TABLE: dict[int, str] = {
    code: _syllable_keystrokes(code) for code in range(_SYLLABLE_FIRST, _SYLLABLE_LAST + 1)
}
_DECOMPOSE_TABLE.update({ord(jamo): keys for jamo, keys in _KEYSTROKES.items()})
_QWERTY_TABLE: dict[int, str] = {
    code: "".join(_JAMO_TO_KEY[jamo] for jamo in keys) for code, keys in _DECOMPOSE_TABLE.items()
}
_QWERTY_TABLE.update({ord(jamo): key for jamo, key in _JAMO_TO_KEY.items()})

# choseong(): syllable -> its initial, consonants kept, ASCII letters/digits
# kept; characters missing from this table are dropped.
_CHOSEONG_TABLE: dict[str, str] = {
    chr(code): _INITIALS[(code - _SYLLABLE_FIRST) // (_MEDIAL_COUNT * _FINAL_COUNT)]
    for code in range(_SYLLABLE_FIRST, _SYLLABLE_LAST + 1)
}
_CHOSEONG_TABLE.update({ch: ch for ch in _CONSONANTS})
_CHOSEONG_TABLE.update({ch: ch for ch in "0123456789abcdefghijklmnopqrstuvwxyz"})
_CHOSEONG_TABLE.update({ch.upper(): ch.upper() for ch in "abcdefghijklmnopqrstuvwxyz"})

# --- normalize() tables --------------------------------------------------------

# Fillers are invisible placeholders (Default_Ignorable_Code_Point); keeping
# them would make two visually identical keys differ.
_HANGUL_FILLERS = (0x115F, 0x1160, 0x3164, 0xFFA0)
# Planes that hold format (Cf) and control (Cc) characters: the BMP, the SMP
# (e.g. musical and Egyptian format controls) and plane 14 (tags).  Planes 2-3
# are ideographs only, 15-16 private use, the rest unassigned; skipping them
# cuts the one-off scan from ~110 ms to ~20 ms.
_FORMAT_PLANES = (range(0x0000, 0x20000), range(0xE0000, 0xF0000))
# "HANGUL JONGSEONG KIYEOK" names the same letter as "HANGUL LETTER KIYEOK".
_CONJOINING_ROLE = re.compile(r"^HANGUL (?:CHOSEONG|JUNGSEONG|JONGSEONG) ")


def _build_clean_table() -> dict[int, str | None]:
    """Deletions and foldings applied before NFC (so NFC sees the joined text)."""
    table: dict[int, str | None] = {}
    for code in (cp for plane in _FORMAT_PLANES for cp in plane):
        category = unicodedata.category(chr(code))
        if category == "Cf":
            table[code] = None
        elif category == "Cc":
            table[code] = " " if chr(code).isspace() else None
    table.update({code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)})
    table[0x3000] = " "
    table.update(dict.fromkeys(_HANGUL_FILLERS))
    # Half-width jamo (U+FFA1..U+FFDC) are compatibility jamo in disguise.
    for code in range(0xFFA1, 0xFFDD):
        decomposition = unicodedata.decomposition(chr(code))
        if decomposition.startswith("<narrow> "):
            table[code] = chr(int(decomposition.split()[1], 16))
    return table


def _build_fold_table() -> dict[int, str]:
    """Conjoining jamo -> compatibility jamo, plus ASCII lowercasing (after NFC)."""
    table = {ord(upper): upper.lower() for upper in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
    for code in range(0x3131, 0x318F):
        conjoining = unicodedata.normalize("NFKC", chr(code))
        if len(conjoining) == 1 and conjoining != chr(code):
            table[ord(conjoining)] = chr(code)
    # NFKC only reaches one conjoining form per letter (usually the initial);
    # finals and the extension blocks are matched by their Unicode names.
    for code in (*range(0x1100, 0x1200), *range(0xA960, 0xA980), *range(0xD7B0, 0xD800)):
        name = unicodedata.name(chr(code), "")
        compat = _lookup_or_none(_CONJOINING_ROLE.sub("HANGUL LETTER ", name, count=1))
        if compat is not None and code not in table:
            table[code] = compat
    return table


def _lookup_or_none(name: str) -> str | None:
    try:
        return unicodedata.lookup(name)
    except KeyError:  # e.g. archaic clusters that only exist as conjoining jamo
        return None


_CLEAN_TABLE = _build_clean_table()
_FOLD_TABLE = _build_fold_table()


# --- public API ---------------------------------------------------------------


def normalize(text: str) -> str:
    """Canonical form for matching user text against keys.

    NFC (not NFKC: NFKC would turn compatibility jamo such as ㅇㅌㅈ into
    conjoining jamo), full-width ASCII and U+3000 folded, format/control
    characters removed (control whitespace becomes a space), conjoining jamo
    left over after NFC turned into compatibility jamo, ASCII lowercased,
    whitespace runs collapsed to one space and the ends stripped.
    """
    # Remove zero-width characters before NFC so that jamo they separated can
    # still compose, and lowercase after NFC so "A" + U+0301 behaves like "Á"
    # (and U+212A KELVIN SIGN, which NFC turns into "K", is lowercased too).
    cleaned = unicodedata.normalize("NFC", text.translate(_CLEAN_TABLE))
    # NFC again: lowercasing can create a composable pair ("J" + caron -> "ǰ"),
    # and normalize() must be idempotent.  It is a cheap quick-check when clean.
    folded = unicodedata.normalize("NFC", cleaned.translate(_FOLD_TABLE))
    return " ".join(folded.split())


def compact(text: str) -> str:
    """Text with all whitespace removed ("장애인 인턴제" -> "장애인인턴제")."""
    return "".join(text.split())


def is_hangul_syllable(ch: str) -> bool:
    """True for one precomposed Hangul syllable (U+AC00..U+D7A3)."""
    return len(ch) == 1 and _SYLLABLE_FIRST <= ord(ch) <= _SYLLABLE_LAST


def is_jamo(ch: str) -> bool:
    """True for one modern compatibility jamo (U+3131..U+3163, ㄱ..ㅣ)."""
    return ch in _CONSONANTS or ch in _VOWELS


def decompose(text: str) -> str:
    """Syllables -> compatibility jamo in 2-beolsik keystroke order.

    Compound vowels and double finals are split (과 -> ㄱㅗㅏ, 닭 -> ㄷㅏㄹㄱ),
    tense consonants stay one jamo, lone compound jamo are split the same way
    and everything else passes through.  One mistyped key is one jamo edit.
    """
    return text.translate(_DECOMPOSE_TABLE)


def _syllable(initial: str, medial: str, final: str) -> str:
    index = _INITIAL_INDEX[initial] * _MEDIAL_COUNT + _MEDIAL_INDEX[medial]
    return chr(_SYLLABLE_FIRST + index * _FINAL_COUNT + _FINAL_INDEX.get(final, 0))


class _Composer:
    """The 2-beolsik input automaton: one syllable under construction."""

    __slots__ = ("final", "initial", "medial", "out")

    def __init__(self) -> None:
        self.out: list[str] = []
        self.initial = self.medial = self.final = ""

    def flush(self) -> None:
        if self.initial and self.medial:
            self.out.append(_syllable(self.initial, self.medial, self.final))
        else:  # a lone consonant or a lone vowel; a final needs both
            self.out.append(self.initial + self.medial)
        self.initial = self.medial = self.final = ""

    def start(self, consonant: str) -> None:
        self.flush()
        if consonant in _INITIAL_INDEX:
            self.initial = consonant
        else:  # a cluster such as ㄳ cannot begin a syllable
            self.out.append(consonant)

    def consonant(self, ch: str) -> None:
        if not (self.initial and self.medial):
            self.start(ch)
        elif not self.final:
            # ㄸ ㅃ ㅉ cannot be finals, so they begin the next syllable.
            if ch in _FINAL_INDEX:
                self.final = ch
            else:
                self.start(ch)
        elif self.final + ch in _COMBINE_FINAL:
            self.final = _COMBINE_FINAL[self.final + ch]
        else:
            self.start(ch)

    def vowel(self, ch: str) -> None:
        if self.final:
            # The final consonant (or the second half of a double final)
            # becomes the initial of the new syllable: 닭 + ㅏ -> 달가.
            pair = _DOUBLE_FINALS.get(self.final)
            keep, move = (pair[0], pair[1]) if pair else ("", self.final)
            self.final = keep
            self.flush()
            self.initial, self.medial = move, ch
        elif self.medial and self.medial + ch in _COMBINE_VOWEL:
            self.medial = _COMBINE_VOWEL[self.medial + ch]
        elif self.medial:
            self.flush()
            self.medial = ch
        else:
            self.medial = ch


def compose(jamo: str) -> str:
    """Run compatibility jamo through the 2-beolsik automaton.

    compose("ㄱㅜㅈㅣㄱㄷㅡㅇㄹㅗㄱ") == "구직등록"; compose(decompose(s)) == s for
    syllable strings.  Other characters pass through and end the syllable.
    """
    composer = _Composer()
    for ch in jamo:
        if ch in _CONSONANTS:
            composer.consonant(ch)
        elif ch in _VOWELS:
            composer.vowel(ch)
        else:
            composer.flush()
            composer.out.append(ch)
    composer.flush()
    return "".join(composer.out)


def _compose_keys(match: re.Match[str]) -> str:
    return compose(match.group().translate(_KEYS_TO_JAMO_TABLE))


def qwerty_to_hangul(text: str) -> str:
    """Hangul typed with the keyboard in English mode -> Hangul.

    "dlsxjswp" -> "인턴제".  Only ASCII letters are converted; every other
    character (digits, spaces, punctuation, Hangul) passes through unchanged
    and separates syllables.
    """
    return _ASCII_LETTER_RUN.sub(_compose_keys, text)


def hangul_to_qwerty(text: str) -> str:
    """The keys a 2-beolsik typist presses for text ("인턴제" -> "dlsxjswp").

    Syllables and compatibility jamo become keys (shifted ones uppercase:
    빵 -> "Qkd"); everything else, ASCII letters included, passes through.
    """
    return text.translate(_QWERTY_TABLE)


def _complete_syllables(word: str) -> int:
    """Syllable count of a converted letters-only word, or 0 if any jamo is left."""
    converted = qwerty_to_hangul(word)
    complete = all(_SYLLABLE_FIRST <= ord(ch) <= _SYLLABLE_LAST for ch in converted)
    return len(converted) if complete else 0


def looks_like_qwerty_hangul(text: str) -> bool:
    """True when text reads as Hangul typed with the keyboard in English mode.

    Decides on structure alone: every whitespace-separated word consists of
    ASCII letters only and converts to complete syllables (no lone consonant
    or vowel left over), with at least 2 syllables in total.  Most English
    words fail because their letters do not alternate consonant keys and
    vowel keys and leave a lone jamo (help -> ㅗ디ㅔ, portal -> ㅔㅐㄱㅅ미).  Short
    CV-pattern words can still pass (tofu -> 새려, wifi -> 쟈랴, then -> 소두),
    so treat True as "worth also trying the Hangul reading", not as proof.
    """
    words = text.split()
    if not words or not all(word.isascii() and word.isalpha() for word in words):
        return False
    counts = [_complete_syllables(word) for word in words]
    return all(counts) and sum(counts) >= 2


def choseong(text: str) -> str:
    """Initial consonant of every syllable ("장애인 인턴제" -> "ㅈㅇㅇㅇㅌㅈ").

    Compatibility consonants and ASCII letters and digits are kept as they
    are; whitespace, punctuation, lone vowels and other characters are dropped.
    """
    table = _CHOSEONG_TABLE
    return "".join([table[ch] for ch in text if ch in table])


def is_choseong_query(text: str) -> bool:
    """True when text, spaces ignored, is 2+ compatibility consonants ("ㅇㅌㅈ")."""
    letters = compact(text)
    return len(letters) >= 2 and all(ch in _CONSONANTS for ch in letters)


def syllable_count(text: str) -> int:
    """Number of precomposed Hangul syllables in text."""
    return len(_SYLLABLE_RE.findall(text))


# Letters people confuse when typing: plain/tense/aspirated initials; vowels
# that sound alike or differ by one stroke; finals pronounced alike (ㄴ/ㅇ are
# also neighbouring keys). Anything else makes a different word (지도/제도).
_INITIAL_FAMILY = {ch: f for f in ("ㄱㄲㅋ", "ㄷㄸㅌ", "ㅂㅃㅍ", "ㅅㅆ", "ㅈㅉㅊ") for ch in f}
_CLOSE_VOWELS = frozenset(
    frozenset(pair)
    for pair in (
        *("ㅐㅔ", "ㅒㅖ", "ㅚㅙ", "ㅙㅞ", "ㅚㅞ", "ㅢㅣ", "ㅢㅡ", "ㅟㅣ"),  # sound alike
        *("ㅏㅑ", "ㅓㅕ", "ㅗㅛ", "ㅜㅠ", "ㅐㅒ", "ㅔㅖ", "ㅘㅏ", "ㅝㅓ"),  # one stroke or key more
        *("ㅏㅓ", "ㅗㅜ"),  # mixed up in loanwords (포탈/포털)
    )
)
_FINAL_FAMILY = {
    ch: f for f in ("ㄱㄲㅋㄳㄺ", "ㄴㄵㄶㅇ", "ㄷㅅㅆㅈㅊㅌㅎ", "ㄹㄼㄽㄾㅀ", "ㅁㄻ", "ㅂㅍㅄㄿ") for ch in f
}


def _letter_cost(x: str, y: str, family: dict[str, str]) -> float:
    return 0.0 if x == y else 0.5 if family.get(x, x) == family.get(y, y) else 1.0


def _parts(ch: str) -> tuple[str, str, str]:
    index = ord(ch) - _SYLLABLE_FIRST
    return (
        _INITIALS[index // (_MEDIAL_COUNT * _FINAL_COUNT)],
        _MEDIALS[index // _FINAL_COUNT % _MEDIAL_COUNT],
        _FINALS[index % _FINAL_COUNT],
    )


def typo_cost(a: str, b: str, limit: float = float("inf")) -> float | None:
    """How far apart two equally long words are as typing slips, or None if not comparable.

    Per syllable, a confusable letter costs 0.5 and any other 1.0, at most 1.0 a
    syllable: a vowel that sounds alike or differs by a stroke (인턴재/인턴제,
    포탈/포털), a final pronounced alike or missing (장애잉/장애인, 팩키지/패키지),
    the tense or aspirated form of an initial (알썬/알선). A different initial or
    an unrelated vowel usually makes a different word (대학생/재학생, 지도/제도).
    None also when the cost would exceed `limit`.
    """
    if len(a) != len(b) or 0.5 * sum(x != y for x, y in zip(a, b, strict=True)) > limit:
        return None  # (each differing syllable costs at least 0.5)
    cost = 0.0
    for x, y in zip(a, b, strict=True):
        if x == y:
            continue
        if not (is_hangul_syllable(x) and is_hangul_syllable(y)):
            cost += 1.0
            continue
        (i1, m1, f1), (i2, m2, f2) = _parts(x), _parts(y)
        vowel = 0.0 if m1 == m2 else 0.5 if frozenset((m1, m2)) in _CLOSE_VOWELS else 1.0
        final = 0.5 if not (f1 and f2) and f1 != f2 else _letter_cost(f1, f2, _FINAL_FAMILY)
        cost += min(1.0, _letter_cost(i1, i2, _INITIAL_FAMILY) + vowel + final)
        if cost > limit:
            return None
    return cost
