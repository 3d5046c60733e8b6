"""Every example of the seed guide (tests/seed/docker_py_skill.md) runs on the sync shim.

Each example runs with only its docker-py import swapped
(:func:`tests.seed._blocks.port`), statement by statement, in a fresh
namespace, in a worker thread (it is blocking code). What the harness adds is
listed here, per example, with a reason:

* PRELUDES: the objects a fragment uses but does not create (``client``,
  ``container``...).
* INTERLUDES: code run just before a statement, where the example moves on to
  a new topic that needs a fresh object (``wait`` after ``remove``).
* EXPECTED: statements that raise on a real engine whatever the library
  (docker-py too), with the exception; the test fails if they do not.
* NOT_RUN: statements that need the internet; they are compiled, not run.
  (Example 0's ``tcp://192.168.1.10:2376`` client does run: a client connects
  on its first call, and the example makes none.)

Images the examples name are this suite's local images: ``busybox`` and
``alpine`` are tags of the test image (scripts/engine.sh), and a stand-in
image (the test image plus a ``python`` script, ``/app`` and a user
``appuser``) is tagged ``python:3.12-slim`` and ``myapp``. Afterwards every
container (of those images), network and volume the example made is removed.
"""

from __future__ import annotations

import ast
import contextlib
import gc
import io
import os
import shutil
import tarfile
import threading
from collections.abc import Iterator
from typing import Any

import anyio
import pytest

from aiocontainers import errors
from aiocontainers import sync as docker
from tests.seed._blocks import SeedBlock, port, seed_blocks

from .conftest import LABELS, TEST_IMAGE

pytestmark = [
    # Explicit, so the anyio plugin parametrizes before ours (the conftest marks too late).
    pytest.mark.anyio,
    # The guide's own call (block 6); deprecated in Python 3.12, not ours to change.
    pytest.mark.filterwarnings("ignore:datetime.datetime.utcnow:DeprecationWarning"),
    # Alone: each example removes every new container of the images it names (busybox,
    # which the docs examples use too), and the module retags the stand-in image.
    pytest.mark.serial,
]

BLOCKS = seed_blocks()
STAND_IN_TAGS = ["python:3.12-slim", "myapp:latest"]
# Never the test image's own name: other tests' containers use it.
SEED_IMAGES = {"busybox", "busybox:latest", "alpine", "alpine:latest"}
SEED_IMAGES |= {"python:3.12-slim", "myapp", "myapp:latest"}
SEED_NAMES = {"containers": {"my-server", "worker"}, "networks": {"app-net", "isolated-net"}}
SEED_VOLUMES = {"app-data"}
HOST_PATHS = ["/host/config"]  # bind-mount sources the examples name

_STAND_IN_PYTHON = """#!/bin/sh
# Stand-in for python in the seed examples: "-m http.server PORT" serves with busybox
# httpd; any other invocation reports itself and succeeds.
if [ "$1" = "-m" ] && [ "$2" = "http.server" ]; then exec httpd -f -p "${3:-8000}"; fi
echo "python stand-in: $*"
"""
_STAND_IN_DOCKERFILE = f"""FROM {TEST_IMAGE}
COPY python /bin/python
RUN chmod +x /bin/python && mkdir -p /app /var/log \\
 && echo 'appuser:x:1000:1000::/app:/bin/sh' >> /etc/passwd
CMD ["sh", "-c", "echo myapp started"]
"""

_CLIENT = "client = docker.from_env()\n"
_SLEEPER = _CLIENT + 'container = client.containers.run("busybox", "sleep 60", detach=True)\n'

PRELUDES: dict[int, str] = {
    1: _CLIENT,
    2: _CLIENT,
    3: _CLIENT + 'client.containers.run("busybox", "sleep 60", name="my-server", detach=True,'
    ' labels={"app": "web", "env": "dev"})\n',
    # TERM ends it at once, so stop(timeout=10) does not wait the 10 s out.
    4: _CLIENT + "container = client.containers.run("
    '"busybox", ["sh", "-c", "trap \'exit 0\' TERM; sleep 60 & wait"], detach=True)\n',
    # The stand-in has /app and the user appuser the exec examples use.
    5: _CLIENT + 'container = client.containers.run("myapp", "sleep 60", detach=True)\n',
    6: _CLIENT + 'container = client.containers.run("busybox", "sh -c \'echo one; echo two\'",'
    " detach=True)\n"
    "container.wait()\n",
    7: _CLIENT + 'image = client.images.get("busybox")\n',
    8: _CLIENT,
    9: _CLIENT,
    10: _CLIENT + 'client.volumes.create(name="app-data", labels={"env": "prod"})\n',
    11: _SLEEPER,
    12: _CLIENT,
    13: _CLIENT,
    15: _CLIENT,
}

