"""docker-py's ``docker.models.plugins``: the sync Plugin, PluginCollection."""

from __future__ import annotations

from .._classes import Plugin, PluginCollection

__all__ = ["Plugin", "PluginCollection"]
