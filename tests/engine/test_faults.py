"""Faults around the real engine: starvation, cut and stalled connections, lost answers.

The engine behaves normally; the fault proxy (tests/faults.py) breaks the wire
in front of it where a healthy engine never would: cutting a stream at a byte
offset, stalling before the headers or mid-body, dropping the answer to a
create the daemon carried out.
"""

from __future__ import annotations

import contextlib
import struct
import time
from collections.abc import AsyncIterator

import anyio
import pytest

from aiocontainers import Container, DockerClient, StreamError, Timeout
from aiocontainers._resources.containers import CANCEL_GRACE, CREATE_TOKEN_LABEL
from tests.faults import FaultProxy, fault_proxy

__all__ = ["fault_proxy"]  # fixtures, imported for use here


def frame(data: bytes) -> bytes:
    return struct.pack(">BxxxL", 1, len(data)) + data


@pytest.fixture
async def sleeper(
    client: DockerClient, image: str, labels: dict[str, str]
) -> AsyncIterator[Container]:
    container = await client.containers.run(
        image,
        ["sh", "-c", "while :; do echo tick; sleep 0.2; done"],
        detach=True,
        labels=labels,
    )
    yield container
    await container.remove(force=True)


@pytest.fixture
def proxy(client: DockerClient, fault_proxy: FaultProxy) -> FaultProxy:
    """The fault proxy, stopped before ``client`` checks that no task is left behind."""
    return fault_proxy


@pytest.fixture
async def proxied(proxy: FaultProxy) -> AsyncIterator[DockerClient]:
    """A client talking to the engine through the fault proxy (timeout 2 s)."""
    async with DockerClient(proxy.url, timeout=2) as client:
        yield client


async def through(client: DockerClient, container: Container) -> Container:
    return await client.containers.get(container.id)


async def labelled(client: DockerClient, labels: dict[str, str]) -> list[str]:
    found = await client.containers.list(
        all=True, sparse=True, filters={"label": [f"{k}={v}" for k, v in labels.items()]}
    )
    return [c.id for c in found]


# -- no starvation at default settings ------------------------------------------------


async def test_followed_logs_and_events_never_starve_a_default_client(
    client: DockerClient, sleeper: Container
) -> None:
    """Ten followed log streams (the issue's FastAPI service) and ten event streams."""
    async with contextlib.AsyncExitStack() as stack:
        with anyio.fail_after(20):
            for _ in range(12):
                logs = await stack.enter_async_context(sleeper.logs(stream=True, follow=True))
                assert await logs.__anext__() == b"tick\n"
            for _ in range(12):
                await stack.enter_async_context(client.events())
            start = time.monotonic()
            assert await client.ping()
            await sleeper.reload()
            assert time.monotonic() - start < 2
    assert client.transport.http.connections_in_use == 0


# -- truthful endings -------------------------------------------------------------------

OUTPUT_THEN_RUN = ["sh", "-c", "echo a; sleep 5; echo b"]


async def test_exec_output_cut_while_the_command_runs_raises(
    proxied: DockerClient, proxy: FaultProxy, sleeper: Container
) -> None:
    proxy.add("cut", r"/exec/.*/start", at=len(frame(b"a\n")), times=None)
    container = await through(proxied, sleeper)
    with anyio.fail_after(15):
        with pytest.raises(StreamError, match="still running"):
            await container.exec_run(OUTPUT_THEN_RUN)  # never ExecResult(None, b"a\n")
        _, stream = await container.exec_run(OUTPUT_THEN_RUN, stream=True)
        assert await stream.__anext__() == b"a\n"
        with pytest.raises(StreamError, match="still running"):
            await stream.__anext__()
        assert stream.exit_code is None
        interactive = await container.exec_interactive(OUTPUT_THEN_RUN)
        assert await interactive.__anext__() == b"a\n"
        with pytest.raises(StreamError, match="still running"):
            await interactive.__anext__()


async def test_exec_output_not_cut_ends_with_the_exit_code(
    proxied: DockerClient, sleeper: Container
) -> None:
    container = await through(proxied, sleeper)
    with anyio.fail_after(15):
        assert await container.exec_run(["sh", "-c", "echo a; exit 3"]) == (3, b"a\n")


async def test_attach_cut_while_the_container_runs_raises(
    proxied: DockerClient, proxy: FaultProxy, client: DockerClient, sleeper: Container
) -> None:
    proxy.add("cut", r"/attach", at=len(frame(b"tick\n")), times=None)
    container = await through(proxied, sleeper)
    with anyio.fail_after(15):
        stream = container.attach(stream=True)
        assert await stream.__anext__() == b"tick\n"
        with pytest.raises(StreamError, match="still running"):
            await stream.__anext__()


# -- deadlines --------------------------------------------------------------------------


async def test_a_stream_whose_headers_never_come_times_out(
    proxied: DockerClient, proxy: FaultProxy, sleeper: Container
) -> None:
    proxy.add("stall", r"/logs")
    container = await through(proxied, sleeper)
    start = time.monotonic()
    with pytest.raises(Timeout, match=r"no answer within 2\.0 s"):
        async for _ in container.logs(stream=True, follow=True):
            pass
    assert time.monotonic() - start < 4


async def test_an_archive_stalled_mid_body_times_out(
    proxied: DockerClient, proxy: FaultProxy, sleeper: Container, tmp_path: object
) -> None:
    proxy.add("stall_body", r"/archive", at=8192)
    container = await through(proxied, sleeper)
    start = time.monotonic()
    with pytest.raises(Timeout, match=r"sent nothing for 2 s"):
        await container.copy_from("/bin/busybox", str(tmp_path))
    assert time.monotonic() - start < 6


# -- creates whose answer is lost ---------------------------------------------------


async def test_a_lost_create_answer_leaves_no_orphan_and_says_so(
    proxied: DockerClient,
    proxy: FaultProxy,
    client: DockerClient,
    image: str,
    labels: dict[str, str],
) -> None:
    proxy.add("drop_answer", r"/containers/create", method="POST")
    with pytest.raises(StreamError, match="may have created the container") as info:
        await proxied.containers.run(image, "sleep 30", detach=True, labels=labels)
    assert "and removed it" in str(info.value) and CREATE_TOKEN_LABEL in str(info.value)
    assert await labelled(client, labels) == []


async def test_a_create_past_its_deadline_leaves_no_orphan(
    proxied: DockerClient,
    proxy: FaultProxy,
    client: DockerClient,
    image: str,
    labels: dict[str, str],
) -> None:
    proxy.add("stall", r"/containers/create", method="POST")
    with pytest.raises(Timeout, match="and removed it"):
        await proxied.containers.create(image, "sleep 30", labels=labels)
    assert await labelled(client, labels) == []


async def test_run_cancelled_while_the_create_hangs_is_prompt_and_leaves_no_orphan(
    proxy: FaultProxy, client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    proxy.add("stall", r"/containers/create", method="POST")
    async with DockerClient(proxy.url, timeout=None) as proxied:  # no deadline at all
        start = time.monotonic()
        with anyio.move_on_after(0.5) as scope:
            await proxied.containers.run(image, "sleep 30", detach=True, labels=labels)
        assert scope.cancelled_caught
        assert time.monotonic() - start < 0.5 + CANCEL_GRACE + 0.5
        assert proxied.transport.reaper.pending == 1  # the client finishes the clean-up
    assert await labelled(client, labels) == []  # closing the client did
