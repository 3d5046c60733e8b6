"""aiocontainers.types building blocks: validation, wire forms, parity with docker.types."""

from __future__ import annotations

import json
from typing import Any

import docker.types
import pytest

from aiocontainers import types
from aiocontainers.errors import InvalidArgument
from aiocontainers.types import (
    DeviceRequest,
    DriverConfig,
    EndpointConfig,
    IPAMConfig,
    IPAMPool,
    LogConfig,
    Mount,
    RestartPolicy,
    Ulimit,
)

API = "1.41"


def plain(value: Any) -> Any:
    """A docker.types dict as plain JSON with None values dropped."""
    loaded = json.loads(json.dumps(value))
    if isinstance(loaded, dict):
        return {key: plain(item) for key, item in loaded.items() if item is not None}
    return loaded


def test_public_names() -> None:
    assert set(types.__all__) == {
        "ContainerSpec",
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
        # swarm service types (aiocontainers._specs._service)
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
        "SwarmExternalCA",
        "SwarmSpec",
        "TaskTemplate",
        "UpdateConfig",
    }


# --- Mount -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("/data", "vol"), {}),
        (("/data", "vol"), {"read_only": True, "consistency": "cached", "no_copy": True}),
        (("/data", None), {}),
        (("/cfg", "/etc/app"), {"type": "bind", "propagation": "rshared"}),
        (("/tmp", None), {"type": "tmpfs", "tmpfs_size": "64m", "tmpfs_mode": 0o700}),
        (
            ("/v", "vol"),
            {"labels": {"a": "b"}, "driver_config": DriverConfig("local", {"o": "x"})},
        ),
    ],
)
def test_mount_wire_matches_docker_py(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    ours = Mount(*args, **kwargs).to_wire(API)
    theirs_kwargs = dict(kwargs)
    if isinstance(kwargs.get("driver_config"), DriverConfig):
        config = kwargs["driver_config"]
        theirs_kwargs["driver_config"] = docker.types.DriverConfig(config.name, config.options)
    assert ours == plain(docker.types.Mount(*args, **theirs_kwargs))


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"source": "vol"}, "target"),
        ({"target": "", "source": "vol"}, "target"),
        ({"target": "/x", "type": "bind"}, "source"),
        ({"target": "/x", "source": "/h", "type": "tmpfs"}, "source"),
        ({"target": "/x", "source": "v", "propagation": "rshared"}, "propagation"),
        ({"target": "/x", "source": "/h", "type": "bind", "no_copy": True}, "no_copy"),
        ({"target": "/x", "type": "tmpfs", "labels": {"a": "b"}}, "labels"),
        ({"target": "/x", "source": "v", "tmpfs_size": "1m"}, "tmpfs_size"),
        ({"target": "/x", "type": "tmpfs", "tmpfs_size": "huge"}, "'huge'"),
        ({"target": "/x", "type": "volumes"}, "type: Input should be 'bind'"),
        ({"target": "/x", "source": "/h", "type": "bind", "propagation": "up"}, "propagation"),
        ({"target": "/x", "consistency": "eventual"}, "consistency"),
        ({"target": "/x", "size": 3}, "size"),
    ],
)
def test_mount_validation(kwargs: dict[str, Any], fragment: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        Mount(**kwargs)
    assert fragment in str(info.value)


def test_mount_positional_and_keyword_conflicts() -> None:
    with pytest.raises(InvalidArgument, match="multiple values"):
        Mount("/a", target="/b")  # type: ignore[misc]
    with pytest.raises(InvalidArgument, match="at most 12"):
        Mount(*range(13))


def test_mount_strings_and_wire_round_trip() -> None:
    assert Mount.parse_mount_string("/h:/c:ro") == Mount("/c", "/h", type="bind", read_only=True)
    assert Mount.parse_mount_string("vol:/c") == Mount("/c", "vol")
    assert Mount.parse_mount_string("/anon") == Mount("/anon")
    with pytest.raises(ValueError, match="invalid mount"):
        Mount.parse_mount_string("a:/b:rx")
    for mount in (
        Mount("/c", "/h", type="bind", read_only=True, propagation="rslave"),
        Mount("/v", "vol", no_copy=True, labels={"k": "v"}, driver_config="local"),
        Mount("/t", type="tmpfs", tmpfs_size=1024, tmpfs_mode=0o755),
    ):
        assert Mount.from_wire(mount.to_wire(API)) == mount
    # Inspect output reports tmpfs and anonymous volumes with an empty Source.
    assert Mount.from_wire({"Target": "/t", "Type": "tmpfs", "Source": ""}) == Mount(
        "/t", type="tmpfs"
    )
    with pytest.raises(ValueError, match="Bogus"):
        Mount.from_wire({"Target": "/x", "Bogus": 1})


def test_mount_is_frozen() -> None:
    mount = Mount("/a", "v")
    with pytest.raises(InvalidArgument):
        mount.target = "/b"  # type: ignore[misc]


# --- RestartPolicy, Ulimit, LogConfig, DeviceRequest ---------------------------------------


def test_restart_policy_forms() -> None:
    assert RestartPolicy("always").to_wire() == {"Name": "always"}
    assert RestartPolicy(name="on-failure", maximum_retry_count=5).to_wire() == {
        "Name": "on-failure",
        "MaximumRetryCount": 5,
    }
    docker_dict: dict[str, Any] = {"Name": "on-failure", "MaximumRetryCount": 3}
    assert RestartPolicy.model_validate(docker_dict).to_wire() == docker_dict
    assert RestartPolicy(**docker_dict) == RestartPolicy("on-failure", 3)
    assert RestartPolicy("no").restarts is False
    assert RestartPolicy("unless-stopped").restarts is True


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"name": "sometimes"}, "unknown restart policy 'sometimes'"),
        ({"name": "always", "maximum_retry_count": 3}, "only applies to the 'on-failure'"),
        ({"name": "on-failure", "maximum_retry_count": -1}, "greater than or equal to 0"),
        ({"Name": "always", "Extra": 1}, "Extra"),
    ],
)
def test_restart_policy_rejects(kwargs: dict[str, Any], fragment: str) -> None:
    with pytest.raises(InvalidArgument, match=fragment):
        RestartPolicy(**kwargs)


