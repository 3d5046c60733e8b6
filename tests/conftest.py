"""Fixtures shared by unit and engine tests."""

from __future__ import annotations

import pytest
import structlog
from structlog.typing import EventDict


@pytest.fixture
def anyio_backend() -> str:
    """The library is asyncio-native (aiohttp underneath): test on asyncio."""
    return "asyncio"


def _drop_event(_logger: object, _method: str, _event: EventDict) -> EventDict:
    raise structlog.DropEvent


# The library's per-call events are debug chatter in test output; tests that assert on
# them use structlog.testing.capture_logs(), which swaps these processors out and back.
structlog.configure(processors=[_drop_event])


def pytest_configure(config: pytest.Config) -> None:
    # The xdist controller runs no tests: it checks the whole run for leaked containers.
    if getattr(config.option, "dist", "no") != "no" and not hasattr(config, "workerinput"):
        from tests.engine._leaks import ControllerLeakCheck

        config.pluginmanager.register(ControllerLeakCheck(), "aiocontainers-leak-check")
