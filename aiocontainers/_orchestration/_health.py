"""``wait_until_healthy``: wait for many containers' health checks at once, woken by events.

Every wait on one client shares one events subscription (a `_Hub`,
filtered to the waited containers' ids and to ``health_status``, ``die`` and
``destroy``; a wait that adds a container re-subscribes it), so any number
of concurrent waits holds a single pooled connection, and a
container is re-inspected only when the daemon reports a change: the wait
returns within milliseconds of the ``health_status: healthy`` event instead
of half a polling interval later. The subscription is run by one of the
waiting calls at a time; when that call returns, another takes over and
resumes from the last event seen (the daemon replays what happened in
between). When events cannot be had, each container is re-inspected every
``poll_interval`` instead. The waits of one call run concurrently in one task
group; the first failure cancels the others and is raised as it is, not
wrapped in an exception group.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

import anyio

from .._engine import PODMAN, engine_product
from .._models import ContainerConfig, ContainerState, HealthConfig
from .._resources.events import format_nanos, open_events
from .._validation import validated
from ..errors import (
    DockerException,
    HealthCheckFailed,
    InvalidArgument,
    NotFound,
    NotReady,
    Timeout,
)
from ._common import describe, log_tail, seconds

if TYPE_CHECKING:
    from .._client import DockerClient
    from .._resources.containers import Container

__all__ = ["wait_until_healthy"]

_HEALTHY_EVENT = "health_status: healthy"
_NANOS = 1_000_000_000
# While events flow, a container is still re-inspected this often: a safety net
# for a daemon whose clock differs from ours (no event should ever be missed).
_EVENTS_SAFETY_POLL = 5.0
# How long to wait before trying to subscribe again after events failed.
_RESUBSCRIBE_DELAY = 1.0
# A handed-over subscription resumes this long before the previous one ended.
_HANDOVER_SLACK = _NANOS
# A container in one of these states has exited (a restarting one, at least once).
_STOPPED = ("exited", "dead", "removing", "restarting")
# Docker's defaults for a health check's interval and probe timeout.
_DEFAULT_PROBE = timedelta(seconds=30)
# How late a first probe's result may be before Podman is taken to run no checks.
_FIRST_PROBE_SLACK = timedelta(seconds=10)


async def _first_result_due(
    container: Container, state: ContainerState, config: HealthConfig | None
) -> datetime | None:
    """On Podman, when the first probe's result must be in if health checks run at all.

    Podman runs health checks from systemd timers, so without systemd none ever run (and
    it says so only in its own log). The first probe starts one interval after the
    container started and reports within its timeout; past that, plus slack for a loaded
    machine, the wait stops. ``None`` on Docker (it always runs them), once a probe has
    reported, or when the start time is unknown.
    """
    if state.started_at is None or (state.health is not None and state.health.log):
        return None
    if await engine_product(container.client.transport) != PODMAN:
        return None
    config = config or HealthConfig()
    interval = config.start_interval or config.interval or _DEFAULT_PROBE
    timeout = config.timeout or _DEFAULT_PROBE
    return state.started_at + 2 * interval + timeout + _FIRST_PROBE_SLACK


def _no_checks_run(container: Container, started_at: datetime) -> NotReady:
    """The error for a Podman that never ran the container's health check."""
    elapsed = (datetime.now(timezone.utc) - started_at).total_seconds()
    return NotReady(
        container,
        f"container {describe(container)} has run for {elapsed:.0f} s and no health check "
        "has reported, though the first was due: this Podman runs no health checks (it runs "
        "them with systemd timers, and there is no systemd); wait with another readiness "
        "strategy",
    )


class _Watch:
    """What the waiter of one container knows, and the event that wakes it."""

    def __init__(self, container: Container, hub: _Hub) -> None:
        self.container = container
        self.hub = hub
        self.wake = anyio.Event()
        self.status = "unknown"
        self.last_action: str | None = None

    def signal(self, action: str) -> None:
        self.last_action = action
        self.wake.set()


