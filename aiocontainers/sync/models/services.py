"""docker-py's ``docker.models.services``: the sync Service, ServiceCollection."""

from __future__ import annotations

from .._classes import Service, ServiceCollection

__all__ = ["Service", "ServiceCollection"]
