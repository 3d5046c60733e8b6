"""Read models against real inspect JSON saved from Docker 20.10 (API 1.41).

The fixtures in tests/unit/data/ were produced by creating objects with
``ContainerSpec.to_create_body()`` on the engine and saving ``docker inspect`` output:
a running container with a passing healthcheck, published ports, mounts and a static
address on a user network; an exited container (exit code 3); a created, never-started
container; the test image; the network (with IPAM) and a named volume.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from aiocontainers._models import (
    ContainerInspect,
    ContainerState,
    Health,
    ImageInspect,
    InspectModel,
    NetworkInspect,
    PortBinding,
    VolumeInspect,
    docker_alias,
)

DATA = Path(__file__).parent / "data"


def load(name: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads((DATA / name).read_text())
    return result


def test_running_healthy_container() -> None:
    raw = load("container_running_healthy.json")
    info = ContainerInspect.model_validate(raw)
    assert info.id == raw["Id"]
    assert info.name == "/aioc-specs-sample"
    state = info.state
    assert state is not None
    assert (state.status, state.running, state.paused, state.oom_killed, state.dead) == (
        "running",
        True,
        False,
        False,
        False,
    )
    assert state.pid and state.pid > 0
    assert state.exit_code == 0
    assert isinstance(state.started_at, datetime)
    assert state.started_at.tzinfo is not None
    assert state.finished_at is None  # Docker's zero time: never finished
    health = state.health
    assert health is not None
    assert (health.status, health.failing_streak) == ("healthy", 0)
    assert health.log and len(health.log) >= 2
    entry = health.log[0]
    assert entry.exit_code == 0
    assert entry.start and entry.end and entry.end > entry.start


def test_container_config_and_healthcheck_durations() -> None:
    info = ContainerInspect.model_validate(load("container_running_healthy.json"))
    config = info.config
    assert config is not None
    assert config.cmd == ["sh", "-c", "echo hi; exec httpd -f -p 8080"]
    assert "A=1" in (config.env or [])
    assert config.labels is not None and config.labels["aiocontainers.test"] == "1"
    assert config.stop_timeout == 3
    check = config.healthcheck
    assert check is not None
    assert check.test == ["CMD", "true"]
    assert check.interval == timedelta(milliseconds=200)
    assert check.timeout == timedelta(seconds=1)
    assert check.start_period == timedelta(milliseconds=100)
    assert check.retries == 2


def test_ports_mounts_networks_host_config() -> None:
    info = ContainerInspect.model_validate(load("container_running_healthy.json"))
    settings = info.network_settings
    assert settings is not None and settings.ports is not None
    tcp = settings.ports["8080/tcp"]
    assert tcp is not None and tcp[0].host_ip == "127.0.0.1"
    assert tcp[0].host_port is not None and tcp[0].host_port.isdigit()
    assert settings.networks is not None
    endpoint = settings.networks["aioc-specs-net"]
    assert endpoint.ip_address == "10.231.0.10"
    assert endpoint.ip_prefix_len == 24
    assert endpoint.ipam_config == {"IPv4Address": "10.231.0.10"}
    assert endpoint.aliases and "web" in endpoint.aliases
    assert endpoint.network_id and endpoint.endpoint_id
    mounts = {mount.destination: mount for mount in info.mounts or []}
    assert mounts["/hosttmp"].rw is False
    assert (mounts["/data"].type, mounts["/data"].name) == ("volume", "aioc-specs-vol")
    host = info.host_config
    assert host is not None
    assert host.network_mode == "aioc-specs-net"
    assert host.restart_policy is not None
    assert (host.restart_policy.name, host.restart_policy.maximum_retry_count) == (
        "on-failure",
        2,
    )
    assert host.log_config is not None and host.log_config.config == {"max-size": "1m"}
    assert host.memory == 64 << 20
    assert host.init is True
    assert host.port_bindings == {
        "8080/tcp": [PortBinding(host_ip="127.0.0.1", host_port="")],
        "9000/udp": [PortBinding(host_ip="", host_port="")],
    }


def test_exited_and_created_containers() -> None:
    exited = ContainerInspect.model_validate(load("container_exited.json")).state
    assert exited is not None
    assert (exited.status, exited.running, exited.exit_code) == ("exited", False, 3)
    # Both are real timestamps (dockerd may record FinishedAt a hair before StartedAt).
    assert isinstance(exited.finished_at, datetime) and isinstance(exited.started_at, datetime)
    assert exited.health is None
    created = ContainerInspect.model_validate(load("container_created.json")).state
    assert created is not None
    assert (created.status, created.started_at, created.finished_at) == ("created", None, None)


def test_unknown_fields_are_kept() -> None:
    raw = load("container_running_healthy.json")
    info = ContainerInspect.model_validate(raw)
    assert info.model_extra is not None
    assert info.model_extra["GraphDriver"] == raw["GraphDriver"]
    assert info.host_config is not None and info.host_config.model_extra is not None
    assert info.host_config.model_extra["ShmSize"] == 8 << 20
    future = ContainerState.model_validate({"Status": "running", "SomethingNew": [1]})
    assert future.model_extra == {"SomethingNew": [1]}


def test_every_field_is_optional() -> None:
    for model in (ContainerInspect, ImageInspect, NetworkInspect, VolumeInspect, Health):
        empty = model.model_validate({})
        assert all(value is None for value in empty.model_dump().values())


def test_null_collections_from_docker_are_accepted() -> None:
    state = ContainerState.model_validate({"Health": {"Status": "starting", "Log": None}})
    assert state.health == Health(status="starting", log=None)


def test_image_network_volume() -> None:
    image = ImageInspect.model_validate(load("image.json"))
    assert image.id and image.id.startswith("sha256:")
    assert image.repo_tags and "aiocontainers-test/busybox:latest" in image.repo_tags
    assert image.os == "linux"
    assert image.size and image.size > 0
    assert image.config is not None
    network = NetworkInspect.model_validate(load("network.json"))
    assert (network.name, network.driver, network.scope) == ("aioc-specs-net", "bridge", "local")
    assert network.enable_ipv6 is False
    assert network.ipam is not None and network.ipam.config is not None
    pool = network.ipam.config[0]
    assert (pool.subnet, pool.gateway) == ("10.231.0.0/24", "10.231.0.1")
    assert network.containers is not None
    (member,) = network.containers.values()
    assert (member.name, member.ipv4_address) == ("aioc-specs-sample", "10.231.0.10/24")
    volume = VolumeInspect.model_validate(load("volume.json"))
    assert (volume.name, volume.driver, volume.scope) == ("aioc-specs-vol", "local", "local")
    assert volume.created_at == datetime(2026, 11, 27, 0, 27, 10, tzinfo=timezone.utc)
    assert volume.mountpoint and volume.mountpoint.endswith("/_data")


@pytest.mark.parametrize(
    ("field", "alias"),
    [
        ("oom_killed", "OOMKilled"),
        ("ip_address", "IPAddress"),
        ("ipam", "IPAM"),
        ("network_id", "NetworkID"),
        ("enable_ipv6", "EnableIPv6"),
        ("rw", "RW"),
        ("failing_streak", "FailingStreak"),
        ("host_ip", "HostIp"),
        ("id", "Id"),
    ],
)
def test_aliases(field: str, alias: str) -> None:
    assert docker_alias(field) == alias


def test_models_are_frozen_and_accept_field_names() -> None:
    state = ContainerState(status="running", oom_killed=False)
    assert state.model_dump(by_alias=True, exclude_none=True) == {
        "Status": "running",
        "OOMKilled": False,
    }
    assert isinstance(state, InspectModel)
    with pytest.raises(ValueError, match="frozen"):
        state.status = "exited"  # type: ignore[misc]


def test_a_wrong_type_raises_invalid_argument_and_unknown_fields_are_kept() -> None:
    from aiocontainers.errors import InvalidArgument

    with pytest.raises(InvalidArgument, match="running"):
        ContainerState(running=[1])
    with pytest.raises(InvalidArgument, match="Running"):
        ContainerState.model_validate({"Running": {"no": "bool"}})
    state = ContainerState.model_validate({"Running": True, "NewerField": 1})
    assert state.running is True and state.model_extra == {"NewerField": 1}
