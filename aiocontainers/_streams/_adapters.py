"""Async adapters from an iterator of raw chunks to frames or JSON values.

Each adapter is a thin async generator over one of the incremental decoders. It
owns its source: when it ends, fails or is closed early (``aclose()``, ``break``
inside ``async with aclosing(...)``, cancellation), it closes the source iterator,
shielded from cancellation, so the connection behind it is released at once.
A truncated source raises [`StreamError`][aiocontainers.errors.StreamError] at its end.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Callable
from typing import Any, TypeVar

import anyio

from ._frames import Frame, FrameDecoder
from ._jsonstream import JSONStreamDecoder

__all__ = ["aclose_source", "iter_frames", "iter_json"]

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
    """Yield the `Frame` payloads of a (possibly multiplexed) stream, in order.

    ``tty``: ``False`` multiplexed, ``True`` raw (each chunk is one stdout frame),
    ``None`` detect from the first bytes.
    """
    decoder = FrameDecoder(tty=tty)
    return _pump(chunks, decoder.feed, decoder.eof)


def iter_json(chunks: AsyncIterable[bytes]) -> AsyncGenerator[Any, None]:
    """Yield each JSON value of a progress or events stream as soon as it is complete."""
    decoder = JSONStreamDecoder()
    return _pump(chunks, decoder.feed, decoder.eof)
