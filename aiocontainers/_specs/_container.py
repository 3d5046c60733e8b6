"""ContainerSpec: every keyword of docker-py's ``containers.run()``/``create()``, validated.

Construction normalises docker-py's many input forms (``ports={"80": 8080}``,
``volumes={"/h": {"bind": "/c", "mode": "ro"}}``, ``mem_limit="512m"``, ``command="sh -c
'x'"``...) into one canonical form per option and rejects bad values before any daemon
call. ``to_create_body(api_version)`` then renders the JSON of ``POST /containers/create``
(only the options the caller set), checking each option against the daemon's API version.
"""

from __future__ import annotations

import difflib
import ipaddress
import math
import re
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from .._arguments import ApiVersion
from .._validation import validated
from .._version import parse_version
from ._base import EnvironmentEntries, Spec
from ._parse import (
    parse_bytes,
    parse_command,
    parse_devices,
    parse_environment,
    parse_extra_hosts,
    parse_labels,
    parse_links,
    parse_port_bindings,
    parse_str_list,
    parse_str_map,
    parse_tmpfs,
    parse_volumes,
)
from ._types import (
    DeviceRequest,
    EndpointConfig,
    Healthcheck,
    LogConfig,
    Mount,
    RestartPolicy,
    Ulimit,
)
from ._versions import require_api, require_api_below

__all__ = ["RUN_ONLY_OPTIONS", "ContainerSpec"]

#: Options of ``run()`` that steer the client and are never sent to ``/containers/create``.
RUN_ONLY_OPTIONS = ("detach", "stream", "remove", "stdout", "stderr")

_NAME_RE = re.compile(r"^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$")
_PLATFORM_RE = re.compile(r"^[^/\s]+(/[^/\s]+){0,2}$")

# Options rendered as they are (after validation), at the top level of the body...
_CONFIG_KEYS = {
    "hostname": "Hostname",
    "domainname": "Domainname",
    "user": "User",
    "tty": "Tty",
    "stdin_open": "OpenStdin",
    "environment": "Env",
    "command": "Cmd",
    "entrypoint": "Entrypoint",
    "working_dir": "WorkingDir",
    "network_disabled": "NetworkDisabled",
    "mac_address": "MacAddress",
    "labels": "Labels",
    "stop_signal": "StopSignal",
    "stop_timeout": "StopTimeout",
}
# ...and inside HostConfig.
_HOST_CONFIG_KEYS = {
    "auto_remove": "AutoRemove",
    "blkio_weight": "BlkioWeight",
    "blkio_weight_device": "BlkioWeightDevice",
    "cap_add": "CapAdd",
    "cap_drop": "CapDrop",
    "cgroup_parent": "CgroupParent",
    "cgroupns": "CgroupnsMode",
    "cpu_count": "CpuCount",
    "cpu_percent": "CpuPercent",
    "cpu_period": "CpuPeriod",
    "cpu_quota": "CpuQuota",
    "cpu_rt_period": "CPURealtimePeriod",
    "cpu_rt_runtime": "CPURealtimeRuntime",
    "cpu_shares": "CpuShares",
    "cpuset_cpus": "CpusetCpus",
    "cpuset_mems": "CpusetMems",
    "device_cgroup_rules": "DeviceCgroupRules",
    "device_read_bps": "BlkioDeviceReadBps",
    "device_read_iops": "BlkioDeviceReadIOps",
    "device_write_bps": "BlkioDeviceWriteBps",
    "device_write_iops": "BlkioDeviceWriteIOps",
    "devices": "Devices",
    "dns": "Dns",
    "dns_opt": "DnsOptions",
    "dns_search": "DnsSearch",
    "extra_hosts": "ExtraHosts",
    "group_add": "GroupAdd",
    "init": "Init",
    "init_path": "InitPath",
    "ipc_mode": "IpcMode",
    "isolation": "Isolation",
    "kernel_memory": "KernelMemory",
    "links": "Links",
    "lxc_conf": "LxcConf",
    "mem_limit": "Memory",
    "mem_reservation": "MemoryReservation",
    "mem_swappiness": "MemorySwappiness",
    "memswap_limit": "MemorySwap",
    "nano_cpus": "NanoCpus",
    "network_mode": "NetworkMode",
    "oom_kill_disable": "OomKillDisable",
    "oom_score_adj": "OomScoreAdj",
    "pid_mode": "PidMode",
    "pids_limit": "PidsLimit",
    "privileged": "Privileged",
    "publish_all_ports": "PublishAllPorts",
    "read_only": "ReadonlyRootfs",
    "runtime": "Runtime",
    "security_opt": "SecurityOpt",
    "shm_size": "ShmSize",
    "storage_opt": "StorageOpt",
    "sysctls": "Sysctls",
    "tmpfs": "Tmpfs",
    "userns_mode": "UsernsMode",
    "uts_mode": "UTSMode",
    "volume_driver": "VolumeDriver",
    "volumes_from": "VolumesFrom",
}
# The API version that introduced each option (only those newer than 1.24, the oldest
# version this library speaks).
_INTRODUCED = {
    "auto_remove": "1.25",
    "init": "1.25",
    "init_path": "1.25",
    "cpu_count": "1.25",
    "cpu_percent": "1.25",
    "cpu_rt_period": "1.25",
    "cpu_rt_runtime": "1.25",
    "nano_cpus": "1.25",
    "runtime": "1.25",
    "stop_timeout": "1.25",
    "mounts": "1.25",
    "device_cgroup_rules": "1.28",
    "device_requests": "1.40",
    "cgroupns": "1.41",
}
# The API version that removed an option.
_REMOVED = {"init_path": "1.29", "kernel_memory": "1.42", "mac_address": "1.52"}

