"""Swarm nodes: the collection (``client.nodes``) and the ``Node`` handle.

Names, parameters and results follow docker-py's ``docker.models.nodes``,
made async. ``node.update()`` also refreshes ``attrs``, so ``node.version``
is ready for the next update.
"""

from __future__ import annotations

import builtins
from typing import Any, NoReturn

from .._arguments import Filters, JsonObject, Name
from .._validation import validated
from ..errors import InvalidArgument
from ._base import Collection, Model, convert_filters

__all__ = ["Node", "NodeCollection"]

_NODE_SPEC_KEYS = frozenset({"Name", "Labels", "Role", "Availability"})


class Node(Model):
    """A swarm node. ``attrs`` holds ``GET /nodes/{id}``; ``await reload()`` refreshes."""

    id_attribute = "ID"

    @property
    def version(self) -> int:
        """The version of the node object as last read; an update must name it."""
        return int(self.attrs["Version"]["Index"])

    @validated
    async def update(self, node_spec: JsonObject) -> bool:
        """Replace the node's spec: ``{"Availability": "active", "Role": "manager",
        "Labels": {...}, "Name": ...}``; keys left out are reset.
        """
        unknown = set(node_spec) - _NODE_SPEC_KEYS
        if unknown:
            raise InvalidArgument(
                f"node_spec: unknown keys {sorted(unknown)}; expected {sorted(_NODE_SPEC_KEYS)}"
            )
        await self._transport.request(
            "POST",
            "/nodes/{id}/update",
            path_args={"id": self.id},
            params={"version": self.version},
            json=dict(node_spec),
        )
        await self.reload()
        return True

    @validated
    async def remove(self, force: bool = False) -> bool:
        """Remove the node from the swarm; ``force`` also removes an active node."""
        await self._transport.request(
            "DELETE", "/nodes/{id}", path_args={"id": self.id}, params={"force": force}
        )
        return True


class NodeCollection(Collection[Node]):
    """``client.nodes``: get and list the swarm's nodes."""

    model = Node

    @validated
    async def get(self, node_id: Name) -> Node:
        """The node with this id or name; NotFound if there is none."""
        attrs = await self._transport.request_json("GET", "/nodes/{id}", path_args={"id": node_id})
        return self.prepare_model(attrs)

    @validated
    async def list(self, filters: Filters | None = None) -> builtins.list[Node]:
        """Nodes, optionally filtered (``id``, ``name``, ``membership``, ``role``, ``label``)."""
        rows = await self._transport.request_json(
            "GET", "/nodes", params={"filters": convert_filters(filters)}
        )
        return [self.prepare_model(row) for row in rows or []]

    async def create(self, *args: Any, **kwargs: Any) -> NoReturn:
        """Not possible: a node joins with ``swarm.join`` (docker-py raises the same)."""
        raise NotImplementedError
