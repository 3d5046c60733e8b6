"""The exception hierarchy; every failure of the public API is one of these.

```
DockerException
├── APIError                 the daemon answered with an HTTP error
│   ├── NotFound             404
│   │   └── ImageNotFound
│   ├── Conflict             409
│   └── ServerError          5xx
├── DaemonUnavailable        could not connect to the daemon: the request was not delivered
├── StreamError              a connection broke before its answer or stream ended
│   └── StreamParseError     a stream's data could not be parsed (an InvalidResponse too)
├── InvalidResponse          the daemon answered something the API does not allow
├── Timeout                  a deadline passed (also a TimeoutError)
│   └── JobTimeout           a job ran past its timeout (killed, removed; output so far kept)
├── ContainerError           a container exited non-zero under run()
├── BuildError               an image build failed
├── ImageLoadError           docker load/push/pull reported an error in its stream
├── UnsafeArchiveError       copy_from/extract refused a tar member escaping the destination
├── NotReady                 a readiness wait cannot succeed (the container exited...)
│   └── HealthCheckFailed    a health check turned unhealthy, or the container stopped
├── ServiceFailed            a stack's service failed to start or to become ready
├── JobCancelled             a job was cancelled before it ended (its container removed)
├── RunnerClosed             a job was submitted to a runner that is shutting down
├── InvalidArgument          bad input, found before the daemon is called
│   ├── ComposeError         a Compose file or stack definition is invalid
│   ├── InvalidRepository    an image reference that cannot name a repository
│   ├── InvalidVersion       an API version that is malformed or too old for a feature
│   ├── InvalidConfigFile    a Docker CLI config file that cannot be read
│   ├── TLSParameterError    TLS settings that do not fit together
│   ├── NullResource         an empty id or name where one is required (also docker-py's)
│   └── MissingContextParameter  a context definition lacks a required field
├── DeprecatedMethod         a docker-py call that no longer exists
└── ContextException         a Docker CLI context cannot be used
    ├── ContextNotFound      no context of that name
    └── ContextAlreadyExists a context of that name exists already
```

Names follow docker-py's ``docker.errors`` so ``except`` clauses port unchanged,
and each takes docker-py's constructor arguments, so test suites that raise them
from mocks work too: ``NotFound("gone")``, ``APIError("m", response=r,
explanation="x")``, ``ContainerError(container, 1, "cmd", "img", b"err")``.
Where docker-py's classes are unrelated siblings, some are grouped here under a common parent
(``InvalidArgument``, ``ContextException``, ``StreamError``); a caller catching the docker-py name
catches the same errors. Unlike docker-py's, ``APIError`` is not a ``requests`` exception (there is
no ``requests`` underneath); ``e.response`` is an
[`ErrorResponse`][aiocontainers.errors.ErrorResponse] with the parts callers read (``status_code``,
``reason``, ``url``, ``text``, ``json()``).

Errors from aiohttp and aiodocker are translated in exactly one place, the
transport, and chained with ``raise ... from``.
"""

from __future__ import annotations

import http
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from ._resources.containers import Container
    from .jobs._spec import JobResult

__all__ = [
    "APIError",
    "BuildError",
    "ComposeError",
    "Conflict",
    "ContainerError",
    "ContextAlreadyExists",
    "ContextException",
    "ContextNotFound",
    "DaemonUnavailable",
    "DeprecatedMethod",
    "DockerException",
    "ErrorResponse",
    "HealthCheckFailed",
    "ImageLoadError",
    "ImageNotFound",
    "InvalidArgument",
    "InvalidArgumentType",
    "InvalidConfigFile",
    "InvalidRepository",
    "InvalidResponse",
    "InvalidVersion",
    "JobCancelled",
    "JobTimeout",
    "MissingContextParameter",
    "NotFound",
    "NotReady",
    "NullResource",
    "RunnerClosed",
    "ServerError",
    "ServiceFailed",
    "StreamError",
    "StreamParseError",
    "TLSParameterError",
    "Timeout",
    "UnsafeArchiveError",
    "create_api_error_from_http_exception",
]


class DockerException(Exception):
    """Root of every exception this library raises on purpose."""


