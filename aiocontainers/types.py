"""Public building blocks for specs, named as in ``docker.types``.

``from aiocontainers.types import Mount, Healthcheck`` replaces
``from docker.types import Mount, Healthcheck``. One difference on purpose:
[`Healthcheck`][aiocontainers.types.Healthcheck] takes durations in seconds (or ``timedelta``), not
nanoseconds.

Swarm services: two docker-py names clash with container types, so ``docker.types.ContainerSpec``
(a service's container) is [`ServiceContainerSpec`][aiocontainers.types.ServiceContainerSpec] here
and ``docker.types.RestartPolicy`` (a task's restart condition) is
[`ServiceRestartPolicy`][aiocontainers.types.ServiceRestartPolicy];
[`ContainerSpec`][aiocontainers.types.ContainerSpec] and
[`RestartPolicy`][aiocontainers.types.RestartPolicy] are the ``containers.run()`` ones. Service
durations (``UpdateConfig.delay``, ``stop_grace_period``...) are seconds too.
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
from ._specs._service import (
    ConfigReference,
    DNSConfig,
    EndpointSpec,
    NetworkAttachmentConfig,
    Placement,
    PlacementPreference,
    Privileges,
    Resources,
    RollbackConfig,
    SecretReference,
    ServiceContainerSpec,
    ServiceMode,
    ServiceRestartPolicy,
    SwarmExternalCA,
    SwarmSpec,
    TaskTemplate,
    UpdateConfig,
)

__all__ = [
    "ConfigReference",
    "ContainerSpec",
    "DNSConfig",
    "DeviceRequest",
    "DriverConfig",
    "EndpointConfig",
    "EndpointSpec",
    "Healthcheck",
    "IPAMConfig",
    "IPAMPool",
    "LogConfig",
    "Mount",
    "NetworkAttachmentConfig",
    "Placement",
    "PlacementPreference",
    "Privileges",
    "Resources",
    "RestartPolicy",
    "RollbackConfig",
    "SecretReference",
    "ServiceContainerSpec",
    "ServiceMode",
    "ServiceRestartPolicy",
    "SwarmExternalCA",
    "SwarmSpec",
    "TaskTemplate",
    "Ulimit",
    "UpdateConfig",
]