class _Hub:
    """The events subscription shared by every wait on one client."""

    def __init__(self, client: DockerClient) -> None:
        self.client = client
        self.watches: dict[str, set[_Watch]] = {}
        self.users = 0
        self.live = False
        self.running = False
        self.vacated = anyio.Event()
        # Events from here on are wanted: a new subscription asks for them (since=).
        self.since_nano = time.time_ns()
        self._subscribed: frozenset[str] = frozenset()  # the ids the stream filters on
        self._scope: anyio.CancelScope | None = None  # cancels the live stream

    def add(self, watch: _Watch) -> None:
        self.watches.setdefault(watch.container.id, set()).add(watch)
        if self._scope is not None and watch.container.id not in self._subscribed:
            self._scope.cancel()  # subscribe again, with this container's id

    def discard(self, watch: _Watch) -> None:
        watches = self.watches.get(watch.container.id)
        if watches is not None:
            watches.discard(watch)
            if not watches:
                del self.watches[watch.container.id]

    def _wake_all(self) -> None:
        for watches in self.watches.values():
            for watch in watches:
                watch.wake.set()

    async def participate(self) -> None:
        """Run the subscription while no other wait does; take it over when it is vacated."""
        while True:
            if self.running:
                await self.vacated.wait()
                continue
            self.running = True
            try:
                await self._subscribe()
            finally:
                self.running = False
                vacated, self.vacated = self.vacated, anyio.Event()
                vacated.set()

    async def _subscribe(self) -> None:
        while True:
            self._subscribed = frozenset(self.watches)
            stream = open_events(
                self.client.transport,
                since=format_nanos(self.since_nano),
                filters={
                    "type": ["container"],
                    "container": sorted(self._subscribed),
                    "event": ["health_status", "die", "destroy"],
                },
            )
            with anyio.CancelScope() as self._scope:
                try:
                    async with stream:
                        self.live = True
                        async for event in stream:
                            self.since_nano = max(self.since_nano, event.time_nano)
                            for watch in self.watches.get(event.id, ()):
                                watch.signal(event.action)
                except DockerException:
                    pass
                finally:
                    self.live = False
                    self.since_nano = max(self.since_nano, time.time_ns() - _HANDOVER_SLACK)
            resubscribe = self._scope.cancelled_caught
            self._scope = None
            if not resubscribe:
                self._wake_all()  # poll until a subscription is live again
                await anyio.sleep(_RESUBSCRIBE_DELAY)


_hubs: weakref.WeakKeyDictionary[DockerClient, _Hub] = weakref.WeakKeyDictionary()


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
        if state.health is None or not state.health.status:  # Podman: an empty status
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
        if watch.status == "healthy" or watch.last_action == _HEALTHY_EVENT:
            return
        interval = _EVENTS_SAFETY_POLL if watch.hub.live else poll_interval
        config = ContainerConfig.model_validate(container.attrs.get("Config") or {})
        due = await _first_result_due(container, state, config.healthcheck)
        if due is not None:
            left = (due - datetime.now(timezone.utc)).total_seconds()
            if left < 0:
                assert state.started_at is not None  # a due time needs a start time
                raise _no_checks_run(container, state.started_at)
            interval = min(interval, left + 0.05)
        with anyio.move_on_after(interval):
            await watch.wake.wait()
        watch.wake = anyio.Event()


@validated
async def wait_until_healthy(
    *containers: Container,
    timeout: float | timedelta | None = 60.0,
    poll_interval: float | timedelta = 0.5,
) -> None:
    """Wait until every container's health check reports ``healthy``.

    The containers are waited for concurrently. The first one that turns ``unhealthy``, exits or is
    removed fails the whole wait at once with
    [`HealthCheckFailed`][aiocontainers.HealthCheckFailed] (naming it, with its last probe output,
    or its exit code and last log lines) and the other waits are cancelled. A container without a
    health check raises [`InvalidArgument`][aiocontainers.errors.InvalidArgument]. On a Podman that
    runs no health checks (no systemd), [`NotReady`][aiocontainers.NotReady] says so once the first
    probe is overdue (two intervals plus the probe timeout plus 10 s). After ``timeout`` (seconds
    or ``timedelta``; ``None`` waits forever), [`Timeout`][aiocontainers.errors.Timeout] names the
    containers not healthy yet. Each container's ``attrs`` are fresh when this returns.

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
    hubs: list[_Hub] = []
    watches: list[_Watch] = []
    for container in unique.values():
        hub = _hubs.get(container.client)
        if hub is None:
            hub = _hubs[container.client] = _Hub(container.client)
        if hub not in hubs:
            hub.users += 1
            hubs.append(hub)
        watch = _Watch(container, hub)
        hub.add(watch)
        watches.append(watch)

    failure: Exception | None = None
    try:
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

                for hub in hubs:
                    tg.start_soon(hub.participate)
                async with anyio.create_task_group() as waiters:
                    for watch in watches:
                        waiters.start_soon(guarded, watch)
                tg.cancel_scope.cancel()  # all healthy: leave the subscription
    finally:
        for watch in watches:
            watch.hub.discard(watch)
        for hub in hubs:
            hub.users -= 1
            if not hub.users and _hubs.get(hub.client) is hub:
                del _hubs[hub.client]
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
