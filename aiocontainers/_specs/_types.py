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
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import AliasChoices, Field, field_validator, model_validator

from .._arguments import ApiVersion
from .._validation import validated
from ..errors import InvalidArgument
from ._base import Spec
from ._parse import (
    duration_seconds,
    parse_bytes,
    parse_links,
    parse_str_map,
    to_nanoseconds,
)
from ._versions import require_api

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


def _choices(*names: str) -> AliasChoices:
    return AliasChoices(*names)


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


def _wire_part(wire: Mapping[str, Any], key: str, what: str) -> Mapping[str, Any]:
    """The nested object ``wire[key]`` (``{}`` when absent); InvalidArgument if not a dict."""
    part = wire.get(key) or {}
    if not isinstance(part, Mapping):
        raise InvalidArgument(f"{what}: {key} must be a dict, got {type(part).__name__}")
    return part


class DriverConfig(Spec):
    """A volume driver and its options, for ``Mount(driver_config=...)``."""

    _positional = ("name", "options")

    if TYPE_CHECKING:

        def __init__(
            self, name: str = ..., options: dict[str, str] | None = None, **data: Any
        ) -> None: ...

    name: str = Field(validation_alias=_choices("name", "Name"))
    options: dict[str, str] | None = Field(
        default=None, validation_alias=_choices("options", "Options")
    )

    @validated
    def to_wire(self) -> dict[str, Any]:
        """The ``DriverConfig`` object of a volume mount."""
        wire: dict[str, Any] = {"Name": self.name}
        if self.options is not None:
            wire["Options"] = dict(self.options)
        return wire


class Mount(Spec):
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

    target: str
    source: str | None = None
    type: Literal["bind", "volume", "tmpfs", "npipe"] = "volume"
    read_only: bool = False
    consistency: Literal["default", "consistent", "cached", "delegated"] | None = None
    propagation: Literal["private", "rprivate", "shared", "rshared", "slave", "rslave"] | None = (
        None
    )
    no_copy: bool = False
    labels: dict[str, str] | None = None
    driver_config: DriverConfig | None = None
    tmpfs_size: int | None = None
    tmpfs_mode: int | None = None
    subpath: str | None = None

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
        known = {
            "Target",
            "Source",
            "Type",
            "ReadOnly",
            "Consistency",
            "BindOptions",
            "VolumeOptions",
            "TmpfsOptions",
        }
        unknown = set(wire) - known
        if unknown:
            raise InvalidArgument(f"mount: unknown keys {sorted(unknown)} in {dict(wire)!r}")
        bind, volume, tmpfs = (
            _wire_part(wire, key, "mount")
            for key in ("BindOptions", "VolumeOptions", "TmpfsOptions")
        )
        data: dict[str, Any] = {
            "target": wire.get("Target"),
            "source": wire.get("Source") or None,
            "type": wire.get("Type", "volume"),
            "read_only": wire.get("ReadOnly", False),
            "consistency": wire.get("Consistency"),
            "propagation": bind.get("Propagation"),
            "no_copy": volume.get("NoCopy", False),
            "labels": volume.get("Labels"),
            "driver_config": volume.get("DriverConfig"),
            "subpath": volume.get("Subpath"),
            "tmpfs_size": tmpfs.get("SizeBytes"),
            "tmpfs_mode": tmpfs.get("Mode"),
        }
        return cls(**data)

    @validated
    def to_wire(self, api_version: ApiVersion) -> dict[str, Any]:
        """The ``HostConfig.Mounts`` entry; raises InvalidArgument for too-new options."""
        wire: dict[str, Any] = {"Target": self.target, "Type": self.type}
        if self.source is not None:
            wire["Source"] = self.source
        wire["ReadOnly"] = self.read_only
        if self.consistency is not None:
            require_api(api_version, "1.28", "Mount.consistency")
            wire["Consistency"] = self.consistency
        if self.propagation is not None:
            wire["BindOptions"] = {"Propagation": self.propagation}
        volume: dict[str, Any] = {}
        if self.no_copy:
            volume["NoCopy"] = True
        if self.labels is not None:
            volume["Labels"] = dict(self.labels)
        if self.driver_config is not None:
            volume["DriverConfig"] = self.driver_config.to_wire()
        if self.subpath is not None:
            require_api(api_version, "1.45", "Mount.subpath")
            volume["Subpath"] = self.subpath
        if volume:
            wire["VolumeOptions"] = volume
        tmpfs: dict[str, Any] = {}
        if self.tmpfs_size is not None:
            tmpfs["SizeBytes"] = self.tmpfs_size
        if self.tmpfs_mode is not None:
            tmpfs["Mode"] = self.tmpfs_mode
        if tmpfs:
            wire["TmpfsOptions"] = tmpfs
        return wire


