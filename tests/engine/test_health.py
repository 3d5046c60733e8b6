"""wait_until_healthy against a real engine: healthy, unhealthy, exited, many at once, latency."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import anyio
import pytest

import aiocontainers
from aiocontainers import Container, DockerClient, HealthCheckFailed, wait_until_healthy
from aiocontainers._orchestration._health import _Hub, _hubs, _wait_one, _Watch
from aiocontainers.errors import Conflict, InvalidArgument, NotFound, Timeout
from aiocontainers.types import Healthcheck

from .conftest import LABELS, TEST_IMAGE

CASE_LABEL = "aiocontainers.test.case"
# busybox httpd serving one page, and a probe that fetches it.
HTTPD = ["sh", "-c", "mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 80 -h /www"]
PROBE = ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1/"]

Spawn = Callable[..., Awaitable[Container]]


def fast_check(test: list[str] = PROBE, **overrides: Any) -> Healthcheck:
    """A health check that probes every 0.2 s and gives up after two failures."""
    options: dict[str, Any] = {"interval": 0.2, "timeout": 2, "retries": 2, **overrides}
    return Healthcheck(test=test, **options)


@pytest.fixture
async def spawn(client: DockerClient) -> AsyncIterator[Spawn]:
    """Run detached test containers (labelled); every one is force-removed afterwards."""
    case = {**LABELS, CASE_LABEL: uuid.uuid4().hex}
    started: set[str] = set()

    async def run(command: list[str] | None = None, **kwargs: Any) -> Container:
        kwargs["labels"] = {**case, **kwargs.get("labels", {})}
        container = await client.containers.run(
            TEST_IMAGE, command or HTTPD, detach=True, **kwargs
        )
        assert isinstance(container, Container)
        started.add(container.id)
        return container

    yield run
    async with aiocontainers.from_env() as cleaner:
        rows = await cleaner.transport.request_json(
            "GET",
            "/containers/json",
            params={"all": True, "filters": {"label": [f"{CASE_LABEL}={case[CASE_LABEL]}"]}},
        )
        async with anyio.create_task_group() as tg:
            for container_id in started | {row["Id"] for row in rows}:
                tg.start_soon(_force_remove, cleaner, container_id)


async def _force_remove(client: DockerClient, container_id: str) -> None:
    try:
        await client.transport.request(
            "DELETE",
            "/containers/{id}",
            path_args={"id": container_id},
            params={"force": True, "v": True},
        )
    except (NotFound, Conflict):
        pass


async def test_healthy_container(spawn: Spawn) -> None:
    container = await spawn(healthcheck=fast_check())
    await wait_until_healthy(container, timeout=20)
    assert container.health == "healthy"  # attrs are fresh on return


async def test_unhealthy_container_fails_with_probe_output(spawn: Spawn) -> None:
    check = fast_check(["CMD-SHELL", "echo probe-says-no; exit 1"], retries=1)
    container = await spawn(healthcheck=check, name=f"sick-{uuid.uuid4().hex[:8]}")
    with pytest.raises(HealthCheckFailed) as caught:
        await wait_until_healthy(container, timeout=20)
    error = caught.value
    assert error.container == container
    assert error.status == "unhealthy"
    assert error.output == "probe-says-no"
    assert container.name is not None and container.name in str(error)
    assert "probe-says-no" in str(error)


async def test_always_failing_check(spawn: Spawn) -> None:
    container = await spawn(healthcheck=fast_check(["CMD", "false"]))
    with pytest.raises(HealthCheckFailed, match="unhealthy"):
        await wait_until_healthy(container, timeout=20)
    assert container.health == "unhealthy"


async def test_exit_before_healthy_reports_exit_code_and_logs(spawn: Spawn) -> None:
    container = await spawn(
        ["sh", "-c", "echo about-to-crash; sleep 0.3; exit 3"],
        healthcheck=fast_check(start_period=30),
    )
    started = time.monotonic()
    with pytest.raises(HealthCheckFailed) as caught:
        await wait_until_healthy(container, timeout=20)
    assert time.monotonic() - started < 5  # at once, not at the timeout
    assert caught.value.exit_code == 3
    assert "about-to-crash" in caught.value.logs
    assert "exit code 3" in str(caught.value)


async def test_removed_while_waiting(spawn: Spawn, client: DockerClient) -> None:
    container = await spawn(healthcheck=fast_check(start_period=30, interval=30))

    async def remove_soon() -> None:
        await anyio.sleep(0.3)
        await container.remove(force=True)

    async with anyio.create_task_group() as tg:
        tg.start_soon(remove_soon)
        with pytest.raises(HealthCheckFailed, match="remov"):  # "removing" or "removed"
            await wait_until_healthy(container, timeout=20)


async def test_without_healthcheck_is_a_clear_error(spawn: Spawn) -> None:
    container = await spawn(["sleep", "30"])
    with pytest.raises(InvalidArgument, match="no health check"):
        await wait_until_healthy(container, timeout=5)


async def test_timeout_names_the_containers_not_healthy(spawn: Spawn) -> None:
    slow = await spawn(healthcheck=fast_check(interval=60), name=f"slow-{uuid.uuid4().hex[:8]}")
    fast = await spawn(healthcheck=fast_check())
    started = time.monotonic()
    with pytest.raises(Timeout) as caught:
        await wait_until_healthy(slow, fast, timeout=2)
    assert 1.9 < time.monotonic() - started < 5
    assert slow.name is not None and slow.name in str(caught.value)
    assert "(starting)" in str(caught.value)
    assert fast.short_id not in str(caught.value) and str(fast.name) not in str(caught.value)


async def test_twenty_at_once_one_failing(spawn: Spawn) -> None:
    healthy: list[Container] = []

    async def start_healthy() -> None:
        healthy.append(await spawn(healthcheck=fast_check()))

    async with anyio.create_task_group() as tg:
        for _ in range(19):
            tg.start_soon(start_healthy)
    failing = await spawn(
        healthcheck=fast_check(["CMD", "false"], retries=1), name=f"bad-{uuid.uuid4().hex[:8]}"
    )
    started = time.monotonic()
    with pytest.raises(HealthCheckFailed) as caught:
        await wait_until_healthy(*healthy[:10], failing, *healthy[10:], timeout=30)
    assert caught.value.container == failing
    assert time.monotonic() - started < 10
    # The others were cancelled, not failed; they do become healthy.
    await wait_until_healthy(*healthy, timeout=30)
    assert all(c.health == "healthy" for c in healthy)


async def test_seed_example_translated(spawn: Spawn) -> None:
    """The guide's health check, in seconds instead of ``SECOND = 1_000_000_000``."""
    typed = await spawn(
        healthcheck=Healthcheck(
            test=["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1/ || exit 1"],
            interval=0.2,
            timeout=5,
            retries=3,
            start_period=30,
        )
    )
    second = 1_000_000_000  # the guide's dict form keeps working unchanged
    raw = await spawn(
        healthcheck={
            "test": ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1/ || exit 1"],
            "interval": second // 5,
            "timeout": 5 * second,
            "retries": 3,
            "start_period": 30 * second,
        }
    )
    await wait_until_healthy(typed, raw, timeout=20)
    assert typed.attrs["Config"]["Healthcheck"]["Interval"] == 200_000_000
    assert raw.attrs["Config"]["Healthcheck"]["Interval"] == 200_000_000


