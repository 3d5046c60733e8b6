"""The job runner: a bounded pool of workers that run one container per job.

``concurrency`` worker tasks, in a task group the runner opens in ``__aenter__``, take jobs from
one queue (an anyio memory stream; a queued job is only its
[`JobHandle`][aiocontainers.jobs.JobHandle], no task). A worker runs each attempt as ``create``
(pulling a missing image first), ``attach`` and ``wait`` (both before the start, so neither output
nor exit code is missed; no inspect: the container is known to be new), ``start``, read the output
into the job's bounded `JobOutput` until the container exits, take the exit code from the wait,
and always ``remove``: force-removal in a shielded, bounded scope runs on every path, so a
timeout, a ``cancel()``, an abort or the cancellation of the whole runner leaves no container
behind. A timeout is a cancel scope around the attempt's run; on expiry the container is killed by
its removal.
"""

from __future__ import annotations

import logging
import math
import random
import time
import uuid
from collections.abc import AsyncIterable, Iterable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

import anyio
from anyio.abc import TaskGroup
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from typing_extensions import Self

from .._logging import log_event
from .._resources._streaming import DemuxedDecoder
from .._validation import validated
from ..errors import (
    DaemonUnavailable,
    DockerException,
    ImageLoadError,
    ImageNotFound,
    InvalidArgument,
    JobCancelled,
    JobTimeout,
    NotFound,
    RunnerClosed,
    ServerError,
    StreamError,
    Timeout,
)
from ._handle import JobHandle
from ._map import JobMap
from ._output import JobOutput
from ._spec import JobCounters, JobResult, JobSpec, JobStatus

if TYPE_CHECKING:
    from .._client import DockerClient
    from .._resources.containers import Container

__all__ = ["JOB_LABEL", "JobRunner"]

DEFAULT_OUTPUT_LIMIT = 1024 * 1024
#: The most a retry waits, however many attempts came before.
MAX_BACKOFF = 60.0
JOB_LABEL = "aiocontainers.job"
"""The label every job container carries, valued with the job's id."""

# Failures a later attempt may not meet: the daemon unreachable or failing, a stream
# cut, a pull that failed in its stream, a daemon call past its deadline.
_RETRYABLE = (DaemonUnavailable, ServerError, StreamError, ImageLoadError, Timeout)

# Every stream, live only: the attach is made before the start, so nothing came before it.
# With logs=1 the daemon also replays the log after answering, and a job quick enough to
# have written by then had its output twice (3 jobs in 200 on a loaded machine).
_ATTACH = {"stdout": True, "stderr": True, "stream": True, "logs": False}

Outcome = tuple[JobStatus, "int | None", "DockerException | None"]


def _retryable(error: DockerException) -> bool:
    return isinstance(error, _RETRYABLE) and not isinstance(error, JobTimeout)


def backoff_delay(spec: JobSpec, attempt: int) -> float:
    """Seconds before attempt ``attempt + 1``: doubling from ``retry_backoff``, jittered."""
    base = min(spec.retry_backoff * 2.0 ** (attempt - 1), MAX_BACKOFF)
    return base * random.uniform(0.5, 1.0)


