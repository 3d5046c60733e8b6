"""docker-py's ``docker.models.volumes``: the sync Volume, VolumeCollection."""

from __future__ import annotations

from .._classes import Volume, VolumeCollection

__all__ = ["Volume", "VolumeCollection"]
