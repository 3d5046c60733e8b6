"""Clean-up a cancelled caller could not wait for, finished in the background.

When ``run()`` is cancelled while the daemon is still creating its container,
waiting for the answer would make the cancellation slow (or, against a
stalled daemon, endless); walking away would leave the container behind. The
client's :class:`Reaper` finishes such work instead: the caller returns at
once, and :meth:`DockerClient.close` waits for the reaper (a few seconds,
then cancels what is left, whose own clean-up then runs), so no task
outlives the client.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import anyio

from ._logging import log_event
from .errors import DockerException

__all__ = ["Reaper"]


class Reaper:
    """Background clean-up tasks owned by one client."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def pending(self) -> int:
        """Clean-up tasks not finished yet."""
        return len(self._tasks)

    def spawn(self, work: Callable[[], Awaitable[None]], what: str) -> None:
        """Run ``work`` in the background; a failure is logged, never raised."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop (an object collected at exit): nothing can run
            log_event("docker.cleanup_skipped", what=what)
            return
        task = loop.create_task(self._run(work, what), name=f"aiocontainers cleanup: {what}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, work: Callable[[], Awaitable[None]], what: str) -> None:
        try:
            await work()
        except DockerException as exc:
            log_event("docker.cleanup_failed", what=what, error=str(exc))

    async def aclose(self, grace: float | None) -> None:
        """Wait for pending clean-up (at most ``grace`` seconds), then cancel the rest."""
        with anyio.CancelScope(shield=True):
            if self._tasks:
                await asyncio.wait(set(self._tasks), timeout=grace)
            for task in set(self._tasks):
                task.cancel()
            if self._tasks:
                await asyncio.wait(set(self._tasks))
