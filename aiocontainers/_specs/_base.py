"""Base class of the input specs: frozen, strict about unknown names, positional like docker-py."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, ClassVar

from pydantic import ConfigDict, PlainSerializer

from .._checked import CheckedModel
from ..errors import InvalidArgument

__all__ = ["EnvironmentEntries", "EnvironmentMapping", "Spec", "mask_environment"]

_MASK = "******"


def mask_environment(entries: Iterable[str] | None) -> list[str] | None:
    """``["K=secret", "FLAG"]`` as ``["K=******", "FLAG"]``: the names without the values."""
    if entries is None:
        return None
    return [
        f"{name}={_MASK}" if sep else name
        for name, sep, _ in (entry.partition("=") for entry in entries)
    ]


_MASKED = PlainSerializer(mask_environment)
#: An optional field of ``KEY=value`` entries whose values are secret: dumps and ``repr()``
#: of the spec show the names only; the attribute and the wire form keep the values.
EnvironmentEntries = Annotated[list[str] | None, _MASKED]
#: The same as a mapping of variable names to values: dumps show the names only.
EnvironmentMapping = Annotated[
    dict[str, str] | None,
    PlainSerializer(lambda env: None if env is None else dict.fromkeys(env, _MASK)),
]


class Spec(CheckedModel):
    """A validated, immutable input value; unknown keywords are rejected by name.

    ``_positional`` lists the fields docker-py's constructor accepts positionally, so
    ``Mount("/data", "vol")`` works as it does with ``docker.types.Mount``. Invalid input
    raises `InvalidArgument` (its ``errors`` locate each
    problem), never echoing the values given. Fields typed `EnvironmentEntries`
    show only their variable names in ``repr()`` and dumps.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    _positional: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, **data: Any) -> None:
        cls = type(self).__name__
        if len(args) > len(self._positional):
            raise InvalidArgument(
                f"{cls}() takes at most {len(self._positional)} positional arguments "
                f"({len(args)} given)"
            )
        for name, value in zip(self._positional, args, strict=False):
            if name in data:
                raise InvalidArgument(f"{cls}() got multiple values for argument {name!r}")
            data[name] = value
        super().__init__(**data)

    def __repr_args__(self) -> Iterable[tuple[str | None, Any]]:
        fields = type(self).model_fields
        for name, value in super().__repr_args__():
            field = fields.get(name) if name else None
            if field is not None and _MASKED in field.metadata:
                value = mask_environment(value)
            yield name, value
