"""Korean word lists and word-level rules the matcher needs: particles, endings, fillers.

These lists are general Korean (function words, question words, common
predicates, everyday context nouns), not words of any one article; the
matcher's judgement of what a message is about comes from the knowledge,
these only say which words carry no topic.
"""

from __future__ import annotations

import functools
import re

# Trailing particles and copula endings, tried longest first.
PARTICLES = tuple(
    sorted(
        """
        에서부터 으로부터 이라고요 이에요 이예요 입니다 인가요 인데요 이라도 이라서 이라고 이라는 에서는
        에서도 에서요 으로는 으로도 으로요 에게는 에게서 한테서 이랑은 까지는 부터는 이랑 에게 한테 까지
        부터 처럼 보다 마다 밖에 조차 이나 이든 이며 이고 이요 이죠 인데 은요 는요 에는 에도 에요 예요
        인지 이란 이면 으로 에서 께서 이야 이여 이지 이라 랑은 라도 로 에 의 을 를 은 는 이 가 와 과 도
        만 요 나 랑 란 죠 임
        """.split(),
        key=len,
        reverse=True,
    )
)

_PARTICLE_SET = frozenset(PARTICLES)
_PARTICLE_SIZES = sorted({len(p) for p in PARTICLES}, reverse=True)

# Noun suffixes that add no topic: plural, "method of", "place of", "for", "by".
SUFFIXES = ("들", "법", "처", "용", "별")

# Predicate endings after a verbal noun (등록되는, 졸업하면, 연계해주는 -> the noun).
_VERBAL_ENDING = re.compile(r"(하|해|했|할|한|함|합|되|돼|됐|될|된|됨|됩|시키|시켜|받|드리|드려|있|없)\w*$")

# Last syllables of most Korean predicate forms (해요, 끝나고, 줄여, 되면, 구하는).
_PREDICATE_END = frozenset("요죠까고서면는니데게며여어아와워다네지든음함")
_CONNECTIVE_VOWELS = frozenset("아어여와워")

STOPWORDS = frozenset(
    """
    뭐 뭐야 뭐예요 뭐에요 뭔가요 뭐임 뭐지 뭐죠 뭐뭐 뭘 뭔지 뭐부터 무엇 무엇인가요 무슨 어떤 어떻게
    어케 어케함 어케해요 어떡해 어떡해요 어떻게요 어떠한 어디 어디서 어디에 어디다 어디로 어디에서 언제
    누가 누구 누구에요 누구예요 왜 얼마 얼마나 얼마예요 얼마에요 몇 어느 어떤건지 어떤지 있어요 있나요
    있어 있음 있는 있는데 있을까요 있다 있다고 있는지 있고 있으면 있게 있는거 있는게 없어요 없나요 없는
    없어서 없고 없음 없이 없다 없는지 해요 하나요 하는 하면 해야 해야돼요 해야되나요 해야하나요 해도
    했는데 할 할지 하고 하려면 함 합니다 하죠 해줘요 해주나요 해주세요 해줘 하는데 하는지 하는거 해서
    해야돼 해야함 하기 돼요 되나요 되는 되면 됨 된다 되는거 되는지 돼 되죠 되요 되는데 된대요 될까요
    알려주세요 알려줘 알려줘요 알려주실 알려주실래요 알고싶어요 알고싶습니다 알고싶다 궁금해요
    궁금합니다 궁금 궁금한데 법 쓰는 쓰면 써요 쓰나요 설명해주세요 가르쳐주세요 말해줘 부탁
    부탁해요 부탁드립니다 좀 그냥 진짜
    정말 너무 많이 혹시 다시 먼저 바로 빨리 대충 제일 가장 또 같이 따로 꼭 한번 한번에 자꾸 계속 아직
    벌써 이미 항상 보통 주로 대략 대충요 잘 못 안 더 덜 다 모두 전부 전체적으로 것 거 게 건 걸 수 때 등
    및 그 이 저 그런 이런 저런 그런거 이런거 같은 같은거 같아요 같은데 곳 데 분 점 아무 모든 각 직접
    온통 여러 여러가지 다양한 되고 되어 되어야 됩니다 되는거죠 했어요 하게 하면서 나와요 나오나요 나와
    나오는 나오면 나올까요 끝나고 끝나면 끝난 줄여주는 줄여 도와주는 도와주나요 도와줘요 도와주는거 도와
    도움되는 구하는 구해요 구하려면 구할 알아봐야 알아보는 알아보려면 뭐하는 뭐해요 뭐함 하는곳
    가능한가요 가능해요 가능한지 됐는데 된다고 이래요 어때요 정확히 정확하게 자세히 자세하게 간단히 쉽게
    전 후 중 전에 후에 중에 동안 다음 매번 매일 항상 자주 안녕 안녕하세요 안녕하십니까 감사 감사합니다
    고맙습니다 고마워요 수고 수고하세요 실례 죄송 죄송합니다 다니는데 다니고 다녀요 다녀서 받으면서
    하면서 되면서 받으며 하며 맞는 맞게 어려울 어려워 어려운 어렵다 어려워요 쉬운 좋은 좋겠어요 요 네 예
    아 음 저기 그리고 그런데 근데 그래서 그럼 그러면 아니면 또는 혹은 말고 대해 대해서 위해 위한 통해
    관해 관해서 라는 라고 이라는 하는게 된다던데 던데 들었는데 맞나요 맞죠 맞아요 받아요 받을 받는
    받으면 받고 받나요 받을수 받아 받아볼 받아볼까 주는 주나요 줘요 주세요 줄 가요 가야 가야돼요 가면
    가서 와요 오면 보면 봐요 봐야 보고 써도 쓰면 써야 내요 내면 내야 내는 싶어요 싶은데 싶다 싶습니다
    싶어 싶은 싶고 어때 어때요 어떤가요 어떨까요 좋아요 좋은 좋을까요 다른 다른거 다른가요 다른거죠
    다니는 다닐 다녀요 나가서 나가 배우는 뽑으려고 올리면 시키려면 what how is are the a an to for of in
    on and or help please me my i do does can about info
    """.split()
)

