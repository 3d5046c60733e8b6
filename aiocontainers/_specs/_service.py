"""Swarm input specs: services, their tasks and the swarm itself, named as in ``docker.types``.

Each type is a frozen pydantic model that validates on construction and renders its
Engine API JSON with ``to_wire()``. Three differences from docker-py, on purpose:

- Durations (``UpdateConfig.delay``/``monitor``, ``ServiceRestartPolicy.delay``/``window``,
  ``stop_grace_period``, ``SwarmSpec.node_cert_expiry``...) are seconds or ``timedelta``;
  nanoseconds exist only on the wire. A number of one million or more is refused as a
  probable nanosecond value.
- A dict in the Engine API's own form (CamelCase keys, as every ``docker.types`` object
  is) is read as wire JSON, durations in nanoseconds, so docker-py-built values port.
- Two names clash with the container types of [`aiocontainers.types`][aiocontainers.types]:
  docker-py's ``docker.types.ContainerSpec`` (a service's container) is
  [`ServiceContainerSpec`][aiocontainers.types.ServiceContainerSpec] here, and
  ``docker.types.RestartPolicy`` (a task's restart condition) is
  [`ServiceRestartPolicy`][aiocontainers.types.ServiceRestartPolicy]. ``ContainerSpec`` and
  ``RestartPolicy`` stay the ``containers.run()`` ones.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from .._validation import validated
from ..errors import InvalidArgument
from ._base import EnvironmentEntries
from ._parse import (
    duration_seconds,
    parse_bytes,
    parse_command,
    parse_environment,
    parse_labels,
    parse_str_list,
    parse_str_map,
)
from ._types import _NANOSECOND_SUSPECT, DriverConfig, Healthcheck, Mount, RestartPolicy
from ._wire import GatedWireSpec, Wire, WireSpec, is_wire

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


def _duration_field(value: object, info: ValidationInfo) -> timedelta:
    return _duration(value, info.field_name or "duration")


#: Seconds or a timedelta (never negative); sent as nanoseconds.
Duration = Annotated[timedelta, BeforeValidator(_duration_field)]


def _drop_none(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


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


class ServiceMode(GatedWireSpec):
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

    def _render(self, api_version: str | None) -> dict[str, Any]:
        """The ``Mode`` object of a service spec."""
        body: dict[str, Any] = {}
        if self.mode == "replicated" and self.replicas is not None:
            body["Replicas"] = self.replicas
        if self.mode.endswith("-job"):
            self._require(api_version, "1.41", f"ServiceMode({self.mode!r})")
        if self.mode == "replicated-job":
            if self.replicas is not None or self.concurrency is not None:
                body["MaxConcurrent"] = self.concurrency or 1
            if self.replicas is not None:
                body["TotalCompletions"] = self.replicas
        return {_MODE_WIRE[self.mode]: body}


class PlacementPreference(WireSpec):
    """A scheduling preference: ``PlacementPreference("spread", "node.labels.zone")``."""

    _positional = ("strategy", "descriptor")

    if TYPE_CHECKING:

        def __init__(self, strategy: Literal["spread"], descriptor: str) -> None: ...

    strategy: Literal["spread"]
    descriptor: Annotated[str, Wire("Spread.SpreadDescriptor")] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _accept(cls, data: Any) -> Any:
        if isinstance(data, (tuple, list)) and len(data) == 2:
            return {"strategy": data[0], "descriptor": data[1]}
        if is_wire(data):  # its descriptor is read from the wire form below
            return {"strategy": "spread", **data}
        return data


class Placement(GatedWireSpec):
    """Where tasks may run: constraints, spread preferences, platforms, replicas per node.

    ``preferences`` are [`PlacementPreference`][aiocontainers.types.PlacementPreference] objects or
    ``(strategy, descriptor)`` tuples; ``platforms`` are ``(architecture, os)`` tuples.
    """

    _positional = ("constraints", "preferences", "platforms", "maxreplicas")

    if TYPE_CHECKING:

        def __init__(
            self,
            constraints: list[str] | None = None,
            preferences: list[PlacementPreference] | list[tuple[str, str]] | None = None,
            platforms: list[tuple[str, str]] | None = None,
            maxreplicas: int | None = None,
        ) -> None: ...

    constraints: Annotated[list[str] | None, Wire("Constraints")] = None
    preferences: Annotated[list[PlacementPreference] | None, Wire("Preferences")] = None
    maxreplicas: Annotated[int | None, Wire("MaxReplicas", since="1.40")] = Field(
        default=None, ge=0
    )
    platforms: Annotated[
        list[tuple[str, str]] | None,
        Wire(
            "Platforms",
            omit_empty=True,
            encode=lambda platforms: [{"Architecture": a, "OS": o} for a, o in platforms],
            decode=lambda platforms: [(p.get("Architecture"), p.get("OS")) for p in platforms],
        ),
    ] = None

    @field_validator("constraints", mode="before")
    @classmethod
    def _constraints(cls, value: object) -> object:
        return None if value is None else parse_str_list(value, "constraints")


class Resources(WireSpec):
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

    if TYPE_CHECKING:

        def __init__(
            self,
            cpu_limit: int | None = None,
            mem_limit: int | str | None = None,
            cpu_reservation: int | None = None,
            mem_reservation: int | str | None = None,
            generic_resources: dict[str, int | str] | list[dict[str, Any]] | None = None,
        ) -> None: ...

    cpu_limit: Annotated[int | None, Wire("Limits.NanoCPUs")] = Field(default=None, ge=0)
    mem_limit: Annotated[int | None, Wire("Limits.MemoryBytes")] = Field(default=None, ge=0)
    cpu_reservation: Annotated[int | None, Wire("Reservations.NanoCPUs")] = Field(
        default=None, ge=0
    )
    mem_reservation: Annotated[int | None, Wire("Reservations.MemoryBytes")] = Field(
        default=None, ge=0
    )
    generic_resources: Annotated[
        list[dict[str, Any]] | None, Wire("Reservations.GenericResources")
    ] = None

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


class RestartConditionTypes:
    """The restart conditions (``ServiceRestartPolicy.condition_types.ON_FAILURE``)."""

    NONE = "none"
    ON_FAILURE = "on-failure"
    ANY = "any"


class ServiceRestartPolicy(WireSpec):
    """When swarm restarts a task's container: docker-py's ``docker.types.RestartPolicy``.

    Named apart from [`aiocontainers.types.RestartPolicy`][aiocontainers.types.RestartPolicy] (a
    plain
    container's policy). ``delay`` and ``window`` are seconds or ``timedelta``;
    ``max_attempts=0`` means no limit, ``window=0`` an unbounded window.
    """

    condition_types: ClassVar[type[RestartConditionTypes]] = RestartConditionTypes
    _positional = ("condition", "delay", "max_attempts", "window")

    if TYPE_CHECKING:

        def __init__(
            self,
            condition: Literal["none", "on-failure", "any"] = "none",
            delay: float | timedelta = 0,
            max_attempts: int = 0,
            window: float | timedelta = 0,
        ) -> None: ...

    condition: Annotated[Literal["none", "on-failure", "any"], Wire("Condition")] = "none"
    delay: Annotated[Duration, Wire("Delay")] = timedelta(0)
    max_attempts: Annotated[int, Wire("MaxAttempts")] = Field(default=0, ge=0)
    window: Annotated[Duration, Wire("Window")] = timedelta(0)


class UpdateConfig(WireSpec):
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

    parallelism: Annotated[int, Wire("Parallelism")] = Field(default=0, ge=0)
    delay: Annotated[Duration | None, Wire("Delay")] = None
    failure_action: Annotated[Literal["continue", "pause", "rollback"], Wire("FailureAction")] = (
        "continue"
    )
    monitor: Annotated[Duration | None, Wire("Monitor")] = None
    max_failure_ratio: Annotated[float | None, Wire("MaxFailureRatio")] = Field(
        default=None, ge=0, le=1
    )
    order: Annotated[Literal["start-first", "stop-first"] | None, Wire("Order")] = None

    @field_validator("failure_action")
    @classmethod
    def _failure_action(cls, value: str) -> str:
        if value not in cls._failure_actions:
            raise ValueError(
                f"failure_action: {cls.__name__} takes one of {list(cls._failure_actions)}, "
                f"not {value!r}"
            )
        return value


class RollbackConfig(UpdateConfig):
    """How a rollback rolls out; as [`UpdateConfig`][aiocontainers.types.UpdateConfig], but a
    rollback cannot roll back."""

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


class EndpointSpec(WireSpec):
    """How a service is reached: ``vip``/``dnsrr`` load balancing and published ports.

    ``ports``: ``{published: target}``, ``{published: (target, "udp", "host")}`` or the
    Engine API's list of port objects. Publishing needs ``vip`` mode.
    """

    _positional = ("mode", "ports")

    if TYPE_CHECKING:

        def __init__(
            self,
            mode: Literal["vip", "dnsrr"] | None = None,
            ports: dict[int, Any] | list[dict[str, Any]] | None = None,
        ) -> None: ...

    ports: Annotated[list[dict[str, Any]] | None, Wire("Ports", omit_empty=True)] = None
    mode: Annotated[Literal["vip", "dnsrr"] | None, Wire("Mode", omit_empty=True)] = None

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


class NetworkAttachmentConfig(WireSpec):
    """A network a service's tasks join, with aliases and driver options."""

    _positional = ("target", "aliases", "options")

    if TYPE_CHECKING:

        def __init__(
            self,
            target: str,
            aliases: list[str] | None = None,
            options: dict[str, str] | None = None,
        ) -> None: ...

    target: Annotated[str, Wire("Target")] = Field(min_length=1)
    aliases: Annotated[list[str] | None, Wire("Aliases")] = None
    options: Annotated[dict[str, str] | None, Wire("DriverOpts")] = None

    @model_validator(mode="before")
    @classmethod
    def _name(cls, data: Any) -> Any:
        return {"target": data} if isinstance(data, str) else data


# -- what runs in a task ------------------------------------------------------


class _FileReference(WireSpec):
    """A secret or config exposed to a service's containers as a file.

    Sent with its defaults filled in: the file is named after the secret or config
    and owned by root (``"0"``).
    """

    _kind: ClassVar[str] = ""

    uid: Annotated[str | None, Wire("File.UID")] = None
    gid: Annotated[str | None, Wire("File.GID")] = None
    filename: Annotated[str | None, Wire("File.Name")] = None
    mode: Annotated[int, Wire("File.Mode")] = Field(default=0o444, ge=0, le=0o7777)

    @field_validator("uid", "gid", mode="before")
    @classmethod
    def _owner(cls, value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value

    def _render(self, api_version: str | None) -> dict[str, Any]:
        kind = self._kind.capitalize()
        name = getattr(self, f"{self._kind}_name")
        return {
            f"{kind}Name": name,
            f"{kind}ID": getattr(self, f"{self._kind}_id"),
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

    secret_id: Annotated[str, Wire("SecretID")] = Field(min_length=1)
    secret_name: Annotated[str, Wire("SecretName")] = Field(min_length=1)


class ConfigReference(_FileReference):
    """A config made available to a service as a file (by default ``/<config_name>``)."""

    _kind = "config"
    _positional = ("config_id", "config_name", "filename", "uid", "gid", "mode")

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

    config_id: Annotated[str, Wire("ConfigID")] = Field(min_length=1)
    config_name: Annotated[str, Wire("ConfigName")] = Field(min_length=1)


class DNSConfig(WireSpec):
    """Resolver settings of a service's containers (``resolv.conf``)."""

    _positional = ("nameservers", "search", "options")

    if TYPE_CHECKING:

        def __init__(
            self,
            nameservers: list[str] | None = None,
            search: list[str] | None = None,
            options: list[str] | None = None,
        ) -> None: ...

    nameservers: Annotated[list[str] | None, Wire("Nameservers")] = None
    search: Annotated[list[str] | None, Wire("Search")] = None
    options: Annotated[list[str] | None, Wire("Options")] = None


class Privileges(WireSpec):
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

    credentialspec_file: Annotated[str | None, Wire("CredentialSpec.File")] = None
    credentialspec_registry: Annotated[str | None, Wire("CredentialSpec.Registry")] = None
    selinux_disable: Annotated[bool | None, Wire("SELinuxContext.Disable")] = None
    selinux_user: Annotated[str | None, Wire("SELinuxContext.User")] = None
    selinux_role: Annotated[str | None, Wire("SELinuxContext.Role")] = None
    selinux_type: Annotated[str | None, Wire("SELinuxContext.Type")] = None
    selinux_level: Annotated[str | None, Wire("SELinuxContext.Level")] = None

    @model_validator(mode="after")
    def _check(self) -> Privileges:
        if self.credentialspec_file is not None and self.credentialspec_registry is not None:
            raise ValueError(
                "credentialspec_file and credentialspec_registry are mutually exclusive"
            )
        return self


def _task_hosts(value: object) -> list[str]:
    """``{"host": "ip"}`` as a task's ``/etc/hosts`` lines (``"ip host"``), or a list as is."""
    if isinstance(value, Mapping):
        pairs = parse_str_map(value, "hosts")
        return [f"{address} {host}" for host, address in sorted(pairs.items())]
    return parse_str_list(value, "hosts")


class ServiceContainerSpec(GatedWireSpec):
    """The container each task runs: docker-py's ``docker.types.ContainerSpec``.

    Named apart from [`aiocontainers.types.ContainerSpec`][aiocontainers.types.ContainerSpec] (the
    spec behind
    ``containers.run()``). ``command`` may be a string (split like a shell would);
    ``env`` a dict or ``["K=v"]``; ``mounts`` [`Mount`][aiocontainers.types.Mount]
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

    image: Annotated[str, Wire("Image")] = Field(min_length=1)
    command: Annotated[list[str] | None, Wire("Command")] = None
    args: Annotated[list[str] | None, Wire("Args")] = None
    hostname: Annotated[str | None, Wire("Hostname")] = None
    env: Annotated[EnvironmentEntries, Wire("Env")] = None
    workdir: Annotated[str | None, Wire("Dir")] = None
    user: Annotated[str | None, Wire("User")] = None
    groups: Annotated[list[str] | None, Wire("Groups")] = None
    stop_signal: Annotated[str | None, Wire("StopSignal")] = None
    labels: Annotated[dict[str, str] | None, Wire("Labels")] = None
    hosts: Annotated[list[str] | None, Wire("Hosts")] = None
    stop_grace_period: Annotated[Duration | None, Wire("StopGracePeriod")] = None
    mounts: Annotated[list[Mount] | None, Wire("Mounts")] = None
    secrets: Annotated[list[SecretReference] | None, Wire("Secrets")] = None
    configs: Annotated[list[ConfigReference] | None, Wire("Configs")] = None
    dns_config: Annotated[DNSConfig | None, Wire("DNSConfig")] = None
    privileges: Annotated[Privileges | None, Wire("Privileges")] = None
    healthcheck: Annotated[Healthcheck | None, Wire("Healthcheck")] = None
    tty: Annotated[bool | None, Wire("TTY")] = None
    open_stdin: Annotated[bool | None, Wire("OpenStdin")] = None
    read_only: Annotated[bool | None, Wire("ReadOnly")] = None
    isolation: Annotated[str | None, Wire("Isolation")] = None
    init: Annotated[bool | None, Wire("Init", since="1.37")] = None
    cap_add: Annotated[list[str] | None, Wire("CapabilityAdd", since="1.41")] = None
    cap_drop: Annotated[list[str] | None, Wire("CapabilityDrop", since="1.41")] = None
    sysctls: Annotated[dict[str, str] | None, Wire("Sysctls", since="1.40")] = None

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
            Mount.parse_mount_string(item) if isinstance(item, str) else item for item in value
        ]


_RESTART_CONDITIONS = {
    "": "none",
    "no": "none",
    "always": "any",
    "unless-stopped": "any",
    "on-failure": "on-failure",
}


class TaskTemplate(GatedWireSpec):
    """What each task of a service is: its container, resources, restarts and placement.

    ``placement`` may be a list of constraints; ``log_driver`` a
    [`DriverConfig`][aiocontainers.types.DriverConfig], a driver name, or
    ``{"Name": ..., "Options": ...}``; ``networks`` names, ids or
    [`NetworkAttachmentConfig`][aiocontainers.types.NetworkAttachmentConfig] objects;
    ``restart_policy`` a
    [`ServiceRestartPolicy`][aiocontainers.types.ServiceRestartPolicy] (or its dict form); a
    container
    [`RestartPolicy`][aiocontainers.types.RestartPolicy] is read as the swarm policy it
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

    container_spec: Annotated[ServiceContainerSpec, Wire("ContainerSpec")]
    resources: Annotated[Resources | None, Wire("Resources", omit_empty=True)] = None
    restart_policy: Annotated[ServiceRestartPolicy | None, Wire("RestartPolicy")] = None
    placement: Annotated[Placement | None, Wire("Placement", omit_empty=True)] = None
    log_driver: Annotated[DriverConfig | None, Wire("LogDriver")] = None
    networks: Annotated[
        list[NetworkAttachmentConfig] | None, Wire("Networks", omit_empty=True)
    ] = None
    force_update: Annotated[int | None, Wire("ForceUpdate")] = Field(default=None, ge=0)

    @field_validator("container_spec", mode="before")
    @classmethod
    def _container_spec(cls, value: object) -> object:
        if is_wire(value):
            raise ValueError(
                "container_spec: give a ServiceContainerSpec (or its keyword dict), "
                "not Engine API JSON"
            )
        return value

    @field_validator("restart_policy", mode="before")
    @classmethod
    def _restart_policy(cls, value: object) -> object:
        """A container [`RestartPolicy`][aiocontainers.types.RestartPolicy] (or its dict) as the
        swarm policy it means."""
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


class ServiceSpec(GatedWireSpec):
    """A whole service: the body of ``POST /services/create`` (and of updates).

    Build it from ``services.create()``'s keywords with `from_options()`.
    """

    name: Annotated[str | None, Wire("Name")] = None
    labels: Annotated[dict[str, str] | None, Wire("Labels")] = None
    task_template: Annotated[TaskTemplate, Wire("TaskTemplate")]
    mode: Annotated[ServiceMode | None, Wire("Mode")] = None
    update_config: Annotated[UpdateConfig | None, Wire("UpdateConfig")] = None
    rollback_config: Annotated[RollbackConfig | None, Wire("RollbackConfig")] = None
    endpoint_spec: Annotated[EndpointSpec | None, Wire("EndpointSpec")] = None

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


# -- the swarm ----------------------------------------------------------------


class SwarmExternalCA(WireSpec):
    """An external certificate authority the swarm forwards signing requests to."""

    _positional = ("url", "protocol", "options", "ca_cert")

    if TYPE_CHECKING:

        def __init__(
            self,
            url: str,
            protocol: str | None = None,
            options: dict[str, str] | None = None,
            ca_cert: str | None = None,
        ) -> None: ...

    url: Annotated[str, Wire("URL")] = Field(min_length=1)
    protocol: Annotated[str | None, Wire("Protocol")] = None
    options: Annotated[dict[str, str] | None, Wire("Options")] = None
    ca_cert: Annotated[str | None, Wire("CACert")] = None


class SwarmSpec(WireSpec):
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

    task_history_retention_limit: Annotated[
        int | None, Wire("Orchestration.TaskHistoryRetentionLimit")
    ] = Field(default=None, ge=0)
    snapshot_interval: Annotated[int | None, Wire("Raft.SnapshotInterval")] = Field(
        default=None, ge=0
    )
    keep_old_snapshots: Annotated[int | None, Wire("Raft.KeepOldSnapshots")] = Field(
        default=None, ge=0
    )
    log_entries_for_slow_followers: Annotated[
        int | None, Wire("Raft.LogEntriesForSlowFollowers")
    ] = Field(default=None, ge=0)
    heartbeat_tick: Annotated[int | None, Wire("Raft.HeartbeatTick")] = Field(default=None, ge=0)
    election_tick: Annotated[int | None, Wire("Raft.ElectionTick")] = Field(default=None, ge=0)
    dispatcher_heartbeat_period: Annotated[Duration | None, Wire("Dispatcher.HeartbeatPeriod")] = (
        None
    )
    node_cert_expiry: Annotated[Duration | None, Wire("CAConfig.NodeCertExpiry")] = None
    external_cas: Annotated[
        list[SwarmExternalCA] | None, Wire("CAConfig.ExternalCAs", omit_empty=True)
    ] = None
    signing_ca_key: Annotated[str | None, Wire("CAConfig.SigningCAKey")] = None
    signing_ca_cert: Annotated[str | None, Wire("CAConfig.SigningCACert")] = None
    ca_force_rotate: Annotated[int | None, Wire("CAConfig.ForceRotate")] = Field(
        default=None, ge=0
    )
    autolock_managers: Annotated[bool | None, Wire("EncryptionConfig.AutoLockManagers")] = None
    log_driver: Annotated[DriverConfig | None, Wire("TaskDefaults.LogDriver")] = None
    name: Annotated[str | None, Wire("Name")] = None
    labels: Annotated[dict[str, str] | None, Wire("Labels")] = None

    @model_validator(mode="before")
    @classmethod
    def _external_ca(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and data.get("external_ca") is not None:
            if data.get("external_cas") is not None:
                raise ValueError("give external_ca or external_cas, not both")
            rest = {key: value for key, value in data.items() if key != "external_ca"}
            return {**rest, "external_cas": [data["external_ca"]]}
        return data

    @field_validator("log_driver", mode="before")
    @classmethod
    def _log_driver(cls, value: object) -> object:
        return {"name": value} if isinstance(value, str) else value
