"""What a type checker sees of the sync shim (mypy checks this module in ``nox -s typecheck``).

``assert_type`` fails the type check when a call's static type differs; a line that
must be an error carries ``# type: ignore[...]``, which mypy (strict, with
``warn_unused_ignores``) reports as unused if the error went away. The runtime
test runs the offline parts.
"""

from __future__ import annotations

from typing import Any

from typing_extensions import assert_type

from aiocontainers import sync as docker
from aiocontainers._resources._exec import ExecResult
from aiocontainers.sync._wrap import StreamProxy


def _typed_usage(client: docker.DockerClient) -> None:  # checked, never called
    container = client.containers.get("web")
    assert_type(container, docker.Container)
    assert_type(container.id, str)
    assert_type(container.attrs, dict[str, Any])
    assert_type(container.logs(), bytes)
    assert_type(container.logs(stream=True), docker.DockerStream[bytes])
    for line in container.logs(stream=True, follow=True):
        assert_type(line, bytes)
    assert_type(container.exec_run("true"), ExecResult[bytes])
    assert_type(container.export(), docker.DockerStream[bytes])
    assert_type(client.containers.list(all=True), list[docker.Container])
    assert_type(client.images.get("busybox").tags, list[str])
    assert_type(client.ping(), bool)
    assert_type(client.events(decode=True), docker.EventStream[dict[str, Any]])
    assert_type(client.plugins.list(), list[docker.Plugin])
    assert_type(container.client, docker.DockerClient)
    _ = container.contaner_name  # type: ignore[attr-defined]  # typos are errors, not Any
    container.stop(timeot=3)  # type: ignore[call-arg]
    client.containers.get()  # type: ignore[call-arg]


def test_the_typed_names_are_the_runtime_ones() -> None:
    with docker.DockerClient(base_url="unix:///nonexistent/docker.sock") as client:
        assert_type(client, docker.DockerClient)
        assert type(client.containers).__name__ == "ContainerCollection"
        assert_type(client.base_url, str)
        assert client.base_url == "unix:///nonexistent/docker.sock"
    assert issubclass(docker.DockerStream, StreamProxy)
