"""A job's output, bounded, and the streams that follow it.

The runner reads each job's output once, from the container's attach stream,
into a `JobOutput`: per stream (stdout, stderr) the last ``limit``
bytes as lines, each with an index that counts every line the job printed
(both streams, in order). Readers ([`JobLogStream`][aiocontainers.jobs.JobLogStream], what
``handle.logs()`` returns) follow that buffer, not the daemon: any number of
them costs no connection, a reader that joins late replays what is kept, and
one that falls behind the bound skips ahead and counts what it missed.
Memory per job is bounded by about twice ``limit`` plus one line of at most
`MAX_LINE` bytes per stream, whatever the job prints.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from types import TracebackType

import anyio
from typing_extensions import Self

from .._streams import LogRecord, StreamName, split_lines
from .._validation import validated

__all__ = ["MAX_LINE", "JobLogStream", "JobOutput", "LineSplitter"]

#: A line longer than this is handed on in pieces of this size (the last without newline).
MAX_LINE = 64 * 1024


class LineSplitter:
    """Payloads of one stream in, lines out; a partial line never grows past ``MAX_LINE``."""

    __slots__ = ("_partial", "_size")

    def __init__(self) -> None:
        self._partial: list[bytes] = []
        self._size = 0

    def feed(self, data: bytes) -> list[bytes]:
        lines, rest = split_lines(data)
        if self._partial and lines:
            self._partial.append(lines[0])
            lines[0] = self.flush()
        if rest:
            self._partial.append(rest)
            self._size += len(rest)
            if self._size >= MAX_LINE:  # hand on whole pieces, keep the remainder
                whole = self.flush()
                cut = len(whole) - len(whole) % MAX_LINE
                lines.append(whole[:cut])
                if cut < len(whole):
                    self._partial.append(whole[cut:])
                    self._size = len(whole) - cut
        if any(len(line) > MAX_LINE for line in lines):
            return [
                line[start : start + MAX_LINE]
                for line in lines
                for start in range(0, len(line), MAX_LINE)
            ]
        return lines

    def flush(self) -> bytes:
        rest = b"".join(self._partial)
        self._partial.clear()
        self._size = 0
        return rest


class _Kept:
    """The kept lines of one stream: ``(index, record)`` pairs, at most ``limit`` bytes."""

    __slots__ = ("dropped", "limit", "records", "size")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.records: deque[tuple[int, LogRecord]] = deque()
        self.size = 0
        self.dropped = 0

    def add(self, index: int, record: LogRecord) -> None:
        self.records.append((index, record))
        self.size += len(record.data)
        excess = self.size - self.limit
        while excess > 0:
            first_index, first = self.records[0]
            if len(first.data) <= excess:
                self.records.popleft()
                cut = len(first.data)
            else:  # keep exactly the last `limit` bytes: trim the oldest line's head
                cut = excess
                self.records[0] = (first_index, LogRecord(first.stream, first.data[cut:]))
            self.size -= cut
            self.dropped += cut
            excess -= cut

    def data(self) -> bytes:
        return b"".join(record.data for _, record in self.records)

    def since(self, index: int) -> list[tuple[int, LogRecord]]:
        """The kept pairs with an index of at least ``index`` (newest are at the right)."""
        found: list[tuple[int, LogRecord]] = []
        for pair in reversed(self.records):
            if pair[0] < index:
                break
            found.append(pair)
        found.reverse()
        return found

    def first_index(self) -> int | None:
        return self.records[0][0] if self.records else None


class JobOutput:
    """One job's output: per stream the last ``limit`` bytes, as indexed lines.

    ``new_attempt()`` starts over for a retry (the result holds the last
    attempt's output) while indices keep counting, so readers see one
    continuous log. ``close()`` marks the end: readers finish once they read
    what is kept.
    """

    __slots__ = ("_changed", "_kept", "_splitters", "closed", "limit", "next_index")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.next_index = 0
        self.closed = False
        self._kept = {"stdout": _Kept(limit), "stderr": _Kept(limit)}
        self._splitters = {"stdout": LineSplitter(), "stderr": LineSplitter()}
        self._changed: anyio.Event | None = None

    def new_attempt(self) -> None:
        """Forget the previous attempt's output (its lines keep their indices)."""
        self._kept = {"stdout": _Kept(self.limit), "stderr": _Kept(self.limit)}
        self._splitters = {"stdout": LineSplitter(), "stderr": LineSplitter()}

    def feed(self, stream: StreamName, data: bytes) -> None:
        """Add a payload of ``stream``; complete lines become records at once."""
        lines = self._splitters[stream].feed(data)
        if lines:
            self._add(stream, lines)

    def close(self) -> None:
        """The output ended: keep the unterminated last lines and wake every reader."""
        if self.closed:
            return
        for stream in ("stdout", "stderr"):
            rest = self._splitters[stream].flush()
            if rest:
                self._add(stream, [rest])
        self.closed = True
        self._wake()

    def _add(self, stream: StreamName, lines: list[bytes]) -> None:
        kept = self._kept[stream]
        for line in lines:
            kept.add(self.next_index, LogRecord(stream, line))
            self.next_index += 1
        self._wake()

    def _wake(self) -> None:
        if self._changed is not None:
            self._changed.set()
            self._changed = None

    async def wait_for(self, index: int) -> None:
        """Return once a line with ``index`` (or later) exists, or the output closed."""
        while self.next_index <= index and not self.closed:
            if self._changed is None:
                self._changed = anyio.Event()
            await self._changed.wait()

    # -- reading ----------------------------------------------------------------

    def stdout(self) -> bytes:
        return self._kept["stdout"].data()

    def stderr(self) -> bytes:
        return self._kept["stderr"].data()

    def dropped(self, stream: StreamName) -> int:
        """Bytes of ``stream`` dropped to stay within ``limit`` (this attempt)."""
        return self._kept[stream].dropped

    def since(self, index: int) -> list[tuple[int, LogRecord]]:
        """Kept lines with an index of at least ``index``, in the order they were printed."""
        out, err = self._kept["stdout"].since(index), self._kept["stderr"].since(index)
        if not err:
            return out
        if not out:
            return err
        return sorted(out + err, key=_index)


def _index(pair: tuple[int, LogRecord]) -> int:
    return pair[0]


class JobLogStream:
    """Follow a job's output: an async iterator of [`LogRecord`][aiocontainers.LogRecord] lines.

    It waits for the job to start, yields every line from ``start`` on
    (stdout and stderr in the order printed) and ends when the job is done
    and everything kept was read. ``next_index`` is the index the next line
    will have (so the line just yielded had ``next_index - 1``: an SSE event
    id); ``skipped`` counts lines this reader missed because the job's output
    bound dropped them before it read them. It holds no connection; closing
    it only stops the iteration.
    """

    def __init__(self, output: Callable[[], JobOutput], start: int = 0) -> None:
        self._output = output
        self._buffer: deque[tuple[int, LogRecord]] = deque()
        self.next_index = start
        self.skipped = 0
        self._closed = False

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> LogRecord:
        while not self._buffer:
            if self._closed:
                raise StopAsyncIteration
            output = self._output()
            pairs = output.since(self.next_index)
            if pairs:
                self._buffer.extend(pairs)
                break
            if output.closed:
                self._closed = True
                raise StopAsyncIteration
            await output.wait_for(self.next_index)
        index, record = self._buffer.popleft()
        self.skipped += index - self.next_index
        self.next_index = index + 1
        return record

    @validated
    async def aclose(self) -> None:
        """Stop following; later iteration ends at once."""
        self._closed = True
        self._buffer.clear()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
