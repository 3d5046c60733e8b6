"""ssh:// engines: call latency through the test sshd (scripts/engine-ssh.sh).

aiocontainers (an asyncssh channel per pooled connection, running ``docker system
dial-stdio``), aiodocker's SSH connector (the same command behind a local relay socket),
docker-py with ``use_ssh_client=True`` (the ``ssh`` binary per connection) and docker-py's
default paramiko transport, in the same run, each with one kept-alive client; the same
aiocontainers calls over the local socket show what SSH adds. Skipped, with a note, when
the sshd does not answer.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import aiodocker
import docker
from _common import LABEL_FILTER, Context, interleave, per_call, start_containers, sync_op
from _harness import AIO, AIODOCKER, Goal, Row, SuiteResult, Unavailable, scale

import aiocontainers

__all__ = ["run"]

SSH_DIR = Path(os.environ.get("AIOCONTAINERS_SSH_DIR", "/var/lib/aiocontainers/ssh"))
SSH_URL = f"ssh://{pwd.getpwuid(os.getuid()).pw_name}@127.0.0.1:" + os.environ.get(
    "AIOCONTAINERS_SSH_PORT", "2222"
)
SSH_CLIENT = "docker-py (ssh binary)"
PARAMIKO = "docker-py (paramiko)"
LOCAL = "aiocontainers (unix socket)"
GOALS = [Goal("faster", 1.0, SSH_CLIENT), Goal("faster", 1.0, PARAMIKO)]
LISTED = 5


@contextlib.contextmanager
def ssh_environment() -> Iterator[None]:
    """HOME with the test ~/.ssh (asyncssh, paramiko) and PATH with its ``ssh`` wrapper
    (OpenSSH ignores HOME; docker-py runs the first ``ssh`` on PATH)."""
    saved = {key: os.environ.get(key) for key in ("HOME", "PATH")}
    os.environ["HOME"] = str(SSH_DIR / "home")
    os.environ["PATH"] = f"{SSH_DIR / 'bin'}:{os.environ.get('PATH', '')}"
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def first_call(open_client: Callable[[], Any], call: Callable[[Any], Awaitable[object]]) -> Any:
    """An op timing a fresh client's first ping: SSH handshake plus the call."""

    async def op() -> float:
        client = open_client()
        try:
            start = time.perf_counter()
            await call(client)
            return time.perf_counter() - start
        finally:
            closing = client.close()
            if closing is not None:
                await closing

    return op


async def run(ctx: Context) -> SuiteResult:
    columns = [AIO, AIODOCKER, SSH_CLIENT, PARAMIKO, LOCAL]
    result = SuiteResult("ssh", "SSH engines", columns)
    with ssh_environment():
        probe = aiocontainers.DockerClient(SSH_URL, timeout=10)
        try:
            await probe.ping()
        except aiocontainers.DockerException as exc:
            result.notes.append(
                f"skipped: no engine answers through {SSH_URL} ({exc}); "
                "start one with `bash scripts/engine-ssh.sh up`"
            )
            return result
        finally:
            await probe.close()
        return await _measure(ctx, result)


async def _measure(ctx: Context, result: SuiteResult) -> SuiteResult:
    # Few: docker-py's ssh-binary transport starts an ssh process per request (~1 s).
    rounds = ctx.rounds_or(7, 3)
    repeat = ctx.pick(5, 2)
    await start_containers(ctx.raw, LISTED, ["sleep", "600"])
    aio = aiocontainers.DockerClient(SSH_URL)
    adk = aiodocker.Docker(url=SSH_URL)
    dpy_ssh = docker.DockerClient(base_url=SSH_URL, use_ssh_client=True, timeout=60)
    dpy_paramiko = docker.DockerClient(base_url=SSH_URL, timeout=60)
    local = ctx.aio
    try:

        async def adk_ping() -> bytes:
            async with adk._query("_ping") as response:
                return await response.read()

        cases: dict[str, dict[str, Any]] = {
            "ping": {
                AIO: aio.ping,
                AIODOCKER: adk_ping,
                SSH_CLIENT: sync_op(dpy_ssh.ping),
                PARAMIKO: sync_op(dpy_paramiko.ping),
                LOCAL: local.ping,
            },
            f"containers.list sparse ({LISTED} containers)": {
                AIO: lambda: aio.containers.list(filters=LABEL_FILTER, sparse=True),
                AIODOCKER: lambda: adk.containers.list(filters=LABEL_FILTER),
                SSH_CLIENT: sync_op(
                    lambda: dpy_ssh.containers.list(filters=LABEL_FILTER, sparse=True)
                ),
                PARAMIKO: sync_op(
                    lambda: dpy_paramiko.containers.list(filters=LABEL_FILTER, sparse=True)
                ),
                LOCAL: lambda: local.containers.list(filters=LABEL_FILTER, sparse=True),
            },
        }
        for ops in cases.values():  # connect, negotiate, warm the pools
            for op in ops.values():
                await op()
        for metric, ops in cases.items():
            cells = await interleave(ops, rounds, per_call(repeat))
            row = result.add(Row(metric, "ms/call", "lower", goals=list(GOALS)))
            for name, cell in cells.items():
                row.cells[name] = scale(cell, 1000)

        async def adk_first(client: aiodocker.Docker) -> object:
            return await client.version()

        connects: dict[str, Any] = {
            AIO: first_call(lambda: aiocontainers.DockerClient(SSH_URL), lambda c: c.ping()),
            AIODOCKER: first_call(lambda: aiodocker.Docker(url=SSH_URL), adk_first),
            SSH_CLIENT: _docker_py_first(use_ssh_client=True),
            PARAMIKO: _docker_py_first(use_ssh_client=False),
            LOCAL: Unavailable("no connection setup to speak of"),
        }
        cells = await interleave(connects, rounds, lambda op: op())
        row = result.add(Row("new client, first call", "ms", "lower", goals=list(GOALS)))
        for name, cell in cells.items():
            row.cells[name] = scale(cell, 1000)
    finally:
        await aio.close()
        await adk.close()
        dpy_ssh.close()
        dpy_paramiko.close()
    result.notes.append(
        f"{rounds} rounds x {repeat} back-to-back calls per library, one kept-alive client "
        f"each, through the test sshd at {SSH_URL}; 'new client, first call' includes the "
        "SSH handshake (docker-py negotiates the API version on creation, so it pings twice)"
    )
    return result


def _docker_py_first(*, use_ssh_client: bool) -> Callable[[], Awaitable[float]]:
    async def op() -> float:
        start = time.perf_counter()
        client = docker.DockerClient(base_url=SSH_URL, use_ssh_client=use_ssh_client)
        try:
            client.ping()
            return time.perf_counter() - start
        finally:
            client.close()

    return op
