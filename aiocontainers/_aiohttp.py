"""The default wire: aiodocker's aiohttp session, and the one place aiohttp errors are translated.

How connections work: one pool, with no cap on connections in use, so a
request never waits for another to give its connection back; a thousand
followed log streams and the unary calls beside them each get their own
connection at once. When a call ends cleanly its connection is kept for
reuse, up to ``max_pool_size`` idle ones (docker-py's meaning of the
setting: connections kept, never a limit callers queue on); any more are
closed. A stream closed before its end closes its connection (it may be
mid-body), and an upgraded connection (``Upgrade: tcp``) never returns to the
pool. Idle connections are also closed after aiohttp's keep-alive time.

Why no cap: a cap that callers wait on is what let ten followed log streams
starve every other call, and what made a stream that needs a unary call while
it holds its connection deadlock. Without one, neither can happen; the
daemon's and the operating system's own limits remain, and reaching them
fails at once with a clear error rather than a silent wait.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import aiodocker
import aiohttp
import anyio

from ._config import Endpoint
from ._connect_errors import SSHConnectError, describe_failure, tls_session_refused
from ._http import Request, Response
from .errors import (
    DaemonUnavailable,
    DockerException,
    InvalidArgument,
    InvalidResponse,
    StreamError,
)

__all__ = ["AiohttpTransport"]

_READ_LIMIT = 2**16
# aiohttp offers ``Accept-Encoding: gzip, deflate`` on every request, and the daemon then
# gzips archives (get_archive, export) on the fly: 3-5x slower over a local socket, and
# decompressed again in Python. Bodies are asked for as they are, as docker-py does.
_NO_AUTO_HEADERS = ("Accept-Encoding",)


class _KeepAtMost:
    """Connector mix-in: never caps connections in use, keeps at most ``max_idle`` idle.

    aiohttp's own ``limit`` caps connections in use and makes callers queue;
    we pass ``limit=0`` (none) and close, instead of pooling, a connection
    released while ``max_idle`` idle ones are already kept.

    A connection closed with request bytes still unsent is aborted: that happens
    when the daemon answers an upload early (an error) and stops reading it; a
    graceful close would wait forever for the daemon to read the rest, and the
    socket would outlive the client.
    """

    _max_idle: int

    def _release(self, key: Any, protocol: Any, *, should_close: bool = False) -> None:
        idle = self._conns.get(key)  # type: ignore[attr-defined]
        if idle is not None and len(idle) >= self._max_idle:
            should_close = True
        if should_close or protocol.should_close:
            _abort_if_unsent(protocol)
        super()._release(key, protocol, should_close=should_close)  # type: ignore[misc]


def _abort_if_unsent(protocol: Any) -> None:
    """Drop the connection at once if bytes of an abandoned request wait to be sent."""
    transport = protocol.transport
    unsent = getattr(transport, "get_write_buffer_size", None)
    if unsent is not None and unsent():
        # The paused writer's wait for the buffer to drain: nobody awaits it any more, and
        # the abort would leave an error on it that nobody reads (aiohttp < 3.14 logs it).
        waiter = getattr(protocol, "_drain_waiter", None)
        if waiter is not None and not waiter.done():
            waiter.cancel()
        transport.abort()


class _UnixConnector(_KeepAtMost, aiohttp.UnixConnector):
    pass


class _TCPConnector(_KeepAtMost, aiohttp.TCPConnector):
    pass


def _connector(endpoint: Endpoint, max_idle: int) -> aiohttp.BaseConnector:
    scheme = endpoint.scheme
    connector: aiohttp.BaseConnector
    if scheme == "unix":
        assert endpoint.socket_path is not None
        connector = _UnixConnector(endpoint.socket_path, limit=0)
    elif scheme == "ssh":
        try:
            from ._ssh import SSHConnector
        except ImportError as exc:
            raise InvalidArgument(
                f"{endpoint.url} needs asyncssh: pip install 'aiocontainers[ssh]' ({exc})"
            ) from exc

        class _SSHConnector(_KeepAtMost, SSHConnector):
            pass

        connector = _SSHConnector(endpoint.url, limit=0)
    elif scheme == "npipe":
        pipe = endpoint.url[len("npipe://") :].replace("/", "\\")
        named: Any = getattr(aiohttp, "NamedPipeConnector")  # noqa: B009 (Windows only)

        class _PipeConnector(_KeepAtMost, named):  # type: ignore[misc]
            pass

        connector = _PipeConnector(pipe, limit=0)
    else:
        connector = _TCPConnector(ssl=endpoint.ssl_context or False, limit=0)
    connector._max_idle = max_idle
    return connector


class AiohttpTransport:
    """Requests over aiodocker's aiohttp session (unix socket, TCP/TLS, SSH, named pipe).

    ``max_pool_size``: idle connections kept for reuse; ``connect_timeout``:
    seconds to establish a connection.
    """

    def __init__(
        self, endpoint: Endpoint, *, max_pool_size: int = 10, connect_timeout: float = 10.0
    ) -> None:
        self.endpoint = endpoint
        self.max_pool_size = max_pool_size
        self.connect_timeout = connect_timeout
        self._base = endpoint.http_base
        self._docker: aiodocker.Docker | None = None
        self._closed = False
        self._stream_timeout = aiohttp.ClientTimeout(
            total=None, sock_read=None, sock_connect=connect_timeout
        )
        self._timeouts: dict[float | None, aiohttp.ClientTimeout] = {}

    @property
    def session(self) -> aiohttp.ClientSession:
        """The aiohttp session of aiodocker's client, created on first use."""
        if self._closed:
            raise DockerException("this client is closed; create a new one")
        if self._docker is None:
            self._docker = aiodocker.Docker(
                url=self.endpoint.url,
                connector=_connector(self.endpoint, self.max_pool_size),
                timeout=self._stream_timeout,
            )
        return self._docker.session

    @property
    def connections_in_use(self) -> int:
        if self._docker is None:
            return 0
        connector = self._docker.session.connector
        return 0 if connector is None else len(connector._acquired)

    @property
    def idle_connections(self) -> int:
        """Connections kept for reuse (at most ``max_pool_size``)."""
        if self._docker is None:
            return 0
        connector = self._docker.session.connector
        return 0 if connector is None else sum(map(len, connector._conns.values()))

    def _timeout(self, total: float | None) -> aiohttp.ClientTimeout:
        timeout = self._timeouts.get(total)
        if timeout is None:
            if len(self._timeouts) > 64:
                self._timeouts.clear()
            timeout = self._timeouts[total] = aiohttp.ClientTimeout(
                total=total, sock_connect=self.connect_timeout
            )
        return timeout

    async def request(self, request: Request, *, timeout: float | None) -> Response:
        answered = False
        try:
            async with self.session.request(
                request.method,
                self._base + request.path,
                params=request.params,
                data=request.content,
                headers=request.headers,
                timeout=self._timeout(timeout),
                skip_auto_headers=_NO_AUTO_HEADERS,
                # Bodies without a length (hijacked exec/attach) end at EOF.
                read_until_eof=True,
            ) as response:
                answered = True
                body = await response.read()
                return Response.received_from(response.status, response.headers, body)
        except (aiohttp.ClientError, OSError, asyncio.TimeoutError) as exc:
            raise self._translate(exc, request, answered=answered) from exc

    async def stream(self, request: Request, *, timeout: float | None) -> AiohttpStream:
        try:
            with anyio.fail_after(timeout):  # until the headers: the body has no deadline
                response = await self.session.request(
                    request.method,
                    self._base + request.path,
                    params=request.params,
                    data=request.content,
                    headers=request.headers,
                    timeout=self._stream_timeout,
                    skip_auto_headers=_NO_AUTO_HEADERS,
                    read_until_eof=True,
                )
        except (aiohttp.ClientError, OSError, asyncio.TimeoutError) as exc:
            raise self._translate(exc, request, answered=False) from exc
        return AiohttpStream(response, request)

    def _translate(self, exc: BaseException, request: Request, *, answered: bool) -> BaseException:
        """Our exception for an aiohttp (or socket) failure of ``request``.

        ``answered``: the response's headers had arrived (a later break is a broken answer).
        """
        what = f"{request.method} {request.endpoint}"
        connecting = (aiohttp.ClientConnectorError, aiohttp.ServerTimeoutError, SSHConnectError)
        if isinstance(exc, connecting) or (
            not answered and self.endpoint.ssl_context is not None and tls_session_refused(exc)
        ):
            # Connecting failed or timed out (sock_connect), or the TLS session was refused.
            return DaemonUnavailable(describe_failure(exc, self.endpoint), url=self.endpoint.url)
        if isinstance(exc, (asyncio.TimeoutError, TimeoutError)):
            return TimeoutError()  # the call's deadline: the caller words it
        if isinstance(exc, aiohttp.ClientResponseError):
            return InvalidResponse(f"{what}: the daemon's answer is not valid HTTP: {exc}")
        if isinstance(exc, (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError, OSError)):
            return StreamError(
                f"{what}: the connection to {self.endpoint.url} broke before the answer "
                f"was complete ({type(exc).__name__}: {exc}); the daemon may have acted on it"
            )
        return StreamError(f"{what} failed: {type(exc).__name__}: {exc}")

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        docker, self._docker = self._docker, None
        if docker is not None:
            with anyio.CancelScope(shield=True):
                connector = docker.session.connector
                await docker.close()
                if connector is not None:
                    await connector.close()


