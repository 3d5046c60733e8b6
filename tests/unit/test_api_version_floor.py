"""A daemon older than MIN_API_VERSION fails negotiation with both versions named.

No engine here is that old, so the fake daemon of tests/faults.py answers ``GET /version``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from aiohttp import web

from aiocontainers import DockerClient
from aiocontainers._version import MIN_API_VERSION
from aiocontainers.errors import InvalidVersion
from tests.faults import FakeDaemon, fake_daemon

__all__ = ["fake_daemon"]  # fixtures, imported for use here

pytestmark = pytest.mark.anyio


def test_the_floor_is_the_api_the_readme_promises() -> None:
    readme = Path(__file__).resolve().parents[2] / "README.md"
    assert f"API {MIN_API_VERSION} or newer" in readme.read_text()


@pytest.mark.parametrize("api", ["1.40", "1.24"])
async def test_an_older_daemon_is_refused_naming_both_versions(
    fake_daemon: FakeDaemon, api: str
) -> None:
    async def old_version(_: web.Request) -> web.Response:
        return web.json_response({"ApiVersion": api, "Version": "19.03"})

    fake_daemon.on("GET", "/version", old_version)
    expected = rf"API {re.escape(api)}; aiocontainers needs {re.escape(MIN_API_VERSION)} or newer"
    async with DockerClient(fake_daemon.url) as client:
        with pytest.raises(InvalidVersion, match=expected):
            await client.info()
        with pytest.raises(InvalidVersion, match=expected):
            await client.containers.list()
    # refused at negotiation: nothing but the version probe reached the daemon
    assert fake_daemon.calls == ["GET /version", "GET /version"]


async def test_the_oldest_supported_daemon_is_accepted(fake_daemon: FakeDaemon) -> None:
    async with DockerClient(fake_daemon.url) as client:
        assert await client.api_version() == MIN_API_VERSION  # the fake answers API 1.41
