"""Run pytest in a subprocess on a small suite of our own, and count what its runs left.

Every inner suite gets a ``conftest.py`` that records the id of each session
(one per process: xdist workers have their own) in ``sessions.txt``, so the
outer test can look for anything labelled with those ids afterwards.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

from aiocontainers import DockerClient
from aiocontainers.testing import LEASE_LABEL, SESSION_LABEL, TestSession

__all__ = [
    "INNER_CONFTEST",
    "labelled_now",
    "leftovers",
    "session_ids",
    "start_pytest",
    "write_suite",
]

INNER_CONFTEST = """
import os
import pytest

@pytest.fixture(scope="session", autouse=True)
def _record_session(docker_session):
    with open(os.path.join(os.environ["INNER_DIR"], "sessions.txt"), "a") as f:
        f.write(docker_session.id + "\\n")
"""

ANYIO_BACKEND = """
@pytest.fixture
def anyio_backend():
    return "asyncio"
"""


def write_suite(directory: Path, files: Mapping[str, str], *, anyio: bool = True) -> None:
    """Write the suite's files plus the recording conftest (and anyio's backend)."""
    conftest = INNER_CONFTEST + (ANYIO_BACKEND if anyio else "")
    (directory / "conftest.py").write_text(conftest)
    for name, text in files.items():
        (directory / name).write_text(textwrap.dedent(text))


def start_pytest(
    directory: Path,
    *args: str,
    env: Mapping[str, str] | None = None,
    prefix: Sequence[str] = (),
    plugins: Sequence[str] = ("no:asyncio",),
) -> subprocess.Popen[bytes]:
    """``python -m pytest`` on ``directory``, output in ``directory/output.txt``.

    Hypothesis's plugin (a dev dependency) is left out: its lazy import at the
    end of a run costs seconds on a loaded machine, which is not ours to measure.
    """
    command = [*prefix, sys.executable, "-m", "pytest", "-p", "no:cacheprovider"]
    command += ["-p", "no:hypothesispytest"]
    for plugin in plugins:
        command += ["-p", plugin]
    with (directory / "output.txt").open("wb") as output:  # the child has its own copy
        return subprocess.Popen(
            [*command, *args],
            cwd=directory,
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, "INNER_DIR": str(directory), **(env or {})},
            preexec_fn=_interruptible,
        )


def _interruptible() -> None:
    """Ctrl-C as at a terminal: a suite started in the background (``cmd &`` in a script)
    inherits SIGINT ignored, and Python then never installs its KeyboardInterrupt handler."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def output(directory: Path) -> str:
    return (directory / "output.txt").read_text(errors="replace")


def session_ids(directory: Path) -> list[str]:
    path = directory / "sessions.txt"
    return path.read_text().split() if path.exists() else []


async def leftovers(client: DockerClient, sessions: Sequence[str]) -> list[str]:
    """Everything on the engine labelled with one of ``sessions``, leases included."""
    transport = client.transport
    found: list[str] = []
    for session in sessions:
        for label in (f"{SESSION_LABEL}={session}", f"{LEASE_LABEL}={session}"):
            filters = {"label": [label]}
            containers = await transport.request_json(
                "GET", "/containers/json", params={"all": True, "filters": filters}
            )
            found += [f"container {c['Names']} {c['State']}" for c in containers]
            networks = await transport.request_json(
                "GET", "/networks", params={"filters": filters}
            )
            found += [f"network {n['Name']}" for n in networks]
            volumes = await transport.request_json("GET", "/volumes", params={"filters": filters})
            found += [f"volume {v['Name']}" for v in volumes.get("Volumes") or []]
            images = await transport.request_json(
                "GET", "/images/json", params={"filters": filters}
            )
            found += [f"image {i['Id']}" for i in images]
    return found


async def labelled_now(client: DockerClient) -> set[str]:
    """Every resource on the engine carrying a session or lease label, except this
    process's own session's: what inner runs (whatever their ids) have up now."""
    own = TestSession.current().id
    found: set[str] = set()
    transport = client.transport
    for key in (SESSION_LABEL, LEASE_LABEL):
        params = {"filters": {"label": [key]}}
        containers = await transport.request_json(
            "GET", "/containers/json", params={"all": True, **params}
        )
        networks = await transport.request_json("GET", "/networks", params=params)
        volumes = (await transport.request_json("GET", "/volumes", params=params)).get(
            "Volumes"
        ) or []
        images = await transport.request_json("GET", "/images/json", params=params)
        for kind, items, name in (
            ("container", containers, "Id"),
            ("network", networks, "Name"),
            ("volume", volumes, "Name"),
            ("image", images, "Id"),
        ):
            for item in items:
                if (item.get("Labels") or {}).get(key) != own:
                    found.add(f"{kind} {item[name]}")
    return found
