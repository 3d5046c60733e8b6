"""Helpers for test suites that use aiocontainers (and for testing aiocontainers itself).

The pytest plugin in :mod:`aiocontainers.testing._plugin` is registered through the
``pytest11`` entry point and offers the ``docker_session``, ``docker_labels``,
``docker_client``, ``docker_run``, ``docker_network``, ``docker_volume`` and
``docker_stack`` fixtures; :func:`shared_container` and :func:`shared_stack`
build fixtures for a container or a stack shared by a module or a session.
The cleanup machinery underneath -- labels, leases, the watchdog process --
works outside pytest too. :class:`MockTransport` answers a client's requests
from a function, for tests without a daemon.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import structlog
from structlog.testing import LogCapture
from structlog.typing import EventDict

from .._http import HTTPTransport, Request, Response
from .._mock import MockTransport
from ._cleanup import SESSION_LABEL, CleanupReport, TestSession, remove_labelled
from ._lease import LEASE_LABEL, LEASE_TTL, RENEW_INTERVAL, find_orphans, reap_orphans
from ._shared import SharedContainer, SharedStack, shared_container, shared_stack
from ._watchdog import Watchdog, WatchdogError

__all__ = [
    "LEASE_LABEL",
    "LEASE_TTL",
    "RENEW_INTERVAL",
    "SESSION_LABEL",
    "CleanupReport",
    "HTTPTransport",
    "MockTransport",
    "Request",
    "Response",
    "SharedContainer",
    "SharedStack",
    "TestSession",
    "Watchdog",
    "WatchdogError",
    "capture_events",
    "find_orphans",
    "reap_orphans",
    "remove_labelled",
    "shared_container",
    "shared_stack",
]


def _only_ours(_logger: object, _method: str, event: EventDict) -> EventDict:
    if not str(event.get("event", "")).startswith("docker."):
        raise structlog.DropEvent
    return event


@contextmanager
def capture_events() -> Iterator[list[EventDict]]:
    """Collect the library's structured events (one per daemon call) while active.

    Each event is a dict with ``event`` (``docker.request`` or ``docker.stream``),
    ``method``, ``path`` (the template, e.g. ``/containers/{id}/json``), ``id``,
    ``status`` and ``duration`` in seconds. structlog's configuration is left
    exactly as it was found, including "not configured" (in which state the
    library logs through the stdlib instead). Not thread-safe (structlog's
    configuration is global).
    """
    was_configured = structlog.is_configured()
    config = structlog.get_config()
    processors = config["processors"]  # the live list: bound loggers may hold it
    saved = list(processors)
    capture = LogCapture()
    processors[:] = [_only_ours, capture]
    structlog.configure(processors=processors)
    try:
        yield capture.entries
    finally:
        processors[:] = saved
        if was_configured:
            structlog.configure(**config)
        else:
            structlog.reset_defaults()
