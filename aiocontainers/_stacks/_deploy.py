"""A stack on a swarm: deploy it as services, wait until it converged, remove it.

`Deployment` is one ``client.stacks.deploy()``. Everything it can check
without the daemon is checked first (what a swarm cannot honour, every service
spec, the content of secrets and configs). Then it creates the stack's overlay
networks, secrets and configs, and runs one task per service: each waits for
its ``depends_on`` conditions (a dependency converged; completed for
``service_completed_successfully``), creates or updates its service, and waits
until the service converged: as many up-to-date tasks running as the swarm
wants (held for ``monitor`` seconds), or one of them failed, which raises a
[`ServiceFailed`][aiocontainers.ServiceFailed] naming the service with the task's error.

`remove_swarm_stack()` is ``client.stacks.rm()``: services first, then, once
their tasks are gone, secrets, configs and networks, found by the
``com.docker.stack.namespace`` label. Shielded from cancellation, bounded in time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import anyio
from pydantic import ValidationError

from .._compose import Stack
from .._compose._errors import format_path
from .._logging import log_event
from .._specs._service import ServiceSpec
from ..errors import APIError, ComposeError, DockerException, NotFound, ServiceFailed
from ._jobs import FirstFailure
from ._networks import existing_network
from ._to_swarm import (
    STACK_NAMESPACE,
    namespace_filter,
    network_options,
    service_name,
    service_options,
    swarm_problems,
)

if TYPE_CHECKING:
    from .._client import DockerClient
    from .._resources.services import Service

__all__ = ["Deployment", "remove_swarm_stack"]

_FIRST_POLL = 0.1
_MAX_POLL = 1.0
_FAILED = ("failed", "rejected")
_PLACEHOLDER_ID = "0" * 25
_LOG_LINES = 20
_RM_TIMEOUT = 60.0
Until = Literal["converged", "completed"]


@dataclass
class _Progress:
    """A service's tasks at one poll."""

    desired: int
    done: int
    failed: dict[str, Any] | None = None
    waiting: list[str] = field(default_factory=list)
    rollout: str | None = None  # a stalled update's state and message


