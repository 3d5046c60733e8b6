"""docker-py's ``docker.types.swarm``: these classes of `aiocontainers.sync.types`."""

from __future__ import annotations

from . import (
    SwarmExternalCA,
    SwarmSpec,
)

__all__ = [
    "SwarmExternalCA",
    "SwarmSpec",
]
