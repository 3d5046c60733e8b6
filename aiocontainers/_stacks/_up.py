"""Bringing a stack up: images, networks, volumes, then every service in one task group.

Each service is a task that waits for its dependencies (started, healthy or
completed, as ``depends_on`` says), then creates and starts its replicas
concurrently. Independent services therefore start at once; a health gate
uses the event-driven [`wait_until_healthy()`][aiocontainers.wait_until_healthy]. The first
failure is recorded as a [`ServiceFailed`][aiocontainers.ServiceFailed] naming the
service (with its last lines of output) and cancels the rest.

Running it again on a stack that is up reconciles it: a container whose
``config-hash`` label matches its service is kept (started if it stopped),
a changed one is recreated, surplus replicas are removed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import anyio
from pydantic import ValidationError

from .._compose import Stack
from .._compose._errors import format_path
from .._orchestration import wait_until_healthy
from .._orchestration._common import log_tail
from .._specs import ContainerSpec
from ..errors import (
    ComposeError,
    Conflict,
    DockerException,
    NotFound,
    NotReady,
    ServiceFailed,
    Timeout,
)
from ._images import build_options, image_action, stack_images
from ._jobs import FirstFailure
from ._labels import (
    COMPOSE_VERSION,
    CONFIG_HASH,
    CONTAINER_NUMBER,
    NETWORK,
    PROJECT,
    SERVICE,
    VERSION,
    VOLUME,
    config_hash,
    container_name,
    project_filter,
)
from ._networks import existing_network
from ._translate import create_options, image_name, ipam_spec

if TYPE_CHECKING:
    from .._client import DockerClient
    from .._resources.containers import Container
    from .._resources.networks import Network

__all__ = ["Starter", "validate_options"]


def _container_of(stack: Stack) -> dict[str, str]:
    return {key: container_name(stack, key, 1) for key in stack.services}


def validate_options(stack: Stack) -> None:
    """Check every container's create options before the daemon is called."""
    errors: list[str] = []
    for key in stack.services:
        options, _ = create_options(stack, key, 1, container_of=_container_of(stack))
        try:
            ContainerSpec(image=image_name(stack, key), **options)
        except ValidationError as exc:
            for error in exc.errors():
                message = error["msg"].removeprefix("Value error, ")
                errors.append(f"services.{key}: {format_path(error['loc'])}: {message}")
    if errors:
        raise ComposeError(errors)


class _ServiceState:
    """What dependents of one service wait for."""

    def __init__(self) -> None:
        self.created = anyio.Event()
        self.started = anyio.Event()
        self.containers: list[Container] = []
        self.gates: dict[str, anyio.Event] = {}


