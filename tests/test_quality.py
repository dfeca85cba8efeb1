"""Answer quality on labelled questions, judged like ../shared/eval/score.py: by fingerprints."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from bot.answers import Assistant

DATA = Path(__file__).parent / "data"
FINGERPRINTS = {
    "intro": "한국장애인고용공단과 장애인 취업지원사업 공동수행기관을 통해",
    "s1": "구직신청서를 작성하여 공단이나 공동수행기관에 제출",
    "s2": "맞춤정보를 등록하면 별도의 검색 절차 없이",
    "s3": "구직기간을 단축하고 취업을 촉진하기 위해",
    "s4": "고등학교나 특수학교에 재학 중인 장애학생",
    "s5": "미취업 중증장애인에게 사업체에서 인턴 근무 경험",
    "conclusion": "장애인 취업알선에는 다양한 프로그램과 지원이 제공되고",
}


def squash(text: str) -> str:
    return "".join(unicodedata.normalize("NFC", text).split())


def judge(expect: list[str], reply: str) -> str:
    flat = squash(reply)
    shown = [
        p for _, p in sorted((flat.find(squash(f)), p) for p, f in FINGERPRINTS.items() if squash(f) in flat)
    ]
    if len(shown) > 2 or (not expect and shown):
        return "wrong"
    if not expect:
        return "right"
    if not shown:
        return "deferred"
    return "right" if shown[0] in expect else "wrong"


def tally(assistant: Assistant, name: str) -> dict[str, list[str]]:
    verdicts: dict[str, list[str]] = {"right": [], "wrong": [], "deferred": []}
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        verdicts[judge(item["expect"], assistant.respond(item["q"]).text())].append(item["q"])
    return verdicts


@pytest.mark.parametrize(
    ("name", "min_accuracy", "max_wrong"),
    [("devset.jsonl", 0.95, 0.02), ("more_questions.jsonl", 0.9, 0.0), ("more_questions_2.jsonl", 0.9, 0.0)],
)
def test_answer_quality(assistant: Assistant, name: str, min_accuracy: float, max_wrong: float) -> None:
    verdicts = tally(assistant, name)
    total = sum(len(v) for v in verdicts.values())
    assert len(verdicts["right"]) / total >= min_accuracy, verdicts["deferred"] + verdicts["wrong"]
    assert len(verdicts["wrong"]) / total <= max_wrong, verdicts["wrong"]
