"""The one base of every streaming result: logs, attach, exec, stats, events,
progress, archives and exports.

A [`DockerStream`][aiocontainers.DockerStream] opens its connection lazily on first use (or is
handed an open one), decodes raw chunks with an incremental decoder (pure code, see
`aiocontainers._streams`), and frees the connection the moment it is no longer wanted: at the
natural end, on an error, on cancellation, on ``aclose()``/``async with`` exit, and when the object
is dropped (``break`` out of ``async for``), through ``__del__``.

Its contract is trio's ``AsyncResource``: ``aclose()`` always closes, closing
twice is fine, and using a stream after closing it raises a clear
[`StreamError`][aiocontainers.errors.StreamError]; closing it while another task
waits for the next item ends that task's iteration.

Endings are truthful: a connection that breaks raises ``StreamError``, never a
silent end; a subclass whose body can end without a sign of breaking (a
hijacked exec or attach connection) checks the process's state in
`DockerStream._on_end()` before ending normally. A stream that must not
stall (a transfer) has an ``idle_timeout``: waiting longer than that for the
next bytes raises [`Timeout`][aiocontainers.errors.Timeout] unless
`DockerStream._still_alive()` says the silence is legitimate.

It is a class rather than an async generator on purpose: an async generator
that is abandoned is only finalized later by the event loop, so its
connection would linger; this object closes synchronously.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType
from typing import Any, Generic, Protocol, TypeVar

import anyio
from typing_extensions import Self

from .._streams._frames import STDERR, FrameDecoder
from .._streams._jsonstream import JSONStreamDecoder
from .._streams._lines import LineDecoder
from .._validation import validated
from ..errors import StreamError, Timeout

__all__ = [
    "ChunkDecoder",
    "ChunkSource",
    "Decoder",
    "DemuxedDecoder",
    "DockerStream",
    "JSONDecoder",
    "JoinedPayloadDecoder",
    "LinesDecoder",
    "Opener",
    "PayloadDecoder",
]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class ChunkSource(Protocol):
    """Where raw bytes come from: a streamed response or a hijacked connection."""

    async def read_chunk(self) -> bytes:
        """The next bytes; ``b""`` at the natural end; ``StreamError`` if broken."""
        ...

    def close(self) -> None:
        """Drop the connection now."""
        ...


class Decoder(Protocol[T_co]):
    """An incremental decoder from raw chunks to items."""

    def feed(self, data: bytes) -> Sequence[T_co]: ...

    def eof(self) -> Sequence[T_co]: ...


class PayloadDecoder:
    """Frames in, payload bytes out (stdout and stderr merged in arrival order)."""

    __slots__ = ("_frames",)

    def __init__(self, *, tty: bool | None) -> None:
        self._frames = FrameDecoder(tty=tty)

    def feed(self, data: bytes) -> list[bytes]:
        return self._frames.payloads(data)

    def eof(self) -> list[bytes]:
        return [frame[1] for frame in self._frames.eof()]


class JoinedPayloadDecoder(PayloadDecoder):
    """Frames in, each chunk's payloads joined into one ``bytes`` (for reading a whole output)."""

    __slots__ = ()

    def feed(self, data: bytes) -> list[bytes]:
        joined = b"".join(self._frames.payloads(data))
        return [joined] if joined else []


class DemuxedDecoder:
    """Frames in, ``(stdout, stderr)`` pairs out; the stream not written is ``b""``."""

    __slots__ = ("_frames",)

    def __init__(self, *, tty: bool | None) -> None:
        self._frames = FrameDecoder(tty=tty)

    def feed(self, data: bytes) -> list[tuple[bytes, bytes]]:
        return [(b"", d) if s == STDERR else (d, b"") for s, d in self._frames.feed(data)]

    def eof(self) -> list[tuple[bytes, bytes]]:
        return [(b"", d) if s == STDERR else (d, b"") for s, d in self._frames.eof()]


class LinesDecoder:
    """Frames in, whole lines out (newline kept), each stream assembled separately."""

    __slots__ = ("_lines",)

    def __init__(self, *, tty: bool | None) -> None:
        self._lines = LineDecoder(tty=tty)

    def feed(self, data: bytes) -> list[bytes]:
        return self._lines.feed(data)[1]

    def eof(self) -> list[bytes]:
        return self._lines.eof()[1]


class ChunkDecoder:
    """Raw bytes in, pieces of exactly ``size`` bytes out (the last one may be shorter).

    Reads are held as a list and joined once per ``size`` bytes: growing a bytearray
    and trimming its front was 5-10x slower for 2 MiB pieces from 64 KiB reads.
    """

    __slots__ = ("_held", "_pieces", "_size")

    def __init__(self, size: int) -> None:
        self._size = size
        self._pieces: list[bytes] = []
        self._held = 0

    def feed(self, data: bytes) -> list[bytes]:
        size = self._size
        pieces = self._pieces
        pieces.append(data)
        self._held += len(data)
        if self._held < size:
            return []
        joined = b"".join(pieces)  # a single exact-size read comes back as it is
        pieces.clear()
        cut = len(joined) - len(joined) % size
        if cut < len(joined):
            pieces.append(joined[cut:])
        self._held = len(joined) - cut
        return [joined[start : start + size] for start in range(0, cut, size)]

    def eof(self) -> list[bytes]:
        rest = b"".join(self._pieces)
        self._pieces.clear()
        self._held = 0
        return [rest] if rest else []


