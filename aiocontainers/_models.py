"""Typed read models over the daemon's inspect JSON.

Tolerant by design: every field is optional (Docker omits many depending on version,
platform and state), unknown fields are kept (``model_extra``) rather than rejected,
and Docker's CamelCase names map to snake_case through one alias generator with a
table of special cases (``OOMKilled``, ``IPAddress``, ``IPAM``...). Two conversions
make the data pleasant to use: Docker's "zero time" ``0001-01-01T00:00:00Z`` ("never")
becomes ``None``, and nanosecond durations become ``timedelta``.

``ContainerInspect.model_validate(container.attrs)`` is the typical use.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from pydantic import BeforeValidator, ConfigDict
from pydantic.alias_generators import to_pascal

from ._checked import CheckedModel

__all__ = [
    "ContainerConfig",
    "ContainerHostConfig",
    "ContainerInspect",
    "ContainerState",
    "EndpointSettings",
    "Health",
    "HealthConfig",
    "HealthLogEntry",
    "IPAMInfo",
    "IPAMPoolInfo",
    "ImageInspect",
    "InspectModel",
    "LogConfigInfo",
    "MountPoint",
    "NetworkContainer",
    "NetworkInspect",
    "NetworkSettings",
    "PortBinding",
    "RestartPolicyInfo",
    "VolumeInspect",
]

_SPECIAL_ALIASES = {
    "id": "Id",
    "oom_killed": "OOMKilled",
    "ip_address": "IPAddress",
    "ip_prefix_len": "IPPrefixLen",
    "ipv6_gateway": "IPv6Gateway",
    "global_ipv6_address": "GlobalIPv6Address",
    "global_ipv6_prefix_len": "GlobalIPv6PrefixLen",
    "ipv4_address": "IPv4Address",
    "ipv6_address": "IPv6Address",
    "enable_ipv6": "EnableIPv6",
    "ipam": "IPAM",
    "ipam_config": "IPAMConfig",
    "ip_range": "IPRange",
    "network_id": "NetworkID",
    "endpoint_id": "EndpointID",
    "sandbox_id": "SandboxID",
    "exec_ids": "ExecIDs",
    "dns_names": "DNSNames",
    "rw": "RW",
}


def docker_alias(name: str) -> str:
    """The Docker JSON name of a snake_case field (``oom_killed`` -> ``OOMKilled``)."""
    return _SPECIAL_ALIASES.get(name) or to_pascal(name)


def _zero_time_is_none(value: object) -> object:
    if isinstance(value, str) and value.startswith("0001-01-01T00:00:00"):
        return None
    return value


def _nanoseconds(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        return timedelta(microseconds=value / 1000)
    return value


#: A timestamp; Docker's zero time ("never happened") reads as None.
Timestamp = Annotated[datetime | None, BeforeValidator(_zero_time_is_none)]
#: A duration Docker reports in nanoseconds.
Nanoseconds = Annotated[timedelta | None, BeforeValidator(_nanoseconds)]


class InspectModel(CheckedModel):
    """Base of the read models: CamelCase aliases, unknown fields kept, immutable.

    Built by hand from bad data, they raise InvalidArgument, as every public model does.
    """

    model_config = ConfigDict(
        alias_generator=docker_alias, populate_by_name=True, extra="allow", frozen=True
    )


class HealthLogEntry(InspectModel):
    """One health probe run."""

    start: Timestamp = None
    end: Timestamp = None
    exit_code: int | None = None
    output: str | None = None


class Health(InspectModel):
    """``State.Health``: ``starting``, ``healthy`` or ``unhealthy``, with recent probes."""

    status: str | None = None
    failing_streak: int | None = None
    log: list[HealthLogEntry] | None = None


class ContainerState(InspectModel):
    """``State`` of a container inspect."""

    status: str | None = None
    running: bool | None = None
    paused: bool | None = None
    restarting: bool | None = None
    oom_killed: bool | None = None
    dead: bool | None = None
    pid: int | None = None
    exit_code: int | None = None
    error: str | None = None
    started_at: Timestamp = None
    finished_at: Timestamp = None
    health: Health | None = None


class HealthConfig(InspectModel):
    """``Config.Healthcheck`` with its nanosecond durations read as ``timedelta``."""

    test: list[str] | None = None
    interval: Nanoseconds = None
    timeout: Nanoseconds = None
    retries: int | None = None
    start_period: Nanoseconds = None
    start_interval: Nanoseconds = None


class ContainerConfig(InspectModel):
    """``Config`` of a container (or image) inspect: the portable part of the spec."""

    hostname: str | None = None
    domainname: str | None = None
    user: str | None = None
    tty: bool | None = None
    open_stdin: bool | None = None
    env: list[str] | None = None
    cmd: list[str] | None = None
    entrypoint: list[str] | None = None
    image: str | None = None
    working_dir: str | None = None
    labels: dict[str, str] | None = None
    exposed_ports: dict[str, Any] | None = None
    volumes: dict[str, Any] | None = None
    healthcheck: HealthConfig | None = None
    stop_signal: str | None = None
    stop_timeout: int | None = None


class PortBinding(InspectModel):
    """A host address a container port is published on; ``host_port`` is text, as in Docker."""

    host_ip: str | None = None
    host_port: str | None = None


class RestartPolicyInfo(InspectModel):
    """``HostConfig.RestartPolicy`` as reported."""

    name: str | None = None
    maximum_retry_count: int | None = None


class LogConfigInfo(InspectModel):
    """``HostConfig.LogConfig`` as reported."""

    type: str | None = None
    config: dict[str, str] | None = None


class ContainerHostConfig(InspectModel):
    """The commonly read part of ``HostConfig``; the rest stays in ``model_extra``."""

    network_mode: str | None = None
    port_bindings: dict[str, list[PortBinding] | None] | None = None
    binds: list[str] | None = None
    auto_remove: bool | None = None
    privileged: bool | None = None
    init: bool | None = None
    memory: int | None = None
    nano_cpus: int | None = None
    restart_policy: RestartPolicyInfo | None = None
    log_config: LogConfigInfo | None = None


class MountPoint(InspectModel):
    """An entry of a container's ``Mounts``."""

    type: str | None = None
    name: str | None = None
    source: str | None = None
    destination: str | None = None
    driver: str | None = None
    mode: str | None = None
    rw: bool | None = None
    propagation: str | None = None


