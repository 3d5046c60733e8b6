"""Running commands in a container: ``exec_run()`` and interactive exec.

``exec_run`` costs three round trips (create, start, inspect): the start
response's body is the command's output, so no connection upgrade is needed
unless stdin is written. Differences from docker-py, on purpose:

- ``stream=True``/``socket=True`` return ``ExecResult(None, stream)`` as
  docker-py does, but the `ExecStream`'s ``exit_code`` is set once the
  output is exhausted (docker-py gives none).
- ``demux=True`` gives ``b""``, never ``None``, for a stream with no output.
- ``socket=True`` gives an [`ExecStream`][aiocontainers.ExecStream] with ``write()``,
  ``close_stdin()`` and ``resize()`` instead of a raw socket.

Endings are truthful. The daemon sends the output over a hijacked connection
whose end looks the same whether the command finished or the connection was
cut, so when the output ends the exec is inspected: it must have stopped
(then ``exit_code`` is its status); if it still runs after a short grace the
output was cut and [`StreamError`][aiocontainers.errors.StreamError] is raised.
Non-streamed ``exec_run()`` waits as long as the command runs (or at most
``timeout`` seconds), and when no output came for the client's timeout it
asks the daemon whether the command still runs, so a stalled daemon or
connection raises instead of hanging.
"""

from __future__ import annotations

import math
import shlex
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, overload

import anyio
from typing_extensions import NamedTuple

from .._arguments import Count, ExecEnvironment, ShellCommand
from .._streams._frames import STDERR, FrameDecoder
from .._transport import check_timeout
from .._validation import validated
from ..errors import DockerException, InvalidArgument, InvalidResponse, StreamError, Timeout
from ._base import Model
from ._hijack import InteractiveStream, open_hijacked
from ._streaming import ChunkSource, Decoder, DemuxedDecoder, PayloadDecoder

if TYPE_CHECKING:
    from .._transport import Transport

__all__ = ["ExecMixin", "ExecResult", "ExecStream", "exec_inspect", "exec_resize", "exec_start"]

OutputT = TypeVar("OutputT")
T = TypeVar("T")

Command = ShellCommand
Environment = ExecEnvironment

# After the output ends the daemon has normally recorded the exit code; if it
# has not yet (the process is still being reaped), poll for this long before
# concluding that the output was cut while the command runs.
END_GRACE = 2.0
UNSURE_END = "the output ended and the daemon could not say whether the process finished"
_POLL_START = 0.005
_POLL_MAX = 0.1


class ExecResult(NamedTuple, Generic[OutputT]):
    """What [`ExecMixin.exec_run()`][aiocontainers.Container.exec_run] returns: ``exit_code, output
    = await ...``.

    ``output`` is ``bytes`` (stdout and stderr merged), or ``(stdout, stderr)``
    with ``demux=True``. ``exit_code`` is ``None`` for a detached exec.
    """

    exit_code: int | None
    output: OutputT


def _command(cmd: Command) -> list[str]:
    if isinstance(cmd, str):
        return shlex.split(cmd)
    return list(cmd)


def _environment(environment: Environment | None) -> list[str] | None:
    if environment is None:
        return None
    if isinstance(environment, Mapping):
        return [k if v is None else f"{k}={v}" for k, v in environment.items()]
    if isinstance(environment, str):
        raise InvalidArgument("environment must be a mapping or a list of 'KEY=value'")
    return list(environment)


async def settle(still_running: Callable[[], Awaitable[bool]], *, what: str) -> None:
    """After a hijacked stream's end: wait (at most `END_GRACE` s) for the process to stop.

    ``still_running`` asks the daemon. A process still running after the grace means the connection
    was cut: [`StreamError`][aiocontainers.errors.StreamError]. A daemon that cannot say raises
    ``StreamError`` too, chained to why.
    """
    deadline = time.monotonic() + END_GRACE
    delay = _POLL_START
    try:
        while await still_running():
            left = deadline - time.monotonic()
            if left <= 0:
                raise StreamError(
                    f"{what}: the output ended while the process was still running "
                    "(the connection was cut)"
                )
            await anyio.sleep(min(delay, left))
            delay = min(delay * 2, _POLL_MAX)
    except StreamError:
        raise
    except DockerException as exc:
        raise StreamError(f"{what}: {UNSURE_END}: {exc}") from exc


