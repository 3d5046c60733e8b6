"""aiocontainers: asyncio-native Docker orchestration with docker-py's API."""

from __future__ import annotations

from . import errors, wait
from ._client import DockerClient, from_env
from ._orchestration import HealthCheckFailed, NotReady, wait_until_healthy
from ._progress import LayerProgress, ProgressEvent, ProgressSnapshot
from ._resources.configs import Config
from ._resources.containers import Container
from ._resources.events import Event, EventActor, EventStream
from ._resources.images import Image
from ._resources.networks import Network
from ._resources.nodes import Node
from ._resources.secrets import Secret
from ._resources.services import Service
from ._resources.swarm import Swarm
from ._resources.volumes import Volume
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
    "Config",
    "Conflict",
    "Container",
    "ContainerError",
    "DaemonUnavailable",
    "DockerClient",
    "DockerException",
    "Event",
    "EventActor",
    "EventStream",
    "HealthCheckFailed",
    "Image",
    "ImageNotFound",
    "InvalidArgument",
    "LayerProgress",
    "Network",
    "Node",
    "NotFound",
    "NotReady",
    "ProgressEvent",
    "ProgressSnapshot",
    "Secret",
    "Service",
    "StreamError",
    "Swarm",
    "Timeout",
    "Volume",
    "errors",
    "from_env",
    "wait",
    "wait_until_healthy",
]
