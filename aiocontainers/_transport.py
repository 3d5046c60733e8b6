"""The one place requests reach the daemon: versions, deadlines, error statuses, logs.

Every call goes through `Transport`, which builds the request,
negotiates the API version, applies the call's deadline, turns error
statuses and undecodable answers into [`aiocontainers.errors`][aiocontainers.errors], and emits
the per-call log event. It hands the request to an
[`HTTPTransport`][aiocontainers.testing.HTTPTransport] (aiohttp by default, see
`aiocontainers._aiohttp`; a mock in tests), which moves the bytes.

Deadlines: a unary call is bounded as a whole (connect, send, read) by its
``timeout``, the client's by default; opening a stream is bounded the same
way until the answer's headers arrive, and its body then has no deadline of
its own (streams that must not stall get one from their reader, see
`aiocontainers._resources._streaming`).
"""

from __future__ import annotations

import enum
import json as jsonlib
import math
import time
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Mapping
from datetime import timedelta
from typing import Any, Final, TypeVar
from urllib.parse import quote

import anyio

from ._aiohttp import AiohttpTransport
from ._config import Endpoint
from ._connect_errors import HTTPS_ONLY_REPLY, plain_to_tls_port
from ._deadlines import Deadlines
from ._http import HTTPTransport, Request, ResponseStream
from ._logging import log_event, logging_enabled
from ._reaper import Reaper
from ._version import MAX_API_VERSION, MIN_API_VERSION, parse_version, version_lt
from .errors import (
    APIError,
    Conflict,
    DaemonUnavailable,
    DockerException,
    ImageNotFound,
    InvalidArgument,
    InvalidResponse,
    InvalidVersion,
    NotFound,
    ServerError,
    Timeout,
)

__all__ = [
    "DEFAULT",
    "Body",
    "Default",
    "Params",
    "Transport",
    "check_timeout",
]


class Default(enum.Enum):
    """Marker for "use the client's configured value"."""

    TOKEN = enum.auto()


DEFAULT: Final = Default.TOKEN

_R = TypeVar("_R")
_SLOW_CALL_FACTOR = 10
_CLOSE_GRACE = 5.0  # seconds close() lets pending clean-up finish before cancelling it

Params = Mapping[str, Any]
Body = bytes | AsyncIterator[bytes] | None


def check_timeout(value: object, name: str = "timeout", *, zero_ok: bool = False) -> float | None:
    """``value`` as seconds: a positive finite number or ``timedelta``, or ``None`` (no limit).

    Anything else (``nan``, ``inf``, negative, zero unless ``zero_ok``, a
    string, a bool) raises [`InvalidArgument`][aiocontainers.errors.InvalidArgument] naming
    ``name``.
    """
    if value is None:
        return None
    if isinstance(value, timedelta):
        value = value.total_seconds()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        # The type, not the value: a string given by mistake may be a secret.
        problem = f"must be a number of seconds, a timedelta or None, got {type(value).__name__}"
    elif not math.isfinite(value) or value < 0 or (value == 0 and not zero_ok):
        kind = "non-negative" if zero_ok else "positive"
        problem = f"must be a {kind}, finite number of seconds, got {value!r}"
    else:
        return float(value)
    argument = name.partition(" ")[0]  # "timeout (the stop grace period)" names "timeout"
    error = {"loc": (argument,), "msg": problem, "type": "invalid_timeout"}
    raise InvalidArgument(f"{name} {problem}", errors=[error])


def _preview(body: bytes) -> str:
    text = body[:120].decode("utf-8", "replace")
    return repr(text + ("..." if len(body) > 120 else ""))


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


def describe_path(path: str, path_args: Mapping[str, str] | None, params: Params | None) -> str:
    """``/containers/3f2a.../start``: the path an error concerns, ids filled in, and the
    image reference a pull or push concerns (it travels in the query) after it."""
    if path_args:
        path = path.format_map({key: str(value) for key, value in path_args.items()})
    text = path
    params = params or {}
    image = params.get("fromImage") if path == "/images/create" else None
    if image is None and path.startswith("/images/") and path.endswith("/push"):
        image = path[len("/images/") : -len("/push")]
    if image:
        tag = params.get("tag")
        separator = "@" if str(tag).startswith("sha256:") else ":"
        text += f" ({image}{separator}{tag})" if tag else f" ({image})"
    return text


