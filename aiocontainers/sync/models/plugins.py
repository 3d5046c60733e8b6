"""docker-py's ``docker.models.plugins``: the sync Plugin, PluginCollection."""

from __future__ import annotations

from typing import Any

from ..._resources.plugins import Plugin as _Plugin
from ..._resources.plugins import PluginCollection as _PluginCollection
from .._wrap import proxy_class

__all__ = ["Plugin", "PluginCollection"]

Plugin: Any = proxy_class(_Plugin)
PluginCollection: Any = proxy_class(_PluginCollection)
