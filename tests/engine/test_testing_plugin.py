"""The pytest plugin's fixtures, run by pytest in a subprocess on small suites of our own.

Each test writes a suite, runs it under anyio's plugin or pytest-asyncio (strict
and auto), and then checks the engine: what the suite's runs created is gone.
"""

from __future__ import annotations

import json
from pathlib import Path

import anyio
import pytest

from aiocontainers import DockerClient, NotFound
from aiocontainers.testing import (
    LEASE_LABEL,
    TestSession,
    Watchdog,
    capture_events,
    reap_orphans,
)
from aiocontainers.testing._lease import release_lease, renew_lease

from ._inner_pytest import leftovers, output, session_ids, start_pytest, write_suite
from .conftest import TEST_IMAGE

# Explicit, so the anyio plugin parametrizes before the conftest marks (too late).
pytestmark = pytest.mark.anyio

RUN_TIMEOUT = 120


async def _run(directory: Path, *args: str, **kwargs: object) -> tuple[int, str]:
    process = start_pytest(directory, "-q", "-W", "error", *args, **kwargs)  # type: ignore[arg-type]
    try:
        await anyio.to_thread.run_sync(process.wait, RUN_TIMEOUT)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return process.returncode, output(directory)


FIXTURES_SUITE = f"""
    import json, os, uuid
    import anyio, pytest
    from aiocontainers import wait
    from aiocontainers.testing import shared_container

    pytestmark = pytest.mark.anyio
    IMAGE = {TEST_IMAGE!r}
    RECORD = os.path.join(os.environ["INNER_DIR"], "created.jsonl")

    web = shared_container(
        IMAGE,
        ["sh", "-c", "mkdir -p /www; echo hi > /www/index.html; exec httpd -f -h /www"],
        ports={{"80/tcp": ("127.0.0.1", None)}},
        wait_for=wait.for_http("/", port=80, timeout=30),
    )

    def record(**what):
        with open(RECORD, "a") as f:
            f.write(json.dumps(what) + "\\n")

    async def test_run_network_aliases_volume(docker_run, docker_network, docker_volume,
                                              docker_labels, docker_client):
        volume = await docker_volume()
        network = await docker_network()
        db = await docker_run(IMAGE, ["sleep", "300"], network=network, aliases=["db"],
                              volumes={{volume.name: {{"bind": "/data", "mode": "rw"}}}})
        await db.reload()
        assert db.status == "running"
        assert db.labels.items() >= docker_labels.items()
        client = await docker_run(IMAGE, ["sleep", "300"], network=network.name)
        code, out = await client.exec_run(["ping", "-c", "1", "-W", "5", "db"])
        assert code == 0, out
        # A container the test made itself, still attached when the network goes.
        own = await docker_client.containers.run(IMAGE, ["sleep", "300"], detach=True,
                                                 labels=docker_labels)
        await network.connect(own)
        record(containers=[db.id, client.id], networks=[network.id], volumes=[volume.name],
               own=own.id)

    async def test_shared_container_first(web, docker_client):
        container = await web.get(docker_client)
        code, out = await container.exec_run(["wget", "-qO-", "http://127.0.0.1/"])
        assert (code, out) == (0, b"hi\\n")
        async with await anyio.connect_tcp("127.0.0.1", web.host_port(80)) as stream:
            await stream.send(b"GET / HTTP/1.0\\r\\n\\r\\n")
            assert b"200" in await stream.receive()
        record(shared=web.id)

    def test_shared_container_second(web):
        record(shared=web.id)
"""


async def test_fixtures_remove_what_they_made(client: DockerClient, tmp_path: Path) -> None:
    write_suite(tmp_path, {"test_fixtures.py": FIXTURES_SUITE})
    code, text = await _run(tmp_path)
    assert code == 0, text
    records = [
        json.loads(line) for line in (tmp_path / "created.jsonl").read_text().split("\n")[:-1]
    ]
    made = records[0]
    assert {r["shared"] for r in records[1:]} == {records[1]["shared"]}  # one for the session
    for container_id in [*made["containers"], made["own"], records[1]["shared"]]:
        with pytest.raises(NotFound):
            await client.containers.get(container_id)
    with pytest.raises(NotFound):
        await client.networks.get(made["networks"][0])
    with pytest.raises(NotFound):
        await client.volumes.get(made["volumes"][0])
    assert await leftovers(client, session_ids(tmp_path)) == []


