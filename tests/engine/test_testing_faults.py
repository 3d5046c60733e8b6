"""The plugin's guarantees under faults: Ctrl-C, SIGKILL, xdist workers, PID namespaces.

Each trial runs pytest in a subprocess on a small suite (containers, a
network with aliases, a volume, a shared container, a test that blocks its
event loop with ``time.sleep``) and signals it at a random moment:

* SIGINT: pytest must exit within 5 s, and nothing of its run may remain;
* SIGKILL: everything of its run must be gone within 30 s, with no later run.

``AIOCONTAINERS_FAULT_TRIALS`` sets the number of trials of each (2 in the
main suite; ``nox -s faults`` runs 20). Each trial prints its timings.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import anyio
import anyio.to_thread
import pytest

from aiocontainers import DockerClient, NotFound
from aiocontainers.testing import TestSession, reap_orphans
from aiocontainers.testing._lease import renew_lease

from ._inner_pytest import (
    labelled_now,
    leftovers,
    output,
    session_ids,
    start_pytest,
    write_suite,
)
from .conftest import TEST_IMAGE

# Signals at random moments, timed exits: alone, so that other tests' load does not skew them.
pytestmark = [pytest.mark.anyio, pytest.mark.serial]

TRIALS = int(os.environ.get("AIOCONTAINERS_FAULT_TRIALS", "2"))
SIGINT_EXIT_LIMIT = 5.0
SIGKILL_CLEAN_LIMIT = 30.0
SUITE_LENGTH = 8.0  # seconds the suite below runs once its session is up, roughly

FAULT_SUITE = f"""
    import time, uuid
    import anyio, pytest
    from aiocontainers.testing import shared_container

    pytestmark = pytest.mark.anyio
    IMAGE = {TEST_IMAGE!r}

    shared = shared_container(IMAGE, ["sleep", "300"])

    async def test_network_and_aliases(docker_run, docker_network, shared):
        network = await docker_network()
        await docker_run(IMAGE, ["sleep", "300"], network=network, aliases=["db"])
        await docker_run(IMAGE, ["sleep", "300"], network=network)
        await anyio.sleep(1)

    async def test_blocks_its_loop(docker_run, docker_volume):
        volume = await docker_volume()
        await docker_run(IMAGE, ["sleep", "300"],
                         volumes={{volume.name: {{"bind": "/data", "mode": "rw"}}}})
        time.sleep(2)

    async def test_own_labelled_resources(docker_client, docker_labels):
        await docker_client.networks.create(f"own-{{uuid.uuid4().hex[:8]}}", labels=docker_labels)
        await docker_client.volumes.create(labels=docker_labels)
        await docker_client.containers.create(IMAGE, ["sleep", "300"], labels=docker_labels)
        await anyio.sleep(1)

    async def test_many_containers(docker_run):
        for _ in range(3):
            await docker_run(IMAGE, ["sleep", "300"])
        time.sleep(1)