_HEALTHCHECK_KEYS = {
    "test": "Test",
    "interval": "Interval",
    "timeout": "Timeout",
    "retries": "Retries",
    "start_period": "StartPeriod",
    "start_interval": "StartInterval",
}


def _throttle_devices(value: object, field: str, *, key: str) -> list[dict[str, Any]]:
    """``[{"Path": "/dev/sda", "Rate": 1024}]`` (``Weight`` for blkio_weight_device)."""
    if not isinstance(value, (list, tuple)):
        raise ValueError(
            f"{field}: expected a list of {{'Path': ..., {key!r}: ...}}, got {value!r}"
        )
    result = []
    for item in value:
        if not isinstance(item, Mapping) or set(item) != {"Path", key}:
            raise ValueError(f"{field}: expected {{'Path': ..., {key!r}: ...}}, got {item!r}")
        path, amount = item["Path"], item[key]
        if not isinstance(path, str) or not path:
            raise ValueError(f"{field}: invalid device path {path!r}")
        amount = parse_bytes(amount, field) if field.endswith("_bps") else amount
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
            raise ValueError(f"{field}: {key} for {path!r} must be a non-negative int: {amount!r}")
        result.append({"Path": path, key: amount})
    return result


def _lxc_conf(value: object, field: str) -> list[dict[str, str]]:
    if isinstance(value, Mapping):
        return [{"Key": key, "Value": item} for key, item in parse_str_map(value, field).items()]
    if isinstance(value, (list, tuple)) and all(
        isinstance(item, Mapping) and set(item) == {"Key", "Value"} for item in value
    ):
        return [{"Key": str(item["Key"]), "Value": str(item["Value"])} for item in value]
    raise ValueError(f"{field}: expected a dict or a list of {{'Key', 'Value'}}, got {value!r}")


def _volumes(value: object, field: str) -> list[str]:
    binds, anonymous = parse_volumes(value, field)
    return binds + anonymous


def _volumes_from(value: object, field: str) -> list[str]:
    if isinstance(value, str):
        return value.split(",")
    return parse_str_list(value, field)


def _group_add(value: object, field: str) -> list[str]:
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"{field}: expected a list of group names or ids, got {value!r}")
    if any(isinstance(item, bool) or not isinstance(item, (str, int)) for item in value):
        raise ValueError(f"{field}: group names or ids must be strings or ints: {value!r}")
    return [str(item) for item in value]


def _dns(value: object, field: str) -> list[str]:
    servers = parse_str_list(value, field)
    for server in servers:
        try:
            ipaddress.ip_address(server)
        except ValueError:
            raise ValueError(f"{field}: DNS server {server!r} is not an IP address") from None
    return servers


def _str_or_int(value: object, field: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(f"{field}: expected a string or an int, got {value!r}")
    return str(value)


def _stop_timeout(value: object, field: str) -> int:
    if isinstance(value, timedelta):
        value = value.total_seconds()
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"{field}: expected non-negative seconds or a timedelta, got {value!r}")
    return math.ceil(value)


