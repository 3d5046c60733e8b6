"""Typed building blocks for container and network specs, named as in ``docker.types``.

Each is a frozen pydantic model that validates on construction and renders its Engine
API JSON with ``to_wire()``. Where docker-py's version is itself a dict with CamelCase
keys (``{"Name": "on-failure", "MaximumRetryCount": 3}``), those keys are accepted too.
Durations are seconds or ``timedelta``; nanoseconds exist only in the wire form.
"""

from __future__ import annotations

import builtins
import ipaddress
from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from .._validation import validated
from ..errors import InvalidArgument
from ._parse import duration_seconds, parse_bytes, parse_links, parse_str_map
from ._wire import GatedWireSpec, Wire, WireSpec

__all__ = [
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

# Anything this large given as "seconds" is a nanosecond value from docker-py habits
# (Docker's smallest non-zero duration, 1 ms, is 1_000_000 ns).
_NANOSECOND_SUSPECT = 1_000_000
_MIN_DURATION = timedelta(milliseconds=1)


def _check_ip(value: str | None, field: str, *, network: bool = False) -> str | None:
    if value is None:
        return None
    try:
        if network:
            ipaddress.ip_network(value, strict=False)
        else:
            ipaddress.ip_address(value)
    except ValueError:
        kind = "CIDR subnet" if network else "IP address"
        raise ValueError(f"{field}: invalid {kind} {value!r}") from None
    return value


class DriverConfig(WireSpec):
    """A volume driver and its options, for ``Mount(driver_config=...)``."""

    _positional = ("name", "options")

    if TYPE_CHECKING:

        def __init__(
            self, name: str = ..., options: dict[str, str] | None = None, **data: Any
        ) -> None: ...

    name: Annotated[str, Wire("Name")]
    options: Annotated[dict[str, str] | None, Wire("Options")] = None


class Mount(GatedWireSpec):
    """A mount (``HostConfig.Mounts``): ``Mount(target, source, type="volume", ...)``.

    ``bind`` mounts need a ``source`` (a host path); ``tmpfs`` mounts have none; a
    ``volume`` mount without ``source`` is an anonymous volume. Options belong to one
    type: ``propagation`` to ``bind``; ``no_copy``, ``labels``, ``driver_config`` and
    ``subpath`` to ``volume``; ``tmpfs_size`` (bytes or ``"64m"``) and ``tmpfs_mode`` to
    ``tmpfs``.
    """

    _positional = (
        "target",
        "source",
        "type",
        "read_only",
        "consistency",
        "propagation",
        "no_copy",
        "labels",
        "driver_config",
        "tmpfs_size",
        "tmpfs_mode",
        "subpath",
    )

    if TYPE_CHECKING:

        def __init__(
            self,
            target: str,
            source: str | None = None,
            type: Literal["bind", "volume", "tmpfs", "npipe"] = "volume",
            read_only: bool = False,
            consistency: str | None = None,
            propagation: str | None = None,
            no_copy: bool = False,
            labels: dict[str, str] | None = None,
            driver_config: DriverConfig | str | dict[str, Any] | None = None,
            tmpfs_size: int | str | None = None,
            tmpfs_mode: int | None = None,
            subpath: str | None = None,
        ) -> None: ...

    target: Annotated[str, Wire("Target")]
    type: Annotated[Literal["bind", "volume", "tmpfs", "npipe"], Wire("Type")] = "volume"
    source: Annotated[str | None, Wire("Source", decode=lambda source: source or None)] = None
    read_only: Annotated[bool, Wire("ReadOnly")] = False
    consistency: Annotated[
        Literal["default", "consistent", "cached", "delegated"] | None,
        Wire("Consistency", since="1.28"),
    ] = None
    propagation: Annotated[
        Literal["private", "rprivate", "shared", "rshared", "slave", "rslave"] | None,
        Wire("BindOptions.Propagation"),
    ] = None
    no_copy: Annotated[bool, Wire("VolumeOptions.NoCopy", omit_empty=True)] = False
    labels: Annotated[dict[str, str] | None, Wire("VolumeOptions.Labels")] = None
    driver_config: Annotated[DriverConfig | None, Wire("VolumeOptions.DriverConfig")] = None
    subpath: Annotated[str | None, Wire("VolumeOptions.Subpath", since="1.45")] = None
    tmpfs_size: Annotated[int | None, Wire("TmpfsOptions.SizeBytes")] = None
    tmpfs_mode: Annotated[int | None, Wire("TmpfsOptions.Mode")] = None

    @field_validator("driver_config", mode="before")
    @classmethod
    def _driver_config(cls, value: object) -> object:
        if isinstance(value, str):
            return DriverConfig(name=value)
        return value

    @field_validator("tmpfs_size", mode="before")
    @classmethod
    def _tmpfs_size(cls, value: object) -> int | None:
        if value is None:
            return None
        size = parse_bytes(value, "tmpfs_size")
        if size < 0:
            raise ValueError(f"tmpfs_size: must not be negative, got {value!r}")
        return size

    @model_validator(mode="after")
    def _check(self) -> Mount:
        if not self.target:
            raise ValueError(f"target: a mount needs a container path, got {self.target!r}")
        if self.type == "bind" and not self.source:
            raise ValueError(f"source: a bind mount needs a host path, got {self.source!r}")
        if self.type == "tmpfs" and self.source is not None:
            raise ValueError(f"source: a tmpfs mount has no source, got {self.source!r}")
        misplaced = {
            "propagation": self.propagation is not None and self.type != "bind",
            "no_copy": self.no_copy and self.type != "volume",
            "labels": self.labels is not None and self.type != "volume",
            "driver_config": self.driver_config is not None and self.type != "volume",
            "subpath": self.subpath is not None and self.type != "volume",
            "tmpfs_size": self.tmpfs_size is not None and self.type != "tmpfs",
            "tmpfs_mode": self.tmpfs_mode is not None and self.type != "tmpfs",
        }
        for option, wrong in misplaced.items():
            if wrong:
                value = getattr(self, option)
                raise ValueError(
                    f"{option}={value!r} does not apply to a {self.type!r} mount "
                    f"(target {self.target!r})"
                )
        return self

    @classmethod
    @validated
    def parse_mount_string(cls, string: str) -> Mount:
        """``"src:/dst[:ro|rw]"`` or ``"/dst"`` as a Mount; a source starting with ``/`` binds."""
        parts = string.split(":")
        if len(parts) == 1:
            return cls(target=parts[0])
        if len(parts) > 3 or (len(parts) == 3 and parts[2] not in ("ro", "rw")):
            raise InvalidArgument(f"invalid mount {string!r}; expected 'source:/target[:ro|rw]'")
        source, target = parts[0], parts[1]
        return cls(
            target=target,
            source=source,
            type="bind" if source.startswith("/") else "volume",
            read_only=len(parts) == 3 and parts[2] == "ro",
        )

    @classmethod
    @validated
    def from_wire(cls, wire: Mapping[str, Any]) -> Mount:
        """A Mount from its Engine API form (``{"Target": ..., "Type": ..., ...}``)."""
        return cls.model_validate(wire)


class Healthcheck(GatedWireSpec):
    """A health check. Durations are SECONDS (int/float) or ``timedelta`` — not nanoseconds.

    ``test``: ``[]`` inherits the image's check, ``["NONE"]`` disables it,
    ``["CMD", *argv]`` or ``["CMD-SHELL", "cmd"]`` run a command; a plain string means
    ``CMD-SHELL``. Each duration must be 0 or at least 1 ms. A number of one million or
    more is refused as a probable nanosecond value (docker-py's unit).
    """

    test: Annotated[list[str] | None, Wire("Test")] = None
    interval: Annotated[timedelta | None, Wire("Interval")] = None
    timeout: Annotated[timedelta | None, Wire("Timeout")] = None
    retries: Annotated[int | None, Wire("Retries")] = Field(default=None, ge=0)
    start_period: Annotated[timedelta | None, Wire("StartPeriod", since="1.29")] = None
    start_interval: Annotated[timedelta | None, Wire("StartInterval", since="1.44")] = None

    @field_validator("test", mode="before")
    @classmethod
    def _test(cls, value: object) -> object:
        if isinstance(value, str):
            return ["CMD-SHELL", value]
        return value

    @field_validator("test")
    @classmethod
    def _test_kind(cls, value: list[str] | None) -> list[str] | None:
        if value:
            kind = value[0]
            if kind not in ("NONE", "CMD", "CMD-SHELL"):
                raise ValueError(
                    f"test: must start with 'CMD', 'CMD-SHELL' or 'NONE', got {value!r}"
                )
            if kind != "NONE" and len(value) < 2:
                raise ValueError(f"test: {kind!r} needs a command, got {value!r}")
        return value

    @field_validator("interval", "timeout", "start_period", "start_interval", mode="before")
    @classmethod
    def _duration(cls, value: object, info: Any) -> timedelta | None:
        if value is None:
            return None
        field = info.field_name
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if value >= _NANOSECOND_SUSPECT:
                raise ValueError(
                    f"{field}: {value!r} seconds looks like nanoseconds; "
                    "aiocontainers.types.Healthcheck takes seconds or a timedelta"
                )
        duration = duration_seconds(value, field)
        if duration < timedelta(0) or timedelta(0) < duration < _MIN_DURATION:
            raise ValueError(f"{field}: must be 0 or at least 1 ms, got {value!r}")
        return duration


class Ulimit(WireSpec):
    """A resource limit (``--ulimit``). Given only one of soft/hard, both take that value."""

    name: Annotated[str, Wire("Name")] = Field(min_length=1)
    soft: Annotated[int | None, Wire("Soft")] = None
    hard: Annotated[int | None, Wire("Hard")] = None

    @model_validator(mode="after")
    def _check(self) -> Ulimit:
        if self.soft is None and self.hard is None:
            raise ValueError(f"ulimit {self.name!r}: give soft, hard or both")
        if self.soft is not None and self.hard is not None and 0 <= self.hard < self.soft:
            raise ValueError(
                f"ulimit {self.name!r}: soft limit {self.soft} is above hard limit {self.hard}"
            )
        return self

    def _render(self, api_version: str | None) -> dict[str, Any]:
        """The ``HostConfig.Ulimits`` entry."""
        soft = self.soft if self.soft is not None else self.hard
        hard = self.hard if self.hard is not None else self.soft
        return {"Name": self.name, "Soft": soft, "Hard": hard}


class LogConfigTypes:
    """Names of the built-in logging drivers (``LogConfig.types.JSON``)."""

    JSON = "json-file"
    SYSLOG = "syslog"
    JOURNALD = "journald"
    GELF = "gelf"
    FLUENTD = "fluentd"
    LOCAL = "local"
    NONE = "none"


class LogConfig(WireSpec):
    """A logging driver and its options (``--log-driver``/``--log-opt``)."""

    types: ClassVar[builtins.type[LogConfigTypes]] = LogConfigTypes

    type: Annotated[str, Wire("Type")] = Field(min_length=1)
    config: Annotated[dict[str, str], Wire("Config")] = Field(default_factory=dict)

    @field_validator("config", mode="before")
    @classmethod
    def _config(cls, value: object) -> dict[str, str]:
        if value is None:
            return {}
        return parse_str_map(value, "config")


_RESTART_POLICIES = ("no", "always", "unless-stopped", "on-failure")


class RestartPolicy(WireSpec):
    """A container restart policy: ``RestartPolicy(name="on-failure", maximum_retry_count=3)``.

    docker-py's dict ``{"Name": "on-failure", "MaximumRetryCount": 3}`` is accepted as is.
    """

    _positional = ("name", "maximum_retry_count")

    if TYPE_CHECKING:

        def __init__(
            self, name: str = ..., maximum_retry_count: int | None = None, **data: Any
        ) -> None: ...

    name: Annotated[str, Wire("Name")]
    maximum_retry_count: Annotated[int | None, Wire("MaximumRetryCount")] = Field(
        default=None, ge=0
    )

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if value not in (*_RESTART_POLICIES, ""):
            raise ValueError(
                f"unknown restart policy {value!r}; expected one of "
                + ", ".join(repr(name) for name in _RESTART_POLICIES)
            )
        return value

    @model_validator(mode="after")
    def _check(self) -> RestartPolicy:
        if self.maximum_retry_count and self.name != "on-failure":
            raise ValueError(
                f"MaximumRetryCount={self.maximum_retry_count} only applies to the "
                f"'on-failure' restart policy, not {self.name!r}"
            )
        return self

    @property
    def restarts(self) -> bool:
        """True unless the policy is ``no`` (or empty): the daemon may restart the container."""
        return self.name not in ("", "no")


class DeviceRequest(WireSpec):
    """A request for host devices such as GPUs (``--gpus``)."""

    driver: Annotated[str, Wire("Driver")] = ""
    count: Annotated[int, Wire("Count")] = Field(default=0, ge=-1)
    device_ids: Annotated[list[str], Wire("DeviceIDs")] = Field(default_factory=list)
    capabilities: Annotated[list[list[str]], Wire("Capabilities")] = Field(default_factory=list)
    options: Annotated[dict[str, str], Wire("Options")] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> DeviceRequest:
        if self.count and self.device_ids:
            raise ValueError(
                f"device request: give count ({self.count}) or device_ids "
                f"({self.device_ids!r}), not both"
            )
        return self


class IPAMPool(WireSpec):
    """One address pool of a network: ``IPAMPool(subnet="10.5.0.0/16", gateway="10.5.0.1")``."""

    _positional = ("subnet", "iprange", "gateway", "aux_addresses")

    if TYPE_CHECKING:

        def __init__(
            self,
            subnet: str | None = None,
            iprange: str | None = None,
            gateway: str | None = None,
            aux_addresses: dict[str, str] | None = None,
            **data: Any,
        ) -> None: ...

    subnet: Annotated[str | None, Wire("Subnet")] = None
    iprange: Annotated[str | None, Wire("IPRange")] = None
    gateway: Annotated[str | None, Wire("Gateway")] = None
    aux_addresses: Annotated[dict[str, str] | None, Wire("AuxiliaryAddresses")] = None

    @field_validator("subnet", "iprange")
    @classmethod
    def _network(cls, value: str | None, info: Any) -> str | None:
        return _check_ip(value, info.field_name, network=True)

    @field_validator("gateway")
    @classmethod
    def _gateway(cls, value: str | None) -> str | None:
        return _check_ip(value, "gateway")

    @field_validator("aux_addresses")
    @classmethod
    def _aux(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        for name, address in (value or {}).items():
            _check_ip(address, f"aux_addresses[{name!r}]")
        return value


class IPAMConfig(WireSpec):
    """A network's IP address management: driver, pools and driver options."""

    _positional = ("driver", "pool_configs", "options")

    if TYPE_CHECKING:

        def __init__(
            self,
            driver: str = "default",
            pool_configs: list[IPAMPool] | list[dict[str, Any]] | None = None,
            options: dict[str, str] | None = None,
            **data: Any,
        ) -> None: ...

    driver: Annotated[str, Wire("Driver")] = "default"
    pool_configs: Annotated[list[IPAMPool], Wire("Config")] = Field(default_factory=list)
    options: Annotated[dict[str, str] | None, Wire("Options", omit_empty=True)] = None

    @field_validator("pool_configs", mode="before")
    @classmethod
    def _pools(cls, value: object) -> object:
        return [] if value is None else value


class EndpointConfig(GatedWireSpec):
    """How a container attaches to one network: aliases, links, static addresses.

    Unlike docker-py's, it takes no API version: the gates apply in ``to_wire()``.
    """

    aliases: Annotated[list[str] | None, Wire("Aliases", omit_empty=True)] = None
    links: Annotated[list[str] | None, Wire("Links", omit_empty=True)] = None
    ipv4_address: Annotated[str | None, Wire("IPAMConfig.IPv4Address", omit_empty=True)] = None
    ipv6_address: Annotated[str | None, Wire("IPAMConfig.IPv6Address", omit_empty=True)] = None
    link_local_ips: Annotated[list[str] | None, Wire("IPAMConfig.LinkLocalIPs")] = None
    driver_opt: Annotated[
        dict[str, str] | None, Wire("DriverOpts", since="1.32", omit_empty=True)
    ] = None
    mac_address: Annotated[str | None, Wire("MacAddress", since="1.44", omit_empty=True)] = None

    @field_validator("links", mode="before")
    @classmethod
    def _links(cls, value: object) -> list[str] | None:
        return None if value is None else parse_links(value)

    @field_validator("ipv4_address", "ipv6_address")
    @classmethod
    def _address(cls, value: str | None, info: Any) -> str | None:
        return _check_ip(value, info.field_name)

    @field_validator("link_local_ips")
    @classmethod
    def _link_local(cls, value: list[str] | None) -> list[str] | None:
        for address in value or []:
            _check_ip(address, "link_local_ips")
        return value

    @classmethod
    @validated
    def from_wire(cls, wire: Mapping[str, Any]) -> EndpointConfig:
        """An EndpointConfig from its Engine API form (``{"Aliases": [...], ...}``)."""
        return cls.model_validate(wire)
