"""Concurrent steps of a stack operation, failing as the first failure itself."""

from __future__ import annotations

from collections.abc import Awaitable, Sequence

import anyio
import anyio.abc

__all__ = ["FirstFailure"]


class FirstFailure:
    """Runs groups of jobs concurrently (groups may nest): the first failure anywhere
    cancels the group it happened in, and every enclosing one, and is raised as itself,
    never wrapped in an ExceptionGroup."""

    def __init__(self) -> None:
        self.failure: BaseException | None = None

    async def run_all(self, jobs: Sequence[Awaitable[None]]) -> None:
        """Run ``jobs`` concurrently; raise the first failure once they all ended."""

        async def guarded(job: Awaitable[None], tg: anyio.abc.TaskGroup) -> None:
            try:
                await job
            except Exception as exc:
                if self.failure is None:
                    self.failure = exc
                tg.cancel_scope.cancel()

        async with anyio.create_task_group() as tg:
            for job in jobs:
                tg.start_soon(guarded, job, tg)
        if self.failure is not None:
            raise self.failure