class _ServiceWatch:
    """Polls one service of this deployment until it converged or completed."""

    def __init__(
        self,
        client: DockerClient,
        key: str,
        service: Service,
        *,
        known: set[str],
        update_status: object,
    ) -> None:
        self.client = client
        self.key = key
        self.service = service
        self.known = known  # ids of tasks that existed before this deploy: not its failures
        self.update_status = update_status  # as it was before this deploy: not its rollout

    async def _progress(self, until: Until) -> _Progress:
        rows = await self.client.services.list(filters={"id": self.service.id}, status=True)
        row = next((r for r in rows if r.id == self.service.id), None)
        if row is None:
            raise ServiceFailed(self.key, f"service {self.key!r} was removed while deploying")
        self.service.attrs = row.attrs
        tasks = await self.service.tasks(filters={"_up-to-date": "true"})
        spec = row.attrs["Spec"]
        mode = spec.get("Mode") or {}
        status = row.attrs.get("ServiceStatus") or {}
        desired = int(status.get("DesiredTasks") or 0)
        if "ReplicatedJob" in mode:
            desired = int(mode["ReplicatedJob"].get("TotalCompletions") or 1)
        restarts = (spec["TaskTemplate"].get("RestartPolicy") or {}).get("Condition", "any")
        job = any(name in mode for name in ("ReplicatedJob", "GlobalJob"))
        states = [task["Status"]["State"] for task in tasks]
        complete = states.count("complete")
        running = sum(
            1
            for task, state in zip(tasks, states, strict=True)
            if state == "running" and task.get("DesiredState") == "running"
        )
        if until == "completed" or job:
            done = complete
        else:
            done = running + (complete if restarts != "any" else 0)
        progress = _Progress(desired=desired, done=done)
        for task, state in zip(tasks, states, strict=True):
            if state in _FAILED and task["ID"] not in self.known:
                progress.failed = task
            elif state not in ("running", "complete", "shutdown"):
                error = task["Status"].get("Err")
                progress.waiting.append(f"{state}{f' ({error})' if error else ''}")
        update = row.attrs.get("UpdateStatus")
        if update and update != self.update_status:
            state = update.get("State")
            if state in ("updating", "rollback_started"):
                progress.done = min(progress.done, progress.desired - 1)
            elif state in ("paused", "rollback_paused", "rollback_completed"):
                progress.rollout = f"{state}: {update.get('Message', '')}".rstrip(": ")
        return progress

    async def wait(self, until: Until, timeout: float | None, monitor: float) -> None:
        """Return once the service converged (or completed) and stayed so for ``monitor`` s."""
        delay = _FIRST_POLL
        since: float | None = None
        last = _Progress(desired=0, done=0)
        try:
            with anyio.fail_after(timeout):
                while True:
                    last = await self._progress(until)
                    if last.failed is not None:
                        raise await self._failed(last.failed)
                    if last.rollout is not None:
                        raise ServiceFailed(
                            self.key, f"service {self.key!r}: the update stopped ({last.rollout})"
                        )
                    if last.done >= last.desired:
                        since = time.monotonic() if since is None else since
                        if time.monotonic() - since >= monitor:
                            return
                        delay = _FIRST_POLL
                    else:
                        since = None
                    await anyio.sleep(delay)
                    delay = min(delay * 1.5, _MAX_POLL)
        except TimeoutError:
            verb = "complete" if until == "completed" else "converge"
            waiting = f"; tasks: {', '.join(last.waiting)}" if last.waiting else ""
            raise ServiceFailed(
                self.key,
                f"service {self.key!r} did not {verb} within {timeout} s: "
                f"{last.done}/{last.desired} tasks {'complete' if verb == 'complete' else 'up'}"
                f"{waiting}",
            ) from None

    async def _failed(self, task: Mapping[str, Any]) -> ServiceFailed:
        status = task.get("Status") or {}
        error = status.get("Err") or status.get("Message") or status.get("State")
        code = (status.get("ContainerStatus") or {}).get("ExitCode")
        logs = await self._logs()
        message = (
            f"service {self.key!r}: task {task.get('Slot') or task['ID'][:12]} failed: {error}"
        )
        if logs:
            message += f"\nlast output of service {self.key!r}:\n{logs}"
        return ServiceFailed(
            self.key, message, exit_code=code if isinstance(code, int) else None, logs=logs
        )

    async def _logs(self) -> str:
        lines: list[bytes] = []
        with anyio.CancelScope(shield=True), anyio.move_on_after(5):
            try:
                async with self.service.logs(tail=_LOG_LINES) as stream:
                    async for line in stream:
                        lines.append(line)
            except DockerException:
                return ""
        return b"".join(lines).decode("utf-8", "replace").rstrip("\n")


