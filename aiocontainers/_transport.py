"""The one place requests reach the daemon.

Every request goes through aiodocker's aiohttp session from here, so this
module alone translates aiohttp failures into :mod:`aiocontainers.errors`,
applies timeouts, emits the per-call log event, and guarantees that a
response is released on every path (success, error, cancellation, and a
consumer that abandons a stream half-way).
"""

from __future__ import annotations

import asyncio
import enum
import json as jsonlib
import time
from collections.abc import AsyncIterator, Mapping
from types import TracebackType
from typing import Any, Final
from urllib.parse import quote

import aiodocker
import aiohttp
import anyio

from ._config import Endpoint
from ._connect_errors import HTTPS_ONLY_REPLY, describe_failure, plain_to_tls_port
from ._logging import log_event
from ._version import MAX_API_VERSION, parse_version, version_lt
from .errors import (
    APIError,
    Conflict,
    DaemonUnavailable,
    DockerException,
    ImageNotFound,
    InvalidArgument,
    NotFound,
    ServerError,
    StreamError,
    Timeout,
)

__all__ = ["DEFAULT", "Body", "Default", "Params", "StreamResponse", "Transport"]


class Default(enum.Enum):
    """Marker for "use the client's configured value"."""

    TOKEN = enum.auto()


DEFAULT: Final = Default.TOKEN

Params = Mapping[str, Any]
Body = bytes | AsyncIterator[bytes] | None

_CONNECTION_ERRORS = (aiohttp.ClientConnectionError, OSError)


def _encode_params(params: Params | None) -> dict[str, str] | None:
    """Docker's query conventions: bools as 1/0, dicts and lists as JSON, None dropped."""
    if not params:
        return None
    encoded: dict[str, str] = {}
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            encoded[key] = "1" if value else "0"
        elif isinstance(value, (dict, list, tuple)):
            encoded[key] = jsonlib.dumps(value)
        else:
            encoded[key] = str(value)
    return encoded


def _explanation(body: bytes) -> str:
    text = body.decode("utf-8", "replace").strip()
    try:
        data = jsonlib.loads(text)
    except ValueError:
        return text
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        return str(data["message"])
    return text


def api_error(status: int, body: bytes, method: str, path: str) -> APIError:
    """The typed exception for an HTTP error status, chosen by status code."""
    explanation = _explanation(body)
    message = f"{method} {path}: {explanation or 'no explanation'}"
    kwargs: dict[str, Any] = {
        "status_code": status,
        "explanation": explanation,
        "method": method,
        "path": path,
    }
    if status == 404:
        is_image = path.startswith(("/images/", "/distribution/")) or "no such image" in (
            explanation.lower()
        )
        return (ImageNotFound if is_image else NotFound)(message, **kwargs)
    if status == 409:
        return Conflict(message, **kwargs)
    if status >= 500:
        return ServerError(message, **kwargs)
    return APIError(message, **kwargs)


def _log_call(
    event: str,
    method: str,
    path: str,
    path_args: Mapping[str, str] | None,
    status: int | None,
    start: float,
) -> None:
    """Log the one structured event of a daemon call (path template and id, no secrets)."""
    log_event(
        event,
        method=method,
        path=path,
        id=next(iter(path_args.values()), None) if path_args else None,
        status=status,
        duration=round(time.perf_counter() - start, 6),
    )


class StreamResponse:
    """An open streaming response; closing it (in any way) frees its connection.

    Iterating yields raw chunks as they arrive. A connection that breaks before
    the daemon ends the body raises :class:`StreamError`, never a silent end.
    If the object is dropped without being closed, ``__del__`` closes the
    connection synchronously, so abandoning a stream cannot leak it.
    """

    def __init__(self, response: aiohttp.ClientResponse, *, path: str) -> None:
        self._response: aiohttp.ClientResponse | None = response
        self._path = path
        self.status = response.status
        self.headers: Mapping[str, str] = response.headers

    @property
    def closed(self) -> bool:
        return self._response is None

    @property
    def raw(self) -> aiohttp.ClientResponse:
        """The underlying response, for hijacked (bidirectional) connections."""
        if self._response is None:
            raise StreamError(f"stream {self._path} is closed")
        return self._response

    async def read_chunk(self) -> bytes:
        """The next chunk of the body; ``b""`` once the daemon has ended it."""
        response = self.raw
        try:
            chunk = await response.content.readany()
        except (aiohttp.ClientPayloadError, *_CONNECTION_ERRORS) as exc:
            self.close()
            raise StreamError(f"stream {self._path} broke: {exc}") from exc
        if not chunk:
            self._finish()
        return chunk

    async def read_all(self) -> bytes:
        """The rest of the body as one bytes object."""
        parts = []
        while chunk := await self.read_chunk():
            parts.append(chunk)
        return b"".join(parts)

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._chunks()

    async def _chunks(self) -> AsyncIterator[bytes]:
        while chunk := await self.read_chunk():
            yield chunk

    def _finish(self) -> None:
        """End of body: hand a cleanly finished connection back to the pool."""
        if self._response is not None:
            self._response.release()
            self._response = None

    def close(self) -> None:
        """Drop the connection now (it may be mid-body, so it is not reused)."""
        if self._response is not None:
            self._response.close()
            self._response = None

    async def aclose(self) -> None:
        self.close()

    async def __aenter__(self) -> StreamResponse:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __del__(self) -> None:
        if self._response is not None and not self._response.closed:
            self._response.close()