def api_error(status: int, body: bytes, method: str, path: str) -> APIError:
    """The typed exception for an HTTP error status, chosen by status code.

    ``path`` may carry what the call concerns after it (see `describe_call`).
    """
    explanation = _explanation(body)
    message = f"{method} {path}: {explanation or 'no explanation'}"
    path = path.split(" ", 1)[0]  # without what describe_path() added
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
    if not logging_enabled():
        return
    log_event(
        event,
        method=method,
        path=path,
        id=next(iter(path_args.values()), None) if path_args else None,
        status=status,
        duration=round(time.perf_counter() - start, 6),
    )


class _WatchedUpload:
    """A request body that pushes its call's deadline back each time a chunk is taken."""

    __slots__ = ("_inner", "_limit", "_scope")

    def __init__(self, inner: AsyncIterable[bytes], scope: anyio.CancelScope, limit: float):
        self._inner = inner.__aiter__()
        self._scope = scope
        self._limit = limit

    def __aiter__(self) -> _WatchedUpload:
        return self

    async def __anext__(self) -> bytes:
        chunk = await self._inner.__anext__()
        self._scope.deadline = anyio.current_time() + self._limit
        return chunk


class _Probe:
    """One version probe in flight: its outcome, for the calls that wait on it."""

    __slots__ = ("done", "error")

    def __init__(self) -> None:
        self.done = anyio.Event()
        self.error: DockerException | None = None


