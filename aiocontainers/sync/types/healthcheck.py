"""docker-py's ``docker.types.healthcheck``: these classes of `aiocontainers.sync.types`."""

from __future__ import annotations

from . import (
    Healthcheck,
)

__all__ = [
    "Healthcheck",
]
