"""Fixtures shared by unit and engine tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def anyio_backend() -> str:
    """The library is asyncio-native (aiohttp underneath): test on asyncio."""
    return "asyncio"
