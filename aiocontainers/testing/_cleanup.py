"""Label-based cleanup: what a test run creates carries its id, and goes with it.

Every resource a test session creates carries :data:`SESSION_LABEL` with the
session's id. :func:`remove_labelled` removes everything matching a label
filter -- containers first (with their anonymous volumes), then networks
(disconnecting whatever still uses them), volumes and images -- each kind
concurrently.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import anyio

from .._client import DockerClient
from .._transport import Transport
from ..errors import APIError, Conflict, NotFound

__all__ = [
    "SESSION_LABEL",
    "CleanupReport",
    "TestSession",
    "remove_container",
    "remove_labelled",
    "remove_network",
    "remove_volume",
]

SESSION_LABEL = "aiocontainers.session"
_CONCURRENCY = 8


@dataclass
class CleanupReport:
    """What a cleanup removed, by kind (ids or names)."""

    containers: list[str] = field(default_factory=list)
    networks: list[str] = field(default_factory=list)
    volumes: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.containers or self.networks or self.volumes or self.images)

    def merge(self, other: CleanupReport) -> None:
        self.containers += other.containers
        self.networks += other.networks
        self.volumes += other.volumes
        self.images += other.images


@dataclass(frozen=True)
class TestSession:
    """Identity of one test run; ``labels`` go on everything the run creates."""

    __test__ = False  # not a pytest test class

    id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])

    @classmethod
    def current(cls) -> TestSession:
        """The session of this process, shared by the plugin and module-level constants.

        A forked child gets a session of its own.
        """
        global _current
        if _current is None or _current[0] != os.getpid():
            _current = (os.getpid(), cls())
        return _current[1]

    @property
    def labels(self) -> dict[str, str]:
        return {SESSION_LABEL: self.id}

    async def cleanup(self, client: DockerClient) -> CleanupReport:
        """Remove every container, network, volume and image of this session."""
        return await remove_labelled(client, f"{SESSION_LABEL}={self.id}")


_current: tuple[int, TestSession] | None = None


async def _delete(transport: Transport, path: str, key: str, params: dict[str, Any]) -> bool:
    """DELETE one resource; False when it is already gone."""
    try:
        await transport.request(
            "DELETE", path, path_args={"id": key}, params=params, timeout=transport.slow_timeout
        )
    except NotFound:
        return False
    return True


async def remove_container(transport: Transport, container_id: str) -> bool:
    """Force-remove a container and its anonymous volumes; False if it was gone."""
    try:
        return await _delete(transport, "/containers/{id}", container_id, {"force": 1, "v": 1})
    except Conflict:  # the daemon is already removing it: wait for that to finish
        try:
            await transport.request(
                "POST",
                "/containers/{id}/wait",
                path_args={"id": container_id},
                params={"condition": "removed"},
                timeout=30,
            )
        except (NotFound, Conflict):
            pass
        return True


async def remove_network(transport: Transport, network_id: str) -> bool:
    """Remove a network, first disconnecting containers that still use it."""
    try:
        return await _delete(transport, "/networks/{id}", network_id, {})
    except APIError as exc:  # 403/409 "has active endpoints": containers still attached
        if exc.status_code not in (403, 409):
            raise
    try:
        attrs = await transport.request_json("GET", "/networks/{id}", path_args={"id": network_id})
    except NotFound:
        return False
    for container_id in attrs.get("Containers") or {}:
        try:
            await transport.request(
                "POST",
                "/networks/{id}/disconnect",
                path_args={"id": network_id},
                json={"Container": container_id, "Force": True},
            )
        except (NotFound, Conflict):
            continue
    return await _delete(transport, "/networks/{id}", network_id, {})


async def remove_volume(transport: Transport, name: str) -> bool:
    """Remove a volume; False if it was gone."""
    return await _delete(transport, "/volumes/{id}", name, {"force": 1})


async def _remove_image(transport: Transport, image_id: str) -> bool:
    try:
        return await _delete(transport, "/images/{id}", image_id, {"force": 1})
    except APIError:  # still used by a container outside the label
        return False


async def remove_all(
    transport: Transport,
    remove: Callable[[Transport, str], Awaitable[bool]],
    keys: Iterable[str],
    removed: list[str],
) -> None:
    """Run ``remove`` for every key, a few at a time; append the removed ones to ``removed``."""
    limiter = anyio.CapacityLimiter(_CONCURRENCY)

    async def one(key: str) -> None:
        async with limiter:
            if await remove(transport, key):
                removed.append(key)

    async with anyio.create_task_group() as tg:
        for key in keys:
            tg.start_soon(one, key)


async def remove_labelled(client: DockerClient, label: str) -> CleanupReport:
    """Force-remove containers (with their anonymous volumes), networks, volumes and
    images matching the label filter ``label`` (``key`` or ``key=value``)."""
    transport = client.transport
    filters = {"label": [label]}
    report = CleanupReport()
    containers = await transport.request_json(
        "GET", "/containers/json", params={"all": True, "filters": filters}
    )
    await remove_all(transport, remove_container, [c["Id"] for c in containers], report.containers)
    networks = await transport.request_json("GET", "/networks", params={"filters": filters})
    names = {n["Id"]: n["Name"] for n in networks}
    removed_networks: list[str] = []
    await remove_all(transport, remove_network, names, removed_networks)
    report.networks += [names[n] for n in removed_networks]
    volumes = await transport.request_json("GET", "/volumes", params={"filters": filters})
    await remove_all(
        transport, remove_volume, [v["Name"] for v in volumes.get("Volumes") or []], report.volumes
    )
    images = await transport.request_json("GET", "/images/json", params={"filters": filters})
    await remove_all(transport, _remove_image, [i["Id"] for i in images], report.images)
    return report
