"""docker-py's ``docker.models.services``: the sync Service, ServiceCollection."""

from __future__ import annotations

from typing import Any

from ..._resources.services import Service as _Service
from ..._resources.services import ServiceCollection as _ServiceCollection
from .._wrap import proxy_class

__all__ = [
    "Service",
    "ServiceCollection",
]

Service: Any = proxy_class(_Service)
ServiceCollection: Any = proxy_class(_ServiceCollection)
