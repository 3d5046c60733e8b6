"""ContainerSpec renders the same create body docker-py 7 would send, for each input form.

docker-py's own conversion (``ContainerCollection.create`` -> ``_create_container_args``
-> ``APIClient.create_container_config``) runs here without an engine; both bodies are
normalised the same way (docker-py sends unset options as ``None``/``False`` defaults and
``NetworkMode: "default"``; we send only what was set, and a HostConfig always, as it does).
"""

from __future__ import annotations

import json
from typing import Any

import docker
import pytest
from docker.models.containers import RUN_CREATE_KWARGS, RUN_HOST_CONFIG_KWARGS
from docker.models.containers import _create_container_args as docker_create_args

from aiocontainers.types import ContainerSpec, DeviceRequest, LogConfig, Mount, Ulimit

API = "1.41"
DOCKER_PY = docker.APIClient(version=API)  # builds bodies only; never connects


def _strip(value: Any) -> Any:
    """Drop None/False leaves and empty containers left behind, recursively."""
    if isinstance(value, dict):
        result = {key: _strip(item) for key, item in value.items()}
        return {key: item for key, item in result.items() if item not in (None, False)}
    if isinstance(value, list):
        return [_strip(item) for item in value]
    return value


def _as_docker_py(value: Any) -> Any:
    """Our typed values as the docker.types objects a docker-py user would pass."""
    if isinstance(value, list):
        return [_as_docker_py(item) for item in value]
    if isinstance(value, (Mount, DeviceRequest, Ulimit)):
        cls = getattr(docker.types, type(value).__name__)
        fields = value.model_dump(exclude_none=True)
        if isinstance(value, Mount):
            fields.setdefault("source", None)
        return cls(**fields)
    if isinstance(value, LogConfig):
        return docker.types.LogConfig(type=value.type, config=dict(value.config))
    return value


def docker_py_body(**kwargs: Any) -> dict[str, Any]:
    """The body docker-py's ``client.containers.create(**kwargs)`` would POST."""
    kwargs = {key: _as_docker_py(value) for key, value in kwargs.items()}
    kwargs["version"] = API
    args = docker_create_args(kwargs)
    for query_only in ("name", "platform", "use_config_proxy"):
        args.pop(query_only, None)
    args.setdefault("command", None)
    config = DOCKER_PY.create_container_config(**args)
    body: dict[str, Any] = json.loads(json.dumps(config))
    if body["HostConfig"].get("NetworkMode") == "default":
        del body["HostConfig"]["NetworkMode"]
    body = _strip(body)
    return body


def our_body(**kwargs: Any) -> dict[str, Any]:
    body: dict[str, Any] = _strip(ContainerSpec(**kwargs).to_create_body(API))
    return body