STACK_SUITE = f"""
    import os, pytest
    from aiocontainers import Stack
    from aiocontainers.testing import shared_stack
    pytestmark = pytest.mark.anyio
    IMAGE = {TEST_IMAGE!r}

    # init: a sleep or httpd that is PID 1 ignores SIGTERM, and each stop would wait 10 s.
    pair = shared_stack({{"name": "pair", "services": {{
        "a": {{"image": IMAGE, "command": ["sleep", "300"], "init": True}},
        "b": {{"image": IMAGE, "command": ["sleep", "300"], "init": True}}}}}}, scope="module")

    async def test_shared_stack(pair, docker_client):
        assert len(await pair.containers(docker_client)) == 2
        [a] = await pair.containers(docker_client, "a")
        assert (await a.exec_run(["ping", "-c", "1", "-W", "5", "b"])).exit_code == 0
        with open(os.path.join(os.environ["INNER_DIR"], "shared"), "w") as f:
            f.write(pair.name)

    def shop():
        return Stack("shop", services={{
            "db": {{"image": IMAGE, "init": True,
                    "command": "sh -c 'touch /tmp/x; exec httpd -f -p 80 -h /tmp'"}},
            "web": {{"image": IMAGE, "command": ["sleep", "300"], "depends_on": ["db"],
                     "init": True}},
        }}, volumes={{"data": {{}}}})

    async def test_the_same_stack_twice(docker_stack, docker_labels):
        first = await docker_stack(shop())
        second = await docker_stack(shop())
        assert first.name != second.name and first.name.startswith("shop-")
        web = first.containers("web")[0]
        assert web.labels.items() >= docker_labels.items()
        result = await web.exec_run(["wget", "-qO-", "http://db/x"])
        assert result.exit_code == 0, result.output
        with open(os.path.join(os.environ["INNER_DIR"], "stacks"), "w") as f:
            f.write(first.name + " " + second.name)
"""


async def test_docker_stack_runs_a_stack_per_call_and_takes_it_down(
    client: DockerClient, tmp_path: Path
) -> None:
    write_suite(tmp_path, {"test_stack.py": STACK_SUITE})
    code, text = await _run(tmp_path)
    assert code == 0, text
    for name in [*(tmp_path / "stacks").read_text().split(), (tmp_path / "shared").read_text()]:
        assert await client.stacks.ps(name) == []
    assert await leftovers(client, session_ids(tmp_path)) == []


READINESS_SUITE = f"""
    import pytest
    from aiocontainers import wait
    from aiocontainers.testing import shared_container

    pytestmark = pytest.mark.anyio
    IMAGE = {TEST_IMAGE!r}
    COMMAND = ["sh", "-c", "echo booting; echo 'fatal: no config file' >&2; sleep 300"]

    broken = shared_container(IMAGE, COMMAND, scope="module",
                              wait_for=wait.for_log("listening", timeout=1))

    async def test_run_not_ready(docker_run):
        await docker_run(IMAGE, COMMAND, wait_for=wait.for_log("listening", timeout=1))

    def test_shared_not_ready(broken):
        pass
"""


async def test_readiness_failures_show_the_containers_last_output(
    client: DockerClient, tmp_path: Path
) -> None:
    write_suite(tmp_path, {"test_ready.py": READINESS_SUITE})
    code, text = await _run(tmp_path)
    assert code == 1, text
    assert "1 failed" in text and "1 error" in text, text
    # Once in the failure, once in the setup error: the note with the output.
    assert text.count("fatal: no config file") >= 2, text
    assert text.count("last output of container") >= 2, text
    assert await leftovers(client, session_ids(tmp_path)) == []


ASYNCIO_SUITE = f"""
    import pytest
    IMAGE = {TEST_IMAGE!r}

    @pytest.mark.asyncio
    async def test_marked(docker_run, docker_network, docker_client):
        network = await docker_network()
        container = await docker_run(IMAGE, ["sleep", "300"], network=network, aliases=["x"])
        assert (await docker_client.containers.get(container.id)).id == container.id
        assert await docker_client.ping()
"""
ASYNCIO_AUTO_EXTRA = f"""
    async def test_unmarked(docker_run):
        container = await docker_run({TEST_IMAGE!r}, ["sleep", "300"])
        await container.reload()
        assert container.status == "running"
"""


