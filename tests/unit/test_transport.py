"""Request logic through the transport seam, without a daemon (MockTransport).

What the request layer decides (version probe, deadlines, validation, error
mapping, undecodable answers) is tested here; the wire itself is tested in
test_connections.py (fake daemon) and against the engine.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import anyio
import pytest

import aiocontainers
from aiocontainers import (
    DockerClient,
    DockerStream,
    InvalidArgument,
    InvalidResponse,
    StreamError,
    Timeout,
)
from aiocontainers.errors import DaemonUnavailable, NotFound, ServerError
from aiocontainers.testing import MockTransport, Request, Response

from ._recorder import start_recorder

pytestmark = pytest.mark.anyio

VERSION = {"ApiVersion": "1.41", "Version": "20.10.0"}


def client_for(handler: Any, **options: Any) -> DockerClient:
    return DockerClient(transport=MockTransport(handler), **options)


def versions(transport: MockTransport) -> int:
    return sum(1 for request in transport.requests if request.endpoint == "/version")


# -- the seam as users see it ----------------------------------------------------------


async def test_mock_transport_answers_the_client() -> None:
    def handler(request: Request) -> Response:
        if request.endpoint == "/containers/json":
            assert request.query["all"] == "1"
            return Response(json=[{"Id": "abc123", "Names": ["/web"]}])
        if request.endpoint == "/containers/abc123/json":
            return Response(json={"Id": "abc123", "Name": "/web", "State": {"Status": "running"}})
        return Response(404, json={"message": f"no such thing: {request.endpoint}"})

    transport = MockTransport(handler)
    async with DockerClient(transport=transport, version="1.41") as client:
        [container] = await client.containers.list(all=True)
        assert container.name == "web" and container.status == "running"
        with pytest.raises(NotFound, match="no such thing"):
            await client.containers.get("nope")
    assert [r.path for r in transport.requests] == [
        "/v1.41/containers/json",
        "/v1.41/containers/abc123/json",
        "/v1.41/containers/nope/json",
    ]
    assert transport.requests[0].api_version == "1.41"


async def test_mock_streams_chunks_and_reads_request_bodies() -> None:
    async def handler(request: Request) -> Response:
        if request.endpoint == "/containers/c1/archive":
            assert request.method == "PUT" and request.content == b"tar-bytes"
            return Response(200)
        return Response(content=[b"\x01\x00\x00\x00\x00\x00\x00\x03hi\n"])  # logs: one frame

    async def upload() -> AsyncIterator[bytes]:
        yield b"tar-"
        yield b"bytes"

    async with client_for(handler, version="1.41") as client:
        container = client.containers.prepare_model({"Id": "c1", "Config": {"Tty": False}})
        assert await container.put_archive("/tmp", upload()) is True
        assert [line async for line in container.logs(stream=True, follow=False)] == [b"hi\n"]


# -- the API version probe ------------------------------------------------------------


async def test_concurrent_first_calls_share_one_probe() -> None:
    async def handler(request: Request) -> Response:
        if request.endpoint == "/version":
            await anyio.sleep(0.05)
            return Response(json=VERSION)
        return Response(json={})

    transport = MockTransport(handler)
    async with DockerClient(transport=transport) as client:
        async with anyio.create_task_group() as tg:
            for _ in range(10):
                tg.start_soon(client.info)
        assert versions(transport) == 1
        assert await client.api_version() == "1.41"


async def test_first_calls_against_a_stalled_daemon_all_fail_at_their_deadline() -> None:
    async def handler(request: Request) -> Response:
        await anyio.sleep_forever()
        raise AssertionError

    ended: list[float] = []
    errors: list[BaseException] = []
    async with client_for(handler) as client:
        start = time.monotonic()

        async def call() -> None:
            try:
                await client.transport.request("GET", "/info", timeout=1)
            except Timeout as exc:
                errors.append(exc)
            ended.append(time.monotonic() - start)

        before = asyncio.all_tasks()
        async with anyio.create_task_group() as tg:
            for _ in range(10):
                tg.start_soon(call)
        assert len(errors) == 10
        assert 0.9 < min(ended) and max(ended) < 1.5, ended  # together, not 1, 2, ... 10 s
        assert not [t for t in asyncio.all_tasks() - before if not t.done()]  # no stray probe


async def test_a_waiting_call_takes_over_the_probe_of_a_caller_that_gave_up() -> None:
    calls = {"version": 0}

    async def handler(request: Request) -> Response:
        if request.endpoint == "/version":
            calls["version"] += 1
            await anyio.sleep(0.3)
            return Response(json=VERSION)
        return Response(json={})

    async with client_for(handler) as client:
        async with anyio.create_task_group() as tg:

            async def impatient() -> None:
                with pytest.raises(Timeout):
                    await client.transport.request("GET", "/info", timeout=0.1)

            tg.start_soon(impatient)
            await anyio.sleep(0.01)
            assert await client.info() == {}  # waited, then probed itself
    assert calls["version"] == 2


async def test_a_failed_probe_fails_its_waiters_and_is_retried_by_the_next_call() -> None:
    state = {"up": False}

    async def handler(request: Request) -> Response:
        if not state["up"]:
            await anyio.sleep(0.05)
            raise ConnectionRefusedError("refused")
        return Response(json=VERSION if request.endpoint == "/version" else {})

    transport = MockTransport(handler)
    async with DockerClient(transport=transport) as client:
        failures: list[BaseException] = []

        async def call() -> None:
            try:
                await client.info()
            except DaemonUnavailable as exc:
                failures.append(exc)

        async with anyio.create_task_group() as tg:
            for _ in range(5):
                tg.start_soon(call)
        assert len(failures) == 5
        assert versions(transport) == 1  # one probe; its failure shared
        state["up"] = True
        assert await client.info() == {}
        assert versions(transport) == 2


async def test_garbage_api_version_is_an_invalid_response() -> None:
    client = client_for(lambda _: Response(json={"ApiVersion": "banana"}))
    async with client:
        with pytest.raises(InvalidResponse, match="ApiVersion"):
            await client.info()


# -- deadlines ----------------------------------------------------------------------


@pytest.mark.parametrize("bad", [math.nan, math.inf, -1, 0, "5", True, [1]])
async def test_bad_timeouts_are_rejected_at_construction_and_per_call(bad: Any) -> None:
    with pytest.raises(InvalidArgument, match="timeout"):
        client_for(lambda _: Response(), timeout=bad)
    with pytest.raises(InvalidArgument, match="connect_timeout"):
        client_for(lambda _: Response(), connect_timeout=bad)
    transport = MockTransport(lambda _: Response(json={"Id": "c1", "StatusCode": 0}))
    async with DockerClient(transport=transport, version="1.41") as client:
        container = client.containers.prepare_model({"Id": "c1"})
        with pytest.raises(InvalidArgument, match="timeout"):
            await client.transport.request("GET", "/info", timeout=bad)
        with pytest.raises(InvalidArgument, match="timeout"):
            await container.wait(timeout=bad)
        with pytest.raises(InvalidArgument, match="timeout"):
            await container.exec_run("true", timeout=bad)
        with pytest.raises(InvalidArgument, match="timeout"):
            await client.images.build(fileobj=b"FROM scratch", timeout=bad)
        if bad != 0:  # a zero grace period is a valid stop
            with pytest.raises(InvalidArgument, match="grace"):
                await container.stop(timeout=bad)
            with pytest.raises(InvalidArgument, match="grace"):
                await container.restart(timeout=bad)
    assert transport.requests == []  # nothing reached the daemon


async def test_timedelta_timeouts_are_seconds() -> None:
    client = client_for(lambda _: Response(), timeout=timedelta(milliseconds=1500))
    assert client.transport.timeout == 1.5
    await client.close()


async def test_opening_a_stream_is_bounded_until_its_headers() -> None:
    async def handler(request: Request) -> Response:
        await anyio.sleep_forever()
        raise AssertionError

    async with client_for(handler, version="1.41", timeout=0.3) as client:
        container = client.containers.prepare_model({"Id": "c1", "Config": {}})
        start = time.monotonic()
        with pytest.raises(Timeout, match=r"no answer within 0\.3 s"):
            async for _ in container.logs(stream=True, follow=False):
                pass
        assert time.monotonic() - start < 1


async def test_a_stalled_transfer_raises_timeout_and_a_slow_one_does_not() -> None:
    async def body(gap: float) -> AsyncIterator[bytes]:
        for _ in range(4):
            yield b"x" * 100
            await anyio.sleep(gap)

    gaps = {"slow": 0.1, "stalled": 10.0}

    async def handler(request: Request) -> Response:
        gap = gaps[request.query["path"]]
        return Response(headers={"X-Docker-Container-Path-Stat": ""}, content=body(gap))

    async with client_for(handler, version="1.41", timeout=0.3) as client:
        container = client.containers.prepare_model({"Id": "c1"})
        stream, _ = await container.get_archive("slow")
        assert b"".join([chunk async for chunk in stream]) == b"x" * 400  # 0.4 s in all
        stream, _ = await container.get_archive("stalled")
        with pytest.raises(Timeout, match=r"sent nothing for 0\.3 s"):
            async for _ in stream:
                pass


async def test_a_streamed_upload_is_bounded_by_stalls_not_by_its_length() -> None:
    async def slow_upload() -> AsyncIterator[bytes]:
        for _ in range(5):
            await anyio.sleep(0.1)
            yield b"chunk"

    async def stalled_upload() -> AsyncIterator[bytes]:
        yield b"chunk"
        await anyio.sleep_forever()

    async with client_for(lambda _: Response(200), version="1.41", timeout=0.3) as client:
        container = client.containers.prepare_model({"Id": "c1"})
        assert await container.put_archive("/tmp", slow_upload()) is True  # 0.5 s in all
        with pytest.raises(Timeout, match="stalled"):
            await container.put_archive("/tmp", stalled_upload())


# -- garbage ------------------------------------------------------------------------


HTML = b"<html><body>502 Bad Gateway</body></html>"


@pytest.mark.parametrize(
    "answer",
    [
        Response(content=HTML, headers={"Content-Type": "text/html"}),
        Response(content=b'{"Id": "abc"'),  # cut JSON
        Response(json=["not", "an", "object"]),
        Response(json={"no": "id"}),
    ],
)
async def test_garbage_instead_of_an_object_is_an_invalid_response(answer: Response) -> None:
    async with client_for(lambda _: answer, version="1.41") as client:
        with pytest.raises(InvalidResponse):
            await client.containers.get("abc")
        with pytest.raises(InvalidResponse):
            await client.images.get("abc")


@pytest.mark.parametrize("rows", [HTML, b"{}", b'[{"Names": ["/x"]}]', b'["abc"]', b'[{"Id": 5}]'])
async def test_garbage_lists_are_invalid_responses_never_raw_errors(rows: bytes) -> None:
    async with client_for(lambda _: Response(content=rows), version="1.41") as client:
        with pytest.raises(InvalidResponse):
            await client.containers.list()
        with pytest.raises(InvalidResponse):
            await client.containers.list(sparse=True)
        with pytest.raises(InvalidResponse):
            await client.images.list()


async def test_a_container_list_whose_inspections_return_garbage_raises_one_error() -> None:
    def handler(request: Request) -> Response:
        if request.endpoint == "/containers/json":
            return Response(json=[{"Id": "a"}, {"Id": "b"}])
        return Response(content=HTML)

    async with client_for(handler, version="1.41") as client:
        with pytest.raises(InvalidResponse, match="not JSON"):  # not an ExceptionGroup
            await client.containers.list()


async def test_garbage_in_event_and_stats_streams_is_an_invalid_response() -> None:
    def handler(request: Request) -> Response:
        if request.endpoint == "/events":
            return Response(content=[b'{"Type": "container", "time": "yesterday"}\n'])
        return Response(content=[b'["a sample?"]\n'])

    async with client_for(handler, version="1.41") as client:
        with pytest.raises(InvalidResponse, match="events"):
            async for _ in client.events():
                pass
        container = client.containers.prepare_model({"Id": "c1"})
        with pytest.raises(InvalidResponse, match="sample"):
            async for _ in container.stats():
                pass


async def test_a_cut_unary_answer_is_a_stream_error() -> None:
    async def body() -> AsyncIterator[bytes]:
        yield b'{"Id":'
        raise ConnectionResetError("cut")

    async with client_for(lambda _: Response(content=body()), version="1.41") as client:
        with pytest.raises(StreamError, match="broke"):
            await client.info()


# -- the stream base ----------------------------------------------------------------


def _frames(*payloads: bytes) -> list[bytes]:
    return [b"\x01\x00\x00\x00" + len(p).to_bytes(4, "big") + p for p in payloads]


async def test_every_stream_closes_at_once_on_break_and_twice_is_fine() -> None:
    def handler(request: Request) -> Response:
        if request.endpoint == "/images/create":
            return Response(content=[b'{"status": "Pulling"}\n', b'{"status": "Waiting"}\n'])
        if request.endpoint == "/events":
            return Response(content=[b'{"Type": "volume", "Action": "create"}\n'])
        return Response(
            headers={"X-Docker-Container-Path-Stat": ""}, content=_frames(b"a\n", b"b\n")
        )

    transport = MockTransport(handler)
    async with DockerClient(transport=transport, version="1.41") as client:
        container = client.containers.prepare_model({"Id": "c1", "Config": {}})
        streams: list[DockerStream[Any]] = [
            client.images.pull_progress("busybox"),
            client.events(),
            container.logs(stream=True, follow=False),
            container.export(),
            client.images.save("busybox"),
        ]
        for stream in streams:
            async for _ in stream:
                break
            await stream.aclose()
            await stream.aclose()
            assert transport.connections_in_use == 0, stream
            with pytest.raises(StreamError, match="is closed"):
                await stream.__anext__()
        archive, _ = await container.get_archive("/x")
        async with archive:
            async for _ in archive:
                break
        assert transport.connections_in_use == 0


async def test_dropping_a_stream_mid_way_frees_its_connection() -> None:
    transport = MockTransport(lambda _: Response(content=[b'{"status": "a"}\n'] * 3))
    async with DockerClient(transport=transport, version="1.41") as client:

        async def first_event() -> None:
            async for _ in client.images.pull_progress("busybox"):
                break  # no aclose(): the stream object is dropped here

        await first_event()
        assert transport.connections_in_use == 0


async def test_a_progress_error_comes_after_the_events_before_it() -> None:
    messages = [b'{"status": "Pulling fs layer", "id": "l1"}\n{"error": "denied"}\n']
    async with client_for(lambda _: Response(content=messages), version="1.41") as client:
        seen = []
        with pytest.raises(aiocontainers.errors.ImageLoadError, match="denied"):
            async for event in client.images.pull_progress("busybox"):
                seen.append(event.status)
        assert seen == ["Pulling fs layer"]


# -- truthful endings ---------------------------------------------------------------


def exec_daemon(output: list[bytes], states: list[dict[str, Any]]) -> MockTransport:
    """A daemon whose exec start sends ``output``; each inspect pops the next state."""

    def handler(request: Request) -> Response:
        if request.endpoint == "/containers/c1/exec":
            return Response(json={"Id": "e1"})
        if request.endpoint == "/exec/e1/start":
            return Response(content=list(output))
        if request.endpoint == "/exec/e1/json":
            return Response(json=states.pop(0) if len(states) > 1 else states[0])
        raise AssertionError(request)

    return MockTransport(handler)


async def test_exec_output_that_ends_after_the_command_gives_its_exit_code() -> None:
    transport = exec_daemon(
        _frames(b"a\n", b"b\n"),
        [{"Running": True, "ExitCode": 0}, {"Running": False, "ExitCode": 3}],
    )
    async with DockerClient(transport=transport, version="1.41") as client:
        container = client.containers.prepare_model({"Id": "c1"})
        assert await container.exec_run("x") == (3, b"a\nb\n")


async def test_exec_output_cut_while_the_command_runs_is_a_stream_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("aiocontainers._resources._exec.END_GRACE", 0.3)
    transport = exec_daemon(_frames(b"a\n"), [{"Running": True, "ExitCode": 0}])
    async with DockerClient(transport=transport, version="1.41") as client:
        container = client.containers.prepare_model({"Id": "c1"})
        start = time.monotonic()
        with pytest.raises(StreamError, match="still running"):
            await container.exec_run("x")  # never ExecResult(None, b"a\n")
        assert 0.3 <= time.monotonic() - start < 1  # the grace for the exit to be recorded
        _, stream = await container.exec_run("x", stream=True)
        assert await stream.__anext__() == b"a\n"
        with pytest.raises(StreamError, match="still running"):
            await stream.__anext__()
        assert stream.exit_code is None


async def test_exec_run_timeout_is_a_deadline_for_the_command() -> None:
    async def forever() -> AsyncIterator[bytes]:
        yield _frames(b"a\n")[0]
        await anyio.sleep_forever()

    def handler(request: Request) -> Response:
        if request.endpoint == "/containers/c1/exec":
            return Response(json={"Id": "e1"})
        return Response(content=forever())

    async with client_for(handler, version="1.41") as client:
        container = client.containers.prepare_model({"Id": "c1"})
        with pytest.raises(Timeout, match=r"ran longer than 0\.2 s"):
            await container.exec_run("x", timeout=0.2)


async def test_calls_whose_daemon_work_is_long_get_ten_times_the_timeout() -> None:
    delay = {"seconds": 0.5}

    async def handler(request: Request) -> Response:
        await anyio.sleep(delay["seconds"])
        return Response(json={"ContainersDeleted": [], "SpaceReclaimed": 0})

    async with client_for(handler, version="1.41", timeout=0.1) as client:
        assert (await client.containers.prune())["SpaceReclaimed"] == 0  # 5x the timeout
        with pytest.raises(Timeout):
            await client.info()  # a plain call: the timeout itself
        delay["seconds"] = 1.5
        with pytest.raises(Timeout, match=r"took longer than 1\.0 s"):
            await client.containers.prune()


async def test_no_request_offers_compression_so_archives_come_uncompressed() -> None:
    """The daemon gzips an archive for a client that accepts it (3-5x slower over a local
    socket, then inflated in Python): like docker-py, nothing offers ``gzip``/``deflate``."""
    recorder = await start_recorder()
    try:
        async with DockerClient(base_url=recorder.url, version="1.41") as client:
            container = client.containers.prepare_model({"Id": "c1"})
            with pytest.raises(ServerError):
                await container.get_archive("/etc")
            with pytest.raises(ServerError):
                async for _ in container.export():
                    pass
            with pytest.raises(ServerError):
                await client.ping()
    finally:
        await recorder.aclose()
    assert [path for _, path in recorder.requests] == [
        "/v1.41/containers/c1/archive", "/v1.41/containers/c1/export", "/_ping"
    ]  # fmt: skip
    offered = [headers.get("Accept-Encoding", "") for headers in recorder.headers]
    assert not any("gzip" in value or "deflate" in value for value in offered), offered