class Deployment:
    """One ``deploy()`` of a stack onto the swarm this daemon manages."""

    def __init__(
        self,
        client: DockerClient,
        stack: Stack,
        *,
        timeout: float | None,
        monitor: float,
        prune: bool,
    ) -> None:
        self.client = client
        self.stack = stack
        self.timeout = timeout
        self.monitor = monitor
        self.prune = prune
        self.services: dict[str, Service] = {}
        self._watches: dict[str, _ServiceWatch] = {}
        self._ready = {key: anyio.Event() for key in stack.services}
        self._gates: dict[str, anyio.Event] = {}
        self._data: dict[tuple[str, str], bytes] = {}

    # -- before the daemon ---------------------------------------------------------------

    def check(self) -> None:
        """Everything that can be checked without the daemon; ComposeError lists it all."""
        errors = swarm_problems(self.stack)
        placeholders = {
            kind: {key: (_PLACEHOLDER_ID, key) for key in getattr(self.stack, kind)}
            for kind in ("secrets", "configs")
        }
        for key in self.stack.services:
            options = service_options(self.stack, key, **placeholders)
            options.pop("image", None)
            try:
                ServiceSpec.from_options({**options, "image": "placeholder"})
            except ValidationError as exc:
                for error in exc.errors():
                    message = error["msg"].removeprefix("Value error, ")
                    errors.append(f"services.{key}: {format_path(error['loc'])}: {message}")
            except (TypeError, ValueError) as exc:
                errors.append(f"services.{key}: {exc}")
        for kind in ("secrets", "configs"):
            used = {
                ref.source for s in self.stack.services.values() for ref in getattr(s, kind) or ()
            }
            for key in sorted(used):
                if not getattr(self.stack, kind)[key].external:
                    try:
                        self._data[kind, key] = self.stack.stored_object_data(kind, key)
                    except ComposeError as exc:
                        errors += exc.problems
        if errors:
            raise ComposeError(errors)

    # -- the deployment --------------------------------------------------------------------

    async def run(self) -> dict[str, Service]:
        """Deploy the stack; return its services by key once every one converged."""
        self.check()
        existing = {
            service.name: service
            for service in await self.client.services.list(
                filters=namespace_filter(self.stack.name)
            )
        }
        jobs = FirstFailure()
        await jobs.run_all([self._network(key) for key in sorted(self._used_networks())])
        secrets: dict[str, tuple[str, str]] = {}
        configs: dict[str, tuple[str, str]] = {}
        await jobs.run_all(
            [
                self._stored_object(kind, key, ids)
                for kind, ids in (("secrets", secrets), ("configs", configs))
                for key in sorted(self._used(kind))
            ]
        )
        wanted = {service_name(self.stack, key) for key in self.stack.services}
        await jobs.run_all(
            [self._service(key, existing, secrets, configs) for key in self.stack.services]
            + [
                _remove_service(service)
                for name, service in existing.items()
                if self.prune and name not in wanted
            ]
        )
        return {key: self.services[key] for key in self.stack.services}

    def _used_networks(self) -> set[str]:
        return {key for service in self.stack.services.values() for key in service.networks or {}}

    def _used(self, kind: str) -> set[str]:
        return {
            reference.source
            for service in self.stack.services.values()
            for reference in getattr(service, kind) or ()
        }

    async def _network(self, key: str) -> None:
        if await existing_network(self.client, self.stack, key) is not None:
            return
        name = self.stack.networks[key].name or key
        try:
            await self.client.networks.create(name, **network_options(self.stack, key))
        except APIError as exc:
            if exc.status_code != 409:  # created meanwhile by another deploy
                raise

    async def _stored_object(self, kind: str, key: str, ids: dict[str, tuple[str, str]]) -> None:
        config = getattr(self.stack, kind)[key]
        name = str(config.name)
        collection = self.client.secrets if kind == "secrets" else self.client.configs
        found = await collection.list(filters={"name": name})
        current = next((item for item in found if item.name == name), None)
        if config.external:
            if current is None:
                raise ComposeError([f"{kind}.{key}: external {kind[:-1]} {name!r} does not exist"])
        elif current is None:
            labels = {**(config.labels or {}), STACK_NAMESPACE: self.stack.name}
            data = self._data[kind, key]
            if kind == "secrets":
                driver = (
                    {"name": config.driver, "options": config.driver_opts}
                    if config.driver
                    else None
                )
                current = await self.client.secrets.create(
                    name, data, labels=labels, driver=driver
                )
            else:
                current = await self.client.configs.create(
                    name, data, labels=labels, templating=config.template_driver
                )
        elif kind == "configs" and getattr(current, "data", None) != self._data[kind, key]:
            raise ComposeError(
                [
                    f"configs.{key}: config {name!r} exists with other content; a swarm "
                    "config cannot change: give the new content a new name"
                ]
            )
        ids[key] = (current.id, name)

    async def _service(
        self,
        key: str,
        existing: Mapping[str, Service],
        secrets: Mapping[str, tuple[str, str]],
        configs: Mapping[str, tuple[str, str]],
    ) -> None:
        config = self.stack.services[key]
        for dependency, condition in config.depends_on.items():
            if condition.condition == "service_completed_successfully":
                await self._gate(dependency, "completed")
            else:
                await self._ready[dependency].wait()
        options = service_options(self.stack, key, secrets=secrets, configs=configs)
        service = existing.get(service_name(self.stack, key))
        known: set[str] = set()
        update_status = None
        try:
            if service is None:
                service = await self.client.services.create(**options)
            else:
                known = {task["ID"] for task in await service.tasks()}
                update_status = service.attrs.get("UpdateStatus")
                await service.update(fetch_current_spec=False, **options)
        except DockerException as exc:
            raise ServiceFailed(key, f"service {key!r}: cannot deploy it: {exc}") from exc
        watch = _ServiceWatch(self.client, key, service, known=known, update_status=update_status)
        self.services[key] = service
        self._watches[key] = watch
        await watch.wait("converged", self.timeout, self.monitor)
        self._ready[key].set()

    async def _gate(self, key: str, until: Until) -> None:
        """Wait (once, however many dependents ask) until ``key`` completed."""
        await self._ready[key].wait()
        gate = self._gates.get(key)
        if gate is not None:
            await gate.wait()
            return
        self._gates[key] = gate = anyio.Event()
        await self._watches[key].wait(until, self.timeout, 0)
        gate.set()


