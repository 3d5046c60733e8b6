"""client.events() against the shared engine: typed events, filters, since/until, decoding."""

from __future__ import annotations

import gc
import time
import uuid
from datetime import datetime, timedelta, timezone

import anyio
import pytest

from aiocontainers import DockerClient, Event, EventStream, InvalidArgument

from .test_health import CASE_LABEL, Spawn, spawn

__all__ = ["spawn"]  # the fixture, shared with test_health


async def make_volume(client: DockerClient, labels: dict[str, str]) -> str:
    """Create and remove a labelled volume: a ``create`` and a ``destroy`` event."""
    name = f"aioc-events-{uuid.uuid4().hex[:12]}"
    await client.transport.request_json(
        "POST", "/volumes/create", json={"Name": name, "Labels": labels}
    )
    await client.transport.request("DELETE", "/volumes/{name}", path_args={"name": name})
    return name


async def test_container_lifecycle_events_are_typed(spawn: Spawn, client: DockerClient) -> None:
    case = uuid.uuid4().hex
    filters = {"type": "container", "label": [f"{CASE_LABEL}={case}"]}
    async with client.events(filters=filters) as events:
        container = await spawn(["sh", "-c", "exit 7"], labels={CASE_LABEL: case})
        seen: list[Event] = []
        with anyio.fail_after(15):
            async for event in events:
                seen.append(event)
                if event.action == "die":
                    break
    assert [e.action for e in seen if e.action in ("create", "start", "die")] == [
        "create",
        "start",
        "die",
    ]
    die = seen[-1]
    assert die.type == "container" and die.scope == "local"
    assert die.actor.id == container.id == die.id
    assert die.attributes["exitCode"] == "7"
    assert die.attributes[CASE_LABEL] == case
    assert die.attributes["image"] == container.image
    assert die.time.tzinfo is timezone.utc
    assert die.time_nano // 1000 == int(die.time.timestamp() * 1_000_000)
    assert die.time_nano // 10**9 == die.raw["time"]
    assert abs(die.time - datetime.now(timezone.utc)) < timedelta(minutes=1)
    assert [e.time_nano for e in seen] == sorted(e.time_nano for e in seen)


async def test_since_until_replays_and_ends(client: DockerClient, labels: dict[str, str]) -> None:
    before = time.time()
    name = await make_volume(client, labels)
    await anyio.sleep(0.05)
    after = datetime.now(timezone.utc)
    with anyio.fail_after(10):
        typed = [
            e async for e in client.events(since=before, until=after, filters={"volume": name})
        ]
    assert [(e.type, e.action, e.id) for e in typed] == [
        ("volume", "create", name),
        ("volume", "destroy", name),
    ]
    # A datetime and epoch seconds say the same; decode=True gives docker-py's dicts.
    since = datetime.fromtimestamp(before, timezone.utc)
    with anyio.fail_after(10):
        dicts = [
            e
            async for e in client.events(
                since=since, until=after, filters={"volume": name}, decode=True
            )
        ]
        raw = [
            e
            async for e in client.events(
                since=before, until=after, filters={"volume": name}, decode=False
            )
        ]
    assert [d["Action"] for d in dicts] == ["create", "destroy"]
    assert dicts == [e.raw for e in typed]
    assert all(isinstance(r, bytes) and name.encode() in r for r in raw) and len(raw) == 2


async def test_since_with_nanoseconds_excludes_earlier_events(
    client: DockerClient, labels: dict[str, str]
) -> None:
    before = time.time()
    name = await make_volume(client, labels)
    until = time.time() + 0.05
    with anyio.fail_after(10):
        both = [
            e async for e in client.events(since=before, until=until, filters={"volume": name})
        ]
    create, destroy = both
    # Nanosecond-precise since: starting just after the create leaves only the destroy.
    since = f"{(create.time_nano + 1) // 10**9}.{(create.time_nano + 1) % 10**9:09d}"
    with anyio.fail_after(10):
        later = [
            e async for e in client.events(since=since, until=until, filters={"volume": name})
        ]
    assert later == [destroy]


async def test_event_filter(client: DockerClient, labels: dict[str, str]) -> None:
    async with client.events(filters={"type": "volume", "event": ["destroy"]}) as events:
        name = await make_volume(client, labels)
        with anyio.fail_after(10):
            async for event in events:
                assert event.action == "destroy"
                if event.id == name:
                    break


async def test_aclose_ends_a_waiting_iteration(client: DockerClient) -> None:
    events = client.events(filters={"type": "volume", "volume": uuid.uuid4().hex})
    results: list[str] = []

    async def consume() -> None:
        async for _ in events:
            results.append("event")
        results.append("ended")

    async with anyio.create_task_group() as tg:
        tg.start_soon(consume)
        await anyio.sleep(0.2)
        await events.aclose()
        await events.aclose()  # twice is fine
    assert results == ["ended"]


async def test_dropped_stream_releases_its_connection(client: DockerClient) -> None:
    events: EventStream[Event] | None = client.events(filters={"type": "volume"})
    assert events is not None
    await events.__aenter__()
    assert client.transport.http.connections_in_use == 1
    events = None
    gc.collect()
    assert client.transport.http.connections_in_use == 0


async def test_bad_arguments(client: DockerClient) -> None:
    with pytest.raises(InvalidArgument):
        client.events(since=True)
    with pytest.raises(InvalidArgument):
        client.events(retry_budget=-1)
