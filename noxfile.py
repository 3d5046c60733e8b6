"""Developer and CI sessions: ``nox -s tests|lint|typecheck|bench|docs|demo|faults``,
``swarm``, ``engines`` and ``podman``.

Sessions that talk to Docker first run ``scripts/engine.sh up``, which reuses a running
engine (``DOCKER_HOST`` or ``/var/run/docker.sock``) or starts one, plus the local registry
and the offline test image. Virtualenvs are reused between runs; ``nox -R`` also skips the
install step. Python 3.11 by default; pick another with ``nox -P 3.12 -s tests``.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import nox

nox.options.reuse_venv = "yes"
# uv makes a virtualenv and installs the dev extra in seconds, where pip takes about a
# minute per session; without uv installed, nox falls back to virtualenv and pip.
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "typecheck", "tests"]

PYTHON = "3.11"


def _engine_up(session: nox.Session) -> None:
    session.run("bash", "scripts/engine.sh", "up", external=True)


# The unit tests run on three xdist workers. The engine tests run on two, each with an
# engine of its own: gw0 on the first engine, gw1 inside the network namespace of
# scripts/engine-private.sh, on a private engine with its own registry and test image. A
# test file goes whole to whichever worker is free (loadfile). Sharing one engine between
# workers made files interfere in three rehearsals (explicit subnets against concurrently
# allocated ones, a stack's alias that did not resolve, a docs job that failed); separate
# engines share nothing but the CPU.
WORKERS = ["-n", "3", "--dist", "loadfile"]
UNIT_RUN = [*WORKERS, "tests/unit"]
ENGINE_TESTS = ["--ignore=tests/unit"]
PRIVATE_ENGINE = "scripts/engine-private.sh"


def _engine_workers(session: nox.Session) -> list[str]:
    """xdist options for one worker per engine: the private one's runs through ``run``."""
    python = shlex.quote(str(Path(session.bin) / "python"))
    script = shlex.quote(str(Path(PRIVATE_ENGINE).resolve()))
    private = f"popen//python=bash {script} run {python}"
    return ["--dist", "loadfile", "--tx", "popen", "--tx", private]


def _private_engine_up(session: nox.Session) -> bool:
    """Start the private engine; without one (not root, no network namespaces) the engine
    tests run one at a time on the first engine."""
    try:
        session.run("bash", PRIVATE_ENGINE, "up", external=True)
    except nox.command.CommandFailed:
        session.warn("no private engine (see above): the engine tests run on one engine")
        return False
    return True


def _private_engine_leftovers(session: nox.Session) -> list[str]:
    """Containers still on the private engine after the run (its worker was alone there)."""
    listed = session.run(
        "bash", PRIVATE_ENGINE, "run", "docker", "ps", "-aq", external=True, silent=True
    )
    return str(listed or "").split()


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run pytest (config in pyproject.toml): the unit tests, then the engine tests on two
    engines at once (the first and a private one, see scripts/engine-private.sh).

    Arguments after ``--`` go to a single plain pytest run on the first engine instead.
    """
    session.install("-e", ".[dev]")
    _engine_up(session)
    if session.posargs:
        session.run("pytest", *session.posargs)
        return
    failed = []
    try:
        session.run("pytest", *UNIT_RUN)
    except nox.command.CommandFailed:
        failed.append("unit tests")
    private = _private_engine_up(session)
    leftovers: list[str] = []
    try:
        session.run("pytest", *(_engine_workers(session) if private else []), *ENGINE_TESTS)
    except nox.command.CommandFailed:
        failed.append("engine tests")
    finally:
        if private:
            leftovers = _private_engine_leftovers(session)
            session.run("bash", PRIVATE_ENGINE, "down", external=True)
    if leftovers:
        failed.append(f"the engine tests left containers on the private engine: {leftovers}")
    if failed:
        session.error(f"failed: {'; '.join(failed)}")


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check over the whole tree."""
    session.install("-e", ".[dev]")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy --strict over the package and the tests (config in pyproject.toml)."""
    session.install("-e", ".[dev]")
    session.run("mypy", *session.posargs)


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Run benchmarks/run.py against the engine; arguments after ``--`` go to it."""
    session.install("-e", ".[dev]")
    _engine_up(session)
    session.run("python", "benchmarks/run.py", *session.posargs)


