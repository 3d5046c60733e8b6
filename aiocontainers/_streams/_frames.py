"""Demultiplexing of Docker's attach/logs/exec stream format.

Without a TTY the daemon multiplexes stdout and stderr on one connection: every
write becomes a frame made of an 8-byte header (``>BxxxL``: stream id, three
padding bytes, payload length) and the payload. With a TTY there are no headers:
every byte is stdout. `FrameDecoder` turns arbitrary chunks of either
format into `Frame` objects, however the chunks split headers and payloads.

Speed matters here (log streams can carry hundreds of MB), so decoding works on
whole chunks with ``struct.unpack_from`` and slicing; bytes are copied at most
twice, however a frame is split across chunks.

Memory is bounded: a frame is buffered until it is complete, so a header announcing
more than ``max_frame`` bytes (`DEFAULT_MAX_FRAME`, 8 MiB) fails the stream with
`StreamError` as soon as it arrives. A healthy daemon
writes frames of at most 32 KiB (one per write of the process, through a 32 KiB copy
buffer); a larger header means a corrupt stream, or a TTY stream read as multiplexed.
"""

from __future__ import annotations

import struct
from typing import NamedTuple

from ..errors import StreamError

__all__ = [
    "DEFAULT_MAX_FRAME",
    "HEADER_SIZE",
    "STDERR",
    "STDIN",
    "STDOUT",
    "Frame",
    "FrameDecoder",
]

STDIN = 0
STDOUT = 1
STDERR = 2
_SYSTEMERR = 3  # the daemon reports its own failure mid-stream in this stream id

HEADER_SIZE = 8
#: The largest frame payload buffered, in bytes; a larger header fails the stream.
DEFAULT_MAX_FRAME = 8 << 20
_unpack_header = struct.Struct(">BxxxL").unpack_from
_STREAM_NAMES = {STDIN: "stdin", STDOUT: "stdout", STDERR: "stderr"}


class Frame(NamedTuple):
    """One payload of one stream: ``stream`` is ``STDIN``, ``STDOUT`` or ``STDERR``."""

    stream: int
    data: bytes


_new_frame = tuple.__new__  # Frame(...) calls a Python-level __new__; this is ~2x faster


