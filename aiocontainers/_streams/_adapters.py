"""Async adapters from an iterator of raw chunks to frames, lines, records or JSON.

Each adapter is a thin async generator over one of the incremental decoders. It
owns its source: when it ends, fails or is closed early (``aclose()``, ``break``
inside ``async with aclosing(...)``, cancellation), it closes the source iterator,
shielded from cancellation, so the connection behind it is released at once.
A truncated source raises :class:`~aiocontainers.errors.StreamError` at its end.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Callable
from contextlib import aclosing
from typing import Any, TypeVar

import anyio

from ._frames import STDERR, STDOUT, Frame, FrameDecoder
from ._jsonstream import JSONStreamDecoder
from ._lines import LineDecoder, TextChunk, TextDecoder
from ._logs import LogDecoder, LogRecord

__all__ = [
    "aclose_source",
    "iter_frames",
    "iter_json",
    "iter_lines",
    "iter_records",
    "iter_text",
    "read_all",
    "read_demuxed",
]

_T = TypeVar("_T")


async def aclose_source(source: object) -> None:
    """Close ``source`` if it has ``aclose()``, shielded so cancellation cannot skip it."""
    aclose = getattr(source, "aclose", None)
    if aclose is not None:
        with anyio.CancelScope(shield=True):
            await aclose()


async def _pump(
    chunks: AsyncIterable[bytes],
    feed: Callable[[bytes], list[_T]],
    eof: Callable[[], list[_T]],
) -> AsyncGenerator[_T, None]:
    iterator: AsyncIterator[bytes] = aiter(chunks)
    try:
        async for chunk in iterator:
            for item in feed(chunk):
                yield item
        for item in eof():
            yield item
    finally:
        await aclose_source(iterator)
        if iterator is not chunks:
            await aclose_source(chunks)


def iter_frames(
    chunks: AsyncIterable[bytes], *, tty: bool | None = False
) -> AsyncGenerator[Frame, None]:
    """Yield the :class:`Frame` payloads of a (possibly multiplexed) stream, in order.

    ``tty``: ``False`` multiplexed, ``True`` raw (each chunk is one stdout frame),
    ``None`` detect from the first bytes.
    """
    decoder = FrameDecoder(tty=tty)
    return _pump(chunks, decoder.feed, decoder.eof)


def iter_lines(
    chunks: AsyncIterable[bytes], *, tty: bool | None = False
) -> AsyncGenerator[bytes, None]:
    """Yield the lines of stdout and stderr, each kept whole, in completion order.

    Lines keep their trailing newline; the last line of a stream may lack it.
    """
    decoder = LineDecoder(tty=tty)

    return _pump(
        chunks, lambda chunk: decoder.feed_lines(chunk)[1], lambda: decoder.eof_lines()[1]
    )


def iter_records(
    chunks: AsyncIterable[bytes], *, tty: bool | None = False, timestamps: bool = False
) -> AsyncGenerator[LogRecord, None]:
    """Yield a :class:`LogRecord` per line; ``timestamps`` must match the logs request."""
    decoder = LogDecoder(tty=tty, timestamps=timestamps)
    return _pump(chunks, decoder.feed, decoder.eof)


def iter_text(
    chunks: AsyncIterable[bytes], *, tty: bool | None = False
) -> AsyncGenerator[TextChunk, None]:
    """Yield decoded text per stream as it arrives, characters never split.

    Invalid UTF-8 becomes U+FFFD. Use for interactive output that is not line-based.
    """
    frames = FrameDecoder(tty=tty)
    text = TextDecoder()

    def decode(items: list[Frame]) -> list[TextChunk]:
        out = []
        for stream, data in items:
            name = STDERR if stream == STDERR else STDOUT
            decoded = text.decode(name, data)
            if decoded:
                out.append(TextChunk(name, decoded))
        return out

    def feed(chunk: bytes) -> list[TextChunk]:
        return decode(frames.feed(chunk))

    def eof() -> list[TextChunk]:
        return [*decode(frames.eof()), *text.flush()]

    return _pump(chunks, feed, eof)


def iter_json(chunks: AsyncIterable[bytes]) -> AsyncGenerator[Any, None]:
    """Yield each JSON value of a progress or events stream as soon as it is complete."""
    decoder = JSONStreamDecoder()
    return _pump(chunks, decoder.feed, decoder.eof)


async def read_all(chunks: AsyncIterable[bytes], *, tty: bool | None = False) -> bytes:
    """Read a whole stream and return stdout and stderr bytes merged in arrival order."""
    parts: list[bytes] = []
    async with aclosing(iter_frames(chunks, tty=tty)) as frames:
        async for frame in frames:
            parts.append(frame.data)
    return b"".join(parts)


async def read_demuxed(
    chunks: AsyncIterable[bytes], *, tty: bool | None = False
) -> tuple[bytes, bytes]:
    """Read a whole stream and return ``(stdout, stderr)``; an absent stream is ``b""``."""
    out: list[bytes] = []
    err: list[bytes] = []
    async with aclosing(iter_frames(chunks, tty=tty)) as frames:
        async for stream, data in frames:
            (err if stream == STDERR else out).append(data)
    return b"".join(out), b"".join(err)