@nox.session(python=PYTHON)
def bench_scale(session: nox.Session) -> None:
    """The scale suite (10 -> 100 -> 1,000; minutes, not in CI) into docs/performance-scale.md."""
    session.install("-e", ".[dev]")
    _engine_up(session)
    args = ["--only", "scale", "--output", "docs/performance-scale.md"]
    session.run("python", "benchmarks/run.py", *args, *session.posargs)


@nox.session(python=PYTHON)
def bench_plot(session: nox.Session) -> None:
    """Draw the performance page's trend picture from benchmarks/history (needs matplotlib)."""
    session.install("matplotlib")
    session.run("python", "benchmarks/plot_trend.py", *session.posargs)


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Build the documentation site, failing on any warning."""
    session.install("-e", ".[docs]")
    session.env["NO_MKDOCS_2_WARNING"] = "1"
    session.run("mkdocs", "build", "--strict", "-f", "docs/mkdocs.yml", *session.posargs)


@nox.session(python=PYTHON)
def demo(session: nox.Session) -> None:
    """Start the engine and run scripts/demo.py, a short tour of the library."""
    session.install("-e", ".")
    _engine_up(session)
    session.run("python", "scripts/demo.py", *session.posargs)


@nox.session(python=PYTHON)
def faults(session: nox.Session) -> None:
    """The pytest plugin's fault trials at length: 20 random SIGINT and 20 SIGKILL runs.

    The main suite runs 2 of each; ``AIOCONTAINERS_FAULT_SEED`` replays a sequence.
    """
    session.install("-e", ".[dev]")
    _engine_up(session)
    session.env["AIOCONTAINERS_FAULT_TRIALS"] = os.environ.get("AIOCONTAINERS_FAULT_TRIALS", "20")
    session.run(
        "pytest",
        "tests/engine/test_testing_faults.py",
        "-k",
        "signal_at_random_moments",
        "-s",
        *session.posargs,
    )


@nox.session(python=PYTHON)
def swarm(session: nox.Session) -> None:
    """The two-node swarm tests: scripts/engine-swarm.sh makes node 2 (a second dockerd in
    its own network namespace), pytest runs tests/engine/twonode, and node 2 is removed."""
    session.install("-e", ".[dev]")
    _engine_up(session)
    session.run("bash", "scripts/engine-swarm.sh", "up", external=True)
    try:
        variables = session.run(
            "bash", "scripts/engine-swarm.sh", "env", external=True, silent=True
        )
        for line in str(variables).splitlines():
            name, _, value = line.partition("=")
            session.env[name] = value
        session.run("pytest", "tests/engine/twonode", *session.posargs)
    finally:
        session.run("bash", "scripts/engine-swarm.sh", "down", external=True)


def _script_env(session: nox.Session, script: str) -> dict[str, str]:
    """Run ``script up`` and return the ``NAME=value`` lines it prints last."""
    output = session.run("bash", script, "up", external=True, silent=True) or ""
    print(output, end="")
    return dict(
        line.split("=", 1) for line in str(output).splitlines() if "=" in line and " " not in line
    )


@nox.session(python=PYTHON)
def engines(session: nox.Session) -> None:
    """tests/engines against a TLS-only dockerd and an sshd in front of the engine.

    Starts them with scripts/engine-tls.sh and scripts/engine-ssh.sh (idempotent).
    """
    session.install("-e", ".[dev]")
    _engine_up(session)
    _script_env(session, "scripts/engine-tls.sh")
    _script_env(session, "scripts/engine-ssh.sh")
    session.run("pytest", "tests/engines", "--ignore=tests/engines/podman", *session.posargs)


# The part of the engine suite CI runs against Podman: the API surface where engines differ.
PODMAN_CI_PATHS = [
    "tests/engines/podman",
    "tests/engine/test_containers.py",
    "tests/engine/test_exec.py",
    "tests/engine/test_logs.py",
    "tests/engine/test_attach.py",
    "tests/engine/test_archive.py",
    "tests/engine/test_images.py",
    "tests/engine/test_volumes.py",
    "tests/engine/test_networks.py",
    "tests/engine/test_seed_examples.py",
]


@nox.session(python=PYTHON)
def podman(session: nox.Session) -> None:
    """The engine test suite against Podman's Docker-compatible API.

    scripts/engine-podman.sh starts ``podman system service``; the engine (for the local
    registry) comes up too. Tests that meet a Podman limitation are marked by the plugin
    tests/engines/podman/plugin.py, which names each limitation; tests/engines/podman adds
    what is Podman's own (detection, health checks, the seed examples against docker-py).
    Test paths among the arguments after ``--`` replace the whole suite; ``ci`` stands for
    ``PODMAN_CI_PATHS``, what CI runs (the whole suite takes about 25 minutes).
    """
    session.install("-e", ".[dev]")
    _engine_up(session)
    session.env.update(_script_env(session, "scripts/engine-podman.sh"))
    session.env["PYTHONPATH"] = str(Path.cwd())  # for -p tests.engines.podman.plugin
    args = list(session.posargs)
    paths = [arg for arg in args if arg.startswith("tests/")]
    options = [arg for arg in args if arg not in paths and arg != "ci"]
    if "ci" in args:
        paths += PODMAN_CI_PATHS
    session.run(
        "pytest",
        *(paths or ["tests/engine", "tests/engines/podman"]),
        "-p",
        "tests.engines.podman.plugin",
        *options,
    )


def _lowest_constraints(session: nox.Session) -> Path:
    """A constraints file pinning each runtime dependency to its lower bound in pyproject."""
    import tomllib
    from packaging.requirements import Requirement

    project = tomllib.loads(Path("pyproject.toml").read_text())["project"]
    pins = []
    for line in project["dependencies"]:
        requirement = Requirement(line)
        lower = [spec.version for spec in requirement.specifier if spec.operator == ">="]
        if not lower:
            session.error(f"pyproject.toml: {line!r} has no lower bound to test")
        pins.append(f"{requirement.name}=={lower[0]}")
    path = Path(session.create_tmp()) / "lowest-constraints.txt"
    path.write_text("\n".join(pins) + "\n")
    return path


# The dev extra's test tools, less those that need newer runtime dependencies than ours:
# fastapi (pydantic 2.9) and the docs toolchain, whose tests the `tests` session runs.
LOWEST_TEST_TOOLS = ["pytest>=8", "pytest-timeout>=2.3", "pytest-xdist>=3.6", "hypothesis>=6.100"]
LOWEST_TEST_TOOLS += ["docker[ssh]>=7"]
LOWEST_TEST_TOOLS += ["jsonschema>=4", "psutil>=5.9", "ruff>=0.6"]
LOWEST_SKIPPED = ["tests/unit/test_contrib_fastapi.py", "tests/unit/test_docs_site.py"]
# The engine tests of the code that leans hardest on the runtime dependencies: aiohttp's
# connections and upgraded streams, anyio's task groups and the sync shim's portal, pydantic's
# argument checks. The whole engine suite on these versions takes as long as `tests` does.
LOWEST_ENGINE_PATHS = [
    f"tests/engine/test_{name}.py"
    for name in ("client", "containers", "logs", "exec", "attach", "events", "archive", "sync")
]


@nox.session(python=PYTHON)
def lowest(session: nox.Session) -> None:
    """The unit tests and the core engine tests on the lowest versions pyproject allows.

    Every runtime dependency is pinned to its ``>=`` bound (a constraints file made from
    pyproject.toml), so a bound that is too low fails here rather than at a user's.
    """
    constraints = _lowest_constraints(session)
    session.install("-c", str(constraints), "-e", ".[compose,cli,ssh]", *LOWEST_TEST_TOOLS)
    _engine_up(session)
    ignored = [f"--ignore={path}" for path in LOWEST_SKIPPED]
    # These tests share the engine on three workers: none of them counts engine-wide state.
    paths = session.posargs or ["tests/unit", *LOWEST_ENGINE_PATHS, *WORKERS]
    session.run("pytest", *paths, *ignored)