INTERLUDES: dict[int, dict[str, str]] = {
    # "Wait for exit" is a new topic after remove(): it needs a container that exits.
    4: {
        "result = container.wait": 'container = client.containers.run("busybox", "true",'
        " detach=True)\n"
    },
}

# Block 14 only defines wait_for_healthy; run it on a container that turns healthy.
POSTLUDES: dict[int, str] = {
    14: _CLIENT + "container = client.containers.run('busybox', 'sleep 60', detach=True,"
    " healthcheck=docker.types.Healthcheck(test=['CMD', 'true'], interval=500_000_000))\n"
    "assert wait_for_healthy(container, timeout=30, interval=0.2) is True\n",
}

EXPECTED: dict[int, dict[str, type[BaseException]]] = {
    # The container was stopped one line before: the daemon refuses to kill it (409),
    # with docker-py as with us.
    4: {'container.kill(signal="SIGTERM")': errors.Conflict},
    11: {
        # Connecting the same container twice, and a static IP on a network created
        # without a subnet: the daemon refuses both, whatever the client.
        'network.connect(container, ipv4_address="192.168.52.10")': errors.APIError,
    },
}

NOT_RUN: dict[int, dict[str, str]] = {
    7: {
        'image = client.images.pull("python"': "pulls from Docker Hub (no internet)",
        "image, build_logs = client.images.build(": (
            "builds from the placeholder /path/to/context with a 'production' target"
        ),
        'client.images.push("registry.example.com/myapp"': "pushes to an internet registry",
    },
}


# -- the harness -------------------------------------------------------------------


def _statements(source: str) -> list[tuple[str, Any]]:
    """The example's top-level statements: (source text, compiled code)."""
    tree = ast.parse(source)
    found: list[tuple[str, Any]] = []
    for node in tree.body:
        text = ast.get_source_segment(source, node) or ""
        module = ast.Module(body=[node], type_ignores=[])
        found.append((text, compile(module, "<seed example>", "exec")))
    return found


def _match(table: dict[str, Any], statement: str) -> tuple[str, Any] | None:
    for prefix, value in table.items():
        if statement.startswith(prefix):
            return prefix, value
    return None


def run_block(block: SeedBlock) -> list[str]:
    """Run one example as described in the module docstring; returns what was skipped."""
    namespace: dict[str, Any] = {"__name__": f"seed_example_{block.index}"}
    # The guide's fragments assume its first example's ``import docker``.
    prelude = port("import docker\n") + PRELUDES.get(block.index, "")
    exec(compile(prelude, "<prelude>", "exec"), namespace)
    expected = dict(EXPECTED.get(block.index, {}))
    not_run = NOT_RUN.get(block.index, {})
    interludes = INTERLUDES.get(block.index, {})
    skipped: list[str] = []
    for text, code in _statements(port(block.source)):
        interlude = _match(interludes, text)
        if interlude is not None:
            exec(compile(interlude[1], "<interlude>", "exec"), namespace)
        if _match(not_run, text) is not None:
            skipped.append(text.splitlines()[0])
            continue
        raised = _match(expected, text)
        if raised is None:
            exec(code, namespace)
            continue
        with pytest.raises(raised[1]):
            exec(code, namespace)
        del expected[raised[0]]
    assert not expected, f"statements expected to fail were not run: {list(expected)}"
    exec(compile(POSTLUDES.get(block.index, ""), "<postlude>", "exec"), namespace)
    namespace.clear()
    return skipped