CASES: dict[str, dict[str, Any]] = {
    "minimal": {"image": "busybox"},
    "command-string": {"image": "busybox", "command": "sh -c 'echo hello; sleep 1'"},
    "command-list": {"image": "busybox", "command": ["echo", "a b"]},
    "entrypoint-string": {"image": "busybox", "entrypoint": "/bin/sh -c"},
    "detached": {"image": "busybox", "detach": True, "tty": True, "stdin_open": True},
    "attached-stdin": {"image": "busybox", "stdin_open": True},
    "env-dict": {"image": "busybox", "environment": {"A": "1", "B": "x=y", "C": None}},
    "env-list": {"image": "busybox", "environment": ["A=1", "B=2"]},
    "labels-dict": {"image": "busybox", "labels": {"app": "web", "env": "dev"}},
    "labels-list": {"image": "busybox", "labels": ["a", "b"]},
    "ports-forms": {
        "image": "busybox",
        "ports": {
            "80/tcp": 8080,
            "81": 8081,
            82: None,
            "83/udp": ("127.0.0.1", 8083),
            "84/tcp": ("127.0.0.1",),
            "85/tcp": ("127.0.0.1", None),
            "86/tcp": [8086, ("127.0.0.1", 9086)],
            "87/sctp": "8087",
            "88/tcp": {"HostIp": "::1", "HostPort": "8088"},
        },
    },
    "volumes-dict": {
        "image": "busybox",
        "volumes": {
            "/host/a": {"bind": "/a", "mode": "ro"},
            "named": {"bind": "/data", "mode": "rw"},
            "/host/b": {"bind": "/b", "ro": True},
            "/host/c": {"bind": "/c", "mode": "rw", "propagation": "rshared"},
        },
    },
    "volumes-list": {"image": "busybox", "volumes": ["/host:/ctr:ro", "named:/data"]},
    "sizes": {
        "image": "busybox",
        "mem_limit": "512m",
        "mem_reservation": "256m",
        "memswap_limit": "1g",
        "shm_size": "64m",
        "kernel_memory": 1048576 * 50,
    },
    "sizes-int": {"image": "busybox", "mem_limit": 134217728, "shm_size": 1000},
    "cpu": {
        "image": "busybox",
        "cpu_period": 100000,
        "cpu_quota": 50000,
        "cpu_shares": 512,
        "cpuset_cpus": "0-1",
        "cpuset_mems": "0",
        "cpu_rt_period": 1000,
        "cpu_rt_runtime": 500,
        "cpu_count": 2,
        "cpu_percent": 50,
    },
    "nano-cpus": {"image": "busybox", "nano_cpus": 500_000_000},
    "blkio": {
        "image": "busybox",
        "blkio_weight": 300,
        "blkio_weight_device": [{"Path": "/dev/sda", "Weight": 200}],
        "device_read_bps": [{"Path": "/dev/sda", "Rate": 1024}],
        "device_write_bps": [{"Path": "/dev/sda", "Rate": 2048}],
        "device_read_iops": [{"Path": "/dev/sda", "Rate": 10}],
        "device_write_iops": [{"Path": "/dev/sda", "Rate": 20}],
    },
    "devices": {
        "image": "busybox",
        "devices": ["/dev/fuse", "/dev/sda:/dev/xvda:r", "/dev/null:/dev/n"],
        "device_cgroup_rules": ["c 1:3 mr"],
        "device_requests": [DeviceRequest(count=-1, capabilities=[["gpu"]])],
    },
    "device-requests-dict": {
        "image": "busybox",
        "device_requests": [{"driver": "nvidia", "device_ids": ["0"]}],
    },
    "security": {
        "image": "busybox",
        "cap_add": ["SYS_ADMIN", "MKNOD"],
        "cap_drop": ["NET_RAW"],
        "privileged": True,
        "security_opt": ["no-new-privileges"],
        "read_only": True,
        "userns_mode": "host",
        "group_add": ["wheel", 1000],
    },
    "namespaces": {
        "image": "busybox",
        "pid_mode": "host",
        "ipc_mode": "shareable",
        "uts_mode": "host",
        "cgroupns": "private",
        "cgroup_parent": "/mygroup",
        "isolation": "default",
        "runtime": "runc",
    },
    "dns-hosts": {
        "image": "busybox",
        "dns": ["8.8.8.8", "::1"],
        "dns_opt": ["ndots:2"],
        "dns_search": ["example.com"],
        "extra_hosts": {"b.example": "10.0.0.2", "a.example": "10.0.0.1"},
    },
    "extra-hosts-list": {"image": "busybox", "extra_hosts": ["db:10.0.0.3"]},
    "links": {"image": "busybox", "links": {"db": "database", "cache": None}},
    "identity": {
        "image": "busybox",
        "hostname": "box",
        "domainname": "example.com",
        "user": 1000,
        "working_dir": "/tmp",
        "mac_address": "02:42:ac:11:00:02",
        "stop_signal": "SIGINT",
    },
    "oom-pids": {
        "image": "busybox",
        "oom_kill_disable": True,
        "oom_score_adj": 500,
        "pids_limit": 100,
        "mem_swappiness": 10,
    },
    "init": {"image": "busybox", "init": True, "auto_remove": True},
    "misc": {
        "image": "busybox",
        "publish_all_ports": True,
        "storage_opt": {"size": "10G"},
        "sysctls": {"net.core.somaxconn": 1024},
        "volume_driver": "local",
        "volumes_from": ["other:ro"],
        "lxc_conf": {"lxc.utsname": "docker"},
        "network_disabled": True,
    },
    "tmpfs-dict": {"image": "busybox", "tmpfs": {"/run": "size=64m", "/tmp": ""}},
    "tmpfs-list": {"image": "busybox", "tmpfs": ["/run:size=64m", "/tmp"]},
    "restart-dict": {
        "image": "busybox",
        "restart_policy": {"Name": "on-failure", "MaximumRetryCount": 3},
    },
    "restart-always": {"image": "busybox", "restart_policy": {"Name": "always"}},
    "log-config": {
        "image": "busybox",
        "log_config": LogConfig(type=LogConfig.types.JSON, config={"max-size": "1m"}),
    },
    "log-config-dict": {"image": "busybox", "log_config": {"type": "none"}},
    "ulimits": {
        "image": "busybox",
        "ulimits": [
            Ulimit(name="nofile", soft=1024, hard=2048),
            {"name": "nproc", "soft": 5, "hard": 6},
        ],
    },
    "mounts": {
        "image": "busybox",
        "mounts": [
            Mount(target="/data", source="app-data", type="volume"),
            Mount(target="/config", source="/host/config", type="bind", read_only=True),
            Mount("/cache", "cache", no_copy=True, labels={"a": "b"}),
            Mount("/shared", "/srv", type="bind", propagation="rslave"),
            Mount("/scratch", None, type="tmpfs", tmpfs_size="64m", tmpfs_mode=0o1777),
        ],
    },
    "healthcheck-dict": {
        "image": "busybox",
        "healthcheck": {
            "test": ["CMD-SHELL", "true"],
            "interval": 10 * 1_000_000_000,
            "timeout": 5 * 1_000_000_000,
            "retries": 3,
            "start_period": 30 * 1_000_000_000,
        },
    },
    "healthcheck-dict-string-test": {"image": "busybox", "healthcheck": {"test": "exit 0"}},
    "network": {"image": "busybox", "network_mode": "bridge", "ports": {"80": 80}},
}


