"""capture_events() collects the library's events and leaves structlog as it found it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import structlog
from structlog.typing import EventDict

from aiocontainers._logging import log_event
from aiocontainers.testing import capture_events


@pytest.fixture
def pristine_structlog() -> Iterator[None]:
    """structlog never configured, for the test; the suite's configuration after it."""
    saved = structlog.get_config()
    was_configured = structlog.is_configured()
    structlog.reset_defaults()
    yield
    structlog.reset_defaults()
    if was_configured:
        structlog.configure(**saved)


def _emit() -> None:
    log_event("docker.request", method="GET", path="/_ping", id=None, status=200, duration=0.1)
    structlog.get_logger("app").info("not ours")


def test_events_are_captured_and_others_dropped(pristine_structlog: None) -> None:
    with capture_events() as events:
        _emit()
    assert [(e["event"], e["path"], e["status"]) for e in events] == [
        ("docker.request", "/_ping", 200)
    ]


def test_an_unconfigured_structlog_stays_unconfigured(pristine_structlog: None) -> None:
    before = structlog.get_config()
    with capture_events():
        assert structlog.is_configured()
    assert not structlog.is_configured()  # so the library keeps logging through the stdlib
    assert structlog.get_config() == before


def test_a_configured_structlog_gets_its_configuration_back(pristine_structlog: None) -> None:
    def mine(_logger: object, _method: str, event: EventDict) -> EventDict:
        return event

    structlog.configure(
        processors=[mine, structlog.processors.KeyValueRenderer()],
        wrapper_class=structlog.make_filtering_bound_logger(10),
        cache_logger_on_first_use=True,
    )
    before = structlog.get_config()
    processors = before["processors"]
    with capture_events() as events:
        _emit()
    assert len(events) == 1
    assert structlog.is_configured()
    assert structlog.get_config() == before
    assert structlog.get_config()["processors"] is processors  # the same list, bound loggers too


def test_captures_nest_and_unwind(pristine_structlog: None) -> None:
    with capture_events() as outer:
        with capture_events() as inner:
            _emit()
        _emit()
    assert (len(outer), len(inner)) == (1, 1)
    assert not structlog.is_configured()