def _in_thread(block: SeedBlock) -> list[str]:
    """Run the example in a worker thread, as blocking code; re-raise what it raised."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["skipped"] = run_block(block)
        except BaseException as exc:
            outcome["error"] = exc

    worker = threading.Thread(target=target, name=f"seed-{block.index}")
    worker.start()
    worker.join(100)
    assert not worker.is_alive(), f"example {block.index} still runs after 100 s"
    if "error" in outcome:
        raise outcome["error"]
    skipped: list[str] = outcome["skipped"]
    return skipped


class _Snapshot:
    """What exists before an example, so what it made can be removed after it."""

    def __init__(self, client: Any) -> None:
        self.containers = {c.id for c in client.containers.list(all=True, sparse=True)}
        self.networks = {n.id for n in client.networks.list()}
        self.volumes = {v.name for v in client.volumes.list()}

    def remove_new(self, client: Any) -> list[str]:
        removed: list[str] = []
        for c in client.containers.list(all=True, sparse=True):
            image = c.attrs.get("Image")
            names = {n.lstrip("/") for n in c.attrs.get("Names") or []}
            if c.id not in self.containers and (
                image in SEED_IMAGES or names & SEED_NAMES["containers"]
            ):
                with contextlib.suppress(errors.NotFound):  # e.g. run(remove=True)
                    c.remove(force=True, v=True)
                removed.append(f"container {image} {sorted(names)}")
        for n in client.networks.list():
            if n.id not in self.networks and n.name in SEED_NAMES["networks"]:
                n.remove()
                removed.append(f"network {n.name}")
        for v in client.volumes.list():
            if v.name not in self.volumes and v.name in SEED_VOLUMES:
                v.remove(force=True)
                removed.append(f"volume {v.name}")
        return removed


def _remove_named(client: Any) -> None:
    """Leftovers of a killed run carry the examples' fixed names; remove them first."""
    for name in SEED_NAMES["containers"]:
        try:
            client.containers.get(name).remove(force=True, v=True)
        except errors.NotFound:
            pass
    for name in SEED_NAMES["networks"]:
        for network in client.networks.list(names=[name]):
            network.remove()
    for name in SEED_VOLUMES:
        try:
            client.volumes.get(name).remove(force=True)
        except errors.NotFound:
            pass


@pytest.fixture(scope="module")
def seed_client() -> Iterator[Any]:
    with docker.from_env() as client:
        yield client


@pytest.fixture(scope="module")
def stand_in_image(seed_client: Any) -> Iterator[None]:
    """The stand-in image, tagged with the names the examples use, untagged afterwards."""
    context = io.BytesIO()
    with tarfile.open(fileobj=context, mode="w") as tar:
        for name, text, mode in [
            ("Dockerfile", _STAND_IN_DOCKERFILE, 0o644),
            ("python", _STAND_IN_PYTHON, 0o755),
        ]:
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), mode
            tar.addfile(info, io.BytesIO(data))
    image, _ = seed_client.images.build(
        fileobj=context.getvalue(), custom_context=True, labels=LABELS
    )
    for tag in STAND_IN_TAGS:
        image.tag(tag)
    yield
    for tag in STAND_IN_TAGS:
        seed_client.images.remove(tag)


@pytest.fixture
def host_paths() -> Iterator[None]:
    """The host paths the examples bind-mount, created for the example if missing."""
    created = [path for path in HOST_PATHS if not os.path.exists(path)]
    for path in created:
        os.makedirs(path)
    yield
    for path in created:
        shutil.rmtree(path)
        parent = os.path.dirname(path)
        if parent != "/" and not os.listdir(parent):
            os.rmdir(parent)


async def test_guide_has_the_examples() -> None:
    """The extraction finds the guide's 16 examples, each a whole program fragment."""
    assert len(BLOCKS) == 16
    assert BLOCKS[0].source.startswith("import docker\n")
    assert 'print(result["StatusCode"])' in BLOCKS[4].source
    assert (
        BLOCKS[15]
        .source.rstrip()
        .endswith('print(f"Docker daemon error: {e.status_code} {e.explanation}")')
    )
    for block in BLOCKS:
        compile(port(block.source), f"<seed example {block.index}>", "exec")
        assert "import docker" not in port(block.source).replace("import sync as docker", "")


async def test_tables_name_real_statements() -> None:
    """Every statement the tables name exists in its example (the lists cannot rot)."""
    for table in (INTERLUDES, EXPECTED, NOT_RUN):
        for index, entries in table.items():
            texts = [text for text, _ in _statements(port(BLOCKS[index].source))]
            for prefix in entries:
                assert any(t.startswith(prefix) for t in texts), (index, prefix)


@pytest.mark.parametrize("block", BLOCKS, ids=[f"example-{b.index}-line-{b.line}" for b in BLOCKS])
async def test_seed_example(
    block: SeedBlock, seed_client: Any, stand_in_image: None, host_paths: None
) -> None:
    """The example runs (in a worker thread: it is blocking code) and leaves nothing."""
    await anyio.to_thread.run_sync(_remove_named, seed_client)
    before = await anyio.to_thread.run_sync(_Snapshot, seed_client)
    try:
        skipped = await anyio.to_thread.run_sync(_in_thread, block)
    finally:
        gc.collect()  # clients the example never closed close now
        await anyio.to_thread.run_sync(before.remove_new, seed_client)
    assert skipped == [
        text.splitlines()[0]
        for text, _ in _statements(port(block.source))
        if _match(NOT_RUN.get(block.index, {}), text)
    ]
