"""docker-py's ``docker.models.images``: the sync Image, ImageCollection, RegistryData."""

from __future__ import annotations

from .._classes import Image, ImageCollection, RegistryData

__all__ = ["Image", "ImageCollection", "RegistryData"]
