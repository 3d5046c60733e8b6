"""``python -m aiocontainers`` against the engine, run as users run it (a subprocess).

Captured output here; one test drives the command line in a real terminal
(tmux, installed by scripts/engine.sh) to see live progress bars, colours and
Ctrl-C. Exit codes are the documented ones: 0 ok, 1 error, 3 a service failed,
130 interrupted.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import anyio
import pytest

from aiocontainers import DockerClient

from .conftest import REGISTRY, TEST_IMAGE
from .test_stacks import _leftovers

pytestmark = pytest.mark.timeout(180)


def _project() -> str:
    return f"cli{uuid.uuid4().hex[:8]}"


def write_compose(directory: Path, labels: dict[str, str], services: dict[str, Any]) -> Path:
    """A compose file (JSON is YAML) whose services and network carry the test labels."""
    body = {
        "services": {
            key: {"image": TEST_IMAGE, "stop_grace_period": "1s", "labels": labels, **service}
            for key, service in services.items()
        },
        "networks": {"default": {"labels": labels}},
    }
    path = directory / "compose.yaml"
    path.write_text(json.dumps(body))
    return path


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m aiocontainers ARGS`` with this environment (DOCKER_HOST included)."""
    return subprocess.run(
        [sys.executable, "-m", "aiocontainers", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


async def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return await anyio.to_thread.run_sync(lambda: cli(*args, cwd=cwd))


async def test_up_ps_logs_down(
    client: DockerClient, labels: dict[str, str], tmp_path: Path
) -> None:
    name = _project()
    compose = write_compose(
        tmp_path,
        labels,
        {
            "db": {
                "command": "sh -c 'touch /tmp/ready; echo db up; exec sleep 300'",
                "healthcheck": {"test": ["CMD", "test", "-f", "/tmp/ready"], "interval": "100ms"},
            },
            "web": {
                "command": ["sh", "-c", "echo hello; echo warn >&2; exec sleep 300"],
                "depends_on": {"db": {"condition": "service_healthy"}},
                "deploy": {"replicas": 2},
            },
        },
    )
    try:
        up = await run_cli("up", "-d", "-f", str(compose), "-p", name)
        assert up.returncode == 0, up.stderr
        assert f"✔ {name}-db-1 healthy" in up.stderr  # live status lines go to stderr
        assert up.stderr.index(f"{name}-db-1 healthy") < up.stderr.index(f"{name}-web-1 started")
        assert f"{name}-web-2" in up.stdout and "running (healthy)" in up.stdout

        ps = await run_cli("ps", "-p", name, "--format", "json")  # -p alone: no file needed
        rows = json.loads(ps.stdout)
        assert [(r["name"], r["service"], r["state"]) for r in rows] == [
            (f"{name}-db-1", "db", "running"),
            (f"{name}-web-1", "web", "running"),
            (f"{name}-web-2", "web", "running"),
        ]
        assert rows[0]["health"] == "healthy"
        quiet = await run_cli("ps", "-q", "-f", str(compose), "-p", name)
        assert quiet.stdout.split() == [r["id"] for r in rows]

        logs = await run_cli("logs", "-p", name, "web")
        assert logs.returncode == 0
        width = len(f"{name}-web-1")  # prefixes are padded to the longest container name
        assert sorted(logs.stdout.splitlines()) == sorted(
            f"{name}-web-{n}".ljust(width) + f" | {line}"
            for n in (1, 2)
            for line in ("hello", "warn")
        )
        assert "db up" not in logs.stdout
    finally:
        down = await run_cli("down", "-p", name)
    assert down.returncode == 0, down.stderr
    assert f"stack {name} removed" in down.stderr
    assert await _leftovers(client, name) == []
    assert json.loads((await run_cli("ps", "-p", name, "--format", "json")).stdout) == []


async def test_exit_codes_of_failures(
    client: DockerClient, labels: dict[str, str], tmp_path: Path
) -> None:
    name = _project()
    compose = write_compose(
        tmp_path,
        labels,
        {
            "migrate": {"command": ["sh", "-c", "echo broken schema >&2; exit 4"]},
            "app": {
                "command": "sleep 300",
                "depends_on": {"migrate": {"condition": "service_completed_successfully"}},
            },
        },
    )
    failed = await run_cli("up", "-d", "-f", str(compose), "-p", name)
    assert failed.returncode == 3, failed.stderr
    assert "service 'migrate' exited with code 4" in failed.stderr
    assert "broken schema" in failed.stderr
    assert await _leftovers(client, name) == []  # torn down (no --keep-on-failure)
    missing = await run_cli("up", "-d", "-f", str(tmp_path / "nope.yaml"))
    assert missing.returncode == 1 and missing.stderr.startswith("error: cannot read compose file")
    assert (await run_cli("logs", "--no-such-option")).returncode == 2


async def test_build_shows_steps_and_output(
    client: DockerClient, labels: dict[str, str], tmp_path: Path
) -> None:
    name = _project()
    context = tmp_path / "app"
    context.mkdir()
    label_line = " ".join(f"{key}={value}" for key, value in labels.items())
    (context / "Dockerfile").write_text(
        f"FROM {TEST_IMAGE}\nRUN echo compiling the app\nLABEL {label_line}\n"
    )
    compose = write_compose(tmp_path, labels, {"app": {"build": "./app", "image": f"{name}-app"}})
    try:
        built = await run_cli("build", "-f", str(compose), "-p", name)
        assert built.returncode == 0, built.stderr
        assert "app | Step 2/3 : RUN echo compiling the app" in built.stderr
        assert "app | compiling the app" in built.stderr
        assert "step 3/3" in built.stderr and "built" in built.stderr  # the bar's final state
        assert f"✔ built {name}-app" in built.stderr
        image = await client.images.get(f"{name}-app")
        assert image.labels["aiocontainers.test"] == "1"
    finally:
        await client.images.remove(f"{name}-app", force=True)


def _tmux(*args: str) -> str:
    return subprocess.run(
        ["tmux", *args], capture_output=True, text=True, check=True, timeout=30
    ).stdout


def _pane(server: str, deadline: float, until: str) -> str:
    """The pane's text with its colours (escape sequences), once ``until`` shows."""
    while True:
        screen = _tmux("-L", server, "capture-pane", "-p", "-e", "-t", "cli")
        if until in screen:
            return screen
        if time.monotonic() > deadline:
            raise AssertionError(f"{until!r} never showed; the terminal shows:\n{screen}")
        time.sleep(0.2)


@pytest.mark.registry
async def test_in_a_real_terminal(
    client: DockerClient, labels: dict[str, str], tmp_path: Path
) -> None:
    """pull draws a bar per layer with sizes; up colours each container's prefix;
    Ctrl-C tears the stack down and exits 130."""
    assert shutil.which("tmux"), "tmux is missing: bash scripts/engine.sh up installs it"
    name = _project()
    image = f"{REGISTRY}/aiocontainers-cli-{name}:1"
    # An image with a layer of its own (3 MB), in the registry only, so the pull downloads it.
    (tmp_path / "blob").write_bytes(os.urandom(3_000_000))
    (tmp_path / "Dockerfile").write_text(f"FROM {TEST_IMAGE}\nCOPY blob /blob\n")
    await client.images.build(path=str(tmp_path), tag=image, labels=labels)
    async for _ in client.images.push_progress(image):
        pass
    await client.images.remove(image)
    compose = write_compose(
        tmp_path,
        labels,
        {"app": {"image": image, "command": ["sh", "-c", "echo app ready; exec sleep 300"]}},
    )
    server = f"aioc-{name}"
    script = (
        # tmux may start the pane small and resize it a moment later; the terminal's own
        # size must decide (a shell may have exported the first one as COLUMNS)
        'until [ "$(stty size)" = "40 120" ]; do sleep 0.1; done; unset COLUMNS LINES; '
        f"{sys.executable} -m aiocontainers pull -f {compose} -p {name}; "
        f"{sys.executable} -m aiocontainers up -f {compose} -p {name}; "
        "echo EXIT=$?; sleep 60"
    )
    _tmux(
        "-L", server, "new-session", "-d", "-s", "cli", "-x", "120", "-y", "40",
        "-e", f"DOCKER_HOST={os.environ.get('DOCKER_HOST', '')}", script,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        screen = _pane(server, deadline, "app ready")
        plain = _tmux("-L", server, "capture-pane", "-p", "-t", "cli")
        [head] = [line for line in plain.splitlines() if line.startswith(image)]
        assert "━" in head and "3.0/3.0 MB" in head and "Downloaded newer image" in head, plain
        layers = [line for line in plain.splitlines() if line.startswith("  ") and "━" in line]
        assert any("3.0/3.0 MB" in line and "Pull complete" in line for line in layers)
        assert any("Already exists" in line for line in layers)  # the base image's layers
        assert f"\x1b[36m{name}-app-1 | " in screen  # the first container's colour: cyan
        assert f"✔ {name}-app-1 started" in plain
        _tmux("-L", server, "send-keys", "-t", "cli", "C-c")
        screen = _pane(server, deadline, "EXIT=")
        assert "EXIT=130" in screen and f"stopping stack {name}" in screen
        assert await _leftovers(client, name) == []
    finally:
        await anyio.run_process(["tmux", "-L", server, "kill-server"], check=False)
        await client.stacks.down(name)
        await client.images.remove(image, force=True)
