"""Leases: how one test run tells every other run, on any host, that it is alive.

A lease is a small volume on the engine itself, labelled :data:`LEASE_LABEL`
with the session id and :data:`LEASE_TTL_LABEL` with the owner's promise: a
newer lease within that many seconds. The owner renews it six times per TTL
(:data:`LEASE_TTL` by default: every :data:`RENEW_INTERVAL` seconds) by
creating a fresh one and removing the older ones; the engine stamps each with
its own clock (``CreatedAt``). A session is alive while its newest lease is
younger than the TTL it promised, by the engine's clock; a session without a
lease (a crashed run whose lease was pruned, an older version's run) while
one of its resources is younger than :data:`LEASE_TTL`. Nothing here looks at pids or host
names, so runs in other PID namespaces, containers or hosts sharing the
engine judge each other the same way.

An orphan is judged twice, a quarter of its TTL apart, before it is reaped:
a ``docker volume prune`` may remove a live run's lease, and the owner puts a
new one in place within a sixth of its TTL.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

import anyio
from pydantic import TypeAdapter

from .._client import DockerClient
from ..errors import Conflict, NotFound
from ._cleanup import SESSION_LABEL, CleanupReport, remove_all, remove_labelled, remove_volume

__all__ = [
    "LEASE_LABEL",
    "LEASE_TTL",
    "LEASE_TTL_LABEL",
    "RENEW_INTERVAL",
    "find_orphans",
    "reap_orphans",
    "release_lease",
    "renew_lease",
]

LEASE_LABEL = "aiocontainers.lease"
LEASE_TTL_LABEL = "aiocontainers.lease.ttl"
LEASE_TTL = 60.0
RENEW_INTERVAL = LEASE_TTL / 6

_TIME = TypeAdapter(datetime)
_FOREVER = datetime.max.replace(tzinfo=timezone.utc)


def _engine_time(value: Any) -> datetime | None:
    """A daemon timestamp (RFC 3339 text or epoch seconds) as an aware datetime."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, timezone.utc)
    if isinstance(value, str) and value:
        try:
            return _TIME.validate_python(value)
        except ValueError:
            return None
    return None


async def _leases(client: DockerClient, session_id: str | None = None) -> list[dict[str, Any]]:
    label = LEASE_LABEL if session_id is None else f"{LEASE_LABEL}={session_id}"
    data = await client.transport.request_json(
        "GET", "/volumes", params={"filters": {"label": [label]}}
    )
    return list(data.get("Volumes") or [])


async def renew_lease(client: DockerClient, session_id: str, ttl: float = LEASE_TTL) -> None:
    """Put a fresh lease for ``session_id`` in place, then remove its older ones.

    ``ttl``: the promise to renew again within that many seconds (renew six
    times as often to be safe).
    """
    name = f"aiocontainers-lease-{session_id}-{uuid.uuid4().hex[:8]}"
    labels = {LEASE_LABEL: session_id, LEASE_TTL_LABEL: f"{ttl:g}"}
    await client.volumes.create(name, labels=labels)
    old = [v["Name"] for v in await _leases(client, session_id) if v["Name"] != name]
    await remove_all(client.transport, remove_volume, old, [])


async def release_lease(client: DockerClient, session_id: str) -> None:
    """Remove every lease of ``session_id``: the run is over."""
    names = [v["Name"] for v in await _leases(client, session_id)]
    await remove_all(client.transport, remove_volume, names, [])


def _ttl(labels: dict[str, str]) -> float:
    try:
        return float(labels[LEASE_TTL_LABEL])
    except (KeyError, ValueError):
        return LEASE_TTL


async def _expiries(client: DockerClient) -> dict[str, tuple[datetime, float]]:
    """Session id -> (its newest sign of life, by the engine's clock; the TTL it has)."""
    leased: dict[str, tuple[datetime, float]] = {}
    unleased: dict[str, tuple[datetime, float]] = {}

    def seen(
        found: dict[str, tuple[datetime, float]], session_id: Any, when: Any, ttl: float
    ) -> None:
        if not session_id:
            return
        stamp = _engine_time(when) or _FOREVER  # no readable time: take it as alive
        if session_id not in found or stamp > found[session_id][0]:
            found[session_id] = (stamp, ttl)

    for lease in await _leases(client):
        labels = lease.get("Labels") or {}
        seen(leased, labels.get(LEASE_LABEL), lease.get("CreatedAt"), _ttl(labels))
    transport = client.transport
    filters = {"label": [SESSION_LABEL]}
    containers = await transport.request_json(
        "GET", "/containers/json", params={"all": True, "filters": filters}
    )
    networks = await transport.request_json("GET", "/networks", params={"filters": filters})
    volumes = await transport.request_json("GET", "/volumes", params={"filters": filters})
    images = await transport.request_json("GET", "/images/json", params={"filters": filters})
    listings: list[tuple[Iterable[dict[str, Any]], str]] = [
        (containers, "Created"),
        (networks, "Created"),
        (volumes.get("Volumes") or [], "CreatedAt"),
        (images, "Created"),
    ]
    for items, created in listings:
        for item in items:
            session_id = (item.get("Labels") or {}).get(SESSION_LABEL)
            if session_id not in leased:
                seen(unleased, session_id, item.get(created), LEASE_TTL)
    return {**unleased, **leased}


async def find_orphans(client: DockerClient) -> dict[str, float]:
    """Sessions whose owner shows no sign of life: session id -> its TTL in seconds."""
    info = await client.info()
    now = _engine_time(info.get("SystemTime")) or datetime.now(timezone.utc)
    return {
        session_id: ttl
        for session_id, (newest, ttl) in (await _expiries(client)).items()
        if (now - newest).total_seconds() > ttl
    }


async def reap_orphans(client: DockerClient, *, keep: Iterable[str] = ()) -> CleanupReport:
    """Remove the resources and leases of sessions whose owner is gone.

    A session counts as gone when it showed no sign of life for its TTL,
    twice, a quarter of that TTL apart. Sessions in ``keep`` (your own) are
    never touched.
    """
    orphans = await find_orphans(client)
    for session_id in keep:
        orphans.pop(session_id, None)
    if orphans:
        await anyio.sleep(max(orphans.values()) / 4)
        still = await find_orphans(client)
        orphans = {key: ttl for key, ttl in orphans.items() if key in still}
    report = CleanupReport()
    for session_id in sorted(orphans):
        try:
            report.merge(await remove_labelled(client, f"{SESSION_LABEL}={session_id}"))
            await release_lease(client, session_id)
        except (NotFound, Conflict):  # someone else is reaping it too
            continue
    return report
