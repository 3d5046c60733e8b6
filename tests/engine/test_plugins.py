"""The low-level plugin methods of the async API (``client.api``): awaited, progress as
async iterators. A plugin here is the test image's file system plus a ``config.json``;
pushes run on the differential tests' throwaway daemon (dockerd 20.10's plugin push can
crash the daemon it runs on)."""

from __future__ import annotations

import contextlib
import io
import json
import tarfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

import aiocontainers
from aiocontainers import DockerClient, DockerStream
from aiocontainers.errors import NotFound, NullResource
from tests.differential.cases_plugins import PLUGIN_CONFIG
from tests.differential.sacrifice import sacrificial_url

from .conftest import REGISTRY


@pytest.fixture
async def plugin_dir(
    client: DockerClient, image: str, labels: dict[str, str], tmp_path: Path
) -> Path:
    """A plugin data directory: ``config.json`` and the test image's files as ``rootfs/``."""
    (tmp_path / "config.json").write_text(json.dumps(PLUGIN_CONFIG))
    container = await client.containers.create(image, "true", labels=labels)
    try:
        async with container.export() as chunks:
            data = b"".join([chunk async for chunk in chunks])
    finally:
        await container.remove()
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(tmp_path / "rootfs", filter="tar")
    return tmp_path


@pytest.fixture
async def plugin(client: DockerClient, plugin_dir: Path) -> AsyncIterator[str]:
    """A plugin created with ``create_plugin``, by name; removed afterwards."""
    name = f"aioc-test-plugin-{uuid.uuid4().hex[:8]}:latest"
    assert await client.api.create_plugin(name, plugin_dir) is True
    yield name
    with contextlib.suppress(NotFound):  # the test may have removed it
        await client.api.remove_plugin(name, force=True)


async def _read(stream: DockerStream[dict[str, Any]]) -> list[dict[str, Any]]:
    async with stream:
        return [message async for message in stream]


async def test_create_list_inspect_configure_and_remove(client: DockerClient, plugin: str) -> None:
    api = client.api
    rows = [row for row in await api.plugins() if row["Name"] == plugin]
    info = await api.inspect_plugin(plugin)
    assert [row["Id"] for row in rows] == [info["Id"]]
    assert info["Enabled"] is False
    assert await api.configure_plugin(plugin, {"DEBUG": "1"}) is True
    assert (await api.inspect_plugin(plugin))["Settings"]["Env"] == ["DEBUG=1"]
    assert await api.configure_plugin(info, ["DEBUG=2"]) is True  # a dict names it by Id
    assert (await api.inspect_plugin(info["Id"]))["Settings"]["Env"] == ["DEBUG=2"]
    with pytest.raises(aiocontainers.errors.APIError):
        await api.disable_plugin(plugin)  # not enabled
    assert await api.remove_plugin(plugin) is True
    with pytest.raises(NotFound):
        await api.inspect_plugin(plugin)


async def test_a_null_or_missing_plugin_raises(client: DockerClient) -> None:
    with pytest.raises(NullResource):
        await client.api.remove_plugin(None)
    with pytest.raises(NotFound):
        await client.api.enable_plugin(f"aioc-none-{uuid.uuid4().hex[:8]}")


async def test_push_pull_and_upgrade_stream_progress_dicts(
    client: DockerClient, plugin_dir: Path
) -> None:
    remote = f"{REGISTRY}/aioc-test-plugin-{uuid.uuid4().hex[:8]}:latest"
    async with aiocontainers.DockerClient(base_url=sacrificial_url()) as throwaway:
        await throwaway.api.create_plugin(remote, plugin_dir)
        try:
            pushed = await _read(await throwaway.api.push_plugin(remote))
        finally:
            await throwaway.api.remove_plugin(remote, force=True)
    assert any("aux" in message for message in pushed), pushed

    api = client.api
    local = f"aioc-test-installed-{uuid.uuid4().hex[:8]}:latest"
    privileges = await api.plugin_privileges(remote)
    assert isinstance(privileges, list)
    stream = await api.pull_plugin(remote, privileges, name=local)
    assert isinstance(stream, DockerStream)
    pulled = await _read(stream)
    try:
        assert pulled and all(isinstance(message, dict) for message in pulled)
        upgraded = await _read(await api.upgrade_plugin(local, remote, privileges))
        assert upgraded and all(isinstance(message, dict) for message in upgraded)
        info = await api.inspect_plugin(local)
        assert info["Name"] == local
        assert info["PluginReference"] == remote
    finally:
        await api.remove_plugin(local, force=True)
    with pytest.raises(NotFound):
        await _read(await api.upgrade_plugin(local, remote, privileges))
