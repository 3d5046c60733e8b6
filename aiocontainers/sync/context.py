"""docker-py's ``docker.context``: :mod:`aiocontainers.context` (Docker CLI contexts)."""

from __future__ import annotations

from .. import context as _context
from ..context import *  # noqa: F403 - the same names, listed once (in aiocontainers.context)

__all__ = _context.__all__
