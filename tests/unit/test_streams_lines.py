"""Line assembly per stream, LineDecoder and incremental UTF-8 decoding."""

from __future__ import annotations

import itertools
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiocontainers._streams import (
    STDERR,
    STDIN,
    STDOUT,
    Frame,
    LineAssembler,
    LineDecoder,
    split_lines,
)
from aiocontainers.errors import StreamError


def encode(stream: int, payload: bytes) -> bytes:
    return struct.pack(">BxxxL", stream, len(payload)) + payload


def as_frames(result: tuple[list[int], list[bytes]]) -> list[Frame]:
    """A decoder result (parallel stream ids and lines) as one Frame per line."""
    streams, lines = result
    return [Frame(stream, line) for stream, line in zip(streams, lines, strict=True)]


def decode_lines(chunks: list[bytes], *, tty: bool | None = False) -> list[Frame]:
    decoder = LineDecoder(tty=tty)
    frames = [f for chunk in chunks for f in as_frames(decoder.feed(chunk))]
    return frames + as_frames(decoder.eof())


@pytest.mark.parametrize(
    ("data", "lines", "rest"),
    [
        (b"", [], b""),
        (b"abc", [], b"abc"),
        (b"a\nb\n", [b"a\n", b"b\n"], b""),
        (b"a\nb", [b"a\n"], b"b"),
        (b"a\r\nb\r\n", [b"a\r\n", b"b\r\n"], b""),
        (b"50%\r100%\rdone\nnext", [b"50%\r100%\rdone\n"], b"next"),
        (b"\n\n", [b"\n", b"\n"], b""),
        (b"form\x0cfeed\x1c\n", [b"form\x0cfeed\x1c\n"], b""),
    ],
)
def test_split_lines_breaks_only_at_newline(data: bytes, lines: list[bytes], rest: bytes) -> None:
    assert split_lines(data) == (lines, rest)


@given(st.binary(max_size=200))
def test_split_lines_matches_a_plain_split(data: bytes) -> None:
    lines, rest = split_lines(data)
    assert b"".join(lines) + rest == data
    assert all(line.endswith(b"\n") and line.count(b"\n") == 1 for line in lines)
    assert b"\n" not in rest


def test_assembler_keeps_streams_apart() -> None:
    assembler = LineAssembler()
    assert assembler.feed(STDOUT, b"out-") == []
    assert assembler.feed(STDERR, b"err-") == []
    assert assembler.feed(STDOUT, b"line\nnext") == [b"out-line\n"]
    assert assembler.feed(STDERR, b"line\n") == [b"err-line\n"]
    assert assembler.feed(STDIN, b"-more\n") == [b"next-more\n"]  # stdin echo is stdout
    assert assembler.flush(STDOUT) == b""
    assert assembler.feed(STDERR, b"tail") == []
    assert assembler.flush_all() == [Frame(STDERR, b"tail")]
    assert assembler.flush_all() == []


def test_interleaved_partial_lines_do_not_mix() -> None:
    wire = b"".join(
        [
            encode(STDOUT, b"progress: "),
            encode(STDERR, b"warning: "),
            encode(STDOUT, b"50%"),
            encode(STDERR, b"disk low\nerror: "),
            encode(STDOUT, b" done\n"),
            encode(STDERR, b"fatal"),
        ]
    )
    assert decode_lines([wire]) == [
        Frame(STDERR, b"warning: disk low\n"),
        Frame(STDOUT, b"progress: 50% done\n"),
        Frame(STDERR, b"error: fatal"),
    ]


line_frames = st.lists(
    st.tuples(
        st.sampled_from([STDOUT, STDERR]),
        st.lists(st.sampled_from([b"a", b"bc", b"\n", b"\r\n", b"\xc3\xa9"]), min_size=1),
    ),
    max_size=15,
)


@given(frames=line_frames, points=st.lists(st.integers(min_value=0), max_size=20))
def test_line_decoder_matches_per_stream_reference(
    frames: list[tuple[int, list[bytes]]], points: list[int]
) -> None:
    payloads = [(s, b"".join(parts)) for s, parts in frames]
    wire = b"".join(encode(s, p) for s, p in payloads)
    bounds = [0, *sorted({p % (len(wire) + 1) for p in points}), len(wire)]
    chunks = [wire[a:b] for a, b in itertools.pairwise(bounds)]
    decoded = decode_lines(chunks)
    for stream in (STDOUT, STDERR):
        text = b"".join(p for s, p in payloads if s == stream)
        expected = text.split(b"\n")
        want = [line + b"\n" for line in expected[:-1]] + ([expected[-1]] if expected[-1] else [])
        assert [f.data for f in decoded if f.stream == stream] == want


def test_line_decoder_tty_mode() -> None:
    chunks = [b"first\r\nsec", b"ond\r\n", b"no newline"]
    assert decode_lines(chunks, tty=True) == [
        Frame(STDOUT, b"first\r\n"),
        Frame(STDOUT, b"second\r\n"),
        Frame(STDOUT, b"no newline"),
    ]


def test_line_decoder_sniffs_tty_and_multiplexed() -> None:
    assert decode_lines([b"a\nb"], tty=None) == [Frame(STDOUT, b"a\n"), Frame(STDOUT, b"b")]
    assert decode_lines([b"x"], tty=None) == [Frame(STDOUT, b"x")]
    wire = encode(STDERR, b"e\n")
    assert decode_lines([wire[:2], wire[2:]], tty=None) == [Frame(STDERR, b"e\n")]


def test_line_decoder_one_megabyte_line_in_many_frames() -> None:
    piece = b"0123456789abcdef" * 1024  # 16 KiB, the size Docker splits long lines at
    wire = b"".join(encode(STDOUT, piece) for _ in range(64)) + encode(STDOUT, b"\n")
    decoder = LineDecoder()
    lines: list[Frame] = []
    for i in range(0, len(wire), 65536):
        lines += as_frames(decoder.feed(wire[i : i + 65536]))
    assert as_frames(decoder.eof()) == []
    assert lines == [Frame(STDOUT, piece * 64 + b"\n")]
    assert len(lines[0].data) == 1024 * 1024 + 1


def test_line_decoder_one_megabyte_line_in_one_frame() -> None:
    payload = b"x" * (1 << 20) + b"\n"
    assert decode_lines([encode(STDERR, payload)]) == [Frame(STDERR, payload)]


def test_line_decoder_truncated_frame_raises() -> None:
    decoder = LineDecoder()
    assert as_frames(decoder.feed(encode(STDOUT, b"ok\n") + encode(STDOUT, b"partial")[:10])) == [
        Frame(STDOUT, b"ok\n")
    ]
    with pytest.raises(StreamError):
        decoder.eof()


def test_line_decoder_daemon_error_keeps_earlier_lines() -> None:
    decoder = LineDecoder()
    lines = as_frames(decoder.feed(encode(STDOUT, b"a\n") + encode(3, b"boom")))
    assert lines == [Frame(STDOUT, b"a\n")]
    with pytest.raises(StreamError, match="boom"):
        decoder.eof()


def test_feed_returns_parallel_lists() -> None:
    decoder = LineDecoder()
    streams, lines = decoder.feed(encode(STDERR, b"e\n") + encode(STDIN, b"i\n"))
    assert (streams, lines) == ([STDERR, STDOUT], [b"e\n", b"i\n"])
