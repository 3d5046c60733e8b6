"""A blocking API, docker-py style: ``from aiocontainers import sync as docker``.

```python
from aiocontainers import sync as docker

client = docker.from_env()
container = client.containers.run("busybox", "sleep 60", detach=True)
for line in container.logs(stream=True, follow=True):
    ...
container.remove(force=True)
```

Every class and method of the async API is here with the same names and parameters, blocking,
derived from the async classes (nothing is written twice). Streams are ordinary iterators, async
context managers ordinary ones; ``errors`` is the async package's own module, so ``except
docker.errors.NotFound`` works, and ``types`` is docker-py's ``docker.types`` (dicts, durations in
nanoseconds; [`aiocontainers.types`][aiocontainers.types] has the typed specs). Each client runs an
event loop in a background thread; it may be used from several threads at once and from a thread
that already runs an event loop, but not from inside its own loop (callbacks of the async API).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiocontainers as _aio

from .._compose import Stack
from .._progress import LayerProgress, ProgressEvent, ProgressSnapshot
from .._resources._exec import ExecResult
from .._resources.events import Event, EventActor
from .._stacks import StackEvent, StackLogRecord
from .._streams import LogRecord
from ..context import Context, ContextAPI
from ..errors import (
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
from ..tls import TLSConfig
from . import (
    api,
    client,
    compose,
    constants,
    context,
    errors,
    models,
    tls,
    types,
    utils,
    version,
    wait,
)
from ._classes import (
    Config,
    Container,
    DeployedStack,
    DockerStream,
    EventStream,
    ExecStream,
    Image,
    InteractiveStream,
    Network,
    Node,
    Plugin,
    RegistryData,
    RunningStack,
    Secret,
    Service,
    StackEvents,
    StackLogs,
    StatsStream,
    Swarm,
    Volume,
)
from ._client import APIClient, DockerClient, from_context, from_env, sync_function
from ._portal import PortalClosed
from .version import __version__ as __version__

wait_until_healthy: Callable[..., Any] = sync_function(_aio.wait_until_healthy)

__all__ = [
    "APIClient",
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
    "PortalClosed",
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
    "api",
    "client",
    "compose",
    "constants",
    "context",
    "errors",
    "from_context",
    "from_env",
    "models",
    "tls",
    "types",
    "utils",
    "version",
    "wait",
    "wait_until_healthy",
]
