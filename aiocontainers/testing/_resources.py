"""What one test (or one shared fixture) creates, and its removal in the right order.

:class:`TestResources` creates labelled containers, networks and volumes on
the test's client (so the handles it returns work in the test's event loop)
and records their ids. :meth:`TestResources.remove` is synchronous and runs
on a private event loop (:func:`._offloop.run_off_loop`): stacks first (with
their own teardown), then containers, then networks -- so a network always
goes after the containers that use it, whatever order the test asked for
them -- then volumes.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .._client import from_env
from .._orchestration._common import describe, log_tail
from ..errors import InvalidArgument, NotReady, Timeout
from ._cleanup import remove_all, remove_container, remove_network, remove_volume
from ._offloop import run_off_loop
from ._stack import StackSource, for_test

if TYPE_CHECKING:
    from .._client import DockerClient
    from .._orchestration._wait import WaitStrategy
    from .._resources.containers import Container
    from .._resources.networks import Network
    from .._resources.volumes import Volume
    from .._stacks import RunningStack

__all__ = ["TestResources", "add_log_tail"]


def add_log_tail(exc: BaseException, container: Container, logs: str) -> None:
    """Append the container's last output to a readiness error, for the pytest report."""
    if isinstance(exc, NotReady) and exc.logs:  # the message already ends with it
        return
    note = f"last output of container {describe(container)}:\n{logs or '(no output)'}"
    if sys.version_info >= (3, 11):
        exc.add_note(note)
    else:  # pytest shows __notes__ on every Python
        exc.__notes__ = [*getattr(exc, "__notes__", []), note]  # type: ignore[attr-defined]


async def wait_ready(container: Container, client: DockerClient, strategy: WaitStrategy) -> None:
    """``strategy.wait``; a failure carries the container's last output."""
    try:
        await strategy.wait(container, client)
    except (NotReady, Timeout) as exc:
        add_log_tail(exc, container, await log_tail(container))
        raise


class TestResources:
    """Containers, networks and volumes created for one test, removed after it."""

    __test__ = False  # not a pytest test class

    def __init__(self, client: DockerClient, labels: dict[str, str]) -> None:
        self.client = client
        self.labels = labels
        self.containers: list[str] = []
        self.networks: list[str] = []
        self.volumes: list[str] = []
        self.stacks: list[str] = []

    def _labelled(self, labels: dict[str, str] | None) -> dict[str, str]:
        return {**self.labels, **(labels or {})}

    async def run(
        self,
        image: str,
        command: str | Sequence[str] | None = None,
        *,
        aliases: Sequence[str] | None = None,
        wait_for: WaitStrategy | None = None,
        **kwargs: Any,
    ) -> Container:
        """A labelled, detached container (``containers.run`` options), removed later.

        ``network`` may be a name or a :class:`~aiocontainers.Network`;
        ``aliases``: DNS names for the container on it. ``wait_for``: a readiness
        strategy; if it fails, the error ends with the container's last output.
        """
        network = kwargs.get("network")
        if network is not None and not isinstance(network, str):
            network = kwargs["network"] = network.name  # a Network object
        if aliases is not None:
            if not network:
                raise InvalidArgument("aliases need network= (the network they apply on)")
            kwargs["networking_config"] = {network: {"aliases": list(aliases)}}
        kwargs["labels"] = self._labelled(kwargs.get("labels"))
        kwargs["detach"] = True
        container: Container = await self.client.containers.run(image, command, **kwargs)
        self.containers.append(container.id)
        if wait_for is not None:
            await wait_ready(container, self.client, wait_for)
        return container

    async def network(self, name: str | None = None, **kwargs: Any) -> Network:
        """A labelled network (``networks.create`` options; a unique name by default)."""
        kwargs["labels"] = self._labelled(kwargs.get("labels"))
        network = await self.client.networks.create(
            name or f"aiocontainers-test-{uuid.uuid4().hex[:12]}", **kwargs
        )
        self.networks.append(network.id)
        return network

    async def volume(self, name: str | None = None, **kwargs: Any) -> Volume:
        """A labelled volume (``volumes.create`` options; a random name by default)."""
        kwargs["labels"] = self._labelled(kwargs.get("labels"))
        volume = await self.client.volumes.create(name, **kwargs)
        self.volumes.append(volume.name)
        return volume

    async def stack(self, source: StackSource, **options: Any) -> RunningStack:
        """A stack up (``client.stacks.up`` options) under a unique name, with the labels.

        ``source``: a :class:`~aiocontainers.Stack`, Compose file path(s) or a dict.
        """
        stack = for_test(source, self.labels)
        self.stacks.append(stack.name)
        return await self.client.stacks.up(stack, **options)

    async def _remove(self) -> None:
        async with from_env() as client:
            transport = client.transport
            for name in reversed(self.stacks):  # in reverse dependency order, with grace
                await client.stacks.down(name, volumes=True)
            await remove_all(transport, remove_container, reversed(self.containers), [])
            await remove_all(transport, remove_network, reversed(self.networks), [])
            await remove_all(transport, remove_volume, reversed(self.volumes), [])

    def remove(self) -> None:
        """Remove everything recorded, on a private event loop (call from sync code)."""
        if self.containers or self.networks or self.volumes or self.stacks:
            run_off_loop(self._remove)
            self.stacks.clear()
            self.containers.clear()
            self.networks.clear()
            self.volumes.clear()
