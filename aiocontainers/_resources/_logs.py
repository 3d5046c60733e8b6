"""Container output: ``logs()``, ``attach()`` and ``attach_socket()``.

Differences from docker-py, on purpose:

- ``logs(stream=True)`` yields whole lines (``bytes``, newline kept), each
  stream's lines reassembled across frames, instead of arbitrary chunks;
  ``lines=False`` gives the raw payloads, ``records=True`` gives
  :class:`~aiocontainers.LogRecord` objects that tell stdout from stderr and
  carry the timestamp.
- ``logs(follow=True)`` cannot hang once the container has exited: the
  container's state is checked after the stream opens, and a container that
  is not running gets a plain (non-following) read.
- ``demux=True`` gives ``b""``, never ``None``, for a stream with no output.
"""

from __future__ import annotations

from collections.abc import Coroutine
from datetime import datetime, timezone
from typing import Any, Literal, overload

from .._arguments import Tail, Timestamp
from .._streams._frames import STDERR, FrameDecoder
from .._streams._logs import LogDecoder, LogRecord
from .._transport import Params, StreamResponse
from .._validation import validated
from ..errors import InvalidArgument
from ._base import Model
from ._hijack import InteractiveStream, open_hijacked
from ._streaming import (
    ChunkSource,
    Decoder,
    DemuxedDecoder,
    DockerStream,
    LinesDecoder,
    PayloadDecoder,
)

__all__ = ["LogsMixin", "Timestamp", "to_timestamp"]


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def to_timestamp(value: Timestamp, name: str) -> str:
    """Docker's ``since``/``until`` format: seconds since the epoch, with nanoseconds.

    A naive ``datetime`` is taken as UTC (as ``datetime.utcnow()`` gives, and
    as docker-py does).
    """
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        delta = moment - _EPOCH
        seconds, micros = delta.days * 86400 + delta.seconds, delta.microseconds
        return f"{seconds}.{micros * 1000:09d}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidArgument(f"{name} must be a datetime or seconds since the epoch")
    if value < 0:
        raise InvalidArgument(f"{name} must not be negative, got {value!r}")
    if isinstance(value, int):
        return str(value)
    seconds = int(value)
    return f"{seconds}.{round((value - seconds) * 1e9):09d}"


def _tail(value: int | Literal["all"]) -> str:
    if value == "all":
        return "all"
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidArgument(f"tail must be 'all' or a non-negative int, got {value!r}")
    return str(value)


def _payload(body: bytes, tty: bool) -> bytes:
    frames = FrameDecoder(tty=tty)
    return b"".join([f[1] for f in frames.feed(body)] + [f[1] for f in frames.eof()])


def _demux(body: bytes, tty: bool) -> tuple[bytes, bytes]:
    frames = FrameDecoder(tty=tty)
    out: list[bytes] = []
    err: list[bytes] = []
    for stream, data in [*frames.feed(body), *frames.eof()]:
        (err if stream == STDERR else out).append(data)
    return b"".join(out), b"".join(err)


