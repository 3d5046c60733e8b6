"""Docker's stream formats, decoded incrementally: pure code, no I/O.

Layers: :class:`FrameDecoder` (multiplexed or TTY bytes to frames), line assembly
and UTF-8 decoding per stream (:class:`LineDecoder`, :class:`TextDecoder`), log
records with timestamps (:class:`LogDecoder`), JSON progress streams
(:class:`JSONStreamDecoder`), and async adapters over an iterator of raw chunks
(``iter_*``, ``read_*``) that close their source when they stop.
"""

from __future__ import annotations

from ._adapters import (
    aclose_source,
    iter_frames,
    iter_json,
    iter_lines,
    iter_records,
    iter_text,
    read_all,
    read_demuxed,
)
from ._frames import HEADER_SIZE, STDERR, STDIN, STDOUT, Frame, FrameDecoder
from ._jsonstream import JSONStreamDecoder, progress_error
from ._lines import LineAssembler, LineDecoder, TextChunk, TextDecoder, split_lines
from ._logs import LogDecoder, LogRecord, StreamName, parse_timestamp, split_timestamp

__all__ = [
    "HEADER_SIZE",
    "STDERR",
    "STDIN",
    "STDOUT",
    "Frame",
    "FrameDecoder",
    "JSONStreamDecoder",
    "LineAssembler",
    "LineDecoder",
    "LogDecoder",
    "LogRecord",
    "StreamName",
    "TextChunk",
    "TextDecoder",
    "aclose_source",
    "iter_frames",
    "iter_json",
    "iter_lines",
    "iter_records",
    "iter_text",
    "parse_timestamp",
    "progress_error",
    "read_all",
    "read_demuxed",
    "split_lines",
    "split_timestamp",
]
