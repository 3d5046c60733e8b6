"""docker-py's ``docker.models.containers``: the sync Container, ContainerCollection."""

from __future__ import annotations

from typing import Any

from ..._resources._exec import ExecResult
from ..._resources.containers import (
    Container as _Container,
)
from ..._resources.containers import (
    ContainerCollection as _ContainerCollection,
)
from .._wrap import proxy_class

__all__ = [
    "Container",
    "ContainerCollection",
    "ExecResult",
]

Container: Any = proxy_class(_Container)
ContainerCollection: Any = proxy_class(_ContainerCollection)
