"""The Compose model: build stacks in Python, or read them from Compose files.

```python
from aiocontainers import Stack
from aiocontainers.compose import ServiceConfig

stack = Stack("shop", services={
    "db": ServiceConfig(image="postgres:16", healthcheck={"test": "pg_isready"}),
    "web": {"image": "shop-web", "ports": ["8000:8000"],
            "depends_on": {"db": {"condition": "service_healthy"}}},
})
```

Every model takes the keys of a Compose file, in any of their short or long
forms, and stores the long form that ``stack.config()`` prints.
"""

from __future__ import annotations

from ._compose import (
    BuildConfig,
    ConfigObjectConfig,
    DeployConfig,
    DeviceMapping,
    GenericResource,
    GenericResourceSpec,
    HealthcheckConfig,
    IPAMConfig,
    IPAMPool,
    LoggingConfig,
    NetworkConfig,
    PlacementConfig,
    PlacementPreferenceConfig,
    PortConfig,
    ResourceLimits,
    ResourceReservations,
    Resources,
    RestartPolicyConfig,
    RolloutConfig,
    SecretConfig,
    ServiceConfig,
    ServiceDependency,
    ServiceFileReference,
    ServiceNetwork,
    ServiceVolume,
    Stack,
    Ulimit,
    VolumeConfig,
    format_duration,
    parse_duration,
)

__all__ = [
    "BuildConfig",
    "ConfigObjectConfig",
    "DeployConfig",
    "DeviceMapping",
    "GenericResource",
    "GenericResourceSpec",
    "HealthcheckConfig",
    "IPAMConfig",
    "IPAMPool",
    "LoggingConfig",
    "NetworkConfig",
    "PlacementConfig",
    "PlacementPreferenceConfig",
    "PortConfig",
    "ResourceLimits",
    "ResourceReservations",
    "Resources",
    "RestartPolicyConfig",
    "RolloutConfig",
    "SecretConfig",
    "ServiceConfig",
    "ServiceDependency",
    "ServiceFileReference",
    "ServiceNetwork",
    "ServiceVolume",
    "Stack",
    "Ulimit",
    "VolumeConfig",
    "format_duration",
    "parse_duration",
]
