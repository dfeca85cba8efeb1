"""Generate a large knowledge folder for the search benchmark (not a test).

`generate(directory, articles=1000, seed=0)` writes `articles` article files in
the WordPress-export format of `knowledge/*.md` (YAML frontmatter, a lead
paragraph, five `## N. heading` sections, `## 결론`, the related-posts block),
one `programs.yaml` giving every section a menu entry with aliases, and a copy
of the bundled knowledge (its articles, and `knowledge/programs.yaml` as
`seed-programs.yaml`) so that real questions still find their answers among
the noise.

Titles, tags and aliases are distinct across articles: each article is one
(region, target group, field) combination and every key names its region and
group. The output depends only on `articles` and `seed`.

    python benchmarks/generate.py /tmp/knowledge-1000 --articles 1000
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SEED_KNOWLEDGE = ROOT / "knowledge"
SECTIONS_PER_ARTICLE = 5
SENTENCE_CHARS = (60, 150)
_SENTENCE_END = re.compile(r"(?<=다\.) ")

# (Korean, ASCII) pairs. The ASCII names make file names, ids and English aliases.
REGIONS = [
    ("서울", "seoul"), ("부산", "busan"), ("대구", "daegu"), ("인천", "incheon"),
    ("광주", "gwangju"), ("대전", "daejeon"), ("울산", "ulsan"), ("세종", "sejong"),
    ("경기", "gyeonggi"), ("강원", "gangwon"), ("충북", "chungbuk"), ("충남", "chungnam"),
    ("전북", "jeonbuk"), ("전남", "jeonnam"), ("경북", "gyeongbuk"), ("경남", "gyeongnam"),
    ("제주", "jeju"), ("수원", "suwon"), ("성남", "seongnam"), ("고양", "goyang"),
    ("용인", "yongin"), ("부천", "bucheon"), ("안산", "ansan"), ("안양", "anyang"),
    ("남양주", "namyangju"), ("화성", "hwaseong"), ("평택", "pyeongtaek"), ("의정부", "uijeongbu"),
    ("파주", "paju"), ("김포", "gimpo"), ("창원", "changwon"), ("김해", "gimhae"),
    ("진주", "jinju"), ("포항", "pohang"), ("구미", "gumi"), ("경주", "gyeongju"),
    ("청주", "cheongju"), ("충주", "chungju"), ("천안", "cheonan"), ("아산", "asan"),
    ("전주", "jeonju"), ("익산", "iksan"), ("군산", "gunsan"), ("여수", "yeosu"),
    ("순천", "suncheon"), ("목포", "mokpo"), ("원주", "wonju"), ("춘천", "chuncheon"),
    ("강릉", "gangneung"), ("서귀포", "seogwipo"),
]  # fmt: skip

GROUPS = [
    ("청년", "youth"), ("중장년", "middle-aged"), ("장애인", "disabled"), ("노인", "senior"),
    ("여성", "women"), ("경력단절여성", "career-break women"), ("한부모가족", "single parent"),
    ("다문화가족", "multicultural family"), ("저소득층", "low income"), ("신혼부부", "newlyweds"),
    ("대학생", "university student"), ("북한이탈주민", "north korean defector"),
    ("자립준비청년", "care leaver"), ("농업인", "farmer"), ("소상공인", "small business"),
    ("아동", "child"), ("임산부", "pregnant women"), ("1인가구", "single household"),
]  # fmt: skip


@dataclass(frozen=True)
class Field:
    name: str
    ascii: str
    category: str
    topics: tuple[tuple[str, str], ...]  # (Korean, English); distinct across fields
    kinds: tuple[tuple[str, str], ...]


FIELDS = [
    Field("고용", "employment", "근로노동", (
        ("일자리", "jobs"), ("직업훈련", "vocational training"), ("취업준비", "job preparation"),
        ("구직활동", "job search"), ("채용연계", "hiring link"), ("직무체험", "work experience"),
        ("고용유지", "job retention"), ("창업준비", "startup preparation"),
    ), (
        ("지원금", "grant"), ("수당", "allowance"), ("인턴", "internship"),
        ("고용장려금", "employment incentive"), ("훈련", "training"), ("상담", "counseling"),
        ("컨설팅", "consulting"), ("멘토링", "mentoring"),
    )),
    Field("복지", "welfare", "사회복지", (
        ("생활안정", "living stability"), ("긴급생계", "emergency living"),
        ("에너지비용", "energy cost"), ("통신비", "phone bill"), ("돌봄", "care"),
        ("식료품", "groceries"), ("교통비", "transport cost"), ("간병", "nursing"),
    ), (
        ("지원금", "grant"), ("수당", "allowance"), ("바우처", "voucher"), ("상담", "counseling"),
        ("서비스", "service"), ("이용권", "pass"),
    )),
    Field("교육", "education", "교육ㆍ학습", (
        ("평생학습", "lifelong learning"), ("디지털역량", "digital skills"),
        ("자격증취득", "certificate"), ("어학연수", "language course"), ("학자금", "tuition"),
        ("방과후학습", "after school"), ("직업교육", "vocational education"),
    ), (
        ("교육", "education"), ("바우처", "voucher"), ("장학금", "scholarship"),
        ("멘토링", "mentoring"), ("수강료지원", "course fee support"),
    )),
    Field("건강", "health", "보건ㆍ의료", (
        ("건강검진", "health checkup"), ("치과치료", "dental care"), ("재활치료", "rehabilitation"),
        ("정신건강", "mental health"), ("의료비", "medical cost"), ("예방접종", "vaccination"),
        ("난임시술", "infertility treatment"),
    ), (
        ("지원금", "grant"), ("바우처", "voucher"), ("서비스", "service"), ("상담", "counseling"),
        ("본인부담금지원", "copayment support"),
    )),
    Field("주거", "housing", "주거ㆍ부동산", (
        ("월세", "monthly rent"), ("전세자금", "jeonse deposit"), ("임대주택", "rental housing"),
        ("주택개보수", "home repair"), ("이사비", "moving cost"),
        ("주거환경개선", "home improvement"), ("공공임대", "public rental"),
    ), (
        ("지원금", "grant"), ("대출", "loan"), ("바우처", "voucher"),
        ("이자지원", "interest support"), ("상담", "counseling"),
    )),
    Field("문화", "culture", "문화ㆍ여가", (
        ("문화누리", "culture nuri"), ("체육활동", "sports"), ("여행", "travel"),
        ("공연관람", "performances"), ("도서구입", "books"),
    ), (
        ("이용권", "pass"), ("바우처", "voucher"), ("포인트", "points"), ("지원금", "grant"),
    )),
    Field("금융", "finance", "금융ㆍ자산", (
        ("자산형성", "asset building"), ("저축매칭", "savings matching"),
        ("채무조정", "debt relief"), ("소액대출", "microloan"), ("신용회복", "credit recovery"),
    ), (
        ("통장", "account"), ("대출", "loan"), ("상담", "counseling"), ("장려금", "incentive"),
        ("이자지원", "interest support"),
    )),
]  # fmt: skip

OFFICES = [
    "행정복지센터",
    "고용센터",
    "구청 복지정책과",
    "시청 일자리정책과",
    "보건소",
    "종합사회복지관",
    "청년센터",
    "여성새로일하기센터",
    "주거복지센터",
    "평생학습관",
    "서민금융통합지원센터",
]
AMOUNTS = [
    "월 20만 원",
    "월 30만 원",
    "월 50만 원",
    "최대 100만 원",
    "최대 200만 원",
    "최대 300만 원",
    "1인당 연 50만 원",
    "가구당 최대 500만 원",
    "최대 12개월 동안 월 40만 원",
]
PERIODS = [
    "매년 3월",
    "매년 상반기",
    "매년 하반기",
    "연중 수시로",
    "분기마다",
    "예산이 소진될 때까지",
    "매월 1일부터 15일까지",
]
CONDITIONS = [
    "기준 중위소득 120% 이하인 가구",
    "기준 중위소득 150% 이하인 가구",
    "만 19세부터 34세까지인 사람",
    "만 40세부터 64세까지인 사람",
    "만 65세 이상인 사람",
    "해당 지역에 6개월 이상 거주한 사람",
    "건강보험료 본인부담금이 기준 이하인 가구",
]
DOCUMENTS = [
    "신분증",
    "주민등록등본",
    "소득금액증명원",
    "건강보험료 납부확인서",
    "임대차계약서 사본",
    "통장 사본",
    "재학증명서",
    "장애인증명서",
]
CHANNELS = ["온라인 누리집", "복지로 누리집", "정부24", "행정복지센터 창구", "모바일 앱"]
COUNTS = ["300명", "500명", "1,000명", "2,000명", "150가구", "800가구"]

LEAD = [
    "{r}에서는 {g:이가} 안정적으로 생활하고 자립할 수 있도록 {f} 분야에서 여러 가지 지원 제도를 "
    "함께 운영하고 있습니다. 제도마다 신청 대상과 지원 내용, 신청 방법이 서로 다르므로 "
    "하나씩 차례로 알아보고 필요한 것을 골라 보겠습니다.",
    "{g:을를} 위한 {r}의 {f} 분야 지원은 해마다 대상과 금액, 신청 기간이 조금씩 달라지기 때문에 "
    "미리 확인해 두는 것이 좋습니다. 올해 기준으로 받을 수 있는 제도와 신청할 때 챙겨야 할 "
    "서류, 그리고 놓치기 쉬운 주의할 점을 한곳에 모아 정리했습니다.",
    "{r}에 사는 {g:은는} {f} 분야에서 생활비와 각종 비용 부담을 덜어 주는 다양한 혜택을 신청해 받을 수 "
    "있습니다. 이 글에서는 대표적인 다섯 가지 제도를 중심으로 누가 받을 수 있는지와 어디에서 "
    "어떻게 신청하는지를 살펴봅니다.",
]
SENTENCES = [
    "{title:은는} {r}에 주소를 둔 {g:을를} 대상으로 {amount:을를} 지원하는 제도로, "
    "{cond:이가} 신청할 수 있습니다.",
    "신청은 {period} {channel:으로로} 할 수 있으며, 신청할 때에는 {doc:과와} {doc2:을를} "
    "함께 제출해야 심사가 늦어지지 않습니다.",
    "{r} {office:은는} {topic} {kind} 신청서를 접수한 뒤 소득과 재산을 확인하고 약 2주 안에 "
    "결과를 문자로 알려 줍니다.",
    "올해 {topic} {kind:은는} 모두 {count:을를} 선정할 예정이며, 신청자가 많으면 소득이 낮은 "
    "순서로 우선 선정합니다.",
    "다른 {f} 사업과 중복으로 받을 수 없는 경우가 있으니 이미 다른 지원을 받고 있다면 신청 "
    "전에 {office}에 꼭 확인하시기 바랍니다.",
    "{g:이가} {topic} {kind:을를} 받으면 {amount} 범위 안에서 실제로 쓴 비용을 영수증을 "
    "내고 돌려받을 수 있습니다.",
    "지원 기간이 끝난 뒤에도 {office}에서 사후 관리와 상담을 이어서 받을 수 있어 "
    "{g}의 생활 부담을 덜 수 있습니다.",
    "{title}에 대한 자세한 내용과 올해 모집 공고는 {r} {office} 또는 {channel}에서 확인할 수 있습니다.",
    "처음 신청하는 {g:은는} 담당자와 상담을 먼저 하면 필요한 서류와 일정, 받을 수 있는 금액을 "
    "한 번에 안내받을 수 있습니다.",
    "지원금은 신청한 다음 달부터 본인 명의 계좌로 지급되며, 거짓으로 신청한 사실이 드러나면 "
    "받은 금액을 모두 돌려주어야 합니다.",
    "{cond:이가} 아니더라도 {r}에 거주하는 {g:은는} 예산 범위 안에서 심사를 거쳐 추가로 "
    "지원받을 수 있습니다.",
    "{topic} 분야의 {kind:은는} {period} 모집 공고가 올라오므로 {channel:을를} 자주 "
    "확인하고 기간 안에 신청하는 것이 좋습니다.",
]
CONCLUSION = [
    "{r}의 {g} {f} 지원 제도는 생활에 실질적인 도움이 되도록 여러 단계로 나누어 촘촘하게 "
    "마련되어 있습니다. 자격이 되는지 미리 확인하고, 필요한 서류를 빠짐없이 준비하여 각 제도가 "
    "정해 둔 신청 기간 안에 잊지 말고 꼭 신청하시기 바랍니다.",
    "지금까지 {r}에서 {g:이가} 받을 수 있는 {f} 분야의 여러 지원 제도를 대상과 금액을 중심으로 "
    "하나씩 살펴보았습니다. 제도는 해마다 바뀔 수 있으므로 신청하기 전에 {office}에 최신 "
    "내용과 남은 예산 상황을 확인하세요.",
    "{g:을를} 위한 {r}의 {f} 분야 지원은 종류가 많고 신청 기간도 서로 달라서 정작 필요한 때에 "
    "놓치기 쉽습니다. 나에게 맞는 제도를 골라 필요한 서류를 미리 준비하고, 가까운 {office}에 "
    "궁금한 점을 전화나 방문으로 문의해 보세요.",
]
TITLES = [
    "{r} {g:을를} 위한 {f} 지원 제도 총정리",
    "{r}에서 {g:이가} 받을 수 있는 {f} 혜택 알아보기",
    "{r} {g} {f} 지원 한눈에 보기",
]


class Word(str):
    """A noun that picks its particle: format(Word('청년'), '이가') == '청년이'."""

    __slots__ = ()

    def __format__(self, spec: str) -> str:
        if not spec:
            return str(self)
        last = self[-1]
        code = ord(last) - 0xAC00
        final = code % 28 if 0 <= code <= 11171 else (0 if not last.isdigit() else 1)
        if spec == "으로로":
            return self + ("로" if final in (0, 8) else "으로")
        pairs = {"은는": "은는", "이가": "이가", "을를": "을를", "과와": "과와"}
        with_final, without = pairs[spec]
        return self + (with_final if final else without)


@dataclass(frozen=True)
class Plan:
    number: int
    region: tuple[str, str]
    group: tuple[str, str]
    field: Field
    variant: str  # empty, or a round mark once all combinations are used


def generate(directory: Path, articles: int = 1000, seed: int = 0) -> None:
    """Write `articles` articles, their programs.yaml and the bundled seed into `directory`."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    entries: list[dict[str, object]] = []
    for plan in _plans(articles, rng):
        text, programs = _article(plan, rng)
        (directory / f"{_article_id(plan)}.md").write_text(text, encoding="utf-8")
        entries.extend(programs)
    header = "# Written by benchmarks/generate.py: one entry per section, for the benchmark.\n"
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    body = yaml.dump({"programs": entries}, Dumper=dumper, allow_unicode=True, sort_keys=False, width=200)
    (directory / "programs.yaml").write_text(header + body, encoding="utf-8")
    for path in sorted(SEED_KNOWLEDGE.iterdir()):
        if path.suffix in (".md", ".markdown"):
            shutil.copyfile(path, directory / path.name)
        elif path.name == "programs.yaml":
            shutil.copyfile(path, directory / "seed-programs.yaml")