class EndpointSettings(InspectModel):
    """A container's attachment to one network."""

    ipam_config: dict[str, Any] | None = None
    links: list[str] | None = None
    aliases: list[str] | None = None
    dns_names: list[str] | None = None
    network_id: str | None = None
    endpoint_id: str | None = None
    gateway: str | None = None
    ip_address: str | None = None
    ip_prefix_len: int | None = None
    ipv6_gateway: str | None = None
    global_ipv6_address: str | None = None
    global_ipv6_prefix_len: int | None = None
    mac_address: str | None = None
    driver_opts: dict[str, str] | None = None


class NetworkSettings(InspectModel):
    """``NetworkSettings``: published ports (``None`` for exposed-only) and networks."""

    ports: dict[str, list[PortBinding] | None] | None = None
    networks: dict[str, EndpointSettings] | None = None
    sandbox_id: str | None = None
    ip_address: str | None = None
    gateway: str | None = None
    mac_address: str | None = None


class ContainerInspect(InspectModel):
    """``GET /containers/{id}/json`` (key fields; everything else in ``model_extra``)."""

    id: str | None = None
    created: Timestamp = None
    path: str | None = None
    args: list[str] | None = None
    state: ContainerState | None = None
    image: str | None = None
    name: str | None = None
    restart_count: int | None = None
    driver: str | None = None
    platform: str | None = None
    log_path: str | None = None
    mounts: list[MountPoint] | None = None
    config: ContainerConfig | None = None
    host_config: ContainerHostConfig | None = None
    network_settings: NetworkSettings | None = None


class ImageInspect(InspectModel):
    """``GET /images/{name}/json`` (key fields)."""

    id: str | None = None
    repo_tags: list[str] | None = None
    repo_digests: list[str] | None = None
    parent: str | None = None
    comment: str | None = None
    created: Timestamp = None
    author: str | None = None
    config: ContainerConfig | None = None
    architecture: str | None = None
    variant: str | None = None
    os: str | None = None
    size: int | None = None


class IPAMPoolInfo(InspectModel):
    """One address pool of a network as reported."""

    subnet: str | None = None
    ip_range: str | None = None
    gateway: str | None = None
    auxiliary_addresses: dict[str, str] | None = None


class IPAMInfo(InspectModel):
    """A network's ``IPAM`` section."""

    driver: str | None = None
    options: dict[str, str] | None = None
    config: list[IPAMPoolInfo] | None = None


class NetworkContainer(InspectModel):
    """A container attached to a network, as listed by the network inspect."""

    name: str | None = None
    endpoint_id: str | None = None
    mac_address: str | None = None
    ipv4_address: str | None = None
    ipv6_address: str | None = None


class NetworkInspect(InspectModel):
    """``GET /networks/{id}``."""

    name: str | None = None
    id: str | None = None
    created: Timestamp = None
    scope: str | None = None
    driver: str | None = None
    enable_ipv6: bool | None = None
    ipam: IPAMInfo | None = None
    internal: bool | None = None
    attachable: bool | None = None
    ingress: bool | None = None
    containers: dict[str, NetworkContainer] | None = None
    options: dict[str, str] | None = None
    labels: dict[str, str] | None = None


class VolumeInspect(InspectModel):
    """``GET /volumes/{name}``."""

    name: str | None = None
    driver: str | None = None
    mountpoint: str | None = None
    created_at: Timestamp = None
    status: dict[str, Any] | None = None
    labels: dict[str, str] | None = None
    scope: str | None = None
    options: dict[str, str] | None = None
