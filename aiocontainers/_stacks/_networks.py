"""A stack network that exists already: found by name, or a missing ``external`` one refused.

Both runtimes (``up()`` on one daemon, ``deploy()`` on a swarm) reuse a network
of the stack's name and create the others; an ``external`` network must exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._compose import Stack
from ..errors import ComposeError, NotFound

if TYPE_CHECKING:
    from .._client import DockerClient
    from .._resources.networks import Network

__all__ = ["existing_network"]


async def existing_network(client: DockerClient, stack: Stack, key: str) -> Network | None:
    """The network of ``key`` if it exists (``None``: create it); ComposeError when an
    ``external`` one does not."""
    config = stack.networks[key]
    name = config.name or key
    try:
        return await client.networks.get(name)
    except NotFound:
        if config.external:
            raise ComposeError(
                [f"networks.{key}: external network {name!r} does not exist"]
            ) from None
    return None
