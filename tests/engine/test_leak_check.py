"""The suite's own container leak check (tests/engine/_leaks.py) catches what it must.

Serial: the controller's half compares every container on the engine, so another
test's container appearing meanwhile would count as a leak here.
"""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

import anyio.to_thread
import pytest

from aiocontainers import DockerClient

from ._leaks import ControllerLeakCheck, leaked

pytestmark = pytest.mark.serial


def _session() -> Any:
    plugins = SimpleNamespace(get_plugin=lambda name: None)
    return SimpleNamespace(
        exitstatus=pytest.ExitCode.OK, config=SimpleNamespace(pluginmanager=plugins)
    )


async def test_a_worker_sees_only_its_own_label(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    mine = f"aiocontainers.test.leak={uuid.uuid4().hex}"
    key, value = mine.split("=")
    before = await anyio.to_thread.run_sync(leaked, {}, mine)
    assert before == []
    own = await client.containers.create(image, ["true"], labels={**labels, key: value})
    other = await client.containers.create(image, ["true"], labels=labels)
    try:
        found = await anyio.to_thread.run_sync(leaked, {}, mine)
    finally:
        await own.remove(force=True)
        await other.remove(force=True)
    assert len(found) == 1 and value in found[0]


async def test_the_controller_fails_the_run_on_an_unlabelled_container(
    client: DockerClient, image: str
) -> None:
    check = ControllerLeakCheck()
    await anyio.to_thread.run_sync(
        check.pytest_xdist_node_collection_finished, None, ["tests/unit/a"]
    )
    assert check.before is None  # no engine test in the run: no check
    ids = ["tests/unit/test_a.py::test_a", "tests/engine/test_b.py::test_b"]
    await anyio.to_thread.run_sync(check.pytest_xdist_node_collection_finished, None, ids)
    clean = _session()
    await anyio.to_thread.run_sync(check.pytest_sessionfinish, clean)
    assert clean.exitstatus == pytest.ExitCode.OK
    stray = await client.containers.create(image, ["true"])  # no label, as a leak would be
    try:
        leaky = _session()
        await anyio.to_thread.run_sync(check.pytest_sessionfinish, leaky)
    finally:
        await stray.remove(force=True)
    assert leaky.exitstatus == pytest.ExitCode.TESTS_FAILED
