"""One expensive container shared by a whole session or module.

``shared_container(...)`` builds a pytest fixture. The container is started
once, on a private event loop, and removed when the fixture's scope ends.
Its value, :class:`SharedContainer`, holds facts (id, name, inspect data,
published ports) rather than a connection, so every test can use it whatever
event loop -- anyio's, pytest-asyncio's, none -- that test runs on; ``await
shared.get(docker_client)`` gives a live :class:`~aiocontainers.Container`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import pytest

from .._client import from_env
from .._stacks._labels import SERVICE as SERVICE_LABEL
from . import _plugin
from ._cleanup import TestSession
from ._offloop import run_off_loop
from ._resources import TestResources
from ._stack import StackSource, for_test

if TYPE_CHECKING:
    from .._client import DockerClient
    from .._orchestration._wait import WaitStrategy
    from .._resources.containers import Container

__all__ = ["SharedContainer", "SharedStack", "shared_container", "shared_stack"]

Scope = Literal["session", "package", "module", "class", "function"]


@dataclass(frozen=True)
class SharedContainer:
    """A running container shared by several tests: what they need to reach it."""

    id: str
    name: str
    attrs: dict[str, Any]

    def host_port(self, port: int | str, protocol: str = "tcp") -> int:
        """The host port a published container port is reachable on."""
        key = str(port) if "/" in str(port) else f"{port}/{protocol}"
        bindings = ((self.attrs.get("NetworkSettings") or {}).get("Ports") or {}).get(key)
        if not bindings:
            raise KeyError(f"port {key} of container {self.name} is not published")
        return int(bindings[0]["HostPort"])

    async def get(self, client: DockerClient) -> Container:
        """A live handle on this container, on ``client`` (e.g. ``docker_client``)."""
        return await client.containers.get(self.id)


@dataclass(frozen=True)
class SharedStack:
    """A stack up for several tests: its (unique) project name."""

    name: str

    async def containers(
        self, client: DockerClient, service: str | None = None
    ) -> list[Container]:
        """Live handles on its containers (of one ``service``), on ``client``."""
        found = await client.stacks.ps(self.name)
        return [c for c in found if service is None or c.labels.get(SERVICE_LABEL) == service]


def shared_container(
    image: str,
    command: str | Sequence[str] | None = None,
    *,
    scope: Scope = "session",
    wait_for: WaitStrategy | None = None,
    **kwargs: Any,
) -> Callable[..., Iterator[SharedContainer]]:
    """A fixture running ``image`` once per ``scope`` (``containers.run`` options).

    Assign it in a ``conftest.py`` or test module; the variable's name is the
    fixture's name::

        web = shared_container("nginx", ports={"80/tcp": ("127.0.0.1", None)},
                               wait_for=wait.for_http("/", port=80))

    A readiness failure fails the tests that use it, with the container's last
    output in the report.
    """

    def fixture(docker_session: TestSession) -> Iterator[SharedContainer]:
        created: list[TestResources] = []

        async def start() -> SharedContainer:
            async with from_env() as client:
                resources = TestResources(client, docker_session.labels)
                created.append(resources)
                container = await resources.run(image, command, wait_for=wait_for, **kwargs)
                await container.reload()
                return SharedContainer(container.id, container.name or "", container.attrs)

        try:
            yield run_off_loop(start)
        finally:
            if not _plugin.interrupted():  # after Ctrl-C the watchdog sweeps it all at once
                for resources in created:
                    resources.remove()

    return pytest.fixture(scope=scope)(fixture)


def shared_stack(
    source: StackSource, *, scope: Scope = "session", **options: Any
) -> Callable[..., Iterator[SharedStack]]:
    """A fixture bringing a stack up once per ``scope`` (``client.stacks.up`` options).

    ``source``: a :class:`~aiocontainers.Stack`, Compose file path(s) or a dict.
    Like :func:`shared_container`, assign it; the stack runs under a unique
    name with the run's labels and is taken down (volumes too) at the end.
    """

    def fixture(docker_session: TestSession) -> Iterator[SharedStack]:
        stack = for_test(source, docker_session.labels)

        async def up() -> None:
            async with from_env() as client:
                await client.stacks.up(stack, **options)

        async def down() -> None:
            async with from_env() as client:
                await client.stacks.down(stack.name, volumes=True)

        try:
            run_off_loop(up)
            yield SharedStack(stack.name)
        finally:
            if not _plugin.interrupted():
                run_off_loop(down)

    return pytest.fixture(scope=scope)(fixture)
