"""Label-based cleanup that survives a killed process.

Every resource a test session creates carries three labels: the session id,
the pid of the process that ran it and the host it ran on. At the end of a
session everything with its id is removed; at the start of the next one,
resources whose owning process on this host is gone are reaped too, so a
test run killed with SIGKILL leaks nothing for long.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .._client import DockerClient
from .._transport import Transport
from ..errors import APIError, Conflict, NotFound

__all__ = [
    "HOST_LABEL",
    "PID_LABEL",
    "SESSION_LABEL",
    "CleanupReport",
    "TestSession",
    "reap_orphans",
    "remove_labelled",
]

SESSION_LABEL = "aiocontainers.session"
PID_LABEL = "aiocontainers.session.pid"
HOST_LABEL = "aiocontainers.session.host"


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
    pid: int = field(default_factory=os.getpid)
    host: str = field(default_factory=socket.gethostname)

    @classmethod
    def current(cls) -> TestSession:
        """The session of this process, shared by the plugin and module-level constants."""
        global _current
        if _current is None or _current.pid != os.getpid():
            _current = cls()
        return _current

    @property
    def labels(self) -> dict[str, str]:
        return {SESSION_LABEL: self.id, PID_LABEL: str(self.pid), HOST_LABEL: self.host}

    async def cleanup(self, client: DockerClient) -> CleanupReport:
        """Remove every container, network, volume and image of this session."""
        return await remove_labelled(client, f"{SESSION_LABEL}={self.id}")


_current: TestSession | None = None


async def _delete(transport: Transport, path: str, key: str, params: Mapping[str, Any]) -> bool:
    try:
        await transport.request(
            "DELETE", path, path_args={"id": key}, params=params, timeout=transport.slow_timeout
        )
    except (NotFound, Conflict):  # gone already, or its removal is already under way
        return False
    return True


async def remove_labelled(client: DockerClient, label: str) -> CleanupReport:
    """Force-remove containers (with their anonymous volumes), networks, volumes and
    images matching the label filter ``label`` (``key`` or ``key=value``)."""
    transport = client.transport
    filters = {"label": [label]}
    report = CleanupReport()
    containers = await transport.request_json(
        "GET", "/containers/json", params={"all": True, "filters": filters}
    )
    for item in containers:
        if await _delete(transport, "/containers/{id}", item["Id"], {"force": True, "v": True}):
            report.containers.append(item["Id"])
    for item in await transport.request_json("GET", "/networks", params={"filters": filters}):
        if await _delete(transport, "/networks/{id}", item["Id"], {}):
            report.networks.append(item["Name"])
    volumes = await transport.request_json("GET", "/volumes", params={"filters": filters})
    for item in volumes.get("Volumes") or []:
        if await _delete(transport, "/volumes/{id}", item["Name"], {"force": True}):
            report.volumes.append(item["Name"])
    images = await transport.request_json("GET", "/images/json", params={"filters": filters})
    for item in images:
        try:
            removed = await _delete(transport, "/images/{id}", item["Id"], {"force": True})
        except APIError:  # still used by a container outside the label
            continue
        if removed:
            report.images.append(item["Id"])
    return report


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def reap_orphans(client: DockerClient) -> CleanupReport:
    """Remove resources of test sessions on this host whose process no longer runs."""
    host = socket.gethostname()
    sessions: dict[str, int] = {}
    filters = {"label": [f"{HOST_LABEL}={host}"]}
    listings = [
        await client.transport.request_json(
            "GET", "/containers/json", params={"all": True, "filters": filters}
        ),
        await client.transport.request_json("GET", "/networks", params={"filters": filters}),
        (await client.transport.request_json("GET", "/volumes", params={"filters": filters})).get(
            "Volumes"
        )
        or [],
        await client.transport.request_json("GET", "/images/json", params={"filters": filters}),
    ]
    for listing in listings:
        for item in listing:
            labels = item.get("Labels") or {}
            try:
                sessions[labels[SESSION_LABEL]] = int(labels[PID_LABEL])
            except (KeyError, ValueError):
                continue
    report = CleanupReport()
    for session_id, pid in sessions.items():
        if pid != os.getpid() and not _pid_alive(pid):
            report.merge(await remove_labelled(client, f"{SESSION_LABEL}={session_id}"))
    return report
