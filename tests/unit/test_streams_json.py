"""JSONStreamDecoder and progress error detection."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiocontainers._streams import JSONStreamDecoder, progress_error
from aiocontainers.errors import StreamError


def decode(chunks: list[bytes]) -> list[Any]:
    decoder = JSONStreamDecoder()
    return [v for chunk in chunks for v in decoder.feed(chunk)] + decoder.eof()


PULL = [
    {"status": "Pulling from library/busybox", "id": "latest"},
    {"status": "Downloading", "progressDetail": {"current": 1, "total": 2}, "id": "abc"},
    {"status": "Digest: sha256:…é"},
]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@given(
    values=st.lists(st.dictionaries(st.text(max_size=5), json_values, max_size=4), max_size=6),
    separators=st.lists(st.sampled_from(["", "\n", "\r\n", " \n\t"]), min_size=6, max_size=6),
    points=st.lists(st.integers(min_value=0), max_size=10),
)
def test_random_chunking_of_separated_and_concatenated_objects(
    values: list[dict[str, Any]], separators: list[str], points: list[int]
) -> None:
    text = "".join(json.dumps(v) + sep for v, sep in zip(values, separators, strict=False))
    wire = text.encode()
    bounds = [0, *sorted({p % (len(wire) + 1) for p in points}), len(wire)]
    assert decode([wire[a:b] for a, b in itertools.pairwise(bounds)]) == values


def test_objects_split_across_chunks_are_returned_when_complete() -> None:
    decoder = JSONStreamDecoder()
    wire = b"".join(json.dumps(m).encode() + b"\r\n" for m in PULL)
    assert decoder.feed(wire[:10]) == []
    assert decoder.feed(wire[10:70]) == [PULL[0]]
    assert decoder.feed(wire[70:]) == PULL[1:]
    assert decoder.eof() == []


def test_concatenated_objects_without_separator() -> None:
    assert decode([b'{"a":1}{"b":2}[3]"s"{"c":', b"4}"]) == [
        {"a": 1},
        {"b": 2},
        [3],
        "s",
        {"c": 4},
    ]


def test_multibyte_character_split_across_chunks() -> None:
    wire = json.dumps({"status": "é☃"}, ensure_ascii=False).encode()
    cut = wire.index("☃".encode()) + 1
    assert decode([wire[:cut], wire[cut:]]) == [{"status": "é☃"}]


def test_number_at_end_waits_for_more_digits() -> None:
    decoder = JSONStreamDecoder()
    assert decoder.feed(b"12") == []
    assert decoder.feed(b"34 5") == [1234]
    assert decoder.eof() == [5]


def test_large_object_in_many_chunks() -> None:
    value = {"aux": {"ID": "sha256:" + "f" * 64}, "blob": "x" * 1_000_000}
    wire = json.dumps(value).encode() + b"\n"
    chunks = [wire[i : i + 1000] for i in range(0, len(wire), 1000)]
    assert decode(chunks) == [value]


def test_truncated_object_at_eof_raises() -> None:
    decoder = JSONStreamDecoder()
    assert decoder.feed(b'{"status": "ok"}\n{"status": "Downlo') == [{"status": "ok"}]
    with pytest.raises(StreamError, match="ended with an incomplete or invalid message"):
        decoder.eof()


def test_invalid_json_raises_once_a_line_break_follows() -> None:
    decoder = JSONStreamDecoder()
    assert decoder.feed(b'{"ok": 1}\n{"bad": tru') == [{"ok": 1}]
    with pytest.raises(StreamError, match="invalid JSON"):
        decoder.feed(b"x}\n")
    with pytest.raises(StreamError, match="invalid JSON"):
        JSONStreamDecoder().feed(b"not json\n")


def test_values_before_invalid_json_come_first() -> None:
    decoder = JSONStreamDecoder()
    assert decoder.feed(b'{"ok": 1}\n{"bad": x}\n{"later": 1}\n') == [{"ok": 1}]
    with pytest.raises(StreamError, match="invalid JSON"):
        decoder.feed(b"")
    with pytest.raises(StreamError, match="invalid JSON"):
        decoder.eof()


def test_invalid_json_without_line_break_raises_at_eof() -> None:
    decoder = JSONStreamDecoder()
    assert decoder.feed(b"{oops}") == []
    with pytest.raises(StreamError, match="incomplete or invalid message"):
        decoder.eof()


def test_invalid_utf8_is_replaced() -> None:
    assert decode([b'{"s": "a\xffb"}']) == [{"s": "a\ufffdb"}]


def test_whitespace_only_stream() -> None:
    assert decode([b"\r\n", b"  \n"]) == []


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            {"errorDetail": {"message": "manifest unknown"}, "error": "manifest unknown"},
            "manifest unknown",
        ),
        ({"errorDetail": {"code": 1, "message": "detail wins"}, "error": "short"}, "detail wins"),
        ({"error": "only error"}, "only error"),
        ({"errorDetail": {"code": 1}}, "{'code': 1}"),
        ({"errorDetail": {"message": ""}, "error": "fallback"}, "fallback"),
        ({"status": "Downloading", "progressDetail": {}}, None),
        ({"stream": "Step 1/2 : FROM scratch\n"}, None),
        ({"error": None}, None),
        ([1, 2], None),
        ("error", None),
    ],
)
def test_progress_error(message: Any, expected: str | None) -> None:
    assert progress_error(message) == expected