def _plans(count: int, rng: random.Random) -> list[Plan]:
    combos = [(r, g, f) for r in REGIONS for g in GROUPS for f in FIELDS]
    rng.shuffle(combos)
    plans = []
    for n in range(count):
        rounds, index = divmod(n, len(combos))
        region, group, field = combos[index]
        plans.append(Plan(n + 1, region, group, field, f"{rounds + 1}권역" if rounds else ""))
    return plans


def _article_id(plan: Plan) -> str:
    return f"g{plan.number:04d}-{plan.field.ascii}"


def _article(plan: Plan, rng: random.Random) -> tuple[str, list[dict[str, object]]]:
    field = plan.field
    region = plan.region[0] + (f" {plan.variant}" if plan.variant else "")
    group = plan.group[0]
    region_en = plan.region[1] + (f" {plan.variant[0]}" if plan.variant else "")
    slots: dict[str, str] = {"r": region, "g": group, "f": field.name}
    topics = rng.sample(field.topics, SECTIONS_PER_ARTICLE)
    kinds = [rng.choice(field.kinds) for _ in topics]
    aid = _article_id(plan)
    title = _fill(rng.choice(TITLES), slots, rng, check=False)
    lead = _fill(rng.choice(LEAD), slots, rng)
    sections = []
    programs: list[dict[str, object]] = [
        {
            "id": f"p{plan.number:04d}-0",
            "label": title,
            "article": aid,
            "section": "overview",
            "aliases": [
                f"{region} {group} {field.name} 정책",
                f"{region_en} {plan.group[1]} {field.ascii}",
            ],
        }
    ]
    tags = [f"{region}{group}{field.name}", f"{group} {field.name} {region}"]
    for k, ((topic, topic_en), (kind, kind_en)) in enumerate(zip(topics, kinds, strict=True), 1):
        heading = f"{region} {group} {topic} {kind}"
        local = {**slots, "title": heading, "topic": topic, "kind": kind}
        count = rng.randint(2, 4)
        chosen = rng.sample(SENTENCES, count)
        sections.append((k, heading, " ".join(_fill(s, local, rng) for s in chosen)))
        tags.append(f"{region} {group} {topic}")
        programs.append(
            {
                "id": f"p{plan.number:04d}-{k}",
                "label": heading,
                "article": aid,
                "section": str(k),
                "aliases": [
                    f"{region}형 {group} {topic}",
                    f"{group} {topic}{kind} {region}",
                    f"{region} {group} {topic} 신청",
                    f"{region_en} {plan.group[1]} {topic_en} {kind_en}",
                    f"{region}{field.name} {plan.number}-{k}호 사업",
                ],
                "links": [{"text": f"{region} {field.name} 안내", "url": f"https://example.org/{aid}/{k}"}],
            }
        )
    conclusion = _fill(rng.choice(CONCLUSION), slots, rng)
    n = plan.number
    date = f"2023-{n % 12 + 1:02d}-{n % 28 + 1:02d} {n % 24:02d}:{n % 60:02d}:00"
    lines = [
        "---",
        f"title: {_quote(title)}",
        f"menu_order: {plan.number + 1}",
        "post_status: publish",
        f"post_excerpt: {_quote(lead)}",
        f"post_date: {date}",
        f"featured_image: _images/{field.category.split('ㆍ')[0]}.png",
        "taxonomy:",
        "    category:",
        f"        - {field.category}",
        f"        - {group}{field.name}",
        "    post_tag:",
        *(f"        - {_quote(tag)}" for tag in tags),
        "---",
        "",
        "",
        "",
        lead,
        "",
    ]
    for k, heading, paragraph in sections:
        lines += [f"## {k}. {heading}", "", paragraph, ""]
    lines += ["## 결론", "", conclusion, *_related(field, aid)]
    return "\n".join(lines) + "\n", programs


