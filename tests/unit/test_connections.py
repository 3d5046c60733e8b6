"""The default wire (aiohttp) against a fake daemon: pools, starvation, faults, garbage.

No engine: a small aiohttp app on a unix socket plays the daemon, and the fault
proxy breaks the wire in front of it. What is tested is our connection
handling, never Docker's behaviour.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import pytest
from aiohttp import web

from aiocontainers import DaemonUnavailable, DockerClient, InvalidResponse, StreamError, Timeout
from aiocontainers._aiohttp import AiohttpTransport
from tests.faults import FakeDaemon, FaultProxy, fake_daemon

__all__ = ["fake_daemon"]  # fixtures, imported for use here

pytestmark = pytest.mark.anyio

FRAME = b"\x01\x00\x00\x00\x00\x00\x00\x05tick\n"


async def endless_logs(request: web.Request) -> web.StreamResponse:
    """A followed log stream that never ends: a line now, then one every 50 ms."""
    response = web.StreamResponse()
    await response.prepare(request)
    while True:
        await response.write(FRAME)
        await asyncio.sleep(0.05)


async def endless_events(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse()
    await response.prepare(request)
    await response.write(b'{"Type": "volume", "Action": "create", "timeNano": 1}\n')
    await asyncio.Event().wait()
    return response


async def running(request: web.Request) -> web.Response:
    cid = request.match_info["tail"].split("/")[-2]
    return web.json_response({"Id": cid, "Config": {"Tty": False}, "State": {"Running": True}})


@pytest.fixture
def daemon(fake_daemon: FakeDaemon) -> FakeDaemon:
    for cid in range(60):
        fake_daemon.on("GET", f"/containers/c{cid}/logs", endless_logs)
        fake_daemon.on("GET", f"/containers/c{cid}/json", running)
    fake_daemon.on("GET", "/events", endless_events)
    return fake_daemon


def http(client: DockerClient) -> AiohttpTransport:
    wire = client.transport.http
    assert isinstance(wire, AiohttpTransport)
    return wire


@pytest.mark.parametrize("pool", [10, 1])
async def test_followed_log_streams_never_starve_each_other_or_unary_calls(
    daemon: FakeDaemon, pool: int
) -> None:
    """The issue's FastAPI case: 10 followed streams deadlocked a default client."""
    async with DockerClient(daemon.url, max_pool_size=pool, timeout=5) as client:
        streams = [
            client.containers.prepare_model({"Id": f"c{i}"}).logs(stream=True, follow=True)
            for i in range(50)
        ]
        with anyio.fail_after(10):
            async with anyio.create_task_group() as tg:
                for stream in streams:
                    tg.start_soon(stream.__anext__)  # each opens and reads a first line
            assert http(client).connections_in_use == 50
            start = time.monotonic()
            assert await client.ping()
            assert time.monotonic() - start < 1
        for stream in streams:
            await stream.aclose()
        assert http(client).connections_in_use == 0


async def test_open_event_streams_never_make_ping_wait(daemon: FakeDaemon) -> None:
    async with DockerClient(daemon.url, timeout=5) as client:
        streams = [client.events() for _ in range(12)]
        with anyio.fail_after(10):
            for stream in streams:
                await stream.__aenter__()
            assert all([await client.ping() for _ in range(5)])
        for stream in streams:
            await stream.aclose()


async def test_max_pool_size_is_idle_connections_kept_never_a_wait(
    fake_daemon: FakeDaemon,
) -> None:
    async def slow_ping(request: web.Request) -> web.Response:
        await asyncio.sleep(0.2)
        return web.Response(text="OK")

    fake_daemon.on("GET", "/_ping", slow_ping)
    async with DockerClient(fake_daemon.url, max_pool_size=2) as client:
        start = time.monotonic()
        async with anyio.create_task_group() as tg:
            for _ in range(20):
                tg.start_soon(client.ping)
        assert time.monotonic() - start < 1  # 20 at once, not 10 rounds of 2
        assert http(client).idle_connections == 2  # the others were closed, not pooled
        await client.ping()
        assert http(client).idle_connections == 2


async def test_an_unreachable_daemon_is_unavailable_and_nothing_was_sent(
    socket_dir: Path,
) -> None:
    async with DockerClient(f"unix://{socket_dir}/none.sock", version="1.41") as client:
        with pytest.raises(DaemonUnavailable, match=r"none\.sock"):
            await client.ping()
        with pytest.raises(DaemonUnavailable):
            async for _ in client.events():
                pass


@pytest.fixture
async def proxy(fake_daemon: FakeDaemon, socket_dir: Path) -> AsyncIterator[FaultProxy]:
    """A fault proxy in front of the fake daemon."""
    proxy = FaultProxy(str(fake_daemon.socket), socket_dir / "proxy.sock")
    await proxy.start()
    yield proxy
    await proxy.stop()


