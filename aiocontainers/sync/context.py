"""docker-py's ``docker.context``: :mod:`aiocontainers.context` (Docker CLI contexts)."""

from __future__ import annotations

from ..context import (
    Context,
    ContextAPI,
    from_context,
)

__all__ = [
    "Context",
    "ContextAPI",
    "from_context",
]
