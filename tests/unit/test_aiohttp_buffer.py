"""Taking aiohttp's whole body buffer at once (one piece per network read, not per HTTP chunk)."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from aiocontainers._aiohttp import _take_buffered

pytestmark = pytest.mark.anyio


class _Protocol:
    """The flow-control side of a connection, as a StreamReader drives it."""

    def __init__(self) -> None:
        self._reading_paused = False

    def pause_reading(self) -> None:
        self._reading_paused = True

    def resume_reading(self, resume_parser: bool = True) -> None:
        self._reading_paused = False


def _reader(limit: int = 2**16) -> tuple[aiohttp.StreamReader, _Protocol]:
    protocol = _Protocol()
    loop = asyncio.get_running_loop()
    return aiohttp.StreamReader(protocol, limit, loop=loop), protocol  # type: ignore[arg-type]


def _feed_chunks(reader: aiohttp.StreamReader, pieces: list[bytes]) -> None:
    """As aiohttp's parser feeds a chunked body: one feed and one chunk end per HTTP chunk."""
    for piece in pieces:
        reader.feed_data(piece)
        reader.end_http_chunk_receiving()


async def test_takes_every_buffered_chunk_in_one_piece() -> None:
    reader, _ = _reader()
    reader.begin_http_chunk_receiving()
    pieces = [b"line %d\n" % i for i in range(2000)]
    _feed_chunks(reader, pieces)
    assert _take_buffered(reader) == b"".join(pieces)
    assert _take_buffered(reader) == b""
    # The reader's own accounting still holds: later chunks and the end read normally.
    _feed_chunks(reader, [b"more", b"", b"last"])
    reader.feed_eof()
    assert await reader.readany() == b"morelast"
    assert reader.at_eof()
    assert reader.total_bytes == sum(map(len, pieces)) + 8


async def test_resumes_a_reader_paused_by_a_full_buffer() -> None:
    reader, protocol = _reader(limit=64)
    reader.begin_http_chunk_receiving()
    _feed_chunks(reader, [b"x" * 100, b"y" * 100])
    assert protocol._reading_paused
    assert _take_buffered(reader) == b"x" * 100 + b"y" * 100
    assert not protocol._reading_paused


async def test_part_read_buffer_falls_back_to_the_public_read() -> None:
    reader, _ = _reader()
    reader.begin_http_chunk_receiving()
    _feed_chunks(reader, [b"abcdef", b"ghi"])
    assert await reader.read(2) == b"ab"
    assert _take_buffered(reader) == b"cdefghi"


async def test_a_failed_reader_gives_nothing_and_keeps_its_error() -> None:
    reader, _ = _reader()
    reader.begin_http_chunk_receiving()
    _feed_chunks(reader, [b"a", b"b"])
    reader.set_exception(aiohttp.ClientPayloadError("cut"))
    assert _take_buffered(reader) == b""
    with pytest.raises(aiohttp.ClientPayloadError):
        await reader.readany()
