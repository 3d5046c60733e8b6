"""Containers against a real engine: docker-py's examples with ``await``, plus our guarantees."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio
import pytest

import aiocontainers
from aiocontainers import Container, DockerClient
from aiocontainers.errors import (
    APIError,
    Conflict,
    ContainerError,
    ImageNotFound,
    InvalidArgument,
    NotFound,
    Timeout,
)
from aiocontainers.types import Healthcheck

from .conftest import LABELS, REGISTRY, TEST_IMAGE

CASE_LABEL = "aiocontainers.test.case"


@pytest.fixture
async def case_labels() -> AsyncIterator[dict[str, str]]:
    """The shared test label plus one unique to this test; removes what carries it after."""
    labels = {**LABELS, CASE_LABEL: uuid.uuid4().hex}
    yield labels
    async with aiocontainers.from_env() as client:
        for row in await labelled(client, labels):
            try:
                await client.transport.request(
                    "DELETE",
                    "/containers/{id}",
                    path_args={"id": row["Id"]},
                    params={"force": True, "v": True},
                )
            except (NotFound, Conflict):  # already gone, or being removed
                pass


async def labelled(client: DockerClient, labels: dict[str, str]) -> list[dict[str, Any]]:
    """Every container (any state) carrying this test's unique label, straight from the API."""
    rows: list[dict[str, Any]] = await client.transport.request_json(
        "GET",
        "/containers/json",
        params={"all": True, "filters": {"label": [f"{CASE_LABEL}={labels[CASE_LABEL]}"]}},
    )
    return rows


async def run_sleeper(client: DockerClient, image: str, labels: dict[str, str]) -> Container:
    return await client.containers.run(image, "sleep 30", detach=True, labels=labels)


# -- run, get, list, stop, remove ---------------------------------------------


async def test_run_detached_then_get_list_stop_remove(
    client: DockerClient, image: str, case_labels: dict[str, str]
) -> None:
    name = f"aiocontainers-test-{uuid.uuid4().hex[:8]}"
    container = await client.containers.run(
        image,
        command="sleep 30",
        name=name,
        detach=True,
        environment={"DEBUG": "1"},
        labels={**case_labels, "app": "web"},
    )
    assert isinstance(container, Container)
    await container.reload()
    assert container.status == "running"
    assert container.name == name
    assert container.short_id == container.id[:12]
    assert container.labels["app"] == "web"
    assert container.image == image
    assert image in (await container.get_image()).tags
    assert "DEBUG=1" in container.attrs["Config"]["Env"]
    assert container.health == "unknown"
    assert repr(container) == f"<Container: {container.short_id}>"

    fetched = await client.containers.get(name)
    assert fetched == container and hash(fetched) == hash(container)
    assert await client.containers.get(container.short_id) == container

    running = await client.containers.list(filters={"label": "app=web"})
    assert container in running
    sparse = await client.containers.list(
        filters={"label": f"{CASE_LABEL}={case_labels[CASE_LABEL]}"}, sparse=True
    )
    assert [c.name for c in sparse] == [name]
    assert sparse[0].status == "running" and sparse[0].labels["app"] == "web"

    await container.stop(timeout=0)
    result = await container.wait()
    assert result["StatusCode"] == 137  # sh as PID 1 ignores SIGTERM: SIGKILL after 0 s
    assert container not in await client.containers.list(filters={"label": "app=web"})
    assert container in await client.containers.list(all=True, filters={"label": "app=web"})
    await container.remove()
    with pytest.raises(NotFound) as caught:
        await client.containers.get(name)
    assert f"GET /containers/{name}/json: " in str(caught.value)  # names it, as docker-py
    with pytest.raises(NotFound) as caught:
        await container.reload()
    assert f"/containers/{container.id}/json" in str(caught.value)


async def test_list_inspects_concurrently_with_limit_and_order(
    client: DockerClient, image: str, case_labels: dict[str, str]
) -> None:
    created = [await client.containers.create(image, "true", labels=case_labels) for _ in range(4)]
    found = await client.containers.list(
        all=True, filters={"label": f"{CASE_LABEL}={case_labels[CASE_LABEL]}"}
    )
    assert found == created[::-1]  # newest first, as the daemon orders them
    assert all("HostConfig" in c.attrs for c in found)  # fully inspected
    limited = await client.containers.list(
        all=True, limit=2, filters={"label": f"{CASE_LABEL}={case_labels[CASE_LABEL]}"}
    )
    assert limited == created[:1:-1]
    before = await client.containers.list(
        all=True,
        before=created[2].id,
        filters={"label": f"{CASE_LABEL}={case_labels[CASE_LABEL]}"},
    )
    assert before == created[1::-1]


# -- foreground runs ------------------------------------------------------------


