"""FrameDecoder: Docker's multiplexed stream format and raw TTY streams."""

from __future__ import annotations

import itertools
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiocontainers._streams import STDERR, STDIN, STDOUT, Frame, FrameDecoder
from aiocontainers.errors import StreamError


def encode(stream: int, payload: bytes) -> bytes:
    return struct.pack(">BxxxL", stream, len(payload)) + payload


def cut(data: bytes, points: list[int]) -> list[bytes]:
    bounds = [0, *sorted({p % (len(data) + 1) for p in points}), len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds)]


def decode_all(decoder: FrameDecoder, chunks: list[bytes]) -> list[Frame]:
    frames = [frame for chunk in chunks for frame in decoder.feed(chunk)]
    return frames + decoder.eof()


frames_strategy = st.lists(
    st.tuples(st.sampled_from([STDIN, STDOUT, STDERR]), st.binary(min_size=1, max_size=300)),
    max_size=20,
)


@given(frames=frames_strategy, points=st.lists(st.integers(min_value=0), max_size=30))
def test_random_chunking_reassembles_every_frame_exactly(
    frames: list[tuple[int, bytes]], points: list[int]
) -> None:
    wire = b"".join(encode(s, p) for s, p in frames)
    decoded = decode_all(FrameDecoder(), cut(wire, points))
    assert decoded == [Frame(s, p) for s, p in frames]
    assert all(type(f) is Frame and type(f.data) is bytes for f in decoded)


def test_every_single_split_point_of_two_frames() -> None:
    wire = encode(STDOUT, b"hello\n") + encode(STDERR, b"oops\n")
    for i in range(len(wire) + 1):
        decoder = FrameDecoder()
        frames = decoder.feed(wire[:i]) + decoder.feed(wire[i:]) + decoder.eof()
        assert frames == [Frame(STDOUT, b"hello\n"), Frame(STDERR, b"oops\n")], i


def test_byte_by_byte_feeding() -> None:
    wire = encode(STDOUT, b"a" * 1000) + encode(STDERR, b"b")
    decoder = FrameDecoder()
    frames = [f for i in range(len(wire)) for f in decoder.feed(wire[i : i + 1])]
    assert frames == [Frame(STDOUT, b"a" * 1000), Frame(STDERR, b"b")]
    assert decoder.pending == 0
    assert decoder.eof() == []


def test_many_frames_in_one_chunk_keep_order_and_streams() -> None:
    wire = b"".join(encode(STDOUT if i % 3 else STDERR, b"%d\n" % i) for i in range(100))
    frames = FrameDecoder().feed(wire)
    assert [f.data for f in frames] == [b"%d\n" % i for i in range(100)]
    assert [f.stream for f in frames] == [STDOUT if i % 3 else STDERR for i in range(100)]


def test_large_frame_in_small_chunks() -> None:
    payload = bytes(range(256)) * 8192  # 2 MiB
    wire = encode(STDOUT, payload)
    decoder = FrameDecoder()
    frames: list[Frame] = []
    for i in range(0, len(wire), 4096):
        frames += decoder.feed(wire[i : i + 4096])
        if i + 4096 < len(wire):
            assert decoder.pending == i + 4096
    assert frames == [Frame(STDOUT, payload)]


def test_empty_frames_and_empty_chunks_yield_nothing() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(b"") == []
    assert decoder.feed(encode(STDOUT, b"") + encode(STDERR, b"x")) == [Frame(STDERR, b"x")]
    assert decoder.eof() == []


@pytest.mark.parametrize("keep", [1, 7, 8, 12])
def test_truncated_frame_at_eof_raises_stream_error(keep: int) -> None:
    decoder = FrameDecoder()
    wire = encode(STDOUT, b"complete") + encode(STDERR, b"cut short")
    assert decoder.feed(wire[: 16 + keep]) == [Frame(STDOUT, b"complete")]
    with pytest.raises(StreamError, match="middle of a frame"):
        decoder.eof()