class Healthcheck(Spec):
    """A health check. Durations are SECONDS (int/float) or ``timedelta`` — not nanoseconds.

    ``test``: ``[]`` inherits the image's check, ``["NONE"]`` disables it,
    ``["CMD", *argv]`` or ``["CMD-SHELL", "cmd"]`` run a command; a plain string means
    ``CMD-SHELL``. Each duration must be 0 or at least 1 ms. A number of one million or
    more is refused as a probable nanosecond value (docker-py's unit).
    """

    test: list[str] | None = None
    interval: timedelta | None = None
    timeout: timedelta | None = None
    retries: int | None = Field(default=None, ge=0)
    start_period: timedelta | None = None
    start_interval: timedelta | None = None

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

    @validated
    def to_wire(self, api_version: ApiVersion) -> dict[str, Any]:
        """The ``Healthcheck`` object with durations in nanoseconds."""
        wire: dict[str, Any] = {}
        if self.test is not None:
            wire["Test"] = list(self.test)
        if self.interval is not None:
            wire["Interval"] = to_nanoseconds(self.interval)
        if self.timeout is not None:
            wire["Timeout"] = to_nanoseconds(self.timeout)
        if self.retries is not None:
            wire["Retries"] = self.retries
        if self.start_period is not None:
            require_api(api_version, "1.29", "Healthcheck.start_period")
            wire["StartPeriod"] = to_nanoseconds(self.start_period)
        if self.start_interval is not None:
            require_api(api_version, "1.44", "Healthcheck.start_interval")
            wire["StartInterval"] = to_nanoseconds(self.start_interval)
        return wire


class Ulimit(Spec):
    """A resource limit (``--ulimit``). Given only one of soft/hard, both take that value."""

    name: str = Field(min_length=1, validation_alias=_choices("name", "Name"))
    soft: int | None = Field(default=None, validation_alias=_choices("soft", "Soft"))
    hard: int | None = Field(default=None, validation_alias=_choices("hard", "Hard"))

    @model_validator(mode="after")
    def _check(self) -> Ulimit:
        if self.soft is None and self.hard is None:
            raise ValueError(f"ulimit {self.name!r}: give soft, hard or both")
        if self.soft is not None and self.hard is not None and 0 <= self.hard < self.soft:
            raise ValueError(
                f"ulimit {self.name!r}: soft limit {self.soft} is above hard limit {self.hard}"
            )
        return self

    @validated
    def to_wire(self) -> dict[str, Any]:
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


class LogConfig(Spec):
    """A logging driver and its options (``--log-driver``/``--log-opt``)."""

    types: ClassVar[builtins.type[LogConfigTypes]] = LogConfigTypes

    type: str = Field(min_length=1, validation_alias=_choices("type", "Type"))
    config: dict[str, str] = Field(
        default_factory=dict, validation_alias=_choices("config", "Config")
    )

    @field_validator("config", mode="before")
    @classmethod
    def _config(cls, value: object) -> dict[str, str]:
        if value is None:
            return {}
        return parse_str_map(value, "config")

    @validated
    def to_wire(self) -> dict[str, Any]:
        """The ``HostConfig.LogConfig`` object."""
        return {"Type": self.type, "Config": dict(self.config)}


_RESTART_POLICIES = ("no", "always", "unless-stopped", "on-failure")