def test_ulimit() -> None:
    assert Ulimit(name="nofile", soft=1024, hard=2048).to_wire() == plain(
        docker.types.Ulimit(name="nofile", soft=1024, hard=2048)
    )
    # One limit given: both take it, as the docker CLI does (docker-py would send Hard 0).
    assert Ulimit(name="nproc", soft=64).to_wire() == {"Name": "nproc", "Soft": 64, "Hard": 64}
    assert Ulimit.model_validate({"Name": "core", "Hard": 0}).to_wire() == {
        "Name": "core",
        "Soft": 0,
        "Hard": 0,
    }
    assert Ulimit(name="memlock", soft=-1, hard=-1).to_wire()["Hard"] == -1
    with pytest.raises(InvalidArgument, match="give soft, hard or both"):
        Ulimit(name="nofile")
    with pytest.raises(InvalidArgument, match="soft limit 10 is above hard limit 5"):
        Ulimit(name="nofile", soft=10, hard=5)


def test_log_config() -> None:
    config = LogConfig(type=LogConfig.types.JSON, config={"max-size": "1m", "max-file": 3})
    assert config.to_wire() == {
        "Type": "json-file",
        "Config": {"max-size": "1m", "max-file": "3"},
    }
    assert LogConfig.model_validate({"Type": "none"}).to_wire() == plain(
        docker.types.LogConfig(type="none")
    )
    with pytest.raises(InvalidArgument, match="type"):
        LogConfig(config={})  # type: ignore[call-arg]


