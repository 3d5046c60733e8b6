"""``runner.map(specs)``: results as jobs end, with specs taken only as results are consumed."""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterable, Iterable
from types import TracebackType
from typing import TYPE_CHECKING

import anyio
from typing_extensions import Self

from .._validation import validated
from ..errors import RunnerClosed
from ._spec import JobResult, JobSpec

if TYPE_CHECKING:
    from ._handle import JobHandle
    from ._runner import JobRunner

__all__ = ["JobMap"]


class JobMap:
    """The results of ``runner.map(specs)`` as jobs end; an async iterator and context.

    A feeder task (in the runner's task group) takes specs and submits them
    while fewer than ``window`` are taken and not yet yielded. Closing
    (``aclose()``, leaving ``async with``, or dropping the object) stops the
    feeder and cancels the jobs not yet yielded; ``aclose()`` also waits for
    their containers' removal.
    """

    def __init__(
        self, runner: JobRunner, specs: Iterable[JobSpec] | AsyncIterable[JobSpec], window: int
    ) -> None:
        self._runner = runner
        self._specs = specs
        self._window = window
        self._slots: anyio.Semaphore | None = None
        self._feeder = anyio.CancelScope()
        self._pending: set[JobHandle] = set()
        self._results: deque[JobResult] = deque()
        self._error: BaseException | None = None
        self._fed = False
        self._started = False
        self._closed = False
        self._wake: anyio.Event | None = None

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> JobResult:
        if not self._started:
            self._start()
        assert self._slots is not None
        while True:
            if self._results:
                self._slots.release()
                return self._results.popleft()
            if self._error is not None:
                error, self._error = self._error, None
                await self.aclose()
                raise error
            if self._closed or (self._fed and not self._pending):
                raise StopAsyncIteration
            self._wake = anyio.Event()
            await self._wake.wait()

    def _start(self) -> None:
        runner = self._runner
        if runner._state != "running" or runner._task_group is None:
            raise RunnerClosed("map() needs a running JobRunner (inside `async with`)")
        self._started = True
        self._slots = anyio.Semaphore(self._window)
        runner._feeders.add(self._feeder)
        runner._task_group.start_soon(self._feed)

    async def _feed(self) -> None:
        assert self._slots is not None
        with self._feeder:
            try:
                if isinstance(self._specs, AsyncIterable):
                    async for spec in self._specs:
                        await self._submit(spec)
                else:
                    for spec in self._specs:
                        await self._submit(spec)
            except Exception as exc:
                self._error = exc
            finally:
                self._runner._feeders.discard(self._feeder)
        self._fed = True
        self._signal()

    async def _submit(self, spec: JobSpec) -> None:
        assert self._slots is not None
        await self._slots.acquire()
        handle = await self._runner.submit(spec)
        self._pending.add(handle)
        handle._on_done(self._collect)

    def _collect(self, handle: JobHandle) -> None:
        self._pending.discard(handle)
        if not self._closed and handle._result is not None:
            self._results.append(handle._result)
            self._signal()

    def _signal(self) -> None:
        if self._wake is not None:
            self._wake.set()
            self._wake = None

    def _cancel(self) -> list[JobHandle]:
        self._closed = True
        self._feeder.cancel()
        pending = list(self._pending)
        for handle in pending:
            handle.cancel()
        self._results.clear()
        self._signal()
        return pending

    @validated
    async def aclose(self) -> None:
        """Stop feeding, cancel the jobs not yet yielded, wait for their removal."""
        pending = self._cancel()
        with anyio.CancelScope(shield=True):
            for handle in pending:
                await handle.wait()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __del__(self) -> None:
        if not getattr(self, "_closed", True):
            self._cancel()
