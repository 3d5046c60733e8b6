"""A transport that answers from a function: request logic tested without a daemon.

::

    def handler(request: Request) -> Response:
        if request.endpoint == "/containers/json":
            return Response(json=[{"Id": "abc", "Names": ["/web"]}])
        return Response(404, json={"message": "no such thing"})

    async with DockerClient(transport=MockTransport(handler), version="1.41") as client:
        ...

The handler may be a plain or an async function. It sees each request
(``request.endpoint``, ``request.query``, ``request.json()``, streamed bodies
read into ``request.content``) and returns a :class:`Response`; a response
whose ``content`` is an iterable or async iterable of chunks is sent as a
stream. Faults are simulated as they would happen on a socket: the handler
raising :class:`OSError` means the daemon cannot be reached; a chunk iterator
raising :class:`OSError` means the connection broke mid-body; a handler that
never returns (``await anyio.sleep_forever()``) is a daemon that stalls.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable
from typing import Any

import anyio

from ._http import Request, Response
from .errors import DaemonUnavailable, StreamError

__all__ = ["Handler", "MockTransport"]

Handler = Callable[[Request], "Response | Awaitable[Response]"]

_URL = "mock://"


class _Chunks:
    """A body's chunks as an async iterator that can be closed synchronously."""

    __slots__ = ("_inner",)

    def __init__(self, content: Any) -> None:
        if isinstance(content, (bytes, bytearray)):
            content = [bytes(content)] if content else []
        self._inner: Any = content if isinstance(content, AsyncIterable) else iter(content)

    def __aiter__(self) -> _Chunks:
        return self

    async def __anext__(self) -> bytes:
        inner = self._inner
        if isinstance(inner, AsyncIterable):
            if not isinstance(inner, AsyncIterator):
                self._inner = inner = aiter(inner)
            return bytes(await inner.__anext__())
        try:
            return bytes(next(inner))
        except StopIteration:
            raise StopAsyncIteration from None

    def close(self) -> None:
        """Close an async generator body now, when it is paused between chunks."""
        aclose = getattr(self._inner, "aclose", None)
        if aclose is None:
            return
        closing = aclose()
        try:
            closing.send(None)
        except (StopIteration, StopAsyncIteration, RuntimeError):
            return  # closed (or running in another task, which ends it)
        closing.close()  # its cleanup wants to await: leave the rest to the collector


async def _read_body(content: bytes | AsyncIterable[bytes] | None) -> bytes:
    if content is None or isinstance(content, bytes):
        return content or b""
    return b"".join([chunk async for chunk in content])


class MockTransport:
    """An :class:`~aiocontainers._http.HTTPTransport` whose answers come from ``handler``.

    ``requests`` lists every request received, in order.
    """

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[Request] = []
        self._open: set[_MockStream] = set()
        self._closed = False

    @property
    def connections_in_use(self) -> int:
        return len(self._open)

    async def _answer(self, request: Request) -> Response:
        if self._closed:
            raise DaemonUnavailable("the mock transport is closed", url=_URL)
        if request.content is not None and not isinstance(request.content, bytes):
            request.content = await _read_body(request.content)
        self.requests.append(request)
        try:
            answer = self.handler(request)
            if inspect.isawaitable(answer):
                answer = await answer
        except OSError as exc:
            raise DaemonUnavailable(f"cannot connect to the mock daemon: {exc}", url=_URL) from exc
        assert isinstance(answer, Response), f"the handler returned {answer!r}, not a Response"
        return answer

    async def request(self, request: Request, *, timeout: float | None) -> Response:
        with anyio.fail_after(timeout):
            answer = await self._answer(request)
            parts = []
            try:
                async for chunk in _Chunks(answer.content):
                    parts.append(chunk)
            except OSError as exc:
                raise StreamError(f"{request.method} {request.endpoint}: broke: {exc}") from exc
        return Response(answer.status, headers=answer.headers, content=b"".join(parts))

    async def stream(self, request: Request, *, timeout: float | None) -> _MockStream:
        with anyio.fail_after(timeout):
            answer = await self._answer(request)
        stream = _MockStream(answer, request, self._open)
        self._open.add(stream)
        return stream

    async def aclose(self) -> None:
        self._closed = True
        for stream in list(self._open):
            stream.close()


class _MockStream:
    """A streamed mock answer; also its own upgraded connection after a 101."""

    def __init__(self, answer: Response, request: Request, registry: set[_MockStream]) -> None:
        self._answer = answer
        self._what = f"{request.method} {request.endpoint}"
        self._chunks: _Chunks | None = _Chunks(answer.content)
        self._registry = registry
        self.status = answer.status
        self.headers = answer.headers

    @property
    def closed(self) -> bool:
        return self._chunks is None

    async def read_chunk(self) -> bytes:
        chunks = self._chunks
        if chunks is None:
            raise StreamError(f"{self._what}: the stream is closed")
        try:
            return await chunks.__anext__()
        except StopAsyncIteration:
            self.close()
            return b""
        except OSError as exc:
            self.close()
            raise StreamError(f"{self._what}: the stream broke: {exc}") from exc

    def close(self) -> None:
        chunks, self._chunks = self._chunks, None
        self._registry.discard(self)
        if chunks is not None:
            chunks.close()

    def upgrade(self) -> _MockStream:
        return self

    async def write(self, data: bytes) -> None:
        if self._chunks is None or self._answer.stdin_closed:
            raise StreamError(f"{self._what}: stdin is closed")
        self._answer.received += data

    async def close_write(self) -> None:
        self._answer.stdin_closed = True
