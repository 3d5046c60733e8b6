"""Base class of the input specs: frozen, strict about unknown names, positional like docker-py."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

__all__ = ["Spec"]


class Spec(BaseModel):
    """A validated, immutable input value; unknown keywords are rejected by name.

    ``_positional`` lists the fields docker-py's constructor accepts positionally, so
    ``Mount("/data", "vol")`` works as it does with ``docker.types.Mount``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    _positional: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, **data: Any) -> None:
        cls = type(self).__name__
        if len(args) > len(self._positional):
            raise TypeError(
                f"{cls}() takes at most {len(self._positional)} positional arguments "
                f"({len(args)} given)"
            )
        for name, value in zip(self._positional, args, strict=False):
            if name in data:
                raise TypeError(f"{cls}() got multiple values for argument {name!r}")
            data[name] = value
        super().__init__(**data)
