"""docker-py's ``docker.models.nodes``: the sync Node, NodeCollection."""

from __future__ import annotations

from .._classes import Node, NodeCollection

__all__ = ["Node", "NodeCollection"]
