"""Sync models made by hand from attrs, as docker-py's ``Model(attrs, client, collection)``."""

from __future__ import annotations

import pytest

from aiocontainers import sync
from aiocontainers.errors import DockerException
from aiocontainers.sync.models.containers import Container
from aiocontainers.sync.models.networks import Network


def test_a_model_made_from_attrs_reads_them() -> None:
    attrs = {"Id": "f" * 64, "Name": "/web", "State": {"Status": "running"}, "Config": {}}
    container = Container(attrs=attrs)
    assert (container.id, container.short_id, container.name) == ("f" * 64, "f" * 12, "web")
    assert container.status == "running"
    assert container == Container({"Id": "f" * 64})
    assert Network({"Id": "n1", "Name": "net"}).name == "net"


def test_a_model_made_without_a_client_says_so_when_called() -> None:
    with pytest.raises(DockerException, match="without a client"):
        Container({"Id": "abc"}).reload()


def test_a_model_made_with_a_sync_client_shares_its_connections() -> None:
    client = sync.DockerClient(base_url="unix:///nonexistent/docker.sock")
    try:
        container = Container({"Id": "abc"}, client=client, collection=client.containers)
        with pytest.raises(DockerException, match="nonexistent"):
            container.reload()
        with pytest.raises(DockerException, match="not bound to a collection"):
            Container({"Id": "abc"}, client=client).reload()
    finally:
        client.close()
