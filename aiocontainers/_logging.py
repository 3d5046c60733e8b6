"""One structured event per daemon call, and nothing secret in it.

The library never configures logging. When the application has configured
structlog, events go through its processors; otherwise they go to the stdlib
logger ``aiocontainers`` (silent unless the application enables it), so an
unconfigured structlog never prints to stdout on our behalf.
"""

from __future__ import annotations

import logging
from typing import Any

import structlog

__all__ = ["LOGGER_NAME", "log_event"]

LOGGER_NAME = "aiocontainers"
_stdlib_logger = logging.getLogger(LOGGER_NAME)


def log_event(event: str, *, level: int = logging.DEBUG, **fields: Any) -> None:
    """Emit ``event`` with ``fields``; callers must never pass secrets."""
    if structlog.is_configured():
        structlog.get_logger(LOGGER_NAME).log(level, event, **fields)
    elif _stdlib_logger.isEnabledFor(level):
        detail = " ".join(f"{key}={value!r}" for key, value in fields.items())
        _stdlib_logger.log(level, "%s %s", event, detail)
