"""The Compose model: files in, a validated :class:`Stack` out. Pure code, no daemon."""

from __future__ import annotations

from ._durations import format_duration, parse_duration
from ._project import IPAMConfig, IPAMPool, NetworkConfig, Stack, VolumeConfig
from ._service import (
    BuildConfig,
    DeployConfig,
    DeviceMapping,
    HealthcheckConfig,
    LoggingConfig,
    PortConfig,
    ResourceLimits,
    Resources,
    RestartPolicyConfig,
    ServiceConfig,
    ServiceDependency,
    ServiceNetwork,
    ServiceVolume,
    Ulimit,
)

__all__ = [
    "BuildConfig",
    "DeployConfig",
    "DeviceMapping",
    "HealthcheckConfig",
    "IPAMConfig",
    "IPAMPool",
    "LoggingConfig",
    "NetworkConfig",
    "PortConfig",
    "ResourceLimits",
    "Resources",
    "RestartPolicyConfig",
    "ServiceConfig",
    "ServiceDependency",
    "ServiceNetwork",
    "ServiceVolume",
    "Stack",
    "Ulimit",
    "VolumeConfig",
    "format_duration",
    "parse_duration",
]
