"""A stack as swarm objects: ``services.create()`` keywords, overlay networks, secrets, configs.

This is ``docker stack deploy``'s translation, written against our spec types:
everything is named ``PROJECT_KEY`` and labelled ``com.docker.stack.namespace``;
a service's ``entrypoint`` is the task's ``Command`` and its ``command`` the
``Args``; service-level ``labels`` label the containers while ``deploy.labels``
label the service; each network attachment carries the service's name as an
alias, so services find each other by name.

:func:`swarm_problems` lists what a swarm cannot do with a stack (a build
without an image, ``privileged``, a published ``host_ip``...), so ``deploy()``
refuses it before the daemon is called instead of dropping settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from .._compose import DeployConfig, RolloutConfig, ServiceConfig, Stack
from .._specs import DriverConfig, Mount, RestartPolicy
from .._specs._parse import parse_bytes
from .._specs._service import (
    ConfigReference,
    DNSConfig,
    EndpointSpec,
    NetworkAttachmentConfig,
    Resources,
    RollbackConfig,
    SecretReference,
    ServiceMode,
    ServiceRestartPolicy,
    UpdateConfig,
)
from ._translate import healthcheck_spec, ipam_spec, network_order

__all__ = [
    "STACK_IMAGE",
    "STACK_NAMESPACE",
    "StoredObjectIds",
    "namespace_filter",
    "network_options",
    "service_name",
    "service_options",
    "swarm_problems",
]

STACK_NAMESPACE = "com.docker.stack.namespace"
STACK_IMAGE = "com.docker.stack.image"

# Service keys a swarm task cannot honour (a container has them; a task does not).
_NOT_ON_A_SWARM = (
    "container_name",
    "network_mode",
    "privileged",
    "devices",
    "ulimits",
    "pid",
    "ipc",
    "userns_mode",
    "shm_size",
    "security_opt",
    "cpu_shares",
    "cpuset",
    "memswap_limit",
    "oom_score_adj",
    "domainname",
    "volumes_from",
    "pids_limit",
    "pull_policy",
)
# Swarm's own defaults where our spec types cannot leave a value unset (``docker stack
# deploy`` leaves them unset and the swarm applies these).
_RESTART_DELAY = 5.0
_UPDATE_PARALLELISM = 1
_FAILURE_ACTION: Literal["pause"] = "pause"
_TMPFS_OPTIONS = ("size", "mode")

# Ids and names of the swarm secrets or configs a stack's keys stand for.
StoredObjectIds = Mapping[str, tuple[str, str]]


def namespace_filter(stack_name: str) -> dict[str, list[str]]:
    """The ``filters`` selecting a swarm stack's services, networks, secrets and configs."""
    return {"label": [f"{STACK_NAMESPACE}={stack_name}"]}


def service_name(stack: Stack, key: str) -> str:
    """The swarm service of ``key``: ``PROJECT_KEY``, as ``docker stack deploy`` names it."""
    return f"{stack.name}_{key}"


def swarm_problems(stack: Stack) -> list[str]:
    """Everything in ``stack`` a swarm cannot honour, each as ``path: why``."""
    problems: list[str] = []
    for key, service in stack.services.items():
        where = f"services.{key}"
        if service.image is None:
            problems.append(f"{where}: a swarm runs images and never builds; give 'image'")
        problems += [
            f"{where}.{name}: a swarm task has no such setting"
            for name in _NOT_ON_A_SWARM
            if getattr(service, name) is not None
        ]
        for index, port in enumerate(service.ports):
            if port.host_ip:
                problems.append(
                    f"{where}.ports[{index}].host_ip: a swarm publishes on every address"
                )
            if port.app_protocol:
                problems.append(f"{where}.ports[{index}].app_protocol: a swarm has no such field")
        for network, attachment in (service.networks or {}).items():
            if attachment is not None and (attachment.ipv4_address or attachment.ipv6_address):
                problems.append(
                    f"{where}.networks.{network}: a swarm assigns task addresses itself"
                )
        for index, mount in enumerate(service.volumes):
            if mount.bind is not None and mount.bind.selinux:
                problems.append(f"{where}.volumes[{index}].bind.selinux: not on a swarm")
        for index, entry in enumerate(service.tmpfs or ()):
            for option in filter(None, entry.partition(":")[2].split(",")):
                if option.partition("=")[0] not in _TMPFS_OPTIONS:
                    problems.append(
                        f"{where}.tmpfs[{index}]: option {option!r} is not on a swarm "
                        "(size and mode are)"
                    )
        for dependency, condition in service.depends_on.items():
            if condition.restart:
                problems.append(
                    f"{where}.depends_on.{dependency}.restart: a swarm does not restart dependents"
                )
        limits = (
            service.deploy.resources.limits
            if service.deploy and service.deploy.resources
            else None
        )
        if limits is not None and limits.pids is not None:
            problems.append(f"{where}.deploy.resources.limits.pids: not on a swarm here")
    for key, declared in stack.networks.items():
        if not declared.external and declared.driver not in (None, "overlay"):
            problems.append(
                f"networks.{key}.driver: swarm services need an overlay network, "
                f"not {declared.driver!r}"
            )
    for key, secret in stack.secrets.items():
        if secret.template_driver is not None:
            problems.append(f"secrets.{key}.template_driver: only configs are templated")
    return problems


