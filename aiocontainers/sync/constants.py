"""docker-py's ``docker.constants`` that callers read, with this library's values (the
client's own defaults, so they cannot drift from what a client does)."""

from __future__ import annotations

import inspect
import sys

from .._client import DockerClient
from .._config import DEFAULT_UNIX_SOCKET
from .._version import MAX_API_VERSION, MIN_API_VERSION

__all__ = [
    "DEFAULT_DOCKER_API_VERSION",
    "DEFAULT_MAX_POOL_SIZE",
    "DEFAULT_TIMEOUT_SECONDS",
    "DEFAULT_UNIX_SOCKET",
    "IS_WINDOWS_PLATFORM",
    "MINIMUM_DOCKER_API_VERSION",
]

_DEFAULTS = inspect.signature(DockerClient.__init__).parameters

#: The newest API version this library knows (it negotiates the daemon's by default).
DEFAULT_DOCKER_API_VERSION = MAX_API_VERSION
#: The oldest API version this library speaks.
MINIMUM_DOCKER_API_VERSION = MIN_API_VERSION
#: A client's deadline for each unary call, in seconds.
DEFAULT_TIMEOUT_SECONDS: float = _DEFAULTS["timeout"].default
#: Idle connections a client keeps for reuse.
DEFAULT_MAX_POOL_SIZE: int = _DEFAULTS["max_pool_size"].default
#: True on Windows (where the daemon listens on a named pipe).
IS_WINDOWS_PLATFORM = sys.platform == "win32"