def test_device_request() -> None:
    ours = DeviceRequest(driver="nvidia", count=-1, capabilities=[["gpu", "compute"]])
    theirs = docker.types.DeviceRequest(
        driver="nvidia", count=-1, capabilities=[["gpu", "compute"]]
    )
    assert ours.to_wire() == plain(theirs)
    assert DeviceRequest.model_validate({"DeviceIDs": ["0", "1"]}).device_ids == ["0", "1"]
    with pytest.raises(InvalidArgument, match="not both"):
        DeviceRequest(count=1, device_ids=["0"])
    with pytest.raises(InvalidArgument, match="count"):
        DeviceRequest(count=-2)


# --- IPAM and endpoints ----------------------------------------------------------------------


def test_ipam_matches_docker_py() -> None:
    pool = IPAMPool(
        subnet="192.168.52.0/24",
        iprange="192.168.52.128/25",
        gateway="192.168.52.254",
        aux_addresses={"reserved": "192.168.52.1"},
    )
    theirs_pool = docker.types.IPAMPool(
        subnet="192.168.52.0/24",
        iprange="192.168.52.128/25",
        gateway="192.168.52.254",
        aux_addresses={"reserved": "192.168.52.1"},
    )
    assert pool.to_wire() == plain(theirs_pool)
    config = IPAMConfig(pool_configs=[pool], options={"opt": "1"})
    assert config.to_wire() == plain(
        docker.types.IPAMConfig(pool_configs=[theirs_pool], options={"opt": "1"})
    )
    assert IPAMConfig().to_wire() == {"Driver": "default", "Config": []}


def test_ipam_accepts_docker_py_dicts() -> None:
    theirs = docker.types.IPAMConfig(
        pool_configs=[docker.types.IPAMPool(subnet="10.9.0.0/16", gateway="10.9.0.1")]
    )
    ours = IPAMConfig.model_validate(dict(theirs))
    assert ours == IPAMConfig(pool_configs=[IPAMPool("10.9.0.0/16", gateway="10.9.0.1")])


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"subnet": "10.0.0.0/33"}, "subnet: invalid CIDR subnet '10.0.0.0/33'"),
        ({"iprange": "nope"}, "iprange: invalid CIDR subnet 'nope'"),
        ({"gateway": "10.0.0.256"}, "gateway: invalid IP address '10.0.0.256'"),
        ({"aux_addresses": {"r": "x"}}, "aux_addresses['r']: invalid IP address 'x'"),
    ],
)
def test_ipam_pool_rejects(kwargs: dict[str, Any], fragment: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        IPAMPool(**kwargs)
    assert fragment in str(info.value)


def test_endpoint_config_matches_docker_py() -> None:
    kwargs: dict[str, Any] = {
        "aliases": ["web"],
        "links": {"db": "database"},
        "ipv4_address": "10.1.0.5",
        "ipv6_address": "fd00::5",
        "link_local_ips": ["169.254.0.5"],
        "driver_opt": {"k": "v"},
    }
    ours = EndpointConfig(**kwargs).to_wire(API)
    assert ours == plain(docker.types.EndpointConfig(API, **kwargs))
    assert EndpointConfig.from_wire(ours) == EndpointConfig(**kwargs)


def test_endpoint_config_gates_and_validation() -> None:
    with pytest.raises(InvalidArgument, match=r"driver_opt needs Docker API 1\.32"):
        EndpointConfig(driver_opt={"k": "v"}).to_wire("1.31")
    with pytest.raises(InvalidArgument, match=r"mac_address needs Docker API 1\.44"):
        EndpointConfig(mac_address="02:42:ac:11:00:02").to_wire("1.41")
    with pytest.raises(InvalidArgument, match=r"ipv4_address: invalid IP address '10\.1'"):
        EndpointConfig(ipv4_address="10.1")
    with pytest.raises(ValueError, match="unknown keys"):
        EndpointConfig.from_wire({"Alias": ["x"]})
