"""aiocontainers: asyncio-native Docker orchestration with docker-py's API."""

from __future__ import annotations

from . import errors
from ._client import DockerClient, from_env
from ._resources.containers import Container
from .errors import (
    APIError,
    BuildError,
    Conflict,
    ContainerError,
    DaemonUnavailable,
    DockerException,
    ImageNotFound,
    InvalidArgument,
    NotFound,
    StreamError,
    Timeout,
)

__all__ = [
    "APIError",
    "BuildError",
    "Conflict",
    "Container",
    "ContainerError",
    "DaemonUnavailable",
    "DockerClient",
    "DockerException",
    "ImageNotFound",
    "InvalidArgument",
    "NotFound",
    "StreamError",
    "Timeout",
    "errors",
    "from_env",
]
