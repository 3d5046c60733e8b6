"""Tearing a stack down, found by its labels, from any process.

Containers stop in reverse dependency order (a service stops once every
service that depends on it has stopped; the order comes from Compose v2's
``depends_on`` label, so stacks started by ``docker compose`` tear down in
order too, and v1 stacks, which lack it, stop all at once). Each stop uses
the container's own stop signal and grace period (``stop_signal`` and
``stop_grace_period`` were written into it at creation). A service nothing
waits for is removed as soon as it stopped; one whose stop is a kill
(``stop_signal: SIGKILL``) is then killed and removed in one call. Then the stack's
networks go, and its volumes when asked. The whole of it is shielded from
cancellation and bounded in time: past the bound, what is left is killed.
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

import anyio

from .._logging import log_event
from ..errors import DockerException, NotFound
from ._labels import DEPENDS_ON, SERVICE, parse_depends_on, project_filter

if TYPE_CHECKING:
    from .._client import DockerClient
    from .._resources.containers import Container

__all__ = ["DEFAULT_STOP_TIMEOUT", "teardown"]

DEFAULT_STOP_TIMEOUT = 10
# Added to the longest grace period to bound a teardown that was given no timeout.
_SLACK = 30.0
_FORCE_BOUND = 30.0


async def _grace(container: Container) -> float:
    try:
        await container.reload()
    except DockerException:
        return DEFAULT_STOP_TIMEOUT
    config = container.attrs.get("Config") or {}
    value = config.get("StopTimeout")
    return float(value) if value is not None else DEFAULT_STOP_TIMEOUT


async def _bound_by_grace(containers: Sequence[Container], scope: anyio.CancelScope) -> None:
    """Bound ``scope`` by the longest grace period plus slack, once the inspects tell it."""
    graces: list[float] = []

    async def grace(container: Container) -> None:
        graces.append(await _grace(container))

    async with anyio.create_task_group() as tg:
        for container in containers:
            tg.start_soon(grace, container)
    scope.deadline = anyio.current_time() + max(graces, default=0.0) + _SLACK


async def _stop(container: Container, errors: list[str]) -> None:
    try:
        if container.status in ("running", "restarting", "paused"):
            await container.stop()
    except NotFound:
        pass
    except DockerException as exc:
        errors.append(f"container {container.name}: {exc}")


async def _remove(container: Container, volumes: bool, errors: list[str]) -> None:
    try:
        await container.remove(v=volumes, force=True)
    except NotFound:
        pass
    except DockerException as exc:
        errors.append(f"container {container.name}: {exc}")


def _killed_by_stop(container: Container) -> bool:
    """Whether stopping ``container`` is killing it: it runs, and its stop signal is SIGKILL
    (known once `_bound_by_grace` inspected it)."""
    signal = str((container.attrs.get("Config") or {}).get("StopSignal") or "").upper()
    return container.status == "running" and signal.removeprefix("SIG") in ("KILL", "9")


async def _stop_and_remove(container: Container, volumes: bool, errors: list[str]) -> None:
    """Stop, then remove; when the stop is a kill, one removal with force does both."""
    if not _killed_by_stop(container):
        await _stop(container, errors)
    await _remove(container, volumes, errors)


async def _stop_in_order(
    containers: Sequence[Container], volumes: bool, errors: list[str]
) -> None:
    by_service: dict[str, list[Container]] = defaultdict(list)
    for container in containers:
        by_service[container.labels.get(SERVICE, "")].append(container)
    needed_by: dict[str, set[str]] = defaultdict(set)  # service -> services that depend on it
    needs: dict[str, set[str]] = defaultdict(set)  # service -> its dependencies in the stack
    for service, members in by_service.items():
        for container in members:
            for dependency in parse_depends_on(container.labels.get(DEPENDS_ON)):
                if dependency in by_service and dependency != service:
                    needed_by[dependency].add(service)
                    needs[service].add(dependency)
    stopped = {service: anyio.Event() for service in by_service}

    async def stop_service(service: str) -> None:
        try:
            for dependent in needed_by[service]:
                await stopped[dependent].wait()
            async with anyio.create_task_group() as tg:
                for container in by_service[service]:
                    if needs[service]:  # its dependencies wait for the stop alone
                        tg.start_soon(_stop, container, errors)
                    else:  # nothing waits for it: stopped and removed at once
                        tg.start_soon(_stop_and_remove, container, volumes, errors)
        finally:
            stopped[service].set()
        if needs[service]:
            async with anyio.create_task_group() as tg:  # removing holds no other service up
                for container in by_service[service]:
                    tg.start_soon(_remove, container, volumes, errors)

    async with anyio.create_task_group() as tg:
        for service in by_service:
            tg.start_soon(stop_service, service)


async def _force_remove(client: DockerClient, project: str, errors: list[str]) -> None:
    with anyio.move_on_after(_FORCE_BOUND):
        for container in await client.containers.list(
            all=True, filters=project_filter(project, oneoff=None), ignore_removed=True
        ):
            try:
                await container.remove(force=True)
            except NotFound:
                pass
            except DockerException as exc:
                errors.append(f"container {container.name}: {exc}")


async def teardown(
    client: DockerClient, project: str, *, volumes: bool = False, timeout: float | None = None
) -> list[str]:
    """Remove the stack ``project``: containers in order, then networks, then (``volumes``)
    volumes. Shielded from cancellation; bounded by ``timeout`` (default: the longest
    grace period plus 30 s). Returns what could not be removed (also logged).
    """
    errors: list[str] = []
    with anyio.CancelScope(shield=True):
        try:
            containers = await client.containers.list(
                all=True, filters=project_filter(project, oneoff=None), sparse=True
            )
            with anyio.move_on_after(math.inf if timeout is None else timeout) as scope:
                async with anyio.create_task_group() as tg:
                    if timeout is None:  # the grace periods need an inspect: meanwhile stop
                        tg.start_soon(_bound_by_grace, containers, scope)
                    tg.start_soon(_stop_in_order, containers, volumes, errors)
            if scope.cancelled_caught:
                log_event("stack.teardown_overdue", level=logging.WARNING, project=project)
                await _force_remove(client, project, errors)
            for network in await client.networks.list(
                filters=project_filter(project, oneoff=None)
            ):
                try:
                    await network.remove()
                except NotFound:
                    pass
                except DockerException as exc:
                    errors.append(f"network {network.name}: {exc}")
            if volumes:
                for volume in await client.volumes.list(
                    filters=project_filter(project, oneoff=None)
                ):
                    try:
                        await volume.remove()
                    except NotFound:
                        pass
                    except DockerException as exc:
                        errors.append(f"volume {volume.name}: {exc}")
        except DockerException as exc:
            errors.append(str(exc))
    for error in errors:
        log_event("stack.teardown_failed", level=logging.WARNING, project=project, error=error)
    return errors
