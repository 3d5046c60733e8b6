"""A blocking API, docker-py style: ``from aiocontainers import sync as docker``.

```python
from aiocontainers import sync as docker

client = docker.from_env()
container = client.containers.run("busybox", "sleep 60", detach=True)
for line in container.logs(stream=True, follow=True):
    ...
container.remove(force=True)
```

Every class and method of the async API is here with the same names and
parameters, blocking, derived from the async classes (nothing is written
twice). Streams are ordinary iterators, async context managers ordinary
ones; ``errors`` and ``types`` are the async package's own modules, so
``except docker.errors.NotFound`` works. Each client runs an event loop in a
background thread; it may be used from several threads at once and from a
thread that already runs an event loop, but not from inside its own loop
(callbacks of the async API).
"""

from __future__ import annotations

import sys
from typing import Any

import aiocontainers as _aio

from .. import compose, errors, types, wait
from .._compose import Stack
from .._progress import LayerProgress, ProgressEvent, ProgressSnapshot
from .._resources._exec import ExecResult
from .._resources.events import Event, EventActor
from .._stacks import StackEvent, StackLogRecord
from .._streams import LogRecord
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
    NotFound,
    NotReady,
    ServiceFailed,
    StreamError,
    Timeout,
)
from ._client import DockerClient, from_env, sync_function
from ._portal import PortalClosed
from ._wrap import proxy_class

# ``from aiocontainers.sync.errors import NotFound`` and ``import aiocontainers.sync.types``
# work as they do for ``docker.errors``/``docker.types`` (the modules are the async ones).
sys.modules[f"{__name__}.errors"] = errors
sys.modules[f"{__name__}.types"] = types
sys.modules[f"{__name__}.wait"] = wait
sys.modules[f"{__name__}.compose"] = compose

Config: Any = proxy_class(_aio.Config)
Container: Any = proxy_class(_aio.Container)
EventStream: Any = proxy_class(_aio.EventStream)
Image: Any = proxy_class(_aio.Image)
Network: Any = proxy_class(_aio.Network)
Node: Any = proxy_class(_aio.Node)
Secret: Any = proxy_class(_aio.Secret)
Service: Any = proxy_class(_aio.Service)
Swarm: Any = proxy_class(_aio.Swarm)
Volume: Any = proxy_class(_aio.Volume)
wait_until_healthy = sync_function(_aio.wait_until_healthy)
RunningStack: Any = proxy_class(_aio.RunningStack)

__all__ = [
    "APIError",
    "BuildError",
    "ComposeError",
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
    "ExecResult",
    "HealthCheckFailed",
    "Image",
    "ImageNotFound",
    "InvalidArgument",
    "LayerProgress",
    "LogRecord",
    "Network",
    "Node",
    "NotFound",
    "NotReady",
    "PortalClosed",
    "ProgressEvent",
    "ProgressSnapshot",
    "RunningStack",
    "Secret",
    "Service",
    "ServiceFailed",
    "Stack",
    "StackEvent",
    "StackLogRecord",
    "StreamError",
    "Swarm",
    "Timeout",
    "Volume",
    "compose",
    "errors",
    "from_env",
    "types",
    "wait",
    "wait_until_healthy",
]
