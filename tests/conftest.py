"""Fixtures shared by unit and engine tests."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog
from structlog.typing import EventDict


@pytest.fixture
def anyio_backend() -> str:
    """The library is asyncio-native (aiohttp underneath): test on asyncio."""
    return "asyncio"


@pytest.fixture
def socket_dir() -> Iterator[Path]:
    """A short directory for unix sockets: a socket path must fit in 108 bytes, and
    ``tmp_path`` under a deep checkout or nox's per-session TMPDIR does not."""
    directory = Path(tempfile.mkdtemp(prefix="aioc-", dir="/tmp"))
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


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
