"""A submitted job's handle: its state, its result, its output, its cancellation."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import anyio

from .._arguments import Count
from .._validation import validated
from ..errors import DockerException
from ._output import JobLogStream, JobOutput
from ._spec import JobResult, JobSpec, JobStatus

if TYPE_CHECKING:
    from ._runner import JobRunner

__all__ = ["JobHandle"]


class JobHandle:
    """One submitted job: await it, cancel it, follow its output.

    ``await handle`` (or ``await handle.result()``) gives the
    [`JobResult`][aiocontainers.jobs.JobResult] of a job that exited (any exit code) and raises
    [`JobTimeout`][aiocontainers.jobs.JobTimeout],
    [`JobCancelled`][aiocontainers.jobs.JobCancelled] or the daemon's error
    otherwise; ``handle.outcome`` is the result without raising, ``None``
    until the job is done. Cancelling the task that awaits a handle does not
    cancel the job: ``cancel()`` does.
    """

    __slots__ = (
        "_attempts",
        "_callbacks",
        "_cancel_requested",
        "_container_id",
        "_done",
        "_error",
        "_output",
        "_result",
        "_runner",
        "_scope",
        "_started",
        "_status",
        "id",
        "spec",
    )

    def __init__(self, job_id: str, spec: JobSpec, runner: JobRunner) -> None:
        self.id = job_id
        self.spec = spec
        self._runner = runner
        self._status: JobStatus = "queued"
        self._container_id: str | None = None
        self._attempts = 0
        self._started: float | None = None
        self._output: JobOutput | None = None
        self._result: JobResult | None = None
        self._error: DockerException | None = None
        self._done: anyio.Event | None = None
        self._scope: anyio.CancelScope | None = None
        self._cancel_requested = False
        self._callbacks: list[Callable[[JobHandle], None]] | None = None

    def __repr__(self) -> str:
        return f"<JobHandle {self.id} {self.spec.image} {self._status}>"

    @property
    def status(self) -> JobStatus:
        """``queued``, ``running``, then how it ended (see
        [`JobResult`][aiocontainers.jobs.JobResult])."""
        return self._status

    @property
    def container_id(self) -> str | None:
        """The current (or last) attempt's container, once created."""
        return self._container_id

    @property
    def attempts(self) -> int:
        """Containers started for this job so far."""
        return self._attempts

    @property
    def outcome(self) -> JobResult | None:
        """The result once the job is done, whatever the ending; ``None`` before."""
        return self._result

    @validated
    def done(self) -> bool:
        """True once the job ended and its container is gone."""
        return self._result is not None

    @validated
    def cancel(self) -> bool:
        """Ask the job to stop: a queued job ends now, a running one once its container
        is removed. Returns False if it had already ended."""
        if self._result is not None:
            return False
        self._cancel_requested = True
        if self._status == "queued":
            self._runner._finish(self, ("cancelled", None, None))
        elif self._scope is not None:
            self._scope.cancel()
        return True

    @validated
    async def wait(self) -> None:
        """Return once the job is done (never raises the job's error)."""
        if self._result is None:
            if self._done is None:
                self._done = anyio.Event()
            await self._done.wait()

    @validated
    async def result(self) -> JobResult:
        """The result of a job that exited; raises if it timed out, was cancelled or failed
        to run."""
        await self.wait()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result

    def __await__(self) -> Generator[Any, None, JobResult]:
        return self.result().__await__()

    @validated
    def logs(self, *, start: Count = 0) -> JobLogStream:
        """Follow the job's output from line ``start`` on (see
        [`JobLogStream`][aiocontainers.jobs.JobLogStream])."""
        return JobLogStream(self._ensure_output, start)

    def _ensure_output(self) -> JobOutput:
        if self._output is None:
            self._output = JobOutput(self.spec.output_limit or self._runner.output_limit)
            if self._result is not None:
                self._output.close()
        return self._output

    def _on_done(self, callback: Callable[[JobHandle], None]) -> None:
        if self._result is not None:
            callback(self)
        elif self._callbacks is None:
            self._callbacks = [callback]
        else:
            self._callbacks.append(callback)
