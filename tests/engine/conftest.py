"""Engine tests: a real Docker daemon, test images built locally, cleanup by label.

Every test here is marked ``engine`` and ``anyio``. When no daemon answers,
the session fails at once with instructions instead of skipping: a suite
whose engine tests silently skip would pass while testing nothing.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import anyio
import pytest

import aiocontainers
from aiocontainers import DockerClient
from aiocontainers.testing import SESSION_LABEL, TestSession

from ._leaks import containers, leaked

TEST_LABEL = "aiocontainers.test"
# The run's session label too: the plugin's watchdog removes all of it when the run ends,
# however it ends (aiocontainers.testing).
LABELS = {TEST_LABEL: "1", **TestSession.current().labels}
TEST_IMAGE = "aiocontainers-test/busybox:latest"
REGISTRY = "127.0.0.1:5000"

_ENGINE_DIR = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _ENGINE_DIR in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.engine)
            item.add_marker(pytest.mark.anyio)


async def _check_engine() -> str | None:
    async with aiocontainers.from_env(timeout=10) as client:
        try:
            await client.ping()
            await client.transport.request(
                "GET", "/images/{name}/json", path_args={"name": TEST_IMAGE}
            )
        except aiocontainers.DockerException as exc:
            return str(exc)
    return None


@pytest.fixture(autouse=True)
def _anyio_backend_in_closure(anyio_backend: str) -> str:
    """Puts ``anyio_backend`` in every engine test's fixture closure.

    The ``anyio`` marker above is added after collection, too late for anyio 4.4 (the
    lowest we allow: its plugin looks for the marker only while collecting), which then
    leaves the async fixtures of a test not naming ``anyio_backend`` unhandled.
    """
    return anyio_backend


@pytest.fixture(scope="session", autouse=True)
def _engine_session(request: pytest.FixtureRequest) -> Iterator[None]:
    problem = anyio.run(_check_engine)
    if problem is not None:
        pytest.fail(
            f"Docker engine not usable ({problem}). Run `bash scripts/engine.sh up` "
            f"(it starts dockerd, the registry and builds {TEST_IMAGE}).",
            pytrace=False,
        )
    # After the check: its message is clearer than the watchdog's own failure.
    session = request.getfixturevalue("docker_session")
    # An xdist worker sees the other workers' containers: it checks its own (_leaks.py).
    mine = f"{SESSION_LABEL}={session.id}" if hasattr(request.config, "workerinput") else None
    before = containers(mine)
    yield
    # Runs before the plugin's label sweep: whatever a test created, it must remove.
    found = leaked(before, mine)
    assert not found, f"engine tests left {len(found)} container(s): {found}"


async def _swarm_bridges() -> list[str]:
    async with aiocontainers.from_env(timeout=30) as client:
        return [n.id for n in await client.networks.list(names=["docker_gwbridge"])]


async def _remove_network(network_id: str) -> None:
    async with aiocontainers.from_env(timeout=30) as client:
        try:
            await client.transport.request(
                "DELETE", "/networks/{id}", path_args={"id": network_id}
            )
        except aiocontainers.DockerException:
            pass  # still in use: the module left a swarm it did not make, or none at all


@pytest.fixture(scope="module", autouse=True)
def _no_swarm_bridge_left() -> Iterator[None]:
    """Swarm mode makes ``docker_gwbridge`` from the engine's default pools, and leaving the
    swarm keeps it. The engine hands those pools out in turn, so a bridge left behind could
    hold the subnet a later example asks for by name (the docker-py guide's 192.168.52.0/24):
    a module that made one removes it."""
    existed = anyio.run(_swarm_bridges)
    yield
    if not existed:
        for network_id in anyio.run(_swarm_bridges):
            anyio.run(_remove_network, network_id)


@pytest.fixture
async def client() -> AsyncIterator[DockerClient]:
    """A fresh client per test, closed afterwards.

    Unclosed connections fail the test (warnings are errors), and so do tasks the
    test leaves running behind it: a stream's reader, a health waiter, a pump.
    """
    before = asyncio.all_tasks()
    async with aiocontainers.from_env() as docker:
        yield docker
    gc.collect()
    for _ in range(3):  # let tasks that are finishing finish
        await asyncio.sleep(0)
    stray = [
        task
        for task in asyncio.all_tasks() - before
        if not task.done()
        and task is not asyncio.current_task()
        and "_call_in_runner_task" not in repr(task.get_coro())  # anyio runs the test in one
    ]
    assert not stray, f"tasks left running: {stray}"


@pytest.fixture
def image() -> str:
    """The locally built busybox test image."""
    return TEST_IMAGE


@pytest.fixture
def labels() -> dict[str, str]:
    """Labels every test resource carries (see LABELS)."""
    return dict(LABELS)
