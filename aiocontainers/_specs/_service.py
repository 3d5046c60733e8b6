"""Swarm input specs: services, their tasks and the swarm itself, named as in ``docker.types``.

Each type is a frozen pydantic model that validates on construction and renders its
Engine API JSON with ``to_wire()``. Three differences from docker-py, on purpose:

- Durations (``UpdateConfig.delay``/``monitor``, ``ServiceRestartPolicy.delay``/``window``,
  ``stop_grace_period``, ``SwarmSpec.node_cert_expiry``...) are seconds or ``timedelta``;
  nanoseconds exist only on the wire. A number of one million or more is refused as a
  probable nanosecond value.
- A dict in the Engine API's own form (CamelCase keys, as every ``docker.types`` object
  is) is read as wire JSON, durations in nanoseconds, so docker-py-built values port.
- Two names clash with the container types of :mod:`aiocontainers.types`:
  docker-py's ``docker.types.ContainerSpec`` (a service's container) is
  :class:`ServiceContainerSpec` here, and ``docker.types.RestartPolicy`` (a task's
  restart condition) is :class:`ServiceRestartPolicy`. ``ContainerSpec`` and
  ``RestartPolicy`` stay the ``containers.run()`` ones.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from .._arguments import ApiVersion
from .._validation import validated
from ..errors import InvalidArgument
from ._base import EnvironmentEntries, Spec
from ._parse import (
    duration_seconds,
    parse_bytes,
    parse_command,
    parse_environment,
    parse_labels,
    parse_str_list,
    parse_str_map,
    to_nanoseconds,
)
from ._types import _NANOSECOND_SUSPECT, DriverConfig, Healthcheck, Mount, RestartPolicy
from ._versions import require_api

__all__ = [
    "ConfigReference",
    "DNSConfig",
    "EndpointSpec",
    "NetworkAttachmentConfig",
    "Placement",
    "PlacementPreference",
    "Privileges",
    "Resources",
    "RollbackConfig",
    "SecretReference",
    "ServiceContainerSpec",
    "ServiceMode",
    "ServiceRestartPolicy",
    "ServiceSpec",
    "SwarmExternalCA",
    "SwarmSpec",
    "TaskTemplate",
    "UpdateConfig",
]


def _duration(value: object, field: str) -> timedelta:
    """Seconds or a timedelta, never negative; a huge number is taken for nanoseconds."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value >= _NANOSECOND_SUSPECT:
            raise ValueError(
                f"{field}: {value!r} seconds looks like nanoseconds; "
                "aiocontainers takes seconds or a timedelta"
            )
    duration = duration_seconds(value, field)
    if duration < timedelta(0):
        raise ValueError(f"{field}: must not be negative, got {value!r}")
    return duration


def _from_ns(value: object) -> object:
    """A wire duration (nanoseconds) as a timedelta; anything else is left for validation."""
    if isinstance(value, int) and not isinstance(value, bool):
        return timedelta(microseconds=value / 1000)
    return value


def _is_wire(data: object) -> bool:
    """True for a non-empty dict in the Engine API's form (CamelCase keys)."""
    return (
        isinstance(data, Mapping)
        and bool(data)
        and all(isinstance(key, str) and key[:1].isupper() for key in data)
    )


