"""Input specs: validated pydantic models that render Engine API JSON."""

from __future__ import annotations

from ._container import RUN_ONLY_OPTIONS, ContainerSpec
from ._parse import parse_bytes
from ._types import (
    DeviceRequest,
    DriverConfig,
    EndpointConfig,
    Healthcheck,
    IPAMConfig,
    IPAMPool,
    LogConfig,
    Mount,
    RestartPolicy,
    Ulimit,
)

__all__ = [
    "RUN_ONLY_OPTIONS",
    "ContainerSpec",
    "DeviceRequest",
    "DriverConfig",
    "EndpointConfig",
    "Healthcheck",
    "IPAMConfig",
    "IPAMPool",
    "LogConfig",
    "Mount",
    "RestartPolicy",
    "Ulimit",
    "parse_bytes",
]
