"""client.stacks.deploy() on a real two-node swarm: global services, placement, spread,
secrets delivered to the other node, and services finding each other across nodes.

Node 2 is a second engine (scripts/engine-swarm.sh); tasks on it are inspected
through a client of its own. Services reached by name use ``endpoint_mode:
dnsrr``: this kernel has no IPVS, so virtual IPs do not route.
"""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

import anyio
import pytest

from aiocontainers import DockerClient, Stack

from ..conftest import TEST_IMAGE
from .conftest import NODE_LABEL, TwoNodes, node2

pytestmark = pytest.mark.timeout(180)


def _stack(labels: dict[str, str], services: dict[str, dict[str, Any]], **extra: Any) -> Stack:
    return Stack(
        f"n{uuid.uuid4().hex[:8]}",
        {
            key: {"image": TEST_IMAGE, "stop_grace_period": "1s", "labels": labels, **config}
            for key, config in services.items()
        },
        networks={"default": {"labels": labels}},
        **extra,
    )


async def _gone_everywhere(client: DockerClient, name: str) -> None:
    """rm() waited for this engine's containers; node 2 removes its own soon after."""
    label = {"label": [f"com.docker.stack.namespace={name}"]}
    assert await client.containers.list(all=True, filters=label) == []
    async with node2() as worker:
        with anyio.fail_after(30):
            while True:
                if not await worker.containers.list(all=True, filters=label):
                    return
                await anyio.sleep(0.25)


async def _running_nodes(client: DockerClient, deployed: Any, key: str) -> Counter[str]:
    tasks = await deployed.tasks(key, running=True)
    return Counter(t["NodeID"] for t in tasks if t["Status"]["State"] == "running")


async def test_global_placement_and_spread(
    client: DockerClient, two_nodes: TwoNodes, labels: dict[str, str]
) -> None:
    stack = _stack(
        labels,
        {
            "agent": {"command": "sleep 300", "deploy": {"mode": "global"}},
            "pinned": {
                "command": "sleep 300",
                "deploy": {
                    "replicas": 2,
                    "placement": {"constraints": [f"node.labels.{NODE_LABEL}==two"]},
                },
            },
            "spread": {
                "command": "sleep 300",
                "deploy": {
                    "replicas": 4,
                    "placement": {
                        "preferences": [{"spread": f"node.labels.{NODE_LABEL}"}],
                        "max_replicas_per_node": 2,
                    },
                },
            },
        },
    )
    async with client.stacks.deploy(stack, timeout=90) as deployed:
        both = {two_nodes.manager: 1, two_nodes.worker: 1}
        assert await _running_nodes(client, deployed, "agent") == Counter(both)
        assert await _running_nodes(client, deployed, "pinned") == Counter({two_nodes.worker: 2})
        assert await _running_nodes(client, deployed, "spread") == Counter(
            {two_nodes.manager: 2, two_nodes.worker: 2}
        )
        placement = deployed.service("spread").attrs["Spec"]["TaskTemplate"]["Placement"]
        assert placement["MaxReplicas"] == 2
    await _gone_everywhere(client, stack.name)


async def test_services_find_each_other_across_nodes(
    client: DockerClient, two_nodes: TwoNodes, labels: dict[str, str]
) -> None:
    stack = _stack(
        labels,
        {
            "server": {  # on node 2: serves its secret over HTTP
                "command": "httpd -f -p 80 -h /run/secrets",
                "secrets": ["token"],
                "deploy": {
                    "endpoint_mode": "dnsrr",
                    "placement": {"constraints": [f"node.labels.{NODE_LABEL}==two"]},
                },
            },
            "probe": {  # here, on node 1
                "command": "sleep 300",
                "depends_on": ["server"],
                "deploy": {"placement": {"constraints": [f"node.labels.{NODE_LABEL}==one"]}},
            },
        },
        secrets={"token": {"environment": "TOKEN"}},
        environment={"TOKEN": "across-nodes"},
    )
    async with client.stacks.deploy(stack, timeout=90) as deployed:
        [server_task] = await deployed.tasks("server", running=True)
        assert server_task["NodeID"] == two_nodes.worker
        [probe_task] = await deployed.tasks("probe", running=True)
        assert probe_task["NodeID"] == two_nodes.manager
        probe = await client.containers.get(probe_task["Status"]["ContainerStatus"]["ContainerID"])
        result = await probe.exec_run(["wget", "-qO-", "http://server/token"])
        assert (result.exit_code, result.output) == (0, b"across-nodes")
        async with node2() as worker:  # the server's container is node 2's, not ours
            server_id = server_task["Status"]["ContainerStatus"]["ContainerID"]
            assert (await worker.containers.get(server_id)).status == "running"
    await _gone_everywhere(client, stack.name)