async def test_run_returns_output_per_stream_flags(
    client: DockerClient, image: str, case_labels: dict[str, str]
) -> None:
    script = "echo out1; echo err1 >&2; echo out2"
    run = client.containers.run
    assert await run(image, ["sh", "-c", script], labels=case_labels) == b"out1\nout2\n"
    only_err = await run(
        image, ["sh", "-c", script], stdout=False, stderr=True, labels=case_labels
    )
    assert only_err == b"err1\n"
    both = await run(image, ["sh", "-c", script], stderr=True, labels=case_labels)
    assert both is not None
    assert sorted(both.splitlines()) == [b"err1", b"out1", b"out2"]
    # without remove the exited containers stay, like docker-py
    assert len(await labelled(client, case_labels)) == 3


async def test_run_remove_leaves_nothing(
    client: DockerClient, image: str, case_labels: dict[str, str]
) -> None:
    image_object = await client.images.get(image)
    output = await client.containers.run(image_object, "echo hi", remove=True, labels=case_labels)
    assert output == b"hi\n"
    assert await labelled(client, case_labels) == []


async def test_container_error_carries_both_streams_and_status(
    client: DockerClient, image: str, case_labels: dict[str, str]
) -> None:
    command = ["sh", "-c", "echo partial; echo boom >&2; exit 3"]
    with pytest.raises(ContainerError) as info:
        await client.containers.run(image, command, labels=case_labels)
    error = info.value
    assert (error.exit_status, error.stdout, error.stderr) == (3, b"partial\n", b"boom\n")
    assert error.command == command and error.image == image
    assert "boom" in str(error)
    await error.container.reload()
    assert error.container.status == "exited"  # kept without remove=True

    with pytest.raises(ContainerError) as info:
        await client.containers.run(image, command, remove=True, labels=case_labels)
    assert info.value.stdout == b"partial\n"
    assert [row["Id"] for row in await labelled(client, case_labels)] == [error.container.id]


async def test_missing_image_fails_fast_without_leftovers(
    client: DockerClient, case_labels: dict[str, str]
) -> None:
    start = time.monotonic()
    with pytest.raises(APIError) as info:
        await client.containers.run(
            f"{REGISTRY}/aiocontainers-nonexistent:latest", "true", labels=case_labels
        )
    assert isinstance(info.value, ImageNotFound)
    assert time.monotonic() - start < 15
    assert await labelled(client, case_labels) == []
    with pytest.raises(ImageNotFound):
        await client.containers.create(f"{REGISTRY}/aiocontainers-nonexistent:latest")


async def test_invalid_options_fail_before_the_daemon(
    client: DockerClient, image: str, case_labels: dict[str, str]
) -> None:
    with pytest.raises(ValueError):  # pydantic ValidationError or InvalidArgument
        await client.containers.run(image, "true", labels=case_labels, mem_limit="lots")
    assert await labelled(client, case_labels) == []


async def test_run_stream_yields_output_then_checks_the_exit_status(
    client: DockerClient, image: str, case_labels: dict[str, str]
) -> None:
    lines = await client.containers.run(
        image,
        ["sh", "-c", "echo a; sleep 0.2; echo b"],
        stream=True,
        remove=True,
        labels=case_labels,
    )
    assert [line async for line in lines] == [b"a\n", b"b\n"]
    assert await labelled(client, case_labels) == []

    failing = await client.containers.run(
        image, ["sh", "-c", "echo x; echo y >&2; exit 4"], stream=True, labels=case_labels
    )
    seen = []
    with pytest.raises(ContainerError) as info:
        async for line in failing:
            seen.append(line)
    assert seen == [b"x\n"]
    assert (info.value.exit_status, info.value.stdout, info.value.stderr) == (4, b"x\n", b"y\n")
    assert len(await labelled(client, case_labels)) == 1  # kept without remove=True


async def test_run_options_environment_ports_volumes_restart_and_limits(
    client: DockerClient, image: str, case_labels: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "in.txt").write_text("from the host\n")
    output = await client.containers.run(
        image,
        ["sh", "-c", 'cat /data/in.txt; echo "$GREETING"; pwd'],
        environment={"GREETING": "hello"},
        volumes={str(tmp_path): {"bind": "/data", "mode": "ro"}},
        working_dir="/tmp",
        remove=True,
        labels=case_labels,
    )
    assert output == b"from the host\nhello\n/tmp\n"

    container = await client.containers.run(
        image,
        "sleep 30",
        detach=True,
        ports={"8080/tcp": ("127.0.0.1", None)},
        restart_policy={"Name": "on-failure", "MaximumRetryCount": 2},
        mem_limit="64m",
        labels=case_labels,
    )
    await container.reload()
    (binding,) = container.ports["8080/tcp"]
    assert binding["HostIp"] == "127.0.0.1" and int(binding["HostPort"]) > 0
    host_config = container.attrs["HostConfig"]
    assert host_config["RestartPolicy"] == {"Name": "on-failure", "MaximumRetryCount": 2}
    assert host_config["Memory"] == 64 * 1024 * 1024
    await container.remove(force=True)


