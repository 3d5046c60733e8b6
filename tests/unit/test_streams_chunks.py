"""ChunkDecoder: archive and export bytes re-cut into pieces of one size, however they arrive."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from aiocontainers._resources._streaming import ChunkDecoder


@given(
    data=st.binary(max_size=600),
    cuts=st.lists(st.integers(min_value=0, max_value=600), max_size=12),
    size=st.integers(min_value=1, max_value=97),
)
def test_pieces_have_the_size_asked_for_and_add_up_to_the_input(
    data: bytes, cuts: list[int], size: int
) -> None:
    bounds = sorted({0, len(data), *(c for c in cuts if c <= len(data))})
    decoder = ChunkDecoder(size)
    pieces: list[bytes] = []
    for start, end in itertools.pairwise(bounds):
        pieces.extend(decoder.feed(data[start:end]))
    pieces.extend(decoder.eof())
    assert b"".join(pieces) == data
    assert all(len(piece) == size for piece in pieces[:-1])
    assert 0 < len(pieces[-1]) <= size if pieces else not data
    assert decoder.eof() == []  # nothing is held after the end


def test_a_read_of_exactly_one_piece_is_passed_on_without_a_copy() -> None:
    decoder = ChunkDecoder(4)
    read = bytes(range(4))
    assert decoder.feed(read)[0] is read
    assert decoder.feed(b"ab") == [] and decoder.feed(b"cdef") == [b"abcd"]
    assert decoder.eof() == [b"ef"]
