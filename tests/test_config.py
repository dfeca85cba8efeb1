"""bot.config (and bot.settings): config.yaml -> frozen dataclasses, or an error naming the key."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import Config, SearchSettings, TelegramSettings, load_config
from bot.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "config.yaml"


@pytest.fixture(scope="module")
def bundled_data() -> dict[str, Any]:
    data = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def write_config(directory: Path, data: Any, name: str = "config.yaml") -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def changed(data: dict[str, Any], key: str, value: Any = ..., *, delete: bool = False) -> dict[str, Any]:
    """A deep copy of `data` with dotted `key` set to `value` (or deleted)."""
    copy: dict[str, Any] = yaml.safe_load(yaml.safe_dump(data, allow_unicode=True))
    *parents, last = key.split(".")
    target = copy
    for part in parents:
        target = target[part]
    if delete:
        del target[last]
    else:
        target[last] = value
    return copy


def config_error(path: Path, knowledge_dir: Path | None = None) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_config(path, knowledge_dir)
    error = caught.value
    assert error.path == path
    assert str(error).startswith(str(path))
    assert "Traceback" not in str(error)
    return error


# -- the bundled file ----------------------------------------------------------------------


def test_bundled_config_loads() -> None:
    config = load_config(BUNDLED)
    assert config.path == BUNDLED
    assert config.knowledge_dir == ROOT / "knowledge"
    assert config.contact.phone == "1588-1519"
    assert config.contact.url.startswith("https://")
    assert 0 < config.search.suggest_score <= config.search.answer_score <= 1
    assert 1 <= config.search.max_suggestions <= 5
    assert config.urgent.patterns and config.urgent.text
    assert all(isinstance(p, str) for p in config.urgent.patterns)
    assert config.messages.welcome and config.messages.fallback
    assert "{article}" in config.messages.source
    assert config.telegram.port == 8443
    assert isinstance(config.smalltalk.greetings, tuple)


def test_config_is_frozen() -> None:
    config = load_config(BUNDLED)
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.contact = config.contact  # type: ignore[misc]


def test_round_trip_of_bundled_data_loads(tmp_path: Path, bundled_data: dict[str, Any]) -> None:
    config = load_config(write_config(tmp_path, bundled_data))
    assert config.messages == load_config(BUNDLED).messages


# -- unknown keys, wrong types, missing keys ------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        "colour",
        "search.answer_scor",
        "contact.email",
        "messages.welcom",
        "telegram.prot",
        "smalltalk.bye",
        "path",  # set by the loader, not by the file
    ],
)
def test_unknown_key_is_named(tmp_path: Path, bundled_data: dict[str, Any], key: str) -> None:
    error = config_error(write_config(tmp_path, changed(bundled_data, key, 1)))
    assert f"unknown key {key!r}" in str(error)


def test_unknown_key_in_a_list_item_is_named(tmp_path: Path, bundled_data: dict[str, Any]) -> None:
    data = changed(bundled_data, "urgent.links", [{"text": "109", "url": "https://x.kr", "phone": "109"}])
    assert "unknown key 'urgent.links[0].phone'" in str(config_error(write_config(tmp_path, data)))


WRONG_TYPES = [
    (
        "max-suggestions-text",
        "search.max_suggestions",
        "three",
        "search.max_suggestions: expected int, got str",
    ),
    (
        "max-suggestions-bool",
        "search.max_suggestions",
        True,
        "search.max_suggestions: expected int, got bool",
    ),
    (
        "max-suggestions-float",
        "search.max_suggestions",
        2.5,
        "search.max_suggestions: expected int, got float",
    ),
    ("answer-score-text", "search.answer_score", "high", "search.answer_score: expected float, got str"),
    ("port-text", "telegram.port", "8443", "telegram.port: expected int, got str"),
    ("welcome-list", "messages.welcome", ["안녕"], "messages.welcome: expected str, got list"),
    ("help-empty", "messages.help", None, "messages.help: expected str, got nothing"),
    ("contact-name-bool", "contact.name", True, "contact.name: expected str, got bool"),
    ("patterns-text", "urgent.patterns", "자살", "urgent.patterns: expected a list, got str"),
    ("pattern-empty", "urgent.patterns", ["자살", None], "urgent.patterns[1]: expected str, got nothing"),
    ("link-without-url", "urgent.links", [{"text": "109"}], "missing key 'urgent.links[0].url'"),
    ("contact-text", "contact", "공단", "contact: expected a mapping, got str"),
    ("search-list", "search", [0.6], "search: expected a mapping, got list"),
]


@pytest.mark.parametrize(
    ("key", "value", "expected"), [pytest.param(k, v, e, id=case) for case, k, v, e in WRONG_TYPES]
)
def test_wrong_type_names_the_key(
    tmp_path: Path, bundled_data: dict[str, Any], key: str, value: Any, expected: str
) -> None:
    error = config_error(write_config(tmp_path, changed(bundled_data, key, value)))
    assert expected in str(error)


@pytest.mark.parametrize(
    "key", ["contact", "urgent", "messages", "messages.welcome", "contact.phone", "urgent.text"]
)
def test_missing_required_key_is_named(tmp_path: Path, bundled_data: dict[str, Any], key: str) -> None:
    error = config_error(write_config(tmp_path, changed(bundled_data, key, delete=True)))
    assert f"missing key {key!r}" in str(error)


@pytest.mark.parametrize(
    ("key", "default"),
    [
        pytest.param("search", SearchSettings(), id="search"),
        pytest.param("smalltalk.thanks", (), id="smalltalk.thanks"),
        pytest.param("telegram", TelegramSettings(), id="telegram"),
        pytest.param("contact.online_label", "", id="contact.online_label"),
    ],
)
def test_optional_key_may_be_left_out(
    tmp_path: Path, bundled_data: dict[str, Any], key: str, default: Any
) -> None:
    config = load_config(write_config(tmp_path, changed(bundled_data, key, delete=True)))
    value: Any = config
    for part in key.split("."):
        value = getattr(value, part)
    assert value == default


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", "missing key 'contact'", id="empty-file"),
        pytest.param("- a\n- b\n", "top level: expected a mapping, got list", id="a-list"),
        pytest.param("just text\n", "top level: expected a mapping, got str", id="a-string"),
    ],
)
def test_file_that_is_not_a_mapping(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    assert expected in str(config_error(path))


@pytest.mark.parametrize(
    ("text", "line"),
    [
        pytest.param("contact:\n  name: a\n  phone: [1\n  url: x\n", 4, id="unclosed-list"),
        pytest.param("contact:\n  name: a\n   phone: 1\n", 3, id="bad-indent"),
        pytest.param("# comment\n\nsearch:\n  answer_score: 0.6\n\tmax: 1\n", 5, id="tab"),
    ],
)
def test_invalid_yaml_gives_the_line(tmp_path: Path, text: str, line: int) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    error = config_error(path)
    assert error.line == line
    assert str(error).startswith(f"{path}:{line}: invalid YAML")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(None, "No such file", id="missing"),
        pytest.param(b"contact:\n  name: \xb0\xf8\xb4\xdc\n", "cannot read file", id="not-utf8"),
    ],
)
def test_unreadable_file_is_named(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "config.yaml"
    if content is not None:
        path.write_bytes(content)
    assert message in str(config_error(path))


# -- values checked beyond their type -----------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        pytest.param("search.suggest_score", 0.7, "suggest_score <= answer_score", id="suggest-above-answer"),
        pytest.param("search.answer_score", 1.5, "answer_score <= 1", id="answer-above-1"),
        pytest.param("search.suggest_score", 0, "0 < suggest_score", id="suggest-zero"),
        pytest.param("search.suggest_score", -0.1, "0 < suggest_score", id="suggest-negative"),
        pytest.param("search.max_suggestions", 0, "search.max_suggestions", id="no-suggestions"),
        pytest.param("search.max_suggestions", 6, "search.max_suggestions", id="too-many-suggestions"),
        pytest.param("contact.url", "www.kead.or.kr", "must start with https://", id="contact-url"),
        pytest.param(
            "urgent.links", [{"text": "109", "url": "tel:109"}], "must start with https://", id="urgent-link"
        ),
        pytest.param("urgent.patterns", [], "urgent.patterns", id="no-urgent-patterns"),
    ],
)
def test_out_of_range_values_are_rejected(
    tmp_path: Path, bundled_data: dict[str, Any], key: str, value: Any, expected: str
) -> None:
    assert expected in str(config_error(write_config(tmp_path, changed(bundled_data, key, value))))


def test_equal_thresholds_are_accepted(tmp_path: Path, bundled_data: dict[str, Any]) -> None:
    data = changed(changed(bundled_data, "search.answer_score", 0.5), "search.suggest_score", 0.5)
    search = load_config(write_config(tmp_path, data)).search
    assert search.answer_score == search.suggest_score == 0.5


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        pytest.param("contact.phone", 15881519, "15881519", id="phone-as-int"),
        pytest.param("contact.phone", "1588-1519", "1588-1519", id="phone-as-text"),
        pytest.param("search.answer_score", 1, 1.0, id="int-for-float"),
    ],
)
def test_numbers_are_accepted_where_harmless(
    tmp_path: Path, bundled_data: dict[str, Any], key: str, value: Any, expected: Any
) -> None:
    config = load_config(write_config(tmp_path, changed(bundled_data, key, value)))
    section, name = key.split(".")
    loaded = getattr(getattr(config, section), name)
    assert loaded == expected
    assert type(loaded) is type(expected)


def test_phone_written_bare_in_yaml_is_text(tmp_path: Path) -> None:
    text = BUNDLED.read_text(encoding="utf-8").replace("phone: 1588-1519", "phone: 15881519")
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_config(path).contact.phone == "15881519"


# -- where the knowledge is ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("kb", "sub/kb", id="relative"),
        pytest.param("../shared/kb", "sub/../shared/kb", id="parent"),
        pytest.param(..., "sub/knowledge", id="default"),
    ],
)
def test_knowledge_dir_is_relative_to_the_config_file(
    tmp_path: Path, bundled_data: dict[str, Any], value: Any, expected: str
) -> None:
    data = (
        changed(bundled_data, "knowledge_dir", delete=True)
        if value is ...
        else changed(bundled_data, "knowledge_dir", value)
    )
    config = load_config(write_config(tmp_path, data, "sub/config.yaml"))
    assert config.knowledge_dir == tmp_path / expected


def test_absolute_knowledge_dir_is_kept(tmp_path: Path, bundled_data: dict[str, Any]) -> None:
    target = tmp_path / "elsewhere"
    config = load_config(
        write_config(tmp_path, changed(bundled_data, "knowledge_dir", str(target)), "sub/c.yaml")
    )
    assert config.knowledge_dir == target


@pytest.mark.parametrize("override", ["other", "/abs/knowledge"])
def test_knowledge_override_wins(override: str) -> None:
    config = load_config(BUNDLED, Path(override))
    assert config.knowledge_dir == Path(override)


def test_config_type_is_the_dataclass() -> None:
    assert isinstance(load_config(BUNDLED), Config)
