"""docker-py's ``docker.types``, for code that changes only its import.

Each class takes docker-py's arguments (positional where docker-py's are, the API
``version`` first for ``HostConfig``, ``ContainerConfig``, ``EndpointConfig`` and
``SwarmSpec``; durations in **nanoseconds**, as docker-py's) and *is* the Engine
API dict docker-py builds, so ``mount["Target"]`` and ``dict(healthcheck)`` read
the same. Pass them to the sync or the async API alike: both read a dict in the
Engine API's own form as wire JSON.

[`aiocontainers.types`][aiocontainers.types] is the typed alternative: validated pydantic specs
with durations in seconds. Bad values raise
[`InvalidArgument`][aiocontainers.errors.InvalidArgument] (a ``ValueError``) where docker-py raises
``ValueError`` or its ``InvalidArgument``, ``InvalidVersion`` where docker-py does, and
``TypeError`` where docker-py does.
"""

from __future__ import annotations

import abc
import shlex
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, TypeVar

from ..._specs._parse import (
    parse_bytes,
    parse_devices,
    parse_environment,
    parse_extra_hosts,
    parse_links,
    parse_port_bindings,
    parse_tmpfs,
    parse_volumes,
)
from ..._specs._types import LogConfigTypes
from ...errors import InvalidArgument, InvalidVersion, NullResource
from .._wrap import StreamProxy

__all__ = [
    "CancellableStream",
    "ConfigReference",
    "ContainerConfig",
    "ContainerSpec",
    "DNSConfig",
    "DeviceRequest",
    "DriverConfig",
    "EndpointConfig",
    "EndpointSpec",
    "Healthcheck",
    "HostConfig",
    "IPAMConfig",
    "IPAMPool",
    "LogConfig",
    "Mount",
    "NetworkAttachmentConfig",
    "NetworkingConfig",
    "Placement",
    "PlacementPreference",
    "Privileges",
    "Resources",
    "RestartPolicy",
    "RollbackConfig",
    "SecretReference",
    "ServiceMode",
    "SwarmExternalCA",
    "SwarmSpec",
    "TaskTemplate",
    "Ulimit",
    "UpdateConfig",
]

T = TypeVar("T")


def _parsed(parse: Callable[..., T], value: object, field: str) -> T:
    """One of the spec layer's parsers, its ValueError as InvalidArgument."""
    try:
        return parse(value, field)
    except ValueError as exc:
        raise InvalidArgument(str(exc)) from None


def _require(version: str, minimum: str, what: str) -> None:
    # docker-py compares every dotted part, so "7.1.0" (a package version) passes too.
    if _dotted(version) < _dotted(minimum):
        raise InvalidVersion(f"{what} is not supported for API versions below {minimum}")


def _dotted(version: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in version.lstrip("v").split("."))
    except ValueError:
        raise InvalidArgument(f"version must be like '1.41', got {version!r}") from None


def _expect(value: object, kind: type | tuple[type, ...], what: str, expected: str) -> None:
    if not isinstance(value, kind) or (
        isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,))
    ):
        raise TypeError(f"{what}: expected {expected}, got {type(value).__name__}")


def _command(value: object) -> object:
    return shlex.split(value) if isinstance(value, str) else value


def _pick(kwargs: Mapping[str, Any], name: str, wire: str) -> Any:
    """docker-py's keyword-built types take the snake_case or the wire name."""
    return kwargs.get(name, kwargs.get(wire))


def _property(key: str, doc: str) -> property:
    def get(self: dict[str, Any]) -> Any:
        return self.get(key)

    def set_(self: dict[str, Any], value: Any) -> None:
        self[key] = value

    return property(get, set_, doc=doc)


# -- containers ------------------------------------------------------------------------------


class Healthcheck(dict[str, Any]):
    """A health check; ``interval``, ``timeout``, ``start_period`` in nanoseconds.

    ``test``: ``[]`` inherits, ``["NONE"]`` disables, ``["CMD", ...]`` or
    ``["CMD-SHELL", cmd]``; a string means ``CMD-SHELL``.
    """

    def __init__(self, **kwargs: Any) -> None:
        test = _pick(kwargs, "test", "Test")
        super().__init__(
            Test=["CMD-SHELL", test] if isinstance(test, str) else test,
            Interval=_pick(kwargs, "interval", "Interval"),
            Timeout=_pick(kwargs, "timeout", "Timeout"),
            Retries=_pick(kwargs, "retries", "Retries"),
            StartPeriod=_pick(kwargs, "start_period", "StartPeriod"),
        )

    @property
    def test(self) -> Any:
        """The test command."""
        return self["Test"]

    @test.setter
    def test(self, value: Any) -> None:
        self["Test"] = ["CMD-SHELL", value] if isinstance(value, str) else value

    interval = _property("Interval", "Nanoseconds between checks.")
    timeout = _property("Timeout", "Nanoseconds a check may take.")
    retries = _property("Retries", "Failures in a row that make the container unhealthy.")
    start_period = _property("StartPeriod", "Nanoseconds of grace after the start.")


class LogConfig(dict[str, Any]):
    """A logging driver and its options: ``LogConfig(type=..., config={...})``."""

    types = LogConfigTypes

    def __init__(self, **kwargs: Any) -> None:
        config = _pick(kwargs, "config", "Config") or {}
        if not isinstance(config, dict):
            raise InvalidArgument("LogConfig.config must be a dictionary")
        super().__init__(Type=_pick(kwargs, "type", "Type"), Config=config)

    type = _property("Type", "The logging driver.")

    @property
    def config(self) -> dict[str, Any]:
        """The driver's options."""
        config: dict[str, Any] = self["Config"]
        return config

    def set_config_value(self, key: str, value: Any) -> None:
        """Set one driver option."""
        self.config[key] = value

    def unset_config(self, key: str) -> None:
        """Remove one driver option (nothing happens if it is not set)."""
        self.config.pop(key, None)


