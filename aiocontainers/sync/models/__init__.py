"""docker-py's ``docker.models`` import paths, for code that imports the classes by module.

``from aiocontainers.sync.models.containers import Container, ExecResult`` gives
the same classes as ``aiocontainers.sync.Container``/``ExecResult``.
"""

from __future__ import annotations

from . import (
    configs,
    containers,
    images,
    networks,
    nodes,
    plugins,
    resource,
    secrets,
    services,
    swarm,
    volumes,
)

__all__ = [
    "configs",
    "containers",
    "images",
    "networks",
    "nodes",
    "plugins",
    "resource",
    "secrets",
    "services",
    "swarm",
    "volumes",
]
