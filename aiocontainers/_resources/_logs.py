"""Container output: ``logs()``, ``attach()`` and ``attach_socket()``.

Differences from docker-py, on purpose:

- ``logs(stream=True)`` yields whole lines (``bytes``, newline kept), each
  stream's lines reassembled across frames, instead of arbitrary chunks;
  ``lines=False`` gives the raw payloads, ``records=True`` gives
  [`LogRecord`][aiocontainers.LogRecord] objects that tell stdout from stderr and
  carry the timestamp.
- ``logs(follow=True)`` cannot hang once the container has exited: the
  container's state is checked after the stream opens, and a container that
  is not running gets a plain (non-following) read.
- ``demux=True`` gives ``b""``, never ``None``, for a stream with no output.
- ``attach()`` (not streamed) waits until the container stops, as docker-py
  documents (and ``stream=1`` is always sent); the attach connection is
  hijacked, so its end is checked against the container's state: output that
  ends while the same run of the container goes on raises ``StreamError``.
- Reads that last as long as the container runs (``attach()``,
  ``logs(follow=True)`` without ``stream``) ask the daemon whether the
  container still runs when nothing arrived for the client's timeout, so a
  stalled daemon or connection raises instead of hanging.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Mapping
from datetime import datetime, timezone
from typing import Any, Literal, TypeVar, overload

import anyio

from .._arguments import Tail, Timestamp
from .._http import ResponseStream
from .._streams._frames import STDERR, Frame, FrameDecoder
from .._streams._logs import LogDecoder, LogRecord
from .._transport import Params
from .._validation import validated
from ..errors import DockerException, InvalidArgument, NotFound, StreamError
from ._base import Model
from ._exec import END_GRACE, UNSURE_END, settle
from ._hijack import InteractiveStream, open_hijacked
from ._streaming import (
    ChunkSource,
    Decoder,
    DemuxedDecoder,
    DockerStream,
    JoinedPayloadDecoder,
    LinesDecoder,
    Opener,
    PayloadDecoder,
)

T = TypeVar("T")

__all__ = ["ContainerOutput", "LogsMixin", "Timestamp", "to_timestamp"]


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


def _demux(frames: list[Frame]) -> tuple[bytes, bytes]:
    out = b"".join(data for stream, data in frames if stream != STDERR)
    return out, b"".join(data for stream, data in frames if stream == STDERR)


class ContainerOutput(InteractiveStream[T]):
    """Output that lasts while the container runs: attach, and logs read to their end.

    With ``idle_timeout``, silence that long makes it ask whether the
    container still runs (then it keeps waiting). With ``hijacked`` (attach),
    the end of the body is checked: the container must have stopped, or be in
    a later run than when the stream opened; otherwise ``StreamError``.
    """

    def __init__(
        self,
        opener: Opener[T],
        *,
        container: Model,
        name: str,
        hijacked: bool = False,
        writable: bool = False,
        idle_timeout: float | None = None,
    ) -> None:
        super().__init__(opener, name=name, idle_timeout=idle_timeout)
        self._container = container
        self._hijacked = hijacked
        self._writable = writable
        #: The run the stream was opened in (``None``: the first, not started then).
        self.started_at: str | None = None
        self._stopped = False
        self._exited: Callable[[], Awaitable[object]] | None = None

    def end_on(self, exited: Callable[[], Awaitable[object]]) -> None:
        """Check the end of the output against ``exited`` (an open wait for this run's
        exit) before asking the daemon for the container's state (only if the wait is
        slow to answer)."""
        self._exited = exited

    def opened_stopped(self) -> None:
        """The container had stopped when the stream opened.

        If it stopped before the daemon attached, the session would wait for a
        next run: what the run wrote arrives within a grace, then the stream ends.
        """
        self._stopped = True
        self._idle_timeout = END_GRACE

    async def _read(self, source: ChunkSource) -> bytes:
        if not self._stopped:
            return await super()._read(source)
        with anyio.move_on_after(END_GRACE):
            return await source.read_chunk()
        return b""

    async def _state(self) -> dict[str, Any]:
        try:
            await self._container.reload()
        except NotFound:
            return {}  # removed (auto_remove): it has stopped
        state = self._container.attrs.get("State")
        return state if isinstance(state, dict) else {}

    async def _still_alive(self) -> bool:
        return bool((await self._state()).get("Running"))

    async def _same_run(self) -> bool:
        state = await self._state()
        same = self.started_at is None or state.get("StartedAt") == self.started_at
        return bool(state.get("Running")) and same

    async def _on_end(self) -> bool:
        if not self._hijacked:
            return True
        if self._exited is not None:
            with anyio.move_on_after(END_GRACE):
                try:
                    await self._exited()
                except DockerException as exc:
                    raise StreamError(f"{self._name}: {UNSURE_END}: {exc}") from exc
                return True
            # A loaded daemon answers a wait only once it cleaned the container up,
            # after its state says it stopped: ask for that state.
        await settle(self._same_run, what=self._name)
        return True


class LogsMixin(Model):
    """Log and attach methods of [`Container`][aiocontainers.Container]."""

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
        the raw payloads as they arrive), or [`LogRecord`][aiocontainers.LogRecord] objects with
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

    async def _open_logs(self, params: Params, *, follow: bool) -> tuple[ResponseStream, bool]:
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
            await self.reload()
            tty = bool(self.attrs.get("Config", {}).get("Tty"))
            if self.attrs.get("State", {}).get("Running"):
                return response, tty
        except BaseException:
            response.close()
            raise
        response.close()
        return await self._transport.open_stream("GET", path, path_args=args, params=params), tty

    async def _read_logs(self, params: Params, *, follow: bool) -> bytes:
        if follow:

            async def open_followed() -> tuple[ChunkSource, Decoder[bytes]]:
                response, tty = await self._open_logs(params, follow=True)
                return response, JoinedPayloadDecoder(tty=tty)

            output = ContainerOutput(
                open_followed,
                container=self,
                name=f"logs of {self.short_id}",
                idle_timeout=self._transport.timeout,
            )
            async with output:
                return b"".join([piece async for piece in output])
        response, tty = await self._open_logs(params, follow=False)
        # Decoded as it arrives, one joined piece per read, rather than read whole
        # and then decoded in a second pass over a second copy.
        whole: DockerStream[bytes] = DockerStream(
            (response, JoinedPayloadDecoder(tty=tty)),
            name=f"logs of {self.short_id}",
            idle_timeout=self._transport.timeout,
        )
        async with whole:
            return b"".join([piece async for piece in whole])

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
        params = {"stdout": stdout, "stderr": stderr, "stream": True, "logs": logs}
        if not stream:
            return self._read_attach(params, demux=demux)
        if demux:
            return self._attach_stream(params, DemuxedDecoder)
        return self._attach_stream(params, PayloadDecoder)

    def _attach_stream(
        self,
        params: Params,
        decoder: Callable[..., Decoder[T]],
        *,
        upgrade: bool = False,
        idle_timeout: float | None = None,
        unstarted: bool = False,
    ) -> ContainerOutput[T]:
        """The attach session as a stream; ``upgrade`` makes it take stdin.

        ``unstarted``: the caller created the container and has not started it, so
        ``attrs`` (from the create) are trusted and no inspect is made.
        """
        path, args = "/containers/{id}/attach", {"id": self.id}

        async def open_attach() -> tuple[ChunkSource, Decoder[T]]:
            async def attach(params: Params) -> ChunkSource:
                if upgrade:
                    return await open_hijacked(
                        self._transport, path, path_args=args, params=params
                    )
                return await self._transport.open_stream(
                    "POST", path, path_args=args, params=params
                )

            # The daemon holds an attach to a stopped container open until its
            # next run: a stopped container gets a plain read of what there is,
            # but one never started is attached for its first run (as ``docker
            # run`` attaches before it starts).
            if not unstarted:
                await self.reload()
            state = self.attrs.get("State", {})
            if unstarted or state.get("Status") == "created":
                attached.started_at = None
                source = await attach(params)
            elif not state.get("Running"):
                attached.opened_stopped()
                source = await attach({**params, "stream": False})
            else:
                source = await attach(params)
                try:
                    await self.reload()  # after attaching: the run this session belongs to
                except BaseException:
                    source.close()
                    raise
                if not self.attrs.get("State", {}).get("Running"):
                    attached.opened_stopped()
                attached.started_at = self.attrs.get("State", {}).get("StartedAt")
            return source, decoder(tty=bool(self.attrs.get("Config", {}).get("Tty")))

        attached = ContainerOutput(
            open_attach,
            container=self,
            name=f"attach to {self.short_id}",
            hijacked=True,
            writable=upgrade,
            idle_timeout=idle_timeout,
        )
        return attached

    async def _read_attach(self, params: Params, *, demux: bool) -> Any:
        timeout = self._transport.timeout
        if not demux:  # one joined piece per read, as for logs
            whole = self._attach_stream(params, JoinedPayloadDecoder, idle_timeout=timeout)
            async with whole:
                return b"".join([piece async for piece in whole])
        output = self._attach_stream(params, FrameDecoder, idle_timeout=timeout)
        async with output:
            frames = [frame async for frame in output]
        return _demux(frames)

    @validated
    async def attach_socket(
        self,
        *,
        stdin: bool = True,
        stdout: bool = True,
        stderr: bool = True,
        logs: bool = False,
        params: Mapping[str, Any] | None = None,
        ws: bool = False,
    ) -> InteractiveStream[bytes]:
        """Attach with stdin: write with ``await s.write(...)``, iterate the output.

        ``params`` is docker-py's: the attach query as given (``{"stdin": 1, "stream":
        1}``...), in place of the keywords; ``ws=True`` (a websocket) is not supported.

        The container needs ``stdin_open=True``. ``await s.close_stdin()``
        sends EOF: if the container was created with stdin held for one
        attach (Docker's ``StdinOnce``, which docker-py and we set for
        ``create(stdin_open=True)`` but not for ``run(detach=True)``) the
        process's stdin closes and its remaining output follows; otherwise
        the daemon ends the attach session. Unlike docker-py this returns an
        async stream object, not a socket.
        """
        if ws:
            raise InvalidArgument("attach_socket(ws=True) is not supported")
        query: Params = (
            dict(params)
            if params is not None
            else {"stdin": stdin, "stdout": stdout, "stderr": stderr, "logs": logs, "stream": True}
        )
        attached = self._attach_stream(query, PayloadDecoder, upgrade=True)
        await attached._open()
        return attached
