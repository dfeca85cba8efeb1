"""Replies: verbatim sections with their source and links, suggestions, fallback, small talk."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.answers import Assistant, Outcome
from bot.catalog import Program


def test_answer_quotes_the_section_verbatim(assistant: Assistant) -> None:
    reply = assistant.respond("장애인 인턴제")
    article = assistant.catalog.articles[0]
    section = next(s for s in article.sections if s.number == "5")
    assert reply.outcome == Outcome.ANSWER
    assert reply.title == "장애인 인턴제"  # the display title, without "5."
    assert reply.blocks[0].paragraphs == section.paragraphs
    assert article.title in reply.note and article.date in reply.note
    assert "1588-1519" in reply.note


def test_answer_has_url_buttons_and_a_way_back_to_the_menu(assistant: Assistant) -> None:
    buttons = assistant.respond("워크투게더").flat_buttons()
    assert any(b.url == "https://www.worktogether.or.kr" for b in buttons)
    assert buttons[-1].data == "menu"


def test_overview_shows_lead_and_conclusion_and_the_related_posts_link(assistant: Assistant) -> None:
    reply = assistant.open("p:overview")
    article = assistant.catalog.articles[0]
    assert reply.blocks[0].paragraphs == article.lead + article.conclusion
    related = article.related[0]
    assert any(b.url == related.url and b.text == related.text for b in reply.flat_buttons())
    assert "wp-json" not in related.url


def test_no_markup_reaches_a_reply(assistant: Assistant) -> None:
    for program in assistant.catalog.programs:
        text = assistant.open(f"p:{program.id}").text()
        assert "<" not in text and "wp:" not in text and "##" not in text


def test_suggestions_list_titles_only(assistant: Assistant) -> None:
    reply = assistant.respond("장애인 일자리 알림")
    assert reply.outcome == Outcome.SUGGEST
    assert reply.title == "혹시 이것을 찾으셨나요?"
    section_texts = [p for s in assistant.catalog.sections.values() for p in s.paragraphs]
    assert not any(p in reply.text() for p in section_texts)
    assert len([b for b in reply.flat_buttons() if (b.data or "").startswith("s:")]) <= 3


def test_fallback_says_so_and_gives_the_contacts(assistant: Assistant) -> None:
    reply = assistant.respond("삼성전자 주식 지금 사도 됨?")
    assert reply.outcome == Outcome.FALLBACK
    text = reply.text()
    assert "죄송합니다" in text and "1588-1519" in text and "한국장애인고용공단" in text
    urls = [b.url for b in reply.flat_buttons() if b.url]
    assert "https://www.kead.or.kr" in urls
    assert any(b.data == "menu" for b in reply.flat_buttons())
    assert not any(b.url and b.url.startswith("tel:") for b in reply.flat_buttons())


@pytest.mark.parametrize("message", ["안녕", "ㅎㅇ", "감사합니다!", "고마워요"])
def test_greetings_and_thanks_get_small_talk_and_the_menu(assistant: Assistant, message: str) -> None:
    reply = assistant.respond(message)
    assert reply.outcome == Outcome.SMALLTALK
    assert reply.section_ids == ()
    assert any((b.data or "").startswith("p:") for b in reply.flat_buttons())


def test_a_greeting_with_a_question_gets_the_answer(assistant: Assistant) -> None:
    assert assistant.respond("안녕하세요 인턴제 알려주세요").outcome == Outcome.ANSWER


@pytest.mark.parametrize("message", ["죽고 싶어요", "인턴제 떨어져서 자살하고 싶다", "사는 게 너무 힘들어요"])
def test_urgent_help_comes_before_everything(assistant: Assistant, message: str) -> None:
    reply = assistant.respond(message)
    assert reply.outcome == Outcome.URGENT
    assert "109" in reply.text()
    assert reply.section_ids == ()


@pytest.mark.parametrize("action", ["p:intern", "s:disability-job-placement-5", "intern"])
def test_open_a_program_or_section(assistant: Assistant, action: str) -> None:
    reply = assistant.open(action)
    assert reply.outcome == Outcome.ANSWER and reply.title == "장애인 인턴제"


@pytest.mark.parametrize("action", ["p:nope", "s:../../etc", "x" * 200, "", "menu:abc", "\x00"])
def test_stale_or_forged_actions_get_a_polite_notice(assistant: Assistant, action: str) -> None:
    reply = assistant.open(action)
    assert reply.outcome in (Outcome.NOTICE, Outcome.MENU)
    assert reply.flat_buttons()


def test_menu_has_one_button_per_program_and_ascii_short_data(assistant: Assistant) -> None:
    buttons = assistant.menu().flat_buttons()
    assert [b.data for b in buttons] == [f"p:{p.id}" for p in assistant.catalog.programs]
    assert all(len((b.data or "").encode()) <= 64 and (b.data or "").isascii() for b in buttons)


def test_long_menus_come_in_pages(assistant: Assistant) -> None:
    many = tuple(Program(f"p{i}", f"프로그램 {i}", "disability-job-placement-1") for i in range(20))
    paged = Assistant(assistant.config, replace(assistant.catalog, programs=many), assistant.index)
    first, last = paged.menu(0), paged.menu(2)
    assert any(b.data == "menu:1" for b in first.flat_buttons())
    assert any(b.data == "menu:1" for b in last.flat_buttons())
    assert len([b for b in first.flat_buttons() if (b.data or "").startswith("p:")]) == 8


def test_inline_results_carry_url_buttons_only(assistant: Assistant) -> None:
    replies = assistant.inline("인턴")
    assert replies and replies[0].title == "장애인 인턴제"
    assert all(b.url for r in replies for b in r.flat_buttons())


def test_plain_text_of_every_outcome_is_not_empty(assistant: Assistant) -> None:
    for reply in (
        assistant.welcome(),
        assistant.help(),
        assistant.non_text(),
        assistant.fallback(),
        assistant.urgent(),
    ):
        assert reply.text().strip()
