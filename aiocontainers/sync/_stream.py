"""Async iterators as ordinary iterators, without a thread hop per item.

A task in the portal's loop pumps the async iterator into a queue the
consuming thread reads, a bounded distance ahead (256 items or 4 MB). Items
that are ready without waiting (a decoded chunk holds many log lines) travel
as one batch: the pump steps each ``__anext__`` by hand and only when one has
to wait for I/O does it hand the batch over and let the step finish as a
normal await. So a stream of small items costs a list append and pop per
item, not a round trip between threads. The pump starts on the first
``next()``. Closing (``close()``, leaving ``with``, or dropping the iterator)
cancels the pump and ``aclose()``s the async iterator in the loop, which
releases its connection; a thread iterating meanwhile sees the iteration end.
"""

from __future__ import annotations

import asyncio
import collections
import queue
import types
from collections.abc import AsyncIterator, Callable, Generator
from typing import Any

from ._portal import Portal, PortalClosed

__all__ = ["Pump"]

_HIGH_ITEMS = 256
_HIGH_BYTES = 4 << 20

_ITEMS, _END, _ERROR = 0, 1, 2
_SIZED = (bytes, bytearray, str, memoryview)


@types.coroutine
def _resume(step: Any, yielded: Any) -> Generator[Any, Any, Any]:
    """Finish awaiting ``step`` (an awaitable's iterator) that already yielded ``yielded``."""
    while True:
        try:
            sent = yield yielded
        except GeneratorExit:
            step.close()
            raise
        except BaseException as exc:
            try:
                yielded = step.throw(exc)
            except StopIteration as stop:
                return stop.value
        else:
            try:
                yielded = step.send(sent)
            except StopIteration as stop:
                return stop.value


class Pump:
    """Moves one async iterator's items from the loop thread to the consuming thread."""

    def __init__(
        self,
        portal: Portal,
        source: Any,
        on_error: Callable[[BaseException], object] | None = None,
    ) -> None:
        """``source``: an async iterator or iterable; ``on_error`` adjusts raised exceptions."""
        self._portal = portal
        self._source = source
        self._on_error = on_error
        self._queue: queue.SimpleQueue[tuple[int, Any, int, int]] = queue.SimpleQueue()
        self._ready: collections.deque[Any] = collections.deque()
        self._task: asyncio.Task[None] | None = None
        self._started = False
        self._finished = False
        self._closed = False
        # Counters each written by one side only (the loop: produced, the consumer: consumed).
        self._produced_items = 0
        self._produced_bytes = 0
        self._consumed_items = 0
        self._consumed_bytes = 0
        self._waiting = False
        self._resume: asyncio.Event | None = None

    # -- consumer thread ---------------------------------------------------------

    def next(self) -> Any:
        """The next item; raises StopIteration at the end, or the stream's error."""
        ready = self._ready
        if ready:
            return ready.popleft()
        if self._finished:
            raise StopIteration
        if not self._started:
            self._started = True
            if self._portal.in_loop_thread():
                raise RuntimeError(
                    "a sync aiocontainers iterator was advanced from the client's own "
                    "event loop thread; use the async API there"
                )
            self._portal.spawn_threadsafe(self._pump)
        kind, value, count, size = self._queue.get()
        if kind == _ITEMS:
            self._consumed_items += count
            self._consumed_bytes += size
            if self._waiting and not self._over(_HIGH_ITEMS // 2, _HIGH_BYTES // 2):
                self._waiting = False
                self._wake()
            ready.extend(value)
            return ready.popleft()
        self._finished = True
        if kind == _END:
            raise StopIteration
        raise value

    def _over(self, items: int, size: int) -> bool:
        return (
            self._produced_items - self._consumed_items >= items
            or self._produced_bytes - self._consumed_bytes >= size
        )

    def _wake(self) -> None:
        resume = self._resume
        if resume is not None:
            try:
                self._portal.loop.call_soon_threadsafe(resume.set)
            except RuntimeError:  # loop closed: the pump is gone anyway
                pass

    def close(self) -> None:
        """Stop pumping and close the source (one call into the loop); twice is a no-op."""
        if self._closed:
            return
        self._closed = True
        self._finished = True
        self._ready.clear()
        if self._portal.closed:
            return
        self._portal.call(self._aclose)

    def abandon(self) -> None:
        """Close without waiting (garbage collection, any thread)."""
        if self._closed:
            return
        self._closed = True
        self._finished = True
        self._portal.spawn_threadsafe(self._aclose)

    # -- loop thread ---------------------------------------------------------------

    def _flush(self, batch: list[Any], size: int) -> None:
        self._produced_items += len(batch)
        self._produced_bytes += size
        self._queue.put((_ITEMS, batch, len(batch), size))

    async def _pump(self) -> None:
        if self._closed:
            return
        self._task = asyncio.current_task()
        self._resume = asyncio.Event()
        put = self._queue.put
        batch: list[Any] = []
        size = 0
        try:
            source = self._source
            iterator: AsyncIterator[Any] = (
                source if hasattr(source, "__anext__") else source.__aiter__()
            )
            self._source = iterator
            anext = iterator.__anext__
            while True:
                if self._over(_HIGH_ITEMS, _HIGH_BYTES):
                    self._waiting = True
                    # Re-check after announcing: the consumer may have drained meanwhile.
                    if self._over(_HIGH_ITEMS, _HIGH_BYTES):
                        await self._resume.wait()
                    self._resume.clear()
                    self._waiting = False
                    continue
                step = anext().__await__()
                try:
                    yielded = step.send(None)
                except StopIteration as done:  # ready without waiting: batch it
                    item = done.value
                else:  # it waits for I/O: hand the batch over, then finish the await
                    if batch:
                        self._flush(batch, size)
                        batch, size = [], 0
                    item = await _resume(step, yielded)
                batch.append(item)
                if isinstance(item, _SIZED):
                    size += len(item)
                if len(batch) >= _HIGH_ITEMS // 2 or size >= _HIGH_BYTES // 2:
                    self._flush(batch, size)
                    batch, size = [], 0
        except StopAsyncIteration:
            if batch:
                self._flush(batch, size)
            put((_END, None, 0, 0))
        except asyncio.CancelledError:
            # Closed by its owner (perhaps from another thread while one iterates): the
            # iteration ends, as docker-py's does. Cancelled otherwise: the portal is gone.
            if self._closed:
                put((_END, None, 0, 0))
            else:
                put((_ERROR, PortalClosed("the stream was closed"), 0, 0))
            raise
        except BaseException as exc:
            if batch:
                self._flush(batch, size)
            if self._on_error is not None:
                self._on_error(exc)
            put((_ERROR, exc, 0, 0))

    async def _aclose(self) -> None:
        task = self._task
        if task is not None and not task.done():
            task.cancel()
            await asyncio.wait([task])
        source = self._source
        aclose = getattr(source, "aclose", None)
        if aclose is not None:
            await aclose()
        else:
            close = getattr(source, "close", None)
            if close is not None:
                close()
