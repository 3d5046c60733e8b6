"""A daemon killed mid-call (``kill -9``): every stream kind and unary call says so.

Against a private dockerd this test owns (see test_daemon_restart.py), loaded
with the test image, so that the shared engine is never touched.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest

from aiocontainers import DaemonUnavailable, DockerClient, DockerException, StreamError

from .test_daemon_restart import PrivateDaemon, daemon, needs_tools

__all__ = ["daemon"]  # the fixture, imported for use here

pytestmark = pytest.mark.slow

TICKING = ["sh", "-c", "while :; do echo tick; sleep 0.1; done"]


@pytest.fixture
async def killable(daemon: PrivateDaemon) -> AsyncIterator[PrivateDaemon]:
    """The private daemon, started again after a kill so that it stops cleanly.

    A killed dockerd leaves its containers' shims running and containerd's
    pid file behind; the next dockerd needs the stale files gone, then it
    takes the containers over and its clean stop ends them. What it leaves
    mounted (the killed one never unmounted) is unmounted last.
    """
    yield daemon
    if daemon.process is None or daemon.process.returncode is None:
        return
    state = daemon.root / "exec" / "containerd"
    for name in ("containerd.pid", "containerd.sock", "containerd.sock.ttrpc"):
        (state / name).unlink(missing_ok=True)
    await daemon.start()
    await daemon.stop()
    mounts = await anyio.Path("/proc/mounts").read_text()
    below = [line.split()[1] for line in mounts.splitlines() if str(daemon.root) in line]
    for mount in sorted(below, reverse=True):
        await anyio.run_process(["umount", "-l", mount], check=False)


@needs_tools
async def test_every_stream_and_call_raises_when_the_daemon_is_killed(
    killable: PrivateDaemon, client: DockerClient, image: str
) -> None:
    daemon = killable
    async with DockerClient(daemon.url, timeout=10) as private:
        await private.images.load(client.images.save(image))
        container = await private.containers.run(
            image, TICKING, detach=True, network_mode="none", stdin_open=True
        )
        streams: dict[str, Any] = {
            "logs": container.logs(stream=True, follow=True),
            "events": private.events(),
            "stats": container.stats(),
            "attach": container.attach(stream=True),
            "exec": (await container.exec_run(TICKING, stream=True)).output,
            "interactive exec": await container.exec_interactive(TICKING),
            "attach with stdin": await container.attach_socket(),
        }
        with anyio.fail_after(30):
            for name, stream in streams.items():
                if name != "events":  # nothing happens: it just stays open
                    await stream.__anext__()
                else:
                    await stream.__aenter__()
            outcomes: dict[str, BaseException | None] = {}

            async def until_it_breaks(name: str, stream: Any) -> None:
                try:
                    async for _ in stream:
                        pass
                    outcomes[name] = None  # a normal end: wrong
                except DockerException as exc:
                    outcomes[name] = exc

            async def waiting() -> None:
                try:
                    await container.wait()
                    outcomes["wait"] = None
                except DockerException as exc:
                    outcomes["wait"] = exc

            async with anyio.create_task_group() as tg:
                for name, stream in streams.items():
                    tg.start_soon(until_it_breaks, name, stream)
                tg.start_soon(waiting)
                await anyio.sleep(0.5)
                assert daemon.process is not None
                daemon.process.kill()
                await daemon.process.wait()
            with pytest.raises(DaemonUnavailable):
                await private.ping()
        for stream in streams.values():
            await stream.aclose()
    wrong = {name: exc for name, exc in outcomes.items() if not isinstance(exc, StreamError)}
    assert not wrong, wrong
    assert set(outcomes) == {*streams, "wait"}