def test_truncated_payload_message_names_stream_and_sizes() -> None:
    decoder = FrameDecoder()
    decoder.feed(encode(STDERR, b"0123456789")[:12])
    with pytest.raises(StreamError, match=r"4 of 10 payload bytes of a stderr frame"):
        decoder.eof()


def test_daemon_error_frame_raises_after_earlier_frames() -> None:
    decoder = FrameDecoder()
    wire = encode(STDOUT, b"before\n") + encode(3, b"container gone\n") + encode(STDOUT, b"x")
    assert decoder.feed(wire) == [Frame(STDOUT, b"before\n")]
    with pytest.raises(
        StreamError, match="daemon reported an error in the stream: container gone"
    ):
        decoder.feed(b"")
    with pytest.raises(StreamError):
        decoder.eof()


def test_unknown_stream_id_is_an_error() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(encode(7, b"?")) == []
    with pytest.raises(StreamError, match="unknown stream id 7"):
        decoder.eof()


def test_tty_mode_passes_bytes_through_as_stdout() -> None:
    decoder = FrameDecoder(tty=True)
    raw = encode(STDERR, b"looks like a header")  # a TTY never demultiplexes
    assert decoder.feed(raw) == [Frame(STDOUT, raw)]
    assert decoder.feed(b"") == []
    assert decoder.feed(b"partial") == [Frame(STDOUT, b"partial")]
    assert decoder.eof() == []
    assert decoder.tty is True


@given(frames=frames_strategy, points=st.lists(st.integers(min_value=0), max_size=10))
def test_sniffing_detects_multiplexed_streams(
    frames: list[tuple[int, bytes]], points: list[int]
) -> None:
    wire = b"".join(encode(s, p) for s, p in frames)
    decoder = FrameDecoder(tty=None)
    assert decode_all(decoder, cut(wire, points)) == [Frame(s, p) for s, p in frames]
    if wire:
        assert decoder.tty is False


@pytest.mark.parametrize(
    ("chunks", "expected"),
    [
        ([b"hello world\n"], b"hello world\n"),
        ([b"\x01", b"\x00", b"x", b"yz"], b"\x01\x00xyz"),  # stream-id-like first byte
        ([b"\x01\x00"], b"\x01\x00"),  # too short to decide: raw at eof
        ([b"hi"], b"hi"),
    ],
)
def test_sniffing_detects_tty_streams(chunks: list[bytes], expected: bytes) -> None:
    decoder = FrameDecoder(tty=None)
    frames = decode_all(decoder, chunks)
    assert b"".join(f.data for f in frames) == expected
    assert {f.stream for f in frames} == {STDOUT}
    assert decoder.tty is True


def test_sniffing_waits_for_four_bytes() -> None:
    decoder = FrameDecoder(tty=None)
    wire = encode(STDERR, b"err")
    assert decoder.feed(wire[:3]) == []
    assert decoder.tty is None
    assert decoder.feed(wire[3:]) == [Frame(STDERR, b"err")]
    assert decoder.tty is False


@pytest.mark.parametrize("tty", [False, True])
def test_bytes_like_chunks_give_independent_bytes(tty: bool) -> None:
    buffer = bytearray(encode(STDOUT, b"data") if not tty else b"data")
    frames = FrameDecoder(tty=tty).feed(buffer)  # type: ignore[arg-type]
    buffer[:] = b"\xff" * len(buffer)
    assert frames == [Frame(STDOUT, b"data")]
    assert type(frames[0].data) is bytes


@given(frames=frames_strategy, points=st.lists(st.integers(min_value=0), max_size=30))
def test_payloads_are_the_frames_data_in_order(
    frames: list[tuple[int, bytes]], points: list[int]
) -> None:
    wire = b"".join(encode(s, p) for s, p in frames)
    decoder = FrameDecoder()
    payloads = [data for chunk in cut(wire, points) for data in decoder.payloads(chunk)]
    assert payloads + [f.data for f in decoder.eof()] == [p for _, p in frames]
