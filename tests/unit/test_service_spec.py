"""Swarm spec types: wire forms equal docker.types' (durations in seconds here), validation.

docker-py's types are dicts holding the Engine API JSON with durations in nanoseconds;
ours take seconds. Each parity test builds the same value both ways and compares the
JSON, with None values dropped (the daemon reads a null field as unset).
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import docker.models.services
import docker.types as dt
import pytest

from aiocontainers import Config, Secret, Service
from aiocontainers._resources.secrets import encode_data
from aiocontainers._resources.services import merge_service_spec
from aiocontainers._specs._service import ServiceSpec
from aiocontainers.errors import InvalidArgument
from aiocontainers.types import (
    ConfigReference,
    DNSConfig,
    DriverConfig,
    EndpointSpec,
    Healthcheck,
    Mount,
    NetworkAttachmentConfig,
    Placement,
    PlacementPreference,
    Privileges,
    Resources,
    RestartPolicy,
    RollbackConfig,
    SecretReference,
    ServiceContainerSpec,
    ServiceMode,
    ServiceRestartPolicy,
    SwarmExternalCA,
    SwarmSpec,
    TaskTemplate,
    UpdateConfig,
)

API = "1.41"
S = 1_000_000_000  # nanoseconds per second


def plain(value: Any) -> Any:
    """JSON as the daemon reads it: None values dropped, everywhere."""
    loaded = json.loads(json.dumps(value))
    return _strip(loaded)


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _strip(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_strip(item) for item in value]
    return value


def mode_wire(value: Any) -> Any:
    """docker-py keys replicated/global modes in lower case; Go reads keys case-blind."""
    return {key[:1].upper() + key[1:]: body for key, body in plain(value).items()}


# -- ServiceMode -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("replicated",), {}),
        (("replicated", 3), {}),
        (("replicated", 0), {}),
        (("global",), {}),
        (("replicated-job", 5), {"concurrency": 2}),
        (("replicated-job", 5), {}),
        (("global-job",), {}),
    ],
)
def test_service_mode_parity(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    ours = ServiceMode(*args, **kwargs)
    theirs = dt.ServiceMode(*args, **kwargs)
    assert ours.to_wire(API) == mode_wire(theirs)
    assert ours.replicas == theirs.replicas
    # docker-py's dict reads back as the same mode
    assert ServiceMode.model_validate(theirs).to_wire(API) == ours.to_wire(API)


def test_service_mode_forms_and_errors() -> None:
    assert ServiceMode.model_validate("global") == ServiceMode("global")
    assert ServiceMode.model_validate({"Replicated": {"Replicas": 2}}) == ServiceMode(
        "replicated", 2
    )
    assert ServiceMode().to_wire(API) == {"Replicated": {}}
    with pytest.raises(InvalidArgument, match="replicas"):
        ServiceMode("global", 2)
    with pytest.raises(InvalidArgument, match="concurrency"):
        ServiceMode("replicated", 2, 3)
    with pytest.raises(InvalidArgument):
        ServiceMode("sometimes")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument):
        ServiceMode("replicated", -1)
    with pytest.raises(InvalidArgument, match=r"1\.41"):
        ServiceMode("global-job").to_wire("1.40")


# -- EndpointSpec ------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"mode": "vip"},
        {"mode": "dnsrr"},
        {"ports": {8080: 80}},
        {"ports": {8080: (80,), 53: (53, "udp"), 9000: (9000, None, "host")}},
        {"mode": "vip", "ports": [{"Protocol": "tcp", "TargetPort": 80, "PublishedPort": 81}]},
        {"ports": [{"TargetPort": 80, "PublishMode": "host", "Name": "web"}]},
    ],
)
def test_endpoint_spec_parity(kwargs: dict[str, Any]) -> None:
    assert EndpointSpec(**kwargs).to_wire() == plain(dt.EndpointSpec(**kwargs))
    assert EndpointSpec.model_validate(dt.EndpointSpec(**kwargs)) == EndpointSpec(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mode": "dnsrr", "ports": {80: 80}}, "dnsrr"),
        ({"ports": {80: (80, "icmp")}}, "protocol"),
        ({"ports": {80: (80, "tcp", "bridge")}}, "publish mode"),
        ({"ports": {80: 70000}}, "1-65535"),
        ({"ports": {80: (80, "tcp", "host", "extra")}}, "target_port"),
        ({"ports": [{"TargetPort": 80, "Published": 80}]}, "unknown keys"),
        ({"ports": "80:80"}, "dict or a list"),
        ({"mode": "round-robin"}, "mode"),
    ],
)
def test_endpoint_spec_errors(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        EndpointSpec(**kwargs)


# -- Resources ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"cpu_limit": 500_000_000},
        {"mem_limit": 64 << 20, "mem_reservation": 32 << 20},
        {"cpu_reservation": 250_000_000, "generic_resources": {"gpu": 2, "ssd": "fast"}},
        {"generic_resources": [{"DiscreteResourceSpec": {"Kind": "gpu", "Value": 1}}]},
    ],
)
def test_resources_parity(kwargs: dict[str, Any]) -> None:
    ours = Resources(**kwargs)
    assert ours.to_wire() == plain(dt.Resources(**kwargs))
    assert Resources.model_validate(dt.Resources(**kwargs)) == ours


def test_resources_sizes_and_errors() -> None:
    assert Resources(mem_limit="512m").to_wire() == {"Limits": {"MemoryBytes": 512 << 20}}
    assert Resources(1, "1g", 2, "1k") == Resources(
        cpu_limit=1, mem_limit=1 << 30, cpu_reservation=2, mem_reservation=1024
    )
    with pytest.raises(InvalidArgument, match="generic_resources"):
        Resources(generic_resources={"gpu": 1.5})  # type: ignore[dict-item]
    with pytest.raises(InvalidArgument):
        Resources(cpu_limit=-1)
    with pytest.raises(InvalidArgument, match="mem_limit"):
        Resources(mem_limit="lots")


# -- UpdateConfig / RollbackConfig / ServiceRestartPolicy -----------------------------


@pytest.mark.parametrize("cls", [UpdateConfig, RollbackConfig])
def test_update_config_parity(cls: type[UpdateConfig]) -> None:
    theirs_cls = dt.UpdateConfig if cls is UpdateConfig else dt.RollbackConfig
    assert cls().to_wire() == plain(theirs_cls())
    ours = cls(2, 10, "pause", 5.5, 0.25, "start-first")
    theirs = theirs_cls(2, 10 * S, "pause", 5_500_000_000, 0.25, "start-first")
    assert ours.to_wire() == plain(theirs)
    assert cls(delay=timedelta(milliseconds=1500)).to_wire()["Delay"] == 1_500_000_000
    # a docker-py dict is read as wire JSON: nanoseconds
    assert cls.model_validate(theirs) == ours


def test_update_config_errors() -> None:
    assert UpdateConfig(failure_action="rollback").to_wire()["FailureAction"] == "rollback"
    with pytest.raises(InvalidArgument, match="failure_action"):
        RollbackConfig(failure_action="rollback")
    with pytest.raises(InvalidArgument, match="nanoseconds"):
        UpdateConfig(delay=10 * S)
    with pytest.raises(InvalidArgument, match="negative"):
        UpdateConfig(monitor=-1)
    with pytest.raises(InvalidArgument):
        UpdateConfig(max_failure_ratio=1.5)
    with pytest.raises(InvalidArgument):
        UpdateConfig(order="random-first")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="unknown keys"):
        UpdateConfig.model_validate({"Parallelism": 1, "Delays": 5})


def test_service_restart_policy_parity() -> None:
    assert ServiceRestartPolicy().to_wire() == plain(dt.RestartPolicy())
    ours = ServiceRestartPolicy("on-failure", 1.5, 3, timedelta(minutes=1))
    theirs = dt.RestartPolicy("on-failure", 1_500_000_000, 3, 60 * S)
    assert ours.to_wire() == plain(theirs)
    assert ServiceRestartPolicy.model_validate(theirs) == ours
    assert ServiceRestartPolicy.condition_types.ANY == dt.RestartPolicy.condition_types.ANY
    with pytest.raises(InvalidArgument):
        ServiceRestartPolicy("always")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="nanoseconds"):
        ServiceRestartPolicy("any", delay=5 * S)


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (RestartPolicy("no"), {"condition": "none", "max_attempts": 0}),
        (RestartPolicy("always"), {"condition": "any", "max_attempts": 0}),
        (RestartPolicy("unless-stopped"), {"condition": "any", "max_attempts": 0}),
        (RestartPolicy("on-failure", 4), {"condition": "on-failure", "max_attempts": 4}),
        (
            {"Name": "on-failure", "MaximumRetryCount": 2},
            {"condition": "on-failure", "max_attempts": 2},
        ),
    ],
)
def test_container_restart_policy_means_the_swarm_one(policy: Any, expected: Any) -> None:
    swarm = ServiceRestartPolicy.model_validate(expected)
    container = ServiceContainerSpec("img")
    assert TaskTemplate(container, restart_policy=policy).restart_policy == swarm
    spec = ServiceSpec.from_options({"image": "img", "restart_policy": policy})
    assert spec.task_template.restart_policy == swarm


# -- Placement ---------------------------------------------------------------------


def test_placement_parity() -> None:
    kwargs: dict[str, Any] = {
        "constraints": ["node.role==manager", "node.labels.zone!=b"],
        "preferences": [("spread", "node.labels.zone")],
        "platforms": [("x86_64", "linux"), ("arm64", "linux")],
        "maxreplicas": 2,
    }
    ours = Placement(**kwargs)
    theirs = dt.Placement(**kwargs)
    assert ours.to_wire(API) == plain(theirs)
    assert Placement.model_validate(theirs) == ours
    assert Placement(preferences=[PlacementPreference("spread", "x")]).to_wire(API) == plain(
        dt.Placement(preferences=[dt.PlacementPreference("spread", "x")])
    )
    assert Placement().to_wire(API) == {}


def test_placement_errors() -> None:
    with pytest.raises(InvalidArgument):
        PlacementPreference("pack", "node.labels.zone")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="constraints"):
        Placement(constraints="node.role==manager")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match=r"1\.40"):
        Placement(maxreplicas=1).to_wire("1.39")


# -- references, DNS, privileges, networks --------------------------------------------


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("id1", "name1"), {}),
        (("id1", "name1", "file.txt", "1000", "1000", 0o400), {}),
        (("id1", "name1"), {"uid": "33", "mode": 0o440}),
    ],
)
def test_references_parity(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    secret, their_secret = SecretReference(*args, **kwargs), dt.SecretReference(*args, **kwargs)
    assert secret.to_wire() == plain(their_secret)
    assert SecretReference.model_validate(their_secret).to_wire() == secret.to_wire()
    config, their_config = ConfigReference(*args, **kwargs), dt.ConfigReference(*args, **kwargs)
    assert config.to_wire() == plain(their_config)
    assert ConfigReference.model_validate(their_config).to_wire() == config.to_wire()


def test_reference_errors() -> None:
    assert SecretReference("i", "n", uid=1000).to_wire()["File"]["UID"] == "1000"
    with pytest.raises(InvalidArgument):
        SecretReference("", "name")
    with pytest.raises(InvalidArgument):
        ConfigReference("id", "name", mode=0o17777)


def test_dns_config_parity() -> None:
    kwargs = {"nameservers": ["10.0.0.2"], "search": ["example.org"], "options": ["ndots:2"]}
    assert DNSConfig(**kwargs).to_wire() == plain(dt.DNSConfig(**kwargs))
    assert DNSConfig(nameservers=["1.1.1.1"]).to_wire() == plain(
        dt.DNSConfig(nameservers=["1.1.1.1"])
    )
    assert DNSConfig.model_validate(dt.DNSConfig(**kwargs)) == DNSConfig(**kwargs)


def test_privileges_parity() -> None:
    kwargs: dict[str, Any] = {
        "credentialspec_file": "spec.json",
        "selinux_disable": False,
        "selinux_user": "u",
        "selinux_level": "s0",
    }
    assert Privileges(**kwargs).to_wire() == plain(dt.Privileges(**kwargs))
    assert Privileges.model_validate(dt.Privileges(**kwargs)) == Privileges(**kwargs)
    with pytest.raises(InvalidArgument, match="mutually exclusive"):
        Privileges(credentialspec_file="a", credentialspec_registry="b")


def test_network_attachment_parity() -> None:
    kwargs: dict[str, Any] = {"aliases": ["db"], "options": {"com.example": "1"}}
    ours = NetworkAttachmentConfig("backend", **kwargs)
    assert ours.to_wire() == plain(dt.NetworkAttachmentConfig("backend", **kwargs))
    assert NetworkAttachmentConfig.model_validate("backend").to_wire() == {"Target": "backend"}


# -- ServiceContainerSpec / TaskTemplate ------------------------------------------------


def test_container_spec_parity() -> None:
    common: dict[str, Any] = {
        "command": "sh -c 'echo hi; sleep 1'",
        "args": ["--flag"],
        "hostname": "worker",
        "env": {"A": "1", "B": "two"},
        "workdir": "/srv",
        "user": "nobody",
        "labels": {"tier": "web"},
        "mounts": ["data:/data:ro", "/host:/host"],
        "tty": True,
        "groups": ["wheel"],
        "open_stdin": False,
        "read_only": True,
        "stop_signal": "SIGINT",
        "hosts": {"db": "10.0.0.5", "cache": "10.0.0.6"},
        "dns_config": None,
        "isolation": "default",
        "init": True,
        "cap_add": ["NET_ADMIN"],
        "cap_drop": ["MKNOD"],
        "sysctls": {"net.core.somaxconn": "1024"},
    }
    ours = ServiceContainerSpec(
        "img:1",
        **common,
        stop_grace_period=2.5,
        secrets=[SecretReference("sid", "sname")],
        configs=[ConfigReference("cid", "cname", "/etc/app.conf")],
        healthcheck=Healthcheck(test="true", interval=1, retries=3),
        privileges=Privileges(selinux_type="t"),
    )
    theirs = dt.ContainerSpec(
        "img:1",
        **common,
        stop_grace_period=2_500_000_000,
        secrets=[dt.SecretReference("sid", "sname")],
        configs=[dt.ConfigReference("cid", "cname", "/etc/app.conf")],
        healthcheck=dt.Healthcheck(test="true", interval=S, retries=3),
        privileges=dt.Privileges(selinux_type="t"),
    )
    assert ours.to_wire(API) == plain(theirs)


def test_container_spec_reads_docker_py_parts() -> None:
    """Values built with docker.types (wire JSON, nanoseconds) are accepted as they are."""
    ours = ServiceContainerSpec(
        "img",
        mounts=[dt.Mount("/data", "vol", read_only=True)],
        healthcheck=dt.Healthcheck(test=["CMD", "true"], interval=2 * S, timeout=S),
        secrets=[dt.SecretReference("sid", "sname")],
        dns_config=dt.DNSConfig(search=["a.b"]),
    )
    assert ours.mounts == [Mount("/data", "vol", read_only=True)]
    assert ours.healthcheck == Healthcheck(test=["CMD", "true"], interval=2, timeout=1)
    assert [s.to_wire() for s in ours.secrets or []] == [SecretReference("sid", "sname").to_wire()]
    assert ours.dns_config == DNSConfig(search=["a.b"])


def test_container_spec_errors_and_gates() -> None:
    with pytest.raises(InvalidArgument, match="nanoseconds"):
        ServiceContainerSpec("img", stop_grace_period=10 * S)
    with pytest.raises(InvalidArgument, match="image"):
        ServiceContainerSpec("")
    with pytest.raises(InvalidArgument, match="cap_add"):
        ServiceContainerSpec("img", cap_add="NET_ADMIN")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="bind mount"):
        ServiceContainerSpec("img", mounts=[{"target": "/x", "type": "bind"}])
    with pytest.raises(InvalidArgument, match=r"1\.41"):
        ServiceContainerSpec("img", cap_add=["NET_ADMIN"]).to_wire("1.40")
    with pytest.raises(InvalidArgument, match=r"1\.40"):
        ServiceContainerSpec("img", sysctls={"a": "1"}).to_wire("1.39")
    assert ServiceContainerSpec("img").to_wire(API) == {"Image": "img"}


def test_task_template_parity() -> None:
    container = ServiceContainerSpec("img", ["sleep", "5"])
    ours = TaskTemplate(
        container,
        Resources(cpu_limit=S),
        ServiceRestartPolicy("any", 1),
        ["node.role==worker"],
        DriverConfig("json-file", {"max-size": "1m"}),
        ["net1", NetworkAttachmentConfig("net2", aliases=["x"])],
        3,
    )
    theirs = dt.TaskTemplate(
        dt.ContainerSpec("img", ["sleep", "5"]),
        dt.Resources(cpu_limit=S),
        dt.RestartPolicy("any", S),
        ["node.role==worker"],
        dt.DriverConfig("json-file", {"max-size": "1m"}),
        ["net1", dt.NetworkAttachmentConfig("net2", aliases=["x"])],
        3,
    )
    assert ours.to_wire(API) == plain(theirs)
    assert TaskTemplate(container, log_driver="syslog").to_wire(API)["LogDriver"] == {
        "Name": "syslog"
    }
    with pytest.raises(InvalidArgument, match="force_update"):
        TaskTemplate(container, force_update=True)
    with pytest.raises(InvalidArgument, match="container_spec"):
        TaskTemplate(dt.ContainerSpec("img"))


# -- services.create() keywords -------------------------------------------------------


def docker_py_body(options: dict[str, Any]) -> dict[str, Any]:
    """The body docker-py's services.create() posts for these keywords."""
    created = docker.models.services._get_create_service_kwargs("create", dict(options))
    body = {
        "Name": created.get("name"),
        "Labels": created.get("labels"),
        "TaskTemplate": created["task_template"],
        "Mode": created.get("mode"),
        "EndpointSpec": created.get("endpoint_spec"),
        "UpdateConfig": created.get("update_config"),
        "RollbackConfig": created.get("rollback_config"),
    }
    wire: dict[str, Any] = plain(body)
    if "Mode" in wire:
        wire["Mode"] = mode_wire(wire["Mode"])
    return wire