class RestartPolicy(Spec):
    """A container restart policy: ``RestartPolicy(name="on-failure", maximum_retry_count=3)``.

    docker-py's dict ``{"Name": "on-failure", "MaximumRetryCount": 3}`` is accepted as is.
    """

    _positional = ("name", "maximum_retry_count")

    if TYPE_CHECKING:

        def __init__(
            self, name: str = ..., maximum_retry_count: int | None = None, **data: Any
        ) -> None: ...

    name: str = Field(validation_alias=_choices("name", "Name"))
    maximum_retry_count: int | None = Field(
        default=None,
        ge=0,
        validation_alias=_choices("maximum_retry_count", "MaximumRetryCount"),
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

    @validated
    def to_wire(self) -> dict[str, Any]:
        """The ``HostConfig.RestartPolicy`` object."""
        wire: dict[str, Any] = {"Name": self.name}
        if self.maximum_retry_count is not None:
            wire["MaximumRetryCount"] = self.maximum_retry_count
        return wire


class DeviceRequest(Spec):
    """A request for host devices such as GPUs (``--gpus``)."""

    driver: str = Field(default="", validation_alias=_choices("driver", "Driver"))
    count: int = Field(default=0, ge=-1, validation_alias=_choices("count", "Count"))
    device_ids: list[str] = Field(
        default_factory=list, validation_alias=_choices("device_ids", "DeviceIDs")
    )
    capabilities: list[list[str]] = Field(
        default_factory=list, validation_alias=_choices("capabilities", "Capabilities")
    )
    options: dict[str, str] = Field(
        default_factory=dict, validation_alias=_choices("options", "Options")
    )

    @model_validator(mode="after")
    def _check(self) -> DeviceRequest:
        if self.count and self.device_ids:
            raise ValueError(
                f"device request: give count ({self.count}) or device_ids "
                f"({self.device_ids!r}), not both"
            )
        return self

    @validated
    def to_wire(self) -> dict[str, Any]:
        """The ``HostConfig.DeviceRequests`` entry."""
        return {
            "Driver": self.driver,
            "Count": self.count,
            "DeviceIDs": list(self.device_ids),
            "Capabilities": [list(caps) for caps in self.capabilities],
            "Options": dict(self.options),
        }


class IPAMPool(Spec):
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

    subnet: str | None = Field(default=None, validation_alias=_choices("subnet", "Subnet"))
    iprange: str | None = Field(default=None, validation_alias=_choices("iprange", "IPRange"))
    gateway: str | None = Field(default=None, validation_alias=_choices("gateway", "Gateway"))
    aux_addresses: dict[str, str] | None = Field(
        default=None, validation_alias=_choices("aux_addresses", "AuxiliaryAddresses")
    )

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

    @validated
    def to_wire(self) -> dict[str, Any]:
        """The ``IPAM.Config`` entry (unset fields omitted)."""
        wire: dict[str, Any] = {}
        if self.subnet is not None:
            wire["Subnet"] = self.subnet
        if self.iprange is not None:
            wire["IPRange"] = self.iprange
        if self.gateway is not None:
            wire["Gateway"] = self.gateway
        if self.aux_addresses is not None:
            wire["AuxiliaryAddresses"] = dict(self.aux_addresses)
        return wire


class IPAMConfig(Spec):
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

    driver: str = Field(default="default", validation_alias=_choices("driver", "Driver"))
    pool_configs: list[IPAMPool] = Field(
        default_factory=list, validation_alias=_choices("pool_configs", "Config")
    )
    options: dict[str, str] | None = Field(
        default=None, validation_alias=_choices("options", "Options")
    )

    @field_validator("pool_configs", mode="before")
    @classmethod
    def _pools(cls, value: object) -> object:
        return [] if value is None else value

    @validated
    def to_wire(self) -> dict[str, Any]:
        """The ``IPAM`` object of ``POST /networks/create``."""
        wire: dict[str, Any] = {
            "Driver": self.driver,
            "Config": [pool.to_wire() for pool in self.pool_configs],
        }
        if self.options:
            wire["Options"] = dict(self.options)
        return wire


class EndpointConfig(Spec):
    """How a container attaches to one network: aliases, links, static addresses.

    Unlike docker-py's, it takes no API version: the gates apply in ``to_wire()``.
    """

    aliases: list[str] | None = None
    links: list[str] | None = None
    ipv4_address: str | None = None
    ipv6_address: str | None = None
    link_local_ips: list[str] | None = None
    driver_opt: dict[str, str] | None = None
    mac_address: str | None = None

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
        unknown = set(wire) - {"Aliases", "Links", "IPAMConfig", "DriverOpts", "MacAddress"}
        if unknown:
            raise InvalidArgument(
                f"endpoint config: unknown keys {sorted(unknown)} in {dict(wire)!r}"
            )
        ipam = _wire_part(wire, "IPAMConfig", "endpoint config")
        unknown = set(ipam) - {"IPv4Address", "IPv6Address", "LinkLocalIPs"}
        if unknown:
            raise InvalidArgument(f"endpoint config: unknown IPAMConfig keys {sorted(unknown)}")
        return cls(
            aliases=wire.get("Aliases"),
            links=wire.get("Links"),
            ipv4_address=ipam.get("IPv4Address"),
            ipv6_address=ipam.get("IPv6Address"),
            link_local_ips=ipam.get("LinkLocalIPs"),
            driver_opt=wire.get("DriverOpts"),
            mac_address=wire.get("MacAddress"),
        )

    @validated
    def to_wire(self, api_version: ApiVersion) -> dict[str, Any]:
        """The ``EndpointSettings`` object (for container create and network connect)."""
        wire: dict[str, Any] = {}
        if self.aliases:
            wire["Aliases"] = list(self.aliases)
        if self.links:
            wire["Links"] = list(self.links)
        ipam: dict[str, Any] = {}
        if self.ipv4_address:
            ipam["IPv4Address"] = self.ipv4_address
        if self.ipv6_address:
            ipam["IPv6Address"] = self.ipv6_address
        if self.link_local_ips is not None:
            ipam["LinkLocalIPs"] = list(self.link_local_ips)
        if ipam:
            wire["IPAMConfig"] = ipam
        if self.driver_opt:
            require_api(api_version, "1.32", "EndpointConfig.driver_opt")
            wire["DriverOpts"] = dict(self.driver_opt)
        if self.mac_address:
            require_api(api_version, "1.44", "EndpointConfig.mac_address")
            wire["MacAddress"] = self.mac_address
        return wire