@pytest.mark.parametrize("kwargs", CASES.values(), ids=list(CASES))
def test_body_matches_docker_py(kwargs: dict[str, Any]) -> None:
    assert our_body(**kwargs) == docker_py_body(**kwargs)


def test_stop_timeout_matches_docker_py_low_level() -> None:
    # docker-py's high-level create() does not pass stop_timeout; its low level does.
    expected = DOCKER_PY.create_container_config("busybox", None, stop_timeout=7)
    assert (
        ContainerSpec(image="busybox", stop_timeout=7).to_create_body(API)["StopTimeout"]
        == (expected["StopTimeout"])
    )


def test_every_docker_py_keyword_is_an_option() -> None:
    docker_py = {
        *RUN_CREATE_KWARGS,
        *RUN_HOST_CONFIG_KWARGS,
        "ports",
        "volumes",
        "network",
        "networking_config",
        "stdout",
        "stderr",
        "remove",
        "stream",
        "stop_timeout",
    }
    assert docker_py - set(ContainerSpec.model_fields) == set()


def test_run_only_options_are_never_sent() -> None:
    spec = ContainerSpec(
        image="busybox", detach=True, stream=True, stdout=False, stderr=True, name="job-1"
    )
    body = spec.to_create_body(API)
    assert body == {"Image": "busybox", "HostConfig": {}}
    assert (spec.detach, spec.stream, spec.stdout, spec.stderr, spec.remove) == (
        True,
        True,
        False,
        True,
        False,
    )
    assert spec.create_params(API) == {"name": "job-1"}
