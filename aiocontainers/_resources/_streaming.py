"""The async iterator behind every container stream (logs, attach, exec, stats).

A :class:`DockerStream` opens its connection lazily on first use, decodes raw
chunks with one of the :mod:`aiocontainers._streams` decoders, and frees the
connection the moment it is no longer wanted: at the natural end, on an error,
on cancellation, on ``aclose()``/``async with`` exit, and when the object is
dropped (``break`` out of ``async for container.logs(...)``), through
``__del__``. A connection that breaks mid-stream raises
:class:`~aiocontainers.errors.StreamError`; it never looks like a normal end.

It is a class rather than an async generator on purpose: an async generator
that is abandoned is only finalized later by the event loop, so its
connection would linger; this object closes synchronously.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType
from typing import Any, Generic, Protocol, TypeVar

from typing_extensions import Self

from .._streams._frames import STDERR, FrameDecoder
from .._streams._jsonstream import JSONStreamDecoder
from .._streams._lines import LineDecoder
from .._validation import validated
from ..errors import StreamError

__all__ = [
    "ChunkSource",
    "Decoder",
    "DemuxedDecoder",
    "DockerStream",
    "JSONDecoder",
    "LinesDecoder",
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
        return [frame[1] for frame in self._frames.feed(data)]

    def eof(self) -> list[bytes]:
        return [frame[1] for frame in self._frames.eof()]


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
    the object) releases the connection at once. A stream cannot be iterated
    again after it ended or was closed: iterating then ends immediately.
    """

    def __init__(self, opener: Opener[T] | tuple[ChunkSource, Decoder[T]], *, name: str) -> None:
        """``opener`` connects on first use; a ``(source, decoder)`` pair is already open."""
        self._name = name
        self._opener: Opener[T] | None = None
        self._source: ChunkSource | None = None
        self._decoder: Decoder[T] | None = None
        if isinstance(opener, tuple):
            self._source, self._decoder = opener
        else:
            self._opener = opener
        self._items: deque[T] = deque()
        self._ended = False

    def __repr__(self) -> str:
        state = "ended" if self._ended else "open" if self._source else "not started"
        return f"<{type(self).__name__} {self._name} ({state})>"

    @property
    def closed(self) -> bool:
        """True once the stream ended or was closed."""
        return self._ended

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

    async def _on_end(self) -> None:
        """Called once after the daemon ended the stream normally."""

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> T:
        if self._items:
            return self._items.popleft()
        if self._ended:
            raise StopAsyncIteration
        try:
            await self._open()
            source, decoder = self._source, self._decoder
            assert source is not None and decoder is not None
            while not self._items:
                chunk = await source.read_chunk()
                if chunk:
                    self._items.extend(decoder.feed(chunk))
                    continue
                self._items.extend(decoder.eof())
                self.close()
                await self._on_end()
                break
        except BaseException:
            self.close()
            raise
        if not self._items:
            raise StopAsyncIteration
        return self._items.popleft()

    @validated
    def close(self) -> None:
        """Drop the connection now (synchronously); safe to call twice."""
        self._ended = True
        self._opener = None
        source, self._source = self._source, None
        if source is not None:
            source.close()

    @validated
    async def aclose(self) -> None:
        """Close the stream; buffered items are discarded."""
        self.close()
        self._items.clear()

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
            raise StreamError(f"stream {self._name} is closed")
        return self._source