class JobRunner:
    """Run jobs in containers, ``concurrency`` at a time, on one client.

    ::

        async with JobRunner(client, concurrency=8) as runner:
            result = await runner.run(JobSpec("busybox", ["echo", "hi"], timeout=30))
            handle = await runner.submit(spec)           # queued; await it later
            async for result in runner.map(specs):        # as they complete, bounded
                ...

    Leaving the block normally drains: every submitted job finishes, new ones
    are refused ([`RunnerClosed`][aiocontainers.jobs.RunnerClosed]). Leaving it with
    an exception, or cancelling the task, aborts: queued jobs are cancelled and
    running ones killed, every container removed. ``shutdown()`` does either
    from inside the block. ``max_queued`` makes ``submit()`` wait while that
    many jobs wait for a worker. ``labels`` go on every job's container (with
    ``aiocontainers.job=<job id>``); ``output_limit`` is the default bytes kept
    per stream; ``cleanup_timeout`` bounds each removal, which no cancellation
    interrupts.
    """

    @validated
    def __init__(
        self,
        client: DockerClient,
        concurrency: int = 4,
        *,
        max_queued: int | None = None,
        labels: Mapping[str, str] | None = None,
        output_limit: int = DEFAULT_OUTPUT_LIMIT,
        cleanup_timeout: float = 30.0,
    ) -> None:
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise InvalidArgument(f"concurrency must be a positive int, got {concurrency!r}")
        if max_queued is not None and max_queued < 1:
            raise InvalidArgument(f"max_queued must be positive or None, got {max_queued!r}")
        if output_limit < 1:
            raise InvalidArgument(f"output_limit must be positive, got {output_limit!r}")
        if not cleanup_timeout > 0:
            raise InvalidArgument(f"cleanup_timeout must be positive, got {cleanup_timeout!r}")
        self.client = client
        self.concurrency = concurrency
        self.max_queued = max_queued
        self.labels = dict(labels or {})
        self.output_limit = output_limit
        self.cleanup_timeout = cleanup_timeout
        self._state: Literal["new", "running", "closing", "closed"] = "new"
        self._counts = {status: 0 for status in JobCounters.__dataclass_fields__}
        self._active = 0
        self._idle: anyio.Event | None = None
        self._running: set[JobHandle] = set()
        self._feeders: set[anyio.CancelScope] = set()  # of the map()s still taking specs
        self._task_group: TaskGroup | None = None
        self._send: MemoryObjectSendStream[JobHandle] | None = None
        self._receive: MemoryObjectReceiveStream[JobHandle] | None = None

    def __repr__(self) -> str:
        return f"<JobRunner {self._state} concurrency={self.concurrency} {self.counters}>"

    @property
    def counters(self) -> JobCounters:
        """How many jobs are queued and running, and how many ended in each way."""
        return JobCounters(**self._counts)

    @property
    def accepting(self) -> bool:
        """True while ``submit()`` takes jobs (inside the block, before any shutdown)."""
        return self._state == "running"

    # -- lifecycle ------------------------------------------------------------

    async def __aenter__(self) -> Self:
        if self._state != "new":
            raise RunnerClosed("a JobRunner runs once; create a new one")
        buffer = math.inf if self.max_queued is None else self.max_queued
        self._send, self._receive = anyio.create_memory_object_stream[JobHandle](buffer)
        task_group = anyio.create_task_group()
        await task_group.__aenter__()
        self._task_group = task_group
        for _ in range(self.concurrency):
            task_group.start_soon(self._worker, self._receive.clone())
        self._state = "running"
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        assert self._task_group is not None
        try:
            if exc_type is None:
                await self.shutdown("drain")
        except BaseException as error:
            await self._abort()
            await self._close(error)
            raise
        if exc is not None:
            await self._abort()
        await self._close(exc)
        return None

    async def _close(self, error: BaseException | None) -> None:
        """Wait for the workers to end (every job is done by now) and close the queue.

        A cancellation is handed to the task group (anyio tracks it there); any
        other error is left to propagate as it is, not wrapped in a group.
        """
        assert self._task_group is not None
        cancelled = isinstance(error, anyio.get_cancelled_exc_class())
        try:
            if cancelled:
                assert error is not None
                await self._task_group.__aexit__(type(error), error, error.__traceback__)
            else:
                await self._task_group.__aexit__(None, None, None)
        finally:
            self._state = "closed"
            if self._receive is not None:
                self._receive.close()

    @validated
    async def shutdown(
        self, mode: Literal["drain", "abort"] = "drain", *, timeout: float | None = None
    ) -> None:
        """Stop taking jobs, then let every submitted job finish (``drain``) or cancel
        them all (``abort``). A drain that takes longer than ``timeout`` seconds
        becomes an abort. Returns once every job is done and its container gone."""
        if mode not in ("drain", "abort"):
            raise InvalidArgument(f"mode must be 'drain' or 'abort', got {mode!r}")
        self._stop_intake()
        if mode == "drain":
            with anyio.move_on_after(timeout):
                await self._wait_idle()
                return
        await self._abort()

    def _stop_intake(self) -> None:
        if self._state == "running":
            self._state = "closing"
            assert self._send is not None
            self._send.close()
        for feeder in self._feeders:  # a map() nobody reads any more must not hold us
            feeder.cancel()

    async def _abort(self) -> None:
        """Cancel every queued and running job; wait (shielded) until all are done."""
        self._stop_intake()
        with anyio.CancelScope(shield=True):
            if self._receive is not None:
                while True:
                    try:
                        handle = self._receive.receive_nowait()
                    except (anyio.WouldBlock, anyio.EndOfStream, anyio.ClosedResourceError):
                        break
                    handle.cancel()
            for handle in list(self._running):
                handle.cancel()
            await self._wait_idle()

    async def _wait_idle(self) -> None:
        while self._active:
            if self._idle is None:
                self._idle = anyio.Event()
            await self._idle.wait()

    # -- submitting -------------------------------------------------------------

    @validated
    async def submit(self, spec: JobSpec) -> JobHandle:
        """Queue a job and return its handle at once (or, with ``max_queued``, once
        there is room)."""
        if not isinstance(spec, JobSpec):
            raise InvalidArgument(f"submit() takes a JobSpec, got {type(spec).__name__}")
        if self._state != "running" or self._send is None:
            raise RunnerClosed(
                "this JobRunner is not running (use `async with JobRunner(...)`)"
                if self._state == "new"
                else "this JobRunner is shutting down and takes no new jobs"
            )
        handle = JobHandle(uuid.uuid4().hex[:16], spec, self)
        self._active += 1
        self._counts["queued"] += 1
        try:
            await self._send.send(handle)
        except BaseException as exc:
            self._active -= 1
            self._counts["queued"] -= 1
            self._check_idle()
            if isinstance(exc, (anyio.ClosedResourceError, anyio.BrokenResourceError)):
                raise RunnerClosed("this JobRunner shut down while the job waited") from None
            raise
        return handle

    @validated
    async def run(self, spec: JobSpec) -> JobResult:
        """Run one job and return its result (see
        [`JobHandle.result()`][aiocontainers.jobs.JobHandle.result]).

        Cancelling the caller cancels the job and waits (bounded) for its
        container's removal before the cancellation goes on.
        """
        handle = await self.submit(spec)
        try:
            return await handle.result()
        except BaseException:
            if handle.cancel():
                with anyio.CancelScope(shield=True), anyio.move_on_after(self.cleanup_timeout):
                    await handle.wait()
            raise

    @validated
    def map(
        self, specs: Iterable[JobSpec] | AsyncIterable[JobSpec], *, window: int | None = None
    ) -> JobMap:
        """Run ``specs`` and yield each [`JobResult`][aiocontainers.jobs.JobResult] as its job ends
        (any ending:
        check ``result.status``; nothing is raised per job).

        At most ``window`` jobs (default twice ``concurrency``) are taken from
        ``specs`` and not yet yielded, so a producer of a million specs is read
        as results are consumed. Closing the iterator early cancels the jobs it
        started (``async with runner.map(specs) as results:`` does it for you).
        """
        if window is not None and window < 1:
            raise InvalidArgument(f"window must be positive, got {window!r}")
        return JobMap(self, specs, window or 2 * self.concurrency)

    # -- running --------------------------------------------------------------------

    async def _worker(self, queue: MemoryObjectReceiveStream[JobHandle]) -> None:
        async with queue:
            async for handle in queue:
                if handle.done():  # cancelled while it waited
                    continue
                await self._run(handle)

    async def _run(self, handle: JobHandle) -> None:
        self._counts["queued"] -= 1
        self._counts["running"] += 1
        self._running.add(handle)
        handle._status = "running"
        handle._started = time.perf_counter()
        outcome: Outcome | None = None
        try:
            with anyio.CancelScope() as scope:
                handle._scope = scope
                if handle._cancel_requested:
                    scope.cancel()
                outcome = await self._attempts(handle)
        except DockerException as exc:
            outcome = ("error", None, exc)
        except Exception as exc:  # a bug must not take the runner down: it ends the job
            error = DockerException(f"job {handle.id} failed unexpectedly: {exc!r}")
            error.__cause__ = exc
            outcome = ("error", None, error)
        finally:
            handle._scope = None
            self._running.discard(handle)
            self._finish(handle, outcome or ("cancelled", None, None))

    async def _attempts(self, handle: JobHandle) -> Outcome:
        spec = handle.spec
        output = handle._ensure_output()
        while True:
            handle._attempts += 1
            attempt = handle._attempts
            if attempt > 1:
                self._counts["retries"] += 1
                output.new_attempt()
            try:
                exit_code = await self._attempt(handle, output)
            except DockerException as exc:
                if attempt > spec.retries or not _retryable(exc):
                    raise
                await self._before_retry(handle, f"{type(exc).__name__}: {exc}")
                continue
            if exit_code is None:
                return ("timed_out", None, None)
            if exit_code in spec.retry_exit_codes and attempt <= spec.retries:
                await self._before_retry(handle, f"exit code {exit_code}")
                continue
            return ("succeeded" if exit_code == 0 else "failed", exit_code, None)

    async def _before_retry(self, handle: JobHandle, reason: str) -> None:
        delay = backoff_delay(handle.spec, handle._attempts)
        log_event(
            "docker.job.retry",
            level=logging.INFO,
            job=handle.id,
            attempt=handle._attempts,
            delay=round(delay, 3),
            reason=reason,
        )
        await anyio.sleep(delay)

    async def _attempt(self, handle: JobHandle, output: JobOutput) -> int | None:
        """One container from create to removal: its exit code, or None on timeout."""
        spec = handle.spec
        container: Container | None = None
        try:
            container = await self._create(handle)
            handle._container_id = container.id
            attached, exited = await container._attach_first_run(_ATTACH, DemuxedDecoder)
            try:
                await container.start()
                log_event(
                    "docker.job.started",
                    level=logging.INFO,
                    job=handle.id,
                    id=container.id,
                    image=spec.image,
                    attempt=handle._attempts,
                )
                reading = anyio.CancelScope()
                killed = anyio.Event()
                status: dict[str, Any] = {}
                failure: DockerException | None = None
                async with anyio.create_task_group() as tasks:
                    if spec.timeout is not None:
                        tasks.start_soon(self._kill_at, spec.timeout, container, reading, killed)
                    with reading:
                        try:
                            async for out, err in attached:
                                if out:
                                    output.feed("stdout", out)
                                if err:
                                    output.feed("stderr", err)
                            status = await exited.result()
                        except DockerException as exc:  # raised as itself, not in a group
                            failure = exc
                    tasks.cancel_scope.cancel()
                if failure is not None:
                    raise failure
            finally:
                attached.close()
                exited.close()
            return None if killed.is_set() else int(status["StatusCode"])
        finally:
            if container is not None:
                await self._remove(handle, container)

    async def _kill_at(
        self, timeout: float, container: Container, reading: anyio.CancelScope, killed: anyio.Event
    ) -> None:
        """After ``timeout``, kill the job's container; its output then ends by itself,
        complete up to the kill. ``reading`` is cancelled if it does not end in time."""
        await anyio.sleep(timeout)
        killed.set()
        with anyio.move_on_after(self.cleanup_timeout):
            try:
                await container.kill()
            except DockerException:  # exited meanwhile, or the daemon fails: removal follows
                pass
            await anyio.sleep(self.cleanup_timeout)  # cancelled when the output ends
        reading.cancel()

    async def _create(self, handle: JobHandle) -> Container:
        spec = handle.spec
        options = spec.create_options({**self.labels, JOB_LABEL: handle.id})
        containers = self.client.containers
        try:
            return await containers._create_unseen(spec.image, spec.command, **options)
        except ImageNotFound:
            await self.client.images.pull(spec.image, platform=spec.options.get("platform"))
            return await containers._create_unseen(spec.image, spec.command, **options)

    async def _remove(self, handle: JobHandle, container: Container) -> None:
        """Force-remove (killing it if it runs); shielded, bounded, never raises."""
        with anyio.CancelScope(shield=True):
            problem = f"no answer within {self.cleanup_timeout} s"
            with anyio.move_on_after(self.cleanup_timeout):
                try:
                    await container.remove(force=True, v=True)
                    return
                except NotFound:
                    return
                except DockerException as exc:
                    problem = str(exc)
            log_event(
                "docker.job.cleanup_failed",
                level=logging.WARNING,
                job=handle.id,
                id=container.id,
                error=problem,
            )

    def _finish(self, handle: JobHandle, outcome: Outcome) -> None:
        """Record how the job ended, update the counts, wake whoever waits."""
        status, exit_code, error = outcome
        was_running = handle._status == "running"
        output = handle._output
        if output is not None:
            output.close()
        started = handle._started
        result = JobResult(
            job_id=handle.id,
            spec=handle.spec,
            status=status,
            exit_code=exit_code,
            stdout=output.stdout() if output else b"",
            stderr=output.stderr() if output else b"",
            stdout_dropped=output.dropped("stdout") if output else 0,
            stderr_dropped=output.dropped("stderr") if output else 0,
            duration=0.0 if started is None else time.perf_counter() - started,
            attempts=handle._attempts,
            container_id=handle._container_id,
            error=error,
        )
        if status == "timed_out":
            assert handle.spec.timeout is not None
            error = JobTimeout(result, handle.spec.timeout)
        elif status == "cancelled":
            error = JobCancelled(result)
        if error is not result.error:
            object.__setattr__(result, "error", error)
        handle._status = status
        handle._result = result
        handle._error = error
        self._counts["running" if was_running else "queued"] -= 1
        self._counts[_COUNTER[status]] += 1
        self._active -= 1
        log_event(
            "docker.job.finished",
            level=logging.INFO,
            job=handle.id,
            status=status,
            exit_code=exit_code,
            attempts=handle._attempts,
            duration=round(result.duration, 6),
            stdout_dropped=result.stdout_dropped,
            stderr_dropped=result.stderr_dropped,
            error=None if error is None else str(error),
        )
        if handle._done is not None:
            handle._done.set()
        callbacks, handle._callbacks = handle._callbacks, None
        for callback in callbacks or ():
            callback(handle)
        self._check_idle()

    def _check_idle(self) -> None:
        if not self._active and self._idle is not None:
            self._idle.set()
            self._idle = None


_COUNTER: dict[JobStatus, str] = {
    "succeeded": "succeeded",
    "failed": "failed",
    "timed_out": "timed_out",
    "cancelled": "cancelled",
    "error": "errors",
}
