"""Async adapters: decoding over an async iterator of chunks, and closing the source."""

from __future__ import annotations

import struct
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from typing import TypeVar

import anyio
import anyio.lowlevel
import pytest

from aiocontainers._streams import (
    STDERR,
    STDOUT,
    Frame,
    aclose_source,
    iter_frames,
    iter_json,
)
from aiocontainers.errors import StreamError

pytestmark = pytest.mark.anyio

T = TypeVar("T")


def encode(stream: int, payload: bytes) -> bytes:
    return struct.pack(">BxxxL", stream, len(payload)) + payload


class Source:
    """A chunk source that records how far it got and whether it was closed."""

    def __init__(self, chunks: list[bytes], *, then_wait: bool = False) -> None:
        self.chunks = chunks
        self.then_wait = then_wait
        self.sent = 0
        self.closed = False
        self.cleaned_up = False

    async def gen(self) -> AsyncGenerator[bytes, None]:
        try:
            for chunk in self.chunks:
                self.sent += 1
                yield chunk
            if self.then_wait:
                await anyio.sleep_forever()
        finally:
            self.closed = True
            await anyio.lowlevel.checkpoint()  # cleanup that awaits, like releasing a connection
            self.cleaned_up = True


async def collect(agen: AsyncIterator[T]) -> list[T]:
    return [item async for item in agen]


WIRE = encode(STDOUT, b"out 1\nout") + encode(STDERR, b"err\n") + encode(STDOUT, b" 2\n")


def split(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


async def test_iter_frames() -> None:
    source = Source(split(WIRE, 3))
    assert await collect(iter_frames(source.gen())) == [
        Frame(STDOUT, b"out 1\nout"),
        Frame(STDERR, b"err\n"),
        Frame(STDOUT, b" 2\n"),
    ]
    assert source.cleaned_up


async def test_iter_frames_tty_and_sniffed() -> None:
    assert await collect(iter_frames(Source([b"a", b"b"]).gen(), tty=True)) == [
        Frame(STDOUT, b"a"),
        Frame(STDOUT, b"b"),
    ]
    assert await collect(iter_frames(Source([b"a", b"b"]).gen(), tty=None)) == [
        Frame(STDOUT, b"a"),
        Frame(STDOUT, b"b"),
    ]


async def test_iter_json() -> None:
    source = Source([b'{"status": "a"}\r\n{"sta', b'tus": "b"}{"error": "x"}'])
    assert await collect(iter_json(source.gen())) == [
        {"status": "a"},
        {"status": "b"},
        {"error": "x"},
    ]
    assert source.cleaned_up


async def test_truncated_stream_raises_and_closes_source() -> None:
    source = Source([WIRE[:-1]])
    with pytest.raises(StreamError, match="middle of a frame"):
        await collect(iter_frames(source.gen()))
    assert source.cleaned_up
    source = Source([b'{"a": '])
    with pytest.raises(StreamError):
        await collect(iter_json(source.gen()))
    assert source.cleaned_up


async def test_aclose_closes_the_source_early() -> None:
    source = Source([encode(STDOUT, b"%d\n" % i) for i in range(100)])
    frames = iter_frames(source.gen())
    assert await frames.__anext__() == Frame(STDOUT, b"0\n")
    assert not source.closed
    await frames.aclose()
    assert source.cleaned_up
    assert source.sent == 1


async def test_break_under_aclosing_closes_the_source() -> None:
    source = Source([encode(STDOUT, b"%d\n" % i) for i in range(100)], then_wait=True)
    async with aclosing(iter_frames(source.gen())) as frames:
        async for frame in frames:
            if frame.data == b"3\n":
                break
    assert source.cleaned_up
    assert source.sent == 4


async def test_close_inside_a_cancelled_scope_still_cleans_up() -> None:
    source = Source([encode(STDOUT, b"a\n"), encode(STDOUT, b"b\n")])
    with anyio.CancelScope() as scope:
        frames = iter_frames(source.gen())
        await frames.__anext__()
        scope.cancel()
        await frames.aclose()
    assert source.cleaned_up


async def test_cancellation_while_waiting_closes_the_source() -> None:
    source = Source([encode(STDOUT, b"a\n")], then_wait=True)
    received: list[bytes] = []
    with anyio.move_on_after(0.05):
        async with aclosing(iter_frames(source.gen())) as frames:
            async for frame in frames:
                received.append(frame.data)
    assert received == [b"a\n"]
    # the cancellation reached the source's own ``finally``; an awaiting cleanup there
    # must shield itself, as the scope is still cancelled when it runs
    assert source.closed


async def test_source_error_propagates() -> None:
    async def broken() -> AsyncGenerator[bytes, None]:
        yield encode(STDOUT, b"a\n")
        raise StreamError("connection lost")

    frames = iter_frames(broken())
    assert await frames.__anext__() == Frame(STDOUT, b"a\n")
    with pytest.raises(StreamError, match="connection lost"):
        await frames.__anext__()


class IterableWithClose:
    """An async iterable (not itself an iterator) owning a resource, like a response."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.source = Source(chunks)
        self.closed = False

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self.source.gen()

    async def aclose(self) -> None:
        self.closed = True


async def test_iterable_source_and_its_iterator_are_both_closed() -> None:
    iterable = IterableWithClose([encode(STDOUT, b"a\n"), encode(STDOUT, b"b\n")])
    frames = iter_frames(iterable)
    await frames.__anext__()
    await frames.aclose()
    assert iterable.closed
    assert iterable.source.cleaned_up


class PlainIterator:
    """An async iterator without aclose(): nothing to close, nothing must break."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = iter(chunks)

    def __aiter__(self) -> PlainIterator:
        return self

    async def __anext__(self) -> bytes:
        try:
            return next(self.chunks)
        except StopIteration:
            raise StopAsyncIteration from None


async def test_plain_iterator_source() -> None:
    frames = await collect(iter_frames(PlainIterator([b"x\n", b"y"]), tty=True))
    assert frames == [Frame(STDOUT, b"x\n"), Frame(STDOUT, b"y")]
    await aclose_source(PlainIterator([]))
