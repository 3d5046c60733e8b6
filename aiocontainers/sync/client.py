"""docker-py's ``docker.client``: the high-level client and ``from_env``."""

from __future__ import annotations

from ._client import DockerClient, from_env

__all__ = ["DockerClient", "from_env"]
