"""Readiness strategies against a real engine: each passing, failing fast, and timing out."""

from __future__ import annotations

import time
import uuid

import anyio
import pytest

from aiocontainers import DockerClient, HealthCheckFailed, NotReady, Timeout, wait
from aiocontainers.errors import InvalidArgument, NotFound

from .test_health import HTTPD, Spawn, fast_check, spawn

__all__ = ["spawn"]  # the fixture, shared with test_health

PUBLISH = {"80/tcp": ("127.0.0.1", None)}
# httpd that starts listening only after a second.
LATE_HTTPD = ["sh", "-c", f"sleep 1; {HTTPD[2]}"]


async def test_log_message_counts_occurrences(spawn: Spawn, client: DockerClient) -> None:
    container = await spawn(
        ["sh", "-c", "echo booting; sleep 0.3; echo ready 1; echo noise; echo ready 2; sleep 30"]
    )
    await wait.for_log(r"ready \d", times=2, timeout=10).wait(container, client)


async def test_log_message_fails_at_once_when_the_container_exits(
    spawn: Spawn, client: DockerClient
) -> None:
    container = await spawn(["sh", "-c", "echo ready 1; echo giving up; exit 4"])
    started = time.monotonic()
    with pytest.raises(NotReady) as caught:
        await wait.for_log("ready", times=2, timeout=30).wait(container, client)
    assert time.monotonic() - started < 5
    assert caught.value.exit_code == 4
    assert "giving up" in caught.value.logs
    assert "1 seen" in str(caught.value)


async def test_log_message_times_out(spawn: Spawn, client: DockerClient) -> None:
    container = await spawn(["sh", "-c", "echo hello; sleep 30"])
    with pytest.raises(Timeout, match="log line matching 'never'"):
        await wait.for_log("never", timeout=1).wait(container, client)


async def test_port_open_waits_for_the_listener(spawn: Spawn, client: DockerClient) -> None:
    container = await spawn(LATE_HTTPD, ports=PUBLISH)
    started = time.monotonic()
    await wait.for_port(80, timeout=15).wait(container, client)
    assert time.monotonic() - started >= 0.5  # not fooled by docker-proxy before the listener
    host, port = wait.host_address(container, 80)
    assert host == "127.0.0.1"
    stream = await anyio.connect_tcp(host, port)
    async with stream:
        await stream.send(b"GET / HTTP/1.0\r\n\r\n")
        assert (await stream.receive()).startswith(b"HTTP/1.")


async def test_port_open_inside(spawn: Spawn, client: DockerClient) -> None:
    container = await spawn(LATE_HTTPD)  # not published: checked inside only
    await wait.for_port("80/tcp", inside=True, timeout=15).wait(container, client)
    result = await container.exec_run(["wget", "-q", "-O", "-", "http://127.0.0.1/"])
    assert result.output == b"ok\n"


async def test_port_open_times_out_when_nothing_listens(
    spawn: Spawn, client: DockerClient
) -> None:
    container = await spawn(["sleep", "30"], ports=PUBLISH)  # docker-proxy accepts, then closes
    with pytest.raises(Timeout, match="open port 80/tcp"):
        await wait.for_port(80, timeout=1.5).wait(container, client)


async def test_port_open_unpublished_is_not_ready(spawn: Spawn, client: DockerClient) -> None:
    container = await spawn()
    with pytest.raises(NotReady, match="not published"):
        await wait.for_port(80, timeout=5).wait(container, client)


async def test_http_status_and_predicate(spawn: Spawn, client: DockerClient) -> None:
    container = await spawn(LATE_HTTPD, ports=PUBLISH)
    await wait.for_http("/", port=80, timeout=15).wait(container, client)
    await wait.for_http(
        "/index.html", port=80, predicate=lambda r: r.text == "ok\n", timeout=5
    ).wait(container, client)
    await wait.for_http("/missing", port="80/tcp", status=404, timeout=5).wait(container, client)


async def test_http_times_out_with_last_status(spawn: Spawn, client: DockerClient) -> None:
    container = await spawn(ports=PUBLISH)
    with pytest.raises(Timeout, match="status 404"):
        await wait.for_http("/missing", port=80, timeout=1.5).wait(container, client)


async def test_http_fails_at_once_when_the_container_exits(
    spawn: Spawn, client: DockerClient
) -> None:
    container = await spawn(["sh", "-c", "sleep 0.5; exit 2"], ports=PUBLISH)
    with pytest.raises(NotReady) as caught:
        await wait.for_http("/", port=80, timeout=30).wait(container, client)
    assert caught.value.exit_code == 2


