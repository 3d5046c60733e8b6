"""docker-py's ``docker.version``: the package version as ``__version__``."""

from __future__ import annotations

from .. import __version__

__all__ = ["__version__"]