def test_create_options_parity() -> None:
    shared: dict[str, Any] = {
        "image": "img:2",
        "command": ["sleep", "300"],
        "name": "web",
        "labels": {"svc": "1"},
        "container_labels": {"ctr": "1"},
        "env": ["A=1"],
        "constraints": ["node.role==manager"],
        "preferences": [("spread", "node.labels.zone")],
        "maxreplicas": 3,
        "platforms": [("x86_64", "linux")],
        "log_driver": "json-file",
        "log_driver_options": {"max-size": "1m"},
        "networks": ["backend"],
        "hostname": "h",
        "user": "nobody",
        "workdir": "/w",
        "read_only": True,
    }
    ours = ServiceSpec.from_options(
        {
            **shared,
            "mode": ServiceMode("replicated", 2),
            "endpoint_spec": EndpointSpec(ports={8080: 80}),
            "update_config": UpdateConfig(parallelism=1, delay=5),
            "rollback_config": RollbackConfig(parallelism=1, monitor=2),
            "resources": Resources(mem_limit="64m"),
            "restart_policy": ServiceRestartPolicy("on-failure", max_attempts=2),
            "stop_grace_period": 3,
        }
    )
    theirs = docker_py_body(
        {
            **shared,
            "mode": dt.ServiceMode("replicated", 2),
            "endpoint_spec": dt.EndpointSpec(ports={8080: 80}),
            "update_config": dt.UpdateConfig(parallelism=1, delay=5 * S),
            "rollback_config": dt.RollbackConfig(parallelism=1, monitor=2 * S),
            "resources": dt.Resources(mem_limit=64 << 20),
            "restart_policy": dt.RestartPolicy("on-failure", max_attempts=2),
            "stop_grace_period": 3 * S,
        }
    )
    assert ours.to_wire(API) == theirs


