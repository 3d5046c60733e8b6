"""Docker's stream formats, decoded incrementally: pure code, no I/O.

Layers: `FrameDecoder` (multiplexed or TTY bytes to frames), line assembly
per stream (`LineDecoder`), log records with timestamps and text
(`LogDecoder`), JSON progress streams (`JSONStreamDecoder`), and
async adapters over an iterator of raw chunks (``iter_frames``, ``iter_json``)
that close their source when they stop.

Whatever the daemon sends, memory stays bounded: frames over ``DEFAULT_MAX_FRAME``
bytes and JSON messages incomplete after ``DEFAULT_MAX_MESSAGE`` characters fail the
stream with ``StreamError``; lines over ``DEFAULT_MAX_LINE`` bytes come out in pieces.
"""

from __future__ import annotations

from ._adapters import aclose_source, iter_frames, iter_json
from ._frames import DEFAULT_MAX_FRAME, HEADER_SIZE, STDERR, STDIN, STDOUT, Frame, FrameDecoder
from ._jsonstream import DEFAULT_MAX_MESSAGE, JSONStreamDecoder, progress_error
from ._lines import DEFAULT_MAX_LINE, LineAssembler, LineDecoder, split_lines
from ._logs import LogDecoder, LogRecord, StreamName, parse_timestamp, split_timestamp

__all__ = [
    "DEFAULT_MAX_FRAME",
    "DEFAULT_MAX_LINE",
    "DEFAULT_MAX_MESSAGE",
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
    "aclose_source",
    "iter_frames",
    "iter_json",
    "parse_timestamp",
    "progress_error",
    "split_lines",
    "split_timestamp",
]
