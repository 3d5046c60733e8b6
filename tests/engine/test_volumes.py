"""Volumes against the real engine."""

from __future__ import annotations

import uuid

import pytest

import aiocontainers
from aiocontainers import DockerClient, Volume

from .conftest import LABELS, TEST_IMAGE


def unique() -> str:
    return f"aiocontainers-test-vol-{uuid.uuid4().hex[:10]}"


async def test_create_get_list_reload_remove(client: DockerClient, labels: dict[str, str]) -> None:
    name = unique()
    volume = await client.volumes.create(
        name=name, driver="local", driver_opts={"type": "tmpfs", "device": "tmpfs"}, labels=labels
    )
    try:
        assert isinstance(volume, Volume)
        assert volume.id == volume.name == name
        assert volume.attrs["Labels"]["aiocontainers.test"] == "1"
        assert volume.attrs["Options"] == {"type": "tmpfs", "device": "tmpfs"}
        assert await client.volumes.get(name) == volume
        listed = await client.volumes.list(filters={"name": name})
        assert [v.name for v in listed] == [name]
        await volume.reload()
        assert volume.attrs["Driver"] == "local"
    finally:
        await volume.remove()
    with pytest.raises(aiocontainers.NotFound):
        await client.volumes.get(name)


async def test_anonymous_volume_gets_a_name(client: DockerClient, labels: dict[str, str]) -> None:
    volume = await client.volumes.create(labels=labels)
    try:
        assert len(volume.name) == 64
    finally:
        await volume.remove(force=True)


async def test_data_survives_the_container(client: DockerClient, labels: dict[str, str]) -> None:
    volume = await client.volumes.create(name=unique(), labels=labels)
    mount = {volume.name: {"bind": "/data", "mode": "rw"}}
    try:
        writer = await client.containers.run(
            TEST_IMAGE,
            ["sh", "-c", "echo persisted > /data/file"],
            volumes=mount,
            labels=labels,
            detach=True,
        )
        assert (await writer.wait(timeout=30))["StatusCode"] == 0
        await writer.remove()  # without v=True the volume stays
        assert await client.volumes.get(volume.name) == volume

        reader = await client.containers.run(
            TEST_IMAGE, ["cat", "/data/file"], volumes=mount, labels=labels, detach=True
        )
        await reader.wait(timeout=30)
        assert await reader.logs() == b"persisted\n"
        await reader.remove(force=True)
    finally:
        await volume.remove(force=True)


async def test_prune_removes_unused_volumes(client: DockerClient) -> None:
    marker = f"aiocontainers.test.prune={uuid.uuid4().hex}"
    key, value = marker.split("=")
    volume = await client.volumes.create(name=unique(), labels={**LABELS, key: value})
    result = await client.volumes.prune(filters={"label": marker})
    assert volume.name in (result["VolumesDeleted"] or [])
    assert result["SpaceReclaimed"] >= 0
    assert await client.volumes.list(filters={"label": marker}) == []


async def test_seed_examples(client: DockerClient, labels: dict[str, str]) -> None:
    """The docker-py guide's volume section, with await."""
    name = unique()
    volume = await client.volumes.create(name=name, labels={**labels, "env": "prod"})
    container = await client.containers.run(
        TEST_IMAGE,
        ["sleep", "30"],
        detach=True,
        volumes={name: {"bind": "/data", "mode": "rw"}},
        labels=labels,
    )
    try:
        volumes = await client.volumes.list(filters={"label": "env=prod"})
        assert volume in volumes
        with pytest.raises(aiocontainers.Conflict):  # in use
            await (await client.volumes.get(name)).remove()
    finally:
        await container.remove(force=True)
    volume = await client.volumes.get(name)
    await volume.remove()
    result = await client.volumes.prune(filters={"label": "no.such=label"})
    print(f"Reclaimed: {result['SpaceReclaimed']} bytes")
