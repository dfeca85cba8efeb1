"""config.yaml -> frozen dataclasses. Secrets (the bot token) never live here."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from bot.errors import ConfigError
from bot.settings import build, read_yaml


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class Contact:
    """Where the bot sends people when it has no answer."""

    name: str
    phone: str
    url: str
    online_label: str = ""
    online_url: str = ""


@dataclass(frozen=True)
class SearchSettings:
    """Thresholds of the matcher; see bot/search.py for what each score means."""

    answer_score: float = 0.6
    answer_margin: float = 0.15
    suggest_score: float = 0.3
    max_suggestions: int = 3
    max_query_chars: int = 400


@dataclass(frozen=True)
class Urgent:
    """A reply for messages of despair; it takes precedence over everything else."""

    patterns: tuple[str, ...]
    text: str
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Smalltalk:
    greetings: tuple[str, ...] = ()
    thanks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Messages:
    """Every fixed sentence a user reads, in Korean, so an editor can change it."""

    welcome: str
    help: str
    greeting: str
    thanks: str
    fallback: str
    suggest: str
    source: str
    menu_title: str
    menu_button: str
    non_text: str
    unknown_action: str
    contact: str
    flood: str = "메시지가 너무 빨리 들어오고 있습니다. 잠시 기다렸다가 다시 물어봐 주세요."
    privacy: str = (
        "이 봇은 질문 내용(전화번호·주민등록번호·이메일·긴 숫자는 가림), 답한 결과, 누른 버튼과 "
        "'도움이 됐나요' 응답을 기록합니다. 텔레그램 아이디, 이름, 대화방 번호는 기록하지 않습니다. "
        "답하지 못한 질문을 찾아 안내를 고치기 위해서이며, {days}일이 지나면 자동으로 지웁니다."
    )


@dataclass(frozen=True)
class TelegramSettings:
    """Telegram front-end settings; environment variables override these."""

    base_url: str = ""
    webhook_url: str = ""
    listen: str = "127.0.0.1"
    port: int = 8443
    url_path: str = "telegram"
    secret_token: str = ""
    send_retries: int = 4
    description: str = ""
    short_description: str = ""


@dataclass(frozen=True)
class QuestionLogSettings:
    """What the Telegram front end records of each question: never who asked."""

    enabled: bool = True
    path: Path = Path("data/questions.sqlite3")
    retention_days: int = 90


@dataclass(frozen=True)
class FeedbackSettings:
    """The "was this helpful?" pair of buttons under each answer."""

    enabled: bool = True
    question: str = "도움이 됐나요?"
    yes_label: str = "예"
    no_label: str = "아니요"
    thanks: str = "감사합니다"


@dataclass(frozen=True)
class FloodSettings:
    """Beyond max_messages in per_seconds a chat gets one notice and no answers."""

    max_messages: int = 5
    per_seconds: float = 10.0


@dataclass(frozen=True)
class Config:
    contact: Contact
    urgent: Urgent
    messages: Messages
    knowledge_dir: Path = Path("knowledge")
    search: SearchSettings = field(default_factory=SearchSettings)
    smalltalk: Smalltalk = field(default_factory=Smalltalk)
    telegram: TelegramSettings = field(default_factory=TelegramSettings)
    question_log: QuestionLogSettings = field(default_factory=QuestionLogSettings)
    feedback: FeedbackSettings = field(default_factory=FeedbackSettings)
    flood: FloodSettings = field(default_factory=FloodSettings)
    admins: tuple[int, ...] = ()
    path: Path = Path("config.yaml")


def load_config(path: Path, knowledge_dir: Path | None = None) -> Config:
    """Load and validate config.yaml; a relative knowledge_dir is relative to the file."""
    data = read_yaml(path, ConfigError)
    if isinstance(data, dict) and "path" in data:
        raise ConfigError("unknown key 'path'", path)
    config = build(Config, data, "", path, ConfigError)
    directory = knowledge_dir if knowledge_dir is not None else path.parent / config.knowledge_dir
    _check(config, path)
    log = config.question_log
    return replace(
        config,
        knowledge_dir=directory,
        question_log=replace(log, path=path.parent / log.path),
        path=path,
    )


def _check(config: Config, path: Path) -> None:
    s = config.search
    if not 0 < s.suggest_score <= s.answer_score <= 1:
        raise ConfigError("search: need 0 < suggest_score <= answer_score <= 1", path)
    if not 1 <= s.max_suggestions <= 5:
        raise ConfigError("search.max_suggestions: must be between 1 and 5", path)
    for link in (*config.urgent.links, Link(config.contact.name, config.contact.url)):
        if not link.url.startswith(("https://", "http://")):
            raise ConfigError(f"link {link.text!r}: URL must start with https://", path)
    if config.flood.max_messages < 1 or config.flood.per_seconds <= 0:
        raise ConfigError("flood: max_messages must be at least 1 and per_seconds above 0", path)
    if config.question_log.retention_days < 1:
        raise ConfigError("question_log.retention_days: must be at least 1", path)
    if not config.urgent.patterns:
        raise ConfigError("urgent.patterns: give at least one pattern", path)