class Transport:
    """Sends requests for one client; owns its aiodocker connection and the API version."""

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        version: str = "auto",
        timeout: float | None = 60.0,
        connect_timeout: float = 10.0,
        max_pool_size: int = 10,
        user_agent: str | None = None,
    ) -> None:
        if version != "auto":
            try:
                parse_version(version)
            except ValueError:
                raise InvalidArgument(
                    f"version must be 'auto' or like '1.41', got {version!r}"
                ) from None
        if timeout is not None and timeout <= 0:
            raise InvalidArgument(f"timeout must be positive or None, got {timeout!r}")
        if max_pool_size < 1:
            raise InvalidArgument(f"max_pool_size must be at least 1, got {max_pool_size!r}")
        self.endpoint = endpoint
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.max_pool_size = max_pool_size
        self._headers = {"User-Agent": user_agent or "aiocontainers"}
        self._version: str | None = None if version == "auto" else version.lstrip("v")
        self._version_lock = anyio.Lock()
        self._docker: aiodocker.Docker | None = None
        self._closed = False

    # -- lifecycle ------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def session(self) -> aiohttp.ClientSession:
        """The aiohttp session of aiodocker's client, created on first use."""
        if self._closed:
            raise DockerException("this client is closed; create a new one")
        if self._docker is None:
            self._docker = aiodocker.Docker(
                url=self.endpoint.url,
                connector=self._make_connector(),
                timeout=aiohttp.ClientTimeout(sock_connect=self.connect_timeout),
                api_version="v" + (self._version or MAX_API_VERSION),
            )
        return self._docker.session

    def _make_connector(self) -> aiohttp.BaseConnector:
        scheme = self.endpoint.scheme
        if scheme == "unix":
            path = self.endpoint.socket_path
            assert path is not None
            return aiohttp.UnixConnector(path, limit=self.max_pool_size)
        if scheme == "ssh":
            try:
                from ._ssh import SSHConnector
            except ImportError as exc:
                raise InvalidArgument(
                    f"{self.endpoint.url} needs asyncssh: pip install 'aiocontainers[ssh]' ({exc})"
                ) from exc
            return SSHConnector(self.endpoint.url, limit=self.max_pool_size)
        if scheme == "npipe":
            pipe = self.endpoint.url[len("npipe://") :].replace("/", "\\")
            return aiohttp.NamedPipeConnector(pipe, limit=self.max_pool_size)  # type: ignore[attr-defined,no-any-return,unused-ignore]
        return aiohttp.TCPConnector(
            ssl=self.endpoint.ssl_context or False, limit=self.max_pool_size
        )

    async def aclose(self) -> None:
        """Close every connection; safe to call twice and after errors."""
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

    # -- API version ----------------------------------------------------------

    async def api_version(self) -> str:
        """The negotiated API version: the lower of ours and the daemon's, probed once."""
        if self._version is not None:
            return self._version
        async with self._version_lock:
            if self._version is None:
                data = await self.request_json("GET", "/version", versioned=False)
                daemon = str(data.get("ApiVersion", MAX_API_VERSION))
                self._version = daemon if version_lt(daemon, MAX_API_VERSION) else MAX_API_VERSION
        return self._version

    async def require_version(self, minimum: str, feature: str) -> None:
        """Raise InvalidArgument naming ``minimum`` if the daemon is older."""
        current = await self.api_version()
        if version_lt(current, minimum):
            raise InvalidArgument(
                f"{feature} needs Docker API {minimum} or newer; this daemon speaks {current}"
            )

    # -- requests -------------------------------------------------------------

    async def _url(self, path: str, path_args: Mapping[str, str] | None, versioned: bool) -> str:
        if path_args:
            path = path.format_map({k: quote(str(v), safe="") for k, v in path_args.items()})
        if versioned:
            return f"{self.endpoint.http_base}/v{await self.api_version()}{path}"
        return f"{self.endpoint.http_base}{path}"

    def _unavailable(self, exc: BaseException) -> DaemonUnavailable:
        return DaemonUnavailable(describe_failure(exc, self.endpoint), url=self.endpoint.url)

    async def _refuse_plain_to_tls(self, response: aiohttp.ClientResponse) -> None:
        """A plain request that reached a TLS-only daemon: say so, not "400 Bad Request"."""
        if response.status != 400 or self.endpoint.ssl_context is not None:
            return
        try:
            body = await response.read()  # kept by aiohttp for the caller's own read
        except (aiohttp.ClientPayloadError, *_CONNECTION_ERRORS):
            return
        if HTTPS_ONLY_REPLY in body:
            response.release()
            raise DaemonUnavailable(plain_to_tls_port(self.endpoint), url=self.endpoint.url)

    async def _send(
        self,
        method: str,
        path: str,
        *,
        path_args: Mapping[str, str] | None,
        params: Params | None,
        json: Any,
        data: Body,
        headers: Mapping[str, str] | None,
        versioned: bool,
        timeout: aiohttp.ClientTimeout,
    ) -> aiohttp.ClientResponse:
        url = await self._url(path, path_args, versioned)
        all_headers = dict(self._headers)
        if headers:
            all_headers.update(headers)
        if json is not None:
            data = jsonlib.dumps(json).encode()
            all_headers.setdefault("Content-Type", "application/json")
        try:
            response = await self.session.request(
                method,
                url,
                params=_encode_params(params),
                data=data,
                headers=all_headers,
                timeout=timeout,
                # Bodies without a length (hijacked exec/attach) end at EOF.
                read_until_eof=True,
            )
        except aiohttp.ClientConnectorError as exc:
            raise self._unavailable(exc) from exc
        except aiohttp.ServerTimeoutError as exc:  # sock_connect: unary calls set no read limit
            raise self._unavailable(exc) from exc
        except asyncio.TimeoutError:  # the call's own deadline (total=): the caller decides
            raise
        except aiohttp.ServerDisconnectedError as exc:
            raise self._unavailable(exc) from exc
        except (aiohttp.ClientConnectionError, OSError) as exc:
            raise self._unavailable(exc) from exc
        except aiohttp.ClientError as exc:
            raise DockerException(f"{method} {path} failed: {exc}") from exc
        await self._refuse_plain_to_tls(response)
        return response

    async def request(
        self,
        method: str,
        path: str,
        *,
        path_args: Mapping[str, str] | None = None,
        params: Params | None = None,
        json: Any = None,
        data: Body = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | Default | None = DEFAULT,
        versioned: bool = True,
    ) -> bytes:
        """Send a unary request and return its body; errors become typed exceptions.

        ``timeout`` bounds the whole call (connect, send, read) in seconds;
        ``None`` waits forever, the default is the client's.
        """
        limit = self.timeout if timeout is DEFAULT else timeout
        start = time.perf_counter()
        status: int | None = None
        try:
            # aiohttp's own deadline bounds connect, send and the body read: cheaper
            # than a cancel scope around the call, which would cost a fifth of a ping.
            response = await self._send(
                method,
                path,
                path_args=path_args,
                params=params,
                json=json,
                data=data,
                headers=headers,
                versioned=versioned,
                timeout=aiohttp.ClientTimeout(total=limit, sock_connect=self.connect_timeout),
            )
            async with response:
                status = response.status
                try:
                    body = await response.read()
                except (aiohttp.ClientPayloadError, *_CONNECTION_ERRORS) as exc:
                    if isinstance(exc, asyncio.TimeoutError):
                        raise
                    raise StreamError(f"{method} {path}: response broke: {exc}") from exc
            if status >= 400:
                raise api_error(status, body, method, path)
        except asyncio.TimeoutError as exc:
            raise Timeout(f"{method} {path} took longer than {limit} s") from exc
        finally:
            _log_call("docker.request", method, path, path_args, status, start)
        return body

    async def request_json(
        self,
        method: str,
        path: str,
        *,
        path_args: Mapping[str, str] | None = None,
        params: Params | None = None,
        json: Any = None,
        data: Body = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | Default | None = DEFAULT,
        versioned: bool = True,
    ) -> Any:
        """Like :meth:`request`, decoding a JSON body (``None`` for an empty one)."""
        body = await self.request(
            method,
            path,
            path_args=path_args,
            params=params,
            json=json,
            data=data,
            headers=headers,
            timeout=timeout,
            versioned=versioned,
        )
        return jsonlib.loads(body) if body else None

    async def open_stream(
        self,
        method: str,
        path: str,
        *,
        path_args: Mapping[str, str] | None = None,
        params: Params | None = None,
        json: Any = None,
        data: Body = None,
        headers: Mapping[str, str] | None = None,
        versioned: bool = True,
    ) -> StreamResponse:
        """Send a request whose body is a stream; it never times out while idle.

        Only connecting is bounded (by the connect timeout). The caller owns
        the returned :class:`StreamResponse` and should close it (``async
        with``); dropping it also closes it.
        """
        start = time.perf_counter()
        status: int | None = None
        try:
            response = await self._send(
                method,
                path,
                path_args=path_args,
                params=params,
                json=json,
                data=data,
                headers=headers,
                versioned=versioned,
                timeout=aiohttp.ClientTimeout(
                    total=None, sock_read=None, sock_connect=self.connect_timeout
                ),
            )
            status = response.status
            if status >= 400:
                async with response:
                    try:
                        body = await response.read()
                    except (aiohttp.ClientPayloadError, *_CONNECTION_ERRORS):
                        body = b""
                raise api_error(status, body, method, path)
            return StreamResponse(response, path=path)
        finally:
            _log_call("docker.stream", method, path, path_args, status, start)
