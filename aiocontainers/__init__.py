"""aiocontainers: asyncio-native Docker orchestration with docker-py's API."""

from __future__ import annotations

from . import errors
from ._client import DockerClient, from_env
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
