"""docker-py's ``docker.models.networks``: the sync Network, NetworkCollection."""

from __future__ import annotations

from typing import Any

from ..._resources.networks import Network as _Network
from ..._resources.networks import NetworkCollection as _NetworkCollection
from .._wrap import proxy_class

__all__ = [
    "Network",
    "NetworkCollection",
]

Network: Any = proxy_class(_Network)
NetworkCollection: Any = proxy_class(_NetworkCollection)
