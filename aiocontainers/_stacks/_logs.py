"""The merged output of a stack's containers: one async iterator of ``StackLogRecord``.

Each container's log stream is read by its own task, owned by the
[`StackLogs`][aiocontainers.StackLogs] object (never by an async generator), which hands records
over through a small bounded queue. Closing it (``aclose()``, leaving
``async with``, or dropping it) cancels the readers and frees their
connections at once.

When it follows, it also watches the daemon's events for containers of the
stack that start later (``running.scale()``, another process's ``up``) and
reads them too; the events are asked for from just before the stream began, so
a container started meanwhile is not missed (the ones already read are skipped).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Literal

from typing_extensions import Self

from .._streams import LogRecord
from .._validation import validated
from ..errors import NotFound
from ._labels import PROJECT, SERVICE, project_filter

if TYPE_CHECKING:
    from .._client import DockerClient
    from .._resources.containers import Container

__all__ = ["StackLogRecord", "StackLogs"]

_QUEUE_SIZE = 256
_DONE = object()
_EVENT_SLACK = 1.0  # seconds of events asked for from before the stream began


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
    container it reads has stopped; until then, containers of the stack that
    start later are read too (when it knows the stack: ``project``).
    """

    def __init__(
        self,
        sources: Sequence[tuple[str, Container]] | None,
        *,
        follow: bool,
        tail: int | Literal["all"],
        timestamps: bool,
        client: DockerClient | None = None,
        project: str | None = None,
        services: Sequence[str] | None = None,
    ) -> None:
        self._sources = None if sources is None else list(sources)
        self._follow = follow
        self._tail = tail
        self._timestamps = timestamps
        self._client = client
        self._project = project
        self._services = None if services is None else set(services)
        self._began = time.time()
        self._queue: asyncio.Queue[object] = asyncio.Queue(_QUEUE_SIZE)
        self._tasks: list[asyncio.Task[None]] = []
        self._known: set[str] = set()
        self._running = 0
        self._started = False
        self._closed = False

    def _wanted(self, service: str) -> bool:
        return self._services is None or service in self._services

    async def _read(self, service: str, container: Container, tail: int | Literal["all"]) -> None:
        try:
            async with container.logs(
                stream=True,
                follow=self._follow,
                tail=tail,
                timestamps=self._timestamps,
                records=True,
            ) as stream:
                async for record in stream:
                    await self._queue.put(_record(service, container, record))
        except Exception as exc:
            await self._queue.put(exc)
        finally:
            await self._queue.put(_DONE)

    def _spawn(self, service: str, container: Container, tail: int | Literal["all"]) -> None:
        """Read ``container`` (once): a task, counted until it puts its end marker."""
        if container.id in self._known or self._closed:
            return
        self._known.add(container.id)
        self._running += 1
        loop = asyncio.get_running_loop()
        self._tasks.append(loop.create_task(self._read(service, container, tail)))

    async def _discover(self) -> None:
        """Find the project's containers (when no sources were given), then end."""
        assert self._client is not None and self._project is not None
        try:
            found = await self._client.containers.list(
                all=True, filters=project_filter(self._project), ignore_removed=True
            )
            for container in found:
                service = container.labels.get(SERVICE, "")
                if self._wanted(service):
                    self._spawn(service, container, self._tail)
        except Exception as exc:
            await self._queue.put(exc)
        finally:
            await self._queue.put(_DONE)

    async def _watch(self) -> None:
        """Read the containers of the project that start after the stream began."""
        assert self._client is not None
        events = self._client.events(
            since=self._began - _EVENT_SLACK,
            filters={
                "type": ["container"],
                "event": ["start"],
                "label": [f"{PROJECT}={self._project}"],
            },
        )
        try:
            async with events:
                async for event in events:
                    service = event.attributes.get(SERVICE, "")
                    if event.id in self._known or not self._wanted(service):
                        continue
                    try:
                        container = await self._client.containers.get(event.id)
                    except NotFound:
                        continue
                    self._spawn(service, container, "all")
        except Exception as exc:  # ends the iteration with the error, as a reader's does
            await self._queue.put(exc)

    def _start(self) -> None:
        self._started = True
        loop = asyncio.get_running_loop()
        if self._sources is None:
            self._running += 1
            self._tasks.append(loop.create_task(self._discover()))
        else:
            for service, container in self._sources:
                self._spawn(service, container, self._tail)
        if self._follow and self._client is not None and self._project is not None:
            self._tasks.append(loop.create_task(self._watch()))

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