class LogsMixin(Model):
    """Log and attach methods of :class:`~aiocontainers.Container`."""

    async def _is_tty(self) -> bool:
        if "Config" not in self.attrs:
            await self.reload()
        return bool(self.attrs.get("Config", {}).get("Tty"))

    # -- logs -----------------------------------------------------------------

    @overload
    def logs(
        self,
        *,
        stdout: bool = ...,
        stderr: bool = ...,
        stream: Literal[False] = False,
        timestamps: bool = ...,
        tail: int | Literal["all"] = ...,
        since: Timestamp | None = ...,
        follow: bool | None = ...,
        until: Timestamp | None = ...,
    ) -> Coroutine[Any, Any, bytes]: ...

    @overload
    def logs(
        self,
        *,
        stdout: bool = ...,
        stderr: bool = ...,
        stream: Literal[True],
        timestamps: bool = ...,
        tail: int | Literal["all"] = ...,
        since: Timestamp | None = ...,
        follow: bool | None = ...,
        until: Timestamp | None = ...,
        lines: bool = ...,
        records: Literal[False] = False,
    ) -> DockerStream[bytes]: ...

    @overload
    def logs(
        self,
        *,
        stdout: bool = ...,
        stderr: bool = ...,
        stream: Literal[True],
        timestamps: bool = ...,
        tail: int | Literal["all"] = ...,
        since: Timestamp | None = ...,
        follow: bool | None = ...,
        until: Timestamp | None = ...,
        records: Literal[True],
    ) -> DockerStream[LogRecord]: ...

    @overload
    def logs(
        self,
        *,
        stdout: bool = ...,
        stderr: bool = ...,
        stream: bool,
        timestamps: bool = ...,
        tail: int | Literal["all"] = ...,
        since: Timestamp | None = ...,
        follow: bool | None = ...,
        until: Timestamp | None = ...,
        lines: bool = ...,
        records: bool = ...,
    ) -> Coroutine[Any, Any, bytes] | DockerStream[Any]: ...

    @validated
    def logs(
        self,
        *,
        stdout: bool = True,
        stderr: bool = True,
        stream: bool = False,
        timestamps: bool = False,
        tail: Tail = "all",
        since: Timestamp | None = None,
        follow: bool | None = None,
        until: Timestamp | None = None,
        lines: bool = True,
        records: bool = False,
    ) -> Coroutine[Any, Any, bytes] | DockerStream[Any]:
        """The container's output, like ``docker logs``.

        Without ``stream``: ``await container.logs()`` returns stdout and
        stderr as one ``bytes`` (with ``follow=True``, once the container
        stops). With ``stream=True`` the call returns an async iterator at
        once (no ``await``)::

            async for line in container.logs(stream=True, follow=True):
                ...

        It yields whole lines as ``bytes`` (newline kept; ``lines=False``:
        the raw payloads as they arrive), or :class:`LogRecord` objects with
        ``records=True``. As in docker-py, ``follow`` defaults to ``stream``.
        A followed stream ends when the container stops, also when it is
        killed or had already exited. ``since``/``until``: a ``datetime`` or
        seconds since the epoch; ``tail``: a line count or ``"all"``.
        """
        if follow is None:
            follow = stream
        if records and not lines:
            raise InvalidArgument("records=True always yields whole lines; drop lines=False")
        params: dict[str, Any] = {
            "stdout": stdout,
            "stderr": stderr,
            "timestamps": timestamps,
            "tail": _tail(tail),
            "since": None if since is None else to_timestamp(since, "since"),
            "until": None if until is None else to_timestamp(until, "until"),
        }
        if not stream:
            return self._read_logs(params, follow=follow)

        async def open_logs() -> tuple[ChunkSource, Decoder[Any]]:
            response, tty = await self._open_logs(params, follow=follow)
            if records:
                return response, LogDecoder(tty=tty, timestamps=timestamps)
            if lines:
                return response, LinesDecoder(tty=tty)
            return response, PayloadDecoder(tty=tty)

        return DockerStream(open_logs, name=f"logs of {self.short_id}")

    async def _open_logs(self, params: Params, *, follow: bool) -> tuple[StreamResponse, bool]:
        path, args = "/containers/{id}/logs", {"id": self.id}
        if not follow:
            tty = await self._is_tty()
            return await self._transport.open_stream(
                "GET", path, path_args=args, params=params
            ), tty
        response = await self._transport.open_stream(
            "GET", path, path_args=args, params={**params, "follow": True}
        )
        try:
            # The daemon has set up its log watcher once it answers. If the
            # container exited before that, the watcher may never be told and
            # the stream would never end: read what there is without following.
            state = await self._transport.request_json(
                "GET", "/containers/{id}/json", path_args=args
            )
            tty = bool(state["Config"].get("Tty"))
            if state["State"].get("Running"):
                return response, tty
        except BaseException:
            response.close()
            raise
        response.close()
        return await self._transport.open_stream("GET", path, path_args=args, params=params), tty

    async def _read_logs(self, params: Params, *, follow: bool) -> bytes:
        if follow:
            response, tty = await self._open_logs(params, follow=True)
            async with response:
                return _payload(await response.read_all(), tty)
        tty = await self._is_tty()
        body = await self._transport.request(
            "GET", "/containers/{id}/logs", path_args={"id": self.id}, params=params
        )
        return _payload(body, tty)

    # -- attach ---------------------------------------------------------------

    @overload
    def attach(
        self,
        *,
        stdout: bool = ...,
        stderr: bool = ...,
        stream: Literal[False] = False,
        logs: bool = ...,
        demux: Literal[False] = False,
    ) -> Coroutine[Any, Any, bytes]: ...

    @overload
    def attach(
        self,
        *,
        stdout: bool = ...,
        stderr: bool = ...,
        stream: Literal[False] = False,
        logs: bool = ...,
        demux: Literal[True],
    ) -> Coroutine[Any, Any, tuple[bytes, bytes]]: ...

    @overload
    def attach(
        self,
        *,
        stdout: bool = ...,
        stderr: bool = ...,
        stream: Literal[True],
        logs: bool = ...,
        demux: Literal[False] = False,
    ) -> DockerStream[bytes]: ...

    @overload
    def attach(
        self,
        *,
        stdout: bool = ...,
        stderr: bool = ...,
        stream: Literal[True],
        logs: bool = ...,
        demux: Literal[True],
    ) -> DockerStream[tuple[bytes, bytes]]: ...

    @validated
    def attach(
        self,
        *,
        stdout: bool = True,
        stderr: bool = True,
        stream: bool = False,
        logs: bool = False,
        demux: bool = False,
    ) -> (
        Coroutine[Any, Any, bytes]
        | Coroutine[Any, Any, tuple[bytes, bytes]]
        | DockerStream[bytes]
        | DockerStream[tuple[bytes, bytes]]
    ):
        """Attach to the container's output, as docker-py's ``attach``.

        ``logs=True`` starts with the output so far. ``stream=True`` returns an
        async iterator at once (raw payloads, or ``(stdout, stderr)`` pairs
        with ``demux=True``, the other side ``b""``) that ends when the
        container stops; otherwise ``await`` gives ``bytes`` (or the pair).
        """
        params = {"stdout": stdout, "stderr": stderr, "stream": stream, "logs": logs}
        if not stream:
            return self._read_attach(params, demux=demux)

        async def open_attach() -> tuple[ChunkSource, Decoder[Any]]:
            tty = await self._is_tty()
            response = await self._transport.open_stream(
                "POST", "/containers/{id}/attach", path_args={"id": self.id}, params=params
            )
            return response, DemuxedDecoder(tty=tty) if demux else PayloadDecoder(tty=tty)

        return DockerStream(open_attach, name=f"attach to {self.short_id}")

    async def _read_attach(self, params: Params, *, demux: bool) -> Any:
        tty = await self._is_tty()
        body = await self._transport.request(
            "POST",
            "/containers/{id}/attach",
            path_args={"id": self.id},
            params=params,
            timeout=None,
        )
        return _demux(body, tty) if demux else _payload(body, tty)

    @validated
    async def attach_socket(
        self,
        *,
        stdin: bool = True,
        stdout: bool = True,
        stderr: bool = True,
        logs: bool = False,
    ) -> InteractiveStream[bytes]:
        """Attach with stdin: write with ``await s.write(...)``, iterate the output.

        The container needs ``stdin_open=True``. ``await s.close_stdin()``
        sends EOF: if the container was created with stdin held for one
        attach (Docker's ``StdinOnce``, which docker-py and we set for
        ``create(stdin_open=True)`` but not for ``run(detach=True)``) the
        process's stdin closes and its remaining output follows; otherwise
        the daemon ends the attach session. Unlike docker-py this returns an
        async stream object, not a socket.
        """
        tty = await self._is_tty()
        params = {"stdin": stdin, "stdout": stdout, "stderr": stderr, "logs": logs, "stream": True}

        async def open_socket() -> tuple[ChunkSource, Decoder[bytes]]:
            connection = await open_hijacked(
                self._transport,
                "/containers/{id}/attach",
                path_args={"id": self.id},
                params=params,
            )
            return connection, PayloadDecoder(tty=tty)

        attached = InteractiveStream(open_socket, name=f"attach to {self.short_id}")
        await attached._open()
        return attached