async def test_wakes_on_the_health_event(spawn: Spawn, client: DockerClient) -> None:
    container = await spawn(healthcheck=fast_check(interval=1))
    async with client.events(
        filters={"container": container.id, "event": "health_status"}
    ) as events:
        await wait_until_healthy(container, timeout=20)
        returned = time.time_ns()
        with anyio.fail_after(5):
            event = await anext(events)
    assert event.action == "health_status: healthy"
    latency = (returned - event.time_nano) / 1e9
    assert 0 <= latency < 0.5  # a 1 s probe interval; polling would average 0.5 s or more


async def test_polling_fallback_without_events(spawn: Spawn, client: DockerClient) -> None:
    container = await spawn(healthcheck=fast_check())
    hub = _Hub(client)  # never subscribed: no events, as when the stream is unavailable
    with anyio.fail_after(20):
        await _wait_one(_Watch(container, hub), poll_interval=0.1)
    assert container.health == "healthy"


async def test_concurrent_waits_share_one_subscription(spawn: Spawn) -> None:
    """Six separate waits on a client with a 2-connection pool: one events stream for all.

    The containers turn healthy one after the other, so the waits end at
    different times and the subscription is handed over from one to the next.
    """
    check = fast_check(["CMD", "test", "-f", "/tmp/ok"], retries=1000)
    containers = [await spawn(["sleep", "60"], healthcheck=check) for _ in range(6)]
    async with aiocontainers.from_env(max_pool_size=2) as small:
        mine = [await small.containers.get(c.id) for c in containers]
        done: list[str] = []

        async def wait_one(container: Container) -> None:
            await wait_until_healthy(container, timeout=20)
            done.append(container.id)

        with anyio.fail_after(30):
            async with anyio.create_task_group() as tg:
                for container in mine:
                    tg.start_soon(wait_one, container)
                await anyio.sleep(0.5)
                assert done == [] and _hubs[small].users == 6
                for container in containers:
                    await container.exec_run(["touch", "/tmp/ok"])
                    await anyio.sleep(0.4)
        assert done == [c.id for c in containers]  # each returned as soon as it was healthy
        assert small not in _hubs  # the last wait closed the subscription


async def test_a_wait_joining_a_running_subscription_is_woken_by_events(
    spawn: Spawn, client: DockerClient
) -> None:
    check = fast_check(["CMD", "test", "-f", "/tmp/ok"], retries=1000)
    first, joiner = [await spawn(["sleep", "60"], healthcheck=check) for _ in range(2)]
    finished: dict[str, float] = {}

    async def wait_for(container: Container) -> None:
        await wait_until_healthy(container, timeout=20, poll_interval=10)  # polling too slow
        finished[container.id] = time.monotonic()

    with anyio.fail_after(20):
        async with anyio.create_task_group() as tg:
            tg.start_soon(wait_for, first)
            await anyio.sleep(0.5)  # the subscription is live, filtered on `first` only
            tg.start_soon(wait_for, joiner)
            await anyio.sleep(0.3)
            assert _hubs[client].live and _hubs[client].users == 2
            touched = time.monotonic()
            await joiner.exec_run(["touch", "/tmp/ok"])
            await anyio.sleep(1.5)
            await first.exec_run(["touch", "/tmp/ok"])
    assert finished[joiner.id] - touched < 1.5  # probe interval 0.2 s, plus the event
    assert finished[first.id] > finished[joiner.id]