def test_create_options_minimal_parity_and_mode_string() -> None:
    assert ServiceSpec.from_options({"image": "img"}).to_wire(API) == docker_py_body(
        {"image": "img", "command": None}
    )
    spec = ServiceSpec.from_options({"image": "img", "mode": "global", "labels": ["a"]})
    assert spec.to_wire(API)["Mode"] == {"Global": {}}
    assert spec.labels == {"a": ""}


def test_create_options_errors() -> None:
    with pytest.raises(InvalidArgument, match=r"'contraints' \(did you mean 'constraints'\?\)"):
        ServiceSpec.from_options({"image": "img", "contraints": ["a==b"]})
    with pytest.raises(InvalidArgument, match="update\\(\\)"):
        ServiceSpec.from_options({"image": "img", "bogus": 1}, caller="update")
    with pytest.raises(InvalidArgument, match="log_driver"):
        ServiceSpec.from_options({"image": "img", "log_driver_options": {"a": "b"}})
    with pytest.raises(InvalidArgument, match="image"):
        ServiceSpec.from_options({"image": ""})


# -- update merging, scaling, secrets ---------------------------------------------------


def test_update_merges_into_the_current_spec() -> None:
    current: dict[str, Any] = {
        "Name": "web",
        "Labels": {"a": "1"},
        "Mode": {"Replicated": {"Replicas": 2}},
        "TaskTemplate": {
            "ContainerSpec": {"Image": "img", "Command": ["sleep", "1"], "Env": ["A=1"]},
            "RestartPolicy": {"Condition": "any"},
            "ForceUpdate": 1,
        },
    }
    changes = ServiceSpec.from_options(
        {"image": "img", "env": {"A": "2"}, "force_update": 2}, caller="update"
    ).to_wire(API)
    merged = merge_service_spec(current, changes)
    assert merged == {
        "Name": "web",
        "Labels": {"a": "1"},
        "Mode": {"Replicated": {"Replicas": 2}},
        "TaskTemplate": {
            "ContainerSpec": {"Image": "img", "Command": ["sleep", "1"], "Env": ["A=2"]},
            "RestartPolicy": {"Condition": "any"},
            "ForceUpdate": 2,
        },
    }
    assert current["TaskTemplate"]["ContainerSpec"]["Env"] == ["A=1"]  # not mutated


