"""One service of a Compose file, validated, in Compose's long syntax.

Each model accepts every input form the Compose specification allows (short
strings, lists or mappings) and stores the long form, which is what
``docker compose config`` prints. Relative paths are kept as written here;
:class:`~aiocontainers.Stack` resolves them against the project directory.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field, field_serializer, field_validator, model_validator

from ._base import (
    ByteSize,
    ComposeModel,
    Duration,
    ExtensibleModel,
    StrList,
    StrMap,
    key_value_map,
    scalar_text,
)

__all__ = [
    "BuildConfig",
    "DeployConfig",
    "DeviceMapping",
    "GenericResource",
    "GenericResourceSpec",
    "HealthcheckConfig",
    "LoggingConfig",
    "PlacementConfig",
    "PlacementPreferenceConfig",
    "PortConfig",
    "ResourceLimits",
    "ResourceReservations",
    "Resources",
    "RestartPolicyConfig",
    "RolloutConfig",
    "ServiceConfig",
    "ServiceDependency",
    "ServiceFileReference",
    "ServiceNetwork",
    "ServiceVolume",
    "Ulimit",
    "parse_ports",
]

_PORT_RE = re.compile(
    r"^(?:(?:\[(?P<ip6>[0-9a-fA-F:.]+)\]|(?P<ip>[0-9.]+|[0-9a-fA-F:]+?)):)??"
    r"(?:(?P<published>\d+(?:-\d+)?)?:)?"
    r"(?P<target>\d+(?:-\d+)?)(?:/(?P<protocol>[a-z]+))?$"
)
_RESTART_RE = re.compile(r"^(no|always|unless-stopped|on-failure(:\d+)?)$")
_LONG_VOLUME_TYPES = ("bind", "volume", "tmpfs", "npipe")


# -- ports ---------------------------------------------------------------------------------


class PortConfig(ComposeModel):
    """A published or exposed port in Compose's long syntax."""

    name: str | None = None
    mode: Literal["ingress", "host"] = "ingress"
    host_ip: str | None = None
    target: int = Field(ge=1, le=65535)
    published: str | None = None
    protocol: Literal["tcp", "udp", "sctp"] = "tcp"
    app_protocol: str | None = None

    @field_validator("published", mode="before")
    @classmethod
    def _published(cls, value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, str) and value and not re.fullmatch(r"\d+(-\d+)?", value):
            raise ValueError(f"invalid published port {value!r}: expected a port or a range")
        return value or None


def _range(text: str) -> list[int]:
    start, _, end = text.partition("-")
    first, last = int(start), int(end or start)
    if last < first:
        raise ValueError(f"invalid port range {text!r}")
    return list(range(first, last + 1))


def _short_port(spec: str) -> list[dict[str, Any]]:
    match = _PORT_RE.match(spec.strip())
    if match is None:
        raise ValueError(
            f"invalid port {spec!r}: expected [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]"
        )
    host_ip = match.group("ip6") or match.group("ip")
    published = match.group("published")
    protocol = match.group("protocol") or "tcp"
    targets = _range(match.group("target"))
    base: dict[str, Any] = {"mode": "ingress", "protocol": protocol}
    if host_ip:
        base["host_ip"] = host_ip
    if published is None or len(targets) == 1:
        return [{**base, "target": t, "published": published} for t in targets]
    hosts = _range(published)
    if len(hosts) != len(targets):
        raise ValueError(f"invalid port {spec!r}: host range and container range differ in size")
    return [
        {**base, "target": t, "published": str(h)} for h, t in zip(hosts, targets, strict=True)
    ]


def parse_ports(value: object) -> list[Any]:
    """Compose ``ports`` (short strings, numbers or long mappings) as long-syntax mappings.

    A short range (``"8000-8001:80-81"``) becomes one entry per port.
    """
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"expected a list of ports, got {value!r}")
    result: list[Any] = []
    for index, item in enumerate(value):
        try:
            if isinstance(item, bool):
                raise ValueError(f"invalid port {item!r}")
            if isinstance(item, (int, str)):
                result.extend(_short_port(str(item)))
            else:
                result.append(item)
        except ValueError as exc:
            raise ValueError(f"[{index}]: {exc}") from None
    return result


# -- volumes -------------------------------------------------------------------------------


