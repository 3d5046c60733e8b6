"""What every Compose model shares: strict keys, ``x-`` extensions, Compose's value types.

The scalar types here read Compose's loose input forms (``"512m"``, ``"1m30s"``,
``"0.5"``) and write them back as ``docker compose config --format json``
does: sizes as strings of bytes, durations in Go's form.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    model_validator,
)

from .._checked import CheckedModel
from .._specs._parse import parse_bytes
from .._validation import validated
from ._durations import format_duration, parse_duration

__all__ = [
    "ByteSize",
    "ComposeModel",
    "Duration",
    "ExtensibleModel",
    "StrList",
    "StrMap",
    "key_value_map",
    "scalar_text",
]


def scalar_text(value: object, what: str) -> str:
    """A YAML scalar as Compose reads it into a string: ``true`` -> ``"true"``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise ValueError(f"expected a string for {what}, got {type(value).__name__}")


def key_value_map(value: object, what: str, *, allow_missing: bool = False) -> dict[str, Any]:
    """A Compose "list or dict" value (``["K=v"]`` or ``{K: v}``) as a dict.

    With ``allow_missing`` a list item without ``=`` (or a null value) maps to
    ``None``; otherwise it maps to ``""``.
    """
    if isinstance(value, Mapping):
        result: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str) or not key:
                raise ValueError(f"{what} names must be non-empty strings, got {key!r}")
            if item is None:
                result[key] = None if allow_missing else ""
            else:
                result[key] = scalar_text(item, f"{what} {key!r}")
        return result
    if isinstance(value, (list, tuple)):
        result = {}
        for item in value:
            if not isinstance(item, str):
                raise ValueError(
                    f"expected 'KEY=value' strings in {what}, got {type(item).__name__}"
                )
            key, sep, text = item.partition("=")
            if not key:
                raise ValueError(f"an entry of {what} has no name (values are not shown)")
            result[key] = text if sep else (None if allow_missing else "")
        return result
    raise ValueError(
        f"{what} must be a list of 'KEY=value' or a mapping, got {type(value).__name__}"
    )


def _str_list(value: object) -> object:
    """A string or number stands for a one-item list (``dns: 8.8.8.8``, ``expose: 80``)."""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, (list, tuple)):
        return [scalar_text(item, "list item") for item in value]
    return value


def _str_map(value: object) -> object:
    if isinstance(value, (Mapping, list, tuple)):
        return key_value_map(value, "entries")
    return value


def _byte_size(value: object) -> int:
    return parse_bytes(value, "size")


Duration = Annotated[
    timedelta,
    BeforeValidator(parse_duration),
    PlainSerializer(format_duration, return_type=str, when_used="json"),
]
ByteSize = Annotated[
    int,
    BeforeValidator(_byte_size),
    PlainSerializer(str, return_type=str, when_used="json"),
]
StrList = Annotated[list[str], BeforeValidator(_str_list)]
StrMap = Annotated[dict[str, str], BeforeValidator(_str_map)]


class ComposeModel(CheckedModel):
    """A part of the Compose model: immutable, and an unknown key is an error, never ignored.

    Built directly (``ServiceConfig(image=...)``), invalid input raises InvalidArgument.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @validated
    def to_compose(self) -> dict[str, Any]:
        """This part as ``docker compose config --format json`` prints it."""
        return self.model_dump(mode="json", exclude_none=True, by_alias=True)


class ExtensibleModel(ComposeModel):
    """A Compose model that may carry ``x-`` extension keys; Compose ignores them, so do we.

    They are kept (``extensions``) and printed back by ``config()``.
    """

    extensions: dict[str, Any] = Field(default_factory=dict, exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _extensions(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and any(str(key).startswith("x-") for key in data):
            found = {k: v for k, v in data.items() if str(k).startswith("x-")}
            data = {k: v for k, v in data.items() if not str(k).startswith("x-")}
            data["extensions"] = {**dict(data.get("extensions") or {}), **found}
        return data

    @validated
    def to_compose(self) -> dict[str, Any]:
        return {**super().to_compose(), **self.extensions}