def network_options(stack: Stack, key: str) -> dict[str, Any]:
    """``networks.create()`` keywords for the stack network ``key`` (overlay by default)."""
    config = stack.networks[key]
    options: dict[str, Any] = {
        "driver": config.driver or "overlay",
        "options": config.driver_opts,
        "internal": bool(config.internal),
        "attachable": config.attachable,
        "enable_ipv6": bool(config.enable_ipv6),
        "labels": {**(config.labels or {}), STACK_NAMESPACE: stack.name},
        "scope": "swarm",
        "ipam": ipam_spec(config),
    }
    return {name: value for name, value in options.items() if value is not None}


def _mode(service: ServiceConfig, deploy: DeployConfig) -> ServiceMode:
    mode = deploy.mode or "replicated"
    if mode in ("global", "global-job"):
        return ServiceMode(mode)
    return ServiceMode(mode, replicas=service.replicas)


def _rollout(config: RolloutConfig | None, kind: type[UpdateConfig]) -> UpdateConfig | None:
    if config is None:
        return None
    return kind(
        parallelism=_UPDATE_PARALLELISM if config.parallelism is None else config.parallelism,
        delay=config.delay,
        failure_action=config.failure_action or _FAILURE_ACTION,
        monitor=config.monitor,
        max_failure_ratio=config.max_failure_ratio,
        order=config.order,
    )


def _restart_policy(service: ServiceConfig) -> ServiceRestartPolicy | RestartPolicy | None:
    policy = service.deploy.restart_policy if service.deploy else None
    if policy is not None:
        return ServiceRestartPolicy(
            condition=policy.condition,
            delay=policy.delay if policy.delay is not None else _RESTART_DELAY,
            max_attempts=policy.max_attempts or 0,
            window=policy.window or 0,
        )
    if service.restart is not None:  # read as the swarm condition it means
        name, _, count = service.restart.partition(":")
        return RestartPolicy(name=name, maximum_retry_count=int(count) if count else None)
    return None


def _resources(service: ServiceConfig) -> Resources | None:
    resources = service.deploy.resources if service.deploy else None
    limits = resources.limits if resources else None
    reservations = resources.reservations if resources else None
    cpus = service.cpus or (limits.cpus if limits else None)
    memory = service.mem_limit or (limits.memory if limits else None)
    reserved_memory = service.mem_reservation or (reservations.memory if reservations else None)
    generic = [
        {
            ("DiscreteResourceSpec" if item.discrete_resource_spec else "NamedResourceSpec"): {
                "Kind": spec.kind,
                "Value": spec.value,
            }
        }
        for item in (reservations.generic_resources or [] if reservations else [])
        if (spec := item.discrete_resource_spec or item.named_resource_spec) is not None
    ]
    cpu_reservation = reservations.cpus if reservations else None
    if not (cpus or memory or cpu_reservation or reserved_memory or generic):
        return None
    return Resources(
        cpu_limit=round(cpus * 1_000_000_000) if cpus else None,
        mem_limit=memory,
        cpu_reservation=round(cpu_reservation * 1_000_000_000) if cpu_reservation else None,
        mem_reservation=reserved_memory,
        generic_resources=generic or None,
    )


def _endpoint(service: ServiceConfig) -> EndpointSpec | None:
    mode = service.deploy.endpoint_mode if service.deploy else None
    ports = []
    for port in service.ports:
        entry: dict[str, Any] = {
            "Protocol": port.protocol,
            "TargetPort": port.target,
            "PublishMode": port.mode,
        }
        if port.published is not None:
            entry["PublishedPort"] = int(port.published)
        if port.name:
            entry["Name"] = port.name
        ports.append(entry)
    if mode is None and not ports:
        return None
    return EndpointSpec(mode=mode, ports=ports or None)


def _mounts(stack: Stack, service: ServiceConfig) -> list[Mount]:
    namespace = {STACK_NAMESPACE: stack.name}
    mounts: list[Mount] = []
    for mount in service.volumes:
        options: dict[str, Any] = {
            "target": mount.target,
            "type": mount.type,
            "read_only": bool(mount.read_only),
            "consistency": mount.consistency,
        }
        if mount.type == "volume" and mount.source:
            volume = stack.volumes[mount.source]
            options["source"] = volume.name
            if not volume.external:
                options["labels"] = {**(volume.labels or {}), **namespace}
                if volume.driver:
                    options["driver_config"] = DriverConfig(
                        name=volume.driver, options=volume.driver_opts
                    )
        elif mount.source:
            options["source"] = mount.source
        if mount.bind is not None and mount.bind.propagation:
            options["propagation"] = mount.bind.propagation
        if mount.volume is not None:
            options["no_copy"] = bool(mount.volume.nocopy)
            options["subpath"] = mount.volume.subpath
        if mount.tmpfs is not None:
            options["tmpfs_size"] = mount.tmpfs.size
            options["tmpfs_mode"] = mount.tmpfs.mode
        mounts.append(Mount(**{k: v for k, v in options.items() if v is not None}))
    for entry in service.tmpfs or ():
        target, _, text = entry.partition(":")
        settings = dict(option.partition("=")[::2] for option in text.split(",") if option)
        mounts.append(
            Mount(
                target=target,
                type="tmpfs",
                tmpfs_size=parse_bytes(settings["size"], "tmpfs size")
                if "size" in settings
                else None,
                tmpfs_mode=int(settings["mode"], 8) if "mode" in settings else None,
            )
        )
    return mounts