class BindOptions(ComposeModel):
    propagation: str | None = None
    create_host_path: bool | None = None
    selinux: Literal["z", "Z"] | None = None


class VolumeOptions(ComposeModel):
    nocopy: bool | None = None
    subpath: str | None = None


class TmpfsOptions(ComposeModel):
    size: ByteSize | None = None
    mode: int | None = None


class ServiceVolume(ComposeModel):
    """A mount of a service in Compose's long syntax (``type``, ``source``, ``target``...)."""

    type: Literal["bind", "volume", "tmpfs", "npipe"]
    source: str | None = None
    target: str
    read_only: bool | None = None
    consistency: str | None = None
    bind: BindOptions | None = None
    volume: VolumeOptions | None = None
    tmpfs: TmpfsOptions | None = None

    @model_validator(mode="before")
    @classmethod
    def _short(cls, data: Any) -> Any:
        if isinstance(data, str):
            return _short_volume(data)
        return data

    @model_validator(mode="after")
    def _check(self) -> ServiceVolume:
        if not self.target.startswith("/"):
            raise ValueError(f"target {self.target!r} must be an absolute path")
        if self.type == "bind" and not self.source:
            raise ValueError("a bind mount needs a source")
        if self.type == "tmpfs" and self.source:
            raise ValueError("a tmpfs mount takes no source")
        return self


def _is_path(source: str) -> bool:
    return source.startswith((".", "/", "~")) or bool(re.match(r"^[A-Za-z]:[\\/]", source))


def _short_volume(spec: str) -> dict[str, Any]:
    parts = spec.split(":")
    if len(parts) == 1:
        return {"type": "volume", "target": parts[0], "volume": {}}
    if len(parts) > 3:
        raise ValueError(f"invalid volume {spec!r}: expected [SOURCE:]TARGET[:MODE]")
    source, target = parts[0], parts[1]
    modes = parts[2].split(",") if len(parts) == 3 else []
    result: dict[str, Any] = {"source": source, "target": target}
    known = {"ro", "rw", "z", "Z", "nocopy", "consistent", "cached", "delegated"}
    propagations = {"private", "rprivate", "shared", "rshared", "slave", "rslave"}
    for mode in modes:
        if mode not in known | propagations:
            raise ValueError(f"invalid mode {mode!r} in volume {spec!r}")
    if "ro" in modes:
        result["read_only"] = True
    if _is_path(source):
        bind: dict[str, Any] = {"create_host_path": True}
        propagation = next((m for m in modes if m in propagations), None)
        if propagation:
            bind["propagation"] = propagation
        selinux = next((m for m in modes if m in ("z", "Z")), None)
        if selinux:
            bind["selinux"] = selinux
        result.update(type="bind", bind=bind)
    else:
        result.update(type="volume", volume={"nocopy": True} if "nocopy" in modes else {})
    return result


# -- healthcheck, dependencies, networks ---------------------------------------------------


class HealthcheckConfig(ComposeModel):
    """A service's health check; ``test`` as a list (``["CMD-SHELL", "..."]`` for a string)."""

    test: list[str] | None = None
    interval: Duration | None = None
    timeout: Duration | None = None
    retries: int | None = Field(default=None, ge=0)
    start_period: Duration | None = None
    start_interval: Duration | None = None
    disable: bool | None = None

    @field_validator("test", mode="before")
    @classmethod
    def _test(cls, value: object) -> object:
        if isinstance(value, str):
            return ["CMD-SHELL", value]
        if isinstance(value, list) and value and value[0] not in ("CMD", "CMD-SHELL", "NONE"):
            raise ValueError(f"test must start with CMD, CMD-SHELL or NONE, got {value[0]!r}")
        return value


class ServiceDependency(ComposeModel):
    """``depends_on`` in long syntax: wait for ``condition``; ``required=False`` may be absent."""

    condition: Literal["service_started", "service_healthy", "service_completed_successfully"] = (
        "service_started"
    )
    required: bool = True
    restart: bool | None = None

    @field_serializer("restart")
    def _restart(self, value: bool | None) -> bool | None:
        return value or None


class ServiceNetwork(ComposeModel):
    """How a service joins one network: extra DNS aliases and fixed addresses."""

    aliases: list[str] | None = None
    ipv4_address: str | None = None
    ipv6_address: str | None = None
    priority: int | None = None