# -- wait and cancellation --------------------------------------------------------


async def test_wait_timeout_is_a_real_deadline(
    client: DockerClient, image: str, case_labels: dict[str, str]
) -> None:
    container = await run_sleeper(client, image, case_labels)
    start = time.monotonic()
    with pytest.raises(Timeout):
        await container.wait(timeout=0.5)
    assert 0.4 < time.monotonic() - start < 3
    assert isinstance(Timeout("x"), TimeoutError)
    await container.reload()
    assert container.status == "running"
    with pytest.raises(InvalidArgument):
        await container.wait(condition="bogus")  # type: ignore[arg-type]
    await container.kill()
    assert (await container.wait(timeout=10))["StatusCode"] == 137


async def test_cancelled_run_never_leaves_a_container(
    client: DockerClient, image: str, case_labels: dict[str, str]
) -> None:
    """Cancel run() at many points (create, start, inspect, wait): nothing is left behind."""
    began = time.monotonic()
    calibration = await run_sleeper(client, image, case_labels)
    took = time.monotonic() - began
    await calibration.remove(force=True)

    for step in range(9):  # foreground: the last steps cancel during the wait
        with anyio.move_on_after(step * took / 5) as scope:
            await client.containers.run(image, "sleep 30", labels=case_labels)
        assert scope.cancelled_caught
        assert await labelled(client, case_labels) == [], f"orphan at {step * took / 5:.2f} s"

    outcomes = set()
    for delay in [step * took / 8 for step in range(10)] + [5 * took]:
        returned = None
        with anyio.move_on_after(delay):
            returned = await client.containers.run(
                image, "sleep 30", detach=True, labels=case_labels
            )
        outcomes.add(returned is not None)
        if returned is not None:
            await returned.remove(force=True)
        assert await labelled(client, case_labels) == [], f"orphan at {delay:.2f} s"
    assert outcomes == {True, False}  # the sweep covered both sides of completion


# -- lifecycle operations ------------------------------------------------------------


async def test_pause_unpause_restart_rename_top_diff_update(
    client: DockerClient, image: str, case_labels: dict[str, str]
) -> None:
    container = await client.containers.run(
        image, ["sh", "-c", "touch /tmp/made; sleep 30"], detach=True, labels=case_labels
    )
    await container.pause()
    await container.reload()
    assert container.status == "paused"
    await container.unpause()
    await container.reload()
    assert container.status == "running"

    top = await container.top()
    assert "PID" in top["Titles"]
    assert any("sleep 30" in " ".join(process) for process in top["Processes"])

    changes = {change["Path"]: change["Kind"] for change in await container.diff()}
    assert changes.get("/tmp/made") == 1  # added

    new_name = f"aiocontainers-renamed-{uuid.uuid4().hex[:8]}"
    await container.rename(new_name)
    await container.reload()
    assert container.name == new_name

    result = await container.update(cpu_shares=512, mem_limit="32m", memswap_limit="64m")
    assert "Warnings" in result
    await container.reload()
    assert container.attrs["HostConfig"]["CpuShares"] == 512
    assert container.attrs["HostConfig"]["Memory"] == 32 * 1024 * 1024
    with pytest.raises(InvalidArgument):
        await container.update(mem_limit="plenty")

    started = container.attrs["State"]["StartedAt"]
    await container.restart(timeout=0)
    await container.reload()
    assert container.status == "running" and container.attrs["State"]["StartedAt"] != started
    await container.remove(force=True)


async def test_kill_with_a_signal(
    client: DockerClient, image: str, case_labels: dict[str, str]
) -> None:
    container = await client.containers.run(
        image,
        ["sh", "-c", "trap 'exit 7' TERM; while true; do sleep 0.1; done"],
        detach=True,
        labels=case_labels,
    )
    await anyio.sleep(0.3)  # let the shell install its trap
    await container.kill(signal="SIGTERM")
    assert (await container.wait(timeout=10))["StatusCode"] == 7
    await container.remove()


