"""Base class of the input specs: frozen, strict about unknown names, positional like docker-py."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, PlainSerializer, ValidationError
from typing_extensions import Self

from .._validation import invalid_argument
from ..errors import InvalidArgument

__all__ = ["EnvironmentEntries", "Spec", "mask_environment"]

_MASK = "******"
T = TypeVar("T")


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


# How many spec validations are running in this context: a spec built while another is
# validated (a nested field, or a validator building one) lets pydantic's error through,
# so that the outermost spec reports every problem with its full location.
_depth: ContextVar[int] = ContextVar("aiocontainers_spec_depth", default=0)


def _outermost(where: str, validate: Callable[[], T]) -> T:
    """Run ``validate``; at the outermost spec, a ValidationError becomes InvalidArgument.

    The InvalidArgument is raised outside the ``except`` block, so it does not carry the
    ValidationError (whose text repeats every input value) as its ``__context__``.
    """
    depth = _depth.get()
    token = _depth.set(depth + 1)
    try:
        return validate()
    except ValidationError as exc:
        if depth:  # nested: pydantic merges it into the outer error
            raise
        error = invalid_argument(exc, where)
    finally:
        _depth.reset(token)
    raise error


class Spec(BaseModel):
    """A validated, immutable input value; unknown keywords are rejected by name.

    ``_positional`` lists the fields docker-py's constructor accepts positionally, so
    ``Mount("/data", "vol")`` works as it does with ``docker.types.Mount``. Invalid input
    raises :class:`~aiocontainers.errors.InvalidArgument` (its ``errors`` locate each
    problem), never echoing the values given. Fields typed :data:`EnvironmentEntries`
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
        _outermost(f"{cls}()", lambda: super(Spec, self).__init__(**data))

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:
        """Validate ``obj`` (a dict of options); InvalidArgument when it is invalid."""
        return _outermost(
            cls.__name__, lambda: super(Spec, cls).model_validate(obj, *args, **kwargs)
        )

    def __setattr__(self, name: str, value: Any) -> None:
        _outermost(type(self).__name__, lambda: super(Spec, self).__setattr__(name, value))

    def __repr_args__(self) -> Iterable[tuple[str | None, Any]]:
        fields = type(self).model_fields
        for name, value in super().__repr_args__():
            field = fields.get(name) if name else None
            if field is not None and _MASKED in field.metadata:
                value = mask_environment(value)
            yield name, value
