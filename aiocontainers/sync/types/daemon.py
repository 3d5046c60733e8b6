"""docker-py's ``docker.types.daemon``: these classes of `aiocontainers.sync.types`."""

from __future__ import annotations

from . import (
    CancellableStream,
)

__all__ = [
    "CancellableStream",
]
