"""Search cases for each kind of input people type, and for messages about something else."""

from __future__ import annotations

import unicodedata

import pytest

from bot.answers import Assistant

# (message, expected section number, or None when no section may be shown)
CASES = [
    # keywords and questions
    ("구직등록", "1"),
    ("구직 등록 어떻게 해요", "1"),
    ("장애인고용포털", "2"),
    ("취업성공패키지", "3"),
    ("장애학생 취업지원사업", "4"),
    ("장애인 인턴제", "5"),
    ("장애인 취업알선", "0"),
    # particles and endings
    ("인턴제는요?", "5"),
    ("구직등록을 하려면", "1"),
    ("맞춤정보를 등록하면 뭐가 좋아요", "2"),
    # spaces missing or doubled
    ("장애인고용포털맞춤정보등록방법", "2"),
    ("장애인   인턴제", "5"),
    ("정규직 전환 지원금", "5"),
    # typing slips
    ("인턴재", "5"),
    ("장애인고용 포탈", "2"),
    ("구직신쳥서", "1"),
    ("쥰련수당", "4"),
    ("구직등로ㄱ", "1"),
    # initials only
    ("ㅇㅌㅈ", "5"),
    ("ㄱㅈㄷㄹ", "1"),
    ("ㅈㅇㅇ ㅇㅌㅈ", "5"),
    ("ㅎㄹㅅㄷ", "4"),
    # keyboard left in English mode, including Caps Lock
    ("dlsxjswp", "5"),
    ("DLSXJSWP", "5"),
    ("rnwlremdfhr", "1"),
    ("gnsfustnekd", "4"),
    # English words and abbreviations
    ("internship", "5"),
    ("worktogether", "2"),
    ("취성패", "3"),
    ("KEAD", "0"),
    # tags the text never explains
    ("훈련보조금", "4"),
    ("정규직전환지원금", "5"),
    # a worried parent
    ("우리 딸이 특수학교 다니는데 졸업하고 취직할 수 있게 도와주는 게 있나요", "4"),
    # out of scope: no section
    ("장애인 등록은 어디서 해요?", None),
    ("장애인연금 얼마나 나와요", None),
    ("실업급여 신청 방법", None),
    ("청년 인턴 지원금", None),
    ("내일배움카드 훈련수당", None),
    ("장애인 창업 지원금", None),
    ("대학생 취업 지원", None),
    ("장애인고용공단 위치", None),
    ("오늘 날씨 어때", None),
    ("asdfasdf", None),
    ("ㅁㄴㅇㄹㅁㄴㅇㄹ", None),
    ("이 봇 진짜 쓸모없네", None),
    ("요즘 물가도 오르고 애 키우는 것도 힘들고 남편은 맨날 늦게 들어오고 그냥 얘기하고 싶었어요", None),
]


@pytest.mark.parametrize(("message", "number"), CASES, ids=[c[0] for c in CASES])
def test_search_cases(assistant: Assistant, message: str, number: str | None) -> None:
    reply = assistant.respond(message)
    shown = [sid.rsplit("-", 1)[1] for sid in reply.section_ids]
    if number is None:
        assert shown == [], f"{message!r} must not be answered with a section"
    else:
        assert shown[:1] == [number], f"{message!r}: {reply.outcome} {reply.match}"


def test_nfd_input_matches_like_nfc(assistant: Assistant) -> None:
    nfd = unicodedata.normalize("NFD", "장애인 인턴제")
    assert assistant.respond(nfd).section_ids == assistant.respond("장애인 인턴제").section_ids


def test_zero_width_and_full_width_characters_are_ignored(assistant: Assistant) -> None:
    assert assistant.respond("인턴\u200b제").section_ids == assistant.respond("인턴제").section_ids
    assert assistant.respond("ＫＥＡＤ").section_ids == assistant.respond("KEAD").section_ids


def test_search_is_deterministic(assistant: Assistant) -> None:
    first = [assistant.search(m).candidates for m, _ in CASES]
    assert first == [assistant.search(m).candidates for m, _ in CASES]


def test_ambiguous_message_gets_suggestions_not_an_answer(assistant: Assistant) -> None:
    reply = assistant.respond("장애인 일자리 알림")
    assert reply.outcome == "suggest"
    assert 2 <= len([b for b in reply.flat_buttons() if b.data and b.data.startswith("s:")]) <= 3


def test_two_programs_named_together_get_both_sections(assistant: Assistant) -> None:
    reply = assistant.respond("지원고용이랑 인턴제는 다른거죠?")
    assert reply.outcome == "answer"
    assert [sid[-1] for sid in reply.section_ids] == ["4", "5"]


def test_explained_share_falls_with_unknown_words(assistant: Assistant) -> None:
    alone = assistant.search("인턴제").best
    qualified = assistant.search("청년 인턴제").best
    assert alone is not None and qualified is not None
    assert qualified.explained < alone.explained