class JSONDecoder:
    """JSON documents in, decoded values out (stats, events)."""

    __slots__ = ("_json",)

    def __init__(self) -> None:
        self._json = JSONStreamDecoder()

    def feed(self, data: bytes) -> list[Any]:
        return self._json.feed(data)

    def eof(self) -> list[Any]:
        return self._json.eof()


Opener = Callable[[], Awaitable[tuple[ChunkSource, Decoder[T]]]]


class DockerStream(Generic[T]):
    """An async iterator over one daemon stream; also an async context manager.

    ``async for item in stream`` reads until the daemon ends the stream.
    Closing (``await stream.aclose()``, leaving ``async with``, or dropping
    the object) releases the connection at once; closing twice is fine.
    After the natural end, iterating again ends at once; after closing, it
    raises [`StreamError`][aiocontainers.errors.StreamError].
    """

    def __init__(
        self,
        opener: Opener[T] | tuple[ChunkSource, Decoder[T]],
        *,
        name: str,
        idle_timeout: float | None = None,
    ) -> None:
        """``opener`` connects on first use; a ``(source, decoder)`` pair is already open.

        ``idle_timeout``: seconds the stream may wait for its next bytes
        (``None``: forever, as a followed stream legitimately may).
        """
        self._name = name
        self._idle_timeout = idle_timeout
        self._opener: Opener[T] | None = None
        self._source: ChunkSource | None = None
        self._decoder: Decoder[T] | None = None
        if isinstance(opener, tuple):
            self._source, self._decoder = opener
        else:
            self._opener = opener
        self._items: deque[T] = deque()
        self._ended = False
        self._closed = False

    def __repr__(self) -> str:
        state = (
            "closed"
            if self._closed
            else "ended"
            if self._ended
            else "open"
            if self._source
            else "not started"
        )
        return f"<{type(self).__name__} {self._name} ({state})>"

    @property
    def closed(self) -> bool:
        """True once the stream ended or was closed."""
        return self._ended

    # -- hooks for subclasses -------------------------------------------------------

    async def _on_end(self) -> bool:
        """The daemon ended the body cleanly: check the truth of it.

        Return True to end the stream, False when the hook reconnected (set a
        new source); raise [`StreamError`][aiocontainers.errors.StreamError] if the end was not
        natural.
        """
        return True

    async def _on_broken(self, error: StreamError) -> None:
        """The connection broke: raise (the default) or reconnect (set a new source)."""
        raise error

    async def _still_alive(self) -> bool:
        """After ``idle_timeout`` of silence: True if the silence is legitimate."""
        return False

    # -- iteration ---------------------------------------------------------------

    async def _open(self) -> None:
        """Connect now (iteration does it on demand); a no-op once opened."""
        if self._opener is None:
            return
        opener, self._opener = self._opener, None
        try:
            self._source, self._decoder = await opener()
        except BaseException:
            self._ended = True
            raise
        if self._closed:  # closed by another task while connecting
            self._release()

    async def _read(self, source: ChunkSource) -> bytes:
        """The next chunk within ``idle_timeout`` (or while `_still_alive()`)."""
        idle = self._idle_timeout
        if idle is None:
            return await source.read_chunk()
        while True:
            with anyio.move_on_after(idle):
                return await source.read_chunk()
            if not await self._still_alive():
                raise Timeout(f"{self._name}: the daemon sent nothing for {idle:g} s")

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> T:
        items = self._items
        if items:
            return items.popleft()
        if self._ended:
            if self._closed:
                raise StreamError(f"{self._name} is closed")
            raise StopAsyncIteration
        try:
            while not items:
                source = self._source
                if source is None:
                    await self._open()
                    if self._source is None:
                        raise StopAsyncIteration
                    continue
                try:
                    if self._idle_timeout is None:
                        chunk = await source.read_chunk()
                    else:
                        chunk = await self._read(source)
                except StreamError as exc:
                    if self._closed:
                        raise StopAsyncIteration from None
                    self._release()
                    await self._on_broken(exc)
                    continue
                if self._closed:
                    raise StopAsyncIteration
                decoder = self._decoder
                assert decoder is not None
                if chunk:
                    items.extend(decoder.feed(chunk))
                    continue
                items.extend(decoder.eof())
                self._release()
                if await self._on_end():
                    self._ended = True
                    break
        except BaseException:
            self._ended = True
            self._release()
            raise
        if not items:
            raise StopAsyncIteration
        return items.popleft()

    # -- closing -----------------------------------------------------------------

    def _end_now(self) -> None:
        """End the stream here, as if the daemon had (a subclass saw its last item)."""
        self._ended = True
        self._items.clear()
        self._release()

    def _release(self) -> None:
        """Drop the connection now (it may be mid-body, so it is not reused)."""
        source, self._source = self._source, None
        if source is not None:
            source.close()

    @validated
    def close(self) -> None:
        """Close the stream now (synchronously); safe to call twice."""
        self._closed = self._ended = True
        self._opener = None
        self._items.clear()
        self._release()

    @validated
    async def aclose(self) -> None:
        """Close the stream; buffered items are discarded. Safe to call twice."""
        self.close()

    async def __aenter__(self) -> Self:
        await self._open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __del__(self) -> None:
        source = getattr(self, "_source", None)
        if source is not None:
            source.close()

    async def _source_or_raise(self) -> ChunkSource:
        """The open source, for subclasses that write to it."""
        await self._open()
        if self._source is None:
            raise StreamError(f"{self._name} is closed")
        return self._source
