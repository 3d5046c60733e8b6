"""API version arithmetic: Docker versions compare as (major, minor) integers."""

from __future__ import annotations

__all__ = ["MAX_API_VERSION", "MIN_API_VERSION", "parse_version", "version_lt"]

MAX_API_VERSION = "1.47"
MIN_API_VERSION = "1.41"
"""The oldest API the library speaks (Docker Engine 20.10): older daemons fail negotiation."""


def parse_version(version: str) -> tuple[int, int]:
    """``"1.41"`` or ``"v1.41"`` as ``(1, 41)``; anything else is a ValueError."""
    major, _, minor = version.lstrip("v").partition(".")
    return int(major), int(minor or 0)


def version_lt(left: str, right: str) -> bool:
    """True when API version ``left`` is older than ``right`` (``1.9 < 1.41``)."""
    return parse_version(left) < parse_version(right)
