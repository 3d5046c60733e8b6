"""docker-py's ``docker.models.swarm``: the sync Swarm."""

from __future__ import annotations

from typing import Any

from ..._resources.swarm import Swarm as _Swarm
from .._wrap import proxy_class

__all__ = [
    "Swarm",
]

Swarm: Any = proxy_class(_Swarm)
