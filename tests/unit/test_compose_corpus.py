"""A corpus of varied Compose files (tests/unit/data/compose), modelled on what public
projects write: each loads, normalizes to a fixed point, and maps onto container options."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from aiocontainers import Stack
from aiocontainers._specs import ContainerSpec
from aiocontainers._stacks._labels import CONFIG_HASH, PROJECT, SERVICE
from aiocontainers._stacks._translate import create_options
from aiocontainers._stacks._up import validate_options

CORPUS = Path(__file__).parent / "data" / "compose"
FILES = sorted(CORPUS.glob("*.yaml"))
ENV = {"SECRET_FROM_SHELL": "s3cret"}


def _load(path: Path, **kwargs: Any) -> Stack:
    return Stack.from_compose(path, env=ENV, profiles=["*"], **kwargs)


def test_the_corpus_is_varied() -> None:
    assert len(FILES) >= 5


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_config_is_a_fixed_point(path: Path) -> None:
    """Loading config()'s own output gives the same config: nothing is lost or re-shaped."""
    first = _load(path, interpolate=False).config()
    second = Stack.from_compose(first, env=ENV, profiles=["*"], interpolate=False).config()
    assert second == first


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_service_maps_onto_valid_container_options(path: Path) -> None:
    stack = _load(path)
    validate_options(stack)
    for key in stack.services:
        options, _ = create_options(
            stack, key, 1, container_of={k: f"c-{k}" for k in stack.services}
        )
        body = ContainerSpec(image="x", **options).to_create_body("1.41")
        assert body["Labels"][PROJECT] == stack.name and body["Labels"][SERVICE] == key
        assert len(body["Labels"][CONFIG_HASH]) == 64


def test_wordpress() -> None:
    stack = _load(CORPUS / "wordpress.yaml")
    config = stack.config()
    db = config["services"]["db"]
    assert db["command"] == ["--default-authentication-plugin=mysql_native_password"]
    assert db["healthcheck"] == {
        "test": ["CMD", "mysqladmin", "ping", "-h", "localhost"],
        "interval": "10s",
        "timeout": "5s",
        "retries": 5,
        "start_period": "30s",
    }
    assert db["expose"] == ["3306", "33060"]
    assert db["environment"]["MYSQL_PASSWORD"] == "wordpress"
    assert config["services"]["wordpress"]["depends_on"] == {
        "db": {"condition": "service_healthy", "required": True}
    }
    assert config["volumes"] == {
        "db_data": {"name": "compose_db_data"},
        "wp_data": {"name": "compose_wp_data"},
    }
    options, _ = create_options(stack, "db", 1, container_of={})
    assert options["ports"] == {"3306/tcp": [], "33060/tcp": []}  # exposed, not published
    assert options["mounts"][0].source == "compose_db_data"


def test_monitoring() -> None:
    stack = _load(CORPUS / "monitoring.yaml")
    config = stack.config()
    exporter = config["services"]["node-exporter"]
    assert exporter["ulimits"] == {
        "nofile": {"soft": 20000, "hard": 40000},
        "nproc": {"soft": 65535, "hard": 65535},
    }
    assert exporter["networks"] == {"monitoring": {"aliases": ["exporter"]}}
    assert exporter["logging"] == {
        "driver": "json-file",
        "options": {"max-size": "10m", "max-file": "3"},
    }
    assert exporter["volumes"][2]["bind"] == {"create_host_path": True, "propagation": "rslave"}
    grafana = config["services"]["grafana"]
    assert grafana["healthcheck"]["interval"] == "1m30s"
    assert grafana["ports"] == [
        {"mode": "host", "target": 3000, "published": "3000", "protocol": "tcp"}
    ]
    assert config["networks"]["frontend"] == {"name": "proxy_net", "external": True, "ipam": {}}
    assert config["networks"]["monitoring"]["ipam"] == {"config": [{"subnet": "172.28.0.0/16"}]}
    assert config["volumes"]["grafana_data"] == {
        "name": "compose_grafana_data",
        "labels": {"backup": "daily"},
    }
    assert "version" not in config and "x-logging" in config
    assert config["services"]["prometheus"]["volumes"][0]["source"] == str(CORPUS / "prometheus")
    options, attachments = create_options(stack, "grafana", 1, container_of={})
    assert options["network"] == "proxy_net"  # created on the first network by name
    assert [(a.network, a.aliases) for a in attachments] == [("compose_monitoring", ["grafana"])]


