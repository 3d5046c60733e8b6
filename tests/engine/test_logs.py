"""Container logs against the real engine: lines, records, UTF-8, follow, release."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import anyio
import pytest

from aiocontainers import DockerClient
from aiocontainers._resources._logs import to_timestamp
from aiocontainers._resources.containers import Container
from aiocontainers._streams._logs import LogRecord
from aiocontainers.errors import Conflict, InvalidArgument, NotFound, StreamError

Runner = Callable[..., Awaitable[Container]]


@pytest.fixture
async def run(client: DockerClient, image: str, labels: dict[str, str]) -> AsyncIterator[Runner]:
    """Start a labelled container running ``sh -c script``; removed after the test."""
    created: list[Container] = []

    async def start(script: str, **kwargs: Any) -> Container:
        container: Container = await client.containers.run(
            image, ["sh", "-c", script], detach=True, labels=labels, **kwargs
        )
        created.append(container)
        return container

    yield start
    for container in created:
        with contextlib.suppress(NotFound, Conflict):  # another run may be cleaning up
            await container.remove(force=True)


async def wait(c: Container) -> int:
    result = await c._transport.request_json(
        "POST", "/containers/{id}/wait", path_args={"id": c.id}, timeout=30
    )
    return int(result["StatusCode"])


def acquired(client: DockerClient) -> int:
    """Connections the client's pool has handed out and not got back."""
    return client.transport.http.connections_in_use


def socket_fds() -> int:
    return sum(1 for fd in os.listdir("/proc/self/fd") if "socket" in _readlink(fd))


def _readlink(fd: str) -> str:
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return ""


# -- whole logs ---------------------------------------------------------------


async def test_logs_bytes_merge_stdout_and_stderr(run: Runner) -> None:
    c = await run("echo out; echo err >&2")
    await wait(c)
    logs = await c.logs()
    assert sorted(logs.splitlines()) == [b"err", b"out"]
    assert await c.logs(stderr=False) == b"out\n"
    assert await c.logs(stdout=False) == b"err\n"


async def test_logs_bytes_of_many_small_frames_arrive_whole_and_in_order(run: Runner) -> None:
    # One frame and one HTTP chunk per line: read in large pieces, decoded as they come.
    c = await run("seq 1 100000; echo end >&2")
    await wait(c)
    expected = b"".join(b"%d\n" % i for i in range(1, 100001))
    assert await c.logs(stderr=False) == expected
    # The daemon's log file interleaves the two streams in the order its copiers wrote them.
    for combined in (
        await c.logs(),
        b"".join([piece async for piece in c.logs(stream=True, lines=False)]),
    ):
        assert combined.replace(b"end\n", b"", 1) == expected


async def test_logs_tail_timestamps_since_until(run: Runner) -> None:
    c = await run("for i in 1 2 3 4 5; do echo line$i; done")
    await wait(c)
    assert await c.logs(tail=2) == b"line4\nline5\n"
    assert await c.logs(tail=0) == b""
    stamped = await c.logs(timestamps=True, tail=1)
    stamp, _, rest = stamped.partition(b" ")
    assert rest == b"line5\n"
    assert abs(
        datetime.now(timezone.utc) - datetime.fromisoformat(stamp[:26].decode() + "+00:00")
    ) < timedelta(minutes=5)
    future = datetime.now(timezone.utc) + timedelta(hours=1)
    assert await c.logs(since=future) == b""
    assert await c.logs(since=time.time() - 600) == b"".join(b"line%d\n" % i for i in range(1, 6))
    assert await c.logs(until=datetime(2000, 1, 1)) == b""
    with pytest.raises(InvalidArgument):
        await c.logs(tail=-1)


def test_to_timestamp_formats() -> None:
    assert to_timestamp(datetime(1970, 1, 2), "since") == "86400.000000000"
    aware = datetime(1970, 1, 1, 1, tzinfo=timezone(timedelta(hours=1)))
    assert to_timestamp(aware, "since") == "0.000000000"
    assert to_timestamp(12, "since") == "12"
    assert to_timestamp(1.5, "since") == "1.500000000"
    with pytest.raises(InvalidArgument):
        to_timestamp(-1, "since")


async def test_tty_container_logs(run: Runner) -> None:
    c = await run("echo one; echo two >&2", tty=True)
    await wait(c)
    assert await c.logs() == b"one\r\ntwo\r\n"
    lines = [line async for line in c.logs(stream=True, follow=False)]
    assert lines == [b"one\r\n", b"two\r\n"]
    # A handle without inspect data (as from a listing) finds out about the TTY itself.
    sparse = Container({"Id": c.id}, c.client, c.collection)
    assert await sparse.logs() == b"one\r\ntwo\r\n"
    assert sparse.attrs["Config"]["Tty"] is True


# -- streamed logs ------------------------------------------------------------


async def test_stream_yields_lines_and_records_tell_streams_apart(run: Runner) -> None:
    c = await run("echo out1; echo err1 >&2; echo out2")
    await wait(c)
    lines = [line async for line in c.logs(stream=True)]
    assert sorted(lines) == [b"err1\n", b"out1\n", b"out2\n"]
    records = [r async for r in c.logs(stream=True, records=True)]
    by_stream = {(r.stream, r.data) for r in records}
    assert by_stream == {("stdout", b"out1\n"), ("stderr", b"err1\n"), ("stdout", b"out2\n")}
    assert all(r.timestamp is None for r in records)
    stamped = [r async for r in c.logs(stream=True, records=True, timestamps=True)]
    assert [r.data for r in stamped if r.stream == "stdout"] == [b"out1\n", b"out2\n"]
    assert all(isinstance(r.timestamp, datetime) for r in stamped)


