"""Networks against the real engine: aliases, static addresses, internal networks."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import anyio
import pytest

import aiocontainers
from aiocontainers import Container, DockerClient, Network
from aiocontainers.types import IPAMConfig, IPAMPool

from .conftest import TEST_IMAGE

HTTPD = "mkdir -p /www && echo {body} > /www/index.html && exec httpd -f -p 80 -h /www"

# busybox 1.35's `wget -T` crashes; `timeout` bounds a request that can never connect.
WGET = ["timeout", "3", "wget", "-qO-"]

MakeNetwork = Callable[..., Awaitable[Network]]
StartServer = Callable[..., Awaitable[Container]]


def unique(prefix: str = "aiocontainers-test-net") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture
async def make_network(client: DockerClient, labels: dict[str, str]) -> AsyncIterator[MakeNetwork]:
    """Create labelled networks, removed (with their containers) after the test."""
    made: list[Network] = []

    async def make(**kwargs: Any) -> Network:
        network = await client.networks.create(unique(), labels=labels, **kwargs)
        made.append(network)
        return network

    yield make
    for network in made:
        try:
            await network.reload()
            for container in network.containers:
                await _force_remove(container)
            for _ in range(40):  # endpoints of containers being removed linger briefly
                try:
                    await network.remove()
                    break
                except aiocontainers.NotFound:
                    break
                except aiocontainers.APIError as exc:
                    if "active endpoints" not in str(exc):
                        raise
                    await anyio.sleep(0.25)
        except aiocontainers.NotFound:
            pass


async def _force_remove(container: Container) -> None:
    try:
        await container.remove(force=True)
    except (aiocontainers.NotFound, aiocontainers.Conflict):
        pass  # already gone, or its removal is under way


@pytest.fixture
async def start_server(client: DockerClient, labels: dict[str, str]) -> AsyncIterator[StartServer]:
    """Start busybox httpd containers answering ``body``; force-removed after the test."""
    started: list[Container] = []

    async def start(body: str, **kwargs: Any) -> Container:
        container = await client.containers.run(
            TEST_IMAGE,
            ["sh", "-c", HTTPD.format(body=body)],
            detach=True,
            labels=labels,
            **kwargs,
        )
        assert isinstance(container, Container)
        started.append(container)
        return container

    yield start
    for container in started:
        await _force_remove(container)


async def fetch(container: Container, url: str) -> tuple[int, bytes]:
    """``wget`` inside ``container``, retried briefly while the server starts."""
    result = await container.exec_run([*WGET, url])
    for _ in range(20):
        if result.exit_code == 0:
            break
        await anyio.sleep(0.2)
        result = await container.exec_run([*WGET, url])
    return result.exit_code or 0, result.output


async def test_create_get_list_remove(client: DockerClient, labels: dict[str, str]) -> None:
    name = unique()
    network = await client.networks.create(name, driver="bridge", labels=labels)
    try:
        assert isinstance(network, Network)
        assert network.name == name and network.attrs["Driver"] == "bridge"
        assert network.containers == []
        assert (await client.networks.get(name)).id == network.id
        by_name = await client.networks.list(names=[name])
        assert [n.id for n in by_name] == [network.id]
        by_id = await client.networks.list(ids=[network.id], greedy=True)
        assert by_id[0].containers == []
        with pytest.raises(aiocontainers.DockerException, match="reload"):
            _ = by_name[0].containers  # list data does not name containers
        labelled = await client.networks.list(filters={"label": "aiocontainers.test=1"})
        assert network.id in {n.id for n in labelled}
    finally:
        await network.remove()
    with pytest.raises(aiocontainers.NotFound):
        await client.networks.get(network.id)


async def test_containers_resolve_each_other_by_alias(
    make_network: MakeNetwork, start_server: StartServer
) -> None:
    network = await make_network(driver="bridge")
    alpha = await start_server("from-alpha")
    beta = await start_server("from-beta")
    await network.connect(alpha, aliases=["alpha", "first"])
    await network.connect(beta.id, aliases=["beta"])  # by id works as well as by object
    await network.reload()
    assert {c.id for c in network.containers} == {alpha.id, beta.id}

    assert await fetch(beta, "http://alpha/") == (0, b"from-alpha\n")
    assert await fetch(beta, "http://first/") == (0, b"from-alpha\n")
    assert await fetch(alpha, "http://beta/") == (0, b"from-beta\n")

    address = network.attrs["Containers"][alpha.id]["IPv4Address"].split("/")[0]
    await network.disconnect(alpha)
    # One try by address: a name that no longer resolves here would be forwarded to the
    # host's resolvers (traffic beyond the test's own networks, and slow without them).
    result = await beta.exec_run([*WGET, f"http://{address}/"])
    assert result.exit_code != 0
    await network.reload()
    assert [c.id for c in network.containers] == [beta.id]


async def test_static_address_from_a_custom_ipam_pool(
    client: DockerClient, make_network: MakeNetwork, start_server: StartServer, image: str
) -> None:
    pool = IPAMPool(subnet="10.231.0.0/24", gateway="10.231.0.254")
    network = await make_network(ipam=IPAMConfig(pool_configs=[pool]))
    config = network.attrs["IPAM"]["Config"][0]
    assert config["Subnet"] == "10.231.0.0/24" and config["Gateway"] == "10.231.0.254"

    server = await start_server("static")
    await network.connect(server, ipv4_address="10.231.0.10")
    await server.reload()
    assert server.attrs["NetworkSettings"]["Networks"][network.name]["IPAddress"] == "10.231.0.10"
    probe = await start_server("probe", network=network.name)
    assert await fetch(probe, "http://10.231.0.10/") == (0, b"static\n")


async def test_ipam_as_a_plain_dict(make_network: MakeNetwork) -> None:
    network = await make_network(
        ipam={"Driver": "default", "Config": [{"Subnet": "10.232.7.0/24"}]}
    )
    assert network.attrs["IPAM"]["Config"][0]["Subnet"] == "10.232.7.0/24"


async def test_internal_network_blocks_the_outside(
    make_network: MakeNetwork, start_server: StartServer
) -> None:
    """Traffic routed off an internal network is dropped.

    A server publishes a port on the gateway address of a normal network (the
    host side of a network this test made): reaching it is routed through the
    host (DNAT, forwarding). A container on a normal network gets through, one
    on an internal network does not.
    """
    open_net = await make_network(
        ipam=IPAMConfig(pool_configs=[IPAMPool(subnet="10.233.0.0/24", gateway="10.233.0.1")])
    )
    closed_net = await make_network(
        internal=True,
        ipam=IPAMConfig(pool_configs=[IPAMPool(subnet="10.234.0.0/24", gateway="10.234.0.1")]),
    )
    assert closed_net.attrs["Internal"] is True
    server = await start_server("routed", ports={"80/tcp": ("10.233.0.1", None)})
    await server.reload()
    port = server.attrs["NetworkSettings"]["Ports"]["80/tcp"][0]["HostPort"]
    url = f"http://10.233.0.1:{port}/"
    outside = await start_server("x", network=open_net.name)
    inside = await start_server("y", network=closed_net.name)
    assert await fetch(outside, url) == (0, b"routed\n")
    result = await inside.exec_run([*WGET, url])
    assert result.exit_code != 0


async def test_prune_removes_unused_networks(client: DockerClient, labels: dict[str, str]) -> None:
    key, value = "aiocontainers.test.prune", uuid.uuid4().hex
    network = await client.networks.create(unique(), labels={**labels, key: value})
    result = await client.networks.prune(filters={"label": f"{key}={value}"})
    assert network.name in (result["NetworksDeleted"] or [])


async def test_seed_examples(
    client: DockerClient, labels: dict[str, str], start_server: StartServer
) -> None:
    """The docker-py guide's network section, with await. Its subnet is outside the engine's
    default pools: the engine hands those out in turn, so after enough networks ``app-net``
    itself may get 192.168.144.0/20, which holds any 192.168.15x.0/24."""
    network = await client.networks.create(unique("app-net"), driver="bridge", labels=labels)
    ipam_pool = IPAMPool(subnet="10.236.152.0/24", gateway="10.236.152.254")
    ipam_config = IPAMConfig(pool_configs=[ipam_pool])
    isolated = await client.networks.create(
        unique("isolated-net"),
        driver="bridge",
        ipam=ipam_config,
        internal=True,
        attachable=True,
        labels=labels,
    )
    try:
        container = await start_server("seed")
        await network.connect(container, aliases=["web", "frontend"])
        await isolated.connect(container, ipv4_address="10.236.152.10")
        await network.disconnect(container)

        await isolated.reload()
        for c in isolated.containers:
            print(f"{c.name}: {c.status}")
        assert [(c.id, c.status) for c in isolated.containers] == [(container.id, "running")]
        await container.remove(force=True)
    finally:
        await network.remove()
        await isolated.remove()