# -- deploy, resources, build, logging, devices ---------------------------------------------


class ResourceLimits(ComposeModel):
    cpus: float | None = Field(default=None, ge=0)
    memory: ByteSize | None = None
    pids: int | None = None

    @field_validator("cpus", mode="before")
    @classmethod
    def _cpus(cls, value: object) -> object:
        return float(value) if isinstance(value, str) else value


class GenericResourceSpec(ComposeModel):
    kind: str
    value: int | str


class GenericResource(ComposeModel):
    """A swarm generic resource a task reserves: a count (``discrete_resource_spec``)
    or a named one (``named_resource_spec``)."""

    discrete_resource_spec: GenericResourceSpec | None = None
    named_resource_spec: GenericResourceSpec | None = None

    @model_validator(mode="after")
    def _one(self) -> GenericResource:
        if (self.discrete_resource_spec is None) == (self.named_resource_spec is None):
            raise ValueError("give discrete_resource_spec or named_resource_spec (one of them)")
        return self


class ResourceReservations(ResourceLimits):
    generic_resources: list[GenericResource] | None = None


class Resources(ComposeModel):
    limits: ResourceLimits | None = None
    reservations: ResourceReservations | None = None


class RestartPolicyConfig(ComposeModel):
    condition: Literal["none", "on-failure", "any"] = "any"
    max_attempts: int | None = Field(default=None, ge=0)
    delay: Duration | None = None
    window: Duration | None = None


class PlacementPreferenceConfig(ComposeModel):
    """Spread the tasks evenly over the values of a node attribute (``node.labels.zone``)."""

    spread: str


class PlacementConfig(ComposeModel):
    """Where a swarm may run the tasks: node constraints, spread preferences, a cap per node."""

    constraints: StrList | None = None
    preferences: list[PlacementPreferenceConfig] | None = None
    max_replicas_per_node: int | None = Field(default=None, ge=0)


class RolloutConfig(ComposeModel):
    """``update_config`` or ``rollback_config``: how a swarm replaces a service's tasks."""

    parallelism: int | None = Field(default=None, ge=0)
    delay: Duration | None = None
    failure_action: Literal["continue", "rollback", "pause"] | None = None
    monitor: Duration | None = None
    max_failure_ratio: float | None = Field(default=None, ge=0, le=1)
    order: Literal["start-first", "stop-first"] | None = None


class DeployConfig(ComposeModel):
    """The ``deploy`` section. A local stack uses ``replicas``, ``resources`` and
    ``restart_policy``; the other keys (``mode``, ``placement``, ``update_config``,
    ``rollback_config``, ``endpoint_mode``, ``labels``) only mean something on a swarm.
    """

    mode: Literal["replicated", "global", "replicated-job", "global-job"] | None = None
    replicas: int | None = Field(default=None, ge=0)
    labels: StrMap | None = None
    endpoint_mode: Literal["vip", "dnsrr"] | None = None
    placement: PlacementConfig | None = None
    resources: Resources | None = None
    restart_policy: RestartPolicyConfig | None = None
    update_config: RolloutConfig | None = None
    rollback_config: RolloutConfig | None = None

    @model_validator(mode="after")
    def _check(self) -> DeployConfig:
        if self.replicas is not None and self.mode in ("global", "global-job"):
            raise ValueError(f"replicas: a {self.mode!r} service runs one task per node")
        return self


class ServiceFileReference(ComposeModel):
    """An entry of a service's ``secrets`` or ``configs``: which one (``source``), and the
    file it becomes in the container (``target``, owner and mode)."""

    source: str = Field(min_length=1)
    target: str | None = None
    uid: str | None = None
    gid: str | None = None
    mode: int | None = Field(default=None, ge=0, le=0o7777)

    @model_validator(mode="before")
    @classmethod
    def _short(cls, data: Any) -> Any:
        return {"source": data} if isinstance(data, str) else data

    @field_validator("uid", "gid", mode="before")
    @classmethod
    def _owner(cls, value: object) -> object:
        return None if value is None else scalar_text(value, "uid/gid")