async def test_commit_makes_an_image(
    client: DockerClient, image: str, case_labels: dict[str, str]
) -> None:
    output = ["sh", "-c", "echo committed > /root/marker"]
    await client.containers.run(image, output, labels=case_labels)
    (row,) = await labelled(client, case_labels)
    container = await client.containers.get(row["Id"])
    repository = "aiocontainers-test/committed"
    tag = uuid.uuid4().hex[:8]
    result = await container.commit(
        repository, tag, message="snapshot", author="tests", changes=["ENV COMMITTED=1"]
    )
    image_id = result.id
    try:
        assert f"{repository}:{tag}" in result.tags
        inspect = await client.transport.request_json(
            "GET", "/images/{name}/json", path_args={"name": f"{repository}:{tag}"}
        )
        assert inspect["Id"] == image_id
        assert inspect["Comment"] == "snapshot" and inspect["Author"] == "tests"
        assert "COMMITTED=1" in inspect["Config"]["Env"]
        assert (
            await client.containers.run(
                f"{repository}:{tag}", "cat /root/marker", remove=True, labels=case_labels
            )
            == b"committed\n"
        )
    finally:
        await client.transport.request(
            "DELETE", "/images/{name}", path_args={"name": image_id}, params={"force": True}
        )


async def test_prune_with_a_label_filter(
    client: DockerClient, image: str, case_labels: dict[str, str]
) -> None:
    stopped = await client.containers.create(image, "true", labels=case_labels)
    running = await run_sleeper(client, image, case_labels)
    result = await client.containers.prune(
        filters={"label": f"{CASE_LABEL}={case_labels[CASE_LABEL]}"}
    )
    assert result["ContainersDeleted"] == [stopped.id]
    assert [row["Id"] for row in await labelled(client, case_labels)] == [running.id]
    await running.remove(force=True)


async def test_seed_examples_logs_exec_and_health(
    client: DockerClient, image: str, case_labels: dict[str, str]
) -> None:
    container = await client.containers.create(
        image,
        ["sh", "-c", "echo started; sleep 30"],
        healthcheck=Healthcheck(test=["CMD", "true"], interval=0.2, retries=1),
        labels=case_labels,
    )
    assert container.status == "created"
    await container.start()
    result = await container.exec_run("sh -c 'echo $((6 * 7))'")
    assert (result.exit_code, result.output) == (0, b"42\n")
    assert await container.logs() == b"started\n"
    assert container.health_details is None  # attrs from before the start
    with anyio.fail_after(10):
        while container.health != "healthy":
            await anyio.sleep(0.1)
            await container.reload()
    details = container.health_details
    assert details is not None and details.status == "healthy"
    assert details.log and details.log[-1].exit_code == 0
    await container.kill()
    await container.wait()
    await container.remove(v=True)


async def test_resize_reaches_the_tty(
    client: DockerClient, image: str, case_labels: dict[str, str]
) -> None:
    container = await client.containers.run(
        image,
        ["sh", "-c", "sleep 0.5; stty size; sleep 30"],
        tty=True,
        detach=True,
        labels=case_labels,
    )
    await container.resize(height=33, width=101)
    seen = []
    with anyio.fail_after(10):
        async for line in container.logs(stream=True, follow=True):
            seen.append(line)
            if line.strip() == b"33 101":
                break
    assert seen[-1].strip() == b"33 101"
    await container.remove(force=True)


async def test_stop_call_outlives_its_grace_period(
    image: str, case_labels: dict[str, str]
) -> None:
    """The HTTP deadline of stop() is the client's timeout plus the stop timeout."""
    async with aiocontainers.from_env(timeout=1) as client:
        container = await run_sleeper(client, image, case_labels)
        start = time.monotonic()
        await container.stop(timeout=2)  # sh as PID 1 ignores SIGTERM: killed after 2 s
        assert time.monotonic() - start >= 1.9
        assert (await container.wait(timeout=5))["StatusCode"] == 137
        await container.remove()


def test_filter_shorthand() -> None:
    from aiocontainers._resources._base import convert_filters

    assert convert_filters({"label": "a=b", "dangling": True, "id": ["x", 3]}) == {
        "label": ["a=b"],
        "dangling": ["true"],
        "id": ["x", "3"],
    }
    assert convert_filters({}) is None


async def test_config_proxies_reach_the_container_environment(
    tmp_path: Path, case_labels: dict[str, str]
) -> None:
    proxies = {"default": {"httpProxy": "http://proxy.invalid:3128", "noProxy": "*.local"}}
    (tmp_path / "config.json").write_text(json.dumps({"proxies": proxies}))
    env = {**os.environ, "DOCKER_CONFIG": str(tmp_path)}  # the same engine (DOCKER_HOST)
    async with aiocontainers.from_env(environment=env) as client:
        with_proxy = await client.containers.create(TEST_IMAGE, "true", labels=case_labels)
        without = await client.containers.create(
            TEST_IMAGE, "true", labels=case_labels, use_config_proxy=False, environment={"A": "1"}
        )
    assert {
        "HTTP_PROXY=http://proxy.invalid:3128",
        "http_proxy=http://proxy.invalid:3128",
        "NO_PROXY=*.local",
        "no_proxy=*.local",
    } <= set(with_proxy.attrs["Config"]["Env"])
    assert not any("proxy" in item.lower() for item in without.attrs["Config"]["Env"])
