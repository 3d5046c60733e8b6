"""aiocontainers: asyncio-native Docker orchestration with docker-py's API.

Importing the package loads only `aiocontainers.errors`; every other name
is imported on first use (PEP 562 ``__getattr__``), so a CLI, a test
collection or a serverless function that needs one client does not pay for
compose, swarm specs, the sync shim or aiohttp before it asks for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import errors
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

if TYPE_CHECKING:
    from . import compose, context, tls, types, wait
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
    from .tls import TLSConfig

    __version__: str

# Lazily exported name -> the module (relative to this package) that defines it;
# "" means the name is a submodule of this package.
_LAZY: dict[str, str] = {
    "compose": "",
    "context": "",
    "tls": "",
    "types": "",
    "wait": "",
    "DockerClient": "._client",
    "from_env": "._client",
    "Stack": "._compose",
    "wait_until_healthy": "._orchestration",
    "LayerProgress": "._progress",
    "ProgressEvent": "._progress",
    "ProgressSnapshot": "._progress",
    "ExecResult": "._resources._exec",
    "ExecStream": "._resources._exec",
    "InteractiveStream": "._resources._hijack",
    "StatsStream": "._resources._stats",
    "DockerStream": "._resources._streaming",
    "Config": "._resources.configs",
    "Container": "._resources.containers",
    "Event": "._resources.events",
    "EventActor": "._resources.events",
    "EventStream": "._resources.events",
    "Image": "._resources.images",
    "Network": "._resources.networks",
    "Node": "._resources.nodes",
    "Plugin": "._resources.plugins",
    "RegistryData": "._resources.registry",
    "Secret": "._resources.secrets",
    "Service": "._resources.services",
    "Swarm": "._resources.swarm",
    "Volume": "._resources.volumes",
    "DeployedStack": "._stacks",
    "RunningStack": "._stacks",
    "StackEvent": "._stacks",
    "StackEvents": "._stacks",
    "StackLogRecord": "._stacks",
    "StackLogs": "._stacks",
    "LogRecord": "._streams",
    "Context": ".context",
    "ContextAPI": ".context",
    "from_context": ".context",
    "TLSConfig": ".tls",
}

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


def __getattr__(name: str) -> Any:
    """Import a lazily exported name on first access and cache it on the package."""
    if name == "__version__":
        from importlib import metadata

        value: Any = metadata.version("aiocontainers")
    elif name in _LAZY:
        from importlib import import_module

        where = _LAZY[name]
        value = import_module(f".{name}" if not where else where, __name__)
        if where:
            value = getattr(value, name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__, "__version__"})
