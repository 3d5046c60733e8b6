"""The exception hierarchy; every failure of the public API is one of these.

```
DockerException
├── APIError                 the daemon answered with an HTTP error
│   ├── NotFound             404
│   │   └── ImageNotFound
│   ├── Conflict             409
│   └── ServerError          5xx
├── DaemonUnavailable        could not connect to the daemon at all
├── StreamError              a stream broke before its natural end
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
└── InvalidArgument          bad input, found before the daemon is called
    └── ComposeError         a Compose file or stack definition is invalid
```

Names follow docker-py's ``docker.errors`` so ``except`` clauses port unchanged.
Errors from aiohttp and aiodocker are translated in exactly one place, the
transport, and chained with ``raise ... from``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._resources.containers import Container
    from .jobs._spec import JobResult

__all__ = [
    "APIError",
    "BuildError",
    "ComposeError",
    "Conflict",
    "ContainerError",
    "DaemonUnavailable",
    "DockerException",
    "HealthCheckFailed",
    "ImageLoadError",
    "ImageNotFound",
    "InvalidArgument",
    "JobCancelled",
    "JobTimeout",
    "NotFound",
    "NotReady",
    "RunnerClosed",
    "ServerError",
    "ServiceFailed",
    "StreamError",
    "Timeout",
    "UnsafeArchiveError",
]


class DockerException(Exception):
    """Root of every exception this library raises on purpose."""


class APIError(DockerException):
    """The daemon answered a request with an HTTP error status."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        explanation: str | None = None,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.explanation = explanation
        self.method = method
        self.path = path

    def __str__(self) -> str:
        text = f"{self.status_code} {self.args[0]}"
        if self.explanation and self.explanation not in text:
            text += f" ({self.explanation})"
        return text

    def is_client_error(self) -> bool:
        """True for 4xx statuses: the request was wrong."""
        return 400 <= self.status_code < 500

    def is_server_error(self) -> bool:
        """True for 5xx statuses: the daemon failed."""
        return 500 <= self.status_code < 600


class NotFound(APIError):
    """The object a request names does not exist (HTTP 404)."""


class ImageNotFound(NotFound):
    """The image a request names does not exist locally or in its registry."""


class Conflict(APIError):
    """The request conflicts with the object's state (HTTP 409), e.g. a name in use."""


class ServerError(APIError):
    """The daemon failed while handling the request (HTTP 5xx)."""


class DaemonUnavailable(DockerException):
    """No connection to the daemon could be made; the message names the URL tried."""

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(message)
        self.url = url


class StreamError(DockerException):
    """A stream (logs, events, exec output, progress) broke before its natural end."""


class Timeout(DockerException, TimeoutError):
    """A deadline passed before the operation finished."""


class ContainerError(DockerException):
    """A container run in the foreground exited with a non-zero status.

    Unlike docker-py, both ``stdout`` and ``stderr`` are kept.
    """

    def __init__(
        self,
        container: Container,
        exit_status: int,
        command: str | list[str] | None,
        image: str,
        stdout: bytes,
        stderr: bytes,
    ) -> None:
        self.container = container
        self.exit_status = exit_status
        self.command = command
        self.image = image
        self.stdout = stdout
        self.stderr = stderr
        tail = stderr.decode("utf-8", "replace").strip()
        message = (
            f"Command {command!r} in image {image!r} returned non-zero exit status {exit_status}"
        )
        if tail:
            message += f": {tail[-1000:]}"
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

    ``result`` is the job's :class:`~aiocontainers.jobs.JobResult` with the
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
    """A job was submitted to a :class:`~aiocontainers.jobs.JobRunner` that is not running."""
