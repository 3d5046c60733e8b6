"""The sync shim against the engine: docker-py's calls and results, blocking.

Each test's body is blocking code run in a worker thread (as a sync program
would run it); the test function itself is async only for the suite's fixtures.
"""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import anyio
import pytest

from aiocontainers import sync as docker
from aiocontainers.sync import PortalClosed

from .conftest import LABELS, TEST_IMAGE

pytestmark = pytest.mark.anyio

T = TypeVar("T")


async def blocking(fn: Callable[[], T]) -> T:
    return await anyio.to_thread.run_sync(fn)


@pytest.fixture
def sync_client() -> Iterator[Any]:
    client = docker.from_env()
    yield client
    for container in client.containers.list(all=True, filters={"label": "sync-test=1"}):
        container.remove(force=True)
    client.close()
    gc.collect()


LBL = {**LABELS, "sync-test": "1"}


def _run(client: Any, command: str | list[str], **kwargs: Any) -> Any:
    return client.containers.run(TEST_IMAGE, command, detach=True, labels=LBL, **kwargs)


async def test_container_lifecycle_logs_and_exec(sync_client: Any) -> None:
    def body() -> None:
        container = _run(sync_client, ["sh", "-c", "echo one; echo two >&2; sleep 60"])
        assert isinstance(container, docker.Container)
        assert container.client is not None and container.short_id == container.id[:12]
        container.reload()
        assert container.status == "running"
        assert sync_client.containers.get(container.id) == container

        result = container.exec_run("sh -c 'echo out; echo err >&2; exit 3'", demux=True)
        assert result.exit_code == 3 and result.output == (b"out\n", b"err\n")
        stream = container.exec_run(["sh", "-c", "echo a; echo b"], stream=True)
        assert stream.exit_code is None  # docker-py's ExecResult while streaming
        assert b"".join(stream.output) == b"a\nb\n"
        assert stream.output.exit_code == 0

        lines = container.logs(stream=True, follow=True)
        first = [next(lines), next(lines)]
        assert sorted(first) == [b"one\n", b"two\n"]
        lines.close()  # a followed stream of a running container: closing ends it
        assert container.logs() in (b"one\ntwo\n", b"two\none\n")

        container.kill()
        assert container.wait(timeout=30)["StatusCode"] == 137
        container.remove()
        with pytest.raises(docker.errors.NotFound):
            container.reload()

    await blocking(body)


async def test_run_in_foreground_and_container_error(sync_client: Any) -> None:
    def body() -> None:
        out = sync_client.containers.run(TEST_IMAGE, "echo hi", remove=True, labels=LBL)
        assert out == b"hi\n"
        with pytest.raises(docker.errors.ContainerError) as caught:
            sync_client.containers.run(TEST_IMAGE, "sh -c 'exit 4'", labels=LBL)
        assert caught.value.exit_status == 4
        # The exception's container is a sync object too.
        assert isinstance(caught.value.container, docker.Container)
        caught.value.container.remove()

        lines = list(
            sync_client.containers.run(
                TEST_IMAGE, ["sh", "-c", "echo x; echo y"], stream=True, remove=True, labels=LBL
            )
        )
        assert lines == [b"x\n", b"y\n"]

    await blocking(body)


async def test_networks_take_sync_containers(sync_client: Any) -> None:
    def body() -> None:
        container = _run(sync_client, "sleep 60")
        network = sync_client.networks.create("aiocontainers-sync-net", labels=LABELS)
        try:
            network.connect(container, aliases=["web"])
            network.reload()
            assert [c.id for c in network.containers] == [container.id]
            assert isinstance(network.containers[0], docker.Container)
            network.disconnect(container)
        finally:
            network.remove()

    await blocking(body)


async def test_build_returns_image_and_log(sync_client: Any) -> None:
    def body() -> None:
        dockerfile = f"FROM {TEST_IMAGE}\nLABEL sync-test=1\n".encode()
        image, log = sync_client.images.build(fileobj=dockerfile, labels=LABELS)
        assert isinstance(image, docker.Image)
        assert isinstance(log, list) and all(isinstance(entry, dict) for entry in log)
        assert image.labels.get("sync-test") == "1"
        progress = list(sync_client.images.build_stream(fileobj=dockerfile, labels=LABELS))
        assert any("aux" in entry for entry in progress)

    await blocking(body)


async def test_events_iterator_closes(sync_client: Any) -> None:
    def body() -> None:
        # since: the stream opens on the first next(), maybe after `true` has exited
        events = sync_client.events(
            decode=True, since=time.time(), filters={"label": "sync-test=1"}
        )
        container = _run(sync_client, "true")
        first = next(events)
        assert first["Actor"]["ID"] == container.id
        events.close()
        with pytest.raises(StopIteration):
            next(events)
        container.wait()

    await blocking(body)


async def test_wait_until_healthy(sync_client: Any) -> None:
    def body() -> None:
        container = _run(
            sync_client,
            "sleep 60",
            healthcheck=docker.types.Healthcheck(test=["CMD", "true"], interval=300_000_000),
        )
        docker.wait_until_healthy(container, timeout=30)
        assert container.health == "healthy"  # attrs are fresh afterwards

    await blocking(body)


async def test_eight_threads_at_once(sync_client: Any) -> None:
    container = await blocking(lambda: _run(sync_client, "sleep 60"))

    def worker(n: int) -> list[int]:
        codes = []
        for _ in range(5):
            assert sync_client.ping() is True
            codes.append(container.exec_run(["sh", "-c", f"exit {n}"]).exit_code)
            assert sync_client.containers.get(container.id).id == container.id
        return codes

    def body() -> list[list[int]]:
        with ThreadPoolExecutor(8) as pool:
            return list(pool.map(worker, range(8)))

    assert await blocking(body) == [[n] * 5 for n in range(8)]


async def test_called_from_code_running_under_asyncio_run() -> None:
    """Legacy sync code inside an async app: the caller's loop blocks, nothing deadlocks."""

    def body() -> bool:
        async def app() -> bool:
            with docker.from_env() as client:
                ok: bool = client.ping()
                return ok and bool(client.version()["ApiVersion"])

        return asyncio.run(app())

    assert await blocking(body) is True


async def test_client_lifecycle() -> None:
    def body() -> None:
        with docker.DockerClient() as client:
            assert isinstance(client, docker.DockerClient)
            assert client.ping() is True
            collection = client.containers
        with pytest.raises(PortalClosed):
            client.ping()
        with pytest.raises(PortalClosed):
            collection.list()
        client.close()  # twice is a no-op

        # A client nobody closes stops its loop thread once it is garbage.
        threads = {t for t in threading.enumerate() if t.name == "aiocontainers-sync"}
        docker.from_env().ping()
        gc.collect()
        assert {t for t in threading.enumerate() if t.name == "aiocontainers-sync"} <= threads

    await blocking(body)
