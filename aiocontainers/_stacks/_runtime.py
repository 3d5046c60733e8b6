"""``client.stacks``: bring stacks up, find them, tear them down; ``RunningStack`` handles.

A stack is found by its labels, never by in-memory state, so ``ps()`` and
``down()`` work from any process, on stacks that ``docker compose`` started
too. ``up()`` returns an object that is both awaitable (the stack stays up)
and an async context manager (leaving the block tears it down, whatever
ended the block).
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from datetime import timedelta
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

import anyio

from .._arguments import Count, Name
from .._compose import Stack
from .._orchestration._common import seconds
from .._validation import validated
from ..errors import DockerException, InvalidArgument
from ._down import teardown
from ._events import StackEvents
from ._labels import CONTAINER_NUMBER, SERVICE, project_filter
from ._logs import StackLogs
from ._up import Starter

if TYPE_CHECKING:
    from .._client import DockerClient
    from .._resources.containers import Container

__all__ = ["RunningStack", "StackManager", "StackStart"]

DEFAULT_TIMEOUT = 120.0


def _by_service(containers: Sequence[Container]) -> list[Container]:
    return sorted(
        containers,
        key=lambda c: (
            c.labels.get(SERVICE, ""),
            int(c.labels.get(CONTAINER_NUMBER, "0") or 0),
        ),
    )


class RunningStack:
    """A stack that is up: its containers per service, its logs and events, and its end.

    ``async with`` it (or with ``client.stacks.up(...)``) to tear it down when
    the block ends.
    """

    def __init__(
        self,
        client: DockerClient,
        stack: Stack,
        containers: dict[str, list[Container]],
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        down_volumes: bool = False,
    ) -> None:
        self.client = client
        self.stack = stack
        self._containers = containers
        self._timeout = timeout
        self._down_volumes = down_volumes
        self._replicas = {key: len(found) for key, found in containers.items()}

    @property
    def name(self) -> str:
        """The project name."""
        return self.stack.name

    def __repr__(self) -> str:
        counts = ", ".join(f"{key}={len(found)}" for key, found in self._containers.items())
        return f"<RunningStack {self.name}: {counts}>"

    @validated
    def containers(self, service: str | None = None) -> list[Container]:
        """The containers of ``service`` (every service's when ``None``), replica 1 first.

        Handles as of ``up()``/``scale()``/``restart()``; ``await c.reload()`` refreshes.
        """
        if service is None:
            return [c for key in self.stack.services for c in self._containers.get(key, [])]
        self._check(service)
        return list(self._containers.get(service, []))

    def _check(self, service: str) -> None:
        if service not in self.stack.services:
            raise InvalidArgument(
                f"stack {self.name!r} has no service {service!r} "
                f"(services: {', '.join(self.stack.services)})"
            )

    @validated
    def logs(
        self,
        *,
        follow: bool = False,
        tail: int | Literal["all"] = "all",
        timestamps: bool = False,
        services: Sequence[str] | None = None,
    ) -> StackLogs:
        """The merged output of the stack's containers (``services`` to choose), as an
        async iterator of :class:`StackLogRecord` (no ``await``)."""
        for service in services or ():
            self._check(service)
        wanted = list(services) if services is not None else list(self.stack.services)
        sources = [(key, c) for key in wanted for c in self._containers.get(key, [])]
        return StackLogs(sources, follow=follow, tail=tail, timestamps=timestamps)

    @validated
    def events(self) -> StackEvents:
        """The supervisor feed: an async iterator of :class:`StackEvent` (no ``await``)."""
        return self.client.stacks.events(self.name)

    @validated
    async def ps(self) -> list[Container]:
        """The stack's containers as the daemon lists them now (by label)."""
        return await self.client.stacks.ps(self.name)

    @validated
    async def scale(self, service: str, replicas: Count) -> list[Container]:
        """Run ``replicas`` containers of ``service``: new ones are created and started
        (numbered after the others), surplus ones stopped and removed."""
        self._check(service)
        starter = Starter(
            self.client, self.stack, timeout=self._timeout, replicas={service: replicas}
        )
        self._containers[service] = await starter.reconcile(service)
        self._replicas[service] = replicas
        return list(self._containers[service])

    @validated
    async def restart(self, service: str, timeout: float | timedelta | None = None) -> None:
        """Restart the containers of ``service`` (each with its grace period, or
        ``timeout`` seconds), then those of services that depend on it with ``restart: true``."""
        self._check(service)
        grace = seconds(timeout)
        todo = [service]
        todo += [
            key
            for key, config in self.stack.services.items()
            if service in config.depends_on and config.depends_on[service].restart
        ]
        for key in todo:
            async with anyio.create_task_group() as tg:
                for container in self._containers.get(key, []):
                    tg.start_soon(_restart, container, grace)

    @validated
    async def down(self, *, volumes: bool = False, timeout: float | None = None) -> None:
        """Tear the stack down (see :meth:`StackManager.down`)."""
        await self.client.stacks.down(self.name, volumes=volumes, timeout=timeout)

    async def __aenter__(self) -> RunningStack:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        errors = await teardown(self.client, self.name, volumes=self._down_volumes)
        if errors and exc is None:
            raise DockerException(f"stack {self.name!r} was not fully removed: {errors[0]}")


async def _restart(container: Container, grace: float | None) -> None:
    await container.restart(timeout=grace)
    await container.reload()


class StackStart:
    """What ``client.stacks.up(stack)`` returns: ``await`` it, or ``async with`` it."""

    def __init__(self, manager: StackManager, stack: Stack, options: dict[str, Any]) -> None:
        self._manager = manager
        self._stack = stack
        self._options = options
        self._running: RunningStack | None = None

    def __await__(self) -> Generator[Any, None, RunningStack]:
        return self._manager._start(self._stack, **self._options).__await__()

    async def __aenter__(self) -> RunningStack:
        self._running = await self._manager._start(self._stack, **self._options)
        return self._running

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._running is not None
        await self._running.__aexit__(exc_type, exc, tb)


class StackManager:
    """``client.stacks``: multi-container stacks (Compose projects) on this daemon."""

    def __init__(self, client: DockerClient) -> None:
        self.client = client

    @validated
    def up(
        self,
        stack: Stack,
        *,
        timeout: float | timedelta | None = DEFAULT_TIMEOUT,
        keep_on_failure: bool = False,
        remove_orphans: bool = False,
        down_volumes: bool = False,
    ) -> StackStart:
        """Start ``stack``: ``running = await client.stacks.up(stack)``, or
        ``async with client.stacks.up(stack) as running:`` to tear it down on leaving.

        Services start in dependency order, independent ones concurrently; a
        ``depends_on`` condition (``service_healthy``, ``service_completed_successfully``)
        is waited for up to ``timeout`` seconds. If a service fails, a
        :class:`~aiocontainers.ServiceFailed` names it with its last output, and
        the stack is torn down unless ``keep_on_failure``. On a stack that is
        up already, unchanged containers are kept and changed ones recreated;
        ``remove_orphans`` also removes containers of services no longer in the
        stack. ``down_volumes``: leaving the ``async with`` block removes the
        stack's volumes too.
        """
        options = {
            "timeout": seconds(timeout),
            "keep_on_failure": keep_on_failure,
            "remove_orphans": remove_orphans,
            "down_volumes": down_volumes,
        }
        return StackStart(self, stack, options)

    async def _start(
        self,
        stack: Stack,
        *,
        timeout: float | None,
        keep_on_failure: bool,
        remove_orphans: bool,
        down_volumes: bool,
    ) -> RunningStack:
        starter = Starter(self.client, stack, timeout=timeout)
        try:
            containers = await starter.up(remove_orphans=remove_orphans)
        except BaseException:
            if not keep_on_failure:
                await teardown(self.client, stack.name)
            raise
        return RunningStack(
            self.client, stack, containers, timeout=timeout, down_volumes=down_volumes
        )

    @validated
    async def ps(self, name: Name) -> list[Container]:
        """Every container of the stack ``name`` (running or not), by service and number."""
        return _by_service(
            await self.client.containers.list(
                all=True, filters=project_filter(name), ignore_removed=True
            )
        )

    @validated
    async def ls(self) -> list[str]:
        """The names of the stacks that have containers on this daemon, sorted."""
        rows = await self.client.containers.list(
            all=True, filters={"label": ["com.docker.compose.project"]}, sparse=True
        )
        return sorted(
            {c.attrs.get("Labels", {}).get("com.docker.compose.project", "") for c in rows}
        )

    @validated
    async def down(
        self, name: Name, *, volumes: bool = False, timeout: float | timedelta | None = None
    ) -> None:
        """Stop and remove the stack ``name``: containers in reverse dependency order,
        each with its grace period, then its networks; its volumes with ``volumes=True``.

        Finds the stack by its labels (one started by ``docker compose`` too).
        Shielded from cancellation, and bounded by ``timeout`` (default: the
        longest grace period plus 30 s), after which what is left is killed.
        Raises if something could not be removed, after trying everything.
        """
        errors = await teardown(self.client, name, volumes=volumes, timeout=seconds(timeout))
        if errors:
            raise DockerException(f"stack {name!r} was not fully removed: {'; '.join(errors)}")

    @validated
    def events(self, name: Name) -> StackEvents:
        """The supervisor feed of stack ``name``: an async iterator of
        :class:`StackEvent` (service started, restarted, exited, healthy, unhealthy)."""
        stream = self.client.events(
            filters={
                "type": ["container"],
                "label": [f"com.docker.compose.project={name}"],
                "event": ["start", "die", "health_status"],
            }
        )
        return StackEvents(stream)
