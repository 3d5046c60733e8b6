"""The low-level client's session surface: ``headers`` and ``base_url``, as docker-py's."""

from __future__ import annotations

import pytest

from aiocontainers import DockerClient
from aiocontainers.testing import MockTransport, Response

pytestmark = pytest.mark.anyio


async def test_a_header_added_to_api_headers_goes_with_every_later_request() -> None:
    transport = MockTransport(lambda request: Response(json=[]))
    async with DockerClient(transport=transport, version="1.41") as client:
        await client.containers.list()
        client.api.headers["X-Session"] = "s1"
        await client.containers.list()
        await client.api.containers()
    first, *later = transport.requests
    assert "X-Session" not in first.headers
    assert [request.headers.get("X-Session") for request in later] == ["s1", "s1"]
    assert all(request.headers["User-Agent"] == "aiocontainers" for request in transport.requests)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("unix:///var/run/docker.sock", "http+docker://localhost"),
        ("ssh://me@host", "http+docker://ssh"),
        ("tcp://127.0.0.1:2375", "http://127.0.0.1:2375"),
    ],
)
async def test_base_url_is_written_as_docker_py_writes_it(url: str, expected: str) -> None:
    async with DockerClient(base_url=url) as client:
        assert client.api.base_url == expected
