"""The pytest plugin (entry point ``aiocontainers``): Docker fixtures that never leak.

Fixtures, all opt-in (nothing touches Docker unless a test asks for one):

* ``docker_session`` (session): this run's [`TestSession`][aiocontainers.testing.TestSession].
  Setting it
  up starts the run's watchdog (`_watchdog`), which holds the run's
  lease and removes everything labelled with the run's id when the run ends
  -- normally, on Ctrl-C, or killed.
* ``docker_labels``: the labels to put on anything a test creates itself.
* ``docker_client``: an async [`DockerClient`][aiocontainers.DockerClient], closed after the test;
  also ``aiocontainers_client``, the only name when pytest-docker-tools is installed (its
  own fixtures take a docker-py client by the name ``docker_client``).
* ``docker_run``, ``docker_network``, ``docker_volume``, ``docker_stack``:
  ``await docker_run(image, command, **kwargs)`` and so on create labelled
  resources that are removed after the test (stacks, then containers, then the
  networks they use, then volumes).

The async fixture (``docker_client``) runs on the test's event loop under
anyio's plugin and under pytest-asyncio in strict and auto mode (marked for
pytest-asyncio when it is active, unmarked for anyio's tests); the others
are synchronous and remove what they made on a private loop, so teardown
works even when the test's loop was left broken by a Ctrl-C.
"""

from __future__ import annotations

import types
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from .._client import from_env
from . import _exit_guard
from ._cleanup import TestSession
from ._resources import TestResources
from ._watchdog import Watchdog

if TYPE_CHECKING:
    from .._client import DockerClient
    from .._resources.containers import Container
    from .._resources.networks import Network
    from .._resources.volumes import Volume
    from .._stacks import RunningStack

__all__ = [
    "aiocontainers_client",
    "docker_labels",
    "docker_network",
    "docker_run",
    "docker_session",
    "docker_stack",
    "docker_volume",
]

RunContainer = Callable[..., Awaitable["Container"]]
CreateNetwork = Callable[..., Awaitable["Network"]]
CreateVolume = Callable[..., Awaitable["Volume"]]
StartStack = Callable[..., Awaitable["RunningStack"]]

_RELEASE_TIMEOUT = 60.0
_RELEASE_TIMEOUT_INTERRUPTED = 3.5  # Ctrl-C: pytest should be gone within 5 s


class _Run:
    """This process's run: its watchdog and how the run ended."""

    def __init__(self) -> None:
        self.watchdog: Watchdog | None = None
        self.interrupted = False
        self.report: dict[str, Any] | None = None

    def start(self, session: TestSession) -> None:
        if self.watchdog is None:
            self.watchdog = Watchdog.spawn(session)  # kept at once: a Ctrl-C may come next
            self.watchdog.wait_ready()

    def finish(self) -> None:
        if self.watchdog is not None and self.report is None:
            timeout = _RELEASE_TIMEOUT_INTERRUPTED if self.interrupted else _RELEASE_TIMEOUT
            self.report = self.watchdog.release(timeout) or {}


_run = _Run()


def interrupted() -> bool:
    """Whether this run was interrupted (Ctrl-C): fixtures then leave removal to the watchdog."""
    return _run.interrupted


# -- hooks ---------------------------------------------------------------------------


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> Generator[None, object, object]:
    # Outermost, and in a finally: a KeyboardInterrupt re-raised by a fixture's
    # teardown stops pytest's teardown (and docker_session's) half-way.
    try:
        return (yield)
    except KeyboardInterrupt:
        # The Ctrl-C pytest already handled, re-raised by an async fixture's
        # teardown: finish cleanly (exit status "interrupted") instead.
        if not (_run.interrupted and _run.watchdog):
            raise
        return None
    finally:
        _run.finish()


@pytest.hookimpl(tryfirst=True)
def pytest_keyboard_interrupt() -> None:
    # Before pytest formats the traceback and tears fixtures down: the watchdog
    # sweeps meanwhile, and fixtures leave their removals to it.
    _run.interrupted = True
    if _run.watchdog is not None:
        _run.watchdog.let_go()
    _exit_guard.arm()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    reaped = (_run.report or {}).get("reaped") or {}
    if any(reaped.values()):
        counts = ", ".join(f"{len(ids)} {kind}" for kind, ids in reaped.items() if ids)
        terminalreporter.write_line(
            f"aiocontainers: removed what test runs that died left behind ({counts})"
        )


