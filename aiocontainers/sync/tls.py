"""docker-py's ``docker.tls``: :mod:`aiocontainers.tls` (``TLSConfig``)."""

from __future__ import annotations

from .. import tls as _tls
from ..tls import *  # noqa: F403 - the same names, listed once (in aiocontainers.tls)

__all__ = _tls.__all__
