"""Streams cut by the server end with StreamError, never silently.

Docker cannot be made to drop a connection on demand, so a tiny fake daemon on
a unix socket sends a valid start and then hangs up. This tests our transport
and decoding, not Docker's behaviour.
"""

from __future__ import annotations

import asyncio
import json
import struct
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import anyio
import pytest

from aiocontainers import DockerClient
from aiocontainers._resources._streaming import DemuxedDecoder
from aiocontainers._resources.containers import Container
from aiocontainers.errors import StreamError
from aiocontainers.jobs import JobRunner, JobSpec

Reply = Callable[[str], bytes]


def frame(stream: int, data: bytes) -> bytes:
    return struct.pack(">BxxxL", stream, len(data)) + data


def chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


CHUNKED = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n"
    b"Transfer-Encoding: chunked\r\n\r\n"
)
RAW = b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\n"
UPGRADED = b"HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"


def json_reply(body: object) -> bytes:
    data = json.dumps(body).encode()
    return b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
        len(data),
        data,
    )


Serve = Callable[[Reply], Awaitable[DockerClient]]


@pytest.fixture
async def fake_daemon(socket_dir: Path) -> AsyncIterator[Serve]:
    """Start a server answering each request with ``reply(request_line)``, then hanging up."""
    servers: list[asyncio.AbstractServer] = []
    clients: list[DockerClient] = []

    async def serve(reply: Reply) -> DockerClient:
        path = socket_dir / f"fake{len(servers)}.sock"

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except asyncio.IncompleteReadError:
                    break
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                await reader.readexactly(length)
                answer = reply(head.split(b"\r\n")[0].decode())
                writer.write(answer)
                await writer.drain()
                if not answer.startswith(b"HTTP/1.1 200 OK\r\nContent-Type: application/json"):
                    break
            writer.close()

        servers.append(await asyncio.start_unix_server(handle, path=str(path)))
        client = DockerClient(f"unix://{path}", version="1.41")
        clients.append(client)
        return client

    yield serve
    for client in clients:
        await client.close()
    for server in servers:
        server.close()
        await server.wait_closed()


def container(client: DockerClient) -> Container:
    return Container({"Id": "c1", "Config": {"Tty": False}}, client)


async def test_cut_inside_a_chunk_raises(fake_daemon: Serve) -> None:
    body = CHUNKED + chunk(frame(1, b"hello\n")) + b"64\r\n" + frame(1, b"partial")
    client = await fake_daemon(lambda _: body)
    got = []
    with anyio.fail_after(5), pytest.raises(StreamError, match="broke"):
        async for line in container(client).logs(stream=True, follow=False):
            got.append(line)
    assert got == [b"hello\n"]


async def test_cut_between_chunks_raises(fake_daemon: Serve) -> None:
    client = await fake_daemon(lambda _: CHUNKED + chunk(frame(2, b"one\n")))
    with anyio.fail_after(5), pytest.raises(StreamError):
        [r async for r in container(client).logs(stream=True, follow=False, records=True)]


async def test_complete_chunked_stream_ends_normally(fake_daemon: Serve) -> None:
    body = CHUNKED + chunk(frame(1, b"a\n") + frame(2, b"b\n")) + b"0\r\n\r\n"
    client = await fake_daemon(lambda _: body)
    records = [r async for r in container(client).logs(stream=True, follow=False, records=True)]
    assert [(r.stream, r.data) for r in records] == [("stdout", b"a\n"), ("stderr", b"b\n")]


def exec_daemon(start: bytes) -> Reply:
    def reply(request_line: str) -> bytes:
        if request_line.startswith("POST /v1.41/containers/c1/exec "):
            return json_reply({"Id": "e1"})
        if request_line.startswith("POST /v1.41/exec/e1/start "):
            return start
        return json_reply({"Running": False, "ExitCode": 0})

    return reply


async def test_exec_output_cut_mid_frame_raises(fake_daemon: Serve) -> None:
    client = await fake_daemon(exec_daemon(RAW + frame(1, b"ok\n") + frame(1, b"cut")[:9]))
    with anyio.fail_after(5), pytest.raises(StreamError, match="middle of a frame"):
        await container(client).exec_run("true")


async def test_hijacked_connection_cut_mid_frame_raises(fake_daemon: Serve) -> None:
    client = await fake_daemon(exec_daemon(UPGRADED + frame(1, b"ok\n") + frame(2, b"x")[:4]))
    with anyio.fail_after(5):
        _, proc = await container(client).exec_run("cat", stdin=True, socket=True)
        assert await proc.__anext__() == b"ok\n"
        with pytest.raises(StreamError, match="middle of a frame"):
            await proc.__anext__()
    assert proc.exit_code is None


