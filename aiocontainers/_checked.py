"""Pydantic models whose invalid input raises InvalidArgument, not ValidationError.

Apart from `aiocontainers._validation` (the checked calls), so that importing a module
with checked methods does not import pydantic; a module that defines models does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from typing_extensions import Self

from ._validation import invalid_argument

__all__ = ["CheckedModel", "nested_validation"]

T = TypeVar("T")

# How many model validations are running in this context. A model built while another is
# validated (a nested field, or a validator building one) lets pydantic's error through,
# so that the outermost one reports every problem with its full location.
_depth: ContextVar[int] = ContextVar("aiocontainers_validation_depth", default=0)


@contextmanager
def nested_validation() -> Iterator[None]:
    """Mark models validated inside as nested: their ValidationError reaches the caller.

    For code that validates models through a ``TypeAdapter`` and words the errors itself.
    """
    token = _depth.set(_depth.get() + 1)
    try:
        yield
    finally:
        _depth.reset(token)


def _outermost(where: str, validate: Callable[[], T]) -> T:
    """Run ``validate``; at the outermost model, a ValidationError becomes InvalidArgument.

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


class CheckedModel(BaseModel):
    """A pydantic model whose invalid input raises InvalidArgument, not ValidationError.

    Construction, ``model_validate`` and assignment are translated where the caller
    made the model; a model validated inside another lets pydantic report it there.
    """

    def __init__(self, /, **data: Any) -> None:
        _outermost(f"{type(self).__name__}()", lambda: super(CheckedModel, self).__init__(**data))

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:
        """Validate ``obj``; InvalidArgument when it is invalid."""
        validate = super().model_validate
        return _outermost(cls.__name__, lambda: validate(obj, *args, **kwargs))

    def __setattr__(self, name: str, value: Any) -> None:
        _outermost(type(self).__name__, lambda: super(CheckedModel, self).__setattr__(name, value))
