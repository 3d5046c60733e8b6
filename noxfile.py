"""Developer and CI sessions: ``nox -s tests|lint|typecheck|bench|docs|demo|faults``.

Sessions that talk to Docker first run ``scripts/engine.sh up``, which reuses a running
engine (``DOCKER_HOST`` or ``/var/run/docker.sock``) or starts one, plus the local registry
and the offline test image. Virtualenvs are reused between runs; ``nox -R`` also skips the
install step. Python 3.11 by default; pick another with ``nox -P 3.12 -s tests``.
"""

from __future__ import annotations

import os

import nox

nox.options.reuse_venv = "yes"
nox.options.sessions = ["lint", "typecheck", "tests"]

PYTHON = "3.11"


def _engine_up(session: nox.Session) -> None:
    session.run("bash", "scripts/engine.sh", "up", external=True)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run pytest (config in pyproject.toml); arguments after ``--`` go to pytest."""
    session.install("-e", ".[dev]")
    _engine_up(session)
    session.run("pytest", *session.posargs)


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