def _healthcheck_dict(value: Mapping[Any, Any], field: str) -> dict[str, Any]:
    """docker-py's healthcheck dict: the wire form, durations in NANOSECONDS, kept as given."""
    wire: dict[str, Any] = {}
    for key, item in value.items():
        wire_key = _HEALTHCHECK_KEYS.get(key, key)
        if wire_key not in _HEALTHCHECK_KEYS.values():
            raise ValueError(
                f"{field}: unknown key {key!r}; expected {', '.join(_HEALTHCHECK_KEYS)}"
            )
        if item is None:
            continue
        if wire_key == "Test":
            item = ["CMD-SHELL", item] if isinstance(item, str) else parse_str_list(item, field)
        elif isinstance(item, timedelta):
            item = (item // timedelta(microseconds=1)) * 1000
        elif isinstance(item, float) and item.is_integer():
            item = int(item)
        if wire_key != "Test" and (
            isinstance(item, bool) or not isinstance(item, int) or item < 0
        ):
            unit = "a count" if wire_key == "Retries" else "nanoseconds (an int)"
            raise ValueError(f"{field}[{key!r}]: expected {unit}, got {item!r}")
        wire[wire_key] = item
    return wire


_PARSERS: dict[str, Callable[[object, str], object]] = {
    "command": parse_command,
    "entrypoint": parse_command,
    "environment": parse_environment,
    "labels": parse_labels,
    "user": _str_or_int,
    "stop_signal": _str_or_int,
    "stop_timeout": _stop_timeout,
    "ports": parse_port_bindings,
    "volumes": _volumes,
    "extra_hosts": parse_extra_hosts,
    "links": parse_links,
    "tmpfs": parse_tmpfs,
    "devices": parse_devices,
    "lxc_conf": _lxc_conf,
    "volumes_from": _volumes_from,
    "group_add": _group_add,
    "dns": _dns,
    "sysctls": parse_str_map,
    "storage_opt": parse_str_map,
    "cap_add": lambda value, field: parse_str_list(value, field, allow_str=True),
    "cap_drop": lambda value, field: parse_str_list(value, field, allow_str=True),
    "blkio_weight_device": lambda value, field: _throttle_devices(value, field, key="Weight"),
    "device_read_bps": lambda value, field: _throttle_devices(value, field, key="Rate"),
    "device_write_bps": lambda value, field: _throttle_devices(value, field, key="Rate"),
    "device_read_iops": lambda value, field: _throttle_devices(value, field, key="Rate"),
    "device_write_iops": lambda value, field: _throttle_devices(value, field, key="Rate"),
}
_SIZES = ("mem_limit", "mem_reservation", "memswap_limit", "kernel_memory", "shm_size")


class ContainerSpec(Spec):
    """Everything ``containers.run()``/``create()`` accept, validated before any daemon call.

    Keyword names and input forms are docker-py's. Values are stored normalised: e.g.
    ``command`` as an argv list, ``environment`` as ``["K=v"]``, ``ports`` as Docker's
    ``PortBindings``, sizes as int bytes. ``detach``, ``stream``, ``remove``, ``stdout``
    and ``stderr`` steer ``run()`` and are never sent; ``name`` and ``platform`` are query
    parameters (``create_params()``). ``healthcheck`` takes a
    [`Healthcheck`][aiocontainers.types.Healthcheck]
    (seconds) or docker-py's dict, which is Docker's wire form in NANOSECONDS and is
    sent unchanged apart from key spelling.
    """

    image: str = Field(min_length=1)
    command: list[str] | None = None

    # run() only: read by the caller, never sent.
    detach: bool = False
    stream: bool = False
    remove: bool = False
    stdout: bool = True
    stderr: bool = False
    #: docker-py injects the proxy settings of ~/.docker/config.json into the environment
    #: unless this is False; the caller passes them to ``to_create_body(proxy_environment=)``.
    use_config_proxy: bool = True
    #: docker-py's per-call API version; accepted for compatibility, the client's
    #: negotiated version is what the body is checked against.
    version: str | None = None

    # Query parameters.
    name: str | None = None
    platform: str | None = None

    # Container config.
    auto_remove: bool | None = None
    blkio_weight_device: list[dict[str, Any]] | None = None
    blkio_weight: int | None = Field(default=None, ge=0, le=1000)
    cap_add: list[str] | None = None
    cap_drop: list[str] | None = None
    cgroup_parent: str | None = None
    cgroupns: Literal["private", "host"] | None = None
    cpu_count: int | None = Field(default=None, ge=0)
    cpu_percent: int | None = Field(default=None, ge=0, le=100)
    cpu_period: int | None = Field(default=None, ge=0)
    cpu_quota: int | None = Field(default=None, ge=-1)
    cpu_rt_period: int | None = Field(default=None, ge=0)
    cpu_rt_runtime: int | None = Field(default=None, ge=-1)
    cpu_shares: int | None = Field(default=None, ge=0)
    cpuset_cpus: str | None = None
    cpuset_mems: str | None = None
    device_cgroup_rules: list[str] | None = None
    device_read_bps: list[dict[str, Any]] | None = None
    device_read_iops: list[dict[str, Any]] | None = None
    device_write_bps: list[dict[str, Any]] | None = None
    device_write_iops: list[dict[str, Any]] | None = None
    devices: list[dict[str, str]] | None = None
    device_requests: list[DeviceRequest] | None = None
    dns: list[str] | None = None
    dns_opt: list[str] | None = None
    dns_search: list[str] | None = None
    domainname: str | None = None
    entrypoint: list[str] | None = None
    environment: EnvironmentEntries = None
    extra_hosts: list[str] | None = None
    group_add: list[str] | None = None
    healthcheck: Healthcheck | dict[str, Any] | None = None
    hostname: str | None = None
    init: bool | None = None
    init_path: str | None = None
    ipc_mode: str | None = None
    isolation: str | None = None
    kernel_memory: int | None = Field(default=None, ge=0)
    labels: dict[str, str] | None = None
    links: list[str] | None = None
    log_config: LogConfig | None = None
    lxc_conf: list[dict[str, str]] | None = None
    mac_address: str | None = None
    mem_limit: int | None = Field(default=None, ge=0)
    mem_reservation: int | None = Field(default=None, ge=0)
    mem_swappiness: int | None = Field(default=None, ge=0, le=100)
    memswap_limit: int | None = Field(default=None, ge=-1)
    mounts: list[Mount] | None = None
    nano_cpus: int | None = Field(default=None, ge=0)
    network: str | None = None
    network_disabled: bool | None = None
    network_mode: str | None = None
    networking_config: dict[str, EndpointConfig] | None = None
    oom_kill_disable: bool | None = None
    oom_score_adj: int | None = Field(default=None, ge=-1000, le=1000)
    pid_mode: str | None = None
    pids_limit: int | None = Field(default=None, ge=-1)
    ports: dict[str, list[dict[str, str]]] | None = None
    privileged: bool | None = None
    publish_all_ports: bool | None = None
    read_only: bool | None = None
    restart_policy: RestartPolicy | None = None
    runtime: str | None = None
    security_opt: list[str] | None = None
    shm_size: int | None = Field(default=None, ge=0)
    stdin_open: bool | None = None
    stop_signal: str | None = None
    stop_timeout: int | None = None
    storage_opt: dict[str, str] | None = None
    sysctls: dict[str, str] | None = None
    tmpfs: dict[str, str] | None = None
    tty: bool | None = None
    ulimits: list[Ulimit] | None = None
    user: str | None = None
    userns_mode: Literal["host"] | None = None
    uts_mode: Literal["host"] | None = None
    volume_driver: str | None = None
    volumes: list[str] | None = None
    volumes_from: list[str] | None = None
    working_dir: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _unknown_options(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = [key for key in data if key not in cls.model_fields]
            if unknown:
                names = []
                for key in unknown:
                    close = difflib.get_close_matches(str(key), cls.model_fields, n=1)
                    names.append(f"{key!r} (did you mean {close[0]!r}?)" if close else repr(key))
                raise ValueError(f"unknown option {', '.join(names)} for run()/create()")
        return data

    @field_validator(*_PARSERS, mode="before")
    @classmethod
    def _parse(cls, value: object, info: ValidationInfo) -> object:
        if value is None:
            return None
        field = info.field_name
        assert field is not None
        return _PARSERS[field](value, field)

    @field_validator(*_SIZES, mode="before")
    @classmethod
    def _size(cls, value: object, info: ValidationInfo) -> object:
        if value is None:
            return None
        assert info.field_name is not None
        return parse_bytes(value, info.field_name)

    @field_validator("healthcheck", mode="before")
    @classmethod
    def _healthcheck(cls, value: object) -> object:
        if isinstance(value, Mapping):
            return _healthcheck_dict(value, "healthcheck")
        return value

    @field_validator("mounts", mode="before")
    @classmethod
    def _mounts(cls, value: object) -> object:
        if not isinstance(value, (list, tuple)):
            return value
        result: list[object] = []
        for item in value:
            if isinstance(item, str):
                item = Mount.parse_mount_string(item)
            elif isinstance(item, Mapping) and any(key[:1].isupper() for key in item):
                item = Mount.from_wire(item)
            result.append(item)
        return result

    @field_validator("networking_config", mode="before")
    @classmethod
    def _networking_config(cls, value: object) -> object:
        if not isinstance(value, Mapping):
            return value
        result: dict[object, object] = {}
        for network, endpoint in value.items():
            if endpoint is None:
                endpoint = EndpointConfig()
            elif isinstance(endpoint, Mapping) and any(key[:1].isupper() for key in endpoint):
                endpoint = EndpointConfig.from_wire(endpoint)
            result[network] = endpoint
        return result

    @field_validator("name")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        if value is not None and not _NAME_RE.match(value):
            raise ValueError(
                f"name: invalid container name {value!r}; use at least two of "
                "[a-zA-Z0-9_.-], starting with a letter or digit"
            )
        return value

    @field_validator("platform")
    @classmethod
    def _platform(cls, value: str | None) -> str | None:
        if value is not None and not _PLATFORM_RE.match(value):
            raise ValueError(f"platform: expected 'os[/arch[/variant]]', got {value!r}")
        return value

    @field_validator("version")
    @classmethod
    def _version(cls, value: str | None) -> str | None:
        if value is not None and value != "auto":
            try:
                parse_version(value)
            except ValueError:
                raise ValueError(
                    f"version: expected e.g. '1.41' or 'auto', got {value!r}"
                ) from None
        return value

    @field_validator("blkio_weight")
    @classmethod
    def _blkio_weight(cls, value: int | None) -> int | None:
        if value is not None and 0 < value < 10:
            raise ValueError(f"blkio_weight: must be 0 or between 10 and 1000, got {value!r}")
        return value

    @model_validator(mode="after")
    def _check(self) -> ContainerSpec:
        if self.network is not None and self.network_mode is not None:
            raise ValueError(
                f"network={self.network!r} and network_mode={self.network_mode!r} cannot be "
                "used together"
            )
        if self.networking_config is not None and self.network is None:
            raise ValueError(
                "networking_config needs network (the network the container is created on); "
                f"got networking_config for {sorted(self.networking_config)!r}"
            )
        if self.ports and (self.network_mode or self.network) == "host":
            raise ValueError(
                f"ports={self.ports!r} cannot be published with the 'host' network mode"
            )
        removes = self.auto_remove or (self.detach and self.remove)
        if removes and self.restart_policy is not None and self.restart_policy.restarts:
            option = "auto_remove=True" if self.auto_remove else "remove=True with detach=True"
            raise ValueError(
                f"{option} conflicts with restart_policy {self.restart_policy.name!r}: a "
                "container removed on exit cannot be restarted"
            )
        memory = self.mem_limit or 0
        if self.mem_reservation and memory and self.mem_reservation > memory:
            raise ValueError(
                f"mem_reservation={self.mem_reservation} is above mem_limit={memory} (bytes)"
            )
        if self.memswap_limit and self.memswap_limit > 0:
            if not memory:
                raise ValueError(
                    f"memswap_limit={self.memswap_limit} needs mem_limit to be set as well"
                )
            if self.memswap_limit < memory:
                raise ValueError(
                    f"memswap_limit={self.memswap_limit} is below mem_limit={memory}; it is "
                    "memory plus swap, so it must be at least mem_limit"
                )
        if self.nano_cpus and (self.cpu_period or self.cpu_quota):
            raise ValueError(
                f"nano_cpus={self.nano_cpus} cannot be combined with cpu_period/cpu_quota"
            )
        return self

    @validated
    def create_params(self, api_version: ApiVersion) -> dict[str, str]:
        """Query parameters of ``POST /containers/create``: ``name`` and ``platform``."""
        params: dict[str, str] = {}
        if self.name is not None:
            params["name"] = self.name
        if self.platform is not None:
            require_api(api_version, "1.41", "platform")
            params["platform"] = self.platform
        return params

    @validated
    def to_create_body(
        self, api_version: ApiVersion, *, proxy_environment: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """The JSON body of ``POST /containers/create`` for a daemon speaking ``api_version``.

        Only options the caller set appear. ``proxy_environment`` (the proxy variables of
        the docker CLI config) is prepended to ``Env`` when ``use_config_proxy`` is true,
        as docker-py does; the container's own variables win. Raises InvalidArgument when
        an option needs a newer API version or was removed from this one.
        """
        for option, version in _INTRODUCED.items():
            if getattr(self, option) is not None:
                require_api(api_version, version, option)
        for option, version in _REMOVED.items():
            if getattr(self, option) is not None:
                require_api_below(api_version, version, option)

        body: dict[str, Any] = {"Image": self.image}
        for option, key in _CONFIG_KEYS.items():
            value = getattr(self, option)
            if value is not None:
                body[key] = value
        if self.use_config_proxy and proxy_environment:
            proxies = [f"{key}={value}" for key, value in proxy_environment.items()]
            body["Env"] = proxies + (self.environment or [])
        if not self.detach:
            body["AttachStdout"] = True
            body["AttachStderr"] = True
            if self.stdin_open:
                body["AttachStdin"] = True
                body["StdinOnce"] = True
        if self.healthcheck is not None:
            body["Healthcheck"] = self._healthcheck_wire(api_version)

        host: dict[str, Any] = {}
        for option, key in _HOST_CONFIG_KEYS.items():
            value = getattr(self, option)
            if value is not None:
                host[key] = value
        if self.detach and self.remove:
            require_api(api_version, "1.25", "remove=True with detach=True (auto_remove)")
            host["AutoRemove"] = True
        if self.ports is not None:
            if any(port.endswith("/sctp") for port in self.ports):
                require_api(api_version, "1.37", "SCTP ports")
            body["ExposedPorts"] = {port: {} for port in self.ports}
            host["PortBindings"] = {port: list(binds) for port, binds in self.ports.items()}
        if self.volumes is not None:
            binds = [entry for entry in self.volumes if ":" in entry]
            body["Volumes"] = {
                entry.split(":")[1] if ":" in entry else entry: {} for entry in self.volumes
            }
            if binds:
                host["Binds"] = binds
        if self.mounts is not None:
            host["Mounts"] = [mount.to_wire(api_version) for mount in self.mounts]
        if self.restart_policy is not None:
            host["RestartPolicy"] = self.restart_policy.to_wire()
        if self.log_config is not None:
            host["LogConfig"] = self.log_config.to_wire()
        if self.ulimits is not None:
            host["Ulimits"] = [ulimit.to_wire() for ulimit in self.ulimits]
        if self.device_requests is not None:
            host["DeviceRequests"] = [request.to_wire() for request in self.device_requests]
        if self.network is not None:
            host["NetworkMode"] = self.network
            body["NetworkingConfig"] = {"EndpointsConfig": self._endpoints_wire(api_version)}
        # Always sent, as docker-py does: without it the daemon leaves HostConfig.Runtime
        # (and other defaults) unset on the container.
        body["HostConfig"] = host
        return body

    def _healthcheck_wire(self, api_version: str) -> dict[str, Any]:
        if isinstance(self.healthcheck, Healthcheck):
            return self.healthcheck.to_wire(api_version)
        wire = dict(self.healthcheck or {})
        if "StartPeriod" in wire:
            require_api(api_version, "1.29", "healthcheck start_period")
        if "StartInterval" in wire:
            require_api(api_version, "1.44", "healthcheck start_interval")
        return wire

    def _endpoints_wire(self, api_version: str) -> dict[str, Any]:
        assert self.network is not None
        endpoints = dict(self.networking_config or {})
        if self.network not in endpoints:
            # docker-py's rule: a config that does not name ``network`` is dropped.
            endpoints = {}
        endpoints.setdefault(self.network, EndpointConfig())
        # Several networks need API 1.44; older daemons refuse them (an APIError, as docker-py).
        return {name: endpoint.to_wire(api_version) for name, endpoint in endpoints.items()}
