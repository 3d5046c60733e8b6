"""Argument checks as docker-py callers meet them: flags take 0/1, and an argument of the
wrong type raises a TypeError (docker-py's) that is also our InvalidArgument."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import pytest

from aiocontainers._validation import validated
from aiocontainers.errors import InvalidArgument, InvalidArgumentType


@validated
def _call(flag: bool = False, maybe: bool | None = None, count: int = 0) -> tuple[object, ...]:
    return flag, maybe, count


# Called with what docker-py callers pass, which the annotations do not admit.
_loose: Any = _call


@validated
def _mode(mode: Literal["a", "b"] = "a") -> str:
    return mode


def test_flags_take_0_and_1_as_booleans() -> None:
    assert _loose(1, 0) == (True, False, 0)
    assert _loose(flag=0, maybe=1) == (False, True, 0)
    assert _call(True, None, 1) == (True, None, 1)  # an int parameter keeps its int


@pytest.mark.parametrize("value", [2, -1, "yes", datetime(2024, 1, 1), 1.0])
def test_other_values_for_a_flag_are_refused_as_a_type_error(value: object) -> None:
    with pytest.raises(InvalidArgumentType, match="flag") as info:
        _loose(value)
    assert isinstance(info.value, TypeError)
    assert isinstance(info.value, InvalidArgument)
    assert isinstance(info.value, ValueError)


def test_a_wrong_value_of_the_right_type_is_not_a_type_error() -> None:
    with pytest.raises(InvalidArgument) as info:
        _mode("c")  # type: ignore[arg-type]
    assert not isinstance(info.value, TypeError)
