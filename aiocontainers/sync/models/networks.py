"""docker-py's ``docker.models.networks``: the sync Network, NetworkCollection."""

from __future__ import annotations

from .._classes import Network, NetworkCollection

__all__ = ["Network", "NetworkCollection"]
