"""bot.catalog: the knowledge folder -> published articles, sections and menu programs."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.catalog import Catalog, load_catalog
from bot.errors import ValidationErrors

ROOT = Path(__file__).resolve().parent.parent
SEED_ID = "disability-job-placement"
PROGRAM_IDS = {"overview", "register", "portal", "package", "students", "supported", "intern"}

SECOND_ARTICLE = """---
title: 장애인 고용장려금 안내
post_status: publish
menu_order: 2
---
고용장려금은 장애인을 고용한 사업주에게 지급됩니다.

## 1. 지급 대상

의무고용률을 넘겨 장애인을 고용한 사업주입니다.

## 2. 신청 방법

분기마다 공단에 신청합니다.
"""

PROGRAM = """
  - id: {id}
    label: 구직 등록
    article: {article}
    section: {section}
"""


@pytest.fixture(scope="module")
def bundled() -> Catalog:
    return load_catalog(ROOT / "knowledge")


def programs_file(*entries: str) -> str:
    return "programs:" + "".join(entries)


def program(id: str = "register", article: str = SEED_ID, section: str = "1", extra: str = "") -> str:
    return PROGRAM.format(id=id, article=article, section=section) + extra


def errors_of(directory: Path) -> list[str]:
    with pytest.raises(ValidationErrors) as caught:
        load_catalog(directory)
    messages = [str(e) for e in caught.value.errors]
    assert str(caught.value) == "\n".join(messages)
    return messages


# -- the bundled folder --------------------------------------------------------------


def test_bundled_programs(bundled: Catalog) -> None:
    assert {p.id for p in bundled.programs} == PROGRAM_IDS
    assert len(bundled.programs) == 7


PROGRAM_SECTIONS = [
    ("overview", "0"),
    ("register", "1"),
    ("portal", "2"),
    ("package", "3"),
    ("students", "4"),
    ("supported", "4"),
    ("intern", "5"),
]


@pytest.mark.parametrize(
    ("program_id", "section_id"),
    [pytest.param(pid, f"{SEED_ID}-{number}", id=pid) for pid, number in PROGRAM_SECTIONS],
)
def test_bundled_program_opens_its_section(bundled: Catalog, program_id: str, section_id: str) -> None:
    found = bundled.program(program_id)
    assert found is not None
    assert found.section_id == section_id
    assert bundled.section(section_id) is not None
    assert found.label and found.aliases
    assert all(link.url.startswith("https://") for link in found.links)


def test_students_and_supported_share_section_4(bundled: Catalog) -> None:
    shared = {p.id for p in bundled.programs_for(f"{SEED_ID}-4")}
    assert shared == {"students", "supported"}


def test_bundled_articles_and_sections(bundled: Catalog) -> None:
    assert [a.id for a in bundled.articles] == [SEED_ID]
    assert sorted(bundled.sections) == [f"{SEED_ID}-{n}" for n in range(6)]
    assert bundled.section(f"{SEED_ID}-0") == bundled.articles[0].overview
    assert bundled.drafts == ()
    assert bundled.article(SEED_ID) is bundled.articles[0]
    assert bundled.program("nope") is None and bundled.section("nope") is None


# -- extending the folder without code ----------------------------------------------------


def test_second_article_adds_sections_and_a_menu_entry(knowledge_copy: Path) -> None:
    (knowledge_copy / "employment-subsidy.md").write_text(SECOND_ARTICLE, encoding="utf-8")
    catalog = load_catalog(knowledge_copy)
    assert [a.id for a in catalog.articles] == [SEED_ID, "employment-subsidy"]
    for number, title in [("0", "장애인 고용장려금 안내"), ("1", "지급 대상"), ("2", "신청 방법")]:
        section = catalog.section(f"employment-subsidy-{number}")
        assert section is not None and section.title == title
    entry = catalog.program("employment-subsidy")
    assert entry is not None
    assert (entry.label, entry.section_id) == ("장애인 고용장려금 안내", "employment-subsidy-0")
    assert {p.id for p in catalog.programs} == PROGRAM_IDS | {"employment-subsidy"}


def test_article_named_like_a_program_gets_its_own_menu_entry(knowledge_copy: Path) -> None:
    (knowledge_copy / "intern.md").write_text(SECOND_ARTICLE, encoding="utf-8")
    catalog = load_catalog(knowledge_copy)
    ids = [p.id for p in catalog.programs]
    assert len(ids) == len(set(ids)) == 8
    intern = catalog.program("intern")
    assert intern is not None and intern.section_id == f"{SEED_ID}-5"
    assert "intern-0" in {p.section_id for p in catalog.programs}


def test_draft_is_not_served(knowledge_copy: Path) -> None:
    draft = SECOND_ARTICLE.replace("post_status: publish", "post_status: draft")
    (knowledge_copy / "employment-subsidy.md").write_text(draft, encoding="utf-8")
    catalog = load_catalog(knowledge_copy)
    assert [a.id for a in catalog.drafts] == ["employment-subsidy"]
    assert [a.id for a in catalog.articles] == [SEED_ID]
    assert not any(s.startswith("employment-subsidy") for s in catalog.sections)
    assert catalog.program("employment-subsidy") is None


@pytest.mark.parametrize(
    "name", ["notes.txt", ".hidden.md", "README", "image.png"], ids=["txt", "hidden", "no-suffix", "png"]
)
def test_other_files_are_ignored(knowledge_copy: Path, name: str) -> None:
    (knowledge_copy / name).write_text("---\n: not yaml [\n", encoding="utf-8")
    assert [a.id for a in load_catalog(knowledge_copy).articles] == [SEED_ID]


# -- programs file errors ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        pytest.param(
            programs_file(program(article="no-such-article")),
            ["program 'register'", "no published article 'no-such-article'"],
            id="unknown-article",
        ),
        pytest.param(
            programs_file(program(section="9")),
            ["has no section '9'", "known: overview, 1, 2, 3, 4, 5"],
            id="unknown-section",
        ),
        pytest.param(
            programs_file(program(), program(section="2")),
            ["program 'register'", "duplicate id"],
            id="duplicate-id",
        ),
        pytest.param(programs_file(program(id="구직")), ["program '구직'", "id must be"], id="korean-id"),
        pytest.param(programs_file(program(id="Register")), ["'Register'", "id must be"], id="upper-case-id"),
        pytest.param(programs_file(program(id="a b")), ["'a b'", "id must be"], id="space-in-id"),
        pytest.param(programs_file(program(id="x" * 41)), ["id must be"], id="id-too-long"),
        pytest.param(
            programs_file(program(extra="    links:\n      - text: 공단\n        url: www.kead.or.kr\n")),
            ["link '공단' needs an http(s) URL"],
            id="link-without-scheme",
        ),
        pytest.param(
            programs_file(program(extra="    links:\n      - text: 공단\n        url: ftp://kead.or.kr\n")),
            ["link '공단' needs an http(s) URL"],
            id="ftp-link",
        ),
        pytest.param(
            programs_file(program(extra="    alias: [등록]\n")),
            ["unknown key 'programs[0].alias'"],
            id="unknown-key",
        ),
        pytest.param(
            programs_file(program(extra="    links:\n      - text: 공단\n        href: https://x.kr\n")),
            ["unknown key 'programs[0].links[0].href'"],
            id="unknown-link-key",
        ),
        pytest.param(
            programs_file("\n  - id: register\n    article: " + SEED_ID + "\n    section: 1\n"),
            ["missing key 'programs[0].label'"],
            id="missing-label",
        ),
        pytest.param(
            programs_file(program(extra="    aliases: 구직등록\n")),
            ["programs[0].aliases: expected a list"],
            id="aliases-not-a-list",
        ),
        pytest.param(
            "programs:\n  register: 구직 등록\n", ["programs: expected a list"], id="programs-a-mapping"
        ),
        pytest.param("programs:\n  - [1, 2\n", ["invalid YAML"], id="invalid-yaml"),
        pytest.param("- 1\n- 2\n", ["expected a mapping"], id="top-level-a-list"),
    ],
)
def test_programs_file_error_names_the_file(knowledge_copy: Path, text: str, fragments: list[str]) -> None:
    programs = knowledge_copy / "programs.yaml"
    programs.write_text(text, encoding="utf-8")
    (message,) = errors_of(knowledge_copy)
    assert message.startswith(f"{programs}")
    for fragment in fragments:
        assert fragment in message
    assert "Traceback" not in message


def test_invalid_yaml_in_programs_file_gives_the_line(knowledge_copy: Path) -> None:
    programs = knowledge_copy / "programs.yaml"
    programs.write_text("programs:\n  - id: a\n    label: [x\n    article: b\n", encoding="utf-8")
    (message,) = errors_of(knowledge_copy)
    assert message.startswith(f"{programs}:4: invalid YAML")


def test_several_errors_are_reported_together(knowledge_copy: Path) -> None:
    programs = knowledge_copy / "programs.yaml"
    programs.write_text(
        programs_file(program(article="nope"), program(id="portal", section="9"), program(id="Bad")),
        encoding="utf-8",
    )
    broken = knowledge_copy / "broken.md"
    broken.write_text("---\ntitle: [\n---\n", encoding="utf-8")
    messages = errors_of(knowledge_copy)
    assert len(messages) == 4
    assert sum(m.startswith(f"{programs}: ") for m in messages) == 3
    assert sum(m.startswith(f"{broken}:") for m in messages) == 1


def test_two_articles_with_one_id_are_an_error(knowledge_copy: Path) -> None:
    (knowledge_copy / "copy.md").write_text(
        "---\ntitle: 사본\nslug: disability-job-placement\n---\n본문\n", encoding="utf-8"
    )
    (message,) = errors_of(knowledge_copy)
    assert "article id 'disability-job-placement' also used by" in message


# -- the folder itself ----------------------------------------------------------------------


def test_symlink_outside_the_folder_is_refused(knowledge_copy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "secret.md"
    outside.write_text(SECOND_ARTICLE, encoding="utf-8")
    link = knowledge_copy / "linked.md"
    os.symlink(outside, link)
    (message,) = errors_of(knowledge_copy)
    assert message.startswith(f"{link}: ")
    assert "outside the folder" in message


def test_symlink_inside_the_folder_is_followed(knowledge_copy: Path) -> None:
    (knowledge_copy / "real.md").write_text(SECOND_ARTICLE.replace("---\ntitle", "---\nslug: real\ntitle"))
    os.symlink(knowledge_copy / "programs.yaml", knowledge_copy / "more.yml")
    messages = errors_of(knowledge_copy)  # the same programs twice: every id is a duplicate
    assert len(messages) == len(PROGRAM_IDS)
    assert all("duplicate id" in m and m.startswith(str(knowledge_copy / "programs.yaml")) for m in messages)


@pytest.mark.parametrize(
    ("setup", "fragment"),
    [
        pytest.param(lambda d: d.mkdir(), "no published article", id="empty-folder"),
        pytest.param(lambda d: None, "knowledge folder not found", id="missing-folder"),
        pytest.param(lambda d: d.write_text("x"), "knowledge folder not found", id="a-file-not-a-folder"),
        pytest.param(
            lambda d: (
                d.mkdir(),
                (d / "a.md").write_text("---\ntitle: 초안\npost_status: draft\n---\n본문\n"),
            ),
            "no published article",
            id="only-drafts",
        ),
    ],
)
def test_folder_without_published_articles_is_an_error(
    tmp_path: Path, setup: Callable[[Path], object], fragment: str
) -> None:
    directory = tmp_path / "knowledge"
    setup(directory)
    (message,) = errors_of(directory)
    assert message.startswith(f"{directory}: {fragment}")


# -- the knowledge version ------------------------------------------------------------------


def test_version_is_stable_while_nothing_changes(knowledge_copy: Path) -> None:
    first = load_catalog(knowledge_copy).version
    os.utime(knowledge_copy / "programs.yaml", (0, 0))  # a touched file is not a changed file
    (knowledge_copy / "notes.txt").write_text("not knowledge")
    assert load_catalog(knowledge_copy).version == first
    assert load_catalog(ROOT / "knowledge").version == first  # the copy has the same content


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda d: (d / "programs.yaml").write_text((d / "programs.yaml").read_text() + "#\n"), id="edit"
        ),
        pytest.param(lambda d: (d / "second.md").write_text(SECOND_ARTICLE), id="add-article"),
        pytest.param(lambda d: (d / "programs.yaml").rename(d / "menu.yaml"), id="rename"),
    ],
)
def test_version_changes_when_a_file_changes(knowledge_copy: Path, change: Callable[[Path], object]) -> None:
    before = load_catalog(knowledge_copy).version
    change(knowledge_copy)
    assert load_catalog(knowledge_copy).version != before