class Ulimit(dict[str, Any]):
    """A resource limit: ``Ulimit(name="nofile", soft=1024, hard=2048)``."""

    def __init__(self, **kwargs: Any) -> None:
        name = _pick(kwargs, "name", "Name")
        soft = _pick(kwargs, "soft", "Soft")
        hard = _pick(kwargs, "hard", "Hard")
        if not isinstance(name, str):
            raise InvalidArgument("Ulimit.name must be a string")
        for what, value in (("soft", soft), ("hard", hard)):
            if value and not isinstance(value, int):
                raise InvalidArgument(f"Ulimit.{what} must be an integer")
        super().__init__(Name=name, Soft=soft, Hard=hard)

    name = _property("Name", "The limit's name (nofile, nproc...).")
    soft = _property("Soft", "The soft limit.")
    hard = _property("Hard", "The hard limit.")


class DeviceRequest(dict[str, Any]):
    """A request for devices such as GPUs (``count=-1`` for all of them)."""

    _FIELDS = (
        ("driver", "Driver", str, ""),
        ("count", "Count", int, 0),
        ("device_ids", "DeviceIDs", list, None),
        ("capabilities", "Capabilities", list, None),
        ("options", "Options", dict, None),
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__()
        for name, wire, kind, default in self._FIELDS:
            value = _pick(kwargs, name, wire)
            if value is None:
                value = kind() if default is None else default
            elif not isinstance(value, kind):
                raise InvalidArgument(f"DeviceRequest.{name} must be a {kind.__name__}")
            self[wire] = value

    driver = _property("Driver", "The device driver.")
    count = _property("Count", "How many devices (-1: all).")
    device_ids = _property("DeviceIDs", "Device ids, instead of a count.")
    capabilities = _property("Capabilities", "Lists of capabilities (OR of ANDs).")
    options = _property("Options", "Driver options.")


def _host_error(param: str, value: object, expected: str) -> TypeError:
    return TypeError(
        f"Invalid type for {param} param: expected {expected} but found {type(value)}"
    )


class HostConfig(dict[str, Any]):
    """The ``HostConfig`` of a container create, built as docker-py's ``create_host_config``.

    ``version`` is the API version the options are checked against.
    """

    def __init__(
        self,
        version: str,
        binds: Any = None,
        port_bindings: Any = None,
        lxc_conf: Any = None,
        publish_all_ports: bool = False,
        links: Any = None,
        privileged: bool = False,
        dns: list[str] | None = None,
        dns_search: list[str] | None = None,
        volumes_from: Any = None,
        network_mode: str | None = None,
        restart_policy: dict[str, Any] | None = None,
        cap_add: list[str] | None = None,
        cap_drop: list[str] | None = None,
        devices: list[str] | None = None,
        extra_hosts: Any = None,
        read_only: bool | None = None,
        pid_mode: str | None = None,
        ipc_mode: str | None = None,
        security_opt: list[str] | None = None,
        ulimits: list[Any] | None = None,
        log_config: Any = None,
        mem_limit: int | str | None = None,
        memswap_limit: int | str | None = None,
        mem_reservation: int | str | None = None,
        kernel_memory: int | str | None = None,
        mem_swappiness: int | None = None,
        cgroup_parent: str | None = None,
        group_add: list[Any] | None = None,
        cpu_quota: int | None = None,
        cpu_period: int | None = None,
        blkio_weight: int | None = None,
        blkio_weight_device: list[Any] | None = None,
        device_read_bps: list[Any] | None = None,
        device_write_bps: list[Any] | None = None,
        device_read_iops: list[Any] | None = None,
        device_write_iops: list[Any] | None = None,
        oom_kill_disable: bool = False,
        shm_size: int | str | None = None,
        sysctls: dict[str, Any] | None = None,
        tmpfs: Any = None,
        oom_score_adj: int | None = None,
        dns_opt: list[str] | None = None,
        cpu_shares: int | None = None,
        cpuset_cpus: str | None = None,
        userns_mode: str | None = None,
        uts_mode: str | None = None,
        pids_limit: int | None = None,
        isolation: str | None = None,
        auto_remove: bool = False,
        storage_opt: dict[str, str] | None = None,
        init: bool | None = None,
        init_path: str | None = None,
        volume_driver: str | None = None,
        cpu_count: int | None = None,
        cpu_percent: int | None = None,
        nano_cpus: int | None = None,
        cpuset_mems: str | None = None,
        runtime: str | None = None,
        mounts: list[Any] | None = None,
        cpu_rt_period: int | None = None,
        cpu_rt_runtime: int | None = None,
        device_cgroup_rules: list[str] | None = None,
        device_requests: list[Any] | None = None,
        cgroupns: str | None = None,
    ) -> None:
        super().__init__()
        for param, key, value in (
            ("mem_limit", "Memory", mem_limit),
            ("memswap_limit", "MemorySwap", memswap_limit),
        ):
            if value is not None:
                self[key] = _parsed(parse_bytes, value, param)
        for param, key, value in (
            ("mem_reservation", "MemoryReservation", mem_reservation),
            ("kernel_memory", "KernelMemory", kernel_memory),
        ):
            if value:
                self[key] = _parsed(parse_bytes, value, param)
        if mem_swappiness is not None:
            if not isinstance(mem_swappiness, int):
                raise _host_error("mem_swappiness", mem_swappiness, "int")
            self["MemorySwappiness"] = mem_swappiness
        if shm_size is not None:
            self["ShmSize"] = (
                _parsed(parse_bytes, shm_size, "shm_size")
                if isinstance(shm_size, str)
                else shm_size
            )
        if pid_mode:
            self["PidMode"] = pid_mode
        if ipc_mode:
            self["IpcMode"] = ipc_mode
        if privileged:
            self["Privileged"] = privileged
        if oom_kill_disable:
            self["OomKillDisable"] = oom_kill_disable
        if oom_score_adj:
            if not isinstance(oom_score_adj, int):
                raise _host_error("oom_score_adj", oom_score_adj, "int")
            self["OomScoreAdj"] = oom_score_adj
        if publish_all_ports:
            self["PublishAllPorts"] = publish_all_ports
        if read_only is not None:
            self["ReadonlyRootfs"] = read_only
        if dns_search:
            self["DnsSearch"] = dns_search
        if network_mode == "host" and port_bindings:
            raise InvalidArgument('"host" network_mode is incompatible with port_bindings')
        self["NetworkMode"] = network_mode or "default"
        if restart_policy:
            if not isinstance(restart_policy, dict):
                raise _host_error("restart_policy", restart_policy, "dict")
            self["RestartPolicy"] = restart_policy
        if cap_add:
            self["CapAdd"] = cap_add
        if cap_drop:
            self["CapDrop"] = cap_drop
        if devices:
            self["Devices"] = _parsed(parse_devices, devices, "devices")
        if group_add:
            self["GroupAdd"] = [str(group) for group in group_add]
        if dns is not None:
            self["Dns"] = dns
        if dns_opt is not None:
            self["DnsOptions"] = dns_opt
        if security_opt is not None:
            if not isinstance(security_opt, list):
                raise _host_error("security_opt", security_opt, "list")
            self["SecurityOpt"] = security_opt
        if sysctls:
            if not isinstance(sysctls, dict):
                raise _host_error("sysctls", sysctls, "dict")
            self["Sysctls"] = {key: str(value) for key, value in sysctls.items()}
        if volumes_from is not None:
            self["VolumesFrom"] = (
                volumes_from.split(",") if isinstance(volumes_from, str) else volumes_from
            )
        if binds is not None:
            self["Binds"] = _parsed(parse_volumes, binds, "binds")[0]
        if port_bindings is not None:
            self["PortBindings"] = _parsed(parse_port_bindings, port_bindings, "port_bindings")
        if extra_hosts is not None:
            self["ExtraHosts"] = (
                _parsed(parse_extra_hosts, extra_hosts, "extra_hosts")
                if isinstance(extra_hosts, dict)
                else extra_hosts
            )
        if links is not None:
            self["Links"] = _parsed(parse_links, links, "links")
        if isinstance(lxc_conf, dict):
            lxc_conf = [{"Key": key, "Value": str(value)} for key, value in lxc_conf.items()]
        if lxc_conf is not None:
            self["LxcConf"] = lxc_conf
        if cgroup_parent is not None:
            self["CgroupParent"] = cgroup_parent
        if ulimits is not None:
            if not isinstance(ulimits, list):
                raise _host_error("ulimits", ulimits, "list")
            self["Ulimits"] = [u if isinstance(u, Ulimit) else Ulimit(**u) for u in ulimits]
        if log_config is not None:
            if not isinstance(log_config, dict):
                raise _host_error("log_config", log_config, "LogConfig")
            self["LogConfig"] = (
                log_config if isinstance(log_config, LogConfig) else LogConfig(**log_config)
            )
        self._ints(
            version,
            cpu_quota=("CpuQuota", cpu_quota, None),
            cpu_period=("CpuPeriod", cpu_period, None),
            cpu_shares=("CpuShares", cpu_shares, None),
            cpu_rt_period=("CPURealtimePeriod", cpu_rt_period, "1.25"),
            cpu_rt_runtime=("CPURealtimeRuntime", cpu_rt_runtime, "1.25"),
            blkio_weight=("BlkioWeight", blkio_weight, "1.22"),
            pids_limit=("PidsLimit", pids_limit, "1.23"),
            cpu_count=("CpuCount", cpu_count, "1.25"),
            cpu_percent=("CpuPercent", cpu_percent, "1.25"),
            nano_cpus=("NanoCpus", nano_cpus, "1.25"),
        )
        if cpuset_cpus:
            self["CpusetCpus"] = cpuset_cpus
        if cpuset_mems:
            if not isinstance(cpuset_mems, str):
                raise _host_error("cpuset_mems", cpuset_mems, "str")
            self["CpusetMems"] = cpuset_mems
        devices_io: tuple[tuple[str, str, list[Any] | None], ...] = (
            ("blkio_weight_device", "BlkioWeightDevice", blkio_weight_device),
            ("device_read_bps", "BlkioDeviceReadBps", device_read_bps),
            ("device_write_bps", "BlkioDeviceWriteBps", device_write_bps),
            ("device_read_iops", "BlkioDeviceReadIOps", device_read_iops),
            ("device_write_iops", "BlkioDeviceWriteIOps", device_write_iops),
        )
        for param, key, rates in devices_io:
            if rates:
                if not isinstance(rates, list):
                    raise _host_error(param, rates, "list")
                self[key] = rates
        if tmpfs:
            self["Tmpfs"] = _parsed(parse_tmpfs, tmpfs, "tmpfs")
        for param, key, value in (("userns_mode", "UsernsMode", userns_mode),):
            if value:
                if value != "host":
                    raise InvalidArgument(f"Invalid value for {param} param: {value}")
                self[key] = value
        if uts_mode:
            if uts_mode != "host":
                raise InvalidArgument(f"Invalid value for uts_mode param: {uts_mode}")
            self["UTSMode"] = uts_mode
        if isolation:
            if not isinstance(isolation, str):
                raise _host_error("isolation", isolation, "string")
            self["Isolation"] = isolation
        if auto_remove:
            _require(version, "1.25", "auto_remove")
            self["AutoRemove"] = auto_remove
        if storage_opt is not None:
            self["StorageOpt"] = storage_opt
        if init is not None:
            _require(version, "1.25", "init")
            self["Init"] = init
        if init_path is not None:
            if _dotted(version) >= _dotted("1.29"):
                raise InvalidVersion("init_path is not supported for API versions 1.29 and up")
            self["InitPath"] = init_path
        if volume_driver is not None:
            self["VolumeDriver"] = volume_driver
        if runtime:
            _require(version, "1.25", "runtime")
            self["Runtime"] = runtime
        if mounts is not None:
            _require(version, "1.30", "mounts")
            self["Mounts"] = mounts
        if device_cgroup_rules is not None:
            _require(version, "1.28", "device_cgroup_rules")
            if not isinstance(device_cgroup_rules, list):
                raise _host_error("device_cgroup_rules", device_cgroup_rules, "list")
            self["DeviceCgroupRules"] = device_cgroup_rules
        if device_requests is not None:
            _require(version, "1.40", "device_requests")
            if not isinstance(device_requests, list):
                raise _host_error("device_requests", device_requests, "list")
            self["DeviceRequests"] = [
                r if isinstance(r, DeviceRequest) else DeviceRequest(**r) for r in device_requests
            ]
        if cgroupns:
            self["CgroupnsMode"] = cgroupns

    def _ints(self, version: str, **options: tuple[str, int | None, str | None]) -> None:
        for param, (key, value, minimum) in options.items():
            if not value:
                continue
            if not isinstance(value, int):
                raise _host_error(param, value, "int")
            if minimum is not None:
                _require(version, minimum, param)
            self[key] = value


class ContainerConfig(dict[str, Any]):
    """The body of ``POST /containers/create`` (without ``HostConfig`` unless given)."""

    def __init__(
        self,
        version: str,
        image: str,
        command: Any,
        hostname: str | None = None,
        user: str | int | None = None,
        detach: bool = False,
        stdin_open: bool = False,
        tty: bool = False,
        ports: Any = None,
        environment: Any = None,
        volumes: Any = None,
        network_disabled: bool = False,
        entrypoint: Any = None,
        working_dir: str | None = None,
        domainname: str | None = None,
        host_config: Any = None,
        mac_address: str | None = None,
        labels: Any = None,
        stop_signal: str | None = None,
        networking_config: Any = None,
        healthcheck: Any = None,
        stop_timeout: int | None = None,
        runtime: str | None = None,
    ) -> None:
        if stop_timeout is not None:
            _require(version, "1.25", "stop_timeout")
        if healthcheck is not None:
            _require(version, "1.24", "healthcheck")
            if "StartPeriod" in healthcheck:
                _require(version, "1.29", "healthcheck start period")
            if not isinstance(healthcheck, Healthcheck):
                healthcheck = Healthcheck(**healthcheck)
        if isinstance(environment, dict):
            environment = _parsed(parse_environment, environment, "environment")
        if isinstance(labels, list):
            labels = dict.fromkeys(labels, "")
        if isinstance(ports, list):
            exposed: dict[str, Any] = {}
            for port in ports:
                number, protocol = port if isinstance(port, tuple) else (port, "tcp")
                exposed[f"{number}/{protocol}"] = {}
            ports = exposed
        if isinstance(volumes, str):
            volumes = [volumes]
        if isinstance(volumes, list):
            volumes = {volume: {} for volume in volumes}
        attached = not detach
        super().__init__(
            Hostname=hostname,
            Domainname=domainname,
            ExposedPorts=ports,
            User=str(user) if user is not None else None,
            Tty=tty,
            OpenStdin=stdin_open,
            StdinOnce=attached and stdin_open,
            AttachStdin=attached and stdin_open,
            AttachStdout=attached,
            AttachStderr=attached,
            Env=environment,
            Cmd=_command(command),
            Image=image,
            Volumes=volumes,
            NetworkDisabled=network_disabled,
            Entrypoint=_command(entrypoint),
            WorkingDir=working_dir,
            HostConfig=host_config,
            NetworkingConfig=networking_config,
            MacAddress=mac_address,
            Labels=labels,
            StopSignal=stop_signal,
            Healthcheck=healthcheck,
            StopTimeout=stop_timeout,
            Runtime=runtime,
        )


# -- networks --------------------------------------------------------------------------------


class EndpointConfig(dict[str, Any]):
    """How a container joins one network: ``EndpointConfig(version, aliases=[...], ...)``."""

    def __init__(
        self,
        version: str,
        aliases: list[str] | None = None,
        links: Any = None,
        ipv4_address: str | None = None,
        ipv6_address: str | None = None,
        link_local_ips: list[str] | None = None,
        driver_opt: dict[str, str] | None = None,
        mac_address: str | None = None,
    ) -> None:
        super().__init__()
        _require(version, "1.22", "EndpointConfig")
        if aliases:
            self["Aliases"] = aliases
        if links:
            self["Links"] = _parsed(parse_links, links, "links")
        ipam: dict[str, Any] = {}
        if ipv4_address:
            ipam["IPv4Address"] = ipv4_address
        if ipv6_address:
            ipam["IPv6Address"] = ipv6_address
        if mac_address:
            _require(version, "1.25", "mac_address")
            self["MacAddress"] = mac_address
        if link_local_ips is not None:
            _require(version, "1.24", "link_local_ips")
            ipam["LinkLocalIPs"] = link_local_ips
        if ipam:
            self["IPAMConfig"] = ipam
        if driver_opt:
            _require(version, "1.32", "DriverOpts")
            if not isinstance(driver_opt, dict):
                raise TypeError("driver_opt must be a dictionary")
            self["DriverOpts"] = driver_opt


class NetworkingConfig(dict[str, Any]):
    """``{"EndpointsConfig": {network: EndpointConfig}}`` for a container create."""

    def __init__(self, endpoints_config: dict[str, Any] | None = None) -> None:
        super().__init__()
        if endpoints_config:
            self["EndpointsConfig"] = endpoints_config


class IPAMConfig(dict[str, Any]):
    """A network's address management: driver, pools
    ([`IPAMPool`][aiocontainers.sync.types.IPAMPool]) and options."""

    def __init__(
        self,
        driver: str = "default",
        pool_configs: list[Any] | None = None,
        options: dict[str, str] | None = None,
    ) -> None:
        super().__init__(Driver=driver, Config=pool_configs or [])
        if options:
            if not isinstance(options, dict):
                raise TypeError("IPAMConfig options must be a dictionary")
            self["Options"] = options


class IPAMPool(dict[str, Any]):
    """One address pool: subnet, IP range, gateway and auxiliary addresses."""

    def __init__(
        self,
        subnet: str | None = None,
        iprange: str | None = None,
        gateway: str | None = None,
        aux_addresses: dict[str, str] | None = None,
    ) -> None:
        super().__init__(
            Subnet=subnet, IPRange=iprange, Gateway=gateway, AuxiliaryAddresses=aux_addresses
        )


# -- services ---------------------------------------------------------------------------------


class Mount(dict[str, Any]):
    """A mount for a container (``mounts=``) or a service: ``Mount(target, source, ...)``."""

    _ONLY: ClassVar[dict[str, tuple[str, ...]]] = {
        "bind": ("propagation",),
        "volume": ("no_copy", "labels", "driver_config", "subpath"),
        "tmpfs": ("tmpfs_size", "tmpfs_mode"),
    }

    def __init__(
        self,
        target: str,
        source: str | None,
        type: str = "volume",
        read_only: bool = False,
        consistency: str | None = None,
        propagation: str | None = None,
        no_copy: bool = False,
        labels: dict[str, str] | None = None,
        driver_config: Any = None,
        tmpfs_size: int | str | None = None,
        tmpfs_mode: int | None = None,
        subpath: str | None = None,
    ) -> None:
        if type not in ("bind", "volume", "tmpfs", "npipe"):
            raise InvalidArgument(f'Unsupported mount type: "{type}"')
        super().__init__(Target=target, Source=source, Type=type, ReadOnly=read_only)
        if consistency:
            self["Consistency"] = consistency
        options = {
            "propagation": propagation,
            "no_copy": no_copy,
            "labels": labels,
            "driver_config": driver_config,
            "tmpfs_size": tmpfs_size,
            "tmpfs_mode": tmpfs_mode,
            "subpath": subpath,
        }
        allowed = self._ONLY.get(type)
        if allowed is not None:
            misplaced = [name for name, value in options.items() if value and name not in allowed]
            if misplaced:
                raise InvalidArgument(
                    f"Incompatible options have been provided for the {type} type mount: "
                    + ", ".join(misplaced)
                )
        if type == "bind" and propagation is not None:
            self["BindOptions"] = {"Propagation": propagation}
        volume = {
            key: value
            for key, value in (
                ("NoCopy", True if no_copy else None),
                ("Labels", labels),
                ("DriverConfig", driver_config),
                ("Subpath", subpath),
            )
            if value
        }
        if type == "volume" and volume:
            self["VolumeOptions"] = volume
        if type == "tmpfs":
            if tmpfs_mode and not isinstance(tmpfs_mode, int):
                raise InvalidArgument("tmpfs_mode must be an integer")
            tmpfs: dict[str, Any] = {}
            if tmpfs_mode:
                tmpfs["Mode"] = tmpfs_mode
            if tmpfs_size:
                tmpfs["SizeBytes"] = _parsed(parse_bytes, tmpfs_size, "tmpfs_size")
            if tmpfs:
                self["TmpfsOptions"] = tmpfs

    @classmethod
    def parse_mount_string(cls, string: str) -> Mount:
        """``"source:/target[:ro|rw]"`` or ``"/target"``; a source starting with ``/`` binds."""
        parts = string.split(":")
        if len(parts) > 3:
            raise InvalidArgument(f'Invalid mount format "{string}"')
        if len(parts) == 1:
            return cls(target=parts[0], source=None)
        source, target = parts[0], parts[1]
        read_only = not (len(parts) == 2 or parts[2] == "rw")
        kind = "bind" if source.startswith("/") else "volume"
        return cls(target, source, read_only=read_only, type=kind)


class ContainerSpec(dict[str, Any]):
    """A service task's container (docker-py's ``ContainerSpec``; durations in nanoseconds)."""

    def __init__(
        self,
        image: str,
        command: Any = None,
        args: list[str] | None = None,
        hostname: str | None = None,
        env: Any = None,
        workdir: str | None = None,
        user: str | None = None,
        labels: dict[str, str] | None = None,
        mounts: list[Any] | None = None,
        stop_grace_period: int | None = None,
        secrets: list[Any] | None = None,
        tty: bool | None = None,
        groups: list[str] | None = None,
        open_stdin: bool | None = None,
        read_only: bool | None = None,
        stop_signal: str | None = None,
        healthcheck: Any = None,
        hosts: dict[str, str] | None = None,
        dns_config: Any = None,
        configs: list[Any] | None = None,
        privileges: Any = None,
        isolation: str | None = None,
        init: bool | None = None,
        cap_add: list[str] | None = None,
        cap_drop: list[str] | None = None,
        sysctls: dict[str, str] | None = None,
    ) -> None:
        super().__init__(Image=image, Command=_command(command), Args=args)
        if isinstance(env, dict):
            env = _parsed(parse_environment, env, "env")
        host_lines = None
        if hosts is not None:
            host_lines = [f"{address} {host}" for host, address in sorted(hosts.items())]
        if mounts is not None:
            mounts = [Mount.parse_mount_string(m) if isinstance(m, str) else m for m in mounts]
        checked: tuple[tuple[str, object, type], ...] = (
            ("secrets", secrets, list),
            ("configs", configs, list),
            ("cap_add", cap_add, list),
            ("cap_drop", cap_drop, list),
            ("sysctls", sysctls, dict),
        )
        for what, value, kind in checked:
            if value is not None and not isinstance(value, kind):
                raise TypeError(f"{what} must be a {kind.__name__}")
        fields: tuple[tuple[str, object], ...] = (
            ("Hostname", hostname),
            ("Env", env),
            ("Dir", workdir),
            ("User", user),
            ("Groups", groups),
            ("StopSignal", stop_signal),
            ("StopGracePeriod", stop_grace_period),
            ("Labels", labels),
            ("Hosts", host_lines),
            ("Mounts", mounts),
            ("Secrets", secrets),
            ("Configs", configs),
            ("DNSConfig", dns_config),
            ("Privileges", privileges),
            ("Healthcheck", healthcheck),
            ("TTY", tty),
            ("OpenStdin", open_stdin),
            ("ReadOnly", read_only),
            ("Isolation", isolation),
            ("Init", init),
            ("CapabilityAdd", cap_add),
            ("CapabilityDrop", cap_drop),
            ("Sysctls", sysctls),
        )
        for key, field_value in fields:
            if field_value is not None:
                self[key] = field_value


class Placement(dict[str, Any]):
    """Where tasks may run: constraints, preferences, platforms, replicas per node."""

    def __init__(
        self,
        constraints: list[str] | None = None,
        preferences: list[Any] | None = None,
        platforms: list[tuple[str, str]] | None = None,
        maxreplicas: int | None = None,
    ) -> None:
        super().__init__()
        if constraints is not None:
            self["Constraints"] = constraints
        if preferences is not None:
            self["Preferences"] = [
                PlacementPreference(*p) if isinstance(p, tuple) else p for p in preferences
            ]
        if maxreplicas is not None:
            self["MaxReplicas"] = maxreplicas
        if platforms:
            self["Platforms"] = [
                {"Architecture": architecture, "OS": os} for architecture, os in platforms
            ]


class PlacementPreference(dict[str, Any]):
    """A spread preference: ``PlacementPreference("spread", "node.labels.zone")``."""

    def __init__(self, strategy: str, descriptor: str) -> None:
        if strategy != "spread":
            raise InvalidArgument(
                f"PlacementPreference strategy value is invalid ({strategy}): must be 'spread'."
            )
        super().__init__({"Spread": {"SpreadDescriptor": descriptor}})


class TaskTemplate(dict[str, Any]):
    """A service's task: its container spec, resources, restart policy, placement..."""

    def __init__(
        self,
        container_spec: Any,
        resources: Any = None,
        restart_policy: Any = None,
        placement: Any = None,
        log_driver: Any = None,
        networks: list[Any] | None = None,
        force_update: int | None = None,
    ) -> None:
        super().__init__(ContainerSpec=container_spec)
        if resources:
            self["Resources"] = resources
        if restart_policy:
            self["RestartPolicy"] = restart_policy
        if placement:
            self["Placement"] = (
                Placement(constraints=placement) if isinstance(placement, list) else placement
            )
        if log_driver:
            self["LogDriver"] = log_driver
        if networks:
            self["Networks"] = [{"Target": n} if isinstance(n, str) else n for n in networks]
        if force_update is not None:
            if not isinstance(force_update, int):
                raise TypeError("force_update must be an integer")
            self["ForceUpdate"] = force_update

    container_spec = _property("ContainerSpec", "The task's container.")
    resources = _property("Resources", "Limits and reservations.")
    restart_policy = _property("RestartPolicy", "When tasks restart.")
    placement = _property("Placement", "Where tasks run.")


class Resources(dict[str, Any]):
    """Limits and reservations of a task (CPUs in nano-CPUs, memory in bytes)."""

    def __init__(
        self,
        cpu_limit: int | None = None,
        mem_limit: int | None = None,
        cpu_reservation: int | None = None,
        mem_reservation: int | None = None,
        generic_resources: Any = None,
    ) -> None:
        super().__init__()
        limits = {
            key: value
            for key, value in (("NanoCPUs", cpu_limit), ("MemoryBytes", mem_limit))
            if value is not None
        }
        reservations: dict[str, Any] = {
            key: value
            for key, value in (("NanoCPUs", cpu_reservation), ("MemoryBytes", mem_reservation))
            if value is not None
        }
        if generic_resources is not None:
            reservations["GenericResources"] = _generic_resources(generic_resources)
        if limits:
            self["Limits"] = limits
        if reservations:
            self["Reservations"] = reservations


def _generic_resources(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    if not isinstance(value, dict):
        raise InvalidArgument(f"generic_resources must be a dict or a list (found {type(value)})")
    resources = []
    for kind, amount in value.items():
        if isinstance(amount, int) and not isinstance(amount, bool):
            spec = "DiscreteResourceSpec"
        elif isinstance(amount, str):
            spec = "NamedResourceSpec"
        else:
            raise InvalidArgument(
                f"Unsupported generic resource reservation type: {kind}={amount!r}"
            )
        resources.append({spec: {"Kind": kind, "Value": amount}})
    return resources


class UpdateConfig(dict[str, Any]):
    """How a service updates: parallelism, ``delay``/``monitor`` in nanoseconds, failure action."""

    def __init__(
        self,
        parallelism: int = 0,
        delay: int | None = None,
        failure_action: str = "continue",
        monitor: int | None = None,
        max_failure_ratio: float | None = None,
        order: str | None = None,
    ) -> None:
        super().__init__(Parallelism=parallelism)
        if delay is not None:
            self["Delay"] = delay
        if failure_action not in ("pause", "continue", "rollback"):
            raise InvalidArgument("failure_action must be one of `pause`, `continue`, `rollback`")
        self["FailureAction"] = failure_action
        if monitor is not None:
            if not isinstance(monitor, int):
                raise TypeError("monitor must be an integer")
            self["Monitor"] = monitor
        if max_failure_ratio is not None:
            if not isinstance(max_failure_ratio, (float, int)):
                raise TypeError("max_failure_ratio must be a float")
            if not 0 <= max_failure_ratio <= 1:
                raise InvalidArgument("max_failure_ratio must be a number between 0 and 1")
            self["MaxFailureRatio"] = max_failure_ratio
        if order is not None:
            if order not in ("start-first", "stop-first"):
                raise InvalidArgument("order must be either `start-first` or `stop-first`")
            self["Order"] = order


class RollbackConfig(UpdateConfig):
    """How a service rolls back; the same fields as
    [`UpdateConfig`][aiocontainers.sync.types.UpdateConfig]."""


class RestartConditionTypes:
    """The task restart conditions (``RestartPolicy.condition_types.ON_FAILURE``)."""

    _values = ("none", "on-failure", "any")
    NONE, ON_FAILURE, ANY = _values


class RestartPolicy(dict[str, Any]):
    """When a service's tasks restart (``delay``/``window`` in nanoseconds)."""

    condition_types = RestartConditionTypes

    def __init__(
        self, condition: str = "none", delay: int = 0, max_attempts: int = 0, window: int = 0
    ) -> None:
        if condition not in RestartConditionTypes._values:
            raise TypeError(f"Invalid RestartPolicy condition {condition}")
        super().__init__(Condition=condition, Delay=delay, MaxAttempts=max_attempts, Window=window)


class DriverConfig(dict[str, Any]):
    """A driver and its options (volume drivers, log drivers, secret drivers...)."""

    def __init__(self, name: str, options: dict[str, str] | None = None) -> None:
        super().__init__(Name=name)
        if options:
            self["Options"] = options


class EndpointSpec(dict[str, Any]):
    """A service's published ports: ``{published: target}`` or ``(target, protocol, mode)``."""

    def __init__(self, mode: str | None = None, ports: Any = None) -> None:
        super().__init__()
        if ports:
            self["Ports"] = _service_ports(ports)
        if mode:
            self["Mode"] = mode


def _service_ports(ports: Any) -> list[Any]:
    if isinstance(ports, list):
        return ports
    if not isinstance(ports, dict):
        raise TypeError("Invalid type for ports, expected dict or list")
    result = []
    for published, target in ports.items():
        spec: dict[str, Any] = {"Protocol": "tcp", "PublishedPort": published}
        if isinstance(target, tuple):
            if len(target) > 3:
                raise InvalidArgument(
                    "Service port configuration can have at most 3 elements: "
                    "(target_port, protocol, mode)"
                )
            spec["TargetPort"] = target[0]
            if len(target) >= 2 and target[1] is not None:
                spec["Protocol"] = target[1]
            if len(target) == 3:
                spec["PublishMode"] = target[2]
        else:
            spec["TargetPort"] = target
        result.append(spec)
    return result


class ServiceMode(dict[str, Any]):
    """``replicated`` (with ``replicas``), ``global``, ``replicated-job`` or ``global-job``."""

    _WIRE: ClassVar[dict[str, str]] = {
        "global-job": "GlobalJob",
        "replicated-job": "ReplicatedJob",
    }

    def __init__(
        self, mode: str, replicas: int | None = None, concurrency: int | None = None
    ) -> None:
        replicated = ("replicated", "replicated-job")
        if mode not in (*replicated, "global", "global-job"):
            raise InvalidArgument(
                'mode must be either "replicated", "global", "replicated-job" or "global-job"'
            )
        if mode not in replicated and replicas is not None:
            raise InvalidArgument(
                'replicas can only be used for "replicated" or "replicated-job" mode'
            )
        if mode not in replicated and concurrency is not None:
            raise InvalidArgument('concurrency can only be used for "replicated-job" mode')
        super().__init__()
        self.mode = self._WIRE.get(mode, mode)
        self[self.mode] = {}
        if replicas is not None:
            if mode == "replicated":
                self[self.mode]["Replicas"] = replicas
            else:
                self[self.mode]["MaxConcurrent"] = concurrency or 1
                self[self.mode]["TotalCompletions"] = replicas

    @property
    def replicas(self) -> int | None:
        """Replicas (or a job's total completions); None for global modes."""
        for key, field in (("replicated", "Replicas"), ("ReplicatedJob", "TotalCompletions")):
            if key in self:
                value: int | None = self[key].get(field)
                return value
        return None


class _FileReference(dict[str, Any]):
    _kind = ""

    def __init__(
        self,
        reference_id: str,
        name: str,
        filename: str | None = None,
        uid: str | None = None,
        gid: str | None = None,
        mode: int = 0o444,
    ) -> None:
        if isinstance(reference_id, dict):
            reference_id = reference_id.get("Id", reference_id.get("ID"))
        if not reference_id:
            raise NullResource("Resource ID was not provided")
        super().__init__(
            {
                f"{self._kind}Name": name,
                f"{self._kind}ID": reference_id,
                "File": {
                    "Name": filename or name,
                    "UID": uid or "0",
                    "GID": gid or "0",
                    "Mode": mode,
                },
            }
        )


class SecretReference(_FileReference):
    """A secret given to a service's tasks, as a file (``/run/secrets/<name>``)."""

    _kind = "Secret"

    def __init__(
        self,
        secret_id: str,
        secret_name: str,
        filename: str | None = None,
        uid: str | None = None,
        gid: str | None = None,
        mode: int = 0o444,
    ) -> None:
        super().__init__(secret_id, secret_name, filename, uid, gid, mode)


class ConfigReference(_FileReference):
    """A config given to a service's tasks, as a file."""

    _kind = "Config"

    def __init__(
        self,
        config_id: str,
        config_name: str,
        filename: str | None = None,
        uid: str | None = None,
        gid: str | None = None,
        mode: int = 0o444,
    ) -> None:
        super().__init__(config_id, config_name, filename, uid, gid, mode)


class NetworkAttachmentConfig(dict[str, Any]):
    """A network a service's tasks join, with aliases and driver options."""

    def __init__(
        self, target: str, aliases: list[str] | None = None, options: dict[str, str] | None = None
    ) -> None:
        super().__init__(Target=target, Aliases=aliases, DriverOpts=options)


class DNSConfig(dict[str, Any]):
    """DNS settings of a service's containers."""

    def __init__(
        self,
        nameservers: list[str] | None = None,
        search: list[str] | None = None,
        options: list[str] | None = None,
    ) -> None:
        super().__init__(Nameservers=nameservers, Search=search, Options=options)


class Privileges(dict[str, Any]):
    """Security settings of a service's containers (credential spec, SELinux)."""

    def __init__(
        self,
        credentialspec_file: str | None = None,
        credentialspec_registry: str | None = None,
        selinux_disable: bool | None = None,
        selinux_user: str | None = None,
        selinux_role: str | None = None,
        selinux_type: str | None = None,
        selinux_level: str | None = None,
    ) -> None:
        super().__init__()
        credential = {
            key: value
            for key, value in (
                ("File", credentialspec_file),
                ("Registry", credentialspec_registry),
            )
            if value is not None
        }
        if len(credential) > 1:
            raise InvalidArgument(
                "credentialspec_file and credentialspec_registry are mutually exclusive"
            )
        if credential:
            self["CredentialSpec"] = credential
        self["SELinuxContext"] = {
            "Disable": selinux_disable,
            "User": selinux_user,
            "Role": selinux_role,
            "Type": selinux_type,
            "Level": selinux_level,
        }


# -- swarm -----------------------------------------------------------------------------------


class SwarmExternalCA(dict[str, Any]):
    """An external certificate authority of a swarm."""

    def __init__(
        self,
        url: str,
        protocol: str | None = None,
        options: dict[str, str] | None = None,
        ca_cert: str | None = None,
    ) -> None:
        super().__init__(URL=url, Protocol=protocol, Options=options, CACert=ca_cert)


class SwarmSpec(dict[str, Any]):
    """A swarm's settings (``swarm.init``/``update``); durations in nanoseconds."""

    def __init__(
        self,
        version: str,
        task_history_retention_limit: int | None = None,
        snapshot_interval: int | None = None,
        keep_old_snapshots: int | None = None,
        log_entries_for_slow_followers: int | None = None,
        heartbeat_tick: int | None = None,
        election_tick: int | None = None,
        dispatcher_heartbeat_period: int | None = None,
        node_cert_expiry: int | None = None,
        external_cas: list[Any] | None = None,
        name: str | None = None,
        labels: dict[str, str] | None = None,
        signing_ca_cert: str | None = None,
        signing_ca_key: str | None = None,
        ca_force_rotate: int | None = None,
        autolock_managers: bool | None = None,
        log_driver: Any = None,
    ) -> None:
        super().__init__()
        if task_history_retention_limit is not None:
            self["Orchestration"] = {"TaskHistoryRetentionLimit": task_history_retention_limit}
        raft = {
            "SnapshotInterval": snapshot_interval,
            "KeepOldSnapshots": keep_old_snapshots,
            "LogEntriesForSlowFollowers": log_entries_for_slow_followers,
            "HeartbeatTick": heartbeat_tick,
            "ElectionTick": election_tick,
        }
        if any(raft.values()):
            self["Raft"] = raft
        if dispatcher_heartbeat_period:
            self["Dispatcher"] = {"HeartbeatPeriod": dispatcher_heartbeat_period}
        ca: dict[str, Any] = {}
        if node_cert_expiry is not None:
            ca["NodeCertExpiry"] = node_cert_expiry
        if external_cas:
            if _dotted(version) < _dotted("1.25"):
                if len(external_cas) > 1:
                    raise InvalidVersion("several external CAs need API version 1.25 or newer")
                ca["ExternalCA"] = external_cas[0]
            else:
                ca["ExternalCAs"] = external_cas
        for what, key, value in (
            ("signing_ca_key", "SigningCAKey", signing_ca_key),
            ("signing_ca_cert", "SigningCACert", signing_ca_cert),
        ):
            if value:
                _require(version, "1.30", what)
                ca[key] = value
        if ca_force_rotate is not None:
            _require(version, "1.30", "ca_force_rotate")
            ca["ForceRotate"] = ca_force_rotate
        if ca:
            self["CAConfig"] = ca
        if autolock_managers is not None:
            _require(version, "1.25", "autolock_managers")
            self["EncryptionConfig"] = {"AutoLockManagers": autolock_managers}
        if log_driver is not None:
            _require(version, "1.25", "log_driver")
            self["TaskDefaults"] = {"LogDriver": log_driver}
        if name is not None:
            self["Name"] = name
        if labels is not None:
            self["Labels"] = labels


# -- streams ---------------------------------------------------------------------------------


class CancellableStream(metaclass=abc.ABCMeta):
    """docker-py's type of a stream its caller may close early.

    Every stream the shim returns is one (``isinstance`` holds): an iterator
    with ``close()``, which releases its connection at once.
    """

    @abc.abstractmethod
    def __next__(self) -> Any:
        """The next item."""

    @abc.abstractmethod
    def close(self) -> None:
        """Stop the stream and release its connection."""


CancellableStream.register(StreamProxy)
