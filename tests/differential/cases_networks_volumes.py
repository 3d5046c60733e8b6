"""Differential cases: networks and volumes."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from .harness import Env, same


def network(env: Env, **kwargs: Any) -> Any:
    kwargs.setdefault("labels", env.labels)
    created = env.client.networks.create(env.name("net"), **kwargs)
    env.defer(created.remove)
    return created


def volume(env: Env, **kwargs: Any) -> Any:
    kwargs.setdefault("labels", env.labels)
    created = env.client.volumes.create(env.name("vol"), **kwargs)
    env.defer(lambda: created.remove(force=True))
    return created


# -- networks ------------------------------------------------------------------------------


@same(
    "NetworkCollection.create",
    "Network.name",
    "Network.id",
    "Network.short_id",
    "Network.attrs",
    "Network.client",
    "Network.collection",
)
def create_network(docker: ModuleType, env: Env) -> Any:
    net = network(
        env,
        driver="bridge",
        options={"com.docker.network.bridge.enable_icc": "true"},
        internal=True,
        attachable=True,
        ipam=docker.types.IPAMConfig(
            pool_configs=[docker.types.IPAMPool(subnet="10.231.0.0/24", gateway="10.231.0.1")]
        ),
    )
    return (
        type(net).__name__,
        net.name,
        net.short_id == net.id[:12],
        sorted(net.attrs),
        net.attrs["Internal"],
        net.attrs["IPAM"]["Config"],
        net.attrs["Options"],
        type(net.client).__name__,
        type(net.collection).__name__,
    )


@same("NetworkCollection.create", raises="NotFound")
def create_network_bad_driver(docker: ModuleType, env: Env) -> Any:
    return env.client.networks.create(env.name("net"), driver="no-such-driver")


@same("NetworkCollection.get", "Network.reload")
def get_network(docker: ModuleType, env: Env) -> Any:
    net = network(env)
    by_name = env.client.networks.get(net.name)
    by_id = env.client.networks.get(net.id, verbose=True, scope="local")
    net.reload()
    return by_name.id == by_id.id == net.id, sorted(by_id.attrs) == sorted(net.attrs)


@same("NetworkCollection.get", raises="NotFound")
def get_missing_network(docker: ModuleType, env: Env) -> Any:
    return env.client.networks.get(env.name("none"))


@same("NetworkCollection.list")
def list_networks(docker: ModuleType, env: Env) -> Any:
    net = network(env)
    label = {"label": f"aiocontainers.diff={env.token}"}
    return (
        [n.id for n in env.client.networks.list(filters=label)] == [net.id],
        [n.id for n in env.client.networks.list(names=[net.name])] == [net.id],
        [n.id for n in env.client.networks.list(ids=[net.id])] == [net.id],
        [n.id for n in env.client.networks.list(names=net.name)] == [net.id],
        [n.id for n in env.client.networks.list(ids=net.id)] == [net.id],
        [
            sorted(n.attrs["Containers"])
            for n in env.client.networks.list(filters=label, greedy=True)
        ],
        "bridge" in {n.name for n in env.client.networks.list()},
    )


@same("Network.connect", "Network.disconnect", "Network.containers")
def connect_and_disconnect(docker: ModuleType, env: Env) -> Any:
    net = network(env)
    container = env.sleeper()
    connected = net.connect(container, aliases=["db"])
    net.reload()
    members = [c.id == container.id for c in net.containers]
    container.reload()
    aliases = container.attrs["NetworkSettings"]["Networks"][net.name]["Aliases"]
    disconnected = net.disconnect(container.id, force=True)
    net.reload()
    return connected, members, "db" in aliases, disconnected, net.containers


@same("Network.connect", raises="APIError")
def connect_twice(docker: ModuleType, env: Env) -> Any:
    net = network(env)
    container = env.sleeper()
    net.connect(container)
    return net.connect(container)


@same("Network.connect")
def connect_static_ip(docker: ModuleType, env: Env) -> Any:
    net = network(
        env,
        ipam=docker.types.IPAMConfig(pool_configs=[docker.types.IPAMPool(subnet="10.232.0.0/24")]),
    )
    container = env.sleeper(network=net.name)
    other = env.sleeper()
    net.connect(other, ipv4_address="10.232.0.50", links=[(container.name, "peer")])
    other.reload()
    settings = other.attrs["NetworkSettings"]["Networks"][net.name]
    return settings["IPAMConfig"], settings["Links"] is not None


@same("Network.remove")
def remove_network(docker: ModuleType, env: Env) -> Any:
    net = env.client.networks.create(env.name("net"), labels=env.labels)
    result = net.remove()
    return result, env.client.networks.list(names=[net.name])


@same("NetworkCollection.prune")
def prune_networks(docker: ModuleType, env: Env) -> Any:
    net = env.client.networks.create(env.name("net"), labels=env.labels)
    result = env.client.networks.prune(filters={"label": f"aiocontainers.diff={env.token}"})
    return result, net.name


# -- volumes -------------------------------------------------------------------------------


@same(
    "VolumeCollection.create",
    "Volume.name",
    "Volume.id",
    "Volume.short_id",
    "Volume.attrs",
    "Volume.client",
    "Volume.collection",
)
def create_volume(docker: ModuleType, env: Env) -> Any:
    vol = volume(env, driver="local", driver_opts={"type": "tmpfs", "device": "tmpfs"})
    return (
        type(vol).__name__,
        vol.name,
        vol.id,
        vol.short_id == vol.name[:12],
        sorted(vol.attrs),
        vol.attrs["Options"],
        vol.attrs["Labels"] == env.labels,
        type(vol.client).__name__,
        type(vol.collection).__name__,
    )


@same("VolumeCollection.create")
def create_anonymous_volume(docker: ModuleType, env: Env) -> Any:
    vol = env.client.volumes.create(labels=env.labels)
    env.defer(vol.remove)
    return len(vol.name), vol.attrs["Driver"]


@same("VolumeCollection.get", "Volume.reload", "VolumeCollection.list")
def get_and_list_volumes(docker: ModuleType, env: Env) -> Any:
    vol = volume(env)
    got = env.client.volumes.get(vol.name)
    vol.reload()
    listed = env.client.volumes.list(filters={"label": f"aiocontainers.diff={env.token}"})
    return got == vol, [v.name for v in listed], sorted(listed[0].attrs) == sorted(got.attrs)


@same("VolumeCollection.get", raises="NotFound")
def get_missing_volume(docker: ModuleType, env: Env) -> Any:
    return env.client.volumes.get(env.name("none"))


@same("Volume.remove")
def remove_volume(docker: ModuleType, env: Env) -> Any:
    vol = volume(env)
    container = env.sleeper(volumes={vol.name: {"bind": "/data", "mode": "rw"}})
    try:
        vol.remove()
    except docker.errors.APIError as exc:
        in_use = exc
    container.remove(force=True)
    return in_use, vol.remove(), env.client.volumes.list(filters={"name": vol.name})


@same("VolumeCollection.prune")
def prune_volumes(docker: ModuleType, env: Env) -> Any:
    vol = env.client.volumes.create(labels=env.labels)
    result = env.client.volumes.prune(filters={"label": f"aiocontainers.diff={env.token}"})
    return result["VolumesDeleted"] == [vol.name], sorted(result)
