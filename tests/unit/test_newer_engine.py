"""A newer engine than this machine's: negotiation and version gates, against a fake daemon.

No engine newer than 20.10 (API 1.41) can be installed here, so a small aiohttp app on a
unix socket answers ``GET /version`` as a newer engine does (the answer's shape is Docker
Engine 28.2's, API 1.50) and records every other request. The fake stands in only for what
no engine here can produce: another API version.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from aiocontainers import DockerClient, InvalidArgument
from aiocontainers._version import MAX_API_VERSION, version_lt
from aiocontainers.types import Healthcheck

pytestmark = pytest.mark.anyio

DATA = Path(__file__).parent / "data"


def newer_engine_version(api_version: str = "1.50") -> dict[str, Any]:
    """``GET /version`` of a Docker Engine 28.2 (API 1.50), with ``api_version`` put in."""
    details = {
        "ApiVersion": api_version,
        "Arch": "amd64",
        "BuildTime": "2025-05-30T12:07:26.000000000+00:00",
        "Experimental": "false",
        "GitCommit": "45873be",
        "GoVersion": "go1.24.3",
        "KernelVersion": "6.8.0-60-generic",
        "MinAPIVersion": "1.24",
        "Os": "linux",
    }
    return {
        "Platform": {"Name": "Docker Engine - Community"},
        "Components": [
            {"Name": "Engine", "Version": "28.2.2", "Details": details},
            {"Name": "containerd", "Version": "1.7.27", "Details": {"GitCommit": "05044ec"}},
            {"Name": "runc", "Version": "1.2.5", "Details": {"GitCommit": "v1.2.5-0-g59923ef"}},
            {"Name": "docker-init", "Version": "0.19.0", "Details": {"GitCommit": "de40ad0"}},
        ],
        "Version": "28.2.2",
        **{key: value for key, value in details.items() if key != "Experimental"},
    }


@dataclass
class FakeDaemon:
    """Answers /version as a newer engine; records every request as (method, path, body)."""

    url: str
    version: dict[str, Any]
    requests: list[tuple[str, str, Any]] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.requests.append((request.method, request.path, json.loads(body) if body else None))
        if request.path == "/_ping":
            return web.Response(text="OK")
        if request.path.endswith("/version"):
            return web.json_response(self.version)
        if request.path.endswith("/info"):
            return web.json_response({"ServerVersion": self.version["Version"]})
        if request.path.endswith("/containers/create"):
            return web.json_response({"Id": "c0ffee" * 10 + "c0ff", "Warnings": []}, status=201)
        if request.path.endswith("/json") and "/containers/" in request.path:
            return web.json_response(json.loads((DATA / "container_created.json").read_text()))
        return web.json_response({"message": f"not faked: {request.path}"}, status=404)

    def paths(self, method: str = "") -> list[str]:
        return [path for m, path, _ in self.requests if not method or m == method]


@pytest.fixture
async def daemon(request: pytest.FixtureRequest, socket_dir: Path) -> AsyncIterator[FakeDaemon]:
    api = getattr(request, "param", "1.50")
    socket = socket_dir / "docker.sock"
    fake = FakeDaemon(f"unix://{socket}", newer_engine_version(api))
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", fake.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.UnixSite(runner, str(socket)).start()
    try:
        yield fake
    finally:
        await runner.cleanup()


@pytest.mark.parametrize(
    ("daemon", "expected"),
    [("1.50", MAX_API_VERSION), ("1.44", "1.44"), ("1.41", "1.41")],
    indirect=["daemon"],
)
async def test_negotiates_the_lower_of_the_two_versions(daemon: FakeDaemon, expected: str) -> None:
    async with DockerClient(daemon.url) as client:
        assert await client.api_version() == expected
        await client.info()
        await client.info()
    assert daemon.paths() == ["/version", f"/v{expected}/info", f"/v{expected}/info"]


async def test_speaks_a_newer_api_than_this_machines_engine(daemon: FakeDaemon) -> None:
    async with DockerClient(daemon.url) as client:
        version = await client.api_version()
        reported = await client.version()
    assert version_lt("1.41", version)
    assert reported["Components"][0]["Details"]["ApiVersion"] == "1.50"


async def test_a_feature_of_a_newer_api_reaches_the_daemon(daemon: FakeDaemon) -> None:
    check = Healthcheck(test=["CMD", "true"], interval=1, start_interval=0.25)  # API 1.44
    async with DockerClient(daemon.url) as client:
        await client.containers.create("busybox", "true", healthcheck=check)
    (_, path, body) = next(r for r in daemon.requests if r[1].endswith("/containers/create"))
    assert path == f"/v{MAX_API_VERSION}/containers/create"
    assert body["Healthcheck"]["StartInterval"] == 250_000_000


@pytest.mark.parametrize("daemon", ["1.43"], indirect=True)
async def test_gate_names_the_version_a_feature_needs(daemon: FakeDaemon) -> None:
    check = Healthcheck(test=["CMD", "true"], start_interval=1)
    async with DockerClient(daemon.url) as client:
        with pytest.raises(InvalidArgument, match=r"start_interval needs Docker API 1\.44"):
            await client.containers.create("busybox", "true", healthcheck=check)
    assert daemon.paths("POST") == []  # refused before the daemon was asked


async def test_gate_names_the_version_that_removed_a_feature(daemon: FakeDaemon) -> None:
    async with DockerClient(daemon.url) as client:
        with pytest.raises(
            InvalidArgument,
            match=rf"kernel_memory was removed in Docker API 1\.42; .* {MAX_API_VERSION}",
        ):
            await client.containers.create("busybox", "true", kernel_memory="64m")
    assert daemon.paths("POST") == []