class BuildConfig(ComposeModel):
    """How to build the service's image (``build: ./dir`` is ``context: ./dir``)."""

    context: str = "."
    dockerfile: str = "Dockerfile"
    args: dict[str, str | None] | None = None
    target: str | None = None
    labels: StrMap | None = None

    @model_validator(mode="before")
    @classmethod
    def _short(cls, data: Any) -> Any:
        return {"context": data} if isinstance(data, str) else data

    @field_validator("args", mode="before")
    @classmethod
    def _args(cls, value: object) -> object:
        return key_value_map(value, "build args", allow_missing=True) if value else value


class LoggingConfig(ComposeModel):
    driver: str | None = None
    options: StrMap | None = None


class DeviceMapping(ComposeModel):
    """A host device made available in the container."""

    source: str
    target: str | None = None
    permissions: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _short(cls, data: Any) -> Any:
        if isinstance(data, str):
            parts = data.split(":")
            if len(parts) > 3 or not parts[0]:
                raise ValueError(f"invalid device {data!r}: expected SOURCE[:TARGET[:PERMS]]")
            target = parts[1] if len(parts) > 1 else parts[0]
            perms = parts[2] if len(parts) > 2 else "rwm"
            return {"source": parts[0], "target": target, "permissions": perms}
        return data


class Ulimit(ComposeModel):
    """``nofile: {soft: 1024, hard: 2048}``, or one number for both."""

    soft: int
    hard: int

    @model_validator(mode="before")
    @classmethod
    def _single(cls, data: Any) -> Any:
        if isinstance(data, int) and not isinstance(data, bool):
            return {"soft": data, "hard": data}
        return data


# -- the service ------------------------------------------------------------------------------


def _command(value: object) -> object:
    if isinstance(value, str):
        try:
            return shlex.split(value)
        except ValueError as exc:
            raise ValueError(f"cannot split {value!r} into arguments: {exc}") from None
    return value


