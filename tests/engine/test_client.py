"""The client against a real daemon: connection, errors, version, lifecycle."""

from __future__ import annotations

import os
import time
from pathlib import Path

import anyio
import pytest
from structlog.testing import capture_logs

import aiocontainers
from aiocontainers import DockerClient


async def test_from_env_talks_to_the_daemon(client: DockerClient) -> None:
    assert await client.ping() is True
    version = await client.version()
    assert version["ApiVersion"]
    info = await client.info()
    assert "Containers" in info
    df = await client.df()
    assert "Images" in df


async def test_explicit_unix_url() -> None:
    async with DockerClient(base_url="unix:///var/run/docker.sock") as client:
        assert await client.ping()
        assert client.base_url == "unix:///var/run/docker.sock"


async def test_docker_host_beats_docker_context(tmp_path: Path) -> None:
    env = {
        "DOCKER_HOST": os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock"),
        "DOCKER_CONTEXT": "does-not-exist",
        "DOCKER_CONFIG": str(tmp_path),
    }
    async with aiocontainers.from_env(environment=env) as client:
        assert await client.ping()


async def test_wrong_socket_fails_fast_naming_the_path(socket_dir: Path) -> None:
    path = socket_dir / "nothing-here.sock"
    async with DockerClient(base_url=f"unix://{path}") as client:
        start = time.monotonic()
        with pytest.raises(aiocontainers.DaemonUnavailable) as info:
            await client.ping()
        assert time.monotonic() - start < 2
    assert str(path) in str(info.value)
    assert info.value.url == f"unix://{path}"


async def test_unknown_container_is_not_found(client: DockerClient) -> None:
    with pytest.raises(aiocontainers.NotFound) as info:
        await client.transport.request_json(
            "GET", "/containers/{id}/json", path_args={"id": "no-such-container-xyz"}
        )
    assert info.value.status_code == 404
    assert "no-such-container-xyz" in (info.value.explanation or "")
    assert info.value.is_client_error() and not info.value.is_server_error()


async def test_server_error_keeps_the_daemon_explanation(client: DockerClient) -> None:
    # A build context that is not a tar archive makes the daemon answer 500.
    with pytest.raises(aiocontainers.APIError) as info:
        await client.transport.request(
            "POST", "/build", data=b"not a tar", headers={"Content-Type": "application/x-tar"}
        )
    assert info.value.status_code == 500
    assert info.value.is_server_error()
    assert info.value.explanation == "unexpected EOF"
    assert "unexpected EOF" in str(info.value)


async def test_version_is_negotiated_once_under_concurrency() -> None:
    async with aiocontainers.from_env() as client:
        with capture_logs() as logs:
            async with anyio.create_task_group() as tg:
                for _ in range(50):
                    tg.start_soon(client.info)
        probes = [e for e in logs if e["event"] == "docker.request" and e["path"] == "/version"]
        assert len(probes) == 1
        infos = [e for e in logs if e["event"] == "docker.request" and e["path"] == "/info"]
        assert len(infos) == 50
        assert all(e["status"] == 200 and e["duration"] >= 0 for e in infos)
        assert await client.api_version() == "1.41"


async def test_pinned_version_skips_negotiation() -> None:
    async with aiocontainers.from_env(version="1.40") as client:
        with capture_logs() as logs:
            await client.info()
        assert [e["path"] for e in logs if e["event"] == "docker.request"] == ["/info"]
        assert await client.api_version() == "1.40"


async def test_close_twice_and_use_after_close() -> None:
    client = aiocontainers.from_env()
    await client.ping()
    await client.close()
    await client.close()
    with pytest.raises(aiocontainers.DockerException, match="closed"):
        await client.ping()
    with pytest.raises(aiocontainers.DockerException, match="closed"):
        async with client:
            pass


async def test_close_without_any_request() -> None:
    client = aiocontainers.from_env()
    await client.close()


async def test_unary_timeout_raises_timeout(client: DockerClient) -> None:
    # /containers/{id}/wait blocks until the container exits: a real deadline must fire.
    created = await client.transport.request_json(
        "POST",
        "/containers/create",
        json={
            "Image": "aiocontainers-test/busybox:latest",
            "Cmd": ["sleep", "30"],
            "Labels": {"aiocontainers.test": "1"},
        },
    )
    cid = created["Id"]
    try:
        await client.transport.request("POST", "/containers/{id}/start", path_args={"id": cid})
        start = time.monotonic()
        with pytest.raises(aiocontainers.Timeout) as info:
            await client.transport.request(
                "POST", "/containers/{id}/wait", path_args={"id": cid}, timeout=0.5
            )
        assert isinstance(info.value, TimeoutError)
        assert time.monotonic() - start < 3
        # The client is still usable after a timed-out request.
        assert await client.ping()
    finally:
        await client.transport.request(
            "DELETE", "/containers/{id}", path_args={"id": cid}, params={"force": True}
        )


async def test_logs_never_contain_secrets(client: DockerClient) -> None:
    with capture_logs() as logs:
        await client.transport.request(
            "GET", "/_ping", versioned=False, headers={"X-Registry-Auth": "c2VjcmV0"}
        )
    assert logs and "c2VjcmV0" not in repr(logs)
