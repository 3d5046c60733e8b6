"""docker-py's ``docker.types.networks``: these classes of `aiocontainers.sync.types`."""

from __future__ import annotations

from . import (
    EndpointConfig,
    IPAMConfig,
    IPAMPool,
    NetworkingConfig,
)

__all__ = [
    "EndpointConfig",
    "IPAMConfig",
    "IPAMPool",
    "NetworkingConfig",
]
