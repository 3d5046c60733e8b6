"""The seam between the request logic and the wire: one HTTP exchange at a time.

`Transport` (API versions, deadlines, error statuses, logging) sends every request through an
[`HTTPTransport`][aiocontainers.testing.HTTPTransport]. The default one, `AiohttpTransport`, talks
to the daemon's socket; [`MockTransport`][aiocontainers.testing.MockTransport] answers from a
function instead, so request logic can be tested without a daemon, in the way httpx's
``MockTransport`` lets its users test.

The contract every implementation keeps:

- [`HTTPTransport.request()`][aiocontainers.testing.HTTPTransport.request] sends a request and
  reads the whole answer within ``timeout`` seconds;
  [`HTTPTransport.stream()`][aiocontainers.testing.HTTPTransport.stream] returns as soon as the
  status and headers have arrived (within ``timeout``), leaving the body to be read chunk by chunk,
  with no deadline.
- A request that could not be delivered (no connection) raises
  [`DaemonUnavailable`][aiocontainers.errors.DaemonUnavailable]: retrying it is safe. A
  connection that broke after the request was sent raises
  [`StreamError`][aiocontainers.errors.StreamError] (the daemon may have acted on it),
  an answer that is not HTTP raises [`InvalidResponse`][aiocontainers.errors.InvalidResponse],
  and a passed ``timeout`` raises the builtin `TimeoutError`.
- Nothing waits for a connection: a request never queues behind other requests.
"""

from __future__ import annotations

import json as jsonlib
from collections.abc import AsyncIterable, Iterable, Mapping
from typing import Any, Protocol, runtime_checkable
from urllib.parse import parse_qsl

__all__ = [
    "Content",
    "HTTPTransport",
    "Request",
    "Response",
    "ResponseStream",
    "UpgradedConnection",
]

#: A request or response body: bytes, or chunks as they come.
Content = bytes | AsyncIterable[bytes] | Iterable[bytes]

_NO_JSON: Any = object()


class Request:
    """One request as the wire sees it.

    ``path`` is the versioned path (``/v1.41/containers/json``), possibly with
    a query string of its own; ``params`` the encoded query parameters;
    ``content`` the body (``bytes``, or chunks for uploads).
    """

    __slots__ = ("content", "headers", "method", "params", "path")

    def __init__(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        content: bytes | AsyncIterable[bytes] | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.params = params
        self.headers: Mapping[str, str] = headers or {}
        self.content = content

    def __repr__(self) -> str:
        return f"<Request {self.method} {self.path}>"

    @property
    def endpoint(self) -> str:
        """The path without its query and API version: ``/containers/json``."""
        path = self.path.partition("?")[0]
        if path.startswith("/v"):
            version, slash, rest = path[2:].partition("/")
            if slash and version.replace(".", "").isdigit():
                return "/" + rest
        return path

    @property
    def api_version(self) -> str | None:
        """The API version in the path (``"1.41"``), or ``None`` for unversioned calls."""
        path = self.path.partition("?")[0]
        if path.startswith("/v"):
            version = path[2:].partition("/")[0]
            if version.replace(".", "").isdigit():
                return version
        return None

    @property
    def query(self) -> dict[str, str]:
        """Every query parameter, from the path's own query string and ``params``."""
        found = dict(parse_qsl(self.path.partition("?")[2], keep_blank_values=True))
        found.update(self.params or {})
        return found

    def json(self) -> Any:
        """The body decoded as JSON (``None`` when there is none)."""
        if not self.content:
            return None
        if not isinstance(self.content, bytes):
            raise TypeError("this request's body is a stream; read request.content")
        return jsonlib.loads(self.content)


class Response:
    """An answer: made by transports, and by the handler of a mock transport.

    ``content`` is the body: ``bytes``, or (for a mock) an iterable or async
    iterable of chunks sent as a stream; ``json=`` encodes a value as the body.
    Data written to an upgraded connection (``Upgrade: tcp``, status 101) is
    collected in [`received`][aiocontainers.testing.Response.received].
    """

    __slots__ = ("content", "headers", "received", "status", "stdin_closed")

    def __init__(
        self,
        status: int = 200,
        *,
        headers: Mapping[str, str] | None = None,
        content: Content = b"",
        json: Any = _NO_JSON,
    ) -> None:
        self.status = status
        self.headers: Mapping[str, str] = dict(headers or {})
        if json is not _NO_JSON:
            content = jsonlib.dumps(json).encode()
            self.headers = {"Content-Type": "application/json", **self.headers}
        self.content = content
        self.received = bytearray()
        self.stdin_closed = False

    @classmethod
    def received_from(cls, status: int, headers: Mapping[str, str], body: bytes) -> Response:
        """The answer a transport read: its headers kept as they are (read-only, and
        case-insensitive for aiohttp's), not copied into a dict on every call."""
        response = cls(status, content=body)
        response.headers = headers
        return response

    def __repr__(self) -> str:
        return f"<Response {self.status}>"

    @property
    def body(self) -> bytes:
        """The whole body of an answer read by
        [`HTTPTransport.request()`][aiocontainers.testing.HTTPTransport.request]."""
        if not isinstance(self.content, bytes):
            raise TypeError("this response's body is a stream")
        return self.content


class ResponseStream(Protocol):
    """An answer whose body is still arriving; closing it frees its connection."""

    status: int
    headers: Mapping[str, str]

    @property
    def closed(self) -> bool: ...

    async def read_chunk(self) -> bytes:
        """The next bytes; ``b""`` once the body ended; ``StreamError`` if it broke."""
        ...

    def close(self) -> None:
        """Drop the connection now (synchronously); a no-op once closed."""
        ...

    def upgrade(self) -> UpgradedConnection:
        """After a 101 answer: the connection as a raw two-way byte pipe."""
        ...


class UpgradedConnection(Protocol):
    """A connection taken over after ``Upgrade: tcp`` (exec and attach with stdin)."""

    @property
    def closed(self) -> bool: ...

    async def read_chunk(self) -> bytes:
        """The next bytes; ``b""`` once the daemon closed its side; ``StreamError`` if broken."""
        ...

    async def write(self, data: bytes) -> None:
        """Send ``data``, waiting while the send buffer is full."""
        ...

    async def close_write(self) -> None:
        """Half-close: the daemon sees end of input; reading goes on."""
        ...

    def close(self) -> None:
        """Drop the connection in both directions; a no-op once closed."""
        ...


@runtime_checkable
class HTTPTransport(Protocol):
    """Sends one HTTP request at a time to a daemon (see the module's contract)."""

    async def request(self, request: Request, *, timeout: float | None) -> Response:
        """Send ``request`` and read the whole answer, all within ``timeout`` seconds."""
        ...

    async def stream(self, request: Request, *, timeout: float | None) -> ResponseStream:
        """Send ``request``; return once the answer's headers arrived (within ``timeout``)."""
        ...

    @property
    def connections_in_use(self) -> int:
        """Connections handed out and not yet given back or closed."""
        ...

    async def aclose(self) -> None:
        """Close every connection; safe to call twice."""
        ...