class Starter:
    """One ``up()`` (or ``scale()``) of a stack; ``created`` lists what it created."""

    def __init__(
        self,
        client: DockerClient,
        stack: Stack,
        *,
        timeout: float | None,
        replicas: dict[str, int] | None = None,
    ) -> None:
        self.client = client
        self.stack = stack
        self.timeout = timeout
        self.replicas = dict(replicas or {})
        self.states = {key: _ServiceState() for key in stack.services}
        self.networks: dict[str, Network] = {}
        self._jobs = FirstFailure()

    # -- the whole stack -----------------------------------------------------------------

    async def up(self, *, remove_orphans: bool = False) -> dict[str, list[Container]]:
        """Bring every service up; return the containers per service."""
        validate_options(self.stack)
        existing: dict[str, list[Container]] = defaultdict(list)

        async def find() -> None:
            existing.update(await self._existing())

        await self._jobs.run_all([find(), self._images(), self._networks(), self._volumes()])
        if remove_orphans:
            await self._remove_orphans(existing)
        await self._jobs.run_all(
            [self._service(key, existing[key]) for key in self.stack.services]
        )
        return {key: list(state.containers) for key, state in self.states.items()}

    async def reconcile(self, service: str) -> list[Container]:
        """Bring one service's replicas to the wanted count (dependencies are running)."""
        existing = await self._existing()
        for key in self.stack.services:
            if key != service:
                self.states[key].containers = existing[key]
                self.states[key].created.set()
                self.states[key].started.set()
        await self._jobs.run_all([self._networks()])
        await self._jobs.run_all([self._service(service, existing[service])])
        return list(self.states[service].containers)

    async def _existing(self) -> dict[str, list[Container]]:
        found = await self.client.containers.list(
            all=True, filters=project_filter(self.stack.name), ignore_removed=True
        )
        by_service: dict[str, list[Container]] = defaultdict(list)
        for container in found:
            by_service[container.labels.get(SERVICE, "")].append(container)
        return by_service

    async def _remove_orphans(self, existing: dict[str, list[Container]]) -> None:
        for service, containers in existing.items():
            if service not in self.stack.services:
                for container in containers:
                    await container.remove(force=True)

    # -- images, networks, volumes ---------------------------------------------------------

    async def _images(self) -> None:
        await self._jobs.run_all(
            [self._image(key, image) for image, key in stack_images(self.stack).items()]
        )

    async def _image(self, service: str, image: str) -> None:
        action = await image_action(self.client, self.stack, service)
        try:
            if action == "build":
                await self.client.images.build(**build_options(self.stack, service))
            elif action == "pull":
                platform = self.stack.services[service].platform
                await self.client.images.pull(image, platform=platform)
        except DockerException as exc:
            raise ServiceFailed(service, f"service {service!r}: image {image!r}: {exc}") from exc

    def _used_networks(self) -> set[str]:
        return {key for config in self.stack.services.values() for key in config.networks or {}}

    async def _networks(self) -> None:
        await self._jobs.run_all([self._network(key) for key in sorted(self._used_networks())])

    async def _network(self, key: str) -> None:
        config = self.stack.networks[key]
        name = config.name or key
        found = await existing_network(self.client, self.stack, key)
        if found is not None:
            self.networks[key] = found
            return
        labels = {
            **(config.labels or {}),
            PROJECT: self.stack.name,
            NETWORK: key,
            VERSION: COMPOSE_VERSION,
        }
        try:
            self.networks[key] = await self.client.networks.create(
                name,
                driver=config.driver,
                options=config.driver_opts,
                ipam=ipam_spec(config),
                internal=bool(config.internal),
                labels=labels,
                enable_ipv6=bool(config.enable_ipv6),
                attachable=config.attachable,
                check_duplicate=True,
            )
        except Conflict:  # created meanwhile by another up() of the same stack
            self.networks[key] = await self.client.networks.get(name)

    async def _volumes(self) -> None:
        used = {
            mount.source
            for config in self.stack.services.values()
            for mount in config.volumes
            if mount.type == "volume" and mount.source
        }
        await self._jobs.run_all([self._volume(key) for key in sorted(used)])

    async def _volume(self, key: str) -> None:
        config = self.stack.volumes[key]
        name = config.name or key
        if config.external:
            try:
                await self.client.volumes.get(name)
            except NotFound:
                raise ComposeError(
                    [f"volumes.{key}: external volume {name!r} does not exist"]
                ) from None
            return
        labels = {
            **(config.labels or {}),
            PROJECT: self.stack.name,
            VOLUME: key,
            VERSION: COMPOSE_VERSION,
        }
        await self.client.volumes.create(
            name, driver=config.driver, driver_opts=config.driver_opts, labels=labels
        )

    # -- services --------------------------------------------------------------------------

    async def _service(self, key: str, existing: list[Container]) -> None:
        """Create the service's containers at once (off the critical path), then start
        them when the dependencies are ready. Only a ``network_mode: service:``
        or ``volumes_from`` dependency must exist before the creation."""
        config = self.stack.services[key]
        for dependency in config.service_dependencies:
            if dependency not in config.depends_on:
                await self.states[dependency].created.wait()
        containers = await self._replicas(key, existing)
        self.states[key].created.set()
        for dependency in config.service_dependencies:
            await self.states[dependency].started.wait()
        for dependency, condition in config.depends_on.items():
            if condition.condition == "service_healthy":
                await self._gate(dependency, "healthy", self._healthy)
            elif condition.condition == "service_completed_successfully":
                await self._gate(dependency, "completed", self._completed)
        async with anyio.create_task_group() as tg:
            for container in containers:
                if container.status != "running":
                    tg.start_soon(self._start, key, container)
        self.states[key].containers = containers
        self.states[key].started.set()
        # The handles are refreshed once the dependents were let go: off the critical path.
        async with anyio.create_task_group() as tg:
            for container in containers:
                tg.start_soon(container.reload)

    async def _gate(
        self, service: str, name: str, check: Callable[[str], Awaitable[None]]
    ) -> None:
        """Run ``check(service)`` once however many dependents wait for it."""
        state = self.states[service]
        gate = state.gates.get(name)
        if gate is not None:
            await gate.wait()
            return
        state.gates[name] = gate = anyio.Event()
        await check(service)
        gate.set()

    async def _healthy(self, service: str) -> None:
        containers = self.states[service].containers
        try:
            await wait_until_healthy(*containers, timeout=self.timeout)
        except (NotReady, Timeout, DockerException) as exc:
            container = getattr(exc, "container", None) or (containers[0] if containers else None)
            raise await _failed(service, f"did not become healthy: {exc}", container) from exc

    async def _completed(self, service: str) -> None:
        for container in self.states[service].containers:
            try:
                result = await container.wait(timeout=self.timeout)
            except Timeout as exc:
                raise await _failed(
                    service, f"did not complete within {self.timeout} s", container
                ) from exc
            code = result.get("StatusCode")
            if code != 0:
                raise await _failed(service, f"exited with code {code}", container, exit_code=code)

    def _wanted(self, key: str) -> int:
        return self.replicas.get(key, self.stack.services[key].replicas)

    async def _replicas(self, key: str, existing: list[Container]) -> list[Container]:
        digest = config_hash(self.stack.services[key])
        by_number: dict[int, Container] = {}
        for container in existing:
            number = int(container.labels.get(CONTAINER_NUMBER, "0") or 0)
            by_number[number] = container
        result: dict[int, Container] = {}

        async def replica(number: int) -> None:
            current = by_number.pop(number, None)
            if current is not None and current.labels.get(CONFIG_HASH) == digest:
                result[number] = current
                return
            if current is not None:
                await current.remove(force=True)
            result[number] = await self._create(key, number)

        wanted = range(1, self._wanted(key) + 1)
        surplus = [c for n, c in by_number.items() if n not in wanted]
        async with anyio.create_task_group() as tg:
            for number in wanted:
                tg.start_soon(replica, number)
            for container in surplus:
                tg.start_soon(_remove, container)
        return [result[number] for number in sorted(result)]

    async def _create(self, key: str, number: int) -> Container:
        options, attachments = create_options(
            self.stack, key, number, container_of=_container_of(self.stack)
        )
        try:
            # No inspect: the handle is reloaded once the container started.
            container = await self.client.containers._create_unseen(
                image_name(self.stack, key), **options
            )
        except DockerException as exc:
            raise ServiceFailed(key, f"service {key!r}: cannot create container: {exc}") from exc
        for attachment in attachments:
            network = self.networks.get(attachment.network) or await self.client.networks.get(
                attachment.network
            )
            await network.connect(
                container,
                aliases=attachment.aliases,
                ipv4_address=attachment.ipv4_address,
                ipv6_address=attachment.ipv6_address,
            )
        return container

    async def _start(self, key: str, container: Container) -> None:
        try:
            await container.start()
        except DockerException as exc:
            raise await _failed(key, f"cannot start: {exc}", container) from exc


async def _remove(container: Container) -> None:
    try:
        await container.stop()
        await container.remove(force=True)
    except NotFound:
        pass


async def _failed(
    service: str, reason: str, container: Container | None, exit_code: Any = None
) -> ServiceFailed:
    """A ServiceFailed naming ``service``, ending with its last lines of output."""
    logs = await log_tail(container) if container is not None else ""
    message = f"service {service!r} {reason}"
    if logs and logs not in message:
        message += f"\nlast output of {container.name if container else service}:\n{logs}"
    return ServiceFailed(service, message, container=container, exit_code=exit_code, logs=logs)
