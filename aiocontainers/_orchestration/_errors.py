"""Readiness failures: a container that will not become ready, for a reason other than time.

Running out of time is :class:`~aiocontainers.Timeout`; these are raised at
once, as soon as waiting longer cannot help (the container exited, its health
check failed, a condition was answered with a definite no).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import DockerException

if TYPE_CHECKING:
    from .._resources.containers import Container

__all__ = ["HealthCheckFailed", "NotReady"]


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