async def _remove_service(service: Service) -> None:
    try:
        await service.remove()
    except NotFound:
        pass


async def _retry(
    what: str, action: Callable[[], Awaitable[object]], errors: list[str], until: float
) -> None:
    """Run ``action`` until it succeeds or ``until`` (monotonic) passes; an object still
    in use (a task shutting down holds its network, secret or config) is retried."""
    delay = _FIRST_POLL
    while True:
        try:
            await action()
            return
        except NotFound:
            return
        except DockerException as exc:
            if time.monotonic() >= until:
                errors.append(f"{what}: {exc}")
                return
        await anyio.sleep(delay)
        delay = min(delay * 1.5, _MAX_POLL)


async def remove_swarm_stack(
    client: DockerClient, name: str, *, timeout: float | None = None
) -> list[str]:
    """Remove the swarm stack ``name`` and wait until its tasks are gone; returns what could
    not be removed. Shielded from cancellation; bounded by ``timeout`` (default 60 s)."""
    errors: list[str] = []
    filters = namespace_filter(name)
    until = time.monotonic() + (timeout if timeout is not None else _RM_TIMEOUT)
    with anyio.CancelScope(shield=True):
        try:
            services = await client.services.list(filters=filters)
            async with anyio.create_task_group() as tg:
                for service in services:
                    tg.start_soon(_remove_service, service)
            await _tasks_gone(client, name, {service.id for service in services}, until, errors)
            removals: list[tuple[str, Callable[[], Awaitable[object]]]] = []
            for secret in await client.secrets.list(filters=filters):
                removals.append((f"secret {secret.name}", secret.remove))
            for config in await client.configs.list(filters=filters):
                removals.append((f"config {config.name}", config.remove))
            for network in await client.networks.list(filters=filters):
                removals.append((f"network {network.name}", network.remove))
            async with anyio.create_task_group() as tg:
                for what, action in removals:
                    tg.start_soon(_retry, what, action, errors, until)
        except DockerException as exc:
            errors.append(str(exc))
    for error in errors:
        log_event("stack.rm_failed", level=logging.WARNING, project=name, error=error)
    return errors


async def _tasks_gone(
    client: DockerClient, name: str, service_ids: set[str], until: float, errors: list[str]
) -> None:
    """Wait until the removed services have no tasks left and no container here has the
    stack's label (a task's container outlives its service for a moment)."""
    label = {"label": [f"{STACK_NAMESPACE}={name}"]}
    delay = _FIRST_POLL
    while True:
        tasks = await client.transport.request_json("GET", "/tasks")
        left = [task for task in tasks or [] if task.get("ServiceID") in service_ids]
        containers = await client.containers.list(all=True, filters=label, sparse=True)
        if not left and not containers:
            return
        if time.monotonic() >= until:
            errors.append(
                f"stack {name!r}: {len(left)} task(s) and {len(containers)} container(s) "
                "still there"
            )
            return
        await anyio.sleep(delay)
        delay = min(delay * 1.5, _MAX_POLL)
