"""Each spec field declares its Engine API form once; one serialiser and one reader use it.

A field is annotated ``Annotated[T, Wire("Limits.NanoCPUs", since="1.40")]``: the wire
path (dots nest objects), the API version that introduced it, and whether an empty
value is left out. `WireSpec.to_wire` walks the fields in declaration order (so
fields are declared in the order their keys are sent), leaves out unset (``None``)
values, checks version gates, and renders nested specs, lists and mappings; a
``timedelta`` is sent as nanoseconds. The same declarations read a dict in the wire
form (CamelCase keys, durations in nanoseconds, as docker-py's types hold it).
"""

from __future__ import annotations

import functools
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import model_validator

from .._arguments import ApiVersion
from .._validation import validated
from ._base import Spec
from ._parse import to_nanoseconds
from ._versions import require_api

__all__ = ["GatedWireSpec", "Wire", "WireSpec", "from_nanoseconds", "is_wire"]


@dataclass(frozen=True)
class Wire:
    """Where a field goes in the Engine API JSON.

    ``path``: the key, dotted for a nested object (``"VolumeOptions.NoCopy"``);
    ``since``: the API version that introduced it (older daemons get InvalidArgument);
    ``omit_empty``: leave out an empty rendered value too (``[]``, ``{}``, ``""``, False);
    ``encode``/``decode``: a conversion of this field's value to and from the wire form,
    where the generic one (nested specs, containers, durations) does not fit.
    """

    path: str
    since: str | None = None
    omit_empty: bool = False
    encode: Callable[[Any], Any] | None = None
    decode: Callable[[Any], Any] | None = None


def from_nanoseconds(value: object) -> object:
    """A wire duration (nanoseconds) as a timedelta; anything else is left for validation."""
    if isinstance(value, int) and not isinstance(value, bool):
        return timedelta(microseconds=value / 1000)
    return value


def is_wire(data: object) -> bool:
    """True for a non-empty dict in the Engine API's form (CamelCase keys)."""
    return (
        isinstance(data, Mapping)
        and bool(data)
        and all(isinstance(key, str) and key[:1].isupper() for key in data)
    )


def _is_duration(annotation: Any) -> bool:
    if annotation is timedelta:
        return True
    if get_origin(annotation) is Annotated:
        return _is_duration(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType):
        return any(_is_duration(arg) for arg in get_args(annotation))
    return False


@functools.cache
def _wire_fields(cls: type[Spec]) -> tuple[tuple[str, Wire, bool], ...]:
    """``(field name, its Wire, is a duration)`` for each wire field, in declaration order."""
    return tuple(
        (name, marker, _is_duration(field.annotation))
        for name, field in cls.model_fields.items()
        for marker in field.metadata
        if isinstance(marker, Wire)
    )


@functools.cache
def _known_keys(cls: type[Spec]) -> dict[str, frozenset[str]]:
    """The keys each object of the wire form may hold, by path (``""``: the top level)."""
    known: dict[str, set[str]] = {}
    for _, marker, _ in _wire_fields(cls):
        keys = marker.path.split(".")
        for depth, key in enumerate(keys):
            known.setdefault(".".join(keys[:depth]), set()).add(key)
    return {path: frozenset(keys) for path, keys in known.items()}


def _encode(value: Any, api_version: str | None) -> Any:
    if isinstance(value, WireSpec | GatedWireSpec):
        return value._render(api_version)
    if isinstance(value, timedelta):
        return to_nanoseconds(value)
    if isinstance(value, list | tuple):
        return [_encode(item, api_version) for item in value]
    if isinstance(value, Mapping):
        return {key: _encode(item, api_version) for key, item in value.items()}
    return value


class _WireFields(Spec):
    """The shared machinery of `WireSpec` and `GatedWireSpec`."""

    @model_validator(mode="before")
    @classmethod
    def _accept_wire(cls, data: Any) -> Any:
        """Read the wire keys of ``data`` (a dict) into fields; other keys pass through."""
        fields = _wire_fields(cls)
        if not fields or not isinstance(data, Mapping):
            return data
        known = _known_keys(cls)
        given = {key for key in data if isinstance(key, str) and key[:1].isupper()}
        if not given:
            return data
        cls._check_keys("", given, known[""])
        result = {key: value for key, value in data.items() if key not in given}
        for name, marker, duration in fields:
            *parents, leaf = marker.path.split(".")
            part: Any = data
            for depth, parent in enumerate(parents, 1):
                part = part.get(parent) or {}
                if not isinstance(part, Mapping):
                    raise ValueError(
                        f"{cls.__name__}: {parent} must be a dict, got {type(part).__name__}"
                    )
                cls._check_keys(parent, set(part), known[".".join(parents[:depth])])
            if part.get(leaf) is None:
                continue
            if name in result:
                raise ValueError(f"{name}: given twice, as {name!r} and as {marker.path!r}")
            value = part[leaf]
            if marker.decode is not None:
                value = marker.decode(value)
            elif duration:
                value = from_nanoseconds(value)
            result[name] = value
        return result

    @classmethod
    def _check_keys(cls, where: str, keys: set[str], known: frozenset[str]) -> None:
        if unknown := keys - known:
            raise ValueError(
                f"{cls.__name__}: unknown keys {sorted(unknown)}{where and f' in {where}'}; "
                f"expected {', '.join(sorted(known))}"
            )

    @staticmethod
    def _require(api_version: str | None, since: str, feature: str) -> None:
        """InvalidArgument when ``api_version`` predates ``since`` (the gate of ``feature``)."""
        if api_version is None:  # a spec with gates is rendered with a version
            raise TypeError(f"{feature} needs an API version to be rendered")
        require_api(api_version, since, feature)

    def _render(self, api_version: str | None) -> dict[str, Any]:
        """The wire JSON: every set field at its path, gates checked for ``api_version``."""
        wire: dict[str, Any] = {}
        for name, marker, _ in _wire_fields(type(self)):
            value = getattr(self, name)
            if value is None:
                continue
            value = _encode(value, api_version) if marker.encode is None else marker.encode(value)
            if marker.omit_empty and not value:
                continue
            if marker.since is not None:
                self._require(api_version, marker.since, f"{type(self).__name__}.{name}")
            *parents, leaf = marker.path.split(".")
            target = wire
            for parent in parents:
                target = target.setdefault(parent, {})
            target[leaf] = value
        return wire


class WireSpec(_WireFields):
    """A spec rendered the same for every API version: ``to_wire()``."""

    @validated
    def to_wire(self) -> dict[str, Any]:
        """The Engine API JSON of this spec."""
        return self._render(None)


class GatedWireSpec(_WireFields):
    """A spec with fields newer API versions introduced: ``to_wire(api_version)``.

    A set field the daemon's version lacks raises InvalidArgument naming it, before any
    request is sent.
    """

    @validated
    def to_wire(self, api_version: ApiVersion) -> dict[str, Any]:
        """The Engine API JSON of this spec for a daemon speaking ``api_version``."""
        return self._render(api_version)
