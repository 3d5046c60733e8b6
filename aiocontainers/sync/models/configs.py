"""docker-py's ``docker.models.configs``: the sync Config, ConfigCollection."""

from __future__ import annotations

from .._classes import Config, ConfigCollection

__all__ = ["Config", "ConfigCollection"]
