"""Async iterators as ordinary iterators, without a thread hop per item.

A task in the portal's loop pumps the async iterator into a queue the
consuming thread reads, a bounded distance ahead (256 items or 4 MB), so a
stream of many small items (log lines) costs a queue operation per item, not
a round trip between threads. The pump starts on the first ``next()``.
Closing (``close()``, leaving ``with``, or dropping the iterator) cancels the
pump and ``aclose()``s the async iterator in the loop, which releases its
connection.
"""

from __future__ import annotations

import asyncio
import queue
from collections.abc import AsyncIterator, Callable
from typing import Any

from ._portal import Portal, PortalClosed

__all__ = ["Pump"]

_HIGH_ITEMS = 256
_HIGH_BYTES = 4 << 20

_ITEM, _END, _ERROR = 0, 1, 2
_SIZED = (bytes, bytearray, str, memoryview)


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
        self._queue: queue.SimpleQueue[tuple[int, Any, int]] = queue.SimpleQueue()
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
        kind, value, size = self._queue.get()
        if kind == _ITEM:
            self._consumed_items += 1
            self._consumed_bytes += size
            if self._waiting and not self._over(_HIGH_ITEMS // 2, _HIGH_BYTES // 2):
                self._waiting = False
                self._wake()
            return value
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

    async def _pump(self) -> None:
        if self._closed:
            return
        self._task = asyncio.current_task()
        self._resume = asyncio.Event()
        put = self._queue.put
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
                try:
                    item = await anext()
                except StopAsyncIteration:
                    put((_END, None, 0))
                    return
                size = len(item) if isinstance(item, _SIZED) else 0
                self._produced_items += 1
                self._produced_bytes += size
                put((_ITEM, item, size))
        except asyncio.CancelledError:
            put((_ERROR, PortalClosed("the stream was closed"), 0))
            raise
        except BaseException as exc:
            if self._on_error is not None:
                self._on_error(exc)
            put((_ERROR, exc, 0))

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