def _file_references(
    service: ServiceConfig, kind: str, ids: StoredObjectIds
) -> list[SecretReference | ConfigReference] | None:
    """The service's ``secrets`` or ``configs`` as references to the swarm's objects."""
    references = getattr(service, kind)
    if not references:
        return None
    reference = SecretReference if kind == "secrets" else ConfigReference
    return [
        reference(
            *ids[ref.source],
            ref.target or ref.source,
            ref.uid,
            ref.gid,
            0o444 if ref.mode is None else ref.mode,
        )
        for ref in references
    ]


def _platforms(service: ServiceConfig) -> list[tuple[str, str]] | None:
    if not service.platform:
        return None
    os_name, _, rest = service.platform.partition("/")
    return [(rest.partition("/")[0], os_name)]


def _attachment(stack: Stack, key: str, network: str) -> NetworkAttachmentConfig:
    """A network of the service, with its name (and its configured aliases) as aliases."""
    options = (stack.services[key].networks or {}).get(network)
    aliases = options.aliases if options is not None and options.aliases else []
    return NetworkAttachmentConfig(
        target=stack.networks[network].name or network, aliases=[key, *aliases]
    )


def _hosts(extra_hosts: list[str] | None) -> list[str] | None:
    """Compose's ``HOST:IP`` entries as a task's ``/etc/hosts`` lines (``IP HOST``)."""
    if not extra_hosts:
        return None
    return [f"{address} {host}" for host, _, address in (h.partition(":") for h in extra_hosts)]


def service_options(
    stack: Stack, key: str, *, secrets: StoredObjectIds, configs: StoredObjectIds
) -> dict[str, Any]:
    """``services.create()`` keywords (``image`` included) for the stack service ``key``.

    ``secrets``/``configs`` map the stack's keys to the swarm objects' ids and names.
    """
    config = stack.services[key]
    deploy = config.deploy or DeployConfig()
    namespace = {STACK_NAMESPACE: stack.name}
    placement = deploy.placement
    logging = config.logging
    options: dict[str, Any] = {
        "image": config.image,
        "name": service_name(stack, key),
        "command": config.entrypoint,
        "args": config.command,
        "labels": {**(deploy.labels or {}), **namespace, STACK_IMAGE: str(config.image)},
        "container_labels": {**config.labels, **namespace},
        "env": [
            f"{name}={value}" for name, value in config.environment.items() if value is not None
        ]
        or None,
        "mode": _mode(config, deploy),
        "networks": [_attachment(stack, key, network) for network in network_order(config)],
        "mounts": _mounts(stack, config) or None,
        "endpoint_spec": _endpoint(config),
        "resources": _resources(config),
        "restart_policy": _restart_policy(config),
        "update_config": _rollout(deploy.update_config, UpdateConfig),
        "rollback_config": _rollout(deploy.rollback_config, RollbackConfig),
        "constraints": placement.constraints if placement else None,
        "preferences": [("spread", p.spread) for p in placement.preferences or []]
        if placement and placement.preferences
        else None,
        "maxreplicas": placement.max_replicas_per_node if placement else None,
        "platforms": _platforms(config),
        "healthcheck": healthcheck_spec(config),
        "hosts": _hosts(config.extra_hosts),
        "dns_config": DNSConfig(
            nameservers=config.dns, search=config.dns_search, options=config.dns_opt
        )
        if config.dns or config.dns_search or config.dns_opt
        else None,
        "hostname": config.hostname,
        "user": config.user,
        "workdir": config.working_dir,
        "groups": config.group_add,
        "tty": config.tty,
        "open_stdin": config.stdin_open,
        "read_only": config.read_only,
        "stop_signal": config.stop_signal,
        "stop_grace_period": config.stop_grace_period,
        "init": config.init,
        "cap_add": config.cap_add,
        "cap_drop": config.cap_drop,
        "sysctls": config.sysctls,
        "log_driver": logging.driver if logging else None,
        "log_driver_options": logging.options if logging and logging.driver else None,
        "secrets": _file_references(config, "secrets", secrets),
        "configs": _file_references(config, "configs", configs),
    }
    return {name: value for name, value in options.items() if value is not None}
