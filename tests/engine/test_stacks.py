"""client.stacks against the real engine: order, gates, failures, teardown, reconcile."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import anyio
import pytest

import aiocontainers
from aiocontainers import DockerClient, ServiceFailed, Stack
from aiocontainers._streams import parse_timestamp
from aiocontainers.testing import capture_events

# A health check that passes once /tmp/ready exists; the command creates it after a while.
READY_AFTER = "sh -c 'sleep {delay}; touch /tmp/ready; exec sleep 300'"
HEALTH = {"test": ["CMD", "test", "-f", "/tmp/ready"], "interval": "100ms", "retries": 100}


def _name() -> str:
    return f"t{uuid.uuid4().hex[:10]}"


def make_stack(
    labels: dict[str, str],
    services: dict[str, dict[str, Any]],
    *,
    name: str | None = None,
    **extra: Any,
) -> Stack:
    """A stack whose services, networks and volumes all carry the test labels."""
    labelled = {
        key: {
            "stop_grace_period": "1s",
            **config,
            "labels": {**labels, **config.get("labels", {})},
        }
        for key, config in services.items()
    }
    networks = {
        key: {**(config or {}), "labels": labels}
        for key, config in {"default": None, **extra.pop("networks", {})}.items()
    }
    volumes = {
        key: {**(config or {}), "labels": labels}
        for key, config in extra.pop("volumes", {}).items()
    }
    return Stack(name or _name(), labelled, networks=networks, volumes=volumes, **extra)


def _started(container: aiocontainers.Container) -> datetime:
    return parse_timestamp(container.attrs["State"]["StartedAt"])


async def _leftovers(client: DockerClient, name: str) -> list[str]:
    label = {"label": [f"com.docker.compose.project={name}"]}
    found = [c.name or "" for c in await client.containers.list(all=True, filters=label)]
    found += [n.name or "" for n in await client.networks.list(filters=label)]
    return found


async def test_dependency_order_gates_aliases_and_teardown(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    stack = make_stack(
        labels,
        {
            "db": {
                "image": image,
                "command": "sh -c 'sleep 0.5; touch /tmp/ready; exec httpd -f -p 80 -h /etc'",
                "healthcheck": HEALTH,
                "networks": {"default": {"aliases": ["database"]}},
            },
            "migrate": {
                "image": image,
                "command": [
                    "sh",
                    "-c",
                    "wget -qO- http://database/passwd >/dev/null && echo migrated",
                ],
                "depends_on": {"db": {"condition": "service_healthy"}},
            },
            "web": {
                "image": image,
                "command": "sleep 300",
                "deploy": {"replicas": 2},
                "depends_on": {
                    "migrate": {"condition": "service_completed_successfully"},
                    "db": {"condition": "service_healthy"},
                },
            },
            "cache": {"image": image, "command": "sleep 300"},
        },
    )
    async with client.stacks.up(stack) as running:
        db = running.containers("db")[0]
        migrate = running.containers("migrate")[0]
        webs = running.containers("web")
        assert [c.name for c in webs] == [f"{stack.name}-web-1", f"{stack.name}-web-2"]
        await db.reload()
        await migrate.reload()
        assert db.health == "healthy"
        assert migrate.attrs["State"]["ExitCode"] == 0
        finished = parse_timestamp(migrate.attrs["State"]["FinishedAt"])
        assert all(_started(web) > finished for web in webs)
        assert _started(migrate) > _started(db)
        # the independent service did not wait for the others
        assert _started(running.containers("cache")[0]) < finished
        assert [r.line async for r in running.logs(services=["migrate"])] == ["migrated"]
        result = await webs[0].exec_run(["wget", "-qO-", "http://db/group"])
        assert result.exit_code == 0, result.output
        labels_of = webs[1].labels
        assert labels_of["com.docker.compose.project"] == stack.name
        assert labels_of["com.docker.compose.service"] == "web"
        assert labels_of["com.docker.compose.container-number"] == "2"
        assert labels_of["com.docker.compose.oneoff"] == "False"
        names = [c.name for c in await client.stacks.ps(stack.name)]
        assert len(names) == 5 and stack.name in await client.stacks.ls()
    assert await _leftovers(client, stack.name) == []


async def test_a_failed_dependency_names_the_service_and_tears_down(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    stack = make_stack(
        labels,
        {
            "db": {"image": image, "command": "sleep 300"},
            "migrate": {
                "image": image,
                "command": ["sh", "-c", "echo boom >&2; exit 3"],
                "depends_on": ["db"],
            },
            "web": {
                "image": image,
                "command": "sleep 300",
                "depends_on": {"migrate": {"condition": "service_completed_successfully"}},
            },
        },
    )
    with pytest.raises(ServiceFailed) as info:
        await client.stacks.up(stack)
    assert info.value.service == "migrate" and info.value.exit_code == 3
    assert "boom" in info.value.logs and "boom" in str(info.value)
    assert "service 'migrate' exited with code 3" in str(info.value)
    assert await _leftovers(client, stack.name) == []


async def test_an_unhealthy_dependency_fails_fast_and_can_be_kept(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    stack = make_stack(
        labels,
        {
            "db": {
                "image": image,
                "command": "sleep 300",
                "healthcheck": {"test": ["CMD", "false"], "interval": "100ms", "retries": 1},
            },
            "web": {
                "image": image,
                "command": "sleep 300",
                "depends_on": {"db": {"condition": "service_healthy"}},
            },
        },
    )
    with anyio.fail_after(20), pytest.raises(ServiceFailed, match="'db' did not become healthy"):
        await client.stacks.up(stack, keep_on_failure=True)
    kept = await client.stacks.ps(stack.name)
    # every container is created up front (as Compose v2 does); web was never started
    assert [(c.labels["com.docker.compose.service"], c.status) for c in kept] == [
        ("db", "running"),
        ("web", "created"),
    ]
    await client.stacks.down(stack.name)
    assert await _leftovers(client, stack.name) == []


async def test_up_again_keeps_unchanged_and_recreates_changed(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    services: dict[str, dict[str, Any]] = {
        "db": {"image": image, "command": "sleep 300"},
        "web": {"image": image, "command": "sleep 300", "depends_on": ["db"]},
    }
    stack = make_stack(labels, services)
    try:
        first = await client.stacks.up(stack)
        again = await client.stacks.up(stack)
        assert [c.id for c in again.containers()] == [c.id for c in first.containers()]
        changed = make_stack(
            labels,
            {**services, "web": {**services["web"], "command": "sleep 301"}},
            name=stack.name,
        )
        third = await client.stacks.up(changed)
        assert third.containers("db")[0].id == first.containers("db")[0].id
        assert third.containers("web")[0].id != first.containers("web")[0].id
        assert third.containers("web")[0].attrs["Config"]["Cmd"] == ["sleep", "301"]
        assert len(await client.stacks.ps(stack.name)) == 2
    finally:
        async with aiocontainers.from_env() as other:  # found by labels from another client
            await other.stacks.down(stack.name, volumes=True)
    assert await _leftovers(client, stack.name) == []


async def test_scale_restart_and_events(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    stack = make_stack(
        labels,
        {
            "db": {"image": image, "command": "sleep 300"},
            "web": {
                "image": image,
                "command": "sleep 300",
                "depends_on": {"db": {"condition": "service_started", "restart": True}},
            },
        },
    )
    async with client.stacks.up(stack) as running:
        async with running.events() as events:
            web_started = _started(running.containers("web")[0])
            await running.restart("db")
            seen: list[tuple[str, str]] = []
            with anyio.fail_after(20):
                async for event in events:
                    seen.append((event.kind, event.service))
                    if ("restarted", "web") in seen and ("restarted", "db") in seen:
                        break
            assert ("exited", "db") in seen
        await running.containers("web")[0].reload()
        assert _started(running.containers("web")[0]) > web_started  # restart: true follows db
        scaled = await running.scale("web", 3)
        assert [c.name for c in scaled] == [f"{stack.name}-web-{n}" for n in (1, 2, 3)]
        assert scaled[0].id == running.containers("web")[0].id
        assert len(await running.ps()) == 4
        await running.scale("web", 1)
        assert [c.labels["com.docker.compose.container-number"] for c in await running.ps()] == [
            "1",
            "1",
        ]
    assert await _leftovers(client, stack.name) == []


async def test_merged_logs_follow_until_every_container_stops(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    stack = make_stack(
        labels,
        {
            "a": {"image": image, "command": ["sh", "-c", "sleep 0.3; echo a1; echo a2 >&2"]},
            "b": {
                "image": image,
                "command": ["sh", "-c", "sleep 0.3; echo b1"],
                "deploy": {"replicas": 2},
            },
        },
    )
    async with client.stacks.up(stack) as running:
        with anyio.fail_after(20):
            records = [r async for r in running.logs(follow=True)]
    lines = sorted((r.service, r.container, r.stream, r.line) for r in records)
    assert lines == [
        ("a", f"{stack.name}-a-1", "stderr", "a2"),
        ("a", f"{stack.name}-a-1", "stdout", "a1"),
        ("b", f"{stack.name}-b-1", "stdout", "b1"),
        ("b", f"{stack.name}-b-2", "stdout", "b1"),
    ]


async def test_breaking_out_of_logs_frees_everything(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    stack = make_stack(labels, {"chatty": {"image": image, "command": "yes"}})
    async with client.stacks.up(stack) as running:
        async with running.logs(follow=True) as logs:
            async for record in logs:
                assert record.line == "y"
                break


async def test_cancellation_tears_down(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    stack = make_stack(
        labels,
        {
            "db": {"image": image, "command": "sleep 300", "healthcheck": HEALTH},
            "web": {
                "image": image,
                "command": "sleep 300",
                "depends_on": {"db": {"condition": "service_healthy"}},
            },
        },
    )
    with anyio.move_on_after(1.5):  # the health check never passes: cancelled while waiting
        async with client.stacks.up(stack):
            pytest.fail("the stack should not have come up")
    assert await _leftovers(client, stack.name) == []
    with anyio.move_on_after(0.5):  # cancelled inside the block
        async with client.stacks.up(
            make_stack(labels, {"a": {"image": image, "command": "sleep 300"}}, name=stack.name)
        ):
            await anyio.sleep(10)
    assert await _leftovers(client, stack.name) == []


async def test_networks_volumes_and_network_mode(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    stack = make_stack(
        labels,
        {
            "server": {
                "image": image,
                "command": "sh -c 'echo hi > /data/index.html; exec httpd -f -p 8080 -h /data'",
                "volumes": ["data:/data"],
                "networks": {"back": {"ipv4_address": "10.251.7.10", "aliases": ["files"]}},
                "tmpfs": ["/scratch"],
            },
            "probe": {
                "image": image,
                "command": "sleep 300",
                "networks": ["back", "default"],
                "depends_on": ["server"],
            },
            "sidecar": {"image": image, "command": "sleep 300", "network_mode": "service:server"},
        },
        networks={"back": {"ipam": {"config": [{"subnet": "10.251.7.0/24"}]}}},
        volumes={"data": None},
    )
    async with client.stacks.up(stack, down_volumes=True) as running:
        probe = running.containers("probe")[0]
        networks = probe.attrs["NetworkSettings"]["Networks"]
        assert sorted(networks) == sorted([f"{stack.name}_back", f"{stack.name}_default"])
        for target in ("http://files:8080/", "http://10.251.7.10:8080/", "http://server:8080/"):
            result = await probe.exec_run(["wget", "-qO-", target])
            assert result.output == b"hi\n", target
        sidecar = running.containers("sidecar")[0]
        result = await sidecar.exec_run(["wget", "-qO-", "http://127.0.0.1:8080/"])
        assert result.output == b"hi\n"
        volume = await client.volumes.get(f"{stack.name}_data")
        assert volume.attrs["Labels"]["com.docker.compose.volume"] == "data"
    assert await client.volumes.list(filters={"name": f"{stack.name}_data"}) == []


async def test_teardown_kills_and_removes_in_one_call_what_nothing_waits_for(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    """``db`` stops with SIGKILL and waits for nobody: after ``app`` (which depends on it)
    has stopped, one forced removal ends it; ``app`` keeps its stop (its grace runs out:
    ``sleep`` as PID 1 ignores SIGTERM), then its removal."""
    stack = make_stack(
        labels,
        {
            "db": {"image": image, "command": "sleep 300", "stop_signal": "SIGKILL"},
            "app": {"image": image, "command": "sleep 300", "depends_on": ["db"]},
        },
    )
    running = await client.stacks.up(stack)
    ids = {key: running.containers(key)[0].id for key in ("db", "app")}
    with capture_events() as events:
        await client.stacks.down(stack.name)
    calls = [
        (key, e["method"], e["path"])
        for e in events
        if e["event"] == "docker.request"
        for key, id_ in ids.items()
        if e.get("id") == id_ and e["method"] != "GET"
    ]
    assert [call for call in calls if call[0] == "db"] == [("db", "DELETE", "/containers/{id}")]
    assert [call for call in calls if call[0] == "app"] == [
        ("app", "POST", "/containers/{id}/stop"),
        ("app", "DELETE", "/containers/{id}"),
    ]
    assert calls.index(("app", "POST", "/containers/{id}/stop")) < calls.index(
        ("db", "DELETE", "/containers/{id}")
    )
    assert await _leftovers(client, stack.name) == []
