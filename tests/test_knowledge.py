"""bot.knowledge: an article file -> Article and Section records, or an error naming the file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import Link
from bot.errors import KnowledgeError
from bot.knowledge import Article, load_article

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "knowledge" / "disability-job-placement.md"
SECTION_ID = re.compile(r"[A-Za-z0-9_-]+")
CALLBACK_DATA_LIMIT = 64  # Telegram's limit for a button's callback data, in bytes

SECTION_TITLES = (
    "장애인 취업알선의 구직 등록",
    "장애인고용포털을 통한 구직과 구인",
    "취업지원프로그램과 장애인취업성공패키지",
    "장애학생 취업지원사업과 중증장애인 취업알선",
    "장애인 인턴제",
)
TAGS = (
    "장애인 취업알선",
    "구직 등록",
    "장애인고용포털",
    "취업지원프로그램",
    "장애인취업성공패키지",
    "장애학생 취업지원사업",
    "중증장애인 취업알선",
    "지원고용",
    "장애인 인턴제",
    "구직장애인",
    "사업주",
    "훈련준비금",
    "훈련수당",
    "훈련보조금",
    "정규직전환지원금",
)
LEAD = (
    "장애인들에게 적합한 취업 기회를 제공하기 위해 한국장애인고용공단과 장애인 취업지원사업 "
    "공동수행기관을 통해 구직 등록과 취업지원프로그램 등이 운영되고 있습니다. 이러한 취업알선과 "
    "관련된 여러 가지 프로그램과 포털에 대해 알아보겠습니다."
)
RELATED = Link(
    "장애인취업ㆍ창업 관련 글 바로가기",
    "https://uknowlaw.com/category/%ec%9e%a5%ec%95%a0%ec%9d%b8%ec%b7%a8%ec%97%85%e3%86%8d%ec%b0%bd%ec%97%85/",
)


@pytest.fixture(scope="module")
def seed() -> Article:
    return load_article(SEED)


def write(directory: Path, name: str, text: str | bytes) -> Path:
    path = directory / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# -- the seed article ------------------------------------------------------------


SEED_FIELDS = [
    ("id", "disability-job-placement"),
    ("title", "취업알선 을 활용한 장애인 취업알선에 대한 이해"),
    ("date", "2023-10-24"),
    ("status", "publish"),
    ("published", True),
    ("menu_order", 1),
    ("categories", ("근로노동", "장애인취업ㆍ창업")),
    ("tags", TAGS),
    ("lead", (LEAD,)),
    ("related", (RELATED,)),
]


@pytest.mark.parametrize(("field", "expected"), [pytest.param(f, e, id=f) for f, e in SEED_FIELDS])
def test_seed_fields(seed: Article, field: str, expected: object) -> None:
    assert getattr(seed, field) == expected


def test_seed_excerpt_is_the_frontmatter_excerpt(seed: Article) -> None:
    assert seed.excerpt.startswith("장애인들에게 적합한 취업 기회를 제공하기 위해")
    assert seed.excerpt.endswith("프로그램과 포털에 대해 알아보겠습니다.")


def test_seed_tags_are_trimmed(seed: Article) -> None:
    assert len(seed.tags) == 15
    assert all(tag == tag.strip() and tag for tag in seed.tags)


def test_seed_sections_have_display_titles_without_number_prefix(seed: Article) -> None:
    assert tuple(s.title for s in seed.sections) == SECTION_TITLES
    assert tuple(s.number for s in seed.sections) == ("1", "2", "3", "4", "5")


@pytest.mark.parametrize(
    ("number", "starts", "ends"),
    [
        ("1", "장애인 취업을 희망하는 구직장애인들은 구직신청서를", "구직등록을 해야 합니다."),
        ("2", "구직장애인들과 사업주들은 장애인고용포털을 통해", "효율적인 구직과 구인이 가능해집니다."),
        ("3", "취업지원프로그램은 구직장애인의 구직기간을 단축하고", "장애인취업성공패키지도 있습니다."),
        ("4", "장애학생 취업지원사업은 고등학교나 특수학교에", "취업이 가능하도록 지원합니다."),
        ("5", "장애인 인턴제는 미취업 중증장애인에게", "추가 지원이 이루어집니다."),
    ],
    ids=[f"section-{n}" for n in range(1, 6)],
)
def test_seed_section_text(seed: Article, number: str, starts: str, ends: str) -> None:
    (section,) = [s for s in seed.sections if s.number == number]
    (paragraph,) = section.paragraphs
    assert paragraph.startswith(starts)
    assert paragraph.endswith(ends)


def test_seed_conclusion(seed: Article) -> None:
    (paragraph,) = seed.conclusion
    assert paragraph.startswith("장애인 취업알선에는 다양한 프로그램과 지원이 제공되고 있습니다.")
    assert paragraph.endswith("사회진출을 도모하는 데 큰 도움이 되고 있습니다.")
    assert "결론" not in {s.title for s in seed.sections}


def test_seed_overview_is_lead_plus_conclusion(seed: Article) -> None:
    overview = seed.overview
    assert overview.is_overview
    assert overview.title == seed.title
    assert overview.paragraphs == seed.lead + seed.conclusion
    assert overview.links == (RELATED,)
    assert seed.all_sections() == (overview, *seed.sections)
    assert not any(s.is_overview for s in seed.sections)


def test_seed_text_has_no_markup(seed: Article) -> None:
    text = "\n".join(p for s in seed.all_sections() for p in (s.title, *s.paragraphs))
    for fragment in ("<", ">", "wp:", "##", "**"):
        assert fragment not in text


# -- section ids -----------------------------------------------------------------

ARTICLE_BODY = "---\ntitle: 제목\n{extra}---\n머리말\n\n## 1. 첫째\n\n가\n\n## 2. 둘째\n\n나\n"


@pytest.mark.parametrize(
    ("name", "extra"),
    [
        pytest.param("disability-job-placement.md", "", id="ascii-name"),
        pytest.param("장애인-취업알선-안내.md", "", id="korean-name"),
        pytest.param("x" * 80 + ".md", "", id="very-long-name"),
        pytest.param("Upper_Case.md", "", id="upper-case-name"),
        pytest.param("with space & symbols!.md", "", id="symbols-in-name"),
        pytest.param("글.md", "slug: My-Article_2\n", id="ascii-slug"),
        pytest.param("글.md", "slug: 한글-슬러그\n", id="korean-slug"),
    ],
)
def test_section_ids_are_short_ascii_and_stable(tmp_path: Path, name: str, extra: str) -> None:
    path = write(tmp_path, name, ARTICLE_BODY.format(extra=extra))
    first, second = load_article(path), load_article(path)
    ids = [s.id for s in first.all_sections()]
    assert ids == [s.id for s in second.all_sections()]
    assert len(set(ids)) == len(ids) == 3
    for section_id in ids:
        assert SECTION_ID.fullmatch(section_id), section_id
        assert len(("s:" + section_id).encode("utf-8")) <= CALLBACK_DATA_LIMIT


def test_seed_section_ids_fit_callback_data(seed: Article) -> None:
    for section in seed.all_sections():
        assert SECTION_ID.fullmatch(section.id)
        assert len(("s:" + section.id).encode("utf-8")) <= CALLBACK_DATA_LIMIT


def test_slug_names_the_article(tmp_path: Path) -> None:
    article = load_article(write(tmp_path, "글.md", ARTICLE_BODY.format(extra="slug: My-Article_2\n")))
    assert article.id == "my-article_2"
    assert article.sections[0].id == "my-article_2-1"


@pytest.mark.parametrize(
    ("headings", "titles"),
    [
        pytest.param(("1. 가", "1. 나", "2. 다"), ("가", "나", "다"), id="repeated-number"),
        pytest.param(("0. 들어가며", "1. 본론"), ("들어가며", "본론"), id="zero-prefix"),
        pytest.param(("개요", "1. 본론", "2) 결과"), ("개요", "본론", "결과"), id="mixed"),
        pytest.param(("01. 가", "02. 나"), ("가", "나"), id="leading-zeros"),
    ],
)
def test_section_ids_are_unique_and_never_the_overview(
    tmp_path: Path, headings: tuple[str, ...], titles: tuple[str, ...]
) -> None:
    body = "".join(f"## {h}\n\n내용 {i}\n\n" for i, h in enumerate(headings))
    article = load_article(write(tmp_path, "a.md", f"---\ntitle: 제목\n---\n{body}"))
    assert tuple(s.title for s in article.sections) == titles
    ids = [s.id for s in article.all_sections()]
    assert len(set(ids)) == len(ids)
    assert [s.is_overview for s in article.all_sections()] == [True] + [False] * len(headings)


# -- other well-formed files ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "title"),
    [
        pytest.param(b"\xef\xbb\xbf---\ntitle: BOM\n---\nbody\n", "BOM", id="utf8-bom"),
        pytest.param(b"\n\n---\ntitle: blank\n---\nbody\n", "blank", id="leading-blank-lines"),
        pytest.param(b"---\r\ntitle: crlf\r\n---\r\nbody\r\n", "crlf", id="crlf"),
        pytest.param(b"---\ntitle: 2023\n---\nbody\n", "2023", id="numeric-title"),
        pytest.param("---\ntitle: '  여러   칸 '\n---\nbody\n".encode(), "여러 칸", id="spaced-title"),
    ],
)
def test_frontmatter_variants_load(tmp_path: Path, text: bytes, title: str) -> None:
    article = load_article(write(tmp_path, "a.md", text))
    assert article.title == title
    assert article.lead == ("body",)


def test_draft_is_loaded_but_not_published(tmp_path: Path) -> None:
    path = write(tmp_path, "draft.md", "---\ntitle: 초안\npost_status: draft\n---\n## 1. 가\n\n나\n")
    article = load_article(path)
    assert article.status == "draft"
    assert not article.published
    assert article.sections[0].title == "가"


def test_missing_status_means_published(tmp_path: Path) -> None:
    assert load_article(write(tmp_path, "a.md", "---\ntitle: 제목\n---\n본문\n")).published


# -- broken files ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        pytest.param(
            "---\ntitle: x\ntags: [unclosed\npost_status: publish\n---\nbody\n",
            "invalid YAML frontmatter",
            4,
            id="yaml-unclosed-list",
        ),
        pytest.param(
            "---\ntitle: x\nfoo: bar\n  baz: 1\n---\nbody\n", "invalid YAML frontmatter", 4, id="yaml-indent"
        ),
        pytest.param(
            "---\n\ntitle: x\n\nfoo: : bad\n---\nbody\n",
            "invalid YAML frontmatter",
            5,
            id="yaml-after-blank-lines",
        ),
        pytest.param(
            "\n\n---\ntitle: x\nfoo: bar\n  baz: 1\n---\nbody\n",
            "invalid YAML frontmatter",
            6,
            id="yaml-after-leading-blank-lines",
        ),
        pytest.param(b"---\ntitle: \xc7\xd1\xb1\xdb\n---\n", "cannot read article", None, id="not-utf8"),
        pytest.param("---\npost_status: publish\n---\nbody\n", "no title", None, id="no-title"),
        pytest.param("---\ntitle: ''\n---\nbody\n", "no title", None, id="empty-title"),
        pytest.param("---\ntitle: [a, b]\n---\nbody\n", "title: expected text", None, id="title-a-list"),
        pytest.param("---\n- a\n- b\n---\nbody\n", "no title", None, id="frontmatter-a-list"),
        # decided: a file without frontmatter is an error, never served under a made-up title
        pytest.param("# 제목\n\n본문만 있는 파일\n", "no title", None, id="no-frontmatter"),
        pytest.param("", "no title", None, id="empty-file"),
        pytest.param(
            "---\ntitle: x\ntaxonomy: [근로노동]\n---\nbody\n",
            "taxonomy: expected a mapping",
            None,
            id="taxonomy-a-list",
        ),
        pytest.param(
            "---\ntitle: x\ntaxonomy:\n  post_tag: {a: 1}\n---\nbody\n",
            "taxonomy.post_tag: expected a list",
            None,
            id="tags-a-mapping",
        ),
        pytest.param(
            "---\ntitle: x\ntaxonomy:\n  category: [[a]]\n---\nbody\n",
            "taxonomy.category: expected text",
            None,
            id="category-a-list",
        ),
        pytest.param(
            "---\ntitle: x\npost_date: 2023-02-30 03:11:13\n---\nbody\n",
            "invalid frontmatter",
            None,
            id="impossible-date",
        ),
    ],
)
def test_broken_file_is_an_error_naming_it(
    tmp_path: Path, text: str | bytes, message: str, line: int | None
) -> None:
    path = write(tmp_path, "broken.md", text)
    with pytest.raises(KnowledgeError) as caught:
        load_article(path)
    error = caught.value
    assert error.path == path
    assert error.line == line
    where = f"{path}:{line}" if line else str(path)
    assert str(error).startswith(f"{where}: ")
    assert message in str(error)
    assert "Traceback" not in str(error)
    assert "\n" not in str(error)


def test_missing_file_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "gone.md"
    with pytest.raises(KnowledgeError, match="cannot read article") as caught:
        load_article(path)
    assert caught.value.path == path