def _take_buffered(content: aiohttp.StreamReader) -> bytes:
    """Every byte ``content`` holds now, in one piece, without waiting.

    The daemon sends one HTTP chunk per log line or event, and aiohttp hands
    its buffer out one HTTP chunk at a time with a flow-control call (resume
    reading, re-run the parser) after each: about six Python calls per
    100-byte line. Taking the whole buffer at once costs one join and one
    resume per network read instead. This reads aiohttp's buffer directly;
    should its layout change, the public ``read_nowait`` (slower, same bytes)
    takes over.
    """
    buffer = getattr(content, "_buffer", None)
    if not buffer or content.exception() is not None:
        return b""
    if len(buffer) == 1 or getattr(content, "_buffer_offset", None) != 0:
        return content.read_nowait()
    try:
        buffered: int = content._size
        cursor: int = content._cursor
        splits = content._http_chunk_splits
        protocol = content._protocol
    except AttributeError:
        return content.read_nowait()
    data = b"".join(buffer)
    buffer.clear()
    content._size = buffered - len(data)
    content._cursor = cursor + len(data)
    if splits:
        splits.clear()  # chunk ends at or before the cursor: all of them now
    protocol.resume_reading()
    return data


class AiohttpStream:
    """An aiohttp response whose body is read chunk by chunk."""

    def __init__(self, response: aiohttp.ClientResponse, request: Request | str) -> None:
        self._response: aiohttp.ClientResponse | None = response
        self._content: aiohttp.StreamReader = response.content
        self._what = (
            request if isinstance(request, str) else f"{request.method} {request.endpoint}"
        )
        self.status = response.status
        self.headers: Mapping[str, str] = response.headers

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._what} {'closed' if self.closed else 'open'}>"

    @property
    def closed(self) -> bool:
        return self._response is None

    async def read_chunk(self) -> bytes:
        if self._response is None:
            raise StreamError(f"{self._what}: the stream is closed")
        content = self._content
        try:
            chunk, _ = await content.readchunk()
            while not chunk and not content.at_eof():  # an empty HTTP chunk boundary
                chunk, _ = await content.readchunk()
        except (aiohttp.ClientError, OSError) as exc:
            self.close()
            raise StreamError(f"{self._what}: the stream broke: {exc}") from exc
        if not chunk:
            self._ended()
            return chunk
        rest = _take_buffered(content)
        return chunk + rest if rest else chunk

    def _ended(self) -> None:
        """The body ended cleanly: the connection can be reused."""
        response, self._response = self._response, None
        if response is not None:
            response.release()

    def close(self) -> None:
        response, self._response = self._response, None
        if response is not None:
            response.close()

    def upgrade(self) -> HijackedConnection:
        response, self._response = self._response, None
        if response is None:
            raise StreamError(f"{self._what}: the stream is closed")
        return HijackedConnection(response, what=self._what)

    def __del__(self) -> None:
        response = getattr(self, "_response", None)
        if response is not None and not response.closed:
            response.close()


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


