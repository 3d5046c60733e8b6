"""``client.stacks``: bring stacks up, find them, tear them down; ``RunningStack`` handles.

A stack is found by its labels, never by in-memory state, so ``ps()`` and
``down()`` work from any process, on stacks that ``docker compose`` started
too. ``up()`` returns an object that is both awaitable (the stack stays up)
and an async context manager (leaving the block tears it down, whatever
ended the block).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Generator, Sequence
from datetime import timedelta
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

import anyio

from .._arguments import Count, Name, Tail
from .._compose import Stack
from .._orchestration._common import seconds
from .._validation import validated
from ..errors import ComposeError, DockerException, InvalidArgument
from ._deploy import Deployment, remove_swarm_stack
from ._deployed import DeployedStack
from ._down import teardown
from ._events import StackEvents
from ._labels import CONTAINER_NUMBER, SERVICE, project_filter
from ._logs import StackLogs
from ._to_swarm import namespace_filter
from ._translate import swarm_only_settings
from ._up import Starter

if TYPE_CHECKING:
    from .._client import DockerClient
    from .._resources.containers import Container
    from .._resources.services import Service

__all__ = ["RunningStack", "StackDeploy", "StackManager", "StackStart"]

DEFAULT_TIMEOUT = 120.0
DEFAULT_MONITOR = 1.0


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
        tail: Tail = "all",
        timestamps: bool = False,
        services: Sequence[str] | None = None,
    ) -> StackLogs:
        """The merged output of the stack's containers (``services`` to choose), as an
        async iterator of [`StackLogRecord`][aiocontainers.StackLogRecord] (no ``await``).
        Following, it also
        reads containers that start later (``scale()``) and ends once all have stopped."""
        for service in services or ():
            self._check(service)
        wanted = list(services) if services is not None else list(self.stack.services)
        sources = [(key, c) for key in wanted for c in self._containers.get(key, [])]
        return StackLogs(
            sources,
            follow=follow,
            tail=tail,
            timestamps=timestamps,
            client=self.client,
            project=self.name,
            services=wanted,
        )

    @validated
    def events(self) -> StackEvents:
        """The supervisor feed: an async iterator of [`StackEvent`][aiocontainers.StackEvent] (no
        ``await``)."""
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
        """Tear the stack down (see
        [`StackManager.down()`][aiocontainers._stacks.StackManager.down])."""
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


class _Handle(Protocol):
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


HandleT = TypeVar("HandleT", bound=_Handle)


class _Pending(Generic[HandleT]):
    """A stack being started: ``await`` it for its handle, or ``async with`` it to end
    the stack when the block ends (the handle's ``__aexit__``)."""

    def __init__(self, start: Callable[[], Awaitable[HandleT]]) -> None:
        self._start = start
        self._handle: HandleT | None = None

    def __await__(self) -> Generator[Any, None, HandleT]:
        return self._start().__await__()

    async def __aenter__(self) -> HandleT:
        self._handle = await self._start()
        return self._handle

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._handle is not None
        await self._handle.__aexit__(exc_type, exc, tb)


class StackStart(_Pending[RunningStack]):
    """What ``client.stacks.up(stack)`` returns: ``await`` it, or ``async with`` it."""


class StackDeploy(_Pending[DeployedStack]):
    """What ``client.stacks.deploy(stack)`` returns: ``await`` it, or ``async with`` it
    (leaving the block removes the stack from the swarm)."""


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
        ignore_swarm_keys: bool = False,
    ) -> StackStart:
        """Start ``stack``: ``running = await client.stacks.up(stack)``, or
        ``async with client.stacks.up(stack) as running:`` to tear it down on leaving.

        Services start in dependency order, independent ones concurrently; a
        ``depends_on`` condition (``service_healthy``, ``service_completed_successfully``)
        is waited for up to ``timeout`` seconds. If a service fails, a
        [`ServiceFailed`][aiocontainers.ServiceFailed] names it with its last output, and
        the stack is torn down unless ``keep_on_failure``. On a stack that is
        up already, unchanged containers are kept and changed ones recreated;
        ``remove_orphans`` also removes containers of services no longer in the
        stack. ``down_volumes``: leaving the ``async with`` block removes the
        stack's volumes too.

        Settings that only a swarm honours (``deploy.placement``, ``mode: global``,
        ``update_config``, secrets that are not files...) raise ComposeError here,
        before anything starts; ``ignore_swarm_keys=True`` runs the stack without them.
        """
        if not ignore_swarm_keys and (found := swarm_only_settings(stack)):
            raise ComposeError(
                [
                    *found,
                    "these need a swarm: use client.stacks.deploy(), or pass "
                    "ignore_swarm_keys=True to run the stack here without them",
                ]
            )
        options: dict[str, Any] = {
            "timeout": seconds(timeout),
            "keep_on_failure": keep_on_failure,
            "remove_orphans": remove_orphans,
            "down_volumes": down_volumes,
        }
        return StackStart(functools.partial(self._start, stack, **options))

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
    def logs(
        self,
        name: Name,
        *,
        follow: bool = False,
        tail: Tail = "all",
        timestamps: bool = False,
        services: Sequence[str] | None = None,
    ) -> StackLogs:
        """The merged output of the stack ``name``'s containers, found by label (one
        started by any process), as an async iterator of
        [`StackLogRecord`][aiocontainers.StackLogRecord]."""
        return StackLogs(
            None,
            follow=follow,
            tail=tail,
            timestamps=timestamps,
            client=self.client,
            project=name,
            services=services,
        )

    @validated
    def events(self, name: Name) -> StackEvents:
        """The supervisor feed of stack ``name``: an async iterator of
        [`StackEvent`][aiocontainers.StackEvent] (service started, restarted, exited, healthy,
        unhealthy)."""
        stream = self.client.events(
            filters={
                "type": ["container"],
                "label": [f"com.docker.compose.project={name}"],
                "event": ["start", "die", "health_status"],
            }
        )
        return StackEvents(stream)

    # -- on a swarm ----------------------------------------------------------------------

    @validated
    def deploy(
        self,
        stack: Stack,
        *,
        timeout: float | timedelta | None = DEFAULT_TIMEOUT,
        monitor: float | timedelta = DEFAULT_MONITOR,
        prune: bool = False,
    ) -> StackDeploy:
        """Put ``stack`` on the swarm this daemon manages, as ``docker stack deploy`` does:
        ``deployed = await client.stacks.deploy(stack)``, or ``async with
        client.stacks.deploy(stack) as deployed:`` to remove it on leaving.

        Services are named ``PROJECT_SERVICE`` on overlay networks, with their
        secrets, configs and ``deploy:`` settings, all labelled
        ``com.docker.stack.namespace``. A service is deployed once its
        ``depends_on`` conditions hold (a dependency converged; completed for
        ``service_completed_successfully``). It returns when every service
        converged (its up-to-date tasks running for ``monitor`` seconds), or raises
        [`ServiceFailed`][aiocontainers.ServiceFailed] naming the first service whose task
        failed (with the task's error) or that did not converge within ``timeout``
        seconds; what was deployed stays (the swarm keeps trying) until ``rm()``.
        Deploying again updates the services; ``prune`` removes those no longer in
        the stack. What a swarm cannot honour raises ComposeError before the
        daemon is called.
        """
        options: dict[str, Any] = {
            "timeout": seconds(timeout),
            "monitor": seconds(monitor) or 0.0,
            "prune": prune,
        }
        Deployment(self.client, stack, **options).check()  # bad input fails here, at once

        async def start() -> DeployedStack:
            deployment = Deployment(self.client, stack, **options)
            return DeployedStack(self.client, stack, await deployment.run())

        return StackDeploy(start)

    @validated
    async def services(self, name: Name) -> list[Service]:
        """The services of the swarm stack ``name`` (by its namespace label), by name."""
        found = await self.client.services.list(filters=namespace_filter(name))
        return sorted(found, key=lambda service: service.name)

    @validated
    async def rm(self, name: Name, *, timeout: float | timedelta | None = None) -> None:
        """Remove the swarm stack ``name``: its services, then, once their tasks are gone,
        its secrets, configs and networks, as ``docker stack rm`` does (and waits).

        Shielded from cancellation and bounded by ``timeout`` (default 60 s).
        Raises if something could not be removed, after trying everything.
        """
        errors = await remove_swarm_stack(self.client, name, timeout=seconds(timeout))
        if errors:
            raise DockerException(f"stack {name!r} was not fully removed: {'; '.join(errors)}")