def test_workers() -> None:
    stack = _load(CORPUS / "workers.yaml")
    assert stack.name == "jobs"
    assert stack.start_order == [["gpu-test", "redis"], ["flower", "migrate"], ["worker"]]
    worker = stack.services["worker"]
    assert worker.replicas == 3 and worker.image == "jobs/worker:latest"
    assert worker.command == ["python", "-m", "app.worker", "--concurrency", "4"]
    migrate = stack.config()["services"]["migrate"]
    assert migrate["build"] == {
        "context": str(CORPUS / "app"),
        "dockerfile": "Dockerfile.migrate",
        "args": {"PYTHON_VERSION": "3.12", "DEBUG": None},
        "target": "migrate",
    }
    assert migrate["depends_on"]["redis"] == {
        "condition": "service_healthy",
        "required": True,
        "restart": True,
    }
    options, _ = create_options(stack, "worker", 2, container_of={})
    assert options["name"] == "jobs-worker-2"
    assert options["nano_cpus"] == 500_000_000
    assert options["mem_limit"] == 256 * 2**20 and options["mem_reservation"] == 128 * 2**20
    assert options["restart_policy"].name == "on-failure"
    assert options["restart_policy"].maximum_retry_count == 5
    assert options["stop_timeout"].total_seconds() == 45 and options["stop_signal"] == "SIGINT"
    redis, _ = create_options(stack, "redis", 1, container_of={})
    assert redis["tmpfs"] == {"/run": "", "/tmp": "size=64m"}
    assert redis["sysctls"] == {"net.core.somaxconn": "1024"}
    gpu, _ = create_options(stack, "gpu-test", 1, container_of={})
    assert gpu["devices"] == ["/dev/fuse:/dev/fuse:rwm", "/dev/kvm:/dev/kvm:rwm"]
    assert sorted(Stack.from_compose(CORPUS / "workers.yaml", env={}).services) == [
        "migrate",
        "redis",
        "worker",
    ]


def test_traefik() -> None:
    stack = _load(CORPUS / "traefik.yaml")
    whoami = stack.config()["services"]["whoami"]
    assert whoami["labels"]["traefik.http.routers.whoami.rule"] == "Host(`whoami.localhost`)"
    assert whoami["extra_hosts"] == ["host.docker.internal:host-gateway", "db.local:10.0.0.5"]
    sidecar, attachments = create_options(
        stack, "sidecar", 1, container_of={"whoami": "traefik-whoami-1"}
    )
    assert sidecar["network_mode"] == "container:traefik-whoami-1" and attachments == []
    assert sidecar["entrypoint"] == ["/bin/sh", "-c"]
    assert sidecar["mem_limit"] == 64 * 2**20 and sidecar["shm_size"] == 128 * 2**20
    assert stack.config()["services"]["sidecar"]["stop_grace_period"] == "500ms"
    traefik, _ = create_options(stack, "traefik", 1, container_of={})
    assert traefik["ports"]["443/tcp"] == [("::1", "8443")]
    assert traefik["volumes"] == ["/var/run/docker.sock:/var/run/docker.sock:ro"]


def test_dev() -> None:
    stack = _load(CORPUS / "dev.yaml")
    app = stack.config()["services"]["app"]
    assert app["command"][-1] == "npm install && exec npm run dev -- --port $PORT"
    assert app["environment"] == {
        "API_URL": "http://localhost:8080/api",
        "QUOTED": "two words",
        "EXPORTED": "yes",
        "NODE_ENV": "development",
        "PORT": "3000",
        "FEATURE_FLAG": "on",
        "SECRET_FROM_SHELL": "s3cret",
    }
    assert [p["published"] for p in app["ports"]] == ["3000", "3001", "3002", "9229", "4000-4010"]
    assert app["healthcheck"] == {"disable": True}
    options, _ = create_options(stack, "app", 1, container_of={})
    assert options["name"] == "dev-app"
    assert options["healthcheck"].test == ["NONE"]
    kinds = [(m.type, m.source) for m in options["mounts"]]
    assert kinds == [
        ("bind", str(CORPUS / "src")),
        ("tmpfs", None),
        ("volume", "compose_node_modules"),
        ("volume", None),
    ]
    assert options["mounts"][1].tmpfs_size == 100 * 2**20
    assert options["mounts"][2].no_copy
