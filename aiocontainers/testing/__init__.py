"""Helpers for test suites that use aiocontainers (and for testing aiocontainers itself).

The pytest plugin in :mod:`aiocontainers.testing._plugin` is registered through the
``pytest11`` entry point and offers the ``docker_session``, ``docker_labels``,
``docker_client`` and ``docker_run`` fixtures. :class:`MockTransport` answers a
client's requests from a function, for tests without a daemon.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from structlog import DropEvent
from structlog.testing import capture_logs
from structlog.typing import EventDict

from .._http import HTTPTransport, Request, Response
from .._mock import MockTransport
from ._cleanup import (
    HOST_LABEL,
    PID_LABEL,
    SESSION_LABEL,
    CleanupReport,
    TestSession,
    reap_orphans,
    remove_labelled,
)

__all__ = [
    "HOST_LABEL",
    "PID_LABEL",
    "SESSION_LABEL",
    "CleanupReport",
    "HTTPTransport",
    "MockTransport",
    "Request",
    "Response",
    "TestSession",
    "capture_events",
    "reap_orphans",
    "remove_labelled",
]


def _only_ours(_logger: object, _method: str, event: EventDict) -> EventDict:
    if not str(event.get("event", "")).startswith("docker."):
        raise DropEvent
    return event


@contextmanager
def capture_events() -> Iterator[list[EventDict]]:
    """Collect the library's structured events (one per daemon call) while active.

    Each event is a dict with ``event`` (``docker.request`` or ``docker.stream``),
    ``method``, ``path`` (the template, e.g. ``/containers/{id}/json``), ``id``,
    ``status`` and ``duration`` in seconds. Not thread-safe (structlog's capture isn't).
    """
    with capture_logs(processors=[_only_ours]) as events:
        yield events
