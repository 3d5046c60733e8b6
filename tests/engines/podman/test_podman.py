"""On Podman (``nox -s podman``): detection, the health-check limitation said out loud, and
the seed guide's examples, where the sync shim must pass every one docker-py passes.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import anyio
import docker.errors
import pytest

import aiocontainers
from aiocontainers import DockerClient, NotReady, errors
from aiocontainers import sync as shim
from aiocontainers._engine import PODMAN, engine_product
from aiocontainers.types import Healthcheck
from tests.engine import test_seed_examples as seed
from tests.engine.conftest import LABELS, TEST_IMAGE
from tests.seed._blocks import SeedBlock

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.engine,
    pytest.mark.filterwarnings("ignore:datetime.datetime.utcnow:DeprecationWarning"),
]


@pytest.fixture
async def client() -> AsyncIterator[DockerClient]:
    async with aiocontainers.from_env() as podman:
        if await engine_product(podman.transport) != PODMAN:
            pytest.fail(f"{podman.base_url} is not Podman: run these tests with nox -s podman")
        yield podman


async def test_podman_is_detected_from_its_version_answer(client: DockerClient) -> None:
    version = await client.version()
    assert version["Components"][0]["Name"] == "Podman Engine"
    assert await client.api_version() == "1.41"


async def test_wait_until_healthy_says_that_no_health_check_runs(client: DockerClient) -> None:
    check = Healthcheck(test=["CMD", "true"], interval=0.5, timeout=1)
    container = await client.containers.run(
        TEST_IMAGE, "sleep 60", detach=True, labels=LABELS, healthcheck=check
    )
    try:
        with anyio.fail_after(30), pytest.raises(NotReady) as caught:
            await aiocontainers.wait_until_healthy(container, timeout=None)
        message = str(caught.value)
        assert "no health check has reported, though the first was due" in message
        assert "this Podman runs no health checks" in message
        assert caught.value.container.id == container.id
    finally:
        await container.remove(force=True)


# -- the seed guide's examples, with each library --------------------------------------

# The examples' own failing statements (the harness's EXPECTED): any API error counts, for
# both libraries, since Podman's status codes differ from Docker's (500 where Docker's 409).
SHIM_EXPECTED: dict[int, dict[str, type[BaseException]]] = {
    index: dict.fromkeys(entries, errors.APIError) for index, entries in seed.EXPECTED.items()
}
DOCKER_PY_EXPECTED: dict[int, dict[str, type[BaseException]]] = {
    index: dict.fromkeys(entries, docker.errors.APIError)
    for index, entries in seed.EXPECTED.items()
}


# docker-py connects when a client is created: example 0's would reach 192.168.1.10, an
# address no test may contact. It counts as not passed.
DOCKER_PY_NOT_RUN = {0}


def _remove(container: Any) -> None:
    """Force-remove; Podman refuses a container that is stopping at that moment ("could not
    be stopped: container state improper"), so a refusal is retried a few times."""
    for attempt in range(5):
        try:
            container.remove(force=True, v=True)
            return
        except errors.NotFound:
            return
        except errors.APIError:
            if attempt == 4:
                raise
            time.sleep(0.5)


def _passes(block: SeedBlock, cleaner: Any) -> bool:
    """Whether the example runs; every container it made is removed afterwards (the
    harness picks them by image name, which Podman qualifies: localhost/busybox)."""
    before = {c.id for c in cleaner.containers.list(all=True, sparse=True)}
    snapshot = seed._Snapshot(cleaner)
    try:
        seed._in_thread(block)
    except Exception:
        return False
    finally:
        for container in cleaner.containers.list(all=True, sparse=True):
            if container.id not in before:
                _remove(container)
        snapshot.remove_new(cleaner)
    return True


# The guide's examples never close docker-py's clients; their sockets close when collected.
@pytest.mark.timeout(600)  # 32 example runs
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
async def test_seed_examples_pass_at_least_where_docker_py_passes(
    stand_in_image: None, host_paths: None, monkeypatch: pytest.MonkeyPatch, request: Any
) -> None:
    monkeypatch.setattr(seed, "EXPECTED", SHIM_EXPECTED)
    with shim.from_env() as cleaner:
        ours = {
            b.index for b in seed.BLOCKS if await anyio.to_thread.run_sync(_passes, b, cleaner)
        }
        monkeypatch.setattr(seed, "port", lambda source: source)  # the examples as written
        monkeypatch.setattr(seed, "EXPECTED", DOCKER_PY_EXPECTED)
        theirs = {
            b.index
            for b in seed.BLOCKS
            if b.index not in DOCKER_PY_NOT_RUN
            and await anyio.to_thread.run_sync(_passes, b, cleaner)
        }
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(
            f"seed examples on Podman: aiocontainers.sync {len(ours)}/{len(seed.BLOCKS)} "
            f"{sorted(ours)}, docker-py {len(theirs)}/{len(seed.BLOCKS)} {sorted(theirs)} "
            f"(not run with docker-py: {sorted(DOCKER_PY_NOT_RUN)})"
        )
    assert theirs <= ours, f"docker-py passes examples the shim fails: {sorted(theirs - ours)}"


# The harness's fixtures: its sync client, the stand-in image, the bind-mount sources.
seed_client, stand_in_image, host_paths = seed.seed_client, seed.stand_in_image, seed.host_paths