def _fill(template: str, slots: dict[str, str], rng: random.Random, check: bool = True) -> str:
    """A template with its slots, retried until every sentence is of realistic length."""
    for _ in range(20):
        docs = rng.sample(DOCUMENTS, 2)
        values = {
            **{k: Word(v) for k, v in slots.items()},
            "amount": Word(rng.choice(AMOUNTS)),
            "period": Word(rng.choice(PERIODS)),
            "cond": Word(rng.choice(CONDITIONS)),
            "doc": Word(docs[0]),
            "doc2": Word(docs[1]),
            "channel": Word(rng.choice(CHANNELS)),
            "office": Word(rng.choice(OFFICES)),
            "count": Word(rng.choice(COUNTS)),
        }
        text = template.format(**values)
        parts = [p for p in _SENTENCE_END.split(text) if p]
        if not check or all(SENTENCE_CHARS[0] <= len(p) <= SENTENCE_CHARS[1] for p in parts):
            return text
    return text


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _related(field: Field, aid: str) -> list[str]:
    """The WordPress related-posts box every exported article ends with."""
    attrs = {
        "categories": [
            {
                "id": 10000 + FIELDS.index(field),
                "link": f"https://example.org/category/{field.ascii}/",
                "name": field.category,
                "taxonomy": "category",
            }
        ],
        "postsToShow": 100,
    }
    return [
        "<!-- wp:separator -->",
        '<hr class="wp-block-separator has-alpha-channel-opacity"/>',
        "<!-- /wp:separator -->",
        "",
        '<!-- wp:group {"backgroundColor":"base","layout":{"type":"constrained"}} -->',
        '<div class="wp-block-group has-base-background-color has-background">'
        '<!-- wp:paragraph {"align":"center","fontSize":"medium"} -->',
        '<p class="has-text-align-center has-large-font-size">'
        f"<strong>{field.category} 관련 글 바로가기</strong></p>",
        "<!-- /wp:paragraph -->",
        "",
        f"<!-- wp:latest-posts {json.dumps(attrs, ensure_ascii=False)} /--></div>",
        "<!-- /wp:group -->",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("directory", type=Path)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    generate(args.directory, args.articles, args.seed)
    print(f"wrote {args.articles} articles to {args.directory}")


if __name__ == "__main__":
    main()