@pytest.mark.anyio
async def test_a_global_service_cannot_scale() -> None:
    service = Service(attrs={"ID": "x", "Spec": {"Name": "g", "Mode": {"Global": {}}}})
    with pytest.raises(InvalidArgument, match="global"):
        await service.scale(3)


def test_secret_data_encoding() -> None:
    assert encode_data("héllo") == "aMOpbGxv"
    assert encode_data(b"\x00\xff") == "AP8="


# -- SwarmSpec --------------------------------------------------------------------------


def test_swarm_spec_parity() -> None:
    shared: dict[str, Any] = {
        "task_history_retention_limit": 5,
        "snapshot_interval": 5000,
        "log_entries_for_slow_followers": 1200,
        "heartbeat_tick": 1,
        "election_tick": 10,
        "name": "default",
        "labels": {"a": "b"},
        "signing_ca_cert": "CERT",
        "signing_ca_key": "KEY",
        "ca_force_rotate": 1,
        "autolock_managers": True,
    }
    ours = SwarmSpec(
        **shared,
        dispatcher_heartbeat_period=5,
        node_cert_expiry=timedelta(days=90),
        external_cas=[SwarmExternalCA("https://ca", "cfssl")],
        log_driver=DriverConfig("json-file"),
    )
    theirs = dt.SwarmSpec(
        API,
        **shared,
        dispatcher_heartbeat_period=5 * S,
        node_cert_expiry=90 * 86400 * S,
        external_cas=[dt.SwarmExternalCA("https://ca", "cfssl")],
        log_driver=dt.DriverConfig("json-file"),
    )
    wire = plain(theirs)
    # docker-py sends every Raft key once one is set; unset ones are null (dropped here)
    assert ours.to_wire() == wire
    assert SwarmSpec().to_wire() == plain(dt.SwarmSpec(API)) == {}