def pytest_configure(config: pytest.Config) -> None:
    if not _docker_tools_installed(config):
        config.pluginmanager.register(_DockerClientName(), "aiocontainers-docker-client")
    if config.pluginmanager.has_plugin("asyncio"):
        import pytest_asyncio

        # Strict mode runs (and accepts) only async fixtures marked for it.
        pytest_asyncio.fixture(_docker_client)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_fixture_setup(fixturedef: Any, request: pytest.FixtureRequest) -> Generator[None]:
    """Leave anyio's tests to anyio's plugin even where pytest-asyncio adopted the fixture."""
    if fixturedef.func is _docker_client and "anyio_backend" in request.fixturenames:
        fixturedef.func = _docker_client_unmarked
        try:
            return (yield)
        finally:
            fixturedef.func = _docker_client
    return (yield)


# -- fixtures ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def docker_session() -> Iterator[TestSession]:
    """This test run's identity; everything labelled with it is removed at the end."""
    session = TestSession.current()
    _run.start(session)
    yield session
    _run.finish()


@pytest.fixture
def docker_labels(docker_session: TestSession) -> dict[str, str]:
    """Labels tying a resource to this run, for cleanup even after a crash."""
    return docker_session.labels


async def _docker_client() -> AsyncIterator[DockerClient]:
    """A client for the engine in the environment, closed after the test."""
    async with from_env() as client:
        yield client


aiocontainers_client = pytest.fixture(name="aiocontainers_client")(_docker_client)
# The same function without pytest-asyncio's mark (a copy carries no attributes).
_docker_client_unmarked = types.FunctionType(
    _docker_client.__code__, _docker_client.__globals__, _docker_client.__name__
)


def _docker_tools_installed(config: pytest.Config) -> bool:
    """pytest-docker-tools is active: its ``docker_client`` (a docker-py client) is used by
    its own fixtures, so this plugin's client goes by ``aiocontainers_client`` alone."""
    return any(
        getattr(plugin, "__name__", "").startswith("pytest_docker_tools")
        for plugin in config.pluginmanager.get_plugins()
    )


class _DockerClientName:
    """The ``docker_client`` fixture, registered unless pytest-docker-tools owns the name."""

    @pytest.fixture
    def docker_client(self, aiocontainers_client: DockerClient) -> DockerClient:
        """``aiocontainers_client`` by the name docker tests reach for."""
        return aiocontainers_client


@pytest.fixture
def _docker_resources(
    aiocontainers_client: DockerClient, docker_labels: dict[str, str]
) -> Iterator[TestResources]:
    resources = TestResources(aiocontainers_client, docker_labels)
    yield resources
    if not interrupted():  # after Ctrl-C the watchdog sweeps everything at once
        resources.remove()


@pytest.fixture
def docker_run(_docker_resources: TestResources) -> RunContainer:
    """``await docker_run(image, command, **kwargs)``: a labelled, detached container.

    Takes ``containers.run`` options, plus ``aliases`` (names on ``network``)
    and ``wait_for`` (a readiness strategy whose failure shows the container's
    last output). Containers are force-removed after the test.
    """
    return _docker_resources.run


@pytest.fixture
def docker_network(_docker_resources: TestResources) -> CreateNetwork:
    """``await docker_network(name=None, **kwargs)``: a labelled network.

    Removed after the test, after the containers ``docker_run`` started.
    """
    return _docker_resources.network


@pytest.fixture
def docker_volume(_docker_resources: TestResources) -> CreateVolume:
    """``await docker_volume(name=None, **kwargs)``: a labelled volume, removed after the test."""
    return _docker_resources.volume


@pytest.fixture
def docker_stack(_docker_resources: TestResources) -> StartStack:
    """``await docker_stack(stack_or_compose_file, **up_options)``: a stack, up.

    Runs under a unique project name (``<name>-<8 hex digits>``) with the run's
    labels; taken down (volumes too) after the test, before its other resources.
    """
    return _docker_resources.stack