"""


async def _wait(process: subprocess.Popen[bytes], timeout: float) -> bool:
    try:
        await anyio.to_thread.run_sync(process.wait, timeout)
    except subprocess.TimeoutExpired:
        return False
    return True


async def _clean_within(client: DockerClient, sessions: list[str], limit: float) -> float | None:
    """Seconds until nothing of ``sessions`` remains, or None past ``limit``."""
    start = time.monotonic()
    while await leftovers(client, sessions):
        if time.monotonic() - start > limit:
            return None
        await anyio.sleep(0.25)
    return time.monotonic() - start


async def _new_since(client: DockerClient, before: set[str], limit: float) -> float | None:
    """Seconds until no labelled resource beyond ``before`` remains, or None past ``limit``."""
    start = time.monotonic()
    while await labelled_now(client) - before:
        if time.monotonic() - start > limit:
            return None
        await anyio.sleep(0.25)
    return time.monotonic() - start


async def _trial(client: DockerClient, directory: Path, signum: int, rng: random.Random) -> str:
    """One run of the fault suite, signalled at a random moment: during start-up and
    collection (a quarter of the trials) or while its session is up (the rest)."""
    await anyio.Path(directory).mkdir()
    write_suite(directory, {"test_faults_inner.py": FAULT_SUITE})
    before = await labelled_now(client)
    process = start_pytest(directory, "-q", "-s", "--tb=native")
    try:
        if rng.random() < 0.25:
            delay = rng.uniform(0, 3)
            moment = f"{delay:.2f} s after start"
            await anyio.sleep(delay)
        else:
            await _wait_for_file(directory / "sessions.txt", process, directory)
            delay = rng.uniform(0, SUITE_LENGTH)
            moment = f"{delay:.2f} s into the session"
            await anyio.sleep(delay)
        up = len(await labelled_now(client) - before)
        sent = time.monotonic()
        process.send_signal(signum)
        exited = await _wait(process, 30)  # a hang shows as such, slowness by its time
        exit_time = time.monotonic() - sent
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    name = signal.Signals(signum).name
    if signum == signal.SIGINT:
        assert exited, f"still running 30 s after SIGINT {moment}:\n{output(directory)}"
        assert exit_time < SIGINT_EXIT_LIMIT, (
            f"exited {exit_time:.2f} s after SIGINT {moment}:\n{output(directory)}"
        )
        left = await labelled_now(client) - before
        assert not left, f"after SIGINT {moment}: {left}\n{output(directory)}"
        return f"{name} {moment} ({up} up): exited in {exit_time:.2f} s, nothing left"
    cleaned = await _new_since(client, before, SIGKILL_CLEAN_LIMIT)
    left = await labelled_now(client) - before
    assert cleaned is not None, f"after SIGKILL {moment}, still there: {left}"
    return f"{name} {moment} ({up} up): clean {cleaned:.2f} s later"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
@pytest.mark.timeout(60 + 45 * TRIALS)
async def test_signal_at_random_moments_leaves_nothing(
    client: DockerClient, tmp_path: Path, signum: int
) -> None:
    rng = random.Random(os.environ.get("AIOCONTAINERS_FAULT_SEED"))
    for trial in range(TRIALS):
        print(await _trial(client, tmp_path / f"trial{trial}", signum, rng))


BLOCKING_SUITE = f"""
    import os, time, pytest
    pytestmark = pytest.mark.anyio

    async def test_blocks(docker_run, docker_network):
        network = await docker_network()
        await docker_run({TEST_IMAGE!r}, ["sleep", "300"], network=network, aliases=["a"])
        await docker_run({TEST_IMAGE!r}, ["sleep", "300"], network=network)
        open(os.path.join(os.environ["INNER_DIR"], "started"), "w").close()
        time.sleep(120)
"""


async def _wait_for_file(path: Path, process: subprocess.Popen[bytes], directory: Path) -> None:
    with anyio.fail_after(90):
        while not await anyio.Path(path).exists():
            assert process.poll() is None, output(directory)
            await anyio.sleep(0.1)


async def test_ctrl_c_while_a_test_blocks_its_loop(client: DockerClient, tmp_path: Path) -> None:
    """The case of the issue: a test in time.sleep, 2 containers and a network up."""
    write_suite(tmp_path, {"test_blocking.py": BLOCKING_SUITE})
    process = start_pytest(tmp_path, "-q")
    try:
        await _wait_for_file(tmp_path / "started", process, tmp_path)
        assert len(await leftovers(client, session_ids(tmp_path))) >= 4  # 2 + network + lease
        process.send_signal(signal.SIGINT)
        assert await _wait(process, SIGINT_EXIT_LIMIT), output(tmp_path)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == pytest.ExitCode.INTERRUPTED, output(tmp_path)
    assert await leftovers(client, session_ids(tmp_path)) == []


XDIST_SUITE = f"""
    import os, signal, time, anyio, pytest
    import aiocontainers
    pytestmark = pytest.mark.anyio
    DIR = os.environ["INNER_DIR"]

    async def _role(worker_id, docker_run):
        container = await docker_run({TEST_IMAGE!r}, ["sleep", "300"])
        with open(os.path.join(DIR, worker_id), "w") as f:
            f.write(container.id)
        if worker_id == "gw0":  # the victim
            os.kill(os.getpid(), signal.SIGKILL)
        # The survivor: wait for the victim's container to vanish, its own must not.
        while not os.path.exists(os.path.join(DIR, "gw0")):
            await anyio.sleep(0.1)
        victim = open(os.path.join(DIR, "gw0")).read()
        async with aiocontainers.from_env() as client:
            with anyio.fail_after(30):
                while True:
                    try:
                        await client.containers.get(victim)
                    except aiocontainers.NotFound:
                        break
                    await anyio.sleep(0.2)
        await container.reload()
        assert container.status == "running"
        open(os.path.join(DIR, "survived"), "w").close()

    async def test_one(worker_id, docker_run):
        await _role(worker_id, docker_run)

    async def test_two(worker_id, docker_run):
        await _role(worker_id, docker_run)
