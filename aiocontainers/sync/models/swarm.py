"""docker-py's ``docker.models.swarm``: the sync Swarm."""

from __future__ import annotations

from .._classes import Swarm

__all__ = ["Swarm"]
