"""Search benchmark: load time and time per question, bundled and 1,000 generated articles.

Not a test: it measures and reports, it never fails a build. Run from the
project root:

    .venv/bin/python benchmarks/bench_search.py [--articles 1000] [--questions 600]

For (a) the bundled `knowledge/` and (b) a temporary folder written by
`benchmarks/generate.py` (the bundled article among N generated ones), it times
`load(Path("config.yaml"), folder)` (config, catalog and index), then
`Assistant.respond(q)` over the development questions
(/work/shared/eval/devset.jsonl, field "q") and, for the generated set,
questions made from generated titles and aliases with typing slips, missing
spaces, initials and whole sentences, repeated to at least --calls timed calls
after one untimed warm-up pass. It prints a table and writes
benchmarks/results.md. --profile adds a cProfile of the generated case.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import io
import json
import math
import os
import platform
import pstats
import random
import re
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate  # noqa: E402
from bot.answers import Assistant  # noqa: E402
from bot.catalog import load_catalog  # noqa: E402
from bot.config import load_config  # noqa: E402
from bot.loader import load  # noqa: E402
from bot.search import Index  # noqa: E402

CONFIG = ROOT / "config.yaml"
BUNDLED = ROOT / "knowledge"
DEVSET = Path("/work/shared/eval/devset.jsonl")
RESULTS = ROOT / "benchmarks" / "results.md"
# The targets: p99 per question (ms) and load time (s).
TARGETS = {"bundled": (1.0, 0.3), "generated": (20.0, 5.0)}


@dataclass
class Question:
    text: str
    kind: str  # devset, title, alias, nospace, typo, initials, sentence, english
    expect: str = ""  # a generated section id the reply should lead to, if known


@dataclass
class Result:
    name: str
    articles: int = 0
    sections: int = 0
    programs: int = 0
    terms: int = 0
    postings: int = 0
    loads: list[float] = field(default_factory=list)
    catalog_s: float = 0.0
    index_s: float = 0.0
    questions: int = 0
    times_ms: list[float] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)  # generated questions: answered/suggested/missed
    slowest: list[tuple[float, str]] = field(default_factory=list)
    first_pass_ms: list[float] = field(default_factory=list)  # the untimed warm-up, for caches
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    rss_mb: float = 0.0

    def pct(self, p: float) -> float:
        return percentile(self.times_ms, p)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes on macOS


def devset_questions() -> list[Question]:
    if not DEVSET.is_file():
        print(f"warning: {DEVSET} not found; only generated questions are timed", file=sys.stderr)
        return []
    questions = []
    for line in DEVSET.read_text(encoding="utf-8").splitlines():
        if line.strip():
            questions.append(Question(json.loads(line)["q"], "devset"))
    return questions


# -- questions from the generated knowledge ---------------------------------------

_VOWEL_SLIPS = {
    0: 2, 2: 0, 1: 5, 5: 1, 4: 6, 6: 4, 8: 12, 12: 8, 13: 17, 17: 13, 18: 13, 20: 18, 3: 7, 7: 3,
}  # fmt: skip
# ㅏ↔ㅑ ㅐ↔ㅔ ㅓ↔ㅕ ㅗ↔ㅛ ㅜ↔ㅠ ㅡ→ㅜ ㅣ→ㅡ ㅒ↔ㅖ (indices into the 21 medials)
_GENERATED_ID = re.compile(r"p\d{4}-[1-9]")  # a generated section's program, not an overview
_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"


def _syllable(ch: str) -> tuple[int, int, int] | None:
    code = ord(ch) - 0xAC00
    return (code // 588, code % 588 // 28, code % 28) if 0 <= code <= 11171 else None


def typo(word: str, rng: random.Random) -> str:
    """One typing slip in a Hangul word: a neighbouring vowel, or a final consonant lost."""
    spots = [i for i, ch in enumerate(word) if _syllable(ch)]
    if not spots:
        return word
    i = rng.choice(spots[1:] or spots)  # keep the first syllable: it anchors the word
    initial, medial, final = _syllable(word[i])  # type: ignore[misc]
    if final and rng.random() < 0.3:
        final = 0
    else:
        medial = _VOWEL_SLIPS.get(medial, (medial + 1) % 21)
    return word[:i] + chr(0xAC00 + initial * 588 + medial * 28 + final) + word[i + 1 :]


def initials(text: str) -> str:
    return "".join(_INITIALS[s[0]] if (s := _syllable(ch)) else ch for ch in text if not ch.isspace())


def latin_typo(text: str, rng: random.Random) -> str:
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    i = rng.choice(letters[2:] or letters)
    return text[:i] + text[i + 1 :]  # one letter dropped


def generated_questions(assistant: Assistant, count: int, seed: int) -> list[Question]:
    """Questions about generated sections the way people type them."""
    rng = random.Random(seed)
    catalog = assistant.catalog
    programs = [p for p in catalog.programs if _GENERATED_ID.fullmatch(p.id)]
    if not programs:
        return []
    kinds: list[tuple[str, Callable[[str, list[str]], str]]] = [
        ("title", lambda title, aliases: title),
        ("alias", lambda title, aliases: rng.choice(aliases[:3])),
        ("nospace", lambda title, aliases: title.replace(" ", "")),
        ("typo", lambda title, aliases: " ".join(
            typo(w, rng) if j == len(title.split()) - 2 else w for j, w in enumerate(title.split())
        )),
        ("typo-nospace", lambda title, aliases: typo(rng.choice(aliases[:2]).replace(" ", ""), rng)),
        ("initials", lambda title, aliases: " ".join(
            [title.split()[0], initials("".join(title.split()[1:]))]
        )),
        ("initials-only", lambda title, aliases: initials(title)),
        ("sentence", lambda title, aliases: _sentence(title, rng)),
        ("english", lambda title, aliases: latin_typo(aliases[3], rng)),
    ]  # fmt: skip
    questions = []
    for n in range(count):
        program = rng.choice(programs)
        kind, make = kinds[n % len(kinds)]
        aliases = list(program.aliases)
        if len(aliases) < 4:
            kind, make = kinds[0]
        questions.append(Question(make(program.label, aliases), kind, program.section_id))
    return questions


def _sentence(title: str, rng: random.Random) -> str:
    region, group, *rest = title.split()
    thing = " ".join(rest)
    return rng.choice(
        [
            f"{region} 사는 {group}인데 {thing} 어떻게 신청하나요?",
            f"{thing} 받으려면 {region}에서 뭐가 필요해요",
            f"저는 {region}에 살고 {group}이에요. {thing} 대상인지 궁금합니다",
            f"{region} {group} {thing} 신청 기간이 언제까지인가요",
        ]
    )


# -- measuring ----------------------------------------------------------------------


def measure_load(folder: Path, runs: int, result: Result) -> Assistant:
    """`load()` `runs` times, after one run split into catalog and index to show where time goes.

    Each run starts with the previous index released and collected, so that the
    runs are alike (the cyclic GC's work grows with what is alive).
    """
    config = load_config(CONFIG, folder)
    gc.collect()
    started = time.perf_counter()
    catalog = load_catalog(config.knowledge_dir)
    result.catalog_s = time.perf_counter() - started
    started = time.perf_counter()
    index = Index(catalog)
    result.index_s = time.perf_counter() - started
    del catalog, index
    assistant = None
    for _ in range(runs):
        assistant = None
        gc.collect()
        started = time.perf_counter()
        assistant = load(CONFIG, folder)
        result.loads.append(time.perf_counter() - started)
    assert assistant is not None
    result.articles = len(assistant.catalog.articles)
    result.sections = len(assistant.catalog.sections)
    result.programs = len(assistant.catalog.programs)
    terms = getattr(assistant.index, "terms", {})
    result.terms = len(terms)
    result.postings = sum(len(getattr(t, "postings", ())) for t in terms.values())
    return assistant


def measure_questions(assistant: Assistant, questions: list[Question], calls: int, result: Result) -> None:
    result.questions = len(questions)
    for q in questions:  # warm-up, not in the figures; also the outcomes and hits
        started = time.perf_counter_ns()
        reply = assistant.respond(q.text)
        result.first_pass_ms.append((time.perf_counter_ns() - started) / 1e6)
        result.outcomes[str(reply.outcome)] += 1
        if q.expect:
            suggested = {b.data for b in reply.flat_buttons() if b.data}
            if q.expect in reply.section_ids:
                result.found["answered"] += 1
            elif f"s:{q.expect}" in suggested:
                result.found["suggested"] += 1
            else:
                result.found["missed"] += 1
    rounds = max(1, math.ceil(calls / len(questions)))
    per_question: dict[str, float] = {}
    clock = time.perf_counter_ns
    respond = assistant.respond
    for _ in range(rounds):
        for q in questions:
            started = clock()
            respond(q.text)
            ms = (clock() - started) / 1e6
            result.times_ms.append(ms)
            result.by_kind.setdefault(q.kind, []).append(ms)
            per_question[q.text] = max(ms, per_question.get(q.text, 0.0))
    result.slowest = sorted(((ms, text) for text, ms in per_question.items()), reverse=True)[:5]


def run(name: str, folder: Path, questions: list[Question], args: argparse.Namespace) -> Result:
    result = Result(name)
    print(f"[{name}] loading {folder} ({args.load_runs} runs) ...", flush=True)
    assistant = measure_load(folder, args.load_runs, result)
    if name == "generated":
        questions = questions + generated_questions(assistant, args.questions, args.seed)
    print(f"[{name}] {len(questions)} questions, >= {args.calls} timed calls ...", flush=True)
    measure_questions(assistant, questions, args.calls, result)
    result.rss_mb = peak_rss_mb()
    if args.profile and name == "generated":
        profile(folder, assistant, questions)
    return result


def profile(folder: Path, assistant: Assistant, questions: list[Question]) -> None:
    """cProfile of one load and one pass over the questions; prints the top functions."""
    for label, action in (
        ("load", lambda: load(CONFIG, folder)),
        ("questions (one pass)", lambda: [assistant.respond(q.text) for q in questions]),
    ):
        profiler = cProfile.Profile()
        profiler.enable()
        action()
        profiler.disable()
        for sort in ("tottime", "cumulative"):
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(sort)
            stats.print_stats(25)
            print(f"\n===== profile: {label}, by {sort} =====")
            print(out.getvalue())


# -- reporting ----------------------------------------------------------------------


def table(results: list[Result]) -> list[str]:
    rows = [
        "| set | articles | sections | terms | postings | load median (best) s | catalog s "
        "| index s | calls | median ms | p90 ms | p99 ms | max ms | peak RSS MB | targets |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        p99_target, load_target = TARGETS[r.name]
        load_s = statistics.median(r.loads)
        verdict = (
            f"p99 <= {p99_target:g} ms: {'ok' if r.pct(99) <= p99_target else 'MISSED'}; "
            f"load <= {load_target:g} s: {'ok' if load_s <= load_target else 'MISSED'}"
        )
        rows.append(
            f"| {r.name} | {r.articles} | {r.sections} | {r.terms} | {r.postings} "
            f"| {load_s:.3f} ({min(r.loads):.3f}) | {r.catalog_s:.3f} | {r.index_s:.3f} "
            f"| {len(r.times_ms)} | {r.pct(50):.3f} | {r.pct(90):.3f} | {r.pct(99):.3f} "
            f"| {max(r.times_ms):.3f} | {r.rss_mb:.0f} | {verdict} |"
        )
    return rows


def details(results: list[Result]) -> list[str]:
    lines = []
    for r in results:
        outcomes = ", ".join(f"{k} {v}" for k, v in sorted(r.outcomes.items()))
        lines.append(f"- {r.name}: {r.questions} distinct questions; outcomes: {outcomes}")
        if r.found:
            total = sum(r.found.values())
            found = ", ".join(f"{k} {v} ({v / total:.0%})" for k, v in r.found.most_common())
            lines.append(f"  - generated questions reaching their section: {found}")
        first = r.first_pass_ms
        lines.append(
            f"  - first (warm-up) pass: median {percentile(first, 50):.3f} ms, "
            f"p99 {percentile(first, 99):.3f} ms"
        )
        kinds = ", ".join(
            f"{kind} {percentile(ms, 50):.2f}/{percentile(ms, 99):.2f}" for kind, ms in r.by_kind.items()
        )
        lines.append(f"  - median/p99 ms by kind of question: {kinds}")
        slow = "; ".join(f"{ms:.1f} ms {_short(text)!r}" for ms, text in r.slowest[:3])
        lines.append(f"  - slowest: {slow}")
    return lines


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"


def machine() -> str:
    return (
        f"{platform.platform()}, {platform.machine()}, {platform.processor() or 'cpu'} "
        f"({os.cpu_count()} CPUs), Python {platform.python_version()}"
    )


def write_results(results: list[Result], args: argparse.Namespace) -> None:
    now = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    lines = [
        "# Search benchmark results",
        "",
        "Written by `python benchmarks/bench_search.py "
        f"--articles {args.articles} --questions {args.questions} --calls {args.calls}`"
        " (overwritten on every run; not a test).",
        "",
        f"- date: {now}",
        f"- machine: {machine()}",
        f"- load: `load(config.yaml, folder)`, {args.load_runs} runs in one process, "
        "each after releasing the previous one and `gc.collect()` (median, best in brackets); "
        "catalog and index: one run before them split into `load_catalog` and `Index`",
        "- per question: `Assistant.respond(q)`, after one untimed warm-up pass",
        "- peak RSS: `ru_maxrss` of the process after the set (the generated set runs second, "
        "so its figure is the peak of the whole run)",
        "",
        *table(results),
        "",
        *details(results),
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=1000, help="generated articles; 0 skips")
    parser.add_argument("--questions", type=int, default=600, help="generated questions")
    parser.add_argument("--calls", type=int, default=2000, help="minimum timed calls per set")
    parser.add_argument("--load-runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", action="store_true", help="cProfile the generated set")
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    args = parser.parse_args()
    os.chdir(ROOT)

    dev = devset_questions()
    results = [run("bundled", BUNDLED, dev, args)]
    if args.articles > 0:
        with tempfile.TemporaryDirectory(prefix="bench-knowledge-") as tmp:
            folder = args.keep or Path(tmp)
            started = time.perf_counter()
            generate(folder, args.articles, args.seed)
            print(f"generated {args.articles} articles in {time.perf_counter() - started:.1f} s")
            results.append(run("generated", folder, dev, args))

    print()
    print("\n".join(table(results)))
    print()
    print("\n".join(details(results)))
    write_results(results, args)
    print(f"\nwrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
