"""bot.markup: WordPress block clean-up, the related-posts link, inline Markdown."""

from __future__ import annotations

from pathlib import Path

import frontmatter
import pytest

from bot.config import Link
from bot.markup import CleanBody, clean_body, inline_text

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "knowledge" / "disability-job-placement.md"
CATEGORY_URL = (
    "https://uknowlaw.com/category/%ec%9e%a5%ec%95%a0%ec%9d%b8%ec%b7%a8%ec%97%85%e3%86%8d%ec%b0%bd%ec%97%85/"
)
RELATED_LABEL = "장애인취업ㆍ창업 관련 글 바로가기"


@pytest.fixture(scope="module")
def seed() -> CleanBody:
    return clean_body(frontmatter.loads(SEED.read_text(encoding="utf-8")).content)


def related_box(attrs: str, heading: str = "<strong>관련 글 모음</strong>") -> str:
    """A WordPress group holding a heading and a latest-posts block with `attrs`."""
    return (
        "<p>본문 문단입니다.</p>\n"
        '<!-- wp:group {"layout":{"type":"constrained"}} -->\n'
        '<div class="wp-block-group"><!-- wp:paragraph -->\n'
        f"<p>{heading}</p>\n<!-- /wp:paragraph -->\n"
        f"<!-- wp:latest-posts\n{attrs} /--></div>\n"
        "<!-- /wp:group -->"
    )


@pytest.mark.parametrize(
    "fragment",
    ["<!--", "-->", "wp:", "<p", "</p>", "<strong>", "<div", "<hr", "wp-json", "postsToShow", "{"],
)
def test_seed_text_has_no_block_markup(seed: CleanBody, fragment: str) -> None:
    assert fragment not in seed.text


def test_seed_text_keeps_the_article_prose(seed: CleanBody) -> None:
    assert seed.text.startswith("장애인들에게 적합한 취업 기회를 제공하기 위해")
    assert "## 5. 장애인 인턴제" in seed.text
    assert seed.text.endswith("사회진출을 도모하는 데 큰 도움이 되고 있습니다.")


def test_seed_related_link_is_the_category_page_labelled_from_the_heading(seed: CleanBody) -> None:
    assert seed.related == (Link(RELATED_LABEL, CATEGORY_URL),)


def test_seed_related_box_is_not_body_text(seed: CleanBody) -> None:
    assert "관련 글 바로가기" not in seed.text
    assert all("wp-json" not in link.url and "api.w.org" not in link.url for link in seed.related)


@pytest.mark.parametrize(
    "attrs",
    [
        pytest.param('{"categories":[{"link":"https://x.kr/c/", "name":"가"}', id="invalid-json"),
        pytest.param('{"categories": 5}', id="categories-not-a-list"),
        pytest.param('{"categories": ["https://x.kr/c/"]}', id="category-not-a-mapping"),
        pytest.param('{"categories": [{"name": "가"}]}', id="category-without-link"),
        pytest.param('{"categories": [{"link": "javascript:alert(1)"}]}', id="link-not-http"),
        pytest.param('{"postsToShow": 10}', id="no-categories"),
    ],
)
def test_unusable_latest_posts_block_is_skipped(attrs: str) -> None:
    cleaned = clean_body(related_box(attrs))
    assert cleaned.related == ()
    assert cleaned.text == "본문 문단입니다."


def test_latest_posts_without_heading_is_labelled_from_its_category() -> None:
    block = '<!-- wp:latest-posts {"categories":[{"link":"https://x.kr/c/","name":"근로노동"}]} /-->'
    cleaned = clean_body("<p>본문</p>\n" + block)
    assert cleaned.related == (Link("근로노동 관련 글", "https://x.kr/c/"),)
    assert cleaned.text == "본문"


def test_related_box_inside_a_wrapper_group_keeps_the_body() -> None:
    attrs = '{"categories":[{"link":"https://x.kr/c/","name":"가"}]}'
    wrapped = f"<!-- wp:group --><div>{related_box(attrs)}</div><!-- /wp:group -->"
    cleaned = clean_body(wrapped)
    assert cleaned.text == "본문 문단입니다."
    assert cleaned.related == (Link("관련 글 모음", "https://x.kr/c/"),)


def test_group_without_latest_posts_is_body_text() -> None:
    body = "<!-- wp:group --><div><p>그룹 안의 본문</p></div><!-- /wp:group -->"
    assert clean_body(body) == CleanBody("그룹 안의 본문", ())


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param("<p>고용&amp;노동</p>", "고용&노동", id="amp"),
        pytest.param("<p>&lt;공단&gt;</p>", "<공단>", id="lt-gt"),
        pytest.param("<p>&quot;인턴&quot; &#39;제&#39;</p>", "\"인턴\" '제'", id="quotes"),
        pytest.param("<p>&#44608;&#x00B7;&#xAE40;</p>", "김·김", id="numeric"),
        pytest.param("<p>ㆍ&middot;ㆍ</p>", "ㆍ·ㆍ", id="named"),
    ],
)
def test_html_entities_are_decoded(body: str, expected: str) -> None:
    assert clean_body(body).text == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param("<h2>구직 등록</h2><p>내용</p>", "## 구직 등록\n\n내용", id="h2-heading"),
        pytest.param("<h3 class='x'>소제목</h3>", "### 소제목", id="h3-with-attrs"),
        pytest.param("<p>첫째</p><p>둘째</p>", "첫째\n\n둘째", id="paragraphs"),
        pytest.param("한 줄<br/>두 줄", "한 줄\n\n두 줄", id="br"),
        pytest.param("<ul><li>가</li><li>나</li></ul>", "가\n\n나", id="list"),
        pytest.param("<p><strong>굵게</strong> <em>기울임</em></p>", "굵게 기울임", id="inline-tags"),
        pytest.param("<!-- wp:paragraph -->\n<p>문단</p>\n<!-- /wp:paragraph -->", "문단", id="comments"),
        pytest.param("가\r\n\r\n\r\n\r\n나", "가\n\n나", id="blank-runs"),
    ],
)
def test_html_structure_becomes_plain_paragraphs(body: str, expected: str) -> None:
    assert clean_body(body).text == expected


@pytest.mark.parametrize(
    ("text", "plain", "links"),
    [
        pytest.param(
            "[워크투게더](https://www.worktogether.or.kr)에서 확인",
            "워크투게더에서 확인",
            (Link("워크투게더", "https://www.worktogether.or.kr"),),
            id="one-link",
        ),
        pytest.param(
            "[공단](https://www.kead.or.kr) 또는 [포털](http://x.kr/a?b=1)",
            "공단 또는 포털",
            (Link("공단", "https://www.kead.or.kr"), Link("포털", "http://x.kr/a?b=1")),
            id="two-links-in-order",
        ),
        pytest.param(
            "[**굵은** &amp; 링크](https://x.kr)",
            "굵은 & 링크",
            (Link("굵은 & 링크", "https://x.kr"),),
            id="label-markup",
        ),
        pytest.param("![그림](https://x.kr/a.png)그림 뒤", "그림 뒤", (), id="image-dropped"),
        pytest.param("**지원고용**과 _인턴제_", "지원고용과 인턴제", (), id="emphasis"),
        pytest.param("[상대](/relative)", "[상대](/relative)", (), id="relative-not-collected"),
        pytest.param("  여러   칸\n줄바꿈 ", "여러 칸 줄바꿈", (), id="whitespace"),
    ],
)
def test_inline_text(text: str, plain: str, links: tuple[Link, ...]) -> None:
    assert inline_text(text) == (plain, links)