class HijackedConnection(AiohttpStream):
    """A raw two-way byte pipe over a connection the daemon upgraded (``101``).

    aiohttp parks the bytes that follow a 101 until a parser is installed on
    the connection's protocol; we install one that feeds an aiohttp
    ``StreamReader`` (which pauses the socket when the reader falls behind)
    and write to the protocol's transport directly. The connection never
    returns to the pool.
    """

    def __init__(self, response: aiohttp.ClientResponse, *, what: str) -> None:
        connection = response.connection
        if connection is None or connection.protocol is None:
            response.close()
            raise StreamError(f"{what}: the daemon closed the connection instead of upgrading")
        super().__init__(response, what)
        self._protocol = connection.protocol
        self._transport = connection.transport
        # Created now so that an abnormal close is recorded (aiohttp creates it lazily).
        self._closed_future: asyncio.Future[None] | None = self._protocol.closed
        self._content = aiohttp.StreamReader(
            self._protocol, _READ_LIMIT, loop=asyncio.get_running_loop()
        )
        self._protocol.set_parser(_RawParser(self._content), self._content)
        if self._protocol.transport is None:
            # The daemon hung up before the parser was in place: the bytes it sent
            # were replayed above, but nobody will report the end of them.
            self._content.feed_eof()
        self._write_closed = False

    def _ended(self) -> None:
        """The daemon closed its side: normally, or with the error the connection died of."""
        broken = self._connection_error()
        self.close()
        if broken is not None:
            raise StreamError(f"{self._what}: the stream broke: {broken}") from broken

    def _connection_error(self) -> BaseException | None:
        future = self._closed_future
        if future is None or not future.done() or future.cancelled():
            return None
        return future.exception()

    async def write(self, data: bytes) -> None:
        transport = self._transport
        if self._response is None or self._write_closed or transport is None:
            raise StreamError(f"{self._what}: stdin is closed")
        if transport.is_closing():
            raise StreamError(f"{self._what}: the stream broke: connection lost")
        transport.write(data)
        try:
            await self._protocol._drain_helper()
        except (aiohttp.ClientError, OSError) as exc:
            raise StreamError(f"{self._what}: the stream broke while writing: {exc}") from exc

    async def close_write(self) -> None:
        if self._write_closed or self._response is None:
            return
        transport = self._transport
        if transport is None or not transport.can_write_eof():
            raise StreamError(
                f"{self._what}: this connection cannot half-close (e.g. TLS); close it instead"
            )
        self._write_closed = True
        transport.write_eof()

    def close(self) -> None:
        self._write_closed = True
        super().close()  # closes the socket: an upgraded connection is never pooled

    def upgrade(self) -> HijackedConnection:
        return self
