"""Durations as Compose reads and writes them: Go's ``time.Duration`` text (``1m30s``).

Compose files give durations as Go duration strings (``"90s"``, ``"1m30s"``,
``"1.5h"``, ``"250ms"``); ``docker compose config`` prints them back in Go's
canonical form, which [`format_duration()`][aiocontainers.compose.format_duration] reproduces
exactly.
"""

from __future__ import annotations

import math
import re
from datetime import timedelta

from .._validation import validated
from ..errors import InvalidArgument

__all__ = ["format_duration", "parse_duration"]

_UNITS_NS = {
    "ns": 1,
    "us": 1_000,
    "µs": 1_000,
    "μs": 1_000,
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60_000_000_000,
    "h": 3_600_000_000_000,
}
_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")


def parse_duration(value: object) -> timedelta:
    """A Go duration string (or seconds as a number, or a ``timedelta``) as a ``timedelta``.

    Raises InvalidArgument (a ValueError) naming the accepted forms.
    """
    if isinstance(value, timedelta):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(value) or value < 0:
            raise InvalidArgument(f"invalid duration {value!r}: expected non-negative seconds")
        return _timedelta(value, microseconds=value * 1_000_000)
    if not isinstance(value, str):
        raise InvalidArgument(f"invalid duration {value!r}: expected a string like '1m30s'")
    text = value.strip()
    if text == "0":
        return timedelta(0)
    position, total = 0, 0
    if not text:
        raise InvalidArgument("invalid duration '': expected a string like '1m30s'")
    while position < len(text):
        match = _PART.match(text, position)
        if match is None:
            raise InvalidArgument(
                f"invalid duration {value!r}: expected a number with a unit "
                "(h, m, s, ms, us, ns), e.g. '1m30s' or '500ms'"
            )
        number, unit = match.groups()
        total += round(float(number) * _UNITS_NS[unit])
        position = match.end()
    return _timedelta(value, microseconds=total / 1000)


def _timedelta(value: object, *, microseconds: float) -> timedelta:
    try:
        return timedelta(microseconds=microseconds)
    except OverflowError:
        raise InvalidArgument(f"invalid duration {value!r}: too long") from None


def _fraction(value: int, digits: int) -> str:
    """``value`` (units of 10**-digits) as ``int[.frac]`` with trailing zeros dropped."""
    whole, frac = divmod(value, 10**digits)
    text = str(frac).rjust(digits, "0").rstrip("0")
    return f"{whole}.{text}" if text else str(whole)


@validated
def format_duration(value: timedelta) -> str:
    """``value`` the way Go's ``time.Duration.String()`` writes it: ``1m30s``, ``500ms``."""
    nanos = value // timedelta(microseconds=1) * 1000
    if nanos == 0:
        return "0s"
    sign = "-" if nanos < 0 else ""
    nanos = abs(nanos)
    if nanos < 1_000:
        return f"{sign}{nanos}ns"
    if nanos < 1_000_000:
        return f"{sign}{_fraction(nanos, 3)}µs"
    if nanos < 1_000_000_000:
        return f"{sign}{_fraction(nanos, 6)}ms"
    hours, rest = divmod(nanos, 3_600_000_000_000)
    minutes, rest = divmod(rest, 60_000_000_000)
    seconds = _fraction(rest, 9) + "s"
    if hours:
        return f"{sign}{hours}h{minutes}m{seconds}"
    if minutes:
        return f"{sign}{minutes}m{seconds}"
    return f"{sign}{seconds}"
