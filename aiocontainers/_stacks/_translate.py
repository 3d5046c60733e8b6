"""A service replica as the keywords of ``containers.create()`` and its extra networks.

This is where Compose's vocabulary meets docker-py's: ``ports`` become
``PortBindings``, volumes become binds or mounts, ``deploy.resources`` becomes
memory and CPU limits, each network an endpoint with the service's aliases.
API 1.41 creates a container on one network only; the others are connected
before it starts (:class:`NetworkAttachment`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .._compose import NetworkConfig, ServiceConfig, ServiceNetwork, ServiceVolume, Stack
from .._specs import (
    EndpointConfig,
    Healthcheck,
    IPAMConfig,
    IPAMPool,
    LogConfig,
    Mount,
    RestartPolicy,
    Ulimit,
)
from ._labels import container_labels, container_name

__all__ = [
    "NetworkAttachment",
    "create_options",
    "healthcheck_spec",
    "image_name",
    "ipam_spec",
    "network_order",
    "swarm_only_settings",
]

_SWARM_ONLY_DEPLOY = ("placement", "update_config", "rollback_config", "endpoint_mode", "labels")


def swarm_only_settings(stack: Stack) -> list[str]:
    """The settings of ``stack`` that only a swarm honours, each as ``path: why``.

    A local ``up()`` refuses them rather than silently running something else
    than the file says; ``client.stacks.deploy()`` honours them.
    """
    found: list[str] = []
    for key, service in stack.services.items():
        where = f"services.{key}"
        deploy = service.deploy
        if deploy is not None:
            if deploy.mode not in (None, "replicated"):
                found.append(f"{where}.deploy.mode: {deploy.mode!r} needs a swarm")
            found += [
                f"{where}.deploy.{name}: only a swarm uses it"
                for name in _SWARM_ONLY_DEPLOY
                if getattr(deploy, name) is not None
            ]
            reservations = deploy.resources.reservations if deploy.resources else None
            if reservations is not None and reservations.cpus is not None:
                found.append(f"{where}.deploy.resources.reservations.cpus: only a swarm uses it")
            if reservations is not None and reservations.generic_resources:
                found.append(
                    f"{where}.deploy.resources.reservations.generic_resources: "
                    "only a swarm uses it"
                )
            policy = deploy.restart_policy
            if policy is not None and (policy.delay is not None or policy.window is not None):
                found.append(
                    f"{where}.deploy.restart_policy: delay and window need a swarm "
                    "(a container's restart policy has neither)"
                )
        for kind, declared in (("secrets", stack.secrets), ("configs", stack.configs)):
            for index, reference in enumerate(getattr(service, kind) or ()):
                path = f"{where}.{kind}[{index}]"
                if declared[reference.source].file is None:
                    found.append(
                        f"{path}: {kind[:-1]} {reference.source!r} is not a file; "
                        "only a swarm can provide it"
                    )
                if (reference.uid, reference.gid, reference.mode) != (None, None, None):
                    found.append(f"{path}: uid, gid and mode need a swarm (a bind mount has none)")
    return found


@dataclass(frozen=True)
class NetworkAttachment:
    """A network to connect a created container to, with its endpoint settings."""

    network: str
    aliases: list[str]
    ipv4_address: str | None
    ipv6_address: str | None


def image_name(stack: Stack, service: str) -> str:
    """The service's image: ``image``, else the one built for it (``PROJECT-SERVICE``)."""
    return stack.services[service].image or f"{stack.name}-{service}"


def ipam_spec(config: NetworkConfig) -> IPAMConfig | None:
    """A stack network's ``ipam`` section as a spec (``None`` when it sets nothing)."""
    ipam = config.ipam
    if not (ipam.driver or ipam.config or ipam.options):
        return None
    return IPAMConfig(
        driver=ipam.driver or "default",
        pool_configs=[
            IPAMPool(
                subnet=pool.subnet,
                iprange=pool.ip_range,
                gateway=pool.gateway,
                aux_addresses=pool.aux_addresses,
            )
            for pool in ipam.config or []
        ],
        options=ipam.options,
    )


def network_order(service: ServiceConfig) -> list[str]:
    """The service's networks, highest ``priority`` first, then by name."""
    networks = service.networks or {}
    return sorted(
        networks, key=lambda key: (-((networks[key] or ServiceNetwork()).priority or 0), key)
    )