async def test_split_multibyte_character_and_invalid_utf8(run: Runner) -> None:
    c = await run(r"printf '\360\237'; sleep 0.2; printf '\230\200\n'; printf 'bad\377end\n'")
    await wait(c)
    records: list[LogRecord] = [r async for r in c.logs(stream=True, records=True)]
    assert records[0].data == "\U0001f600\n".encode()
    assert records[0].text == "\U0001f600\n"
    # json-file stores JSON, so the daemon itself replaces the invalid byte; it is not dropped.
    assert records[1].data in (b"bad\xffend\n", "bad\ufffdend\n".encode())
    assert records[1].text == "bad\ufffdend\n"


async def test_one_megabyte_line_arrives_whole(run: Runner) -> None:
    c = await run("head -c 1048576 /dev/zero | tr '\\0' a; echo; echo after")
    await wait(c)
    lines = [line async for line in c.logs(stream=True)]
    assert [len(line) for line in lines] == [1048577, 6]
    assert lines[0] == b"a" * 1048576 + b"\n"


async def test_raw_chunks_with_lines_false(run: Runner) -> None:
    # json-file stores lines over 16 KiB in pieces: raw payloads show them, lines join them.
    c = await run("head -c 40000 /dev/zero | tr '\\0' a; echo")
    await wait(c)
    chunks = [chunk async for chunk in c.logs(stream=True, lines=False)]
    assert b"".join(chunks) == b"a" * 40000 + b"\n"
    assert len(chunks) == 3
    assert [len(line) async for line in c.logs(stream=True)] == [40001]


async def test_follow_ends_when_container_exits(run: Runner) -> None:
    c = await run("for i in 1 2 3; do echo tick$i; sleep 0.2; done")
    with anyio.fail_after(10):
        lines = [line async for line in c.logs(stream=True, follow=True)]
    assert lines == [b"tick1\n", b"tick2\n", b"tick3\n"]


async def test_follow_ends_when_container_is_killed(run: Runner) -> None:
    c = await run("echo started; sleep 600")
    got: list[bytes] = []
    with anyio.fail_after(15):
        async with c.logs(stream=True, follow=True) as lines:
            async for line in lines:
                got.append(line)
                await c._transport.request("POST", "/containers/{id}/kill", path_args={"id": c.id})
    assert got == [b"started\n"]


async def test_follow_on_exited_container_does_not_hang(run: Runner) -> None:
    c = await run("echo done")
    await wait(c)
    with anyio.fail_after(10):
        assert [line async for line in c.logs(stream=True, follow=True)] == [b"done\n"]
        assert await c.logs(follow=True) == b"done\n"


async def test_break_releases_connection(client: DockerClient, run: Runner) -> None:
    c = await run("while true; do echo tick; sleep 0.05; done")
    await client.ping()
    before = socket_fds()
    with anyio.fail_after(10):
        async for line in c.logs(stream=True, follow=True):
            assert line == b"tick\n"
            assert acquired(client) == 1
            break
    assert acquired(client) == 0
    await anyio.sleep(0.05)  # the socket itself closes on the next loop iteration
    assert socket_fds() <= before


async def test_cancel_releases_connection(client: DockerClient, run: Runner) -> None:
    c = await run("echo once; sleep 600")
    got: list[bytes] = []
    with anyio.move_on_after(1) as scope:
        async for line in c.logs(stream=True, follow=True):
            got.append(line)
    assert scope.cancelled_caught
    assert got == [b"once\n"]
    assert acquired(client) == 0


async def test_aclose_and_context_manager_release(client: DockerClient, run: Runner) -> None:
    c = await run("while true; do echo tick; sleep 0.05; done")
    stream = c.logs(stream=True, follow=True)
    assert await stream.__anext__() == b"tick\n"
    assert acquired(client) == 1
    await stream.aclose()
    assert acquired(client) == 0
    assert stream.closed
    await stream.aclose()  # twice is fine
    with pytest.raises(StreamError, match="is closed"):  # use after close is an error
        await stream.__anext__()
    async with c.logs(stream=True, follow=True) as lines:
        assert await lines.__anext__() == b"tick\n"
    assert acquired(client) == 0


async def test_docker_py_guide_log_examples(run: Runner) -> None:
    """The usage guide's log examples, with ``await``/``async for`` added."""
    container = await run("echo first; echo second; sleep 0.3; echo third")
    printed = []
    with anyio.fail_after(10):
        async for line in container.logs(stream=True, follow=True):
            printed.append(line.decode().strip())
    assert printed == ["first", "second", "third"]
    logs = await container.logs()
    assert logs == b"first\nsecond\nthird\n"
    assert await container.logs(tail=100) == logs
    utcnow = datetime.now(timezone.utc).replace(tzinfo=None)  # what datetime.utcnow() gives
    assert await container.logs(since=utcnow - timedelta(hours=1)) == logs
    stamped = await container.logs(timestamps=True)
    assert [line.split(b" ", 1)[1] for line in stamped.splitlines()] == logs.splitlines()