def _drop_none(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


class _WireSpec(Spec):
    """A spec that also accepts its Engine API JSON (as docker-py's dict types hold it)."""

    _wire_names: ClassVar[Mapping[str, str]] = {}

    @model_validator(mode="before")
    @classmethod
    def _accept_wire(cls, data: Any) -> Any:
        if not _is_wire(data):
            return data
        unknown = set(data) - set(cls._wire_names)
        if unknown:
            raise ValueError(
                f"{cls.__name__}: unknown keys {sorted(unknown)}; expected "
                + ", ".join(sorted(cls._wire_names))
            )
        return cls._read_wire(data)

    @classmethod
    def _read_wire(cls, wire: Mapping[str, Any]) -> dict[str, Any]:
        """The keyword form of ``wire`` (renamed keys; subclasses convert durations)."""
        return {cls._wire_names[key]: value for key, value in wire.items()}


# -- scheduling ---------------------------------------------------------------

_MODE_WIRE = {
    "replicated": "Replicated",
    "global": "Global",
    "replicated-job": "ReplicatedJob",
    "global-job": "GlobalJob",
}
_MODE_KEYS = {
    **{wire: name for name, wire in _MODE_WIRE.items()},
    "replicated": "replicated",
    "global": "global",
}
ModeName = Literal["replicated", "global", "replicated-job", "global-job"]


class ServiceMode(Spec):
    """How many tasks run: ``ServiceMode("replicated", replicas=3)`` or ``ServiceMode("global")``.

    Jobs (``"replicated-job"``, ``"global-job"``, API 1.41) run to completion;
    ``replicas`` is then the number of completions and ``concurrency`` how many
    run at once. A plain string (``"global"``) is accepted wherever a mode is.
    """

    _positional = ("mode", "replicas", "concurrency")

    if TYPE_CHECKING:

        def __init__(
            self,
            mode: ModeName = "replicated",
            replicas: int | None = None,
            concurrency: int | None = None,
        ) -> None: ...

    mode: ModeName = "replicated"
    replicas: int | None = Field(default=None, ge=0)
    concurrency: int | None = Field(default=None, ge=1)

    @model_validator(mode="before")
    @classmethod
    def _accept(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"mode": data}
        # The wire form, or docker-py's ServiceMode dict (keyed "replicated"/"global").
        if isinstance(data, Mapping) and len(data) == 1 and next(iter(data)) in _MODE_KEYS:
            ((key, body),) = data.items()
            mode = _MODE_KEYS[key]
            body = body or {}
            return _drop_none(
                {
                    "mode": mode,
                    "replicas": body.get("Replicas", body.get("TotalCompletions")),
                    "concurrency": body.get("MaxConcurrent"),
                }
            )
        return data

    @model_validator(mode="after")
    def _check(self) -> ServiceMode:
        if self.replicas is not None and self.mode not in ("replicated", "replicated-job"):
            raise ValueError(f"replicas: only 'replicated' modes have replicas, not {self.mode!r}")
        if self.concurrency is not None and self.mode != "replicated-job":
            raise ValueError(f"concurrency: only applies to 'replicated-job', not {self.mode!r}")
        return self

    @validated
    def to_wire(self, api_version: ApiVersion) -> dict[str, Any]:
        """The ``Mode`` object of a service spec."""
        body: dict[str, Any] = {}
        if self.mode == "replicated" and self.replicas is not None:
            body["Replicas"] = self.replicas
        if self.mode.endswith("-job"):
            require_api(api_version, "1.41", f"ServiceMode({self.mode!r})")
        if self.mode == "replicated-job":
            if self.replicas is not None or self.concurrency is not None:
                body["MaxConcurrent"] = self.concurrency or 1
            if self.replicas is not None:
                body["TotalCompletions"] = self.replicas
        return {_MODE_WIRE[self.mode]: body}


class PlacementPreference(Spec):
    """A scheduling preference: ``PlacementPreference("spread", "node.labels.zone")``."""

    _positional = ("strategy", "descriptor")

    if TYPE_CHECKING:

        def __init__(self, strategy: Literal["spread"], descriptor: str) -> None: ...

    strategy: Literal["spread"]
    descriptor: str = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _accept(cls, data: Any) -> Any:
        if isinstance(data, (tuple, list)) and len(data) == 2:
            return {"strategy": data[0], "descriptor": data[1]}
        if _is_wire(data):
            if set(data) != {"Spread"} or not isinstance(data["Spread"], Mapping):
                raise ValueError(f"placement preference: expected {{'Spread': ...}}, got {data!r}")
            return {"strategy": "spread", "descriptor": data["Spread"].get("SpreadDescriptor")}
        return data

    @validated
    def to_wire(self) -> dict[str, Any]:
        """The ``Placement.Preferences`` entry."""
        return {"Spread": {"SpreadDescriptor": self.descriptor}}


class Placement(_WireSpec):
    """Where tasks may run: constraints, spread preferences, platforms, replicas per node.

    ``preferences`` are :class:`PlacementPreference` objects or ``(strategy,
    descriptor)`` tuples; ``platforms`` are ``(architecture, os)`` tuples.
    """

    _positional = ("constraints", "preferences", "platforms", "maxreplicas")
    _wire_names: ClassVar[Mapping[str, str]] = {
        "Constraints": "constraints",
        "Preferences": "preferences",
        "Platforms": "platforms",
        "MaxReplicas": "maxreplicas",
    }

    if TYPE_CHECKING:

        def __init__(
            self,
            constraints: list[str] | None = None,
            preferences: list[PlacementPreference] | list[tuple[str, str]] | None = None,
            platforms: list[tuple[str, str]] | None = None,
            maxreplicas: int | None = None,
        ) -> None: ...

    constraints: list[str] | None = None
    preferences: list[PlacementPreference] | None = None
    platforms: list[tuple[str, str]] | None = None
    maxreplicas: int | None = Field(default=None, ge=0)

    @classmethod
    def _read_wire(cls, wire: Mapping[str, Any]) -> dict[str, Any]:
        data = super()._read_wire(wire)
        if data.get("platforms") is not None:
            data["platforms"] = [(p.get("Architecture"), p.get("OS")) for p in data["platforms"]]
        return data

    @field_validator("constraints", mode="before")
    @classmethod
    def _constraints(cls, value: object) -> object:
        return None if value is None else parse_str_list(value, "constraints")

    @validated
    def to_wire(self, api_version: ApiVersion) -> dict[str, Any]:
        """The ``TaskTemplate.Placement`` object (empty when nothing is set)."""
        wire: dict[str, Any] = {}
        if self.constraints is not None:
            wire["Constraints"] = list(self.constraints)
        if self.preferences is not None:
            wire["Preferences"] = [preference.to_wire() for preference in self.preferences]
        if self.maxreplicas is not None:
            require_api(api_version, "1.40", "Placement.maxreplicas")
            wire["MaxReplicas"] = self.maxreplicas
        if self.platforms:
            wire["Platforms"] = [{"Architecture": a, "OS": o} for a, o in self.platforms]
        return wire


class Resources(_WireSpec):
    """CPU and memory limits and reservations of each task.

    ``cpu_limit``/``cpu_reservation`` are in units of 10⁻⁹ CPUs, as in docker-py
    (``500_000_000`` is half a CPU); memory is bytes or a string like ``"512m"``.
    ``generic_resources``: ``{"gpu": 2, "ssd": "fast"}`` (counts or named values) or
    the Engine API's list.
    """

    _positional = (
        "cpu_limit",
        "mem_limit",
        "cpu_reservation",
        "mem_reservation",
        "generic_resources",
    )
    _wire_names: ClassVar[Mapping[str, str]] = {"Limits": "Limits", "Reservations": "Reservations"}

    if TYPE_CHECKING:

        def __init__(
            self,
            cpu_limit: int | None = None,
            mem_limit: int | str | None = None,
            cpu_reservation: int | None = None,
            mem_reservation: int | str | None = None,
            generic_resources: dict[str, int | str] | list[dict[str, Any]] | None = None,
        ) -> None: ...

    cpu_limit: int | None = Field(default=None, ge=0)
    mem_limit: int | None = Field(default=None, ge=0)
    cpu_reservation: int | None = Field(default=None, ge=0)
    mem_reservation: int | None = Field(default=None, ge=0)
    generic_resources: list[dict[str, Any]] | None = None

    @classmethod
    def _read_wire(cls, wire: Mapping[str, Any]) -> dict[str, Any]:
        limits = wire.get("Limits") or {}
        reservations = wire.get("Reservations") or {}
        return _drop_none(
            {
                "cpu_limit": limits.get("NanoCPUs"),
                "mem_limit": limits.get("MemoryBytes"),
                "cpu_reservation": reservations.get("NanoCPUs"),
                "mem_reservation": reservations.get("MemoryBytes"),
                "generic_resources": reservations.get("GenericResources"),
            }
        )

    @field_validator("mem_limit", "mem_reservation", mode="before")
    @classmethod
    def _memory(cls, value: object, info: Any) -> object:
        return None if value is None else parse_bytes(value, info.field_name)

    @field_validator("generic_resources", mode="before")
    @classmethod
    def _generic(cls, value: object) -> object:
        if value is None or isinstance(value, list):
            return value
        if not isinstance(value, Mapping):
            raise ValueError(f"generic_resources: expected a dict or a list, got {value!r}")
        resources = []
        for kind, amount in value.items():
            if isinstance(amount, int) and not isinstance(amount, bool):
                resources.append({"DiscreteResourceSpec": {"Kind": kind, "Value": amount}})
            elif isinstance(amount, str):
                resources.append({"NamedResourceSpec": {"Kind": kind, "Value": amount}})
            else:
                raise ValueError(
                    f"generic_resources[{kind!r}]: expected a count (int) or a name (str), "
                    f"got {amount!r}"
                )
        return resources

    @validated
    def to_wire(self) -> dict[str, Any]:
        """The ``TaskTemplate.Resources`` object."""
        limits = _drop_none({"NanoCPUs": self.cpu_limit, "MemoryBytes": self.mem_limit})
        reservations = _drop_none(
            {
                "NanoCPUs": self.cpu_reservation,
                "MemoryBytes": self.mem_reservation,
                "GenericResources": self.generic_resources,
            }
        )
        wire: dict[str, Any] = {}
        if limits:
            wire["Limits"] = limits
        if reservations:
            wire["Reservations"] = reservations
        return wire


class RestartConditionTypes:
    """The restart conditions (``ServiceRestartPolicy.condition_types.ON_FAILURE``)."""

    NONE = "none"
    ON_FAILURE = "on-failure"
    ANY = "any"


class ServiceRestartPolicy(_WireSpec):
    """When swarm restarts a task's container: docker-py's ``docker.types.RestartPolicy``.

    Named apart from :class:`aiocontainers.types.RestartPolicy` (a plain
    container's policy). ``delay`` and ``window`` are seconds or ``timedelta``;
    ``max_attempts=0`` means no limit, ``window=0`` an unbounded window.
    """

    condition_types: ClassVar[type[RestartConditionTypes]] = RestartConditionTypes
    _positional = ("condition", "delay", "max_attempts", "window")
    _wire_names: ClassVar[Mapping[str, str]] = {
        "Condition": "condition",
        "Delay": "delay",
        "MaxAttempts": "max_attempts",
        "Window": "window",
    }

    if TYPE_CHECKING:

        def __init__(
            self,
            condition: Literal["none", "on-failure", "any"] = "none",
            delay: float | timedelta = 0,
            max_attempts: int = 0,
            window: float | timedelta = 0,
        ) -> None: ...

    condition: Literal["none", "on-failure", "any"] = "none"
    delay: timedelta = timedelta(0)
    max_attempts: int = Field(default=0, ge=0)
    window: timedelta = timedelta(0)

    @classmethod
    def _read_wire(cls, wire: Mapping[str, Any]) -> dict[str, Any]:
        data = super()._read_wire(wire)
        for key in ("delay", "window"):
            if key in data:
                data[key] = _from_ns(data[key])
        return data

    @field_validator("delay", "window", mode="before")
    @classmethod
    def _durations(cls, value: object, info: Any) -> timedelta:
        return _duration(value, info.field_name)

    @validated
    def to_wire(self) -> dict[str, Any]:
        """The ``TaskTemplate.RestartPolicy`` object, durations in nanoseconds."""
        return {
            "Condition": self.condition,
            "Delay": to_nanoseconds(self.delay),
            "MaxAttempts": self.max_attempts,
            "Window": to_nanoseconds(self.window),
        }


class UpdateConfig(_WireSpec):
    """How a service update rolls out: batch size, pause between batches, failure handling.

    ``delay`` and ``monitor`` are seconds or ``timedelta`` (docker-py: nanoseconds).
    """

    _positional = (
        "parallelism",
        "delay",
        "failure_action",
        "monitor",
        "max_failure_ratio",
        "order",
    )
    _wire_names: ClassVar[Mapping[str, str]] = {
        "Parallelism": "parallelism",
        "Delay": "delay",
        "FailureAction": "failure_action",
        "Monitor": "monitor",
        "MaxFailureRatio": "max_failure_ratio",
        "Order": "order",
    }
    _failure_actions: ClassVar[tuple[str, ...]] = ("continue", "pause", "rollback")

    if TYPE_CHECKING:

        def __init__(
            self,
            parallelism: int = 0,
            delay: float | timedelta | None = None,
            failure_action: Literal["continue", "pause", "rollback"] = "continue",
            monitor: float | timedelta | None = None,
            max_failure_ratio: float | None = None,
            order: Literal["start-first", "stop-first"] | None = None,
        ) -> None: ...

    parallelism: int = Field(default=0, ge=0)
    delay: timedelta | None = None
    failure_action: Literal["continue", "pause", "rollback"] = "continue"
    monitor: timedelta | None = None
    max_failure_ratio: float | None = Field(default=None, ge=0, le=1)
    order: Literal["start-first", "stop-first"] | None = None

    @classmethod
    def _read_wire(cls, wire: Mapping[str, Any]) -> dict[str, Any]:
        data = super()._read_wire(wire)
        for key in ("delay", "monitor"):
            if key in data:
                data[key] = _from_ns(data[key])
        return data

    @field_validator("delay", "monitor", mode="before")
    @classmethod
    def _durations(cls, value: object, info: Any) -> timedelta | None:
        return None if value is None else _duration(value, info.field_name)

    @field_validator("failure_action")
    @classmethod
    def _failure_action(cls, value: str) -> str:
        if value not in cls._failure_actions:
            raise ValueError(
                f"failure_action: {cls.__name__} takes one of {list(cls._failure_actions)}, "
                f"not {value!r}"
            )
        return value

    @validated
    def to_wire(self) -> dict[str, Any]:
        """The ``UpdateConfig`` (or ``RollbackConfig``) object, durations in nanoseconds."""
        wire: dict[str, Any] = {"Parallelism": self.parallelism}
        if self.delay is not None:
            wire["Delay"] = to_nanoseconds(self.delay)
        wire["FailureAction"] = self.failure_action
        if self.monitor is not None:
            wire["Monitor"] = to_nanoseconds(self.monitor)
        if self.max_failure_ratio is not None:
            wire["MaxFailureRatio"] = self.max_failure_ratio
        if self.order is not None:
            wire["Order"] = self.order
        return wire


class RollbackConfig(UpdateConfig):
    """How a rollback rolls out; as :class:`UpdateConfig`, but a rollback cannot roll back."""

    _failure_actions = ("continue", "pause")


# -- endpoints and networks ---------------------------------------------------

_PORT_KEYS = {"Name", "Protocol", "TargetPort", "PublishedPort", "PublishMode"}


def _port_number(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 65536:
        raise ValueError(f"{field}: expected a port number 1-65535, got {value!r}")
    return value


def _port_config(published: object, target: object) -> dict[str, Any]:
    """``{published: target}`` or ``{published: (target, protocol, publish_mode)}``."""
    entry: dict[str, Any] = {"Protocol": "tcp"}
    if published is not None:
        entry["PublishedPort"] = _port_number(published, "ports")
    if isinstance(target, tuple):
        if not 1 <= len(target) <= 3:
            raise ValueError(
                f"ports[{published!r}]: expected (target_port[, protocol[, publish_mode]]), "
                f"got {target!r}"
            )
        entry["TargetPort"] = _port_number(target[0], f"ports[{published!r}]")
        if len(target) >= 2 and target[1] is not None:
            entry["Protocol"] = target[1]
        if len(target) == 3:
            entry["PublishMode"] = target[2]
    else:
        entry["TargetPort"] = _port_number(target, f"ports[{published!r}]")
    return _check_port(entry)


def _check_port(entry: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(entry) - _PORT_KEYS
    if unknown:
        raise ValueError(f"ports: unknown keys {sorted(unknown)} in {dict(entry)!r}")
    if entry.get("Protocol", "tcp") not in ("tcp", "udp", "sctp"):
        raise ValueError(f"ports: protocol must be tcp, udp or sctp, got {entry['Protocol']!r}")
    if entry.get("PublishMode", "ingress") not in ("ingress", "host"):
        raise ValueError(
            f"ports: publish mode must be 'ingress' or 'host', got {entry['PublishMode']!r}"
        )
    _port_number(entry.get("TargetPort"), "ports: TargetPort")
    if entry.get("PublishedPort") is not None:
        _port_number(entry["PublishedPort"], "ports: PublishedPort")
    return dict(entry)


class EndpointSpec(_WireSpec):
    """How a service is reached: ``vip``/``dnsrr`` load balancing and published ports.

    ``ports``: ``{published: target}``, ``{published: (target, "udp", "host")}`` or the
    Engine API's list of port objects. Publishing needs ``vip`` mode.
    """

    _positional = ("mode", "ports")
    _wire_names: ClassVar[Mapping[str, str]] = {"Mode": "mode", "Ports": "ports"}

    if TYPE_CHECKING:

        def __init__(
            self,
            mode: Literal["vip", "dnsrr"] | None = None,
            ports: dict[int, Any] | list[dict[str, Any]] | None = None,
        ) -> None: ...

    mode: Literal["vip", "dnsrr"] | None = None
    ports: list[dict[str, Any]] | None = None

    @field_validator("ports", mode="before")
    @classmethod
    def _ports(cls, value: object) -> object:
        if value is None:
            return None
        if isinstance(value, Mapping):
            return [_port_config(published, target) for published, target in value.items()]
        if isinstance(value, list):
            for entry in value:
                if not isinstance(entry, Mapping):
                    raise ValueError(f"ports: expected port objects, got {entry!r}")
            return [_check_port(entry) for entry in value]
        raise ValueError(f"ports: expected a dict or a list, got {value!r}")

    @model_validator(mode="after")
    def _check(self) -> EndpointSpec:
        if self.mode == "dnsrr" and self.ports:
            raise ValueError("ports: a 'dnsrr' endpoint cannot publish ports; use mode='vip'")
        return self

    @validated
    def to_wire(self) -> dict[str, Any]:
        """The ``EndpointSpec`` object."""
        wire: dict[str, Any] = {}
        if self.ports:
            wire["Ports"] = [dict(entry) for entry in self.ports]
        if self.mode:
            wire["Mode"] = self.mode
        return wire


class NetworkAttachmentConfig(_WireSpec):
    """A network a service's tasks join, with aliases and driver options."""

    _positional = ("target", "aliases", "options")
    _wire_names: ClassVar[Mapping[str, str]] = {
        "Target": "target",
        "Aliases": "aliases",
        "DriverOpts": "options",
    }

    if TYPE_CHECKING:

        def __init__(
            self,
            target: str,
            aliases: list[str] | None = None,
            options: dict[str, str] | None = None,
        ) -> None: ...

    target: str = Field(min_length=1)
    aliases: list[str] | None = None
    options: dict[str, str] | None = None

    @model_validator(mode="before")
    @classmethod
    def _name(cls, data: Any) -> Any:
        return {"target": data} if isinstance(data, str) else data

    @validated
    def to_wire(self) -> dict[str, Any]:
        """The ``TaskTemplate.Networks`` entry."""
        return _drop_none(
            {"Target": self.target, "Aliases": self.aliases, "DriverOpts": self.options}
        )


# -- what runs in a task ------------------------------------------------------


class _FileReference(_WireSpec):
    """A secret or config exposed to a service's containers as a file."""

    _kind: ClassVar[str] = ""

    uid: str | None = None
    gid: str | None = None
    filename: str | None = None
    mode: int = Field(default=0o444, ge=0, le=0o7777)

    @classmethod
    def _read_wire(cls, wire: Mapping[str, Any]) -> dict[str, Any]:
        kind = cls._kind
        file = wire.get("File") or {}
        return _drop_none(
            {
                f"{kind}_id": wire.get(f"{kind.capitalize()}ID"),
                f"{kind}_name": wire.get(f"{kind.capitalize()}Name"),
                "filename": file.get("Name"),
                "uid": file.get("UID"),
                "gid": file.get("GID"),
                "mode": file.get("Mode"),
            }
        )

    @field_validator("uid", "gid", mode="before")
    @classmethod
    def _owner(cls, value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value

    def _wire(self, ref_id: str, name: str) -> dict[str, Any]:
        kind = self._kind.capitalize()
        return {
            f"{kind}Name": name,
            f"{kind}ID": ref_id,
            "File": {
                "Name": self.filename or name,
                "UID": self.uid or "0",
                "GID": self.gid or "0",
                "Mode": self.mode,
            },
        }


class SecretReference(_FileReference):
    """A secret made available to a service as ``/run/secrets/<filename>``."""

    _kind = "secret"
    _positional = ("secret_id", "secret_name", "filename", "uid", "gid", "mode")
    _wire_names: ClassVar[Mapping[str, str]] = {
        "SecretID": "secret_id",
        "SecretName": "secret_name",
        "File": "file",
    }

    if TYPE_CHECKING:

        def __init__(
            self,
            secret_id: str,
            secret_name: str,
            filename: str | None = None,
            uid: str | int | None = None,
            gid: str | int | None = None,
            mode: int = 0o444,
        ) -> None: ...

    secret_id: str = Field(min_length=1)
    secret_name: str = Field(min_length=1)

    @validated
    def to_wire(self) -> dict[str, Any]:
        """The ``ContainerSpec.Secrets`` entry."""
        return self._wire(self.secret_id, self.secret_name)


class ConfigReference(_FileReference):
    """A config made available to a service as a file (by default ``/<config_name>``)."""

    _kind = "config"
    _positional = ("config_id", "config_name", "filename", "uid", "gid", "mode")
    _wire_names: ClassVar[Mapping[str, str]] = {
        "ConfigID": "config_id",
        "ConfigName": "config_name",
        "File": "file",
    }

    if TYPE_CHECKING:

        def __init__(
            self,
            config_id: str,
            config_name: str,
            filename: str | None = None,
            uid: str | int | None = None,
            gid: str | int | None = None,
            mode: int = 0o444,
        ) -> None: ...

    config_id: str = Field(min_length=1)
    config_name: str = Field(min_length=1)

    @validated
    def to_wire(self) -> dict[str, Any]:
        """The ``ContainerSpec.Configs`` entry."""
        return self._wire(self.config_id, self.config_name)


class DNSConfig(_WireSpec):
    """Resolver settings of a service's containers (``resolv.conf``)."""

    _positional = ("nameservers", "search", "options")
    _wire_names: ClassVar[Mapping[str, str]] = {
        "Nameservers": "nameservers",
        "Search": "search",
        "Options": "options",
    }

    if TYPE_CHECKING:

        def __init__(
            self,
            nameservers: list[str] | None = None,
            search: list[str] | None = None,
            options: list[str] | None = None,
        ) -> None: ...

    nameservers: list[str] | None = None
    search: list[str] | None = None
    options: list[str] | None = None

    @validated
    def to_wire(self) -> dict[str, Any]:
        """The ``ContainerSpec.DNSConfig`` object."""
        return _drop_none(
            {"Nameservers": self.nameservers, "Search": self.search, "Options": self.options}
        )


class Privileges(Spec):
    """Security options of a service's containers: Windows credential specs, SELinux labels."""

    _positional = (
        "credentialspec_file",
        "credentialspec_registry",
        "selinux_disable",
        "selinux_user",
        "selinux_role",
        "selinux_type",
        "selinux_level",
    )

    if TYPE_CHECKING:

        def __init__(
            self,
            credentialspec_file: str | None = None,
            credentialspec_registry: str | None = None,
            selinux_disable: bool | None = None,
            selinux_user: str | None = None,
            selinux_role: str | None = None,
            selinux_type: str | None = None,
            selinux_level: str | None = None,
        ) -> None: ...

    credentialspec_file: str | None = None
    credentialspec_registry: str | None = None
    selinux_disable: bool | None = None
    selinux_user: str | None = None
    selinux_role: str | None = None
    selinux_type: str | None = None
    selinux_level: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _accept_wire(cls, data: Any) -> Any:
        if not _is_wire(data):
            return data
        unknown = set(data) - {"CredentialSpec", "SELinuxContext"}
        if unknown:
            raise ValueError(f"Privileges: unknown keys {sorted(unknown)}")
        credential = data.get("CredentialSpec") or {}
        selinux = data.get("SELinuxContext") or {}
        return _drop_none(
            {
                "credentialspec_file": credential.get("File"),
                "credentialspec_registry": credential.get("Registry"),
                "selinux_disable": selinux.get("Disable"),
                "selinux_user": selinux.get("User"),
                "selinux_role": selinux.get("Role"),
                "selinux_type": selinux.get("Type"),
                "selinux_level": selinux.get("Level"),
            }
        )

    @model_validator(mode="after")
    def _check(self) -> Privileges:
        if self.credentialspec_file is not None and self.credentialspec_registry is not None:
            raise ValueError(
                "credentialspec_file and credentialspec_registry are mutually exclusive"
            )
        return self

    @validated
    def to_wire(self) -> dict[str, Any]:
        """The ``ContainerSpec.Privileges`` object."""
        wire: dict[str, Any] = {}
        credential = _drop_none(
            {"File": self.credentialspec_file, "Registry": self.credentialspec_registry}
        )
        if credential:
            wire["CredentialSpec"] = credential
        selinux = _drop_none(
            {
                "Disable": self.selinux_disable,
                "User": self.selinux_user,
                "Role": self.selinux_role,
                "Type": self.selinux_type,
                "Level": self.selinux_level,
            }
        )
        if selinux:
            wire["SELinuxContext"] = selinux
        return wire


def _healthcheck(value: object) -> object:
    """A Healthcheck from its wire form (durations in nanoseconds), as docker-py builds it."""
    if not _is_wire(value):
        return value
    assert isinstance(value, Mapping)
    names = {
        "Test": "test",
        "Interval": "interval",
        "Timeout": "timeout",
        "Retries": "retries",
        "StartPeriod": "start_period",
        "StartInterval": "start_interval",
    }
    unknown = set(value) - set(names)
    if unknown:
        raise ValueError(f"healthcheck: unknown keys {sorted(unknown)}")
    data = {names[key]: item for key, item in value.items() if item is not None}
    for key in ("interval", "timeout", "start_period", "start_interval"):
        if key in data:
            data[key] = _from_ns(data[key])
    return data


def _task_hosts(value: object) -> list[str]:
    """``{"host": "ip"}`` as a task's ``/etc/hosts`` lines (``"ip host"``), or a list as is."""
    if isinstance(value, Mapping):
        pairs = parse_str_map(value, "hosts")
        return [f"{address} {host}" for host, address in sorted(pairs.items())]
    return parse_str_list(value, "hosts")


class ServiceContainerSpec(Spec):
    """The container each task runs: docker-py's ``docker.types.ContainerSpec``.

    Named apart from :class:`aiocontainers.types.ContainerSpec` (the spec behind
    ``containers.run()``). ``command`` may be a string (split like a shell would);
    ``env`` a dict or ``["K=v"]``; ``mounts`` :class:`~aiocontainers.types.Mount`
    objects or ``"source:/target[:ro]"`` strings; ``hosts`` ``{"host": "ip"}``;
    ``stop_grace_period`` seconds or ``timedelta``.
    """

    _positional = ("image", "command", "args", "hostname", "env", "workdir", "user", "labels")

    if TYPE_CHECKING:

        def __init__(
            self,
            image: str,
            command: str | list[str] | None = None,
            args: list[str] | None = None,
            hostname: str | None = None,
            env: dict[str, Any] | list[str] | None = None,
            workdir: str | None = None,
            user: str | None = None,
            labels: dict[str, str] | None = None,
            *,
            mounts: list[Mount | str | dict[str, Any]] | None = None,
            stop_grace_period: float | timedelta | None = None,
            secrets: list[SecretReference] | None = None,
            tty: bool | None = None,
            groups: list[str] | None = None,
            open_stdin: bool | None = None,
            read_only: bool | None = None,
            stop_signal: str | None = None,
            healthcheck: Healthcheck | dict[str, Any] | None = None,
            hosts: dict[str, str] | list[str] | None = None,
            dns_config: DNSConfig | dict[str, Any] | None = None,
            configs: list[ConfigReference] | None = None,
            privileges: Privileges | dict[str, Any] | None = None,
            isolation: str | None = None,
            init: bool | None = None,
            cap_add: list[str] | None = None,
            cap_drop: list[str] | None = None,
            sysctls: dict[str, str] | None = None,
        ) -> None: ...

    image: str = Field(min_length=1)
    command: list[str] | None = None
    args: list[str] | None = None
    hostname: str | None = None
    env: EnvironmentEntries = None
    workdir: str | None = None
    user: str | None = None
    labels: dict[str, str] | None = None
    mounts: list[Mount] | None = None
    stop_grace_period: timedelta | None = None
    secrets: list[SecretReference] | None = None
    tty: bool | None = None
    groups: list[str] | None = None
    open_stdin: bool | None = None
    read_only: bool | None = None
    stop_signal: str | None = None
    healthcheck: Healthcheck | None = None
    hosts: list[str] | None = None
    dns_config: DNSConfig | None = None
    configs: list[ConfigReference] | None = None
    privileges: Privileges | None = None
    isolation: str | None = None
    init: bool | None = None
    cap_add: list[str] | None = None
    cap_drop: list[str] | None = None
    sysctls: dict[str, str] | None = None

    @field_validator("command", mode="before")
    @classmethod
    def _command(cls, value: object) -> object:
        return None if value is None else parse_command(value, "command")

    @field_validator("args", "groups", "cap_add", "cap_drop", mode="before")
    @classmethod
    def _lists(cls, value: object, info: Any) -> object:
        return None if value is None else parse_str_list(value, info.field_name)

    @field_validator("env", mode="before")
    @classmethod
    def _env(cls, value: object) -> object:
        return None if value is None else parse_environment(value, "env")

    @field_validator("labels", mode="before")
    @classmethod
    def _labels(cls, value: object) -> object:
        return None if value is None else parse_labels(value, "labels")

    @field_validator("sysctls", mode="before")
    @classmethod
    def _sysctls(cls, value: object) -> object:
        return None if value is None else parse_str_map(value, "sysctls")

    @field_validator("hosts", mode="before")
    @classmethod
    def _hosts(cls, value: object) -> object:
        return None if value is None else _task_hosts(value)

    @field_validator("mounts", mode="before")
    @classmethod
    def _mounts(cls, value: object) -> object:
        if value is None:
            return None
        if not isinstance(value, list):
            raise ValueError(f"mounts: expected a list, got {value!r}")
        return [
            Mount.parse_mount_string(item)
            if isinstance(item, str)
            else Mount.from_wire(item)
            if _is_wire(item)
            else item
            for item in value
        ]

    @field_validator("healthcheck", mode="before")
    @classmethod
    def _health(cls, value: object) -> object:
        return _healthcheck(value)

    @field_validator("stop_grace_period", mode="before")
    @classmethod
    def _grace(cls, value: object) -> object:
        return None if value is None else _duration(value, "stop_grace_period")

    @validated
    def to_wire(self, api_version: ApiVersion) -> dict[str, Any]:
        """The ``TaskTemplate.ContainerSpec`` object; InvalidArgument for too-new options."""
        wire: dict[str, Any] = {"Image": self.image}
        simple = {
            "Command": self.command,
            "Args": self.args,
            "Hostname": self.hostname,
            "Env": self.env,
            "Dir": self.workdir,
            "User": self.user,
            "Groups": self.groups,
            "StopSignal": self.stop_signal,
            "Labels": self.labels,
            "Hosts": self.hosts,
        }
        wire.update(_drop_none(simple))
        if self.stop_grace_period is not None:
            wire["StopGracePeriod"] = to_nanoseconds(self.stop_grace_period)
        if self.mounts is not None:
            wire["Mounts"] = [mount.to_wire(api_version) for mount in self.mounts]
        if self.secrets is not None:
            wire["Secrets"] = [secret.to_wire() for secret in self.secrets]
        if self.configs is not None:
            wire["Configs"] = [config.to_wire() for config in self.configs]
        if self.dns_config is not None:
            wire["DNSConfig"] = self.dns_config.to_wire()
        if self.privileges is not None:
            wire["Privileges"] = self.privileges.to_wire()
        if self.healthcheck is not None:
            wire["Healthcheck"] = self.healthcheck.to_wire(api_version)
        flags = {"TTY": self.tty, "OpenStdin": self.open_stdin, "ReadOnly": self.read_only}
        wire.update(_drop_none(flags))
        if self.isolation is not None:
            wire["Isolation"] = self.isolation
        if self.init is not None:
            require_api(api_version, "1.37", "ServiceContainerSpec.init")
            wire["Init"] = self.init
        if self.cap_add is not None:
            require_api(api_version, "1.41", "ServiceContainerSpec.cap_add")
            wire["CapabilityAdd"] = list(self.cap_add)
        if self.cap_drop is not None:
            require_api(api_version, "1.41", "ServiceContainerSpec.cap_drop")
            wire["CapabilityDrop"] = list(self.cap_drop)
        if self.sysctls is not None:
            require_api(api_version, "1.40", "ServiceContainerSpec.sysctls")
            wire["Sysctls"] = dict(self.sysctls)
        return wire


_RESTART_CONDITIONS = {
    "": "none",
    "no": "none",
    "always": "any",
    "unless-stopped": "any",
    "on-failure": "on-failure",
}


class TaskTemplate(Spec):
    """What each task of a service is: its container, resources, restarts and placement.

    ``placement`` may be a list of constraints; ``log_driver`` a
    :class:`~aiocontainers.types.DriverConfig`, a driver name, or
    ``{"Name": ..., "Options": ...}``; ``networks`` names, ids or
    :class:`NetworkAttachmentConfig` objects; ``restart_policy`` a
    :class:`ServiceRestartPolicy` (or its dict form); a container
    :class:`~aiocontainers.types.RestartPolicy` is read as the swarm policy it
    means (``"no"`` → ``"none"``, ``"always"``/``"unless-stopped"`` → ``"any"``,
    ``"on-failure"`` keeps its retry count).
    """

    _positional = (
        "container_spec",
        "resources",
        "restart_policy",
        "placement",
        "log_driver",
        "networks",
        "force_update",
    )

    if TYPE_CHECKING:

        def __init__(
            self,
            container_spec: ServiceContainerSpec | dict[str, Any],
            resources: Resources | dict[str, Any] | None = None,
            restart_policy: ServiceRestartPolicy | dict[str, Any] | None = None,
            placement: Placement | list[str] | dict[str, Any] | None = None,
            log_driver: DriverConfig | str | dict[str, Any] | None = None,
            networks: list[str | NetworkAttachmentConfig | dict[str, Any]] | None = None,
            force_update: int | None = None,
        ) -> None: ...

    container_spec: ServiceContainerSpec
    resources: Resources | None = None
    restart_policy: ServiceRestartPolicy | None = None
    placement: Placement | None = None
    log_driver: DriverConfig | None = None
    networks: list[NetworkAttachmentConfig] | None = None
    force_update: int | None = Field(default=None, ge=0)

    @field_validator("container_spec", mode="before")
    @classmethod
    def _container_spec(cls, value: object) -> object:
        if _is_wire(value):
            raise ValueError(
                "container_spec: give a ServiceContainerSpec (or its keyword dict), "
                "not Engine API JSON"
            )
        return value

    @field_validator("restart_policy", mode="before")
    @classmethod
    def _restart_policy(cls, value: object) -> object:
        """A container :class:`RestartPolicy` (or its dict) as the swarm policy it means."""
        if isinstance(value, Mapping) and value and set(value) <= {"Name", "MaximumRetryCount"}:
            value = RestartPolicy.model_validate(dict(value))
        if isinstance(value, RestartPolicy):
            return {
                "condition": _RESTART_CONDITIONS[value.name],
                "max_attempts": value.maximum_retry_count or 0,
            }
        return value

    @field_validator("placement", mode="before")
    @classmethod
    def _placement(cls, value: object) -> object:
        return {"constraints": value} if isinstance(value, list) else value

    @field_validator("log_driver", mode="before")
    @classmethod
    def _log_driver(cls, value: object) -> object:
        return {"name": value} if isinstance(value, str) else value

    @field_validator("force_update", mode="before")
    @classmethod
    def _force_update(cls, value: object) -> object:
        if isinstance(value, bool):
            raise ValueError("force_update: expected a counter (int), got a bool")
        return value

    @validated
    def to_wire(self, api_version: ApiVersion) -> dict[str, Any]:
        """The ``TaskTemplate`` object of a service spec."""
        wire: dict[str, Any] = {"ContainerSpec": self.container_spec.to_wire(api_version)}
        if self.resources is not None and (resources := self.resources.to_wire()):
            wire["Resources"] = resources
        if self.restart_policy is not None:
            wire["RestartPolicy"] = self.restart_policy.to_wire()
        if self.placement is not None and (placement := self.placement.to_wire(api_version)):
            wire["Placement"] = placement
        if self.log_driver is not None:
            wire["LogDriver"] = self.log_driver.to_wire()
        if self.networks:
            wire["Networks"] = [network.to_wire() for network in self.networks]
        if self.force_update is not None:
            wire["ForceUpdate"] = self.force_update
        return wire


# -- the service --------------------------------------------------------------

_CONTAINER_OPTIONS = frozenset(ServiceContainerSpec.model_fields)
_TASK_OPTIONS = frozenset({"networks", "resources", "restart_policy", "force_update"})
_PLACEMENT_OPTIONS = frozenset({"constraints", "preferences", "platforms", "maxreplicas"})
_SERVICE_OPTIONS = frozenset(
    {"name", "labels", "mode", "update_config", "rollback_config", "endpoint_spec"}
)
_OTHER_OPTIONS = frozenset({"container_labels", "log_driver", "log_driver_options"})
SERVICE_OPTIONS = (
    _CONTAINER_OPTIONS | _TASK_OPTIONS | _PLACEMENT_OPTIONS | _SERVICE_OPTIONS | _OTHER_OPTIONS
)


class ServiceSpec(Spec):
    """A whole service: the body of ``POST /services/create`` (and of updates).

    Build it from ``services.create()``'s keywords with :meth:`from_options`.
    """

    task_template: TaskTemplate
    name: str | None = None
    labels: dict[str, str] | None = None
    mode: ServiceMode | None = None
    update_config: UpdateConfig | None = None
    rollback_config: RollbackConfig | None = None
    endpoint_spec: EndpointSpec | None = None

    @field_validator("labels", mode="before")
    @classmethod
    def _labels(cls, value: object) -> object:
        return None if value is None else parse_labels(value, "labels")

    @classmethod
    @validated
    def from_options(cls, options: Mapping[str, Any], *, caller: str = "create") -> ServiceSpec:
        """Sort docker-py's flat ``services.create()`` keywords into a service spec.

        ``labels`` label the service and ``container_labels`` its containers;
        ``constraints``/``preferences``/``platforms``/``maxreplicas`` form the
        placement; ``log_driver`` and ``log_driver_options`` the task's log driver.
        An unknown keyword raises InvalidArgument naming it (with a close match if any).
        """
        unknown = [key for key in options if key not in SERVICE_OPTIONS]
        if unknown:
            names = []
            for key in unknown:
                close = difflib.get_close_matches(key, sorted(SERVICE_OPTIONS), n=1)
                names.append(f"{key!r} (did you mean {close[0]!r}?)" if close else repr(key))
            raise InvalidArgument(
                f"{caller}() got unexpected keyword arguments {', '.join(names)}"
            )
        given = {key: value for key, value in options.items() if value is not None}
        service = {key: given[key] for key in _SERVICE_OPTIONS & given.keys()}
        container = {
            key: given[key] for key in _CONTAINER_OPTIONS & given.keys() if key != "labels"
        }
        if "container_labels" in given:
            container["labels"] = given["container_labels"]
        task: dict[str, Any] = {key: given[key] for key in _TASK_OPTIONS & given.keys()}
        placement = {key: given[key] for key in _PLACEMENT_OPTIONS & given.keys()}
        if placement:
            task["placement"] = placement
        if "log_driver" in given:
            task["log_driver"] = {
                "name": given["log_driver"],
                "options": given.get("log_driver_options") or None,
            }
        elif "log_driver_options" in given:
            raise InvalidArgument(f"{caller}(): log_driver_options needs log_driver")
        task["container_spec"] = container
        return cls.model_validate({**service, "task_template": task})

    @validated
    def to_wire(self, api_version: ApiVersion) -> dict[str, Any]:
        """The service spec as the Engine API takes it."""
        wire: dict[str, Any] = {}
        if self.name is not None:
            wire["Name"] = self.name
        if self.labels is not None:
            wire["Labels"] = dict(self.labels)
        wire["TaskTemplate"] = self.task_template.to_wire(api_version)
        if self.mode is not None:
            wire["Mode"] = self.mode.to_wire(api_version)
        if self.update_config is not None:
            wire["UpdateConfig"] = self.update_config.to_wire()
        if self.rollback_config is not None:
            wire["RollbackConfig"] = self.rollback_config.to_wire()
        if self.endpoint_spec is not None:
            wire["EndpointSpec"] = self.endpoint_spec.to_wire()
        return wire


# -- the swarm ----------------------------------------------------------------


class SwarmExternalCA(_WireSpec):
    """An external certificate authority the swarm forwards signing requests to."""

    _positional = ("url", "protocol", "options", "ca_cert")
    _wire_names: ClassVar[Mapping[str, str]] = {
        "URL": "url",
        "Protocol": "protocol",
        "Options": "options",
        "CACert": "ca_cert",
    }

    if TYPE_CHECKING:

        def __init__(
            self,
            url: str,
            protocol: str | None = None,
            options: dict[str, str] | None = None,
            ca_cert: str | None = None,
        ) -> None: ...

    url: str = Field(min_length=1)
    protocol: str | None = None
    options: dict[str, str] | None = None
    ca_cert: str | None = None

    @validated
    def to_wire(self) -> dict[str, Any]:
        """The ``CAConfig.ExternalCAs`` entry."""
        return _drop_none(
            {
                "URL": self.url,
                "Protocol": self.protocol,
                "Options": self.options,
                "CACert": self.ca_cert,
            }
        )


class SwarmSpec(Spec):
    """A swarm's settings, for ``swarm.init(**kwargs)`` and ``swarm.update(**kwargs)``.

    ``dispatcher_heartbeat_period`` and ``node_cert_expiry`` are seconds or
    ``timedelta`` (docker-py: nanoseconds); ``external_ca`` is a shorthand for a
    one-element ``external_cas``.
    """

    if TYPE_CHECKING:

        def __init__(
            self,
            *,
            task_history_retention_limit: int | None = None,
            snapshot_interval: int | None = None,
            keep_old_snapshots: int | None = None,
            log_entries_for_slow_followers: int | None = None,
            heartbeat_tick: int | None = None,
            election_tick: int | None = None,
            dispatcher_heartbeat_period: float | timedelta | None = None,
            node_cert_expiry: float | timedelta | None = None,
            external_ca: SwarmExternalCA | dict[str, Any] | None = None,
            external_cas: list[SwarmExternalCA] | list[dict[str, Any]] | None = None,
            name: str | None = None,
            labels: dict[str, str] | None = None,
            signing_ca_cert: str | None = None,
            signing_ca_key: str | None = None,
            ca_force_rotate: int | None = None,
            autolock_managers: bool | None = None,
            log_driver: DriverConfig | str | dict[str, Any] | None = None,
        ) -> None: ...

    task_history_retention_limit: int | None = Field(default=None, ge=0)
    snapshot_interval: int | None = Field(default=None, ge=0)
    keep_old_snapshots: int | None = Field(default=None, ge=0)
    log_entries_for_slow_followers: int | None = Field(default=None, ge=0)
    heartbeat_tick: int | None = Field(default=None, ge=0)
    election_tick: int | None = Field(default=None, ge=0)
    dispatcher_heartbeat_period: timedelta | None = None
    node_cert_expiry: timedelta | None = None
    external_cas: list[SwarmExternalCA] | None = None
    name: str | None = None
    labels: dict[str, str] | None = None
    signing_ca_cert: str | None = None
    signing_ca_key: str | None = None
    ca_force_rotate: int | None = Field(default=None, ge=0)
    autolock_managers: bool | None = None
    log_driver: DriverConfig | None = None

    @model_validator(mode="before")
    @classmethod
    def _external_ca(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and data.get("external_ca") is not None:
            if data.get("external_cas") is not None:
                raise ValueError("give external_ca or external_cas, not both")
            rest = {key: value for key, value in data.items() if key != "external_ca"}
            return {**rest, "external_cas": [data["external_ca"]]}
        return data

    @field_validator("dispatcher_heartbeat_period", "node_cert_expiry", mode="before")
    @classmethod
    def _durations(cls, value: object, info: Any) -> object:
        return None if value is None else _duration(value, info.field_name)

    @field_validator("log_driver", mode="before")
    @classmethod
    def _log_driver(cls, value: object) -> object:
        return {"name": value} if isinstance(value, str) else value

    @validated
    def to_wire(self) -> dict[str, Any]:
        """The ``Spec`` of ``POST /swarm/init`` and ``/swarm/update``; unset parts omitted."""
        wire: dict[str, Any] = {}
        if self.task_history_retention_limit is not None:
            wire["Orchestration"] = {
                "TaskHistoryRetentionLimit": self.task_history_retention_limit
            }
        raft = _drop_none(
            {
                "SnapshotInterval": self.snapshot_interval,
                "KeepOldSnapshots": self.keep_old_snapshots,
                "LogEntriesForSlowFollowers": self.log_entries_for_slow_followers,
                "HeartbeatTick": self.heartbeat_tick,
                "ElectionTick": self.election_tick,
            }
        )
        if raft:
            wire["Raft"] = raft
        if self.dispatcher_heartbeat_period is not None:
            wire["Dispatcher"] = {
                "HeartbeatPeriod": to_nanoseconds(self.dispatcher_heartbeat_period)
            }
        ca: dict[str, Any] = {}
        if self.node_cert_expiry is not None:
            ca["NodeCertExpiry"] = to_nanoseconds(self.node_cert_expiry)
        if self.external_cas:
            ca["ExternalCAs"] = [external.to_wire() for external in self.external_cas]
        ca.update(
            _drop_none(
                {
                    "SigningCAKey": self.signing_ca_key,
                    "SigningCACert": self.signing_ca_cert,
                    "ForceRotate": self.ca_force_rotate,
                }
            )
        )
        if ca:
            wire["CAConfig"] = ca
        if self.autolock_managers is not None:
            wire["EncryptionConfig"] = {"AutoLockManagers": self.autolock_managers}
        if self.log_driver is not None:
            wire["TaskDefaults"] = {"LogDriver": self.log_driver.to_wire()}
        if self.name is not None:
            wire["Name"] = self.name
        if self.labels is not None:
            wire["Labels"] = dict(self.labels)
        return wire
