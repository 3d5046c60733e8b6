"""client.stacks.deploy() on the single-node swarm: specs, convergence, failures, rm.

The module-scoped ``swarm`` fixture (from test_swarm.py) makes the engine a
single-node swarm for this module and leaves it at the end. This kernel has no
IPVS, so a service's virtual IP does not route: services that are reached by
name use ``endpoint_mode: dnsrr`` (the name resolves to the tasks' addresses).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import anyio
import pytest

import aiocontainers
from aiocontainers import ComposeError, DeployedStack, DockerClient, ServiceFailed, Stack
from aiocontainers._streams import parse_timestamp

from .conftest import TEST_IMAGE
from .test_cli import run_cli, write_compose
from .test_stacks import make_stack
from .test_swarm import SwarmSetup, swarm

__all__ = ["swarm"]

pytestmark = [pytest.mark.timeout(120), pytest.mark.serial]  # the engine has one swarm

HEALTH = {"test": ["CMD", "test", "-f", "/tmp/ready"], "interval": "100ms", "retries": 100}


def _name() -> str:
    return f"s{uuid.uuid4().hex[:8]}"


def swarm_stack(
    labels: dict[str, str],
    services: dict[str, dict[str, Any]],
    *,
    name: str | None = None,
    **extra: Any,
) -> Stack:
    """A labelled stack of the test image (see test_stacks.make_stack)."""
    with_image = {key: {"image": TEST_IMAGE, **config} for key, config in services.items()}
    return make_stack(labels, with_image, name=name or _name(), **extra)


async def _leftovers(client: DockerClient, name: str) -> list[str]:
    label = {"label": [f"com.docker.stack.namespace={name}"]}
    found = [f"service {s.name}" for s in await client.services.list(filters=label)]
    found += [f"network {n.name}" for n in await client.networks.list(filters=label)]
    found += [f"secret {s.name}" for s in await client.secrets.list(filters=label)]
    found += [f"config {c.name}" for c in await client.configs.list(filters=label)]
    found += [f"container {c.name}" for c in await client.containers.list(all=True, filters=label)]
    return found


async def _task_container(
    client: DockerClient, deployed: DeployedStack, key: str
) -> aiocontainers.Container:
    [task] = [
        t for t in await deployed.tasks(key, running=True) if t["Status"]["State"] == "running"
    ]
    return await client.containers.get(task["Status"]["ContainerStatus"]["ContainerID"])


async def test_deploy_converges_with_gates_secrets_configs_and_rm(
    client: DockerClient, swarm: SwarmSetup, labels: dict[str, str], tmp_path: Path
) -> None:
    token = tmp_path / "token.txt"
    token.write_text("s3cret\n")
    stack = swarm_stack(
        labels,
        {
            "db": {
                "command": "sh -c 'sleep 0.5; touch /tmp/ready; exec httpd -f -p 80 -h /etc'",
                "healthcheck": HEALTH,
                "deploy": {"endpoint_mode": "dnsrr", "labels": {"tier": "data"}},
                "secrets": ["token", {"source": "password", "target": "db-pass", "mode": 0o400}],
            },
            "web": {
                "command": "sleep 300",
                "environment": {"GREETING": "hi"},
                "depends_on": {"db": {"condition": "service_healthy"}},
                "configs": [{"source": "settings", "target": "/etc/web.conf"}],
                "deploy": {
                    "replicas": 2,
                    "update_config": {"parallelism": 2, "delay": "1s", "order": "start-first"},
                    "restart_policy": {"condition": "on-failure", "max_attempts": 3},
                    "resources": {"limits": {"cpus": "0.5", "memory": "64M"}},
                    "placement": {"constraints": ["node.role==manager"]},
                },
            },
        },
        secrets={"token": {"file": str(token)}, "password": {"environment": "DB_PASSWORD"}},
        configs={"settings": {"content": "level=debug\n"}},
        environment={"DB_PASSWORD": "hunter2"},
    )
    deployed = await client.stacks.deploy(stack, timeout=60)
    try:
        assert isinstance(deployed, DeployedStack)
        db, web = deployed.service("db"), deployed.service("web")
        assert [s.name for s in await client.stacks.services(stack.name)] == [
            f"{stack.name}_db",
            f"{stack.name}_web",
        ]
        spec = web.attrs["Spec"]
        assert spec["Labels"]["com.docker.stack.namespace"] == stack.name
        assert spec["Mode"] == {"Replicated": {"Replicas": 2}}
        assert spec["UpdateConfig"]["Parallelism"] == 2
        assert spec["UpdateConfig"]["Delay"] == 1_000_000_000
        assert spec["UpdateConfig"]["Order"] == "start-first"
        template = spec["TaskTemplate"]
        assert template["RestartPolicy"]["Condition"] == "on-failure"
        assert template["RestartPolicy"]["MaxAttempts"] == 3
        assert template["Resources"]["Limits"] == {
            "NanoCPUs": 500_000_000,
            "MemoryBytes": 64 * 2**20,
        }
        assert template["Placement"]["Constraints"] == ["node.role==manager"]
        assert template["ContainerSpec"]["Args"] == ["sleep", "300"]
        assert template["ContainerSpec"]["Labels"]["com.docker.stack.namespace"] == stack.name
        assert db.attrs["Spec"]["Labels"]["tier"] == "data"
        assert db.attrs["Spec"]["EndpointSpec"]["Mode"] == "dnsrr"
        [network] = template["Networks"]
        assert network["Aliases"] == ["web"]
        overlay = await client.networks.get(f"{stack.name}_default")
        assert overlay.attrs["Driver"] == "overlay"
        assert overlay.attrs["Labels"]["com.docker.stack.namespace"] == stack.name

        running = [
            t
            for t in await deployed.tasks("web", running=True)
            if t["Status"]["State"] == "running"
        ]
        assert len(running) == 2
        # web started once db was healthy: its tasks were created after db's task ran
        [db_task] = await deployed.tasks("db", running=True)
        db_running = parse_timestamp(db_task["Status"]["Timestamp"])
        assert all(parse_timestamp(t["CreatedAt"]) >= db_running for t in running)

        db_container = await _task_container(client, deployed, "db")
        assert (await db_container.exec_run(["cat", "/run/secrets/token"])).output == b"s3cret\n"
        secret = await db_container.exec_run(
            ["sh", "-c", "cat /run/secrets/db-pass; stat -c %a /run/secrets/db-pass"]
        )
        assert secret.output == b"hunter2400\n"
        web_container = (
            await client.containers.list(
                filters={"id": running[0]["Status"]["ContainerStatus"]["ContainerID"]}
            )
        )[0]
        assert (await web_container.exec_run(["cat", "/etc/web.conf"])).output == b"level=debug\n"
        # services find each other by name on the stack's overlay network
        page = await web_container.exec_run(["wget", "-qO-", "http://db/hostname"])
        assert page.exit_code == 0, page.output
    finally:
        await client.stacks.rm(stack.name)
    assert await _leftovers(client, stack.name) == []


async def test_a_failing_task_names_the_service(
    client: DockerClient, swarm: SwarmSetup, labels: dict[str, str]
) -> None:
    stack = swarm_stack(
        labels,
        {
            "ok": {"command": "sleep 300"},
            "bad": {
                "command": ["sh", "-c", "echo boom; exit 3"],
                "deploy": {"restart_policy": {"condition": "none"}},
            },
        },
    )
    with pytest.raises(ServiceFailed) as info:
        async with client.stacks.deploy(stack, timeout=60):
            pytest.fail("the stack should not have converged")
    assert info.value.service == "bad" and info.value.exit_code == 3
    assert "task: non-zero exit (3)" in str(info.value)
    assert "boom" in info.value.logs
    assert [s.name for s in await client.stacks.services(stack.name)] != []  # left for rm()
    await client.stacks.rm(stack.name)
    assert await _leftovers(client, stack.name) == []


async def test_a_missing_image_and_a_stuck_placement_are_reported(
    client: DockerClient, swarm: SwarmSetup, labels: dict[str, str]
) -> None:
    missing = swarm_stack(labels, {"ghost": {"image": "aiocontainers-test/no-such-image:1"}})
    try:
        with pytest.raises(ServiceFailed, match="No such image") as info:
            await client.stacks.deploy(missing, timeout=60)
        assert info.value.service == "ghost"
    finally:
        await client.stacks.rm(missing.name)
    stuck = swarm_stack(
        labels,
        {
            "nowhere": {
                "command": "sleep 300",
                "deploy": {"placement": {"constraints": ["node.labels.aioc-absent==yes"]}},
            }
        },
    )
    try:
        with anyio.fail_after(30), pytest.raises(ServiceFailed) as info:
            await client.stacks.deploy(stuck, timeout=3)
        assert info.value.service == "nowhere"
        assert "did not converge within 3.0 s: 0/1 tasks up" in str(info.value)
        assert "no suitable node" in str(info.value)
    finally:
        await client.stacks.rm(stuck.name)
    assert await _leftovers(client, missing.name) + await _leftovers(client, stuck.name) == []


async def test_redeploy_updates_prunes_and_waits_for_completion(
    client: DockerClient, swarm: SwarmSetup, labels: dict[str, str]
) -> None:
    name = _name()
    stored = {
        "secrets": {"key": {"environment": "KEY"}},
        "configs": {"conf": {"content": "v1"}},
        "environment": {"KEY": "k1"},
    }
    migrate = {
        "command": ["sh", "-c", "sleep 1; echo migrated"],
        "deploy": {"restart_policy": {"condition": "none"}},
    }
    first = swarm_stack(
        labels,
        {
            "migrate": migrate,
            "app": {
                "command": "sleep 300",
                "depends_on": {"migrate": {"condition": "service_completed_successfully"}},
                "secrets": ["key"],
                "configs": ["conf"],
            },
            "extra": {"command": "sleep 300", "deploy": {"mode": "global"}},
        },
        name=name,
        **stored,
    )
    async with client.stacks.deploy(first, timeout=60) as deployed:
        [migrated] = await deployed.tasks("migrate")
        assert migrated["Status"]["State"] == "complete"
        [app_task] = await deployed.tasks("app")
        assert parse_timestamp(app_task["CreatedAt"]) >= parse_timestamp(
            migrated["Status"]["Timestamp"]
        )
        assert deployed.service("extra").attrs["Spec"]["Mode"] == {"Global": {}}
        version = deployed.service("app").version

        changed = swarm_stack(
            labels,
            {
                "migrate": migrate,
                "app": {"command": "sleep 301", "secrets": ["key"], "configs": ["conf"]},
            },
            name=name,
            **stored,
        )
        [secret] = await client.secrets.list(filters={"name": f"{name}_key"})
        again = await client.stacks.deploy(changed, timeout=60, prune=True)
        assert [s.id for s in await client.secrets.list(filters={"name": f"{name}_key"})] == [
            secret.id
        ]  # reused
        app = again.service("app")
        assert app.id == deployed.service("app").id and app.version > version
        assert app.attrs["Spec"]["TaskTemplate"]["ContainerSpec"]["Args"] == ["sleep", "301"]
        current = [
            t for t in await again.tasks("app", running=True) if t["Status"]["State"] == "running"
        ]
        assert [t["Spec"]["ContainerSpec"]["Args"] for t in current] == [["sleep", "301"]]
        assert [s.name for s in await client.stacks.services(name)] == [
            f"{name}_app",
            f"{name}_migrate",
        ]
        new_content = swarm_stack(
            labels,
            {"app": {"command": "sleep 301", "configs": ["conf"]}},
            name=name,
            configs={"conf": {"content": "v2"}},
        )
        with pytest.raises(ComposeError, match="exists with other content"):
            await client.stacks.deploy(new_content, timeout=60)
    assert await _leftovers(client, name) == []


async def test_sync_face_deploys_and_removes(swarm: SwarmSetup, labels: dict[str, str]) -> None:
    stack = swarm_stack(labels, {"one": {"command": "sleep 300"}})

    def body() -> list[str]:
        from aiocontainers import sync

        client = sync.from_env()
        try:
            with client.stacks.deploy(stack, timeout=60) as deployed:
                assert isinstance(deployed, sync.DeployedStack)
                assert isinstance(deployed.service("one"), sync.Service)
                return [t["Status"]["State"] for t in deployed.tasks("one", running=True)]
        finally:
            client.close()

    assert await anyio.to_thread.run_sync(body) == ["running"]
    async with aiocontainers.from_env() as client:
        assert await _leftovers(client, stack.name) == []


async def test_the_command_line_deploys_and_removes(
    client: DockerClient, swarm: SwarmSetup, labels: dict[str, str], tmp_path: Path
) -> None:
    name = _name()
    compose = write_compose(
        tmp_path, labels, {"api": {"command": "sleep 300", "deploy": {"replicas": 2}}}
    )
    deployed = await run_cli("deploy", "-f", str(compose), "-p", name, "-t", "60")
    assert deployed.returncode == 0, deployed.stderr
    assert f"✔ {name}_api 2 task(s) up" in deployed.stderr
    assert [s.name for s in await client.stacks.services(name)] == [f"{name}_api"]
    removed = await run_cli("rm", "-p", name)
    assert removed.returncode == 0 and f"stack {name} removed" in removed.stderr
    assert await _leftovers(client, name) == []
