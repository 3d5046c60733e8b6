"""The raw-socket baseline: the fastest honest Python client for the Engine API.

Plain asyncio on the unix socket, HTTP/1.1 with keep-alive, and only the
parsing the job needs: the status line and headers, content-length, chunked
and read-to-close bodies, Docker's 8-byte stream frames and line splitting.
Chunked bodies and frames are decoded from large buffered reads rather than
one ``readline`` per chunk, as fast Python code would do it. No validation, no
error mapping, no logging: what every library pays on top of this is its
overhead.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Any

__all__ = ["FrameLines", "Frames", "RawDocker", "RawResponse"]

_READ = 256 * 1024


class _Conn:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    def close(self) -> None:
        self.writer.close()


class RawResponse:
    """A response whose body is read incrementally with :meth:`chunks`."""

    def __init__(
        self, owner: RawDocker, conn: _Conn, status: int, headers: dict[str, str]
    ) -> None:
        self._owner = owner
        self._conn: _Conn | None = conn
        self.status = status
        self.headers = headers

    async def chunks(self) -> AsyncIterator[bytes]:
        """The body as it arrives (transfer-decoded, in large pieces)."""
        conn = self._conn
        assert conn is not None
        reader = conn.reader
        te = self.headers.get("transfer-encoding", "")
        length = self.headers.get("content-length")
        reusable = False
        if self.status in (204, 304) or (self.status < 200 and self.status != 101):
            reusable = True
        elif "chunked" in te:
            buf = b""
            while True:
                data = await reader.read(_READ)
                if not data:
                    raise ConnectionError("connection closed inside a chunked body")
                buf = buf + data if buf else data
                out, buf, done = _dechunk(buf)
                if out:
                    yield out
                if done:
                    reusable = True
                    break
        elif length is not None:
            remaining = int(length)
            while remaining:
                data = await reader.read(min(remaining, _READ))
                if not data:
                    raise ConnectionError("connection closed inside the body")
                remaining -= len(data)
                yield data
            reusable = True
        else:
            while data := await reader.read(_READ):
                yield data
        self._done(reusable)

    async def read(self) -> bytes:
        return b"".join([chunk async for chunk in self.chunks()])

    def _done(self, reusable: bool) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        if reusable and self.headers.get("connection", "").lower() != "close":
            self._owner._release(conn)
        else:
            conn.close()

    def close(self) -> None:
        """Drop the connection (an unfinished body cannot be reused)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()


def _dechunk(buf: bytes) -> tuple[bytes, bytes, bool]:
    """Decode every complete chunk in ``buf``: (payload, unconsumed rest, final chunk seen)."""
    pieces: list[bytes] = []
    pos = 0
    end = len(buf)
    while True:
        eol = buf.find(b"\r\n", pos)
        if eol < 0:
            break
        size = int(buf[pos:eol].split(b";", 1)[0], 16)
        if size == 0:
            # Last chunk, then an (empty, for Docker) trailer and CRLF.
            if buf.find(b"\r\n", eol + 2) < 0:
                break
            return b"".join(pieces), b"", True
        start = eol + 2
        if start + size + 2 > end:
            break
        pieces.append(buf[start : start + size])
        pos = start + size + 2
    return b"".join(pieces), buf[pos:], False


class Frames:
    """Docker's multiplexed frames → ``(stream, payload)`` pairs, across any chunking."""

    def __init__(self) -> None:
        self._buf = b""

    def feed(self, data: bytes) -> list[tuple[int, bytes]]:
        buf = self._buf + data if self._buf else data
        pos, end = 0, len(buf)
        out = []
        while pos + 8 <= end:
            size = int.from_bytes(buf[pos + 4 : pos + 8], "big")
            if pos + 8 + size > end:
                break
            out.append((buf[pos], buf[pos + 8 : pos + 8 + size]))
            pos += 8 + size
        self._buf = buf[pos:]
        return out


class FrameLines:
    """Docker's multiplexed frames → whole lines, per stream, across any chunking."""

    def __init__(self) -> None:
        self._buf = b""
        self._carry = {1: b"", 2: b""}

    def feed(self, data: bytes) -> list[bytes]:
        buf = self._buf + data if self._buf else data
        pos, end = 0, len(buf)
        parts: dict[int, list[bytes]] = {1: [], 2: []}
        while pos + 8 <= end:
            size = int.from_bytes(buf[pos + 4 : pos + 8], "big")
            if pos + 8 + size > end:
                break
            stream = 2 if buf[pos] == 2 else 1
            parts[stream].append(buf[pos + 8 : pos + 8 + size])
            pos += 8 + size
        self._buf = buf[pos:]
        lines: list[bytes] = []
        for stream, pieces in parts.items():
            if not pieces:
                continue
            text = self._carry[stream] + b"".join(pieces)
            split = text.split(b"\n")
            self._carry[stream] = split.pop()
            lines += split
        return lines

    def eof(self) -> list[bytes]:
        rest = [c for c in self._carry.values() if c]
        self._carry = {1: b"", 2: b""}
        return rest


class RawDocker:
    """HTTP/1.1 over the unix socket with a small keep-alive pool."""

    def __init__(self, path: str = "/var/run/docker.sock", api: str = "1.41") -> None:
        self._path = path
        self._prefix = f"/v{api}"
        self._idle: list[_Conn] = []

    async def __aenter__(self) -> RawDocker:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        for conn in self._idle:
            conn.close()
        self._idle.clear()

    def _release(self, conn: _Conn) -> None:
        self._idle.append(conn)

    async def _acquire(self) -> _Conn:
        while self._idle:
            conn = self._idle.pop()
            if not conn.reader.at_eof():
                return conn
            conn.close()
        reader, writer = await asyncio.open_unix_connection(self._path, limit=_READ)
        return _Conn(reader, writer)

    async def open(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        versioned: bool = True,
        data: bytes | None = None,
        content_type: str = "application/json",
    ) -> RawResponse:
        """Send a request and read the status and headers; the body is left to the caller."""
        payload = json.dumps(body).encode() if body is not None else data
        target = self._prefix + path if versioned else path
        head = f"{method} {target} HTTP/1.1\r\nHost: docker\r\n"
        if payload is not None:
            head += f"Content-Type: {content_type}\r\nContent-Length: {len(payload)}\r\n"
        conn = await self._acquire()
        try:
            conn.writer.write(head.encode() + b"\r\n" + (payload or b""))
            raw_head = await conn.reader.readuntil(b"\r\n\r\n")
        except BaseException:
            conn.close()
            raise
        lines = raw_head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        return RawResponse(self, conn, status, headers)

    async def request(self, method: str, path: str, body: Any = None, **kw: Any) -> bytes:
        """A whole unary call; raises RuntimeError with the body on an HTTP error."""
        response = await self.open(method, path, body, **kw)
        data = await response.read()
        if response.status >= 400:
            raise RuntimeError(f"{method} {path}: {response.status} {data[:200]!r}")
        return data

    async def json(self, method: str, path: str, body: Any = None, **kw: Any) -> Any:
        data = await self.request(method, path, body, **kw)
        return json.loads(data) if data else None
