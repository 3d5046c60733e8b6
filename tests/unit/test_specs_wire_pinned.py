"""The Engine API JSON of a rich set of specs, pinned to a fixture recorded from the code.

Guards refactors of the spec serialisers: every case's wire form (or version-gate error)
must stay exactly what ``data/specs_wire.json`` recorded, key order included. To record
a deliberate change: ``python -m tests.unit.test_specs_wire_pinned`` rewrites the file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from aiocontainers.errors import InvalidArgument
from aiocontainers.types import (
    ConfigReference,
    ContainerSpec,
    DeviceRequest,
    DNSConfig,
    DriverConfig,
    EndpointConfig,
    EndpointSpec,
    Healthcheck,
    IPAMConfig,
    IPAMPool,
    LogConfig,
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
    Ulimit,
    UpdateConfig,
)

FIXTURE = Path(__file__).parent / "data" / "specs_wire.json"
S = 1_000_000_000
OLD, CURRENT, NEWEST = "1.24", "1.41", "1.45"


def loose(value: Any) -> Any:
    """A value of a form the specs accept but their constructor stubs do not spell out."""
    return value


_FULL_HEALTH = Healthcheck(
    test="wget -q -O- 127.0.0.1",
    interval=1.5,
    timeout=timedelta(seconds=2),
    retries=3,
    start_period=5,
    start_interval=0.5,
)
_MOUNTS: list[Any] = [
    Mount("/data", "vol", labels={"a": "b"}, no_copy=True, driver_config="local"),
    Mount("/src", "/host", type="bind", read_only=True, propagation="rslave"),
    Mount("/tmp", type="tmpfs", tmpfs_size="64m", tmpfs_mode=0o1777),
    Mount("/sub", "vol2", subpath="dir", driver_config=DriverConfig("nfs", {"o": "x"})),
    Mount("/c", "vol3", consistency="cached"),
    "/anon",
    "named:/n:ro",
    {"Target": "/w", "Source": "wv", "Type": "volume", "VolumeOptions": {"NoCopy": True}},
]


def _container_spec(**extra: Any) -> ServiceContainerSpec:
    return ServiceContainerSpec(
        "img:1",
        "sh -c 'echo hi'",
        ["a", "b"],
        "host",
        {"A": "1", "B": None},
        "/work",
        "1000:1000",
        {"l": "v"},
        mounts=_MOUNTS[:3],
        stop_grace_period=timedelta(seconds=7),
        secrets=[SecretReference("sid", "sname", uid=1000, mode=0o400)],
        configs=[ConfigReference("cid", "cname", filename="/etc/c.conf", gid="5")],
        tty=True,
        groups=["wheel"],
        open_stdin=False,
        read_only=True,
        stop_signal="SIGINT",
        healthcheck=_FULL_HEALTH,
        hosts={"db": "10.0.0.2", "api": "10.0.0.3"},
        dns_config=DNSConfig(["1.1.1.1"], ["example.com"], ["ndots:2"]),
        privileges=Privileges(selinux_type="t", credentialspec_file="f"),
        isolation="default",
        **extra,
    )


def _task(**extra: Any) -> TaskTemplate:
    return TaskTemplate(
        _container_spec(),
        resources=Resources(500_000_000, "512m", 100_000_000, 1 << 20, {"gpu": 2, "ssd": "fast"}),
        restart_policy=ServiceRestartPolicy("on-failure", 5, 3, timedelta(minutes=1)),
        placement=Placement(
            ["node.role==worker"],
            loose([PlacementPreference("spread", "node.labels.zone"), ("spread", "rack")]),
            [("x86_64", "linux")],
        ),
        log_driver=DriverConfig("json-file", {"max-size": "1m"}),
        networks=["front", NetworkAttachmentConfig("back", ["b"], {"o": "1"})],
        force_update=2,
        **extra,
    )


def _service() -> dict[str, Any]:
    return {
        "name": "web",
        "labels": {"tier": "front"},
        "mode": ServiceMode("replicated", 3),
        "update_config": UpdateConfig(
            2, 10, "rollback", timedelta(seconds=30), 0.25, "start-first"
        ),
        "rollback_config": RollbackConfig(parallelism=1, delay=0.5, failure_action="pause"),
        "endpoint_spec": EndpointSpec(
            "vip", loose({8080: 80, 5353: (53, "udp", "host"), None: 9000})
        ),
    }


Builder = Callable[[str], Any]


def _container_mount(mount: Any) -> Builder:
    return lambda api: ContainerSpec(image="i", mounts=[mount]).to_create_body(api)["HostConfig"][
        "Mounts"
    ]


def _mode(mode: Any) -> Builder:
    return lambda api: ServiceMode.model_validate(mode).to_wire(api)


CASES: dict[str, Builder] = {
    # -- _types.py --------------------------------------------------------------
    "driver-config": lambda api: DriverConfig("local", {"type": "nfs"}).to_wire(),
    "driver-config-bare": lambda api: DriverConfig("local").to_wire(),
    "driver-config-wire": lambda api: DriverConfig.model_validate(
        {"Name": "x", "Options": {"a": "b"}}
    ).to_wire(),
    **{f"mount-{index}": _container_mount(mount) for index, mount in enumerate(_MOUNTS)},
    "mount-from-wire-full": lambda api: Mount.from_wire(
        {
            "Target": "/t",
            "Source": "s",
            "Type": "volume",
            "ReadOnly": True,
            "Consistency": "delegated",
            "VolumeOptions": {
                "NoCopy": False,
                "Labels": {"k": "v"},
                "DriverConfig": {"Name": "d", "Options": {"o": "p"}},
                "Subpath": "p",
            },
        }
    ).to_wire(api),
    "mount-from-wire-tmpfs": lambda api: Mount.from_wire(
        {"Target": "/t", "Type": "tmpfs", "TmpfsOptions": {"SizeBytes": 10, "Mode": 0o700}}
    ).to_wire(api),
    "mount-from-wire-bind": lambda api: Mount.from_wire(
        {"Target": "/t", "Source": "/h", "Type": "bind", "BindOptions": {"Propagation": "shared"}}
    ).to_wire(api),
    "healthcheck-full": lambda api: _FULL_HEALTH.to_wire(api),
    "healthcheck-partial": lambda api: Healthcheck(test=["CMD", "true"], retries=0).to_wire(api),
    "healthcheck-none": lambda api: Healthcheck(test=["NONE"]).to_wire(api),
    "healthcheck-empty": lambda api: Healthcheck().to_wire(api),
    "healthcheck-start-period": lambda api: Healthcheck(start_period=1).to_wire(api),
    "ulimit-soft": lambda api: Ulimit(name="nofile", soft=10).to_wire(),
    "ulimit-hard": lambda api: Ulimit(name="nofile", hard=20).to_wire(),
    "ulimit-both": lambda api: Ulimit.model_validate(
        {"Name": "n", "Soft": 1, "Hard": 2}
    ).to_wire(),
    "log-config": lambda api: LogConfig(type="syslog", config={"tag": "x"}).to_wire(),
    "log-config-bare": lambda api: LogConfig.model_validate({"Type": "none"}).to_wire(),
    "restart-policy": lambda api: RestartPolicy("on-failure", 3).to_wire(),
    "restart-policy-bare": lambda api: RestartPolicy("always").to_wire(),
    "restart-policy-wire": lambda api: RestartPolicy.model_validate(
        {"Name": "no", "MaximumRetryCount": 0}
    ).to_wire(),
    "device-request": lambda api: DeviceRequest(
        driver="nvidia", count=-1, capabilities=[["gpu"]], options={"a": "b"}
    ).to_wire(),
    "device-request-ids": lambda api: DeviceRequest.model_validate(
        {"DeviceIDs": ["0", "1"]}
    ).to_wire(),
    "ipam-pool": lambda api: IPAMPool(
        "10.5.0.0/16", "10.5.1.0/24", "10.5.0.1", {"h": "10.5.0.9"}
    ).to_wire(),
    "ipam-pool-empty": lambda api: IPAMPool().to_wire(),
    "ipam-config": lambda api: IPAMConfig(
        "default",
        loose([IPAMPool("10.6.0.0/16"), {"Subnet": "10.7.0.0/16", "Gateway": "10.7.0.1"}]),
        {"o": "1"},
    ).to_wire(),
    "ipam-config-bare": lambda api: IPAMConfig(options={}).to_wire(),
    "endpoint-config-full": lambda api: EndpointConfig(
        aliases=["a"],
        links=["c:alias", "d"],
        ipv4_address="10.0.0.5",
        ipv6_address="fe80::5",
        link_local_ips=["169.254.0.5"],
        driver_opt={"k": "v"},
        mac_address="02:42:ac:11:00:02",
    ).to_wire(api),
    "endpoint-config-empties": lambda api: EndpointConfig(
        aliases=[], links=[], link_local_ips=[], driver_opt={}, mac_address=""
    ).to_wire(api),
    "endpoint-config-driver-opt": lambda api: EndpointConfig(driver_opt={"k": "v"}).to_wire(api),
    "endpoint-config-from-wire": lambda api: EndpointConfig.from_wire(
        {
            "Aliases": ["x"],
            "IPAMConfig": {"IPv4Address": "10.1.0.2", "LinkLocalIPs": []},
            "DriverOpts": {"a": "b"},
        }
    ).to_wire(api),
    "container-create": lambda api: ContainerSpec(
        image="busybox",
        name="c1",
        mounts=_MOUNTS[:3],
        healthcheck=Healthcheck(test="true", interval=2),
        network="net",
        networking_config={"net": EndpointConfig(aliases=["x"])},
        restart_policy=RestartPolicy("on-failure", 2),
        log_config=LogConfig(type="json-file"),
        ulimits=[Ulimit(name="nofile", soft=5, hard=6)],
        device_requests=[DeviceRequest(count=1)],
    ).to_create_body(api),
    # -- _service.py: scheduling --------------------------------------------------
    **{
        f"mode-{name}": _mode(mode)
        for name, mode in {
            "replicated": {"mode": "replicated"},
            "replicated-3": {"mode": "replicated", "replicas": 3},
            "global": "global",
            "replicated-job": {"mode": "replicated-job", "replicas": 4, "concurrency": 2},
            "replicated-job-bare": "replicated-job",
            "replicated-job-replicas": {"mode": "replicated-job", "replicas": 5},
            "global-job": "global-job",
            "wire-replicated": {"Replicated": {"Replicas": 2}},
            "wire-job": {"ReplicatedJob": {"MaxConcurrent": 2, "TotalCompletions": 6}},
            "dockerpy-global": {"global": {}},
        }.items()
    },
    "preference": lambda api: PlacementPreference("spread", "x").to_wire(),
    "preference-wire": lambda api: PlacementPreference.model_validate(
        {"Spread": {"SpreadDescriptor": "y"}}
    ).to_wire(),
    "placement-full": lambda api: Placement(
        ["a==b"], [("spread", "z")], [("arm64", "linux")], 2
    ).to_wire(api),
    "placement-empty": lambda api: Placement().to_wire(api),
    "placement-empties": lambda api: Placement([], [], []).to_wire(api),
    "placement-wire": lambda api: Placement.model_validate(
        {
            "Constraints": ["c"],
            "Preferences": [{"Spread": {"SpreadDescriptor": "d"}}],
            "Platforms": [{"Architecture": "amd64", "OS": "linux"}],
            "MaxReplicas": 1,
        }
    ).to_wire(api),
    "resources-full": lambda api: Resources(
        1, 2, 3, "4k", [{"DiscreteResourceSpec": {"Kind": "g", "Value": 1}}]
    ).to_wire(),
    "resources-limits": lambda api: Resources(cpu_limit=5).to_wire(),
    "resources-reservations": lambda api: Resources(mem_reservation=7).to_wire(),
    "resources-empty": lambda api: Resources().to_wire(),
    "resources-wire": lambda api: Resources.model_validate(
        {"Limits": {"NanoCPUs": 9, "MemoryBytes": 10}, "Reservations": {"GenericResources": []}}
    ).to_wire(),
    "restart-default": lambda api: ServiceRestartPolicy().to_wire(),
    "restart-full": lambda api: ServiceRestartPolicy("any", 0.25, 4, 60).to_wire(),
    "restart-wire": lambda api: ServiceRestartPolicy.model_validate(
        {"Condition": "on-failure", "Delay": 3 * S, "MaxAttempts": 2, "Window": 10 * S}
    ).to_wire(),
    "update-default": lambda api: UpdateConfig().to_wire(),
    "update-full": lambda api: UpdateConfig(1, 2, "pause", 3, 0.5, "stop-first").to_wire(),
    "update-wire": lambda api: UpdateConfig.model_validate(
        {"Parallelism": 2, "Delay": 5 * S, "FailureAction": "rollback", "Monitor": S // 2}
    ).to_wire(),
    "rollback-default": lambda api: RollbackConfig().to_wire(),
    "rollback-wire": lambda api: RollbackConfig.model_validate(
        {"Parallelism": 1, "MaxFailureRatio": 0.1, "Order": "start-first"}
    ).to_wire(),
    # -- _service.py: endpoints, networks, files ---------------------------------------
    "endpoint-spec-dict": lambda api: EndpointSpec(ports={80: 8080, 53: (53, "udp")}).to_wire(),
    "endpoint-spec-list": lambda api: EndpointSpec.model_validate(
        {"Mode": "vip", "Ports": [{"TargetPort": 1, "PublishedPort": 2, "Protocol": "sctp"}]}
    ).to_wire(),
    "endpoint-spec-dnsrr": lambda api: EndpointSpec("dnsrr").to_wire(),
    "endpoint-spec-empty": lambda api: EndpointSpec(ports={}).to_wire(),
    "attachment": lambda api: NetworkAttachmentConfig("n").to_wire(),
    "attachment-full": lambda api: NetworkAttachmentConfig("n", ["a"], {"o": "p"}).to_wire(),
    "attachment-wire": lambda api: NetworkAttachmentConfig.model_validate(
        {"Target": "t", "Aliases": ["x"], "DriverOpts": {"k": "v"}}
    ).to_wire(),
    "secret": lambda api: SecretReference("i", "n").to_wire(),
    "secret-full": lambda api: SecretReference("i", "n", "f", 1, "2", 0o600).to_wire(),
    "secret-wire": lambda api: SecretReference.model_validate(
        {
            "SecretID": "i",
            "SecretName": "n",
            "File": {"Name": "f", "UID": "3", "GID": "4", "Mode": 0o440},
        }
    ).to_wire(),
    "config": lambda api: ConfigReference("i", "n").to_wire(),
    "config-wire": lambda api: ConfigReference.model_validate(
        {"ConfigID": "i", "ConfigName": "n"}
    ).to_wire(),
    "dns": lambda api: DNSConfig(["8.8.8.8"]).to_wire(),
    "dns-empty": lambda api: DNSConfig().to_wire(),
    "dns-wire": lambda api: DNSConfig.model_validate(
        {"Search": ["s"], "Options": ["o"]}
    ).to_wire(),
    "privileges-empty": lambda api: Privileges().to_wire(),
    "privileges-selinux": lambda api: Privileges(
        selinux_disable=False,
        selinux_user="u",
        selinux_role="r",
        selinux_type="t",
        selinux_level="l",
    ).to_wire(),
    "privileges-registry": lambda api: Privileges(credentialspec_registry="r").to_wire(),
    "privileges-wire": lambda api: Privileges.model_validate(
        {"CredentialSpec": {"File": "f"}, "SELinuxContext": {"Disable": True}}
    ).to_wire(),
    # -- _service.py: containers, tasks, services --------------------------------------
    "service-container-minimal": lambda api: ServiceContainerSpec("busybox").to_wire(api),
    "service-container-full": lambda api: _container_spec().to_wire(api),
    "service-container-gated": lambda api: _container_spec(
        init=True, cap_add=["NET_ADMIN"], cap_drop=["ALL"], sysctls={"net.core.somaxconn": "1024"}
    ).to_wire(api),
    "service-container-init": lambda api: ServiceContainerSpec("i", init=False).to_wire(api),
    "service-container-sysctls": lambda api: ServiceContainerSpec("i", sysctls={}).to_wire(api),
    "service-container-wire-parts": lambda api: ServiceContainerSpec(
        "i",
        mounts=_MOUNTS,
        healthcheck={"Test": ["CMD", "x"], "Interval": 2 * S, "StartPeriod": S, "Retries": 1},
        hosts=["10.0.0.1 h"],
        env=["A=1"],
        command=["a", "b"],
        labels=loose(["x=y"]),
        dns_config={"Nameservers": ["1.1.1.1"]},
        privileges={"SELinuxContext": {"User": "u"}},
        secrets=loose([{"SecretID": "s", "SecretName": "n"}]),
        configs=loose([{"ConfigID": "c", "ConfigName": "m", "File": {"Name": "/f"}}]),
    ).to_wire(api),
    "task-minimal": lambda api: TaskTemplate({"image": "busybox"}).to_wire(api),
    "task-full": lambda api: _task().to_wire(api),
    "task-empty-parts": lambda api: TaskTemplate(
        ServiceContainerSpec("i"),
        resources=Resources(),
        placement=[],
        networks=[],
        log_driver="syslog",
        restart_policy=loose(RestartPolicy("unless-stopped")),
    ).to_wire(api),
    "task-restart-from-container": lambda api: TaskTemplate(
        {"image": "i"}, restart_policy={"Name": "on-failure", "MaximumRetryCount": 4}
    ).to_wire(api),
    "task-maxreplicas": lambda api: TaskTemplate(
        {"image": "i"}, placement={"maxreplicas": 3}
    ).to_wire(api),
    "service-minimal": lambda api: _service_spec(task_template={"container_spec": {"image": "i"}}),
    "service-full": lambda api: _service_spec_full(api),
    "service-job": lambda api: _service_spec(
        task_template={"container_spec": {"image": "i"}}, mode="replicated-job", api=api
    ),
    "service-from-options": lambda api: _from_options(api),
    # -- _service.py: the swarm ----------------------------------------------------
    "external-ca": lambda api: SwarmExternalCA("https://ca").to_wire(),
    "external-ca-full": lambda api: SwarmExternalCA.model_validate(
        {"URL": "u", "Protocol": "cfssl", "Options": {"a": "b"}, "CACert": "pem"}
    ).to_wire(),
    "swarm-empty": lambda api: SwarmSpec().to_wire(),
    "swarm-full": lambda api: SwarmSpec(
        task_history_retention_limit=5,
        snapshot_interval=10000,
        keep_old_snapshots=1,
        log_entries_for_slow_followers=500,
        heartbeat_tick=1,
        election_tick=10,
        dispatcher_heartbeat_period=5,
        node_cert_expiry=timedelta(days=90),
        external_ca={"url": "https://ca", "protocol": "cfssl"},
        name="default",
        labels={"a": "b"},
        signing_ca_cert="cert",
        signing_ca_key="key",
        ca_force_rotate=1,
        autolock_managers=False,
        log_driver="json-file",
    ).to_wire(),
    "swarm-some": lambda api: SwarmSpec(
        election_tick=3, external_cas=[], ca_force_rotate=0, log_driver={"Name": "x"}
    ).to_wire(),
}


def _service_spec(api: str = CURRENT, **data: Any) -> Any:
    from aiocontainers._specs._service import ServiceSpec

    return ServiceSpec.model_validate(data).to_wire(api)


def _service_spec_full(api: str) -> Any:
    from aiocontainers._specs._service import ServiceSpec

    return ServiceSpec(task_template=_task(), **_service()).to_wire(api)


def _from_options(api: str) -> Any:
    from aiocontainers._specs._service import ServiceSpec

    options = {
        "image": "busybox",
        "command": ["sleep", "1"],
        "name": "s",
        "labels": {"svc": "1"},
        "container_labels": {"ctr": "1"},
        "constraints": ["node.role==manager"],
        "maxreplicas": 1,
        "log_driver": "json-file",
        "log_driver_options": {"max-file": "2"},
        "networks": ["n"],
        "mode": "global",
        "env": {"A": "1"},
        "mounts": ["/x"],
        "restart_policy": {"condition": "any"},
        "update_config": {"Parallelism": 1, "Delay": S},
        "endpoint_spec": {"Ports": [{"TargetPort": 80}]},
    }
    return ServiceSpec.from_options(options).to_wire(api)


VERSIONS = (OLD, CURRENT, NEWEST)


def render(name: str, api: str) -> Any:
    """The case's wire JSON at ``api``, or the version gate's message."""
    try:
        return CASES[name](api)
    except InvalidArgument as exc:
        return {"InvalidArgument": str(exc)}


def record() -> dict[str, Any]:
    return {f"{name}@{api}": render(name, api) for name in CASES for api in VERSIONS}


def _dumps(value: Any) -> str:
    return json.dumps(value, indent=1) + "\n"


PINNED: dict[str, Any] = json.loads(FIXTURE.read_text()) if FIXTURE.exists() else {}


def test_every_case_is_pinned() -> None:
    assert sorted(PINNED) == sorted(f"{name}@{api}" for name in CASES for api in VERSIONS)


@pytest.mark.parametrize("key", sorted(PINNED))
def test_wire_json_is_unchanged(key: str) -> None:
    name, _, api = key.partition("@")
    # Key order included: the JSON text sent is what was recorded.
    assert _dumps(render(name, api)) == _dumps(PINNED[key])


if __name__ == "__main__":
    FIXTURE.write_text(_dumps(record()))