"""


async def test_xdist_workers_clean_up_only_their_own(client: DockerClient, tmp_path: Path) -> None:
    write_suite(tmp_path, {"test_xdist.py": XDIST_SUITE})
    process = start_pytest(tmp_path, "-q", "-n", "2", "--max-worker-restart", "0")
    try:
        assert await _wait(process, 120), output(tmp_path)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    text = output(tmp_path)
    assert (tmp_path / "survived").exists(), text  # gw1 saw gw0's container go, not its own
    assert "crashed" in text, text
    assert len(session_ids(tmp_path)) == 2  # one session per worker
    assert await _clean_within(client, session_ids(tmp_path), SIGKILL_CLEAN_LIMIT) is not None


NAMESPACE_SUITE = f"""
    import os, anyio, pytest
    pytestmark = pytest.mark.anyio
    DIR = os.environ["INNER_DIR"]

    async def test_holds_its_resources(docker_run, docker_network):
        network = await docker_network()
        first = await docker_run({TEST_IMAGE!r}, ["sleep", "300"], network=network)
        second = await docker_run({TEST_IMAGE!r}, ["sleep", "300"], network=network)
        open(os.path.join(DIR, "up"), "w").close()
        with anyio.fail_after(90):
            while not os.path.exists(os.path.join(DIR, "finish")):
                await anyio.sleep(0.2)
        for container in (first, second):
            await container.reload()
            assert container.status == "running"
        await network.reload()
"""


async def test_runs_in_separate_pid_namespaces_leave_each_other_alone(
    client: DockerClient, tmp_path: Path, labels: dict[str, str]
) -> None:
    # A run that died with its watchdog (a 2 s lease never renewed): the runs reap it.
    dead = TestSession()
    await renew_lease(client, dead.id, ttl=2)
    dead_container = await client.containers.create(
        TEST_IMAGE, ["sleep", "300"], labels={**labels, **dead.labels}
    )
    await anyio.sleep(2.5)
    runs = [tmp_path / "a", tmp_path / "b"]
    processes = []
    env = {"AIOCONTAINERS_LEASE_TTL": "3"}  # renewed every 0.5 s; judged dead after 3 s
    prefix = ["unshare", "--pid", "--fork", "--mount-proc"]
    try:
        for run in runs:
            await anyio.Path(run).mkdir()
            write_suite(run, {"test_namespace.py": NAMESPACE_SUITE})
            processes.append(start_pytest(run, "-q", env=env, prefix=prefix))
            await _wait_for_file(run / "up", processes[-1], run)
        with anyio.fail_after(30):  # a starting run reaps the dead one, in the background
            while True:
                try:
                    await client.containers.get(dead_container.id)
                except NotFound:
                    break
                await anyio.sleep(0.2)
        await anyio.sleep(4)  # longer than the runs' TTL: only renewals keep them alive
        report = await reap_orphans(client)  # a third party judging both live runs
        for run in runs:
            assert not set(report.containers) & set(await _ids(client, session_ids(run)))
            (run / "finish").touch()
        for process, run in zip(processes, runs, strict=True):
            assert await _wait(process, 60), output(run)
            assert process.returncode == 0, output(run)  # its containers ran to the end
            assert await leftovers(client, session_ids(run)) == []
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()


async def _ids(client: DockerClient, sessions: list[str]) -> list[str]:
    return [
        c.id
        for session in sessions
        for c in await client.containers.list(
            all=True, filters={"label": f"aiocontainers.session={session}"}
        )
    ]
