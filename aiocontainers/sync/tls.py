"""docker-py's ``docker.tls``: :mod:`aiocontainers.tls` (``TLSConfig``)."""

from __future__ import annotations

from ..tls import (
    TLSConfig,
)

__all__ = [
    "TLSConfig",
]