async def test_command_succeeds(spawn: Spawn, client: DockerClient) -> None:
    container = await spawn(["sh", "-c", "sleep 0.5; touch /tmp/ready; sleep 30"])
    await wait.for_command(["test", "-f", "/tmp/ready"], timeout=10).wait(container, client)


async def test_command_times_out_with_its_output(spawn: Spawn, client: DockerClient) -> None:
    container = await spawn(["sleep", "30"])
    with pytest.raises(Timeout, match="exit code 1: not yet"):
        await wait.for_command(["sh", "-c", "echo not yet; exit 1"], timeout=1).wait(
            container, client
        )


async def test_healthy_strategy(spawn: Spawn, client: DockerClient) -> None:
    good = await spawn(healthcheck=fast_check())
    await wait.for_healthy(timeout=20).wait(good, client)
    bad = await spawn(healthcheck=fast_check(["CMD", "false"]))
    with pytest.raises(HealthCheckFailed):
        await wait.for_healthy(timeout=20).wait(bad, client)


async def test_exited_strategy(spawn: Spawn, client: DockerClient) -> None:
    job = await spawn(["sh", "-c", "echo migrated"])
    await wait.for_exit(0, timeout=10).wait(job, client)
    assert job.status == "exited"
    broken = await spawn(["sh", "-c", "echo migration failed; exit 3"])
    with pytest.raises(NotReady, match="migration failed") as caught:
        await wait.for_exit(0, timeout=10).wait(broken, client)
    assert caught.value.exit_code == 3


async def test_all_of(spawn: Spawn, client: DockerClient) -> None:
    container = await spawn(LATE_HTTPD, ports=PUBLISH)
    both = wait.all_of(wait.for_port(80), wait.for_http("/", port=80), timeout=15)
    await both.wait(container, client)
    started = time.monotonic()
    with pytest.raises(Timeout, match="never-printed"):
        await wait.all_of(
            wait.for_http("/", port=80), wait.for_log("never-printed", timeout=1)
        ).wait(container, client)
    assert time.monotonic() - started < 5


async def test_any_of(spawn: Spawn, client: DockerClient) -> None:
    container = await spawn(ports=PUBLISH)
    started = time.monotonic()
    await wait.any_of(wait.for_log("never", timeout=20), wait.for_http("/", port=80)).wait(
        container, client
    )
    assert time.monotonic() - started < 10
    with pytest.raises(Timeout, match="none of 2"):
        await wait.any_of(
            wait.for_log("never", timeout=1), wait.for_http("/nope", port=80, timeout=1)
        ).wait(container, client)


async def test_overall_deadline(spawn: Spawn, client: DockerClient) -> None:
    container = await spawn(["sleep", "30"])
    started = time.monotonic()
    with pytest.raises(Timeout, match="all of"):
        await wait.all_of(wait.for_log("never", timeout=30), timeout=1).wait(container, client)
    assert time.monotonic() - started < 5


async def test_run_returns_when_ready(spawn: Spawn) -> None:
    started = time.monotonic()
    container = await spawn(LATE_HTTPD, ports=PUBLISH, wait_for=wait.for_http("/", port=80))
    assert time.monotonic() - started >= 0.5  # the server starts after a second
    host, port = wait.host_address(container, 80)
    stream = await anyio.connect_tcp(host, port)
    async with stream:
        await stream.send(b"GET / HTTP/1.0\r\n\r\n")
        assert b"200" in await stream.receive()


async def test_run_removes_the_container_when_readiness_fails(
    spawn: Spawn, client: DockerClient
) -> None:
    name = f"not-ready-{uuid.uuid4().hex[:8]}"
    with pytest.raises(NotReady) as caught:
        await spawn(["sh", "-c", "echo bye; exit 5"], name=name, wait_for=wait.for_log("never"))
    assert caught.value.exit_code == 5
    with pytest.raises(NotFound):
        await client.containers.get(name)


async def test_run_keeps_the_container_when_asked(spawn: Spawn, client: DockerClient) -> None:
    name = f"kept-{uuid.uuid4().hex[:8]}"
    with pytest.raises(Timeout):
        await spawn(
            ["sleep", "30"],
            name=name,
            wait_for=wait.for_log("never", timeout=0.5),
            keep_on_failure=True,
        )
    kept = await client.containers.get(name)
    assert kept.status == "running"


async def test_run_wait_for_needs_detach(client: DockerClient, image: str) -> None:
    with pytest.raises(InvalidArgument, match="detach"):
        await client.containers.run(image, "true", wait_for=wait.for_exit(0))
