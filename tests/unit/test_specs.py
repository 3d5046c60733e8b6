"""ContainerSpec: input forms, validation messages, healthcheck units, version gates."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from aiocontainers.errors import InvalidArgument
from aiocontainers.types import (
    ContainerSpec,
    EndpointConfig,
    Healthcheck,
    Mount,
    RestartPolicy,
)

API = "1.41"
SECOND = 1_000_000_000
MAC = "02:42:ac:11:00:02"


def body(**kwargs: Any) -> dict[str, Any]:
    return ContainerSpec(image="busybox", **kwargs).to_create_body(API)


def host(**kwargs: Any) -> dict[str, Any]:
    result: dict[str, Any] = body(**kwargs)["HostConfig"]
    return result


def invalid(**kwargs: Any) -> str:
    """The ValidationError text for a spec built from ``kwargs`` (which must be invalid)."""
    with pytest.raises(InvalidArgument) as info:
        ContainerSpec(**{"image": "busybox", **kwargs})
    return str(info.value)


# --- input forms -----------------------------------------------------------------------------


def test_ports_forms_render_exposed_ports_and_bindings() -> None:
    result = body(
        ports={
            "80/tcp": 8080,
            "81": 8081,
            82: None,
            "83/UDP": ("127.0.0.1", 8083),
            "84": ("127.0.0.1",),
            "85": ("::1", None),
            "86": [8086, ("127.0.0.1", 9086)],
            "87": "9000-9010",
        }
    )
    assert result["ExposedPorts"] == {
        key: {}
        for key in ("80/tcp", "81/tcp", "82/tcp", "83/udp", "84/tcp", "85/tcp", "86/tcp", "87/tcp")
    }
    assert result["HostConfig"]["PortBindings"] == {
        "80/tcp": [{"HostIp": "", "HostPort": "8080"}],
        "81/tcp": [{"HostIp": "", "HostPort": "8081"}],
        "82/tcp": [{"HostIp": "", "HostPort": ""}],
        "83/udp": [{"HostIp": "127.0.0.1", "HostPort": "8083"}],
        "84/tcp": [{"HostIp": "127.0.0.1", "HostPort": ""}],
        "85/tcp": [{"HostIp": "::1", "HostPort": ""}],
        "86/tcp": [
            {"HostIp": "", "HostPort": "8086"},
            {"HostIp": "127.0.0.1", "HostPort": "9086"},
        ],
        "87/tcp": [{"HostIp": "", "HostPort": "9000-9010"}],
    }


def test_volumes_dict_and_list_forms() -> None:
    from_dict = body(volumes={"/h": "/c", "vol": {"bind": "/d", "mode": "ro,z"}})
    assert from_dict["HostConfig"]["Binds"] == ["/h:/c:rw", "vol:/d:ro,z"]
    assert from_dict["Volumes"] == {"/c": {}, "/d": {}}
    from_list = body(volumes=["/host:/ctr:ro", "named:/data", "/anonymous"])
    assert from_list["HostConfig"]["Binds"] == ["/host:/ctr:ro", "named:/data"]
    assert from_list["Volumes"] == {"/ctr": {}, "/data": {}, "/anonymous": {}}
    only_anonymous = body(volumes="/scratch")
    assert only_anonymous["Volumes"] == {"/scratch": {}}
    assert only_anonymous["HostConfig"] == {}


def test_environment_labels_command_forms() -> None:
    spec = ContainerSpec(
        image="busybox",
        environment={"A": "1", "N": 2, "RAW": b"bytes", "INHERIT": None},
        labels=["flag"],
        command="sh -c 'echo \"a b\"'",
        entrypoint=["/bin/sh"],
        user=0,
        stop_signal=9,
    )
    assert spec.environment == ["A=1", "N=2", "RAW=bytes", "INHERIT"]
    assert spec.labels == {"flag": ""}
    assert spec.command == ["sh", "-c", 'echo "a b"']
    wire = spec.to_create_body(API)
    assert (wire["Entrypoint"], wire["User"], wire["StopSignal"]) == (["/bin/sh"], "0", "9")


@pytest.mark.parametrize(
    ("given", "expected"),
    [(1024, 1024), ("1024", 1024), ("1k", 1024), ("512m", 512 << 20), ("1g", 1 << 30),
     ("1G", 1 << 30), ("2gb", 2 << 30), ("1.5g", 3 << 29), ("100b", 100), ("1MiB", 1 << 20),
     (2048.0, 2048)],
)  # fmt: skip
def test_sizes_accept_bytes_and_unit_strings(given: object, expected: int) -> None:
    assert host(mem_limit=given, shm_size=given)["Memory"] == expected
    assert host(shm_size=given)["ShmSize"] == expected


def test_only_set_options_are_sent_and_false_is_sent_when_set() -> None:
    assert body(detach=True) == {"Image": "busybox", "HostConfig": {}}
    assert host(privileged=False, read_only=False) == {
        "Privileged": False,
        "ReadonlyRootfs": False,
    }


def test_detach_with_remove_asks_the_daemon_to_auto_remove() -> None:
    assert host(detach=True, remove=True) == {"AutoRemove": True}
    # Without detach, run() removes the container itself after collecting its output.
    assert "AutoRemove" not in body(remove=True)["HostConfig"]


def test_network_renders_network_mode_and_endpoint() -> None:
    result = body(
        network="app-net",
        networking_config={"app-net": EndpointConfig(aliases=["web"], ipv4_address="10.1.0.5")},
    )
    assert result["HostConfig"] == {"NetworkMode": "app-net"}
    assert result["NetworkingConfig"] == {
        "EndpointsConfig": {
            "app-net": {"Aliases": ["web"], "IPAMConfig": {"IPv4Address": "10.1.0.5"}}
        }
    }
    plain = body(network="app-net")
    assert plain["NetworkingConfig"] == {"EndpointsConfig": {"app-net": {}}}


def test_networking_config_accepts_wire_dicts_and_none() -> None:
    spec = ContainerSpec(
        image="busybox",
        network="n1",
        networking_config={"n1": {"Aliases": ["a"], "IPAMConfig": {"IPv4Address": "10.0.0.9"}}},
    )
    assert spec.networking_config == {"n1": EndpointConfig(aliases=["a"], ipv4_address="10.0.0.9")}
    none = ContainerSpec(image="busybox", network="n1", networking_config={"n1": None})
    assert none.to_create_body(API)["NetworkingConfig"] == {"EndpointsConfig": {"n1": {}}}


def test_several_networks_at_create_are_sent_for_the_daemon_to_judge() -> None:
    """API 1.44 takes them; an older daemon refuses with an APIError, as with docker-py."""
    spec = ContainerSpec(
        image="busybox",
        network="n1",
        networking_config={"n1": None, "n2": {"aliases": ["x"]}},
    )
    for version in ("1.41", "1.44"):
        endpoints = spec.to_create_body(version)["NetworkingConfig"]["EndpointsConfig"]
        assert endpoints == {"n2": {"Aliases": ["x"]}, "n1": {}}


def test_networking_config_not_naming_the_network_is_dropped_as_docker_py_does() -> None:
    spec = ContainerSpec(
        image="busybox", network="n1", networking_config={"n2": {"aliases": ["x"]}}
    )
    endpoints = spec.to_create_body("1.41")["NetworkingConfig"]["EndpointsConfig"]
    assert endpoints == {"n1": {}}


def test_mounts_accept_models_snake_dicts_wire_dicts_and_strings() -> None:
    spec = ContainerSpec(
        image="busybox",
        mounts=[
            Mount("/a", "vol"),
            {"target": "/b", "source": "/srv", "type": "bind", "read_only": True},
            {"Target": "/c", "Type": "tmpfs", "TmpfsOptions": {"SizeBytes": 1024}},
            "/host:/d:ro",
        ],
    )
    assert spec.mounts == [
        Mount("/a", "vol"),
        Mount("/b", "/srv", type="bind", read_only=True),
        Mount("/c", type="tmpfs", tmpfs_size=1024),
        Mount("/d", "/host", type="bind", read_only=True),
    ]


def test_use_config_proxy_prepends_proxy_environment() -> None:
    spec = ContainerSpec(image="busybox", environment={"A": "1"})
    proxies = {"HTTP_PROXY": "http://proxy:3128"}
    assert spec.to_create_body(API, proxy_environment=proxies)["Env"] == [
        "HTTP_PROXY=http://proxy:3128",
        "A=1",
    ]
    off = ContainerSpec(image="busybox", use_config_proxy=False)
    assert "Env" not in off.to_create_body(API, proxy_environment=proxies)


def test_create_params_and_platform_gate() -> None:
    spec = ContainerSpec(image="busybox", name="web-1", platform="linux/amd64")
    assert spec.create_params("1.41") == {"name": "web-1", "platform": "linux/amd64"}
    with pytest.raises(InvalidArgument, match=r"platform needs Docker API 1\.41.*1\.40"):
        spec.create_params("1.40")


def test_spec_is_frozen() -> None:
    spec = ContainerSpec(image="busybox")
    with pytest.raises(InvalidArgument, match="frozen"):
        spec.image = "other"  # type: ignore[misc]


# --- validation messages name the field, and numbers or non-secret values given --------------


@pytest.mark.parametrize(
    ("kwargs", "fragments"),
    [
        ({"ports": {"0/tcp": 80}}, ["ports", "'0/tcp'"]),
        ({"ports": {"70000": 80}}, ["ports", "'70000'"]),
        ({"ports": {"http": 80}}, ["ports", "'http'"]),
        ({"ports": {"80/icmp": 80}}, ["ports", "'icmp'"]),
        ({"ports": {"80": 0}}, ["ports", "host port 0", "None"]),
        ({"ports": {"80": 65536}}, ["ports", "65536"]),
        ({"ports": {"80": ("localhost", 80)}}, ["ports", "'localhost'"]),
        ({"ports": {"80": "90-80"}}, ["ports", "'90-80'"]),
        ({"ports": [80]}, ["ports", "[80]"]),
        ({"mem_limit": -1}, ["mem_limit", "-1"]),
        ({"mem_limit": "12x"}, ["mem_limit", "'12x'"]),
        ({"shm_size": "lots"}, ["shm_size", "'lots'"]),
        ({"mem_limit": 1.5}, ["mem_limit", "1.5"]),
        ({"memswap_limit": -2}, ["memswap_limit", "-2"]),
        ({"cpu_percent": 101}, ["cpu_percent", "101"]),
        ({"mem_swappiness": 101}, ["mem_swappiness", "101"]),
        ({"blkio_weight": 5}, ["blkio_weight", "5"]),
        ({"oom_score_adj": 2000}, ["oom_score_adj", "2000"]),
        ({"restart_policy": {"Name": "sometimes"}}, ["restart_policy", "'sometimes'"]),
        ({"restart_policy": {"Name": "always", "MaximumRetryCount": 2}}, ["MaximumRetryCount"]),
        ({"mounts": [{"source": "vol"}]}, ["mounts", "target"]),
        ({"mounts": [{"target": "/x", "type": "bind"}]}, ["mounts", "source"]),
        ({"mounts": [{"target": "/x", "type": "nfs"}]}, ["mounts[0]['type']", "'volume'"]),
        ({"network": "a", "network_mode": "host"}, ["network='a'", "network_mode='host'"]),
        ({"networking_config": {"a": None}}, ["networking_config", "network"]),
        ({"network_mode": "host", "ports": {"80": 80}}, ["ports", "host"]),
        ({"auto_remove": True, "restart_policy": {"Name": "always"}}, ["auto_remove", "'always'"]),
        (
            {"detach": True, "remove": True, "restart_policy": {"Name": "unless-stopped"}},
            ["remove=True", "'unless-stopped'"],
        ),
        ({"mem_limit": "64m", "mem_reservation": "128m"}, ["mem_reservation", "mem_limit"]),
        ({"memswap_limit": "1g"}, ["memswap_limit", "mem_limit"]),
        ({"mem_limit": "1g", "memswap_limit": "512m"}, ["memswap_limit", "mem_limit"]),
        ({"nano_cpus": 10, "cpu_quota": 5}, ["nano_cpus", "cpu_quota"]),
        ({"environment": ["=x"]}, ["environment[0]", "no variable name"]),
        ({"environment": {"A": [1]}}, ["environment['A']", "list"]),
        ({"labels": {"a": 1}}, ["labels", "1"]),
        ({"command": "echo 'unterminated"}, ["command", "unterminated"]),
        ({"command": ["sleep", 5]}, ["command[1]", "int"]),
        ({"volumes": {"/h": {"bind": "rel"}}}, ["volumes", "'rel'"]),
        ({"volumes": {"/h": {"bind": "/c", "mode": "rx"}}}, ["volumes", "'rx'"]),
        ({"volumes": ["a:b:c:d"]}, ["volumes", "'a:b:c:d'"]),
        ({"devices": ["/dev/sda:/dev/xvda:rwx"]}, ["devices", "'rwx'"]),
        ({"extra_hosts": ["nocolon"]}, ["extra_hosts", "'nocolon'"]),
        ({"tmpfs": {"run": ""}}, ["tmpfs", "'run'"]),
        ({"dns": ["dns.example"]}, ["dns", "'dns.example'"]),
        ({"cgroupns": "shared"}, ["cgroupns", "'private' or 'host'"]),
        ({"userns_mode": "private"}, ["userns_mode", "'host'"]),
        ({"name": "a"}, ["name", "'a'"]),
        ({"name": "bad name"}, ["name", "'bad name'"]),
        ({"platform": "linux//amd64"}, ["platform", "'linux//amd64'"]),
        ({"healthcheck": {"interval": 1.5}}, ["healthcheck", "interval", "nanoseconds"]),
        ({"healthcheck": {"every": 1}}, ["healthcheck", "'every'"]),
        ({"ulimits": [{"name": "nofile", "soft": 10, "hard": 5}]}, ["ulimits", "nofile"]),
        ({"log_config": {"type": "json-file", "config": {"x": [1]}}}, ["log_config", "[1]"]),
        ({"stop_timeout": -1}, ["stop_timeout", "-1"]),
        ({"blkio_weight_device": [{"Path": "/dev/sda"}]}, ["blkio_weight_device", "Path"]),
        ({"image": ""}, ["image"]),
    ],
)
def test_invalid_input_names_field_and_value(kwargs: dict[str, Any], fragments: list[str]) -> None:
    message = invalid(**kwargs)
    for fragment in fragments:
        assert fragment in message


def test_unknown_keyword_is_rejected_by_name() -> None:
    message = invalid(enviroment={"A": "1"}, frobnicate=True)
    assert "unknown option 'enviroment' (did you mean 'environment'?), 'frobnicate'" in message


def test_missing_image_is_an_error() -> None:
    with pytest.raises(InvalidArgument, match="image"):
        ContainerSpec()  # type: ignore[call-arg]


# --- healthcheck -----------------------------------------------------------------------------


def test_healthcheck_seconds_and_timedelta_become_nanoseconds() -> None:
    check = Healthcheck(
        test=["CMD", "true"],
        interval=2,
        timeout=0.5,
        retries=3,
        start_period=timedelta(minutes=1),
        start_interval=timedelta(milliseconds=250),
    )
    assert check.interval == timedelta(seconds=2)
    assert check.to_wire("1.44") == {
        "Test": ["CMD", "true"],
        "Interval": 2 * SECOND,
        "Timeout": SECOND // 2,
        "Retries": 3,
        "StartPeriod": 60 * SECOND,
        "StartInterval": SECOND // 4,
    }


def test_healthcheck_string_test_is_cmd_shell() -> None:
    assert Healthcheck(test="curl -f localhost").test == ["CMD-SHELL", "curl -f localhost"]
    assert Healthcheck(test=["NONE"]).to_wire(API) == {"Test": ["NONE"]}


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"interval": 10 * SECOND}, "looks like nanoseconds"),
        ({"timeout": -1}, "timeout"),
        ({"interval": 0.0001}, "at least 1 ms"),
        ({"retries": -1}, "retries"),
        ({"test": ["curl", "x"]}, "must start with 'CMD'"),
        ({"test": ["CMD"]}, "needs a command"),
        ({"interval": "soon"}, "interval"),
        ({"every": 1}, "every"),
    ],
)
def test_healthcheck_rejects(kwargs: dict[str, Any], fragment: str) -> None:
    with pytest.raises(InvalidArgument, match=fragment):
        Healthcheck(**kwargs)


def test_healthcheck_zero_duration_means_default() -> None:
    assert Healthcheck(interval=0).to_wire(API) == {"Interval": 0}


def test_healthcheck_dict_is_docker_py_wire_form_in_nanoseconds() -> None:
    given = {
        "test": "true",
        "interval": 10 * SECOND,
        "timeout": 5 * SECOND,
        "retries": 3,
        "start_period": 30 * SECOND,
    }
    assert body(healthcheck=given)["Healthcheck"] == {
        "Test": ["CMD-SHELL", "true"],
        "Interval": 10 * SECOND,
        "Timeout": 5 * SECOND,
        "Retries": 3,
        "StartPeriod": 30 * SECOND,
    }
    camel = {"Test": ["CMD", "true"], "Interval": 1e9, "StartInterval": timedelta(seconds=1)}
    assert ContainerSpec(image="busybox", healthcheck=camel).to_create_body("1.44")[
        "Healthcheck"
    ] == {"Test": ["CMD", "true"], "Interval": SECOND, "StartInterval": SECOND}


def test_healthcheck_model_in_spec() -> None:
    spec = ContainerSpec(image="busybox", healthcheck=Healthcheck(test="true", interval=1))
    assert isinstance(spec.healthcheck, Healthcheck)
    assert body(healthcheck=Healthcheck(test="true", interval=1))["Healthcheck"] == {
        "Test": ["CMD-SHELL", "true"],
        "Interval": SECOND,
    }


# --- version gates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "old", "new", "fragment"),
    [
        ({"healthcheck": Healthcheck(start_interval=1)}, "1.43", "1.44", "start_interval"),
        ({"healthcheck": {"start_interval": SECOND}}, "1.43", "1.44", "start_interval"),
        ({"healthcheck": Healthcheck(start_period=1)}, "1.28", "1.29", "start_period"),
        ({"healthcheck": {"StartPeriod": SECOND}}, "1.28", "1.29", "start_period"),
        ({"cgroupns": "host"}, "1.40", "1.41", "cgroupns"),
        ({"device_requests": [{"count": 1}]}, "1.39", "1.40", "device_requests"),
        ({"auto_remove": True}, "1.24", "1.25", "auto_remove"),
        ({"detach": True, "remove": True}, "1.24", "1.25", "auto_remove"),
        ({"init": True}, "1.24", "1.25", "init"),
        ({"stop_timeout": 3}, "1.24", "1.25", "stop_timeout"),
        ({"device_cgroup_rules": ["c 1:3 mr"]}, "1.27", "1.28", "device_cgroup_rules"),
        ({"mounts": [Mount("/a", "v", consistency="cached")]}, "1.27", "1.28", "consistency"),
        ({"mounts": [Mount("/a", "v", subpath="sub")]}, "1.44", "1.45", "subpath"),
        ({"ports": {"5000/sctp": None}}, "1.36", "1.37", "SCTP"),
        (
            {"network": "n", "networking_config": {"n": EndpointConfig(mac_address=MAC)}},
            "1.43",
            "1.44",
            "mac_address",
        ),
    ],
)  # fmt: skip
def test_version_gates(kwargs: dict[str, Any], old: str, new: str, fragment: str) -> None:
    spec = ContainerSpec(image="busybox", **kwargs)
    with pytest.raises(InvalidArgument, match=fragment) as info:
        spec.to_create_body(old)
    assert new in str(info.value)
    spec.to_create_body(new)


def test_versions_compare_numerically() -> None:
    spec = ContainerSpec(image="busybox", cgroupns="private")
    with pytest.raises(InvalidArgument):
        spec.to_create_body("1.9")
    assert spec.to_create_body("1.100")["HostConfig"] == {"CgroupnsMode": "private"}


@pytest.mark.parametrize(
    ("kwargs", "removed"),
    [
        ({"kernel_memory": "50m"}, "1.42"),
        ({"init_path": "/usr/bin/docker-init"}, "1.29"),
        ({"mac_address": "02:42:ac:11:00:02"}, "1.52"),
    ],
)
def test_removed_options_fail_on_new_daemons(kwargs: dict[str, Any], removed: str) -> None:
    spec = ContainerSpec(image="busybox", **kwargs)
    with pytest.raises(InvalidArgument, match=rf"removed in Docker API {removed}"):
        spec.to_create_body(removed)


def test_restart_policy_model_and_dict_forms_are_equal() -> None:
    from_dict = ContainerSpec(
        image="busybox", restart_policy={"Name": "on-failure", "MaximumRetryCount": 3}
    )
    from_model = ContainerSpec(
        image="busybox", restart_policy=RestartPolicy("on-failure", maximum_retry_count=3)
    )
    assert from_dict.restart_policy == from_model.restart_policy
    assert from_dict.to_create_body(API) == from_model.to_create_body(API)
