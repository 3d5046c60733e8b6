"""Event streams across a daemon restart, against a private dockerd this test owns.

The private daemon never touches the shared engine: its own socket,
``--data-root``, ``--exec-root``, ``--pidfile`` and containerd namespaces, and
its own network namespace (``unshare --net``), so ``--bridge=none`` cannot
delete the shared engine's ``docker0``. Events come from volumes (no image).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import anyio
import pytest
from anyio.abc import Process

import aiocontainers
from aiocontainers import DaemonUnavailable, DockerClient, Event, EventStream, StreamError

pytestmark = pytest.mark.slow

needs_tools = pytest.mark.skipif(
    not (shutil.which("dockerd") and shutil.which("unshare") and os.geteuid() == 0),
    reason="a private dockerd needs root, dockerd and unshare",
)


class PrivateDaemon:
    """A dockerd in its own directories and network namespace, started and stopped at will."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.socket = root / "docker.sock"
        self.url = f"unix://{self.socket}"
        self.process: Process | None = None
        self.starts = 0
        # Not from the directory's name: mkdtemp's may hold "_", which containerd refuses.
        self.namespace = f"aioc-test-{uuid.uuid4().hex[:12]}"

    def _command(self) -> list[str]:
        ns = self.namespace
        dockerd = " ".join(
            [
                "exec dockerd",
                f"--host {self.url}",
                f"--data-root {self.root / 'data'}",
                f"--exec-root {self.root / 'exec'}",
                f"--pidfile {self.root / 'docker.pid'}",
                f"--containerd-namespace {ns}",
                f"--containerd-plugins-namespace {ns}-plugins",
                "--bridge=none --iptables=false --ip-masq=false",
            ]
        )
        return ["unshare", "--net", "sh", "-c", f"ip link set lo up && {dockerd}"]

    async def start(self) -> None:
        self.starts += 1
        log_path = self.root / f"dockerd-{self.starts}.log"
        log = await anyio.to_thread.run_sync(log_path.open, "wb")
        with log:
            self.process = process = await anyio.open_process(
                self._command(), stdout=log, stderr=log
            )
        async with aiocontainers.DockerClient(self.url, timeout=2) as probe:
            with anyio.fail_after(30):
                while True:
                    if process.returncode is not None:
                        raise RuntimeError(f"private dockerd exited: see {log_path}")
                    try:
                        if await probe.ping():
                            return
                    except aiocontainers.DockerException:
                        pass
                    await anyio.sleep(0.1)

    async def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.returncode is not None:
            return
        process.terminate()
        with anyio.move_on_after(20):
            await process.wait()
            return
        process.kill()
        await process.wait()


@pytest.fixture
async def daemon() -> AsyncIterator[PrivateDaemon]:
    root = Path(tempfile.mkdtemp(prefix="aiocd-", dir="/tmp"))
    private = PrivateDaemon(root)
    try:
        await private.start()
        yield private
    finally:
        await private.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def names() -> Iterator[list[str]]:
    yield [f"v{i}-{uuid.uuid4().hex[:8]}" for i in range(6)]


async def volume(client: DockerClient, method: str, name: str) -> None:
    if method == "create":
        await client.transport.request_json("POST", "/volumes/create", json={"Name": name})
    else:
        await client.transport.request("DELETE", "/volumes/{name}", path_args={"name": name})


@needs_tools
async def test_resumed_stream_has_every_event_once(
    daemon: PrivateDaemon, names: list[str]
) -> None:
    seen: list[Event] = []
    got = {"count": 0}
    progress = anyio.Event()

    async with DockerClient(daemon.url, timeout=10) as client:
        resuming = client.events(filters={"type": "volume"}, resume=True, retry_budget=20)
        plain = client.events(filters={"type": "volume"})
        short = client.events(filters={"type": "volume"}, resume=True, retry_budget=0.5)
        outcome: dict[str, BaseException] = {}
        both_failed = anyio.Event()

        async def collect(stream: EventStream[Event]) -> None:
            nonlocal progress
            async for event in stream:
                seen.append(event)
                got["count"] += 1
                progress.set()
                progress = anyio.Event()

        async def expect_error(stream: EventStream[Event], key: str) -> None:
            try:
                async for _ in stream:
                    pass
            except (StreamError, DaemonUnavailable) as exc:
                outcome[key] = exc
                if len(outcome) == 2:
                    both_failed.set()

        async def until_count(n: int) -> None:
            with anyio.fail_after(20):
                while got["count"] < n:
                    await progress.wait()

        async with resuming, plain, short, anyio.create_task_group() as tg:
            tg.start_soon(collect, resuming)
            tg.start_soon(expect_error, plain, "plain")
            tg.start_soon(expect_error, short, "short")
            for name in names[:3]:
                await volume(client, "create", name)
            await until_count(3)

            await daemon.stop()
            with anyio.fail_after(10):
                await both_failed.wait()
            await daemon.start()
            # Events while the resuming stream may still be backing off: replayed via since.
            for name in names[3:]:
                await volume(client, "create", name)
            for name in names:
                await volume(client, "remove", name)
            await until_count(12)
            await anyio.sleep(1.5)  # any duplicate would have arrived by now
            tg.cancel_scope.cancel()

    assert isinstance(outcome["plain"], StreamError)  # no resume: a broken stream says so
    assert isinstance(outcome["short"], DaemonUnavailable)  # budget spent while it was down
    assert "0.5 s" in str(outcome["short"])
    assert resuming.reconnects == 1
    expected = [("create", n) for n in names] + [("destroy", n) for n in names]
    assert [(e.action, e.id) for e in seen] == expected
    assert len({e.key for e in seen}) == 12
