"""``DeployedStack``: a stack on a swarm, as ``client.stacks.deploy()`` hands it back."""

from __future__ import annotations

import builtins
from types import TracebackType
from typing import TYPE_CHECKING, Any

from .._compose import Stack
from .._validation import validated
from ..errors import DockerException, InvalidArgument
from ._deploy import remove_swarm_stack

if TYPE_CHECKING:
    from .._client import DockerClient
    from .._resources.services import Service

__all__ = ["DeployedStack"]


class DeployedStack:
    """A stack deployed on a swarm: its services by key, their tasks, and its removal.

    ``async with`` it (or with ``client.stacks.deploy(...)``) to remove it from the
    swarm when the block ends.
    """

    def __init__(self, client: DockerClient, stack: Stack, services: dict[str, Service]) -> None:
        self.client = client
        self.stack = stack
        self._services = services

    @property
    def name(self) -> str:
        """The stack's name (its ``com.docker.stack.namespace``)."""
        return self.stack.name

    def __repr__(self) -> str:
        return f"<DeployedStack {self.name}: {', '.join(self._services)}>"

    @validated
    def services(self) -> dict[str, Service]:
        """The swarm services by the stack's service keys (handles as of the deploy)."""
        return dict(self._services)

    @validated
    def service(self, key: str) -> Service:
        """The swarm service of ``key`` (``PROJECT_KEY``)."""
        if key not in self._services:
            raise InvalidArgument(
                f"stack {self.name!r} has no service {key!r} "
                f"(services: {', '.join(self._services)})"
            )
        return self._services[key]

    @validated
    async def tasks(
        self, service: str | None = None, *, running: bool = False
    ) -> builtins.list[dict[str, Any]]:
        """The tasks of ``service`` (of every service when ``None``), as dicts;
        ``running=True`` keeps those the swarm wants running."""
        keys = [service] if service is not None else list(self._services)
        filters = {"desired-state": "running"} if running else None
        found: builtins.list[dict[str, Any]] = []
        for key in keys:
            found += await self.service(key).tasks(filters=filters)
        return found

    @validated
    async def rm(self, *, timeout: float | None = None) -> None:
        """Remove the stack from the swarm (see
        [`StackManager.rm()`][aiocontainers._stacks.StackManager.rm])."""
        await self.client.stacks.rm(self.name, timeout=timeout)

    async def __aenter__(self) -> DeployedStack:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        errors = await remove_swarm_stack(self.client, self.name)
        if errors and exc is None:
            raise DockerException(f"stack {self.name!r} was not fully removed: {errors[0]}")
