"""``containers.list()`` inspecting each container: order, how many at once, containers
removed meanwhile, failures and cancellation, through the transport seam (no daemon)."""

from __future__ import annotations

import asyncio

import anyio
import pytest

from aiocontainers import DockerClient, NotFound
from aiocontainers.errors import ServerError
from aiocontainers.testing import MockTransport, Request, Response

pytestmark = pytest.mark.anyio


class Daemon:
    """Lists ``ids``; each inspect waits a little, so inspects overlap when they can."""

    def __init__(self, ids: list[str], *, removed: frozenset[str] = frozenset(), broken: str = ""):
        self.ids = ids
        self.removed = removed
        self.broken = broken
        self.running = 0
        self.most_at_once = 0
        self.inspected: list[str] = []

    async def __call__(self, request: Request) -> Response:
        if request.endpoint == "/containers/json":
            return Response(json=[{"Id": cid} for cid in self.ids])
        cid = request.endpoint.split("/")[2]
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        try:
            await asyncio.sleep(0.01)
        finally:
            self.running -= 1
        self.inspected.append(cid)
        if cid in self.removed:
            return Response(404, json={"message": f"No such container: {cid}"})
        if cid == self.broken:
            return Response(500, json={"message": "inspect failed"})
        return Response(json={"Id": cid, "Name": f"/{cid}", "State": {"Status": "running"}})


def client(daemon: Daemon) -> DockerClient:
    return DockerClient(transport=MockTransport(daemon), version="1.41")


async def test_inspected_in_list_order_at_most_eight_at_once() -> None:
    ids = [f"c{i:02}" for i in range(30)]
    daemon = Daemon(ids)
    async with client(daemon) as docker:
        found = await docker.containers.list()
    assert [c.id for c in found] == ids
    assert all(c.attrs["State"]["Status"] == "running" for c in found)
    assert daemon.most_at_once == 8
    assert sorted(daemon.inspected) == ids


async def test_a_container_removed_meanwhile_raises_or_is_skipped() -> None:
    ids = ["a", "b", "c", "d"]
    async with client(Daemon(ids, removed=frozenset({"b"}))) as docker:
        with pytest.raises(NotFound, match="No such container: b"):
            await docker.containers.list()
        kept = await docker.containers.list(ignore_removed=True)
    assert [c.id for c in kept] == ["a", "c", "d"]


async def test_a_failed_inspect_stops_taking_more_and_raises() -> None:
    ids = [f"c{i:02}" for i in range(40)]
    daemon = Daemon(ids, broken="c03")
    async with client(daemon) as docker:
        with pytest.raises(ServerError, match="inspect failed"):
            await docker.containers.list()
    # the eight started first finish; after the failure no worker takes another id
    assert len(daemon.inspected) < 16


async def test_cancelled_list_leaves_no_task_running() -> None:
    ids = [f"c{i:02}" for i in range(40)]
    daemon = Daemon(ids)
    async with client(daemon) as docker:
        before = asyncio.all_tasks()
        with anyio.move_on_after(0.015):
            await docker.containers.list()
        await asyncio.sleep(0)  # the cancelled workers finish unwinding
        assert asyncio.all_tasks() == before
        done = len(daemon.inspected)
        await asyncio.sleep(0.05)
        assert len(daemon.inspected) == done  # nothing inspects after the cancellation