async def test_hijacked_connection_closed_before_takeover_ends(fake_daemon: Serve) -> None:
    """Output and hang-up that arrive before we take the connection over still end it."""
    client = await fake_daemon(lambda _: UPGRADED + frame(1, b"quick\n"))
    response = await client.transport.open_stream(
        "POST", "/exec/e1/start", headers={"Connection": "Upgrade", "Upgrade": "tcp"}
    )
    await anyio.sleep(0.2)  # the fake daemon has written everything and hung up
    connection = response.upgrade()
    with anyio.fail_after(5):
        assert await connection.read_chunk() == frame(1, b"quick\n")
        assert await connection.read_chunk() == b""
    assert connection.closed


WAIT_HELD = (  # the wait's headers, and no answer yet: the container runs on
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
)


def bound(client: DockerClient) -> Container:
    """A container handle of ``client`` (its reload asks the fake daemon)."""
    return client.containers.prepare_model({"Id": "c1", "Config": {"Tty": False}})


def first_run_daemon(wait: bytes, *, running: bool = True) -> Reply:
    """Attach gives one line and hangs up; the wait answers with ``wait``; an inspect
    says whether the container runs."""

    def reply(request_line: str) -> bytes:
        if request_line.startswith("POST /v1.41/containers/c1/attach"):
            return RAW + frame(1, b"hi\n")
        if request_line.startswith("POST /v1.41/containers/c1/wait"):
            return wait
        if request_line.startswith("GET /v1.41/containers/c1/json"):
            return json_reply({"Id": "c1", "State": {"Running": running}})
        raise AssertionError(f"no other call is expected, got {request_line}")

    return reply


async def test_first_run_output_ends_with_the_exit_the_wait_reports(fake_daemon: Serve) -> None:
    client = await fake_daemon(first_run_daemon(json_reply({"StatusCode": 3, "Error": None})))
    params = {"stdout": True, "stderr": True, "stream": True, "logs": True}
    output, exited = await bound(client)._attach_first_run(params, DemuxedDecoder)
    with anyio.fail_after(5):
        assert [pair async for pair in output] == [(b"hi\n", b"")]
        assert await exited.result() == {"StatusCode": 3, "Error": None}
    exited.close()


async def test_first_run_output_cut_while_the_container_runs_raises(fake_daemon: Serve) -> None:
    client = await fake_daemon(first_run_daemon(WAIT_HELD, running=True))
    params = {"stdout": True, "stderr": True, "stream": True, "logs": False}
    output, exited = await bound(client)._attach_first_run(params, DemuxedDecoder)
    got = []
    with anyio.fail_after(10), pytest.raises(StreamError, match="connection was cut"):
        async for pair in output:
            got.append(pair)
    assert got == [(b"hi\n", b"")]
    exited.close()


async def test_first_run_output_ends_when_a_slow_wait_is_outrun_by_the_state(
    fake_daemon: Serve,
) -> None:
    """A loaded daemon may answer the wait late (after its cleanup); its inspect already
    says the container stopped: the output ends normally."""
    client = await fake_daemon(first_run_daemon(WAIT_HELD, running=False))
    params = {"stdout": True, "stderr": True, "stream": True, "logs": False}
    output, exited = await bound(client)._attach_first_run(params, DemuxedDecoder)
    with anyio.fail_after(10):
        assert [pair async for pair in output] == [(b"hi\n", b"")]
    exited.close()


async def test_a_job_whose_output_is_cut_fails_with_the_stream_error(fake_daemon: Serve) -> None:
    """The runner reports the broken stream itself (a DockerException), not as a bug of
    its own ("failed unexpectedly", which a task group's exception group used to cause)."""
    done = b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"
    attach_cut = first_run_daemon(WAIT_HELD, running=True)

    def reply(request_line: str) -> bytes:
        if request_line.startswith("POST /v1.41/containers/create"):
            return json_reply({"Id": "c1", "Warnings": []})
        if request_line.startswith(("POST /v1.41/containers/c1/start", "DELETE /v1.41/")):
            return done
        return attach_cut(request_line)

    client = await fake_daemon(reply)
    async with JobRunner(client) as runner:
        handle = await runner.submit(JobSpec("busybox", ["true"]))
        with anyio.fail_after(10), pytest.raises(StreamError, match="connection was cut"):
            await handle
    assert handle.status == "error"
