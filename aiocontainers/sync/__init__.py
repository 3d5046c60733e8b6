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
ones; ``errors`` is the async package's own module, so ``except
docker.errors.NotFound`` works, and ``types`` is docker-py's ``docker.types``
(dicts, durations in nanoseconds; :mod:`aiocontainers.types` has the typed
specs). Each client runs an event loop in a
background thread; it may be used from several threads at once and from a
thread that already runs an event loop, but not from inside its own loop
(callbacks of the async API).
"""

from __future__ import annotations

import sys
from typing import Any

import aiocontainers as _aio

from .. import __version__ as __version__
from .. import context, errors, tls, wait
from .._progress import LayerProgress, ProgressEvent, ProgressSnapshot
from .._resources._exec import ExecResult
from .._resources.events import Event, EventActor
from .._streams import LogRecord
from ..context import Context, ContextAPI
from ..errors import (
    APIError,
    BuildError,
    Conflict,
    ContainerError,
    DaemonUnavailable,
    DockerException,
    HealthCheckFailed,
    ImageNotFound,
    InvalidArgument,
    NotFound,
    NotReady,
    StreamError,
    Timeout,
)
from ..tls import TLSConfig
from . import types, version
from ._client import DockerClient, from_context, from_env, sync_function
from ._portal import PortalClosed
from ._wrap import proxy_class

# ``from aiocontainers.sync.errors import NotFound`` works as it does for ``docker.errors``
# (the module is the async one).
for _module in (context, errors, tls, wait):
    sys.modules[f"{__name__}.{_module.__name__.rsplit('.', 1)[1]}"] = _module

Config: Any = proxy_class(_aio.Config)
Container: Any = proxy_class(_aio.Container)
EventStream: Any = proxy_class(_aio.EventStream)
Image: Any = proxy_class(_aio.Image)
Network: Any = proxy_class(_aio.Network)
Node: Any = proxy_class(_aio.Node)
Plugin: Any = proxy_class(_aio.Plugin)
Secret: Any = proxy_class(_aio.Secret)
Service: Any = proxy_class(_aio.Service)
Swarm: Any = proxy_class(_aio.Swarm)
Volume: Any = proxy_class(_aio.Volume)
wait_until_healthy = sync_function(_aio.wait_until_healthy)

__all__ = [
    "APIError",
    "BuildError",
    "Config",
    "Conflict",
    "Container",
    "ContainerError",
    "Context",
    "ContextAPI",
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
    "Plugin",
    "PortalClosed",
    "ProgressEvent",
    "ProgressSnapshot",
    "Secret",
    "Service",
    "StreamError",
    "Swarm",
    "TLSConfig",
    "Timeout",
    "Volume",
    "context",
    "errors",
    "from_context",
    "from_env",
    "tls",
    "types",
    "version",
    "wait",
    "wait_until_healthy",
]