def _attachment(stack: Stack, service: str, key: str) -> NetworkAttachment:
    options = (stack.services[service].networks or {}).get(key) or ServiceNetwork()
    return NetworkAttachment(
        network=stack.networks[key].name or key,
        aliases=[service, *(options.aliases or [])],
        ipv4_address=options.ipv4_address,
        ipv6_address=options.ipv6_address,
    )


def _ports(service: ServiceConfig) -> dict[str, list[Any]] | None:
    bindings: dict[str, list[Any]] = {}
    for port in service.ports:
        key = f"{port.target}/{port.protocol}"
        bindings.setdefault(key, []).append((port.host_ip or "", port.published))
    for exposed in service.expose:
        number, _, protocol = exposed.partition("/")
        bindings.setdefault(f"{number}/{protocol or 'tcp'}", [])
    return bindings or None


def _binds_and_mounts(stack: Stack, mounts: list[ServiceVolume]) -> tuple[list[str], list[Mount]]:
    """Short-syntax binds (which create a missing host path) as ``Binds``; the rest as mounts."""
    binds: list[str] = []
    result: list[Mount] = []
    for mount in mounts:
        bind = mount.bind
        if mount.type == "bind" and bind is not None and bind.create_host_path:
            modes = ["ro" if mount.read_only else "rw"]
            modes += [m for m in (bind.selinux, bind.propagation) if m]
            binds.append(f"{mount.source}:{mount.target}:{','.join(modes)}")
            continue
        options: dict[str, Any] = {
            "target": mount.target,
            "type": mount.type,
            "read_only": bool(mount.read_only),
        }
        if mount.type == "volume" and mount.source:
            options["source"] = stack.volumes[mount.source].name
        elif mount.source:
            options["source"] = mount.source
        if bind is not None and bind.propagation:
            options["propagation"] = bind.propagation
        if mount.volume is not None and mount.volume.nocopy:
            options["no_copy"] = True
        if mount.tmpfs is not None:
            options["tmpfs_size"] = mount.tmpfs.size
            options["tmpfs_mode"] = mount.tmpfs.mode
        if mount.consistency:
            options["consistency"] = mount.consistency
        result.append(Mount(**options))
    return binds, result


def _file_mounts(stack: Stack, service: ServiceConfig) -> list[str]:
    """File-based secrets (at ``/run/secrets/TARGET``) and configs (at ``/SOURCE`` or
    TARGET) as read-only binds, as Compose does on one host."""
    binds: list[str] = []
    for kind, declared in (("secrets", stack.secrets), ("configs", stack.configs)):
        for reference in getattr(service, kind) or ():
            source = declared[reference.source].file
            if source is None:
                continue
            target = reference.target or reference.source
            if not target.startswith("/"):
                target = f"/run/secrets/{target}" if kind == "secrets" else f"/{target}"
            binds.append(f"{source}:{target}:ro")
    return binds


def _restart_policy(service: ServiceConfig) -> RestartPolicy | None:
    if service.restart is not None:
        name, _, count = service.restart.partition(":")
        return RestartPolicy(name=name, maximum_retry_count=int(count) if count else None)
    policy = service.deploy.restart_policy if service.deploy else None
    if policy is None:
        return None
    name = {"any": "always", "on-failure": "on-failure", "none": "no"}[policy.condition]
    return RestartPolicy(
        name=name, maximum_retry_count=policy.max_attempts if name == "on-failure" else None
    )


def healthcheck_spec(service: ServiceConfig) -> Healthcheck | None:
    """The service's health check as a spec (``disable: true`` is ``["NONE"]``)."""
    check = service.healthcheck
    if check is None:
        return None
    if check.disable:
        return Healthcheck(test=["NONE"])
    return Healthcheck(
        test=check.test,
        interval=check.interval,
        timeout=check.timeout,
        retries=check.retries,
        start_period=check.start_period,
        start_interval=check.start_interval,
    )


