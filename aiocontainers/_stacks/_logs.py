"""The merged output of a stack's containers: one async iterator of ``StackLogRecord``.

Each container's log stream is read by its own task, owned by the
:class:`StackLogs` object (never by an async generator), which hands records
over through a small bounded queue. Closing it (``aclose()``, leaving
``async with``, or dropping it) cancels the readers and frees their
connections at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Literal

from typing_extensions import Self

from .._streams import LogRecord
from .._validation import validated

if TYPE_CHECKING:
    from .._resources.containers import Container

__all__ = ["StackLogRecord", "StackLogs"]

_QUEUE_SIZE = 256
_DONE = object()


@dataclass(frozen=True, slots=True)
class StackLogRecord:
    """One line of a stack's output: which service and container wrote it, on which stream."""

    service: str
    container: str
    stream: Literal["stdout", "stderr"]
    line: str
    timestamp: datetime | None = None


class StackLogs:
    """Async iterator over the merged, line-by-line output of several containers.

    Lines of one container keep their order; lines of different containers
    interleave as they arrive. With ``follow=True`` it ends once every
    container has stopped.
    """

    def __init__(
        self,
        sources: Sequence[tuple[str, Container]],
        *,
        follow: bool,
        tail: int | Literal["all"],
        timestamps: bool,
    ) -> None:
        self._sources = list(sources)
        self._follow = follow
        self._tail = tail
        self._timestamps = timestamps
        self._queue: asyncio.Queue[object] = asyncio.Queue(_QUEUE_SIZE)
        self._tasks: list[asyncio.Task[None]] = []
        self._running = 0
        self._started = False
        self._closed = False

    async def _read(self, service: str, container: Container) -> None:
        try:
            async with container.logs(
                stream=True,
                follow=self._follow,
                tail=self._tail,
                timestamps=self._timestamps,
                records=True,
            ) as stream:
                async for record in stream:
                    await self._queue.put(_record(service, container, record))
        except Exception as exc:
            await self._queue.put(exc)
        finally:
            await self._queue.put(_DONE)

    def _start(self) -> None:
        self._started = True
        loop = asyncio.get_running_loop()
        for service, container in self._sources:
            self._tasks.append(loop.create_task(self._read(service, container)))
        self._running = len(self._tasks)

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> StackLogRecord:
        if not self._started and not self._closed:
            self._start()
        while self._running and not self._closed:
            item = await self._queue.get()
            if item is _DONE:
                self._running -= 1
                continue
            if isinstance(item, Exception):
                self.close()
                raise item
            assert isinstance(item, StackLogRecord)
            return item
        self.close()
        raise StopAsyncIteration

    @validated
    def close(self) -> None:
        """Stop reading: the readers are cancelled and their connections freed."""
        self._closed = True
        for task in self._tasks:
            task.cancel()

    @validated
    async def aclose(self) -> None:
        """Stop reading and wait until every reader has finished."""
        self.close()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

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
        for task in self._tasks:
            if not task.done():
                task.cancel()


def _record(service: str, container: Container, record: LogRecord) -> StackLogRecord:
    return StackLogRecord(
        service=service,
        container=container.name or container.short_id,
        stream=record.stream,
        line=record.text.rstrip("\n"),
        timestamp=record.timestamp,
    )
