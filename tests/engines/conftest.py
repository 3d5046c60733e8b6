"""Remote engines for real: a TLS-only dockerd and an sshd in front of the main engine.

``nox -s engines`` starts both (scripts/engine-tls.sh, scripts/engine-ssh.sh) and runs
this directory. A plain ``pytest`` run (``testpaths``) leaves it out, since nothing there
started them; pointed at it (``pytest tests/engines``), a missing service fails the run
with the command that starts it, never a skip.
"""

from __future__ import annotations

import asyncio
import gc
import os
import pwd
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import aiocontainers
from aiocontainers import DockerClient
from tests.engine.conftest import LABELS, TEST_IMAGE

HERE = Path(__file__).parent
TLS_DIR = Path(os.environ.get("AIOCONTAINERS_TLS_DIR", "/var/lib/aiocontainers/tls"))
CERTS = TLS_DIR / "certs"
TLS_HOST = f"tcp://127.0.0.1:{os.environ.get('AIOCONTAINERS_TLS_PORT', '2376')}"
SSH_DIR = Path(os.environ.get("AIOCONTAINERS_SSH_DIR", "/var/lib/aiocontainers/ssh"))
SSH_HOME = SSH_DIR / "home"
SSH_HOST = f"ssh://{pwd.getpwuid(os.getuid()).pw_name}@127.0.0.1:" + os.environ.get(
    "AIOCONTAINERS_SSH_PORT", "2222"
)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Collect these tests only when the run names this directory (or a path in it)."""
    if HERE not in collection_path.parents:
        return None
    base = config.invocation_params.dir
    asked = [(base / str(arg).split("::")[0]).resolve() for arg in config.args]
    return None if any(p == HERE or HERE in p.parents for p in asked) else True


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.engine)
            item.add_marker(pytest.mark.anyio)


def tls_environment(cert_dir: str = "client", host: str = TLS_HOST) -> dict[str, str]:
    """DOCKER_* variables for the TLS daemon, with one of the script's certificate sets."""
    return {
        "DOCKER_HOST": host,
        "DOCKER_TLS_VERIFY": "1",
        "DOCKER_CERT_PATH": str(CERTS / cert_dir),
    }


def tls_context(cert_dir: str = "client") -> ssl.SSLContext:
    """An explicit SSLContext from one of the script's certificate sets."""
    context = ssl.create_default_context(cafile=str(CERTS / cert_dir / "ca.pem"))
    context.load_cert_chain(str(CERTS / cert_dir / "cert.pem"), str(CERTS / cert_dir / "key.pem"))
    return context


async def _problem(client: DockerClient) -> str | None:
    try:
        await client.ping()
        await client.transport.request("GET", "/images/{n}/json", path_args={"n": TEST_IMAGE})
    except aiocontainers.DockerException as exc:
        return str(exc)
    return None


@pytest.fixture
async def ssh_home(monkeypatch: pytest.MonkeyPatch) -> Path:
    """HOME whose ~/.ssh (config, key, known_hosts) reaches the test sshd."""
    monkeypatch.setenv("HOME", str(SSH_HOME))
    return SSH_HOME


def _open(kind: str) -> DockerClient:
    if kind == "tls-environment":
        return aiocontainers.from_env(environment=tls_environment())
    if kind == "tls-context":
        return DockerClient(TLS_HOST, tls=tls_context())
    return DockerClient(SSH_HOST)


START = {
    "tls-environment": "bash scripts/engine-tls.sh up",
    "tls-context": "bash scripts/engine-tls.sh up",
    "ssh": "bash scripts/engine-ssh.sh up",
}


@pytest.fixture(params=list(START))
async def remote(request: pytest.FixtureRequest, ssh_home: Path) -> AsyncIterator[DockerClient]:
    """A client of a remote engine: TLS from DOCKER_* variables, TLS from an explicit
    SSLContext, or SSH. Fails the test (with the command to run) when it does not answer,
    and fails a test that leaves tasks running."""
    kind: str = request.param
    before = asyncio.all_tasks()
    async with _open(kind) as client:
        problem = await _problem(client)
        if problem is not None:
            pytest.fail(f"{kind} engine not usable ({problem}); run `{START[kind]}`", False)
        yield client
    gc.collect()
    for _ in range(3):
        await asyncio.sleep(0)
    stray = [
        task
        for task in asyncio.all_tasks() - before
        if not task.done()
        and task is not asyncio.current_task()
        and "_call_in_runner_task" not in repr(task.get_coro())
    ]
    assert not stray, f"tasks left running: {stray}"


@pytest.fixture
def labels() -> dict[str, str]:
    return dict(LABELS)
