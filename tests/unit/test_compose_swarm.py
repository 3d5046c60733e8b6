"""The swarm side of the Compose model: deploy, secrets and configs, their translation into
services.create() keywords, and what each runtime refuses before the daemon is called."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import aiocontainers
from aiocontainers import ComposeError, Stack
from aiocontainers._specs._service import ServiceSpec
from aiocontainers._stacks._to_swarm import (
    STACK_NAMESPACE,
    network_options,
    service_options,
    swarm_problems,
)
from aiocontainers._stacks._translate import create_options, swarm_only_settings

CORPUS = Path(__file__).parent / "data" / "compose"
IDS = {"secrets": {"db_password": ("s1", "swarm_db_password")}, "configs": {}}


def _errors(services: dict[str, Any], **extra: Any) -> list[str]:
    with pytest.raises(ComposeError) as info:
        Stack("x", services, **extra)
    return info.value.problems


def _swarm_corpus() -> Stack:
    return Stack.from_compose(CORPUS / "swarm.yaml", project_name="swarm", env={})


def test_deploy_secrets_and_configs_are_read_in_long_syntax() -> None:
    stack = _swarm_corpus()
    api = stack.services["api"]
    assert api.deploy is not None and api.deploy.update_config is not None
    assert api.deploy.update_config.delay == timedelta(seconds=10)
    assert api.deploy.placement is not None and api.deploy.placement.max_replicas_per_node == 2
    config = stack.config()
    assert config["services"]["api"]["secrets"] == [
        {"source": "db_password"},
        {"source": "api_key", "target": "api.key", "uid": "1000", "gid": "1000", "mode": 0o400},
    ]
    assert config["services"]["api"]["deploy"]["restart_policy"] == {
        "condition": "on-failure",
        "max_attempts": 3,
        "delay": "5s",
        "window": "2m0s",
    }
    assert config["secrets"] == {
        "api_key": {"name": "shared_api_key", "external": True},
        "db_password": {"name": "swarm_db_password", "file": str(CORPUS / "db_password.txt")},
    }
    assert config["configs"]["proxy_conf"]["name"] == "swarm_proxy_conf"


def test_bad_deploy_secret_and_config_values_name_their_path() -> None:
    errors = _errors(
        {
            "a": {
                "image": "x",
                "deploy": {"mode": "global", "replicas": 2},
                "secrets": ["nope"],
            },
            "b": {"image": "x", "deploy": {"update_config": {"order": "sideways"}}},
        },
        secrets={"both": {"file": "f", "environment": "E"}},
        configs={"none": {}},
    )
    assert any(
        e.startswith("services.a.deploy: Value error, replicas")
        or "replicas: a 'global' service runs one task per node" in e
        for e in errors
    )
    assert any(e.startswith("services.b.deploy.update_config.order") for e in errors)
    assert any(
        e.startswith("secrets.both: give exactly one of file, environment, external")
        for e in errors
    )
    assert any(
        e.startswith("configs.none: give exactly one of") and "content" in e for e in errors
    )


def test_an_undefined_secret_is_named() -> None:
    errors = _errors({"a": {"image": "x", "configs": [{"source": "cfg"}]}})
    assert errors == [
        "services.a.configs[0].source: undefined config 'cfg' "
        "(declare it under the top-level configs)"
    ]


def test_secret_and_config_content(tmp_path: Path) -> None:
    (tmp_path / "token").write_bytes(b"t0ken")
    stack = Stack(
        "x",
        {"a": {"image": "x"}},
        secrets={"file": {"file": "token"}, "var": {"environment": "PASS"}},
        configs={"inline": {"content": "k=v\n"}, "missing": {"environment": "NOPE"}},
        working_dir=tmp_path,
        environment={"PASS": "hunter2"},
    )
    assert stack.stored_object_data("secrets", "file") == b"t0ken"
    assert stack.stored_object_data("secrets", "var") == b"hunter2"
    assert stack.stored_object_data("configs", "inline") == b"k=v\n"
    with pytest.raises(ComposeError, match=r"configs\.missing\.environment: the variable 'NOPE'"):
        stack.stored_object_data("configs", "missing")


def test_service_options_translate_like_docker_stack_deploy() -> None:
    stack = _swarm_corpus()
    options = service_options(
        stack, "api", secrets=IDS["secrets"] | {"api_key": ("s2", "shared_api_key")}, configs={}
    )
    assert options["name"] == "swarm_api"
    assert options["labels"] == {
        STACK_NAMESPACE: "swarm",
        "com.docker.stack.image": "example/api:2.1",
    }
    assert options["container_labels"] == {STACK_NAMESPACE: "swarm"}
    spec = ServiceSpec.from_options(options).to_wire("1.41")
    assert spec["Mode"] == {"Replicated": {"Replicas": 4}}
    assert spec["EndpointSpec"] == {"Mode": "dnsrr"}
    assert spec["UpdateConfig"] == {
        "Parallelism": 2,
        "Delay": 10_000_000_000,
        "FailureAction": "rollback",
        "Monitor": 30_000_000_000,
        "MaxFailureRatio": 0.25,
        "Order": "start-first",
    }
    # unset rollout settings take the swarm's defaults (docker stack deploy leaves them unset)
    assert spec["RollbackConfig"] == {
        "Parallelism": 1,
        "FailureAction": "pause",
        "Order": "stop-first",
    }
    template = spec["TaskTemplate"]
    assert template["RestartPolicy"] == {
        "Condition": "on-failure",
        "Delay": 5_000_000_000,
        "MaxAttempts": 3,
        "Window": 120_000_000_000,
    }
    assert template["Resources"] == {
        "Limits": {"NanoCPUs": 1_500_000_000, "MemoryBytes": 512 * 2**20},
        "Reservations": {
            "NanoCPUs": 250_000_000,
            "MemoryBytes": 128 * 2**20,
            "GenericResources": [{"DiscreteResourceSpec": {"Kind": "gpu", "Value": 1}}],
        },
    }
    assert template["Placement"] == {
        "Preferences": [{"Spread": {"SpreadDescriptor": "node.labels.zone"}}],
        "MaxReplicas": 2,
    }
    assert template["Networks"] == [{"Target": "swarm_default", "Aliases": ["api"]}]
    container = template["ContainerSpec"]
    assert container["Env"] == ["DB_HOST=db"]
    assert container["Secrets"] == [
        {
            "SecretName": "swarm_db_password",
            "SecretID": "s1",
            "File": {"Name": "db_password", "UID": "0", "GID": "0", "Mode": 0o444},
        },
        {
            "SecretName": "shared_api_key",
            "SecretID": "s2",
            "File": {"Name": "api.key", "UID": "1000", "GID": "1000", "Mode": 0o400},
        },
    ]


def test_commands_mounts_ports_and_the_rest() -> None:
    stack = Stack(
        "shop",
        {
            "web": {
                "image": "web:1",
                "entrypoint": ["/entry"],
                "command": "serve --port 80",
                "ports": [
                    "8080:80",
                    {"target": 53, "published": 5353, "protocol": "udp", "mode": "host"},
                ],
                "volumes": [
                    "data:/data:ro",
                    "/srv:/srv",
                    {"type": "tmpfs", "target": "/t", "tmpfs": {"size": "1m"}},
                ],
                "tmpfs": ["/run:size=64m,mode=1777"],
                "extra_hosts": ["db.local:10.0.0.5"],
                "dns": "1.1.1.1",
                "restart": "on-failure:2",
                "healthcheck": {"test": "true", "interval": "2s"},
                "logging": {"driver": "json-file", "options": {"max-size": "1m"}},
                "platform": "linux/arm64/v8",
                "stop_grace_period": "3s",
                "working_dir": "/app",
                "user": "1000",
                "networks": {"front": {"aliases": ["www"]}},
            }
        },
        networks={"front": {"internal": True, "ipam": {"config": [{"subnet": "10.99.0.0/24"}]}}},
        volumes={"data": {"driver": "local", "labels": {"keep": "yes"}}},
    )
    options = service_options(stack, "web", secrets={}, configs={})
    spec = ServiceSpec.from_options(options).to_wire("1.41")
    container = spec["TaskTemplate"]["ContainerSpec"]
    assert container["Command"] == ["/entry"] and container["Args"] == ["serve", "--port", "80"]
    assert container["Hosts"] == ["10.0.0.5 db.local"]
    assert container["DNSConfig"] == {"Nameservers": ["1.1.1.1"]}
    assert container["StopGracePeriod"] == 3_000_000_000
    assert (container["Dir"], container["User"]) == ("/app", "1000")
    assert container["Healthcheck"]["Interval"] == 2_000_000_000
    assert [m["Type"] for m in container["Mounts"]] == ["volume", "bind", "tmpfs", "tmpfs"]
    data = container["Mounts"][0]
    assert data["Source"] == "shop_data" and data["ReadOnly"] is True
    assert data["VolumeOptions"]["Labels"] == {"keep": "yes", STACK_NAMESPACE: "shop"}
    assert data["VolumeOptions"]["DriverConfig"] == {"Name": "local"}
    assert container["Mounts"][3] == {
        "Target": "/run", "Type": "tmpfs", "ReadOnly": False,
        "TmpfsOptions": {"SizeBytes": 64 * 2**20, "Mode": 0o1777},
    }  # fmt: skip
    assert spec["EndpointSpec"]["Ports"] == [
        {"Protocol": "tcp", "TargetPort": 80, "PublishMode": "ingress", "PublishedPort": 8080},
        {"Protocol": "udp", "TargetPort": 53, "PublishMode": "host", "PublishedPort": 5353},
    ]
    template = spec["TaskTemplate"]
    assert template["RestartPolicy"]["Condition"] == "on-failure"  # restart: read as swarm's
    assert template["RestartPolicy"]["MaxAttempts"] == 2
    assert template["LogDriver"] == {"Name": "json-file", "Options": {"max-size": "1m"}}
    assert template["Placement"] == {"Platforms": [{"Architecture": "arm64", "OS": "linux"}]}
    assert template["Networks"] == [{"Target": "shop_front", "Aliases": ["web", "www"]}]
    network = network_options(stack, "front")
    assert network["driver"] == "overlay" and network["internal"] is True
    assert network["labels"] == {STACK_NAMESPACE: "shop"}
    assert network["ipam"].to_wire()["Config"] == [{"Subnet": "10.99.0.0/24"}]


def test_what_a_swarm_cannot_honour_is_listed() -> None:
    stack = Stack(
        "x",
        {
            "built": {"build": "."},
            "local": {
                "image": "x",
                "privileged": True,
                "container_name": "fixed",
                "ports": ["127.0.0.1:80:80"],
                "networks": {"default": {"ipv4_address": "10.1.0.5"}},
                "tmpfs": ["/run:noexec"],
                "depends_on": {"built": {"condition": "service_started", "restart": True}},
            },
        },
        networks={"default": {"driver": "bridge"}},
    )
    assert swarm_problems(stack) == [
        "services.built: a swarm runs images and never builds; give 'image'",
        "services.local.container_name: a swarm task has no such setting",
        "services.local.privileged: a swarm task has no such setting",
        "services.local.ports[0].host_ip: a swarm publishes on every address",
        "services.local.networks.default: a swarm assigns task addresses itself",
        "services.local.tmpfs[0]: option 'noexec' is not on a swarm (size and mode are)",
        "services.local.depends_on.built.restart: a swarm does not restart dependents",
        "networks.default.driver: swarm services need an overlay network, not 'bridge'",
    ]
    client = aiocontainers.DockerClient(base_url="unix:///nonexistent.sock")  # never called
    with pytest.raises(ComposeError) as info:
        client.stacks.deploy(stack)
    assert (
        info.value.problems[0]
        == "services.built: a swarm runs images and never builds; give 'image'"
    )


def test_local_up_refuses_swarm_only_settings_unless_told(tmp_path: Path) -> None:
    (tmp_path / "token").write_text("t")
    stack = Stack(
        "x",
        {
            "a": {
                "image": "x",
                "deploy": {
                    "mode": "global",
                    "placement": {"constraints": ["node.role==manager"]},
                    "restart_policy": {"condition": "any", "delay": "1s"},
                },
                "secrets": ["token", "pw"],
                "configs": [{"source": "conf", "target": "/etc/a.conf", "mode": 0o400}],
            }
        },
        secrets={"token": {"file": "token"}, "pw": {"external": True}},
        configs={"conf": {"file": "token"}},
        working_dir=tmp_path,
    )
    found = swarm_only_settings(stack)
    assert found == [
        "services.a.deploy.mode: 'global' needs a swarm",
        "services.a.deploy.placement: only a swarm uses it",
        "services.a.deploy.restart_policy: delay and window need a swarm "
        "(a container's restart policy has neither)",
        "services.a.secrets[1]: secret 'pw' is not a file; only a swarm can provide it",
        "services.a.configs[0]: uid, gid and mode need a swarm (a bind mount has none)",
    ]
    client = aiocontainers.DockerClient(base_url="unix:///nonexistent.sock")  # never called
    with pytest.raises(ComposeError) as info:
        client.stacks.up(stack)
    assert info.value.problems[:-1] == found
    assert "ignore_swarm_keys=True" in info.value.problems[-1]
    client.stacks.up(stack, ignore_swarm_keys=True)  # accepted: runs without them
    options, _ = create_options(stack, "a", 1, container_of={})
    assert options["volumes"] == [
        f"{tmp_path / 'token'}:/run/secrets/token:ro",
        f"{tmp_path / 'token'}:/etc/a.conf:ro",
    ]


def test_expose_has_no_effect_on_a_swarm() -> None:
    stack = Stack("x", {"a": {"image": "x", "expose": ["8080"]}})
    assert swarm_problems(stack) == []
    options = service_options(stack, "a", secrets={}, configs={})
    assert "endpoint_spec" not in options  # every task port is reachable on its networks