def test_swarm_spec_shorthand_and_errors() -> None:
    ca = SwarmExternalCA("https://ca")
    assert SwarmSpec(external_ca=ca) == SwarmSpec(external_cas=[ca])
    with pytest.raises(InvalidArgument, match="not both"):
        SwarmSpec(external_ca=ca, external_cas=[ca])
    with pytest.raises(InvalidArgument, match="nanoseconds"):
        SwarmSpec(node_cert_expiry=7776000000000000)
    with pytest.raises(InvalidArgument):
        SwarmSpec(heartbeet_tick=1)  # type: ignore[call-arg]


# -- handles without a daemon -------------------------------------------------------------


def test_handles_read_their_attrs() -> None:
    secret = Secret(attrs={"ID": "abc123", "Spec": {"Name": "db-password"}})
    assert (secret.id, secret.name, repr(secret)) == (
        "abc123",
        "db-password",
        "<Secret: 'db-password'>",
    )
    config = Config(attrs={"ID": "c1", "Spec": {"Name": "app.conf", "Data": "a2V5PTEK"}})
    assert (config.name, config.data) == ("app.conf", b"key=1\n")
    service = Service(attrs={"ID": "s1", "Version": {"Index": 7}, "Spec": {"Name": "web"}})
    assert (service.name, service.version) == ("web", 7)
    with pytest.raises(InvalidArgument, match="records"):
        service.logs(records=True, lines=False)