class ExecStream(InteractiveStream[T]):
    """The output of a streamed exec, as an async iterator; also ``async with``.

    Yields the output as it comes: ``bytes`` payloads, or ``(stdout, stderr)``
    pairs with ``demux=True`` (the side not written is ``b""``).
    `exit_code` is ``None`` until the output is exhausted, then the
    command's exit status; an output cut before the command ended raises
    [`StreamError`][aiocontainers.errors.StreamError]. Opened with ``socket=True`` it
    also takes stdin (`write()`, `close_stdin()`) and, with a TTY,
    [`resize()`][aiocontainers.ExecStream.resize].
    """

    def __init__(
        self,
        source: ChunkSource,
        decoder: Decoder[T],
        *,
        exec_id: str,
        transport: Transport,
        writable: bool = False,
        idle_timeout: float | None = None,
    ) -> None:
        super().__init__((source, decoder), name=f"exec {exec_id[:12]}", idle_timeout=idle_timeout)
        self.id = exec_id
        self._transport = transport
        self._writable = writable
        self.exit_code: int | None = None

    async def _running(self) -> bool:
        info = await self.inspect()
        if info.get("Running") or info.get("ExitCode") is None:
            return True
        self.exit_code = int(info["ExitCode"])
        return False

    async def _on_end(self) -> bool:
        await settle(self._running, what=self._name)
        return True

    async def _still_alive(self) -> bool:
        return await self._running()

    @validated
    async def inspect(self) -> dict[str, Any]:
        """The daemon's view of the exec (``Running``, ``ExitCode``, ``Pid``...)."""
        return await exec_inspect(self._transport, self.id)

    @validated
    async def resize(self, height: Count, width: Count) -> None:
        """Resize the exec's TTY."""
        await exec_resize(self._transport, self.id, height, width)


async def exec_inspect(transport: Transport, exec_id: str) -> dict[str, Any]:
    """``GET /exec/{id}/json``: the daemon's view of an exec."""
    info: dict[str, Any] = await transport.request_json(
        "GET", "/exec/{id}/json", path_args={"id": exec_id}, expect=dict
    )
    return info


async def exec_resize(
    transport: Transport, exec_id: str, height: int | None, width: int | None
) -> None:
    """``POST /exec/{id}/resize``: resize an exec's TTY (a size left out is not sent)."""
    await transport.request(
        "POST",
        "/exec/{id}/resize",
        path_args={"id": exec_id},
        params={"h": height, "w": width},
    )


async def exec_start(
    transport: Transport,
    exec_id: str,
    *,
    detach: bool = False,
    tty: bool = False,
    stream: bool = False,
    socket: bool = False,
    demux: bool = False,
    timeout: float | None = None,
) -> ExecResult[Any]:
    """Start a created exec: ``ExecResult(None, b"")`` detached, ``ExecResult(None, stream)``
    streamed, else ``ExecResult(exit code, output)`` once it ends (``Timeout`` after
    ``timeout`` seconds)."""
    deadline = anyio.current_time() + (math.inf if timeout is None else timeout)
    start = {"Detach": detach, "Tty": tty}
    path, args = "/exec/{id}/start", {"id": exec_id}
    if detach:
        await transport.request("POST", path, path_args=args, json=start)
        return ExecResult(None, b"")
    source: ChunkSource
    if socket:
        source = await open_hijacked(transport, path, path_args=args, json=start)
    else:
        source = await transport.open_stream("POST", path, path_args=args, json=start)
    if stream or socket:
        decoder: Decoder[Any] = DemuxedDecoder(tty=tty) if demux else PayloadDecoder(tty=tty)
        return ExecResult(
            None,
            ExecStream(source, decoder, exec_id=exec_id, transport=transport, writable=socket),
        )
    frames = ExecStream(
        source,
        FrameDecoder(tty=tty),
        exec_id=exec_id,
        transport=transport,
        idle_timeout=transport.timeout,
    )
    out: list[bytes] = []
    err: list[bytes] = []
    try:
        with anyio.CancelScope(deadline=deadline) as scope:
            async for channel, data in frames:
                (err if demux and channel == STDERR else out).append(data)
        if scope.cancelled_caught:
            raise Timeout(f"exec {exec_id[:12]} ran longer than {timeout} s (it keeps running)")
    finally:
        await frames.aclose()
    output: Any = (b"".join(out), b"".join(err)) if demux else b"".join(out)
    return ExecResult(frames.exit_code, output)


