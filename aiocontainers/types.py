"""Public building blocks for specs, named as in ``docker.types``.

``from aiocontainers.types import Mount, Healthcheck`` replaces
``from docker.types import Mount, Healthcheck``. One difference on purpose:
:class:`Healthcheck` takes durations in seconds (or ``timedelta``), not nanoseconds.
"""

from __future__ import annotations

from ._specs import (
    ContainerSpec,
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
]
