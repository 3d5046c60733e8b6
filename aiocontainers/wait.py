"""Readiness strategies for ``containers.run(..., wait_for=...)`` and your own waits.

```python
from aiocontainers import wait

web = await client.containers.run(
    "myapp", detach=True, ports={"8080/tcp": ("127.0.0.1", None)},
    wait_for=wait.all_of(
        wait.for_log(r"listening on", timeout=30),
        wait.for_http("/health", port=8080, status=200),
        timeout=60,
    ),
)
await wait.for_port(5432).wait(db, client)      # or use a strategy directly
```

Every strategy has its own ``timeout`` (seconds or ``timedelta``; default
60 s) and raises [`Timeout`][aiocontainers.errors.Timeout] when it passes, or
[`NotReady`][aiocontainers.NotReady] at once when the container exits first.
``all_of``/``any_of`` run their strategies concurrently under an overall
deadline. Write your own by implementing [`WaitStrategy`][aiocontainers.wait.WaitStrategy].
"""

from __future__ import annotations

from ._orchestration._wait import (
    AllOf,
    AnyOf,
    CommandSucceeds,
    Exited,
    Healthy,
    HttpResponds,
    HttpResponse,
    LogMessage,
    PortOpen,
    Strategy,
    WaitStrategy,
    host_address,
)
from .errors import HealthCheckFailed, NotReady

__all__ = [
    "AllOf",
    "AnyOf",
    "CommandSucceeds",
    "Exited",
    "HealthCheckFailed",
    "Healthy",
    "HttpResponds",
    "HttpResponse",
    "LogMessage",
    "NotReady",
    "PortOpen",
    "Strategy",
    "WaitStrategy",
    "all_of",
    "any_of",
    "for_command",
    "for_exit",
    "for_healthy",
    "for_http",
    "for_log",
    "for_port",
    "host_address",
]

for_log = LogMessage
"""Wait for a log line matching a regex: ``for_log(r"ready", times=1, timeout=60)``."""
for_port = PortOpen
"""Wait for a published TCP port to accept connections: ``for_port(80, inside=False)``."""
for_http = HttpResponds
"""Wait for an HTTP answer: ``for_http("/health", port=8080, status=200)`` or ``predicate=``."""
for_command = CommandSucceeds
"""Wait for a command run with exec to succeed: ``for_command(["pg_isready"])``."""
for_healthy = Healthy
"""Wait for the container's health check to report healthy."""
for_exit = Exited
"""Wait for the container to exit with a code: ``for_exit(0)``."""
all_of = AllOf
"""All strategies, concurrently: ``all_of(s1, s2, timeout=60)``."""
any_of = AnyOf
"""The first strategy to succeed, concurrently: ``any_of(s1, s2, timeout=60)``."""
