"""Bidirectional connections for stdin: the daemon's ``Upgrade: tcp`` hijack.

To write to a container's or an exec's stdin, the request (``POST
/exec/{id}/start`` or ``POST /containers/{id}/attach``) carries
``Connection: Upgrade`` and ``Upgrade: tcp``; the daemon answers ``101`` and
from then on the socket is a raw byte pipe both ways: we write stdin, it
writes the (multiplexed or TTY) output, and closing our write side (EOF) closes
the process's stdin while its output keeps coming.

aiohttp parks the bytes that follow a 101 until a parser is installed on the
connection's protocol; we install one that feeds an aiohttp ``StreamReader``
(which pauses the socket when the reader falls behind) and write to the
protocol's transport directly. The connection never returns to the pool.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, TypeVar

import aiohttp

from .._transport import Params, StreamResponse, Transport
from .._validation import validated
from ..errors import InvalidArgument, StreamError
from ._streaming import DockerStream

__all__ = ["HijackedConnection", "InteractiveStream", "open_hijacked"]

T = TypeVar("T")

_READ_LIMIT = 2**16
_UPGRADE_HEADERS = {"Connection": "Upgrade", "Upgrade": "tcp"}


class _RawParser:
    """The payload parser aiohttp calls with every byte after the 101."""

    __slots__ = ("_reader",)

    def __init__(self, reader: aiohttp.StreamReader) -> None:
        self._reader = reader

    def feed_data(self, data: bytes) -> tuple[bool, bytes]:
        self._reader.feed_data(data)
        return False, b""

    def feed_eof(self) -> None:
        self._reader.feed_eof()

    def set_exception(self, exc: BaseException, exc_cause: BaseException | None = None) -> None:
        self._reader.set_exception(exc)


class HijackedConnection:
    """A raw two-way byte stream over an upgraded HTTP connection.

    Reading yields whatever the daemon writes (``b""`` once it closes its
    side); :meth:`write` and :meth:`close_write` drive the other direction.
    """

    def __init__(self, response: StreamResponse, *, path: str) -> None:
        raw = response.raw
        connection = raw.connection
        if connection is None or connection.protocol is None:
            response.close()
            raise StreamError(f"{path}: the daemon closed the connection instead of upgrading")
        self._response: StreamResponse | None = response
        self._path = path
        self._protocol = connection.protocol
        self._transport = connection.transport
        # Created now so that an abnormal close is recorded (aiohttp creates it lazily).
        self._closed_future: asyncio.Future[None] | None = self._protocol.closed
        self._reader = aiohttp.StreamReader(
            self._protocol, _READ_LIMIT, loop=asyncio.get_running_loop()
        )
        self._protocol.set_parser(_RawParser(self._reader), self._reader)
        if self._protocol.transport is None:
            # The daemon hung up before the parser was in place: the bytes it sent
            # were replayed above, but nobody will report the end of them.
            self._reader.feed_eof()
        self._write_closed = False

    @property
    def closed(self) -> bool:
        return self._response is None

    async def read_chunk(self) -> bytes:
        """The next bytes from the daemon; ``b""`` at the end; ``StreamError`` if broken."""
        if self._response is None:
            raise StreamError(f"stream {self._path} is closed")
        try:
            chunk = await self._reader.readany()
        except (aiohttp.ClientError, OSError) as exc:
            self.close()
            raise StreamError(f"stream {self._path} broke: {exc}") from exc
        if not chunk:
            broken = self._connection_error()
            self.close()
            if broken is not None:
                raise StreamError(f"stream {self._path} broke: {broken}") from broken
        return chunk

    def _connection_error(self) -> BaseException | None:
        """The error the connection was lost with, if it was lost abnormally."""
        future = self._closed_future
        if future is None or not future.done() or future.cancelled():
            return None
        return future.exception()

    async def write(self, data: bytes) -> None:
        """Send ``data`` to stdin, waiting while the socket's send buffer is full."""
        transport = self._transport
        if self._response is None or self._write_closed or transport is None:
            raise StreamError(f"stdin of {self._path} is closed")
        if transport.is_closing():
            raise StreamError(f"stream {self._path} broke: connection lost")
        transport.write(data)
        try:
            await self._protocol._drain_helper()
        except (aiohttp.ClientError, OSError) as exc:
            raise StreamError(f"stream {self._path} broke while writing: {exc}") from exc

    async def close_write(self) -> None:
        """Half-close: send EOF to stdin and keep reading the output."""
        if self._write_closed or self._response is None:
            return
        transport = self._transport
        if transport is None or not transport.can_write_eof():
            raise StreamError(
                f"{self._path}: this connection cannot half-close (e.g. TLS); close it instead"
            )
        self._write_closed = True
        transport.write_eof()

    def close(self) -> None:
        """Drop the connection in both directions; safe to call twice."""
        response, self._response = self._response, None
        if response is not None:
            self._write_closed = True
            response.close()  # closes the socket: an upgraded connection is never pooled

    def __del__(self) -> None:
        if getattr(self, "_response", None) is not None:
            self.close()


async def open_hijacked(
    transport: Transport,
    path: str,
    *,
    path_args: Mapping[str, str],
    params: Params | None = None,
    json: Any = None,
) -> HijackedConnection:
    """POST ``path`` asking the daemon to upgrade the connection to a raw pipe."""
    response = await transport.open_stream(
        "POST", path, path_args=path_args, params=params, json=json, headers=_UPGRADE_HEADERS
    )
    if response.status != 101:
        response.close()
        raise StreamError(f"{path}: the daemon answered {response.status} instead of upgrading")
    return HijackedConnection(response, path=path)


class InteractiveStream(DockerStream[T]):
    """A :class:`DockerStream` whose connection may also carry stdin.

    Writing needs a hijacked connection (``socket=True`` for exec,
    :meth:`~aiocontainers.Container.attach_socket` for attach).
    """

    async def _connection(self) -> HijackedConnection:
        source = await self._source_or_raise()
        if not isinstance(source, HijackedConnection):
            raise InvalidArgument(
                f"stream {self._name} has no stdin: open it with socket=True and stdin=True"
            )
        return source

    @validated
    async def write(self, data: bytes) -> None:
        """Write ``data`` to the process's stdin."""
        await (await self._connection()).write(data)

    @validated
    async def close_stdin(self) -> None:
        """Send EOF to stdin (half-close); output can still be read afterwards."""
        await (await self._connection()).close_write()
