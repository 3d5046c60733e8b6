"""Bounded memory in the stream decoders, whatever the daemon (or a proxy) sends.

Each hostile input from the issue gets a test: a frame header announcing 4 GiB, output
without a newline, a JSON document that never ends. Peak memory is measured with
tracemalloc against generous bounds (a few times the limit, far below the input).
"""

from __future__ import annotations

import struct
import tracemalloc
from collections.abc import Callable, Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiocontainers._streams import (
    DEFAULT_MAX_FRAME,
    DEFAULT_MAX_LINE,
    STDERR,
    STDOUT,
    FrameDecoder,
    JSONStreamDecoder,
    LineAssembler,
    LineDecoder,
    LogDecoder,
)
from aiocontainers.errors import StreamError

MiB = 1 << 20
LARGEST_HEADER = 0xFFFFFFFF  # 4 GiB - 1, the most a frame header can announce


def header(stream: int, size: int) -> bytes:
    return struct.pack(">BxxxL", stream, size)


def frame(stream: int, payload: bytes) -> bytes:
    return header(stream, len(payload)) + payload


def peak_while(work: Callable[[], None]) -> int:
    """The peak of memory allocated while ``work`` runs, in bytes."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        work()
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def chunks(total: int, size: int = 64 * 1024, byte: bytes = b"x") -> Iterator[bytes]:
    piece = byte * size
    for _ in range(total // size):
        yield piece


# -- frames --------------------------------------------------------------------------------------


@pytest.mark.parametrize("decoder", [FrameDecoder, LineDecoder])
def test_a_header_announcing_4_gib_fails_at_once(decoder: Callable[[], FrameDecoder]) -> None:
    frames = decoder()
    with pytest.raises(StreamError, match="announces 4294967295 bytes, over the limit"):
        frames.feed(header(STDOUT, LARGEST_HEADER) + b"x" * 100)
    with pytest.raises(StreamError):  # and it stays failed
        frames.feed(b"x" * 100)


def test_frames_before_an_oversized_header_are_delivered_first() -> None:
    frames = FrameDecoder()
    assert frames.feed(frame(STDOUT, b"ok") + header(STDERR, LARGEST_HEADER)) == [(STDOUT, b"ok")]
    assert frames.pending == 0
    with pytest.raises(StreamError, match="stderr frame"):
        frames.eof()


def test_a_header_split_across_chunks_is_checked_once_complete() -> None:
    frames = FrameDecoder(max_frame=1000)
    wire = header(STDOUT, 1001)
    assert frames.feed(wire[:5]) == []
    with pytest.raises(StreamError, match="1001 bytes, over the limit of 1000"):
        frames.feed(wire[5:])


def test_a_frame_at_the_limit_is_decoded() -> None:
    frames = FrameDecoder(max_frame=1000)
    wire = frame(STDOUT, b"y" * 1000)
    assert frames.feed(wire[:500]) == []
    assert frames.feed(wire[500:]) == [(STDOUT, b"y" * 1000)]


def test_the_default_limit_is_far_above_real_frames() -> None:
    assert DEFAULT_MAX_FRAME >= 256 * 32 * 1024  # the daemon writes frames of <= 32 KiB


def test_an_endless_giant_frame_never_buffers() -> None:
    def work() -> None:
        frames = FrameDecoder()
        with pytest.raises(StreamError):
            frames.feed(header(STDOUT, LARGEST_HEADER))
            for chunk in chunks(64 * MiB):
                frames.feed(chunk)

    assert peak_while(work) < MiB


# -- lines ---------------------------------------------------------------------------------------


def test_output_without_a_newline_comes_out_in_pieces() -> None:
    lines = LineDecoder(tty=True, max_line=1000)
    out = lines.feed(b"a" * 2500)[1]
    assert out == [b"a" * 1000, b"a" * 1000]
    assert lines.feed(b"b\nc")[1] == [b"a" * 500 + b"b\n"]
    assert lines.eof()[1] == [b"c"]


def test_a_long_line_inside_one_frame_is_cut_too() -> None:
    lines = LineDecoder(max_line=4)
    streams, out = lines.feed(frame(STDERR, b"0123456789\nab\n"))
    assert out == [b"0123", b"4567", b"89\n", b"ab\n"]
    assert streams == [STDERR] * 4


def test_streams_are_limited_separately() -> None:
    assembler = LineAssembler(max_line=3)
    assert assembler.feed(STDOUT, b"ab") == []
    assert assembler.feed(STDERR, b"xy") == []
    assert assembler.feed(STDOUT, b"cd") == [b"abc"]
    assert assembler.flush_all() == [(STDOUT, b"d"), (STDERR, b"xy")]


@given(st.lists(st.binary(max_size=40), max_size=20), st.integers(min_value=1, max_value=16))
def test_pieces_keep_every_byte_and_respect_the_limit(parts: list[bytes], limit: int) -> None:
    assembler = LineAssembler(max_line=limit)
    out = [line for part in parts if part for line in assembler.feed(STDOUT, part)]
    out.append(assembler.flush(STDOUT))
    assert b"".join(out) == b"".join(parts)
    assert all(len(line) <= limit for line in out)
    assert all(line.count(b"\n") <= 1 and b"\n" not in line[:-1] for line in out)


def test_an_endless_line_uses_bounded_memory() -> None:
    total = 64 * MiB

    def work() -> None:
        lines = LineDecoder()
        seen = 0
        for chunk in chunks(total, byte=b"z"):
            pieces = lines.feed(frame(STDOUT, chunk))[1]
            assert all(len(piece) == DEFAULT_MAX_LINE for piece in pieces)
            seen += sum(map(len, pieces))
        seen += sum(map(len, lines.eof()[1]))
        assert seen == total  # everything came out, in pieces of the limit

    assert peak_while(work) < 4 * DEFAULT_MAX_LINE


def test_log_records_of_a_long_line_keep_the_first_timestamp() -> None:
    decoder = LogDecoder(timestamps=True, max_line=4)
    wire = frame(STDOUT, b"2024-01-02T03:04:05.000000001Z 0123456\n")
    records = decoder.feed(wire)
    assert [record.data for record in records] == [b"0123", b"456\n"]
    assert records[0].timestamp is not None and records[0].timestamp.year == 2024


# -- JSON messages -------------------------------------------------------------------------------


def test_a_json_document_that_never_ends_fails_past_the_limit() -> None:
    decoder = JSONStreamDecoder(max_message=1000)
    assert decoder.feed(b'{"a": 1}\n{"b": "') == [{"a": 1}]
    with pytest.raises(StreamError, match="still incomplete after more than 1000"):
        for _ in range(100):
            decoder.feed(b"x" * 100)


def test_values_completed_with_the_overflow_are_delivered_first() -> None:
    decoder = JSONStreamDecoder(max_message=10)
    assert decoder.feed(b'{"a": 1}{"b": "' + b"x" * 50) == [{"a": 1}]
    with pytest.raises(StreamError):
        decoder.feed(b'"}')


def test_an_endless_events_document_uses_bounded_memory() -> None:
    limit = 4 * MiB

    def work() -> None:
        decoder = JSONStreamDecoder(max_message=limit)
        decoder.feed(b'{"Type": "container", "Actor": {"Attributes": {"x": "')
        with pytest.raises(StreamError):
            for chunk in chunks(300 * MiB, byte=b'"'):  # closers keep it parsing
                decoder.feed(b"a" + chunk[1:])

    assert peak_while(work) < 4 * limit


def test_nested_documents_that_never_close_fail_too() -> None:
    decoder = JSONStreamDecoder(max_message=10_000)
    with pytest.raises(StreamError):
        for _ in range(1000):
            decoder.feed(b'[{"k": 1}, ')
