"""The pytest plugin (entry point ``aiocontainers``): Docker fixtures with cleanup.

Fixtures, all opt-in (nothing runs unless a test asks for one):

* ``docker_session`` (session): this run's :class:`TestSession`. Setting it up
  reaps what killed earlier runs on this host left behind; tearing it down
  removes everything labelled with this run's id.
* ``docker_labels``: the labels to put on anything a test creates.
* ``docker_client``: an async :class:`~aiocontainers.DockerClient`, closed after the test.
* ``docker_run``: ``await docker_run(image, command, **kwargs)`` runs a labelled,
  detached container and force-removes it after the test.
"""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any

import anyio
import pytest

from .._client import from_env
from ._cleanup import TestSession, reap_orphans

if TYPE_CHECKING:
    from .._client import DockerClient
    from .._resources.containers import Container

__all__ = ["docker_client", "docker_labels", "docker_run", "docker_session"]

RunContainer = Callable[..., Awaitable["Container"]]


async def _reap() -> None:
    async with from_env() as client:
        report = await reap_orphans(client)
    if report:
        warnings.warn(
            f"aiocontainers removed resources left by killed test runs: {report}",
            stacklevel=1,
        )


async def _cleanup(session: TestSession) -> None:
    async with from_env() as client:
        await session.cleanup(client)


@pytest.fixture(scope="session")
def docker_session() -> Iterator[TestSession]:
    """This test run's identity; everything labelled with it is removed at the end."""
    session = TestSession.current()
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        anyio.run(_reap)
    yield session
    anyio.run(_cleanup, session)


@pytest.fixture
def docker_labels(docker_session: TestSession) -> dict[str, str]:
    """Labels tying a resource to this run, for cleanup even after a crash."""
    return docker_session.labels


@pytest.fixture
async def docker_client() -> AsyncIterator[DockerClient]:
    """A client for the engine in the environment, closed after the test."""
    async with from_env() as client:
        yield client


@pytest.fixture
async def docker_run(
    docker_client: DockerClient, docker_labels: dict[str, str]
) -> AsyncIterator[RunContainer]:
    """Run labelled, detached containers that are force-removed after the test."""
    started: list[Container] = []

    async def run(image: str, command: str | list[str] | None = None, **kwargs: Any) -> Container:
        kwargs["labels"] = {**docker_labels, **(kwargs.get("labels") or {})}
        kwargs["detach"] = True
        container: Container = await docker_client.containers.run(image, command, **kwargs)
        started.append(container)
        return container

    yield run
    with anyio.CancelScope(shield=True):
        for container in started:
            try:
                await container.remove(force=True, v=True)
            except Exception:  # already gone, or auto-removed
                continue
