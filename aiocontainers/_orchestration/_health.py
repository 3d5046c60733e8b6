"""``wait_until_healthy``: wait for many containers' health checks at once, woken by events.

One events subscription per client covers every container waited for
(filtered to their ids and to ``health_status``, ``die`` and ``destroy``),
so a container is re-inspected only when the daemon reports a change: the
wait returns within milliseconds of the ``health_status: healthy`` event,
instead of half a polling interval later. When events cannot be had (or the
stream breaks), each container is re-inspected every ``poll_interval``
instead. The waits run concurrently in one task group; the first failure
cancels the others and is raised as it is, not wrapped in an exception group.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

import anyio
from anyio.abc import TaskStatus

from .._models import ContainerState
from .._resources.events import open_events
from ..errors import DockerException, InvalidArgument, NotFound, Timeout
from ._common import describe, log_tail, seconds
from ._errors import HealthCheckFailed

if TYPE_CHECKING:
    from .._client import DockerClient
    from .._resources.containers import Container

__all__ = ["wait_until_healthy"]

_HEALTHY_EVENT = "health_status: healthy"
# While events flow, a container is still re-inspected this often: a safety net
# for a daemon whose clock differs from ours (no event should ever be missed).
_EVENTS_SAFETY_POLL = 5.0
# A container in one of these states has exited (a restarting one, at least once).
_STOPPED = ("exited", "dead", "removing", "restarting")


class _Watch:
    """What the waiter of one container knows, and the event that wakes it."""

    def __init__(self, container: Container, feed: _EventFeed) -> None:
        self.container = container
        self.feed = feed
        self.wake = anyio.Event()
        self.status = "unknown"
        self.last_action: str | None = None

    def signal(self, action: str) -> None:
        self.last_action = action
        self.wake.set()


class _EventFeed:
    """One events subscription waking the watches of one client's containers."""

    def __init__(self, client: DockerClient) -> None:
        self.client = client
        self.watches: dict[str, _Watch] = {}
        self.live = False

    async def run(self, *, task_status: TaskStatus[None]) -> None:
        stream = open_events(
            self.client.transport,
            filters={
                "type": ["container"],
                "container": sorted(self.watches),
                "event": ["health_status", "die", "destroy"],
            },
        )
        try:
            try:
                await stream.__aenter__()
            except DockerException:
                task_status.started()  # no events: the watches poll
                return
            self.live = True
            task_status.started()
            try:
                async for event in stream:
                    watch = self.watches.get(event.id)
                    if watch is not None:
                        watch.signal(event.action)
            except DockerException:
                pass
        finally:
            stream.close()
            if self.live:
                self.live = False
                for watch in self.watches.values():
                    watch.wake.set()  # switch to polling


async def _wait_one(watch: _Watch, poll_interval: float) -> None:
    container = watch.container
    name = describe(container)
    while True:
        try:
            await container.reload()
        except NotFound:
            raise HealthCheckFailed(
                container,
                f"container {name} was removed before it became healthy",
                status=watch.status,
            ) from None
        state = ContainerState.model_validate(container.attrs.get("State") or {})
        if state.health is None:
            raise InvalidArgument(
                f"container {name} has no health check; give it one "
                "(healthcheck=Healthcheck(...)) or wait with another readiness strategy"
            )
        watch.status = state.health.status or "unknown"
        if state.status in _STOPPED:
            logs = await log_tail(container)
            raise HealthCheckFailed(
                container,
                f"container {name} is {state.status} (exit code {state.exit_code}) "
                "and never became healthy" + (f"; last output:\n{logs}" if logs else ""),
                status=watch.status,
                exit_code=state.exit_code,
                logs=logs,
            )
        if watch.status == "healthy" or watch.last_action == _HEALTHY_EVENT:
            return
        if watch.status == "unhealthy":
            entries = state.health.log or []
            last = entries[-1] if entries else None
            output = (last.output or "").strip() if last else None
            detail = f" (exit code {last.exit_code}): {output}" if last else ""
            raise HealthCheckFailed(
                container,
                f"container {name} is unhealthy; last health check{detail}",
                status="unhealthy",
                output=output,
            )
        interval = _EVENTS_SAFETY_POLL if watch.feed.live else poll_interval
        with anyio.move_on_after(interval):
            await watch.wake.wait()
        watch.wake = anyio.Event()


async def wait_until_healthy(
    *containers: Container,
    timeout: float | timedelta | None = 60.0,
    poll_interval: float | timedelta = 0.5,
) -> None:
    """Wait until every container's health check reports ``healthy``.

    The containers are waited for concurrently. The first one that turns
    ``unhealthy``, exits or is removed fails the whole wait at once with
    :class:`HealthCheckFailed` (naming it, with its last probe output, or its
    exit code and last log lines) and the other waits are cancelled. A
    container without a health check raises :class:`~aiocontainers.InvalidArgument`.
    After ``timeout`` (seconds or ``timedelta``; ``None`` waits forever),
    :class:`~aiocontainers.Timeout` names the containers not healthy yet.
    Each container's ``attrs`` are fresh when this returns.

    Wakes on the daemon's ``health_status`` events; ``poll_interval`` is used
    only when the events stream is unavailable.
    """
    limit = seconds(timeout)
    interval = seconds(poll_interval, "poll_interval")
    if not interval:
        raise InvalidArgument(f"poll_interval must be positive, got {poll_interval!r}")
    unique: dict[str, Container] = {c.id: c for c in containers}
    if not unique:
        return
    feeds: dict[int, _EventFeed] = {}
    watches: list[_Watch] = []
    for container in unique.values():
        feed = feeds.setdefault(id(container.client), _EventFeed(container.client))
        watch = _Watch(container, feed)
        feed.watches[container.id] = watch
        watches.append(watch)

    failure: Exception | None = None
    with anyio.move_on_after(limit) as deadline:
        async with anyio.create_task_group() as tg:

            async def guarded(watch: _Watch) -> None:
                nonlocal failure
                try:
                    await _wait_one(watch, interval)
                except Exception as exc:
                    if failure is None:
                        failure = exc
                    tg.cancel_scope.cancel()

            for feed in feeds.values():
                await tg.start(feed.run)
            async with anyio.create_task_group() as waiters:
                for watch in watches:
                    waiters.start_soon(guarded, watch)
            tg.cancel_scope.cancel()  # all healthy: stop the event feeds
    if failure is not None:
        raise failure
    if deadline.cancelled_caught:
        pending = _pending(watches)
        raise Timeout(f"not healthy within {limit} s: {pending}")


def _pending(watches: Sequence[_Watch]) -> str:
    return ", ".join(
        f"{describe(w.container)} ({w.status})"
        for w in watches
        if w.status != "healthy" and w.last_action != _HEALTHY_EVENT
    )
