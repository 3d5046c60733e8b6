"""docker-py's ``docker.errors``: the classes of :mod:`aiocontainers.errors` themselves."""

from __future__ import annotations

from .. import errors as _errors
from ..errors import *  # noqa: F403 - the same names, listed once (in aiocontainers.errors)

__all__ = _errors.__all__
