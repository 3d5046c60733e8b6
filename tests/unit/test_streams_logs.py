"""LogRecord, timestamp prefixes and LogDecoder."""

from __future__ import annotations

import dataclasses
import struct
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiocontainers._streams import (
    STDERR,
    STDOUT,
    LogDecoder,
    LogRecord,
    StreamName,
    parse_timestamp,
    split_timestamp,
)
from aiocontainers.errors import StreamError

T1 = b"2024-01-02T03:04:05.123456789Z"
T2 = b"2024-01-02T03:04:06.000000001Z"
DT1 = datetime(2024, 1, 2, 3, 4, 5, 123456, timezone.utc)
DT2 = datetime(2024, 1, 2, 3, 4, 6, 0, timezone.utc)


def encode(stream: int, payload: bytes) -> bytes:
    return struct.pack(">BxxxL", stream, len(payload)) + payload


def decode(
    chunks: list[bytes], *, tty: bool | None = False, timestamps: bool = False
) -> list[LogRecord]:
    decoder = LogDecoder(tty=tty, timestamps=timestamps)
    return [r for chunk in chunks for r in decoder.feed(chunk)] + decoder.eof()


def test_record_is_frozen_and_decodes_text_with_replacement() -> None:
    record = LogRecord("stderr", b"caf\xc3\xa9 \xff\n", DT1)
    assert record.text == "café \ufffd\n"
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.data = b""  # type: ignore[misc]
    assert LogRecord("stdout", b"x") == LogRecord("stdout", b"x", None)


def test_decoded_records_are_the_same_as_constructed_ones() -> None:
    """The decoder builds records without the dataclass ``__init__``: same value, hash,
    repr and immutability as records built the public way."""
    [plain] = decode([encode(STDERR, b"one\n")])
    [stamped] = decode([encode(STDOUT, T1 + b" two\n")], timestamps=True)
    tty = decode([T1 + b" three\n" + T2 + b" four"], tty=True, timestamps=True)
    for record, built in [
        (plain, LogRecord("stderr", b"one\n")),
        (stamped, LogRecord("stdout", b"two\n", DT1)),
        (tty[0], LogRecord("stdout", b"three\n", DT1)),
        (tty[1], LogRecord("stdout", b"four", DT2)),
    ]:
        assert type(record) is LogRecord
        assert record == built and hash(record) == hash(built) and repr(record) == repr(built)
        with pytest.raises(dataclasses.FrozenInstanceError):
            record.stream = "stdout"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-01-02T03:04:05.123456789Z", DT1),
        ("2024-01-02T03:04:05.1Z", datetime(2024, 1, 2, 3, 4, 5, 100000, timezone.utc)),
        ("2024-01-02T03:04:05Z", datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)),
        (
            "2024-01-02T03:04:05.5+02:30",
            datetime(2024, 1, 2, 3, 4, 5, 500000, timezone(timedelta(hours=2, minutes=30))),
        ),
        (b"2024-01-02T03:04:05.000000999-01:00", datetime(2024, 1, 2, 4, 4, 5, 0, timezone.utc)),
    ],
)
def test_parse_timestamp(raw: str | bytes, expected: datetime) -> None:
    parsed = parse_timestamp(raw)
    assert parsed == expected
    assert parsed.tzinfo is not None


@pytest.mark.parametrize("raw", ["", "yesterday", "2024-01-02 03:04:05Z", "2024-13-02T03:04:05Z"])
def test_parse_timestamp_rejects_garbage(raw: str) -> None:
    with pytest.raises(ValueError):
        parse_timestamp(raw)


def test_split_timestamp() -> None:
    assert split_timestamp(T1 + b" hello\n") == (DT1, b"hello\n")
    assert split_timestamp(T1 + b" \n") == (DT1, b"\n")
    assert split_timestamp(b"hello\n") == (None, b"hello\n")
    assert split_timestamp(T1 + b"no space\n") == (None, T1 + b"no space\n")
    assert split_timestamp(b"2024-13-40T03:04:05Z x") == (None, b"2024-13-40T03:04:05Z x")
    assert split_timestamp(b"") == (None, b"")


def test_decoder_without_timestamps_tags_streams() -> None:
    wire = encode(STDOUT, b"out\n") + encode(STDERR, b"err\n") + encode(STDOUT, b"last")
    assert decode([wire[:5], wire[5:]]) == [
        LogRecord("stdout", b"out\n"),
        LogRecord("stderr", b"err\n"),
        LogRecord("stdout", b"last"),
    ]