@pytest.mark.parametrize("mode", ["strict", "auto"])
async def test_fixtures_under_pytest_asyncio(
    client: DockerClient, tmp_path: Path, mode: str
) -> None:
    suite = ASYNCIO_SUITE + (ASYNCIO_AUTO_EXTRA if mode == "auto" else "")
    write_suite(tmp_path, {"test_asyncio.py": suite}, anyio=False)
    (tmp_path / "pytest.ini").write_text(
        f"[pytest]\nasyncio_mode = {mode}\nasyncio_default_fixture_loop_scope = function\n"
    )
    code, text = await _run(tmp_path, plugins=())
    assert code == 0, text
    assert ("2 passed" if mode == "auto" else "1 passed") in text, text
    assert await leftovers(client, session_ids(tmp_path)) == []


async def test_reaping_spares_live_runs_and_removes_dead_ones(
    client: DockerClient, labels: dict[str, str]
) -> None:
    # A run that died with its watchdog: its lease (a 1 s promise) is never renewed.
    dead = TestSession()
    await renew_lease(client, dead.id, ttl=1)
    dead_container = await client.containers.create(
        TEST_IMAGE, ["sleep", "300"], labels={**labels, **dead.labels}
    )
    # A live run, keeping the same 1 s promise.
    live = TestSession()
    live_container = await client.containers.create(
        TEST_IMAGE, ["sleep", "300"], labels={**labels, **live.labels}
    )

    async def keep_alive() -> None:
        while True:
            await renew_lease(client, live.id, ttl=1)
            await anyio.sleep(0.15)

    try:
        async with anyio.create_task_group() as tg:
            tg.start_soon(keep_alive)
            await anyio.sleep(2)
            report = await reap_orphans(client)
            tg.cancel_scope.cancel()
        assert dead_container.id in report.containers
        with pytest.raises(NotFound):
            await client.containers.get(dead_container.id)
        assert await client.volumes.list(filters={"label": f"{LEASE_LABEL}={dead.id}"}) == []
        assert live_container.id not in report.containers
        await live_container.reload()  # untouched
    finally:
        await live.cleanup(client)
        await release_lease(client, live.id)


async def test_a_released_watchdog_removes_its_runs_resources(
    client: DockerClient, labels: dict[str, str]
) -> None:
    session = TestSession()
    with Watchdog.start(session) as watchdog:
        assert await client.volumes.list(filters={"label": f"{LEASE_LABEL}={session.id}"})
        container = await client.containers.create(
            TEST_IMAGE, ["sleep", "300"], labels={**labels, **session.labels}
        )
        network = await client.networks.create(f"wd-{session.id}", labels=session.labels)
        await network.connect(container)
    report = watchdog.release()
    assert report is not None
    assert report["removed"]["containers"] == [container.id]
    assert report["removed"]["networks"] == [f"wd-{session.id}"]
    assert watchdog.process.returncode == 0
    with pytest.raises(NotFound):
        await client.containers.get(container.id)
    assert await client.volumes.list(filters={"label": f"{LEASE_LABEL}={session.id}"}) == []


async def test_a_watchdog_that_cannot_reach_the_engine_says_why(socket_dir: Path) -> None:
    def start() -> str:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("DOCKER_HOST", f"unix://{socket_dir}/nothing.sock")
            try:
                Watchdog.start(TestSession(), timeout=30)
            except Exception as exc:
                return f"{type(exc).__name__}: {exc}"
        return "started"

    message = await anyio.to_thread.run_sync(start)
    assert message.startswith("WatchdogError: the aiocontainers watchdog did not start")
    assert "nothing.sock" in message


async def test_capture_events_sees_each_daemon_call(client: DockerClient) -> None:
    await client.api_version()
    with capture_events() as events:
        await client.ping()
        await client.info()
    assert [(e["event"], e["method"], e["path"], e["status"]) for e in events] == [
        ("docker.request", "GET", "/_ping", 200),
        ("docker.request", "GET", "/info", 200),
    ]
