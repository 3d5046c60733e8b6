"""docker-py's ``docker.models.nodes``: the sync Node, NodeCollection."""

from __future__ import annotations

from typing import Any

from ..._resources.nodes import Node as _Node
from ..._resources.nodes import NodeCollection as _NodeCollection
from .._wrap import proxy_class

__all__ = [
    "Node",
    "NodeCollection",
]

Node: Any = proxy_class(_Node)
NodeCollection: Any = proxy_class(_NodeCollection)
