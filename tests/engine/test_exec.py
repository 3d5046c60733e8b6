"""exec_run against the real engine: results, demux, streams with exit codes, stdin."""

from __future__ import annotations

import anyio
import pytest

from aiocontainers import DockerClient
from aiocontainers._resources._exec import ExecResult, ExecStream
from aiocontainers.errors import Conflict, InvalidArgument, StreamError

from .test_logs import Runner, acquired, run

__all__ = ["run"]  # the fixture, imported for use here


async def test_exec_run_result_unpacks(run: Runner) -> None:
    c = await run("sleep 60")
    exit_code, output = await c.exec_run("echo hello world")
    assert (exit_code, output) == (0, b"hello world\n")
    result = await c.exec_run(["sh", "-c", "echo out; echo err >&2; exit 3"])
    assert isinstance(result, ExecResult)
    assert result.exit_code == 3
    assert sorted(result.output.splitlines()) == [b"err", b"out"]


async def test_exec_run_demux_gives_empty_bytes_not_none(run: Runner) -> None:
    c = await run("sleep 60")
    result = await c.exec_run(["sh", "-c", "echo out; echo err >&2"], demux=True)
    assert result == (0, (b"out\n", b"err\n"))
    assert (await c.exec_run("echo only-out", demux=True)).output == (b"only-out\n", b"")
    assert (await c.exec_run("true", demux=True)).output == (b"", b"")


async def test_exec_run_user_workdir_environment(run: Runner) -> None:
    c = await run("sleep 60")
    result = await c.exec_run(
        ["sh", "-c", 'id -u; pwd; echo "$FOO-$EMPTY"'],
        user="65534",
        workdir="/tmp",
        environment={"FOO": "bar", "EMPTY": ""},
    )
    assert result == (0, b"65534\n/tmp\nbar-\n")
    as_list = await c.exec_run(["sh", "-c", "echo $A"], environment=["A=1"])
    assert as_list.output == b"1\n"


async def test_exec_run_tty_and_raw_bytes(run: Runner) -> None:
    c = await run("sleep 60")
    assert await c.exec_run("echo hi", tty=True) == (0, b"hi\r\n")
    # Exec output is not stored by a log driver: invalid UTF-8 passes through untouched.
    assert (await c.exec_run(["printf", r"bad\377\360\237\230\200"])).output == (
        b"bad\xff" + "\U0001f600".encode()
    )


async def test_exec_run_detach_returns_at_once(run: Runner) -> None:
    c = await run("sleep 60")
    assert await c.exec_run(["sh", "-c", "sleep 0.2; echo x > /tmp/flag"], detach=True) == (
        None,
        b"",
    )
    for _ in range(100):
        if (await c.exec_run("cat /tmp/flag")).output == b"x\n":
            break
        await anyio.sleep(0.1)
    else:
        pytest.fail("the detached exec never ran")
    with pytest.raises(InvalidArgument):
        await c.exec_run("true", detach=True, stream=True)  # type: ignore[call-overload]


async def test_exec_on_stopped_container_is_conflict(run: Runner) -> None:
    c = await run("true")
    await c._transport.request_json("POST", "/containers/{id}/wait", path_args={"id": c.id})
    with pytest.raises(Conflict):
        await c.exec_run("true")


async def test_exec_stream_yields_output_then_exit_code(client: DockerClient, run: Runner) -> None:
    c = await run("sleep 60")
    result = await c.exec_run(
        ["sh", "-c", "echo one; sleep 0.2; echo two >&2; exit 4"], stream=True
    )
    exit_code, stream = result  # docker-py's shape: no exit code while streaming
    assert exit_code is None
    assert isinstance(stream, ExecStream)
    assert stream.exit_code is None
    with anyio.fail_after(10):
        chunks = [chunk async for chunk in result.output]
    assert chunks == [b"one\n", b"two\n"]
    assert stream.exit_code == 4
    assert acquired(client) == 0

    ok = (await c.exec_run("echo fine", stream=True)).output
    async with ok:
        assert [chunk async for chunk in ok] == [b"fine\n"]
    assert ok.exit_code == 0


