"""``aiocontainers.wait`` (readiness strategies for ``run(wait_for=...)``) in the sync package."""

from __future__ import annotations

from .. import wait as _wait
from ..wait import *  # noqa: F403 - the same names, listed once (in aiocontainers.wait)

__all__ = _wait.__all__
