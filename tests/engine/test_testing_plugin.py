"""The pytest plugin's cleanup guarantee and the event-capture helper."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import anyio
import structlog

import aiocontainers
from aiocontainers import DockerClient
from aiocontainers.testing import (
    PID_LABEL,
    SESSION_LABEL,
    TestSession,
    capture_events,
    reap_orphans,
)

from .conftest import TEST_IMAGE


async def _exists(client: DockerClient, container_id: str) -> bool:
    try:
        await client.containers.get(container_id)
    except aiocontainers.NotFound:
        return False
    return True


async def test_docker_run_fixture_removes_its_containers(
    client: DockerClient, tmp_path: Path
) -> None:
    record = tmp_path / "ids.txt"
    (tmp_path / "test_inner.py").write_text(
        textwrap.dedent(
            f"""
            import pytest

            @pytest.mark.anyio
            async def test_runs(docker_run, docker_labels):
                c = await docker_run({TEST_IMAGE!r}, ["sleep", "30"])
                await c.reload()
                assert c.status == "running"
                assert c.labels[{SESSION_LABEL!r}] == docker_labels[{SESSION_LABEL!r}]
                open({str(record)!r}, "w").write(c.id)

            @pytest.fixture
            def anyio_backend():
                return "asyncio"
            """
        )
    )
    result = await anyio.run_process(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout.decode()
    container_id = record.read_text()
    assert container_id
    assert not await _exists(client, container_id)


async def test_resources_of_a_dead_run_are_reaped(
    client: DockerClient, labels: dict[str, str]
) -> None:
    # A process that exits without cleaning up, like a test run killed with SIGKILL.
    script = textwrap.dedent(
        f"""
        import anyio, aiocontainers
        from aiocontainers.testing import TestSession

        async def main():
            async with aiocontainers.from_env() as client:
                labels = {{**TestSession().labels, "aiocontainers.test": "1"}}
                c = await client.containers.create({TEST_IMAGE!r}, ["sleep", "30"], labels=labels)
                v = await client.volumes.create(labels=labels)
                print(c.id, v.name)

        anyio.run(main)
        """
    )
    result = await anyio.run_process([sys.executable, "-c", script])
    orphan_container, orphan_volume = result.stdout.decode().split()

    alive = TestSession()  # this process: alive, so its resources must survive
    survivor = await client.containers.create(
        TEST_IMAGE, ["sleep", "30"], labels={**labels, **alive.labels}
    )

    report = await reap_orphans(client)

    assert orphan_container in report.containers
    assert orphan_volume in report.volumes
    assert not await _exists(client, orphan_container)
    assert await _exists(client, survivor.id)
    assert survivor.labels[PID_LABEL] == str(alive.pid)
    await survivor.remove(force=True)


async def test_capture_events_sees_each_daemon_call(client: DockerClient) -> None:
    with capture_events() as events:
        await client.ping()
        structlog.get_logger("app").info("not ours")
        await client.info()
    assert [(e["event"], e["method"], e["path"], e["status"]) for e in events] == [
        ("docker.request", "GET", "/_ping", 200),
        ("docker.request", "GET", "/version", 200),  # the one-time version probe
        ("docker.request", "GET", "/info", 200),
    ]
