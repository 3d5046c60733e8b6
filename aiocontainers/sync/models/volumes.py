"""docker-py's ``docker.models.volumes``: the sync Volume, VolumeCollection."""

from __future__ import annotations

from typing import Any

from ..._resources.volumes import Volume as _Volume
from ..._resources.volumes import VolumeCollection as _VolumeCollection
from .._wrap import proxy_class

__all__ = [
    "Volume",
    "VolumeCollection",
]

Volume: Any = proxy_class(_Volume)
VolumeCollection: Any = proxy_class(_VolumeCollection)
