"""docker-py's ``docker.models.images``: the sync Image, ImageCollection, RegistryData."""

from __future__ import annotations

from typing import Any

from ..._resources.images import Image as _Image
from ..._resources.images import ImageCollection as _ImageCollection
from ..._resources.registry import RegistryData as _RegistryData
from .._wrap import proxy_class

__all__ = ["Image", "ImageCollection", "RegistryData"]

Image: Any = proxy_class(_Image)
ImageCollection: Any = proxy_class(_ImageCollection)
RegistryData: Any = proxy_class(_RegistryData)