class FrameDecoder:
    """Incremental decoder from raw chunks to `Frame` objects.

    ``tty=False`` expects multiplexed frames, ``tty=True`` raw bytes (all stdout),
    ``tty=None`` decides from the first bytes: a multiplexed stream starts with a
    stream id 0-3 followed by three zero bytes, which TTY output practically never
    does. `tty` tells the decision once made.

    `feed()` returns the frames completed by a chunk; empty frames carry
    nothing and are dropped. `eof()` must be called when the source ends: it
    raises [`StreamError`][aiocontainers.errors.StreamError] if the stream stopped inside
    a frame. A frame with stream id 3 (the daemon's own error) or an unknown id
    ends decoding: the frames before it are returned and the next `feed()` or
    `eof()` raises ``StreamError``.
    """

    __slots__ = ("_error", "_max_frame", "_need", "_pending", "_pending_len", "_tty")

    def __init__(self, *, tty: bool | None = False, max_frame: int = DEFAULT_MAX_FRAME) -> None:
        self._tty = tty
        self._max_frame = max_frame
        self._pending: list[bytes] = []  # an incomplete header or frame, in pieces
        self._pending_len = 0
        self._need = HEADER_SIZE  # bytes needed before the pending frame can complete
        self._error: StreamError | None = None

    @property
    def tty(self) -> bool | None:
        """Whether the stream is raw TTY output; ``None`` while still undecided."""
        return self._tty

    @property
    def pending(self) -> int:
        """Number of bytes buffered that do not form a complete frame yet."""
        return self._pending_len

    def feed(self, data: bytes) -> list[Frame]:
        """Consume one chunk and return the frames it completes, in order."""
        return [_new_frame(Frame, pair) for pair in self._split(data)]

    def payloads(self, data: bytes) -> list[bytes]:
        """Like `feed`, the payloads only (stdout and stderr in arrival order)."""
        return [pair[1] for pair in self._split(data)]

    def eof(self) -> list[Frame]:
        """Signal the end of the source; return what is left or raise ``StreamError``."""
        if self._error is not None:
            raise self._error
        if not self._pending_len:
            return []
        rest = b"".join(self._pending)
        self._pending.clear()
        self._pending_len = 0
        if self._tty is None:  # too short to look like a header: raw output
            self._tty = True
            return [Frame(STDOUT, rest)]
        if len(rest) < HEADER_SIZE:
            detail = f"{len(rest)} of {HEADER_SIZE} header bytes"
        else:
            stream, size = _unpack_header(rest)
            name = _STREAM_NAMES.get(stream, str(stream))
            detail = f"{len(rest) - HEADER_SIZE} of {size} payload bytes of a {name} frame"
        raise StreamError(f"stream ended in the middle of a frame ({detail} received)")

    def _split(self, data: bytes) -> list[tuple[int, bytes]]:
        """Decode a chunk into ``(stream, payload)`` pairs."""
        data = self._take(data)
        if not data:
            return []
        if self._tty:
            return [(STDOUT, data)]
        total = len(data)
        pos = 0
        out: list[tuple[int, bytes]] = []
        append = out.append
        unpack = _unpack_header
        while total - pos >= 8:  # literals, not HEADER_SIZE: this is the hot loop
            stream, size = unpack(data, pos)
            end = pos + 8 + size
            if end > total:
                break
            if stream > 2:
                self._fail(stream, data[pos + 8 : end])
                return out
            if size:
                append((stream, data[pos + 8 : end]))
            pos = end
        self._keep(data, pos)
        return out

    def _take(self, data: bytes) -> bytes:
        """Prepare a chunk for decoding: the bytes to parse, or ``b""`` to wait for more.

        Decoders that share this class's buffering call ``_take``, parse whole frames
        from the result (raw bytes if `tty`), then hand the end back to ``_keep``.
        """
        if self._error is not None:
            raise self._error
        if not data:
            return b""
        if type(data) is not bytes:  # frames must not alias a caller's mutable buffer
            data = bytes(data)
        if self._tty is None:
            data = self._sniff(data)
            if not data:
                return data
        if self._pending:  # after sniffing, only multiplexed streams buffer
            self._pending.append(data)
            self._pending_len += len(data)
            if self._pending_len < self._need:
                return b""
            data = b"".join(self._pending)
            self._pending.clear()
        return data

    def _keep(self, data: bytes, pos: int) -> None:
        """Buffer ``data[pos:]``, the start of a frame not complete yet.

        A header announcing a frame over the size limit is not buffered: it raises
        ``StreamError`` now if the chunk completed no frame, else on the next call.
        """
        if pos < len(data):
            rest = data[pos:] if pos else data
            need = HEADER_SIZE
            if len(rest) >= HEADER_SIZE:
                stream, size = _unpack_header(rest)
                if size > self._max_frame:
                    error = self._oversized(stream, size)
                    if not pos:
                        raise error
                    return
                need += size
            self._pending.append(rest)
            self._pending_len = len(rest)
            self._need = need
        else:
            self._pending_len = 0
            self._need = HEADER_SIZE

    def _sniff(self, data: bytes) -> bytes:
        """Decide between raw and multiplexed from the first bytes; ``b""`` if too few."""
        if self._pending:
            data = b"".join([*self._pending, data])
            self._pending.clear()
            self._pending_len = 0
        if data[0] > _SYSTEMERR or data[1:4].strip(b"\0"):
            self._tty = True
        elif len(data) >= 4:
            self._tty = False
        else:
            self._pending.append(data)
            self._pending_len = len(data)
            return b""
        return data

    def _oversized(self, stream: int, size: int) -> StreamError:
        """Drop the buffer and record (and return) the error of an oversized header."""
        self._pending.clear()
        self._pending_len = 0
        self._need = HEADER_SIZE
        name = _STREAM_NAMES.get(stream, str(stream))
        self._error = StreamError(
            f"a {name} frame announces {size} bytes, over the limit of {self._max_frame}: "
            "the stream is corrupt (or a TTY stream read as multiplexed)"
        )
        return self._error

    def _fail(self, stream: int, payload: bytes) -> None:
        self._pending.clear()
        self._pending_len = 0
        if stream == _SYSTEMERR:
            message = payload.decode("utf-8", "replace").strip()
            self._error = StreamError(f"the daemon reported an error in the stream: {message}")
        else:
            self._error = StreamError(
                f"invalid frame header: unknown stream id {stream} (is the stream a TTY?)"
            )