async def test_a_connection_lost_after_sending_is_a_stream_error(
    proxy: FaultProxy, fake_daemon: FakeDaemon
) -> None:
    async def started(request: web.Request) -> web.Response:
        return web.Response(status=204)

    fake_daemon.on("POST", "/containers/c1/start", started)
    proxy.add("drop_answer", "/start", times=None)
    async with DockerClient(proxy.url, version="1.41") as client:
        container = client.containers.prepare_model({"Id": "c1"})
        with pytest.raises(StreamError, match="may have acted on it"):
            await container.start()
    assert fake_daemon.calls.count("POST /containers/c1/start") == 1  # never sent twice


async def test_an_idempotent_request_whose_answer_was_lost_is_retried_once(
    proxy: FaultProxy,
) -> None:
    proxy.add("drop_answer", "/_ping", times=1)
    async with DockerClient(proxy.url) as client:
        assert await client.ping()
    assert proxy.requests == ["GET /_ping", "GET /_ping"]


async def test_an_answer_stalled_before_its_headers_times_out(proxy: FaultProxy) -> None:
    proxy.add("stall", "/_ping")
    async with DockerClient(proxy.url, timeout=0.5) as client:
        start = time.monotonic()
        with pytest.raises(Timeout, match=r"took longer than 0\.5 s"):
            await client.ping()
        assert time.monotonic() - start < 1.5


@pytest.mark.parametrize(
    "garbage",
    [
        b"SSH-2.0-OpenSSH_9.2\r\n",  # not HTTP at all
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\nhello",  # bad framing
    ],
)
async def test_an_answer_that_is_not_http_is_an_invalid_response(
    proxy: FaultProxy, garbage: bytes
) -> None:
    proxy.add("garbage", "/_ping", data=garbage)
    async with DockerClient(proxy.url, version="1.41") as client:
        with pytest.raises((InvalidResponse, StreamError)):
            await client.ping()


async def test_html_with_status_200_is_an_invalid_response(proxy: FaultProxy) -> None:
    page = b"<html><body>It works!</body></html>"
    proxy.add(
        "garbage",
        "/containers/json",
        data=b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s"
        % (len(page), page),
        times=None,
    )
    async with DockerClient(proxy.url, version="1.41") as client:
        with pytest.raises(InvalidResponse, match="It works"):
            await client.containers.list()


async def test_a_quiet_command_is_waited_for_and_a_stalled_daemon_is_not(
    fake_daemon: FakeDaemon,
) -> None:
    """exec_run() waits as long as the command runs, asking the daemon when output pauses."""
    state = {"running": True, "stalled": False}

    async def create(request: web.Request) -> web.Response:
        return web.json_response({"Id": "e1"})

    async def start(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        await response.write(b"\x01\x00\x00\x00\x00\x00\x00\x02a\n")
        await asyncio.sleep(2.5)  # five times the client's timeout without output
        await response.write(b"\x01\x00\x00\x00\x00\x00\x00\x02b\n")
        state["running"] = False
        return response

    async def inspect(request: web.Request) -> web.Response:
        if state["stalled"]:
            await asyncio.Event().wait()
        return web.json_response({"Running": state["running"], "ExitCode": 0})

    fake_daemon.on("POST", "/containers/c1/exec", create)
    fake_daemon.on("POST", "/exec/e1/start", start)
    fake_daemon.on("GET", "/exec/e1/json", inspect)
    async with DockerClient(fake_daemon.url, version="1.41", timeout=0.5) as client:
        container = client.containers.prepare_model({"Id": "c1"})
        assert await container.exec_run("quiet") == (0, b"a\nb\n")
        assert fake_daemon.calls.count("GET /exec/e1/json") >= 3  # asked while it was quiet
        state.update(running=True, stalled=True)
        started = time.monotonic()
        with pytest.raises(Timeout):
            await container.exec_run("quiet")
        assert time.monotonic() - started < 2.5  # not the command's full run


CLIENT_OUT_OF_FILES = """
import resource, sys, anyio, aiocontainers

async def main() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (64, hard))
    async with aiocontainers.DockerClient(sys.argv[1], version="1.41", timeout=30) as client:
        streams = []
        try:
            for i in range(60):
                stream = client.containers.prepare_model({"Id": f"c{i}"}).logs(stream=True)
                streams.append(stream)
                await stream.__anext__()
        except aiocontainers.DockerException as exc:
            print(type(exc).__name__, len(streams), exc)
        for stream in streams:
            await stream.aclose()

anyio.run(main)
"""


async def test_running_out_of_sockets_fails_at_once_with_a_clear_error(
    daemon: FakeDaemon,
) -> None:
    start = time.monotonic()
    result = await anyio.run_process(
        [sys.executable, "-c", CLIENT_OUT_OF_FILES, daemon.url], check=False
    )
    output = result.stdout.decode()
    assert output.startswith("DaemonUnavailable"), output + result.stderr.decode()
    assert "Too many open files" in output
    assert time.monotonic() - start < 20  # not the 30 s timeout: it never waited