class ErrorResponse:
    """What an [`APIError`][aiocontainers.errors.APIError] knows of the daemon's answer, read like
    docker-py's response.

    ``status_code``, ``reason`` (``"Not Found"``), ``url`` (the request's path),
    ``text``/``content`` (the daemon's message) and ``json()`` (``{"message": ...}``).
    """

    __slots__ = ("method", "reason", "status_code", "text", "url")

    def __init__(
        self, status_code: int, *, text: str = "", url: str = "", method: str | None = None
    ) -> None:
        self.status_code = status_code
        self.text = text
        self.url = url
        self.method = method
        try:
            self.reason = http.HTTPStatus(status_code).phrase
        except ValueError:
            self.reason = ""

    @property
    def ok(self) -> bool:
        return self.status_code < 400

    @property
    def content(self) -> bytes:
        return self.text.encode()

    def json(self) -> dict[str, Any]:
        """The body as the daemon sends errors: ``{"message": text}``."""
        return {"message": self.text}

    def __repr__(self) -> str:
        return f"<ErrorResponse [{self.status_code}] {self.method or ''} {self.url}>"


class APIError(DockerException):
    """The daemon answered a request with an HTTP error status.

    ``APIError(message, response=None, explanation=None)`` as in docker-py, or
    with the keywords the transport gives (``status_code``, ``method``,
    ``path``). ``status_code`` comes from ``response`` when not given.
    """

    def __init__(
        self,
        message: object,
        response: Any = None,
        explanation: str | None = None,
        *,
        status_code: int | None = None,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        super().__init__(message)
        if status_code is None and response is not None:
            status_code = getattr(response, "status_code", None)
        if response is None and status_code is not None:
            response = ErrorResponse(
                status_code, text=explanation or "", url=path or "", method=method
            )
        self.response = response
        self.status_code = status_code
        self.explanation = explanation
        self.method = method
        self.path = path

    def __str__(self) -> str:
        text = str(self.args[0]) if self.args else ""
        if self.status_code is not None:
            text = f"{self.status_code} {text}"
        if self.explanation and self.explanation not in text:
            text += f" ({self.explanation})"
        return text

    def is_error(self) -> bool:
        """True for 4xx and 5xx statuses."""
        return self.is_client_error() or self.is_server_error()

    def is_client_error(self) -> bool:
        """True for 4xx statuses: the request was wrong."""
        return self.status_code is not None and 400 <= self.status_code < 500

    def is_server_error(self) -> bool:
        """True for 5xx statuses: the daemon failed."""
        return self.status_code is not None and 500 <= self.status_code < 600


class NotFound(APIError):
    """The object a request names does not exist (HTTP 404)."""


class ImageNotFound(NotFound):
    """The image a request names does not exist locally or in its registry."""


class Conflict(APIError):
    """The request conflicts with the object's state (HTTP 409), e.g. a name in use."""


class ServerError(APIError):
    """The daemon failed while handling the request (HTTP 5xx)."""


class DaemonUnavailable(DockerException):
    """No connection to the daemon could be made; the message names the URL tried.

    The request was not delivered, so retrying it is safe. (A connection that
    breaks after the request was sent raises [`StreamError`][aiocontainers.errors.StreamError]
    instead.)
    """

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(message)
        self.url = url


class StreamError(DockerException):
    """A connection broke before its answer or stream (logs, events, exec...) ended.

    For a call that changes something, the daemon may have acted on it.
    """


class InvalidResponse(DockerException):
    """The daemon answered something the API does not allow (not JSON, wrong shape, not HTTP)."""


class Timeout(DockerException, TimeoutError):
    """A deadline passed before the operation finished."""


class ContainerError(DockerException):
    """A container run in the foreground exited with a non-zero status.

    Built like docker-py's, ``ContainerError(container, exit_status, command,
    image, stderr)``; unlike docker-py's, the library also keeps ``stdout``.
    """

    def __init__(
        self,
        container: Container,
        exit_status: int,
        command: str | list[str] | None,
        image: str,
        stderr: bytes | str | None,
        stdout: bytes | None = None,
    ) -> None:
        self.container = container
        self.exit_status = exit_status
        self.command = command
        self.image = image
        self.stdout = stdout
        self.stderr = stderr
        message = (
            f"Command {command!r} in image {image!r} returned non-zero exit status {exit_status}"
        )
        tail = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else stderr
        if tail and tail.strip():
            message += f": {tail.strip()[-1000:]}"
        super().__init__(message)


class BuildError(DockerException):
    """A build step failed; ``build_log`` holds every log entry up to the failure."""

    def __init__(self, reason: str, build_log: list[dict[str, Any]]) -> None:
        super().__init__(reason)
        self.msg = reason
        self.build_log = build_log


class ImageLoadError(DockerException):
    """A pull, push or load reported an error inside its progress stream."""


class InvalidArgument(DockerException, ValueError):
    """The caller's input is wrong, or needs a newer API version than the daemon's.

    ``errors`` lists each problem found, as ``{"loc": (...), "msg": ..., "type": ...}``:
    ``loc`` names the argument (and the item inside it), ``msg`` says what is wrong.
    A problem found outside argument validation is one entry with an empty ``loc``.
    Neither the message nor ``errors`` ever repeats the values given, which may be
    secrets (environment values, passwords).
    """

    def __init__(self, message: str, *, errors: Sequence[Mapping[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.errors: list[dict[str, Any]] = (
            [dict(error) for error in errors]
            if errors
            else [{"loc": (), "msg": message, "type": "invalid_argument"}]
        )


class InvalidArgumentType(InvalidArgument, TypeError):
    """An argument of the wrong type (a list where a dict is wanted): also a ``TypeError``,
    which docker-py raises for these, so code catching either keeps working."""


class UnsafeArchiveError(DockerException):
    """An archive member would be written outside the destination or is a special file."""

    def __init__(self, member: str, reason: str) -> None:
        super().__init__(f"refusing unsafe archive member {member!r}: {reason}")
        self.member = member
        self.reason = reason


class NotReady(DockerException):
    """A container failed a readiness condition; ``container`` names it, ``logs`` ends its output.

    ``exit_code`` is set when the container exited while being waited for.
    """

    def __init__(
        self,
        container: Container,
        message: str,
        *,
        exit_code: int | None = None,
        logs: str = "",
    ) -> None:
        super().__init__(message)
        self.container = container
        self.exit_code = exit_code
        self.logs = logs


class HealthCheckFailed(NotReady):
    """The container turned unhealthy, exited or was removed before turning healthy.

    ``status`` is the last health status seen, ``output`` the last probe's
    output (``None`` when the container exited or vanished instead).
    """

    def __init__(
        self,
        container: Container,
        message: str,
        *,
        status: str,
        output: str | None = None,
        exit_code: int | None = None,
        logs: str = "",
    ) -> None:
        super().__init__(container, message, exit_code=exit_code, logs=logs)
        self.status = status
        self.output = output


class StreamParseError(InvalidResponse, StreamError, RuntimeError):
    """A stream's data could not be parsed (a JSON message cut or malformed).

    An [`InvalidResponse`][aiocontainers.errors.InvalidResponse] (what the daemon sent is not what
    the API allows) and a ``RuntimeError`` too, as docker-py's is; ``msg`` is the reason.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.msg = reason


class InvalidRepository(InvalidArgument):
    """An image reference that cannot name a repository."""


class InvalidVersion(InvalidArgument):
    """An API version that is malformed, or older than a feature needs."""


class InvalidConfigFile(InvalidArgument):
    """A Docker CLI config file (``config.json``, a context's meta) that cannot be read."""


class TLSParameterError(InvalidArgument):
    """TLS settings that do not fit together (a key without its certificate...)."""

    def __init__(self, msg: str) -> None:
        super().__init__(msg)
        self.msg = msg


class NullResource(InvalidArgument):
    """An empty id or name where a call needs one."""


class MissingContextParameter(InvalidArgument):
    """A context definition lacks a field it needs; ``param`` names it."""

    def __init__(self, param: str) -> None:
        super().__init__(f"missing parameter: {param}")
        self.param = param


class DeprecatedMethod(DockerException):
    """A docker-py call that the Engine API or docker-py itself no longer offers."""


class ContextException(DockerException):
    """A Docker CLI context cannot be used; ``msg`` says why."""

    def __init__(self, msg: str) -> None:
        super().__init__(msg)
        self.msg = msg


class ContextNotFound(ContextException):
    """No context of that ``name`` exists."""

    def __init__(self, name: str) -> None:
        super().__init__(f"context {name!r} not found")
        self.name = name


class ContextAlreadyExists(ContextException):
    """A context of that ``name`` exists already."""

    def __init__(self, name: str) -> None:
        super().__init__(f"context {name} already exists")
        self.name = name


# Lower-cased fragments of 404 explanations that mean "no such image" (docker-py checks
# the same daemon and registry messages).
_IMAGE_MISSING = (
    "no such image",
    "not found: does not exist or no pull access",
    "repository does not exist",
    "was found but does not match the specified platform",
)


def _api_error_class(status: int, explanation: str, path: str | None = None) -> type[APIError]:
    """The exception class for an HTTP error status: by code, 404s split into images or not."""
    if status == 404:
        image_path = path is not None and path.startswith(("/images/", "/distribution/"))
        lowered = explanation.lower()
        if image_path or any(fragment in lowered for fragment in _IMAGE_MISSING):
            return ImageNotFound
        return NotFound
    if status == 409:
        return Conflict
    if status >= 500:
        return ServerError
    return APIError


def create_api_error_from_http_exception(e: Any) -> NoReturn:
    """Raise the [`APIError`][aiocontainers.errors.APIError] for an HTTP error exception, as
    docker-py's helper does.

    ``e`` is anything with a ``response`` carrying ``status_code`` and the
    body (``json()`` or ``text``), such as ``requests.exceptions.HTTPError``;
    the daemon's ``message`` becomes the explanation.
    """
    response = e.response
    try:
        explanation = str(response.json()["message"])
    except (ValueError, KeyError, TypeError, AttributeError):
        explanation = str(getattr(response, "text", "") or "").strip()
    cls = _api_error_class(int(response.status_code), explanation)
    raise cls(e, response=response, explanation=explanation) from e


class ComposeError(InvalidArgument):
    """A Compose file or stack definition is invalid; ``errors`` lists each problem.

    ``problems`` are lines that start with the path of the bad value
    (``services.web.ports[1]: ...``); in ``errors`` that path is the ``loc``.
    """

    def __init__(self, problems: list[str]) -> None:
        text = (
            problems[0]
            if len(problems) == 1
            else "invalid compose project:\n  " + "\n  ".join(problems)
        )
        details = []
        for problem in problems:
            path, sep, msg = problem.partition(": ")
            located = sep and " " not in path
            loc = (path,) if located else ()
            details.append({"loc": loc, "msg": msg if located else problem, "type": "compose"})
        super().__init__(text, errors=details)
        self.problems = problems


class ServiceFailed(DockerException):
    """A service of a stack failed: it could not be created or started, exited, turned
    unhealthy, or was not ready within its deadline.

    ``service`` names it, ``container`` is the container that failed (``None``
    if none was created), ``logs`` ends its output and ``exit_code`` is set when
    it exited.
    """

    def __init__(
        self,
        service: str,
        message: str,
        *,
        container: Container | None = None,
        exit_code: int | None = None,
        logs: str = "",
    ) -> None:
        super().__init__(message)
        self.service = service
        self.container = container
        self.exit_code = exit_code
        self.logs = logs


class JobTimeout(Timeout):
    """A job ran past its ``timeout``: its container was killed and removed.

    ``result`` is the job's [`JobResult`][aiocontainers.jobs.JobResult] with the
    output so far (``status == "timed_out"``, ``exit_code`` ``None``).
    """

    def __init__(self, result: JobResult, timeout: float) -> None:
        super().__init__(
            f"job {result.job_id} ({result.spec.image}) ran past its {timeout:g} s timeout "
            f"and was killed (attempt {result.attempts})"
        )
        self.result = result
        self.timeout = timeout


class JobCancelled(DockerException):
    """A job was cancelled (``handle.cancel()`` or a runner abort) before it ended.

    Any container it had started is removed; ``result`` holds the output so far.
    """

    def __init__(self, result: JobResult) -> None:
        super().__init__(f"job {result.job_id} ({result.spec.image}) was cancelled")
        self.result = result


class RunnerClosed(DockerException):
    """A job was submitted to a [`JobRunner`][aiocontainers.jobs.JobRunner] that is not running."""
