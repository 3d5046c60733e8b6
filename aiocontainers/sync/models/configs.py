"""docker-py's ``docker.models.configs``: the sync Config, ConfigCollection."""

from __future__ import annotations

from typing import Any

from ..._resources.configs import Config as _Config
from ..._resources.configs import ConfigCollection as _ConfigCollection
from .._wrap import proxy_class

__all__ = [
    "Config",
    "ConfigCollection",
]

Config: Any = proxy_class(_Config)
ConfigCollection: Any = proxy_class(_ConfigCollection)
