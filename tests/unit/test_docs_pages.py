"""Offline checks of the documentation: examples compile, the porting table is complete.

The examples themselves run against the engine in tests/engine/test_docs_examples.py.
"""

from __future__ import annotations

import inspect
import re

import docker
import docker.errors
import docker.models.configs
import docker.models.containers
import docker.models.images
import docker.models.networks
import docker.models.nodes
import docker.models.plugins
import docker.models.secrets
import docker.models.services
import docker.models.swarm
import docker.models.volumes
import pytest

import aiocontainers
import aiocontainers.errors
import aiocontainers.types
from aiocontainers._resources.configs import ConfigCollection
from aiocontainers._resources.containers import ContainerCollection
from aiocontainers._resources.images import ImageCollection
from aiocontainers._resources.networks import NetworkCollection
from aiocontainers._resources.nodes import NodeCollection
from aiocontainers._resources.plugins import PluginCollection
from aiocontainers._resources.secrets import SecretCollection
from aiocontainers._resources.services import ServiceCollection
from aiocontainers._resources.volumes import VolumeCollection
from tests._docs_blocks import DOCS_CONTENT, Block, blocks, runnable_source

BLOCKS = blocks()

# docker-py receivers as the porting table writes them, and our class for each.
RECEIVERS: dict[str, tuple[type, type]] = {
    "client": (docker.DockerClient, aiocontainers.DockerClient),
    "client.containers": (docker.models.containers.ContainerCollection, ContainerCollection),
    "c": (docker.models.containers.Container, aiocontainers.Container),
    "client.images": (docker.models.images.ImageCollection, ImageCollection),
    "i": (docker.models.images.Image, aiocontainers.Image),
    "client.volumes": (docker.models.volumes.VolumeCollection, VolumeCollection),
    "v": (docker.models.volumes.Volume, aiocontainers.Volume),
    "client.networks": (docker.models.networks.NetworkCollection, NetworkCollection),
    "n": (docker.models.networks.Network, aiocontainers.Network),
    "client.swarm": (docker.models.swarm.Swarm, aiocontainers.Swarm),
    "client.services": (docker.models.services.ServiceCollection, ServiceCollection),
    "s": (docker.models.services.Service, aiocontainers.Service),
    "client.nodes": (docker.models.nodes.NodeCollection, NodeCollection),
    "node": (docker.models.nodes.Node, aiocontainers.Node),
    "client.secrets": (docker.models.secrets.SecretCollection, SecretCollection),
    "secret": (docker.models.secrets.Secret, aiocontainers.Secret),
    "client.configs": (docker.models.configs.ConfigCollection, ConfigCollection),
    "client.plugins": (docker.models.plugins.PluginCollection, PluginCollection),
    "plugin": (docker.models.plugins.Plugin, aiocontainers.Plugin),
}
# Managers hanging off the client (made on first access, or instance attributes).
_MANAGERS = {"containers", "images", "volumes", "networks", "swarm", "services", "nodes"}
_MANAGERS |= {"secrets", "configs", "plugins", "api", "transport"}
# Collection plumbing docker-py exposes that is not part of its documented API.
_PLUMBING = {"model", "prepare_model", "id_attribute", "client", "collection"}
_CLIENT_INIT = inspect.getsource(aiocontainers.DockerClient.__init__)


def _client_has(name: str) -> bool:
    """The client has the manager ``name``: a lazy one on the class, or set in __init__."""
    return hasattr(aiocontainers.DockerClient, name) or f"self.{name} = " in _CLIENT_INIT


_CALL = re.compile(r"`(?:await )?(client\.\w+|client|c|i|v|n|s|node|secret|plugin)\.(\w+)")


def _porting_rows() -> list[tuple[str, str]]:
    """(docker-py cell, aiocontainers cell) of every row of the porting page's tables."""
    rows = []
    for line in (DOCS_CONTENT / "porting.md").read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 2 and not set(cells[0]) <= {"-", " "}:
            rows.append((cells[0], cells[1]))
    return rows


@pytest.mark.parametrize("block", BLOCKS, ids=[block.id for block in BLOCKS])
def test_example_compiles(block: Block) -> None:
    compile(runnable_source(block), str(block.path), "exec")


def test_no_run_blocks_give_a_reason() -> None:
    for block in BLOCKS:
        assert block.no_run is None or block.no_run.strip(), block.id


def test_most_examples_run() -> None:
    runnable = [block for block in BLOCKS if block.no_run is None]
    assert len(runnable) >= 40
    assert len(runnable) >= 10 * (len(BLOCKS) - len(runnable))


@pytest.mark.parametrize("receiver", sorted(RECEIVERS))
def test_porting_table_lists_every_docker_py_call(receiver: str) -> None:
    docker_py_class, _ = RECEIVERS[receiver]
    public = {
        name for name in dir(docker_py_class) if not name.startswith("_") and name not in _PLUMBING
    }
    listed = {
        name
        for docker_py_cell, _ in _porting_rows()
        for prefix, name in _CALL.findall(docker_py_cell)
        if prefix == receiver
    }
    # Properties listed together in one cell: `c.id`, `c.short_id`, ...
    listed |= {
        name
        for docker_py_cell, _ in _porting_rows()
        for name in re.findall(rf"`{re.escape(receiver)}\.(\w+)`", docker_py_cell)
    }
    if receiver == "client":
        listed |= {"from_env", "from_context"}  # the `DockerClient.from_...()` rows
    assert public - listed == set(), f"porting table misses {receiver}.{sorted(public - listed)}"


def test_porting_table_names_only_what_exists() -> None:
    checked = 0
    for docker_py_cell, ours in _porting_rows():
        for prefix, name in _CALL.findall(ours):
            _, our_class = RECEIVERS[prefix]
            if prefix == "client" and name in _MANAGERS:
                assert _client_has(name), f"DockerClient has no {name}"
                continue
            assert hasattr(our_class, name), f"{ours}: {our_class.__name__} has no {name}"
            checked += 1
        for name in re.findall(r"`aiocontainers\.(\w+)", ours):
            assert hasattr(aiocontainers, name), ours
        if docker_py_cell.startswith("`") and ours.startswith("the same"):
            for prefix, name in _CALL.findall(docker_py_cell):
                if prefix == "client" and name in _MANAGERS:
                    assert _client_has(name), f"DockerClient has no {name}"
                elif name != "attrs":  # set on every Model instance
                    assert hasattr(RECEIVERS[prefix][1], name), docker_py_cell
    assert checked >= 60


def test_porting_table_error_and_type_names_exist() -> None:
    for docker_py_cell, ours in _porting_rows():
        names = re.findall(r"`(\w+)`", docker_py_cell)
        if not names or not all(hasattr(docker.errors, n) for n in names):
            continue
        for name in re.findall(r"`(\w+)`", ours):
            assert hasattr(aiocontainers.errors, name), f"aiocontainers.errors.{name}"
    for name in aiocontainers.types.__all__:
        assert f"`{name}`" in (DOCS_CONTENT / "porting.md").read_text(), name
    docker_errors = {
        name
        for name in dir(docker.errors)
        if isinstance(getattr(docker.errors, name), type)
        and issubclass(getattr(docker.errors, name), Exception)
    }
    text = (DOCS_CONTENT / "porting.md").read_text()
    assert {name for name in docker_errors if f"`{name}`" not in text} == set()