def test_decoder_takes_one_timestamp_per_frame() -> None:
    wire = b"".join(
        [
            encode(STDOUT, T1 + b" first\n"),
            encode(STDERR, T1 + b" oops\n"),
            encode(STDOUT, T2 + b" second\n"),
            encode(STDOUT, b"no prefix\n"),
        ]
    )
    assert decode([wire], timestamps=True) == [
        LogRecord("stdout", b"first\n", DT1),
        LogRecord("stderr", b"oops\n", DT1),
        LogRecord("stdout", b"second\n", DT2),
        LogRecord("stdout", b"no prefix\n", None),
    ]


def test_decoder_joins_a_split_message_under_its_first_timestamp() -> None:
    # the logging driver splits long lines into 16 KiB messages, each with a prefix
    wire = b"".join(
        [
            encode(STDOUT, T1 + b" " + b"a" * 16384),
            encode(STDERR, T2 + b" interleaved\n"),
            encode(STDOUT, T2 + b" " + b"b" * 100 + b"\n"),
            encode(STDOUT, T2 + b" tail"),
        ]
    )
    for chunks in ([wire], [wire[i : i + 7] for i in range(0, len(wire), 7)]):
        assert decode(chunks, timestamps=True) == [
            LogRecord("stderr", b"interleaved\n", DT2),
            LogRecord("stdout", b"a" * 16384 + b"b" * 100 + b"\n", DT1),
            LogRecord("stdout", b"tail", DT2),
        ]


def test_decoder_frame_with_several_lines() -> None:
    wire = encode(STDOUT, T1 + b" part") + encode(STDOUT, T2 + b" ial\nwhole\nnext")
    assert decode([wire], timestamps=True) == [
        LogRecord("stdout", b"partial\n", DT1),
        LogRecord("stdout", b"whole\n", DT2),
        LogRecord("stdout", b"next", DT2),
    ]


def test_decoder_tty_timestamps_per_line() -> None:
    chunks = [T1 + b" one\r\n" + T2, b" two\r\nplain\r\n" + T1 + b" end"]
    expected = [
        LogRecord("stdout", b"one\r\n", DT1),
        LogRecord("stdout", b"two\r\n", DT2),
        LogRecord("stdout", b"plain\r\n", None),
        LogRecord("stdout", b"end", DT1),
    ]
    assert decode(chunks, tty=True, timestamps=True) == expected
    assert decode(chunks, tty=None, timestamps=True) == expected


def test_decoder_sniffs_multiplexed_with_timestamps() -> None:
    wire = encode(STDERR, T1 + b" e\n")
    assert decode([wire[:2], wire[2:]], tty=None, timestamps=True) == [
        LogRecord("stderr", b"e\n", DT1)
    ]


def test_decoder_short_tty_stream_with_timestamps_at_eof() -> None:
    decoder = LogDecoder(tty=None, timestamps=True)
    assert decoder.feed(b"\x02") == []  # could still be a stderr frame header
    assert decoder.tty is None
    assert decoder.eof() == [LogRecord("stdout", b"\x02")]
    assert decoder.tty is True


STAMPS = [(T1, DT1), (T2, DT2), (None, None)]


@given(
    messages=st.lists(
        st.tuples(
            st.sampled_from([STDOUT, STDERR]),
            st.sampled_from(range(len(STAMPS))),
            st.lists(st.sampled_from([b"a", b"bc", b"\n", b" "]), min_size=1, max_size=6),
        ),
        max_size=12,
    ),
    size=st.integers(min_value=1, max_value=40),
)
def test_decoder_random_messages_and_chunking(
    messages: list[tuple[int, int, list[bytes]]], size: int
) -> None:
    wire = b""
    expected: dict[StreamName, list[LogRecord]] = {"stdout": [], "stderr": []}
    pending: dict[StreamName, tuple[bytes, datetime | None] | None] = {
        "stdout": None,
        "stderr": None,
    }
    for stream, stamp, parts in messages:
        raw, when = STAMPS[stamp]
        body = b"".join(parts)
        wire += encode(stream, body if raw is None else raw + b" " + body)
        name: StreamName = "stdout" if stream == STDOUT else "stderr"
        start = pending[name]
        text, first = (start[0] + body, start[1]) if start else (body, when)
        *lines, rest = text.split(b"\n")
        for line in lines:
            expected[name].append(LogRecord(name, line + b"\n", first))
            first = when
        pending[name] = (rest, first) if rest else None
    for name, last in pending.items():
        if last:
            expected[name].append(LogRecord(name, last[0], last[1]))
    chunks = [wire[i : i + size] for i in range(0, len(wire), size)]
    records = decode(chunks, timestamps=True)
    for stream_name, want in expected.items():
        assert [r for r in records if r.stream == stream_name] == want


def test_decoder_truncated_frame_raises() -> None:
    decoder = LogDecoder(timestamps=True)
    decoder.feed(encode(STDOUT, T1 + b" cut")[:-1])
    with pytest.raises(StreamError):
        decoder.eof()