class ExecMixin(Model):
    """Exec methods of [`Container`][aiocontainers.Container]."""

    @overload
    async def exec_run(
        self,
        cmd: Command,
        stdout: bool = ...,
        stderr: bool = ...,
        stdin: bool = ...,
        tty: bool = ...,
        privileged: bool = ...,
        user: str = ...,
        detach: bool = ...,
        stream: Literal[False] = False,
        socket: Literal[False] = False,
        environment: Environment | None = ...,
        workdir: str | None = ...,
        demux: Literal[False] = False,
        *,
        timeout: float | timedelta | None = ...,
    ) -> ExecResult[bytes]: ...

    @overload
    async def exec_run(
        self,
        cmd: Command,
        *,
        stdout: bool = ...,
        stderr: bool = ...,
        stdin: bool = ...,
        tty: bool = ...,
        privileged: bool = ...,
        user: str = ...,
        detach: Literal[False] = False,
        stream: Literal[False] = False,
        socket: Literal[False] = False,
        environment: Environment | None = ...,
        workdir: str | None = ...,
        demux: Literal[True],
        timeout: float | timedelta | None = ...,
    ) -> ExecResult[tuple[bytes, bytes]]: ...

    @overload
    async def exec_run(
        self,
        cmd: Command,
        *,
        stdout: bool = ...,
        stderr: bool = ...,
        stdin: bool = ...,
        tty: bool = ...,
        privileged: bool = ...,
        user: str = ...,
        detach: Literal[False] = False,
        stream: Literal[True],
        socket: bool = ...,
        environment: Environment | None = ...,
        workdir: str | None = ...,
        demux: Literal[False] = False,
    ) -> ExecResult[ExecStream[bytes]]: ...

    @overload
    async def exec_run(
        self,
        cmd: Command,
        *,
        stdout: bool = ...,
        stderr: bool = ...,
        stdin: bool = ...,
        tty: bool = ...,
        privileged: bool = ...,
        user: str = ...,
        detach: Literal[False] = False,
        stream: Literal[True],
        socket: bool = ...,
        environment: Environment | None = ...,
        workdir: str | None = ...,
        demux: Literal[True],
    ) -> ExecResult[ExecStream[tuple[bytes, bytes]]]: ...

    @overload
    async def exec_run(
        self,
        cmd: Command,
        *,
        stdout: bool = ...,
        stderr: bool = ...,
        stdin: bool = ...,
        tty: bool = ...,
        privileged: bool = ...,
        user: str = ...,
        detach: Literal[False] = False,
        stream: bool = ...,
        socket: Literal[True],
        environment: Environment | None = ...,
        workdir: str | None = ...,
        demux: bool = ...,
    ) -> ExecResult[ExecStream[Any]]: ...

    @validated
    async def exec_run(
        self,
        cmd: Command,
        stdout: bool = True,
        stderr: bool = True,
        stdin: bool = False,
        tty: bool = False,
        privileged: bool = False,
        user: str = "",
        detach: bool = False,
        stream: bool = False,
        socket: bool = False,
        environment: Environment | None = None,
        workdir: str | None = None,
        demux: bool = False,
        *,
        timeout: float | timedelta | None = None,
    ) -> ExecResult[Any]:
        """Run ``cmd`` in the container, like ``docker exec``.

        By default waits for the command and returns ``ExecResult(exit_code,
        output)``: as long as the command runs, or at most ``timeout`` seconds
        (then `Timeout`; the command keeps running).
        ``stream=True`` returns ``ExecResult(None, stream)`` as soon as the
        command started, as docker-py does: ``stream`` is an `ExecStream`
        whose ``exit_code`` is the command's status once the output is exhausted.
        ``socket=True`` the same, with stdin writable (pass ``stdin=True`` to
        give the command a stdin). ``detach=True`` starts
        the command and returns ``ExecResult(None, b"")`` at once. ``cmd`` is
        a list or a string (split like a shell would, without one).
        """
        limit = check_timeout(timeout)
        if detach and (stream or socket):
            raise InvalidArgument("detach=True cannot be combined with stream or socket")
        exec_id = await self._exec_create(
            cmd,
            stdout=stdout,
            stderr=stderr,
            stdin=stdin,
            tty=tty,
            privileged=privileged,
            user=user,
            environment=environment,
            workdir=workdir,
        )
        return await exec_start(
            self._transport,
            exec_id,
            detach=detach,
            tty=tty,
            stream=stream,
            socket=socket,
            demux=demux,
            timeout=limit,
        )

    async def _exec_create(
        self,
        cmd: Command,
        *,
        stdout: bool = True,
        stderr: bool = True,
        stdin: bool = False,
        tty: bool = False,
        privileged: bool = False,
        user: str = "",
        environment: Environment | None = None,
        workdir: str | None = None,
        detach_keys: str | None = None,
    ) -> str:
        """Create (not start) an exec of ``cmd``; its id (``detach_keys``: the key
        sequence that detaches an attached client, ``"ctrl-p,ctrl-q"``)."""
        created = await self._transport.request_json(
            "POST",
            "/containers/{id}/exec",
            path_args={"id": self.id},
            json={
                "AttachStdin": stdin,
                "AttachStdout": stdout,
                "AttachStderr": stderr,
                "Tty": tty,
                "Cmd": _command(cmd),
                "Privileged": privileged,
                "User": user,
                "Env": _environment(environment),
                "WorkingDir": workdir,
                **({"DetachKeys": detach_keys} if detach_keys else {}),
            },
            expect=dict,
        )
        exec_id = str(created.get("Id") or "")
        if not exec_id:
            raise InvalidResponse(f"exec create: the daemon's answer has no Id: {created}")
        return exec_id

    @validated
    async def exec_interactive(
        self,
        cmd: Command,
        *,
        tty: bool = False,
        privileged: bool = False,
        user: str = "",
        environment: Environment | None = None,
        workdir: str | None = None,
    ) -> ExecStream[bytes]:
        """Start ``cmd`` with stdin attached and return its two-way
        [`ExecStream`][aiocontainers.ExecStream].

        Shorthand for ``exec_run(cmd, stdin=True, socket=True, ...)``::

            async with await container.exec_interactive(["cat"]) as proc:
                await proc.write(b"hello\\n")
                await proc.close_stdin()
                output = b"".join([chunk async for chunk in proc])
            assert proc.exit_code == 0
        """
        started = await self.exec_run(
            cmd,
            stdin=True,
            socket=True,
            tty=tty,
            privileged=privileged,
            user=user,
            environment=environment,
            workdir=workdir,
        )
        return started.output
