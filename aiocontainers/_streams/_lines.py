"""Line assembly, one buffer per stream.

Lines are ``bytes`` that keep their trailing ``b"\\n"`` (as docker-py's line
iteration does, and as ``docker logs`` prints them); a TTY's ``b"\\r\\n"`` stays
intact. Only ``b"\\n"`` ends a line: a lone ``b"\\r"`` (progress bars) does not.
The last line may lack its newline: it is returned by ``flush``/``eof`` when the
source ends. stdout and stderr are assembled separately, so partial lines of
interleaved frames never mix. A line is joined once, never concatenated piece by piece.

Memory is bounded: a line longer than ``max_line`` bytes (`DEFAULT_MAX_LINE`,
4 MiB) comes out in pieces of ``max_line`` bytes as it arrives, only the last piece
ending with the newline, so output without newlines cannot grow a buffer without limit.
"""

from __future__ import annotations

from ._frames import DEFAULT_MAX_FRAME, STDERR, STDIN, STDOUT, Frame, FrameDecoder, _unpack_header

#: The longest line held back waiting for its newline, in bytes; longer lines are cut.
DEFAULT_MAX_LINE = 4 << 20

__all__ = [
    "DEFAULT_MAX_LINE",
    "LineAssembler",
    "LineDecoder",
    "split_lines",
]


def split_lines(data: bytes) -> tuple[list[bytes], bytes]:
    """Split ``data`` into complete lines (newline kept) and the unterminated rest."""
    if b"\r" not in data:
        # bytes.splitlines() only breaks at \n, \r\n and \r, and is far faster than a
        # Python loop; without \r it breaks exactly at \n.
        lines = data.splitlines(True)
        if lines and lines[-1][-1] != 10:
            return lines, lines.pop()
        return lines, b""
    parts = data.split(b"\n")
    rest = parts.pop()
    return [part + b"\n" for part in parts], rest


class LineAssembler:
    """Turn per-stream payloads into complete lines, each stream with its own buffer.

    Stream id 0 (stdin, echoed by the daemon) is treated as stdout, as Docker does.
    Lines longer than ``max_line`` bytes come out in pieces (see the module docstring).
    """

    __slots__ = ("_max_line", "_partial", "_size")

    def __init__(self, *, max_line: int = DEFAULT_MAX_LINE) -> None:
        self._max_line = max_line
        self._partial: dict[int, list[bytes]] = {STDOUT: [], STDERR: []}
        self._size = {STDOUT: 0, STDERR: 0}  # bytes held in each partial line

    def feed(self, stream: int, data: bytes) -> list[bytes]:
        """Add a payload of ``stream``; return the lines of that stream it completes."""
        if stream == STDIN:
            stream = STDOUT
        partial = self._partial[stream]
        held = self._size[stream]
        if data[-1:] == b"\n" and not partial and data.find(b"\n", 0, -1) < 0:
            if len(data) <= self._max_line:
                return [data]  # the common case: one frame is one line
        lines, rest = split_lines(data)
        if partial and lines:
            partial.append(lines[0])
            lines[0] = b"".join(partial)
            partial.clear()
            self._size[stream] = 0
        if rest:
            partial.append(rest)
            self._size[stream] += len(rest)
        if held + len(data) >= self._max_line:
            return self._cut(stream, lines)
        return lines

    def _cut(self, stream: int, lines: list[bytes]) -> list[bytes]:
        """``lines`` with the over-long ones in pieces, then full pieces of the partial line."""
        limit = self._max_line
        out: list[bytes] = []
        for line in lines:
            if len(line) <= limit:
                out.append(line)
            else:
                out.extend(line[start : start + limit] for start in range(0, len(line), limit))
        if self._size[stream] >= limit:
            partial = self._partial[stream]
            held = b"".join(partial)
            cut = len(held) - len(held) % limit
            out.extend(held[start : start + limit] for start in range(0, cut, limit))
            partial.clear()
            if cut < len(held):
                partial.append(held[cut:])
            self._size[stream] = len(held) - cut
        return out

    def flush(self, stream: int) -> bytes:
        """Return and forget the unterminated last line of ``stream`` (``b""`` if none)."""
        if stream == STDIN:
            stream = STDOUT
        partial = self._partial[stream]
        rest = b"".join(partial)
        partial.clear()
        self._size[stream] = 0
        return rest

    def flush_all(self) -> list[Frame]:
        """Return the unterminated last lines of every stream (stdout first)."""
        out = []
        for stream in (STDOUT, STDERR):
            rest = self.flush(stream)
            if rest:
                out.append(Frame(stream, rest))
        return out


class LineDecoder:
    """Raw chunks in, lines out: a `FrameDecoder` fused with line assembly.

    Lines come back as two parallel lists, stream ids (``STDOUT`` or ``STDERR``)
    and lines, in the order the lines completed: no object per line. See
    `FrameDecoder` for ``tty``, ``max_frame`` and errors, `LineAssembler`
    for ``max_line``. The frame loop is repeated here rather than layered, as log
    streams are the library's hottest path.
    """

    __slots__ = ("_frames", "_lines", "_max_line")

    def __init__(
        self,
        *,
        tty: bool | None = False,
        max_line: int = DEFAULT_MAX_LINE,
        max_frame: int = DEFAULT_MAX_FRAME,
    ) -> None:
        self._frames = FrameDecoder(tty=tty, max_frame=max_frame)
        self._lines = LineAssembler(max_line=max_line)
        self._max_line = max_line

    @property
    def tty(self) -> bool | None:
        """Whether the stream is raw TTY output; ``None`` while still undecided."""
        return self._frames.tty

    def feed(self, data: bytes) -> tuple[list[int], list[bytes]]:
        """Consume one chunk; the lines it completes, with their stream ids alongside."""
        frames = self._frames
        data = frames._take(data)
        streams: list[int] = []
        lines: list[bytes] = []
        if not data:
            return streams, lines
        if frames.tty:
            lines = self._lines.feed(STDOUT, data)
            return [STDOUT] * len(lines), lines
        add_stream = streams.append
        add_line = lines.append
        unpack = _unpack_header
        find = data.find
        partial = self._lines._partial
        clean = not (partial[STDOUT] or partial[STDERR])
        limit = self._max_line
        total = len(data)
        pos = 0
        while total - pos >= 8:
            stream, size = unpack(data, pos)
            start = pos + 8
            end = start + size
            if end > total:
                break
            if stream > 2:
                frames._fail(stream, data[start:end])
                return streams, lines
            pos = end
            if not size:
                continue
            if stream == STDIN:
                stream = STDOUT
            if clean and size <= limit and find(b"\n", start, end) == end - 1:  # one line
                add_stream(stream)
                add_line(data[start:end])
                continue
            for line in self._lines.feed(stream, data[start:end]):
                add_stream(stream)
                add_line(line)
            clean = not (partial[STDOUT] or partial[STDERR])
        frames._keep(data, pos)
        return streams, lines

    def eof(self) -> tuple[list[int], list[bytes]]:
        """End of source: the unterminated last lines; raise ``StreamError`` if cut."""
        streams: list[int] = []
        lines: list[bytes] = []
        for stream, data in self._frames.eof():  # only bytes too short to be sniffed
            for line in self._lines.feed(stream, data):
                streams.append(STDOUT)
                lines.append(line)
        for stream, line in self._lines.flush_all():
            streams.append(stream)
            lines.append(line)
        return streams, lines
