"""Running commands in a container: ``exec_run()`` and interactive exec.

``exec_run`` costs three round trips (create, start, inspect): the start
response's body is the command's output, so no connection upgrade is needed
unless stdin is written. Differences from docker-py, on purpose:

- ``stream=True``/``socket=True`` return an :class:`ExecStream` whose
  ``exit_code`` is set once the output is exhausted (docker-py gives none).
- ``demux=True`` gives ``b""``, never ``None``, for a stream with no output.
- ``socket=True`` gives an :class:`ExecStream` with ``write()``,
  ``close_stdin()`` and ``resize()`` instead of a raw socket.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, overload

import anyio
from typing_extensions import NamedTuple

from .._arguments import Count, ExecEnvironment, ShellCommand
from .._streams._frames import STDERR, FrameDecoder
from .._validation import validated
from ..errors import InvalidArgument
from ._base import Model
from ._hijack import InteractiveStream, open_hijacked
from ._streaming import ChunkSource, Decoder, DemuxedDecoder, PayloadDecoder

if TYPE_CHECKING:
    from .._transport import Transport

__all__ = ["ExecMixin", "ExecResult", "ExecStream"]

OutputT = TypeVar("OutputT")
T = TypeVar("T")

Command = ShellCommand
Environment = ExecEnvironment

# After the output ends the daemon has normally recorded the exit code; if it
# has not yet (the process is still being reaped), poll briefly.
_EXIT_POLLS = 40
_EXIT_POLL_INTERVAL = 0.025


class ExecResult(NamedTuple, Generic[OutputT]):
    """What :meth:`ExecMixin.exec_run` returns: ``exit_code, output = await ...``.

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


async def _exit_code(transport: Transport, exec_id: str) -> int | None:
    """The exec's exit code, waiting briefly if the daemon has not recorded it yet."""
    for _ in range(_EXIT_POLLS):
        info = await transport.request_json("GET", "/exec/{id}/json", path_args={"id": exec_id})
        if not info.get("Running") and info.get("ExitCode") is not None:
            return int(info["ExitCode"])
        await anyio.sleep(_EXIT_POLL_INTERVAL)
    return None


class ExecStream(InteractiveStream[T]):
    """The output of a streamed exec, as an async iterator; also ``async with``.

    Yields the output as it comes: ``bytes`` payloads, or ``(stdout, stderr)``
    pairs with ``demux=True`` (the side not written is ``b""``).
    :attr:`exit_code` is ``None`` until the output is exhausted, then the
    command's exit status. Opened with ``socket=True`` it also takes stdin
    (:meth:`write`, :meth:`close_stdin`) and, with a TTY, :meth:`resize`.
    """

    def __init__(
        self, source: ChunkSource, decoder: Decoder[T], *, exec_id: str, transport: Transport
    ) -> None:
        super().__init__((source, decoder), name=f"exec {exec_id[:12]}")
        self.id = exec_id
        self._transport = transport
        self.exit_code: int | None = None

    @property
    def output(self) -> ExecStream[T]:
        """This stream, so docker-py's ``async for chunk in result.output`` works."""
        return self

    async def _on_end(self) -> None:
        self.exit_code = await _exit_code(self._transport, self.id)

    @validated
    async def inspect(self) -> dict[str, Any]:
        """The daemon's view of the exec (``Running``, ``ExitCode``, ``Pid``...)."""
        info: dict[str, Any] = await self._transport.request_json(
            "GET", "/exec/{id}/json", path_args={"id": self.id}
        )
        return info

    @validated
    async def resize(self, height: Count, width: Count) -> None:
        """Resize the exec's TTY."""
        await self._transport.request(
            "POST",
            "/exec/{id}/resize",
            path_args={"id": self.id},
            params={"h": height, "w": width},
        )


class ExecMixin(Model):
    """Exec methods of :class:`~aiocontainers.Container`."""

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
        detach: bool = ...,
        stream: Literal[False] = False,
        socket: Literal[False] = False,
        environment: Environment | None = ...,
        workdir: str | None = ...,
        demux: Literal[False] = False,
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
        stream: bool = ...,
        socket: bool = ...,
        environment: Environment | None = ...,
        workdir: str | None = ...,
        demux: Literal[False] = False,
    ) -> ExecStream[bytes]: ...

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
        socket: bool = ...,
        environment: Environment | None = ...,
        workdir: str | None = ...,
        demux: Literal[True],
    ) -> ExecStream[tuple[bytes, bytes]]: ...

    @validated
    async def exec_run(
        self,
        cmd: Command,
        *,
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
    ) -> ExecResult[Any] | ExecStream[Any]:
        """Run ``cmd`` in the container, like ``docker exec``.

        By default waits for the command and returns ``ExecResult(exit_code,
        output)``. ``stream=True`` returns an :class:`ExecStream` as soon as
        the command started; ``socket=True`` the same, with stdin writable
        (pass ``stdin=True`` to give the command a stdin). ``detach=True``
        starts the command and returns ``ExecResult(None, b"")`` at once.
        ``cmd`` is a list or a string (split like a shell would, without one).
        """
        if detach and (stream or socket):
            raise InvalidArgument("detach=True cannot be combined with stream or socket")
        transport = self._transport
        created = await transport.request_json(
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
            },
        )
        exec_id = str(created["Id"])
        start = {"Detach": detach, "Tty": tty}
        path, args = "/exec/{id}/start", {"id": exec_id}
        if detach:
            await transport.request("POST", path, path_args=args, json=start)
            return ExecResult(None, b"")
        if stream or socket:
            source: ChunkSource
            if socket:
                source = await open_hijacked(transport, path, path_args=args, json=start)
            else:
                source = await transport.open_stream("POST", path, path_args=args, json=start)
            decoder: Decoder[Any] = DemuxedDecoder(tty=tty) if demux else PayloadDecoder(tty=tty)
            return ExecStream(source, decoder, exec_id=exec_id, transport=transport)
        body = await transport.request("POST", path, path_args=args, json=start, timeout=None)
        frames = FrameDecoder(tty=tty)
        out: list[bytes] = []
        err: list[bytes] = []
        for channel, data in [*frames.feed(body), *frames.eof()]:
            (err if demux and channel == STDERR else out).append(data)
        output: Any = (b"".join(out), b"".join(err)) if demux else b"".join(out)
        return ExecResult(await _exit_code(transport, exec_id), output)

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
        """Start ``cmd`` with stdin attached and return its two-way :class:`ExecStream`.

        Shorthand for ``exec_run(cmd, stdin=True, socket=True, ...)``::

            async with await container.exec_interactive(["cat"]) as proc:
                await proc.write(b"hello\\n")
                await proc.close_stdin()
                output = b"".join([chunk async for chunk in proc])
            assert proc.exit_code == 0
        """
        return await self.exec_run(
            cmd,
            stdin=True,
            socket=True,
            tty=tty,
            privileged=privileged,
            user=user,
            environment=environment,
            workdir=workdir,
        )
