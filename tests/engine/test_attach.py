"""Attach against the real engine: output streams and stdin over a hijacked connection."""

from __future__ import annotations

import time

import anyio

from aiocontainers import DockerClient

from .test_logs import Runner, acquired, run, wait

__all__ = ["run"]  # the fixture, imported for use here


async def test_attach_stream_follows_until_exit(client: DockerClient, run: Runner) -> None:
    c = await run("sleep 0.5; echo out; echo err >&2; sleep 0.2")
    with anyio.fail_after(10):
        pairs = [pair async for pair in c.attach(stream=True, demux=True)]
    assert sorted(pairs) == [(b"", b"err\n"), (b"out\n", b"")]
    assert acquired(client) == 0


async def test_attach_before_start_gets_the_first_runs_output(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    """As ``docker run`` does: attached while created, the stream carries the first run."""
    c = await client.containers.create(
        image, ["sh", "-c", "echo out; echo err >&2"], labels=labels
    )
    try:
        with anyio.fail_after(15):
            async with c.attach(stream=True, logs=True, demux=True) as output:
                await c.start()
                pairs = [pair async for pair in output]
        assert sorted(pairs) == [(b"", b"err\n"), (b"out\n", b"")]
        assert (await c.wait())["StatusCode"] == 0
    finally:
        await c.remove(force=True)


async def test_attach_without_stream_waits_until_the_container_stops(run: Runner) -> None:
    c = await run("echo before; sleep 1; echo after >&2")
    with anyio.fail_after(15):
        started = time.monotonic()
        assert await c.attach(logs=True) == b"before\nafter\n"
        assert time.monotonic() - started > 0.5  # it waited for the exit
        # on a stopped container: what there was, at once
        assert await c.attach(logs=True, demux=True) == (b"before\n", b"after\n")
        assert await c.attach() == b""  # nothing asked for: nothing, at once


async def test_attach_socket_writes_stdin(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    # Created, not run detached: like docker-py, only then is StdinOnce set, so that
    # closing our stdin closes cat's.
    c = await client.containers.create(image, ["cat"], stdin_open=True, labels=labels)
    try:
        await c.start()
        with anyio.fail_after(15):
            async with await c.attach_socket() as attached:
                await attached.write(b"through stdin\n")
                assert await attached.__anext__() == b"through stdin\n"
                await attached.close_stdin()
                assert [chunk async for chunk in attached] == []
            assert await wait(c) == 0
        assert acquired(client) == 0
    finally:
        await c.remove(force=True)
