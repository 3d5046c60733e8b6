"""Log records: one line of one stream, with the daemon's timestamp when asked for.

With ``timestamps=True`` the daemon prefixes every log message with its time in
RFC 3339 with nanoseconds and a space (``2024-01-02T03:04:05.123456789Z ``).
On a multiplexed stream every frame is one message, so the prefix is taken off
each frame; a message the logging driver split (lines over 16 KiB arrive as
several frames) becomes one record with the time of its first piece. A TTY
stream has no frames, so the prefix is taken off each line instead.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from itertools import repeat
from typing import Literal

from ._frames import STDERR, STDIN, STDOUT
from ._lines import DEFAULT_MAX_LINE, LineDecoder

__all__ = ["LogDecoder", "LogRecord", "StreamName", "parse_timestamp", "split_timestamp"]

StreamName = Literal["stdout", "stderr"]

_NAMES: dict[int, StreamName] = {STDIN: "stdout", STDOUT: "stdout", STDERR: "stderr"}

_TIMESTAMP = re.compile(
    rb"(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?([Zz]|[+-]\d\d:\d\d)"
)
_PREFIX = re.compile(_TIMESTAMP.pattern + rb" ")


@dataclass(frozen=True, slots=True)
class LogRecord:
    """One log line: its stream, its bytes (trailing newline kept) and its time if known."""

    stream: StreamName
    data: bytes
    timestamp: datetime | None = None

    @property
    def text(self) -> str:
        """The line decoded as UTF-8; invalid bytes become U+FFFD."""
        return self.data.decode("utf-8", "replace")


_new_record = object.__new__
_set_stream = vars(LogRecord)["stream"].__set__  # the slots' own setters
_set_data = vars(LogRecord)["data"].__set__
_set_timestamp = vars(LogRecord)["timestamp"].__set__
_drain: Callable[[Iterable[object]], None] = deque[object](maxlen=0).extend  # runs an iterator out


def _record(stream: StreamName, data: bytes, timestamp: datetime | None = None) -> LogRecord:
    """``LogRecord(stream, data, timestamp)`` at half the cost: a frozen dataclass's
    ``__init__`` sets each field through ``object.__setattr__``, once per log line here."""
    record: LogRecord = _new_record(LogRecord)
    _set_stream(record, stream)
    _set_data(record, data)
    _set_timestamp(record, timestamp)
    return record


def _records(
    names: Iterable[StreamName],
    lines: list[bytes],
    times: Iterable[datetime | None] = repeat(None),
) -> list[LogRecord]:
    """A record per line, made field by field in C loops (``map``) rather than a Python
    call per line: log streams with short lines make hundreds of thousands."""
    records: list[LogRecord] = list(map(_new_record, repeat(LogRecord, len(lines))))
    _drain(map(_set_stream, records, names))
    _drain(map(_set_data, records, lines))
    _drain(map(_set_timestamp, records, times))
    return records


def _to_datetime(match: re.Match[bytes]) -> datetime:
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micro = int((fraction or b"0")[:6].ljust(6, b"0"))
    if zone in (b"Z", b"z"):
        tz = timezone.utc
    else:
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        offset = timedelta(hours=hours, minutes=minutes)
        tz = timezone(-offset if zone[:1] == b"-" else offset)
    return datetime(
        int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tz
    )


def parse_timestamp(value: str | bytes) -> datetime:
    """Parse an RFC 3339 time as Docker writes it into an aware ``datetime``.

    Nanoseconds are truncated to microseconds. Raises ``ValueError`` if ``value``
    is not such a time.
    """
    raw = value.encode("ascii", "replace") if isinstance(value, str) else value
    match = _TIMESTAMP.fullmatch(raw)
    if match is None:
        raise ValueError(f"not an RFC 3339 timestamp: {value!r}")
    return _to_datetime(match)


def split_timestamp(line: bytes) -> tuple[datetime | None, bytes]:
    """Split a ``timestamps=True`` prefix off ``line``: ``(time, rest)``.

    A line without a valid prefix comes back whole with ``None`` as its time.
    """
    match = _PREFIX.match(line)
    if match is None:
        return None, line
    try:
        return _to_datetime(match), line[match.end() :]
    except ValueError:  # matched the shape but not a real date, e.g. month 13
        return None, line


class LogDecoder:
    """Raw log chunks in, [`LogRecord`][aiocontainers.LogRecord] lines out.

    ``tty`` is as for `FrameDecoder`; ``timestamps`` must match the request. A
    line longer than ``max_line`` bytes comes out as several records (see
    `LineAssembler`), each piece after the first with
    the time of the frame that completed it.
    """

    __slots__ = ("_decoder", "_line_time", "_timestamps")

    def __init__(
        self,
        *,
        tty: bool | None = False,
        timestamps: bool = False,
        max_line: int = DEFAULT_MAX_LINE,
    ) -> None:
        self._decoder = LineDecoder(tty=tty, max_line=max_line)
        self._timestamps = timestamps
        # the time of the first frame of each stream's unterminated line
        self._line_time: dict[int, datetime | None] = {STDOUT: None, STDERR: None}

    @property
    def tty(self) -> bool | None:
        """Whether the stream is raw TTY output; ``None`` while still undecided."""
        return self._decoder.tty

    def feed(self, data: bytes) -> list[LogRecord]:
        """Consume one chunk and return the records it completes."""
        decoder = self._decoder
        if self._timestamps and not decoder.tty:
            pairs = decoder._frames._split(data)
            if not decoder.tty:
                return self._by_frame(pairs)
            # the first bytes just showed a TTY stream: pairs hold raw output
            return self._by_line([line for _, d in pairs for line in decoder._lines.feed(1, d)])
        streams, lines = decoder.feed(data)
        if self._timestamps:
            return self._by_line(lines)
        return _records(map(_NAMES.__getitem__, streams), lines)

    def eof(self) -> list[LogRecord]:
        """End of source: return unterminated last lines; raise ``StreamError`` if cut."""
        streams, lines = self._decoder.eof()
        if not self._timestamps:
            return _records(map(_NAMES.__getitem__, streams), lines)
        if self._decoder.tty:
            return self._by_line(lines)
        times = self._line_time
        return _records(map(_NAMES.__getitem__, streams), lines, map(times.__getitem__, streams))

    def _by_line(self, lines: list[bytes]) -> list[LogRecord]:
        """Records of TTY lines, each with its own timestamp prefix."""
        if not lines:
            return []
        times, rests = zip(*map(split_timestamp, lines), strict=True)
        return _records(repeat("stdout"), list(rests), times)

    def _by_frame(self, pairs: list[tuple[int, bytes]]) -> list[LogRecord]:
        """Records of multiplexed frames, each frame with one timestamp prefix."""
        out: list[LogRecord] = []
        assembler = self._decoder._lines
        partial = assembler._partial
        line_time = self._line_time
        for stream, data in pairs:
            if stream == STDIN:
                stream = STDOUT
            time, body = split_timestamp(data)
            start = line_time[stream] if partial[stream] else time
            lines = assembler.feed(stream, body)
            if lines:
                name = _NAMES[stream]
                out.append(_record(name, lines[0], start))
                out.extend(_record(name, line, time) for line in lines[1:])
                start = time
            line_time[stream] = start
        return out