async def test_exec_stream_demux_pairs(run: Runner) -> None:
    c = await run("sleep 60")
    _, stream = await c.exec_run(
        ["sh", "-c", "echo out; sleep 0.1; echo err >&2"], stream=True, demux=True
    )
    with anyio.fail_after(10):
        pairs = [pair async for pair in stream]
    assert pairs == [(b"out\n", b""), (b"", b"err\n")]
    assert stream.exit_code == 0


async def test_exec_stream_break_releases_connection(client: DockerClient, run: Runner) -> None:
    c = await run("sleep 60")
    _, stream = await c.exec_run(
        ["sh", "-c", "while true; do echo y; sleep 0.05; done"], stream=True
    )
    async for chunk in stream:
        assert chunk == b"y\n"
        break
    await stream.aclose()
    assert stream.exit_code is None
    assert acquired(client) == 0


async def test_interactive_cat_echoes_and_exits_on_half_close(
    client: DockerClient, run: Runner
) -> None:
    c = await run("sleep 60")
    with anyio.fail_after(15):
        async with await c.exec_interactive(["cat"]) as proc:
            await proc.write(b"hello\n")
            assert await proc.__anext__() == b"hello\n"
            await proc.write(b"a" * 100_000 + b"\nbye\n")
            await proc.close_stdin()
            rest = b"".join([chunk async for chunk in proc])
    assert rest == b"a" * 100_000 + b"\nbye\n"
    assert proc.exit_code == 0
    assert acquired(client) == 0
    with pytest.raises(StreamError, match="closed"):
        await proc.write(b"late")


async def test_interactive_via_socket_demux_and_exit_code(run: Runner) -> None:
    c = await run("sleep 60")
    with anyio.fail_after(15):
        _, proc = await c.exec_run(
            ["sh", "-c", "read x; echo got-$x; echo warn >&2; exit 7"],
            stdin=True,
            socket=True,
            demux=True,
        )
        await proc.write(b"ping\n")
        pairs = [pair async for pair in proc]
    assert sorted(pairs) == [(b"", b"warn\n"), (b"got-ping\n", b"")]
    assert proc.exit_code == 7


async def test_interactive_tty_resize(run: Runner) -> None:
    c = await run("sleep 60")
    with anyio.fail_after(15):
        async with await c.exec_interactive(["sh"], tty=True) as proc:
            await proc.resize(33, 111)
            await proc.write(b"stty size; exit 5\n")
            output = b"".join([chunk async for chunk in proc])
    assert b"33 111" in output
    assert proc.exit_code == 5


async def test_write_needs_socket(run: Runner) -> None:
    c = await run("sleep 60")
    async with (await c.exec_run("echo x", stream=True)).output as stream:
        with pytest.raises(InvalidArgument, match="socket=True"):
            await stream.write(b"x")


async def test_docker_py_guide_exec_examples(run: Runner) -> None:
    """The usage guide's exec examples, with ``await``/``async for`` added."""
    container = await run("mkdir -p /app && sleep 60")
    result = await container.exec_run("ls -la /app")
    assert result.exit_code == 0
    assert isinstance(result.output, bytes)

    streamed = await container.exec_run("sh -c 'echo a; sleep 0.1; echo b'", stream=True)
    text = ""
    async for chunk in streamed.output:
        text += chunk.decode()
    assert text == "a\nb\n"

    result2 = await container.exec_run("sh -c 'echo out; echo err >&2'", demux=True)
    stdout, stderr = result2.output
    assert (stdout, stderr) == (b"out\n", b"err\n")

    result3 = await container.exec_run(
        "sh -c 'echo $DB_URL; pwd; id -u'",
        environment={"DB_URL": "sqlite:///app.db"},
        workdir="/app",
        user="nobody",
    )
    assert result3 == (0, b"sqlite:///app.db\n/app\n65534\n")


async def test_cancelled_read_closes_interactive_exec(client: DockerClient, run: Runner) -> None:
    c = await run("sleep 60")
    proc = await c.exec_interactive(["cat"])
    with anyio.move_on_after(0.3) as scope:
        await proc.__anext__()
    assert scope.cancelled_caught
    assert proc.closed
    assert acquired(client) == 0
    with pytest.raises(StreamError, match="closed"):
        await proc.write(b"x")
