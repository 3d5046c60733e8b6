"""docker-py's ``docker.models.containers``: the sync Container, ContainerCollection."""

from __future__ import annotations

from ..._resources._exec import ExecResult
from .._classes import Container, ContainerCollection

__all__ = ["Container", "ContainerCollection", "ExecResult"]
