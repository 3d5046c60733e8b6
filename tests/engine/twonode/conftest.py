"""The two-node swarm: this engine (manager) and node 2 from scripts/engine-swarm.sh (worker).

These tests run only in the ``swarm`` nox session, which makes node 2 (a second
dockerd in its own network namespace, joined to ours by a veth pair) and sets
``AIOCONTAINERS_NODE2_HOST``; without it this directory is not collected. The
module fixture forms the swarm through the library itself: ``swarm.init()`` here,
advertised on our end of the veth pair, ``swarm.join()`` from node 2, and both
leave at the end.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import anyio
import pytest

import aiocontainers
from aiocontainers import DockerClient

NODE2_HOST = os.environ.get("AIOCONTAINERS_NODE2_HOST", "")
NODE1_ADDR = os.environ.get("AIOCONTAINERS_NODE1_ADDR", "10.250.0.1")
NODE2_ADDR = os.environ.get("AIOCONTAINERS_NODE2_ADDR", "10.250.0.2")
# Overlay subnets far from the /30 of the veth pair and from the local stack tests'.
ADDRESS_POOL = "10.252.0.0/16"
MARK = "aiocontainers.test"  # on the swarm made here, so a killed run's is recognised
NODE_LABEL = "aioc-node"

collect_ignore_glob = [] if NODE2_HOST else ["test_*.py"]


@dataclass(frozen=True)
class TwoNodes:
    manager: str  # node ids; node labels aioc-node=one (manager) and =two (worker)
    worker: str


def node2() -> DockerClient:
    """A client of node 2's engine."""
    return aiocontainers.DockerClient(base_url=NODE2_HOST)


async def _form() -> TwoNodes:
    async with aiocontainers.from_env() as manager, node2() as worker:
        info = await manager.info()
        if info["Swarm"]["LocalNodeState"] == "active":
            await manager.swarm.reload()
            if (manager.swarm.attrs["Spec"].get("Labels") or {}).get(MARK) != "1":
                pytest.fail("the engine is in a swarm this suite did not make", pytrace=False)
            await manager.swarm.leave(force=True)
        await worker.swarm.leave(force=True)
        manager_id = await manager.swarm.init(
            advertise_addr=NODE1_ADDR,
            listen_addr=f"{NODE1_ADDR}:2377",
            default_addr_pool=[ADDRESS_POOL],
            subnet_size=24,
            labels={MARK: "1"},
        )
        token = manager.swarm.attrs["JoinTokens"]["Worker"]
        await worker.swarm.join(
            [f"{NODE1_ADDR}:2377"],
            token,
            listen_addr=f"{NODE2_ADDR}:2377",
            advertise_addr=NODE2_ADDR,
        )
        worker_id = str((await worker.info())["Swarm"]["NodeID"])
        with anyio.fail_after(60):
            while True:
                nodes = await manager.nodes.list()
                ready = {n.id for n in nodes if n.attrs["Status"]["State"] == "ready"}
                if ready == {manager_id, worker_id}:
                    break
                await anyio.sleep(0.25)
        for node_id, value in ((manager_id, "one"), (worker_id, "two")):
            node = await manager.nodes.get(node_id)
            spec = node.attrs["Spec"]
            await node.update({**spec, "Labels": {**spec.get("Labels", {}), NODE_LABEL: value}})
        return TwoNodes(manager_id, worker_id)


async def _dissolve() -> None:
    async with aiocontainers.from_env() as manager, node2() as worker:
        await worker.swarm.leave(force=True)
        await manager.swarm.leave(force=True)


@pytest.fixture(scope="module")
def two_nodes() -> Iterator[TwoNodes]:
    """A swarm of this engine and node 2 for the module; dissolved at the end."""
    nodes = anyio.run(_form)
    try:
        yield nodes
    finally:
        anyio.run(_dissolve)