class Transport:
    """Sends the requests of one client; knows its daemon's address and API version.

    ``http`` moves the bytes (default: an `AiohttpTransport`
    for ``endpoint`` with ``max_pool_size`` and ``connect_timeout``).
    """

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        version: str = "auto",
        timeout: float | timedelta | None = 60.0,
        connect_timeout: float | timedelta = 10.0,
        max_pool_size: int = 10,
        user_agent: str | None = None,
        http: HTTPTransport | None = None,
    ) -> None:
        if not isinstance(version, str):
            raise InvalidArgument(f"version must be 'auto' or like '1.41', got {version!r}")
        if version != "auto":
            try:
                parse_version(version)
            except ValueError:
                raise InvalidArgument(
                    f"version must be 'auto' or like '1.41', got {version!r}"
                ) from None
        self.timeout = check_timeout(timeout)
        connect = check_timeout(connect_timeout, "connect_timeout")
        if connect is None:
            raise InvalidArgument("connect_timeout must be a number of seconds, not None")
        if isinstance(max_pool_size, bool) or not isinstance(max_pool_size, int):
            raise InvalidArgument(f"max_pool_size must be an int, got {max_pool_size!r}")
        if max_pool_size < 1:
            raise InvalidArgument(f"max_pool_size must be at least 1, got {max_pool_size!r}")
        self.endpoint = endpoint
        self.http: HTTPTransport = http or AiohttpTransport(
            endpoint, max_pool_size=max_pool_size, connect_timeout=connect
        )
        #: Sent with every request; a caller may add its own (docker-py's ``api.headers``).
        self.headers = {"User-Agent": user_agent or "aiocontainers"}
        self._version: str | None = None if version == "auto" else version.lstrip("v")
        self._probe: _Probe | None = None
        self._closed = False
        self._deadlines = Deadlines()
        #: Clean-up that cancelled calls left to finish (see `aiocontainers._reaper`).
        self.reaper = Reaper()

    # -- lifecycle ------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def slow_timeout(self) -> float | None:
        """The deadline of calls whose daemon-side work can be long (commit, prune, df).

        Ten times the client's timeout (``None`` if that is ``None``).
        """
        return None if self.timeout is None else self.timeout * _SLOW_CALL_FACTOR

    async def aclose(self) -> None:
        """Finish pending clean-up, then close every connection; safe to call twice."""
        if self._closed:
            return
        with anyio.CancelScope(shield=True):
            await self.reaper.aclose(_CLOSE_GRACE)
            self._closed = True
            await self.http.aclose()

    def _check_open(self) -> None:
        if self._closed:
            raise DockerException("this client is closed; create a new one")

    # -- API version ----------------------------------------------------------

    async def api_version(self, *, timeout: float | Default | None = DEFAULT) -> str:
        """The negotiated API version: the lower of ours and the daemon's, probed once.

        Concurrent first calls share one probe and each waits at most its own
        ``timeout``. A probe whose caller gave up (deadline or cancellation) is
        taken over by a waiting call; a probe that failed otherwise fails its
        waiters alike, and the next call probes again.
        """
        if self._version is not None:
            return self._version
        limit = self.timeout if timeout is DEFAULT else check_timeout(timeout)
        deadline = None if limit is None else time.monotonic() + limit
        while self._version is None:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise Timeout(f"negotiating the API version took longer than {limit} s")
            probe = self._probe
            if probe is None:
                await self._run_probe(left)
                continue
            with anyio.move_on_after(left):
                await probe.done.wait()
            if not probe.done.is_set():
                raise Timeout(f"negotiating the API version took longer than {limit} s")
            if probe.error is not None:
                raise probe.error
        return self._version

    async def _run_probe(self, limit: float | None) -> None:
        probe = self._probe = _Probe()
        try:
            if self.timeout is not None:
                limit = self.timeout if limit is None else min(limit, self.timeout)
            data = await self.request_json(
                "GET", "/version", versioned=False, timeout=limit, expect=dict
            )
            daemon = data.get("ApiVersion", MAX_API_VERSION)
            try:
                parse_version(daemon)
            except (ValueError, AttributeError):
                raise InvalidResponse(f"GET /version: invalid ApiVersion {daemon!r}") from None
            if version_lt(daemon, MIN_API_VERSION):
                raise InvalidVersion(
                    f"this daemon speaks Docker API {daemon}; aiocontainers needs "
                    f"{MIN_API_VERSION} or newer (Docker Engine 20.10 or later)"
                )
            self._version = daemon if version_lt(daemon, MAX_API_VERSION) else MAX_API_VERSION
        except Timeout:
            raise  # this caller's deadline: a waiter with time left probes again
        except DockerException as exc:
            probe.error = exc
            raise
        finally:
            self._probe = None
            probe.done.set()

    async def require_version(self, minimum: str, feature: str) -> None:
        """Raise InvalidArgument naming ``minimum`` if the daemon is older."""
        current = await self.api_version()
        if version_lt(current, minimum):
            raise InvalidArgument(
                f"{feature} needs Docker API {minimum} or newer; this daemon speaks {current}"
            )

    # -- requests -------------------------------------------------------------

    async def _build(
        self,
        method: str,
        path: str,
        path_args: Mapping[str, str] | None,
        params: Params | None,
        json: Any,
        data: Body,
        headers: Mapping[str, str] | None,
        versioned: bool,
        limit: float | None,
    ) -> Request:
        self._check_open()
        if path_args:
            path = path.format_map({k: quote(str(v), safe="") for k, v in path_args.items()})
        if versioned:
            version = self._version or await self.api_version(timeout=limit)
            path = f"/v{version}{path}"
        all_headers = {**self.headers, **(headers or {})}  # a copy: callers may add headers
        if json is not None:
            data = jsonlib.dumps(json).encode()
            all_headers.setdefault("Content-Type", "application/json")
        return Request(
            method, path, params=_encode_params(params), headers=all_headers, content=data
        )

    async def _send(
        self, send: Callable[..., Awaitable[_R]], request: Request, limit: float | None
    ) -> _R:
        """``send(request)`` within ``limit``; for a streamed upload, ``limit`` of stalling.

        A streamed request body (a build context, an archive) may take long to
        send; its deadline is measured from the last chunk sent instead.
        """
        content = request.content
        if limit is None:
            return await send(request, timeout=None)
        if content is None or isinstance(content, bytes):
            with self._deadlines.within(limit):
                return await send(request, timeout=None)
        with anyio.CancelScope(deadline=anyio.current_time() + limit) as scope:
            request.content = _WatchedUpload(content, scope, limit)
            return await send(request, timeout=None)
        raise Timeout(
            f"{request.method} {request.endpoint}: the upload stalled, or no answer came, "
            f"for {limit:g} s"
        )

    def _status_error(self, status: int, body: bytes, method: str, path: str) -> DockerException:
        """The exception for an error status; a TLS-only daemon's refusal of plain HTTP is
        [`DaemonUnavailable`][aiocontainers.errors.DaemonUnavailable] that says so, not "400 Bad
        Request"."""
        if status == 400 and self.endpoint.ssl_context is None and HTTPS_ONLY_REPLY in body:
            return DaemonUnavailable(plain_to_tls_port(self.endpoint), url=self.endpoint.url)
        return api_error(status, body, method, path)

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
        timeout: float | timedelta | Default | None = DEFAULT,
        versioned: bool = True,
    ) -> bytes:
        """Send a unary request and return its body; errors become typed exceptions.

        ``timeout`` bounds the whole call (version probe, connect, send, read)
        in seconds; ``None`` waits forever, the default is the client's.
        """
        limit = self.timeout if timeout is DEFAULT else check_timeout(timeout)
        start = time.perf_counter()
        status: int | None = None
        try:
            probing = versioned and self._version is None
            request = await self._build(
                method, path, path_args, params, json, data, headers, versioned, limit
            )
            left = limit
            if probing and limit is not None:
                left = max(limit - (time.perf_counter() - start), 0.001)
            response = await self._send(self.http.request, request, left)
            status = response.status
            body = response.body
            if status >= 400:
                what = describe_path(path, path_args, params)
                raise self._status_error(status, body, method, what)
            return body
        except TimeoutError as exc:
            if isinstance(exc, Timeout):
                raise
            raise Timeout(f"{method} {path} took longer than {limit} s") from None
        finally:
            _log_call("docker.request", method, path, path_args, status, start)

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
        timeout: float | timedelta | Default | None = DEFAULT,
        versioned: bool = True,
        expect: type[dict[str, Any]] | type[list[Any]] | None = None,
    ) -> Any:
        """Like `request()`, decoding a JSON body (``None`` for an empty one).

        An answer that is not JSON, or (with ``expect=dict`` or ``list``) not a
        JSON object or array, raises [`InvalidResponse`][aiocontainers.errors.InvalidResponse].
        """
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
        return decode_json(body, method, path, expect)

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
        timeout: float | timedelta | Default | None = DEFAULT,
        versioned: bool = True,
    ) -> ResponseStream:
        """Send a request whose answer is read as a stream.

        ``timeout`` (the client's by default) bounds the call until the
        answer's headers arrive; the body then has no deadline. The caller owns
        the returned stream and must close it (dropping it also closes it).
        """
        limit = self.timeout if timeout is DEFAULT else check_timeout(timeout)
        start = time.perf_counter()
        status: int | None = None
        try:
            request = await self._build(
                method, path, path_args, params, json, data, headers, versioned, limit
            )
            left = None if limit is None else max(limit - (time.perf_counter() - start), 0.001)
            response = await self._send(self.http.stream, request, left)
            status = response.status
            if status >= 400:
                body = b""
                try:
                    with anyio.move_on_after(left):
                        while chunk := await response.read_chunk():
                            body += chunk
                except DockerException:
                    pass
                finally:
                    response.close()
                what = describe_path(path, path_args, params)
                raise self._status_error(status, body, method, what)
            return response
        except TimeoutError as exc:
            if isinstance(exc, Timeout):
                raise
            raise Timeout(f"{method} {path}: no answer within {limit} s") from None
        finally:
            _log_call("docker.stream", method, path, path_args, status, start)


def decode_json(
    body: bytes,
    method: str,
    path: str,
    expect: type[dict[str, Any]] | type[list[Any]] | None = None,
) -> Any:
    """``body`` decoded as JSON; [`InvalidResponse`][aiocontainers.errors.InvalidResponse] if it is
    not (the ``expect`` type)."""
    if not body:
        if expect is not None:
            raise InvalidResponse(f"{method} {path}: the daemon's answer is empty")
        return None
    try:
        data = jsonlib.loads(body)
    except ValueError:
        raise InvalidResponse(
            f"{method} {path}: the daemon's answer is not JSON: {_preview(body)}"
        ) from None
    if expect is not None and not isinstance(data, expect):
        kind = "object" if expect is dict else "array"
        raise InvalidResponse(
            f"{method} {path}: expected a JSON {kind}, the daemon sent {_preview(body)}"
        )
    return data
