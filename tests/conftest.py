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
