"""docker-py's ``docker.types.containers``: these classes of `aiocontainers.sync.types`."""

from __future__ import annotations

from . import (
    ContainerConfig,
    DeviceRequest,
    HostConfig,
    LogConfig,
    Ulimit,
)

__all__ = [
    "ContainerConfig",
    "DeviceRequest",
    "HostConfig",
    "LogConfig",
    "Ulimit",
]