def _resources(service: ServiceConfig) -> dict[str, Any]:
    resources = service.deploy.resources if service.deploy else None
    limits = resources.limits if resources else None
    reservations = resources.reservations if resources else None
    options: dict[str, Any] = {}
    memory = service.mem_limit or (limits.memory if limits else None)
    if memory:
        options["mem_limit"] = memory
    reservation = service.mem_reservation or (reservations.memory if reservations else None)
    if reservation:
        options["mem_reservation"] = reservation
    cpus = service.cpus or (limits.cpus if limits else None)
    if cpus:
        options["nano_cpus"] = round(cpus * 1_000_000_000)
    pids = service.pids_limit or (limits.pids if limits else None)
    if pids:
        options["pids_limit"] = pids
    return options


def create_options(
    stack: Stack,
    service: str,
    number: int,
    *,
    container_of: dict[str, str],
) -> tuple[dict[str, Any], list[NetworkAttachment]]:
    """``containers.create()`` keywords for replica ``number`` of ``service``, and the
    networks to connect it to afterwards. ``container_of`` maps a service to the name
    of its first container (for ``network_mode: service:x`` and ``volumes_from``).
    """
    config = stack.services[service]
    binds, mounts = _binds_and_mounts(stack, config.volumes)
    binds += _file_mounts(stack, config)
    options: dict[str, Any] = {
        "name": container_name(stack, service, number),
        "detach": True,
        "command": config.command,
        "entrypoint": config.entrypoint,
        "environment": [f"{k}={v}" for k, v in config.environment.items() if v is not None],
        "labels": container_labels(stack, service, number),
        "ports": _ports(config),
        "volumes": binds or None,
        "mounts": mounts or None,
        "tmpfs": {path: options for path, _, options in (e.partition(":") for e in config.tmpfs)}
        if config.tmpfs
        else None,
        "healthcheck": healthcheck_spec(config),
        "restart_policy": _restart_policy(config),
        "hostname": config.hostname,
        "domainname": config.domainname,
        "user": config.user,
        "working_dir": config.working_dir,
        "init": config.init,
        "privileged": config.privileged,
        "read_only": config.read_only,
        "tty": config.tty,
        "stdin_open": config.stdin_open,
        "cap_add": config.cap_add,
        "cap_drop": config.cap_drop,
        "dns": config.dns,
        "dns_search": config.dns_search,
        "dns_opt": config.dns_opt,
        "group_add": config.group_add,
        "security_opt": config.security_opt,
        "sysctls": config.sysctls,
        "extra_hosts": config.extra_hosts,
        "stop_signal": config.stop_signal,
        "stop_timeout": config.stop_grace_period,
        "shm_size": config.shm_size,
        "memswap_limit": config.memswap_limit,
        "cpu_shares": config.cpu_shares,
        "cpuset_cpus": config.cpuset,
        "oom_score_adj": config.oom_score_adj,
        "pid_mode": config.pid,
        "ipc_mode": config.ipc,
        "userns_mode": config.userns_mode,
        "platform": config.platform,
        "ulimits": [
            Ulimit(name=name, soft=limit.soft, hard=limit.hard)
            for name, limit in config.ulimits.items()
        ]
        if config.ulimits
        else None,
        "log_config": LogConfig(type=config.logging.driver, config=config.logging.options or {})
        if config.logging and config.logging.driver
        else None,
        "devices": [
            f"{d.source}:{d.target or d.source}:{d.permissions or 'rwm'}" for d in config.devices
        ]
        if config.devices
        else None,
        "volumes_from": [_volumes_from(entry, container_of) for entry in config.volumes_from]
        if config.volumes_from
        else None,
        **_resources(config),
    }
    attachments: list[NetworkAttachment] = []
    mode = config.network_mode
    if mode is not None:
        if mode.startswith("service:"):
            mode = f"container:{container_of[mode.partition(':')[2]]}"
        options["network_mode"] = mode
    else:
        attachments = [_attachment(stack, service, key) for key in network_order(config)]
        if attachments:
            first = attachments.pop(0)
            options["network"] = first.network
            options["networking_config"] = {
                first.network: EndpointConfig(
                    aliases=first.aliases,
                    ipv4_address=first.ipv4_address,
                    ipv6_address=first.ipv6_address,
                )
            }
    return {key: value for key, value in options.items() if value is not None}, attachments


def _volumes_from(entry: str, container_of: dict[str, str]) -> str:
    if entry.startswith("container:"):
        return entry.partition(":")[2]
    name, _, mode = entry.partition(":")
    target = container_of[name]
    return f"{target}:{mode}" if mode else target
