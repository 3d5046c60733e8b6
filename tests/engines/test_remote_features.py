"""What a user does with a local engine works the same over TLS and over SSH.

Each test runs three times (the ``remote`` fixture): TLS configured from DOCKER_HOST,
DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, TLS from an explicit ``tls=`` SSLContext, and
``ssh://`` through the test sshd. Containers carry the test labels and are removed.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import AsyncIterator

import anyio
import pytest

from aiocontainers import Container, DockerClient, StreamError
from tests.engine.conftest import TEST_IMAGE

pytestmark = pytest.mark.anyio  # explicit: the anyio plugin parametrizes before our fixture


@pytest.fixture
async def sleeper(remote: DockerClient, labels: dict[str, str]) -> AsyncIterator[Container]:
    container = await remote.containers.run(TEST_IMAGE, "sleep 60", detach=True, labels=labels)
    try:
        yield container
    finally:
        await container.remove(force=True)


async def test_run_and_follow_logs(remote: DockerClient, labels: dict[str, str]) -> None:
    script = "for i in 1 2 3; do echo line$i; sleep 0.2; done; echo oops >&2"
    container = await remote.containers.run(
        TEST_IMAGE, ["sh", "-c", script], detach=True, labels=labels
    )
    try:
        with anyio.fail_after(20):
            lines = [line async for line in container.logs(stream=True, follow=True)]
            status = await container.wait()
        assert lines == [b"line1\n", b"line2\n", b"line3\n", b"oops\n"]
        assert status["StatusCode"] == 0
        assert await container.logs(stdout=False) == b"oops\n"
    finally:
        await container.remove(force=True)


async def test_run_returns_output_and_removes(
    remote: DockerClient, labels: dict[str, str]
) -> None:
    output = await remote.containers.run(
        TEST_IMAGE, ["sh", "-c", "echo over the wire"], remove=True, labels=labels
    )
    assert output == b"over the wire\n"


async def test_exec_with_stdin_over_a_hijacked_connection(sleeper: Container) -> None:
    with anyio.fail_after(20):
        _, proc = await sleeper.exec_run(
            ["sh", "-c", "read x; echo got-$x; read y; echo warn-$y >&2; exit 3"],
            stdin=True,
            socket=True,
            demux=True,
        )
        async with proc:
            await proc.write(b"ping\n")
            await proc.write(b"pong\n")
            pairs = [pair async for pair in proc]
    assert sorted(pairs) == [(b"", b"warn-pong\n"), (b"got-ping\n", b"")]
    assert proc.exit_code == 3


async def test_interactive_exec_echoes_large_input(sleeper: Container) -> None:
    payload = b"x" * 200_000 + b"\n"
    with anyio.fail_after(20):
        async with await sleeper.exec_interactive(["head", "-c", str(len(payload))]) as proc:
            await proc.write(payload)
            echoed = b"".join([chunk async for chunk in proc])
    assert echoed == payload
    assert proc.exit_code == 0


async def test_exec_run_result(sleeper: Container) -> None:
    result = await sleeper.exec_run(["sh", "-c", "echo out; echo err >&2; exit 4"], demux=True)
    assert result.exit_code == 4
    assert result.output == (b"out\n", b"err\n")


async def test_build_uploads_its_context(remote: DockerClient, labels: dict[str, str]) -> None:
    tag = f"aiocontainers-remote-build:{uuid.uuid4().hex[:10]}"
    dockerfile = f"FROM {TEST_IMAGE}\nRUN echo built-remotely > /built\n"
    image, log = await remote.images.build(
        fileobj=io.BytesIO(dockerfile.encode()), tag=tag, labels=labels, forcerm=True
    )
    try:
        assert tag in image.tags
        assert any("built-remotely" in entry.get("stream", "") for entry in log), log
        output = await remote.containers.run(tag, ["cat", "/built"], remove=True, labels=labels)
        assert output == b"built-remotely\n"
    finally:
        await remote.images.remove(tag, force=True)


async def test_events_arrive(remote: DockerClient, labels: dict[str, str]) -> None:
    case = uuid.uuid4().hex
    filters = {"type": "container", "label": [f"aiocontainers.case={case}"]}
    async with remote.events(filters=filters) as events:
        container = await remote.containers.run(
            TEST_IMAGE, "true", detach=True, labels={**labels, "aiocontainers.case": case}
        )
        try:
            with anyio.fail_after(20):
                actions = []
                async for event in events:
                    actions.append(event.action)
                    if event.action == "die":
                        break
        finally:
            await container.remove(force=True)
    assert [a for a in actions if a in ("create", "start", "die")] == ["create", "start", "die"]
    assert event.actor.id == container.id


async def test_half_close_of_stdin(remote: DockerClient, sleeper: Container) -> None:
    """EOF on stdin: over SSH (a unix socket locally) the command sees it and finishes; over
    TLS asyncio cannot half-close, and the library says so instead of hanging."""
    async with await sleeper.exec_interactive(["cat"]) as proc:
        await proc.write(b"hello\n")
        with anyio.fail_after(10):
            assert await proc.__anext__() == b"hello\n"
        if remote.transport.endpoint.ssl_context is not None:
            with pytest.raises(StreamError, match="cannot half-close"):
                await proc.close_stdin()
            return
        await proc.write(b"bye\n")
        await proc.close_stdin()
        with anyio.fail_after(10):
            rest = b"".join([chunk async for chunk in proc])
    assert rest == b"bye\n"
    assert proc.exit_code == 0