# Words about who is asking rather than what about: weak evidence either way.
CONTEXT_WORDS = frozenset(
    """
    우리 저희 제가 저는 나 저 내 제 아들 딸 아이 애 자녀 엄마 아빠 부모 부모님 학부모 가족 남편 아내
    선생님 담임 교사 회사 사람 본인 지금 요즘 나중 나중에 이번 올해 내년 입장 경우 상황 문제 때문 나라
    정부 국가 사업주 사업체 기업 고용주 구직자 직원 근로자 당사자 사장 사장님 담당자 집 근처 주변 동네
    """.split()
)

# General nouns that name an action or a category but no particular program.
LIGHT_NOUNS = frozenset(
    """
    등록 신청 지원 방법 절차 대상 서류 제도 사업 프로그램 서비스 정보 관련 안내 문의 기관 센터 혜택 조건
    자격 기간 종류 내용 설명 이용 가능 필요 도움 상담 사이트 홈페이지 장애 장애인 취업 고용 일자리 일
    직장 근무 작성 제출 확인 과정 단계 기준 정도 비용 금액 돈 양식 서식 취직 구직활동 일반 설정 변경
    수정 가입 조회 검색 발급 재발급 접수 처리 준비 참여 활용 연계 신고 결과
    """.split()
)

_WORD = re.compile(r"[0-9A-Za-z\u3131-\u318e\uac00-\ud7a3]+")


def split_words(text: str) -> list[str]:
    """Words of already-normalised text: Hangul, jamo, Latin letters and digits."""
    return _WORD.findall(text)


def stems(word: str, verbal: bool = True, shortest: int = 2) -> list[str]:
    """The word and its plausible stems without trailing particles, suffixes or verbal endings.

    Ordered from the whole word to the shortest stem; a stem keeps at least
    `shortest` syllables, so that 제도 stays 제도 and 아이 stays 아이.
    """
    return list(_stems(word, verbal, shortest))


@functools.lru_cache(maxsize=1 << 16)
def _stems(word: str, verbal: bool, shortest: int) -> tuple[str, ...]:
    forms = [word]
    for size in _PARTICLE_SIZES:  # longest first, like PARTICLES
        if len(word) - size >= shortest and word[-size:] in _PARTICLE_SET:
            forms.append(word[:-size])
    for form in list(forms):
        if form.endswith(SUFFIXES) and len(form) - 1 >= max(2, shortest):  # 임용 is no 임 + 용
            forms.append(form[:-1])
    if verbal:
        found = _VERBAL_ENDING.search(word, 1)
        if found and found.start() >= 1:
            forms.append(word[: found.start()])
    return tuple(dict.fromkeys(forms))


@functools.lru_cache(maxsize=1 << 16)
def is_stopword(word: str) -> bool:
    """Function words, question words and common predicates, with or without particles."""
    if word in STOPWORDS or any(s in STOPWORDS for s in stems(word, shortest=1)[1:]):
        return True
    # a bare form of 하다/되다/받다/시키다/있다 (하는데, 되는지, 시키려고, 받아볼까)
    return bool(_VERBAL_ENDING.match(word)) and len(word) <= 6 and looks_like_predicate(word)


def looks_like_predicate(word: str) -> bool:
    """A word that ends like a verb or adjective form (끝나고, 줄여, 나와요): probably no topic.

    A bare vowel ending (줄여, 받아) marks a predicate only in short words; longer
    ones are mostly loanwords (코리아).
    """
    if len(word) < 2 or word[-1] not in _PREDICATE_END:
        return False
    return len(word) <= 3 or word[-1] not in _CONNECTIVE_VOWELS


def is_listed(word: str) -> bool:
    """A general noun or a word about who is asking: it names no program."""
    return word in LIGHT_NOUNS or word in CONTEXT_WORDS