class ServiceConfig(ExtensibleModel):
    """One service: what ``services.NAME`` of a Compose file says, in long syntax.

    Construct it with the keys of a Compose file (``ServiceConfig(image="redis",
    ports=["6379:6379"], depends_on=["db"])``); every short form is accepted.
    """

    image: str | None = None
    build: BuildConfig | None = None
    command: list[str] | None = None
    entrypoint: list[str] | None = None
    environment: dict[str, str | None] = Field(default_factory=dict)
    env_file: list[str] | None = None
    ports: list[PortConfig] = Field(default_factory=list)
    expose: StrList = Field(default_factory=list)
    volumes: list[ServiceVolume] = Field(default_factory=list)
    tmpfs: StrList | None = None
    networks: dict[str, ServiceNetwork | None] | None = None
    network_mode: str | None = None
    healthcheck: HealthcheckConfig | None = None
    depends_on: dict[str, ServiceDependency] = Field(default_factory=dict)
    restart: str | None = None
    labels: StrMap = Field(default_factory=dict)
    container_name: str | None = None
    hostname: str | None = None
    domainname: str | None = None
    working_dir: str | None = None
    user: str | None = None
    init: bool | None = None
    privileged: bool | None = None
    read_only: bool | None = None
    tty: bool | None = None
    stdin_open: bool | None = None
    cap_add: StrList | None = None
    cap_drop: StrList | None = None
    devices: list[DeviceMapping] | None = None
    ulimits: dict[str, Ulimit] | None = None
    sysctls: StrMap | None = None
    extra_hosts: list[str] | None = None
    dns: StrList | None = None
    dns_search: StrList | None = None
    dns_opt: StrList | None = None
    group_add: StrList | None = None
    security_opt: StrList | None = None
    stop_signal: str | None = None
    stop_grace_period: Duration | None = None
    deploy: DeployConfig | None = None
    secrets: list[ServiceFileReference] | None = None
    configs: list[ServiceFileReference] | None = None
    scale: int | None = Field(default=None, ge=0)
    mem_limit: ByteSize | None = None
    mem_reservation: ByteSize | None = None
    memswap_limit: ByteSize | None = None
    shm_size: ByteSize | None = None
    cpus: float | None = Field(default=None, ge=0)
    cpu_shares: int | None = None
    cpuset: str | None = None
    pids_limit: int | None = None
    oom_score_adj: int | None = Field(default=None, ge=-1000, le=1000)
    logging: LoggingConfig | None = None
    pid: str | None = None
    ipc: str | None = None
    userns_mode: str | None = None
    platform: str | None = None
    pull_policy: Literal["always", "never", "missing", "if_not_present", "build"] | None = None
    profiles: StrList | None = None
    volumes_from: StrList | None = None

    @field_validator("command", "entrypoint", mode="before")
    @classmethod
    def _command(cls, value: object) -> object:
        return _command(value)

    @field_validator("environment", mode="before")
    @classmethod
    def _environment(cls, value: object) -> object:
        if value is None:
            return {}
        return key_value_map(value, "environment", allow_missing=True)

    @field_validator("env_file", mode="before")
    @classmethod
    def _env_file(cls, value: object) -> object:
        if isinstance(value, str):
            return [value]
        return value

    @field_validator("ports", mode="before")
    @classmethod
    def _ports(cls, value: object) -> object:
        return parse_ports(value) if value is not None else []

    @field_validator("labels", mode="before")
    @classmethod
    def _labels(cls, value: object) -> object:
        return {} if value is None else value

    @field_validator("volumes", mode="before")
    @classmethod
    def _volumes(cls, value: object) -> object:
        return [] if value is None else value

    @field_validator("networks", mode="before")
    @classmethod
    def _networks(cls, value: object) -> object:
        if isinstance(value, (list, tuple)):
            return {scalar_text(name, "network name"): None for name in value}
        return value

    @field_validator("depends_on", mode="before")
    @classmethod
    def _depends_on(cls, value: object) -> object:
        if value is None:
            return {}
        if isinstance(value, (list, tuple)):
            return {scalar_text(name, "service name"): {} for name in value}
        return value

    @field_validator("extra_hosts", mode="before")
    @classmethod
    def _extra_hosts(cls, value: object) -> object:
        if isinstance(value, Mapping):
            return [f"{host}:{address}" for host, address in value.items()]
        if isinstance(value, (list, tuple)):
            hosts = []
            for item in value:
                host, sep, address = str(item).replace("=", ":", 1).partition(":")
                if not host or not sep or not address:
                    raise ValueError(f"invalid extra host {item!r}: expected 'HOST:IP'")
                hosts.append(f"{host}:{address}")
            return hosts
        return value

    @field_validator("user", "cpuset", mode="before")
    @classmethod
    def _text(cls, value: object) -> object:
        return None if value is None else scalar_text(value, "this value")

    @field_validator("cpus", mode="before")
    @classmethod
    def _cpus(cls, value: object) -> object:
        return float(value) if isinstance(value, str) else value

    @field_validator("restart")
    @classmethod
    def _restart(cls, value: str | None) -> str | None:
        if value is not None and not _RESTART_RE.match(value):
            raise ValueError(
                f"invalid restart policy {value!r}: expected no, always, on-failure[:N] "
                "or unless-stopped"
            )
        return value

    @model_validator(mode="after")
    def _check(self) -> ServiceConfig:
        if self.image is None and self.build is None:
            raise ValueError("a service needs an image or a build")
        if self.network_mode is not None and self.networks:
            raise ValueError("network_mode and networks cannot be used together")
        if self.container_name is not None and self.replicas > 1:
            raise ValueError(
                f"container_name {self.container_name!r} allows one container, but "
                f"{self.replicas} replicas are asked for"
            )
        if self.scale is not None and self.deploy and self.deploy.replicas is not None:
            if self.scale != self.deploy.replicas:
                raise ValueError(
                    f"scale ({self.scale}) and deploy.replicas ({self.deploy.replicas}) differ"
                )
        return self

    @property
    def replicas(self) -> int:
        """How many containers the service runs (``scale``, else ``deploy.replicas``, else 1)."""
        if self.scale is not None:
            return self.scale
        if self.deploy is not None and self.deploy.replicas is not None:
            return self.deploy.replicas
        return 1

    @property
    def service_dependencies(self) -> list[str]:
        """Services this one needs first: ``depends_on`` and a ``network_mode: service:``."""
        names = list(self.depends_on)
        if self.network_mode and self.network_mode.startswith("service:"):
            names.append(self.network_mode.partition(":")[2])
        for source in self.volumes_from or ():
            if not source.startswith("container:"):
                names.append(source.split(":")[0])
        return list(dict.fromkeys(names))
