"""Line assembly, one buffer per stream.

Lines are ``bytes`` that keep their trailing ``b"\\n"`` (as docker-py's line
iteration does, and as ``docker logs`` prints them); a TTY's ``b"\\r\\n"`` stays
intact. Only ``b"\\n"`` ends a line: a lone ``b"\\r"`` (progress bars) does not.
The last line may lack its newline: it is returned by ``flush``/``eof`` when the
source ends. stdout and stderr are assembled separately, so partial lines of
interleaved frames never mix. A line of any length is joined once, never
concatenated piece by piece.
"""

from __future__ import annotations

from ._frames import STDERR, STDIN, STDOUT, Frame, FrameDecoder, _unpack_header

__all__ = [
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
    """

    __slots__ = ("_partial",)

    def __init__(self) -> None:
        self._partial: dict[int, list[bytes]] = {STDOUT: [], STDERR: []}

    def feed(self, stream: int, data: bytes) -> list[bytes]:
        """Add a payload of ``stream``; return the lines of that stream it completes."""
        partial = self._partial[STDOUT if stream == STDIN else stream]
        if data[-1:] == b"\n" and not partial and data.find(b"\n", 0, -1) < 0:
            return [data]  # the common case: one frame is one line
        lines, rest = split_lines(data)
        if partial and lines:
            partial.append(lines[0])
            lines[0] = b"".join(partial)
            partial.clear()
        if rest:
            partial.append(rest)
        return lines

    def flush(self, stream: int) -> bytes:
        """Return and forget the unterminated last line of ``stream`` (``b""`` if none)."""
        partial = self._partial[STDOUT if stream == STDIN else stream]
        rest = b"".join(partial)
        partial.clear()
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
    and lines, in the order the lines completed: no object per line. See `FrameDecoder` for
    ``tty`` and errors. The frame loop is repeated here rather than layered, as
    log streams are the library's hottest path.
    """

    __slots__ = ("_frames", "_lines")

    def __init__(self, *, tty: bool | None = False) -> None:
        self._frames = FrameDecoder(tty=tty)
        self._lines = LineAssembler()

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
            if clean and find(b"\n", start, end) == end - 1:  # one frame, one line
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
