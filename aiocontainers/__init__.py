"""aiocontainers: asyncio-native Docker orchestration with docker-py's API."""

from __future__ import annotations

from importlib import metadata as _metadata

from . import compose, context, errors, tls, types, wait
from ._client import DockerClient, from_env
from ._compose import Stack
from ._orchestration import wait_until_healthy
from ._progress import LayerProgress, ProgressEvent, ProgressSnapshot
from ._resources._exec import ExecResult, ExecStream
from ._resources._hijack import InteractiveStream
from ._resources._stats import StatsStream
from ._resources._streaming import DockerStream
from ._resources.configs import Config
from ._resources.containers import Container
from ._resources.events import Event, EventActor, EventStream
from ._resources.images import Image
from ._resources.networks import Network
from ._resources.nodes import Node
from ._resources.plugins import Plugin
from ._resources.registry import RegistryData
from ._resources.secrets import Secret
from ._resources.services import Service
from ._resources.swarm import Swarm
from ._resources.volumes import Volume
from ._stacks import (
    DeployedStack,
    RunningStack,
    StackEvent,
    StackEvents,
    StackLogRecord,
    StackLogs,
)
from ._streams import LogRecord
from .context import Context, ContextAPI, from_context
from .errors import (
    APIError,
    BuildError,
    ComposeError,
    Conflict,
    ContainerError,
    DaemonUnavailable,
    DockerException,
    HealthCheckFailed,
    ImageNotFound,
    InvalidArgument,
    InvalidResponse,
    NotFound,
    NotReady,
    ServiceFailed,
    StreamError,
    Timeout,
)
from .tls import TLSConfig

__version__ = _metadata.version("aiocontainers")

__all__ = [
    "APIError",
    "BuildError",
    "ComposeError",
    "Config",
    "Conflict",
    "Container",
    "ContainerError",
    "Context",
    "ContextAPI",
    "DaemonUnavailable",
    "DeployedStack",
    "DockerClient",
    "DockerException",
    "DockerStream",
    "Event",
    "EventActor",
    "EventStream",
    "ExecResult",
    "ExecStream",
    "HealthCheckFailed",
    "Image",
    "ImageNotFound",
    "InteractiveStream",
    "InvalidArgument",
    "InvalidResponse",
    "LayerProgress",
    "LogRecord",
    "Network",
    "Node",
    "NotFound",
    "NotReady",
    "Plugin",
    "ProgressEvent",
    "ProgressSnapshot",
    "RegistryData",
    "RunningStack",
    "Secret",
    "Service",
    "ServiceFailed",
    "Stack",
    "StackEvent",
    "StackEvents",
    "StackLogRecord",
    "StackLogs",
    "StatsStream",
    "StreamError",
    "Swarm",
    "TLSConfig",
    "Timeout",
    "Volume",
    "compose",
    "context",
    "errors",
    "from_context",
    "from_env",
    "tls",
    "types",
    "wait",
    "wait_until_healthy",
]
