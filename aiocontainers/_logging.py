"""One structured event per daemon call, and nothing secret in it.

The library never configures logging. When the application has configured
structlog, events go through its processors; otherwise they go to the stdlib
logger ``aiocontainers`` (silent unless the application enables it), so an
unconfigured structlog never prints to stdout on our behalf.

structlog is never imported here: an application that configured it has
imported it, so when it is not in ``sys.modules`` it is not configured, and
a program that does not use structlog does not pay for loading it (nor for
the rich it loads for its console renderer).
"""

from __future__ import annotations

import logging
import sys
from typing import Any

__all__ = ["LOGGER_NAME", "log_event", "logging_enabled"]

LOGGER_NAME = "aiocontainers"
_stdlib_logger = logging.getLogger(LOGGER_NAME)


def logging_enabled(level: int = logging.DEBUG) -> bool:
    """Whether an event at ``level`` goes anywhere: callers skip building its fields if not."""
    structlog = sys.modules.get("structlog")
    if structlog is not None and structlog.is_configured():
        return True
    return _stdlib_logger.isEnabledFor(level)


def log_event(event: str, *, level: int = logging.DEBUG, **fields: Any) -> None:
    """Emit ``event`` with ``fields``; callers must never pass secrets."""
    structlog = sys.modules.get("structlog")
    if structlog is not None and structlog.is_configured():
        structlog.get_logger(LOGGER_NAME).log(level, event, **fields)
    elif _stdlib_logger.isEnabledFor(level):
        detail = " ".join(f"{key}={value!r}" for key, value in fields.items())
        _stdlib_logger.log(level, "%s %s", event, detail)
