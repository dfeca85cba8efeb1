"""Typed loading of YAML mappings into frozen dataclasses.

Shared by config.yaml and the knowledge's programs file: an unknown key or a
wrong type is an error that names the key, never a silent default.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from pathlib import Path
from typing import Any, TypeVar

import yaml

from bot.errors import SourceError

T = TypeVar("T")
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path, error: type[SourceError]) -> Any:
    """Parse a YAML file safely, translating every failure into `error` naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise error(f"cannot read file: {e}", path) from e
    return parse_yaml(text, path, error)


def parse_yaml(text: str, path: Path, error: type[SourceError], first_line: int = 1) -> Any:
    """Parse YAML text with the safe loader; `first_line` offsets reported line numbers."""
    try:
        return yaml.load(text, Loader=SAFE_LOADER)  # the C loader where built: same safety, faster
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + first_line if mark is not None else None
        raise error(f"invalid YAML: {e.problem or e}", path, line) from e
    except yaml.YAMLError as e:
        raise error(f"invalid YAML: {e}", path) from e


def build(cls: type[T], data: Any, where: str, path: Path, error: type[SourceError]) -> T:
    """Build dataclass `cls` from a mapping, checking keys and types; `where` names the key."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise error(f"{where or 'top level'}: expected a mapping, got {_kind(data)}", path)
    hints, fields = _shape(typing.cast(Any, cls))
    unknown = sorted(set(map(str, data)) - set(fields))
    if unknown:
        known = ", ".join(sorted(fields))
        raise error(f"unknown key {_join(where, unknown[0])!r} (known: {known})", path)
    values: dict[str, Any] = {}
    for name, field in fields.items():
        key = _join(where, name)
        if name in data:
            values[name] = _convert(hints[name], data[name], key, path, error)
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            raise error(f"missing key {key!r}", path)
    return cls(**values)


@functools.cache
def _shape(cls: type[Any]) -> tuple[dict[str, Any], dict[str, dataclasses.Field[Any]]]:
    """Type hints and init fields of a dataclass, resolved once (a programs file has thousands)."""
    return typing.get_type_hints(cls), {f.name: f for f in dataclasses.fields(cls) if f.init}


def _convert(hint: Any, value: Any, key: str, path: Path, error: type[SourceError]) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _convert(inner[0], value, key, path, error)
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return build(hint, value, key, path, error)
    if origin is tuple:
        if value is None:
            return ()
        if isinstance(value, str) or not isinstance(value, list):
            raise error(f"{key}: expected a list, got {_kind(value)}", path)
        return tuple(_convert(args[0], v, f"{key}[{i}]", path, error) for i, v in enumerate(value))
    if hint is Path:
        return Path(_convert(str, value, key, path, error))
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if hint is str and isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)  # phone numbers and ids written without quotes
    if not isinstance(value, hint) or (hint is int and isinstance(value, bool)):
        raise error(f"{key}: expected {hint.__name__}, got {_kind(value)}", path)
    return value


def _join(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def _kind(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__
