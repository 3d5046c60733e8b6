"""aiocontainers.contrib.fastapi without a server: the ASGI response and event ids."""

from __future__ import annotations

import gc
import json
from collections.abc import AsyncGenerator, AsyncIterator, MutableMapping
from datetime import datetime, timezone
from typing import Any

import anyio
import pytest
from fastapi.sse import ServerSentEvent

from aiocontainers import LogRecord
from aiocontainers.contrib.fastapi import (
    EventStream,
    _container_resume,
    _job_start,
    encode_event,
    timestamped_events,
)
from aiocontainers.errors import InvalidArgument

pytestmark = pytest.mark.anyio

SCOPE: dict[str, Any] = {"type": "http", "asgi": {"spec_version": "2.3"}}


class Events:
    """A source of events that records whether it was closed, and when it is waiting."""

    def __init__(self, count: int, *, then_wait: bool) -> None:
        self.count = count
        self.then_wait = then_wait
        self.closed = False
        self.waiting = anyio.Event()

    async def run(self) -> AsyncGenerator[ServerSentEvent, None]:
        try:
            for n in range(self.count):
                yield ServerSentEvent(data=f"line {n}\n", event="stdout", id=str(n))
            if self.then_wait:
                self.waiting.set()
                await anyio.sleep_forever()
        finally:
            self.closed = True


async def _serve(
    response: EventStream, disconnect: anyio.Event, send_blocks: bool = False
) -> list[MutableMapping[str, Any]]:
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        await disconnect.wait()
        return {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)
        if send_blocks and message.get("body"):
            await anyio.sleep_forever()  # a client that stopped reading

    await response(SCOPE, receive, send)
    return sent


def test_events_encode_data_as_json_so_newlines_survive() -> None:
    wire = encode_event(ServerSentEvent(data="a\r\nb\n", event="stdout", id="7"))
    assert wire == b'event: stdout\ndata: "a\\r\\nb\\n"\nid: 7\n\n'
    assert json.loads(wire.split(b"data: ")[1].split(b"\n")[0]) == "a\r\nb\n"
    assert encode_event(ServerSentEvent(raw_data="x", event="end")) == b"event: end\ndata: x\n\n"


async def test_a_finished_source_ends_the_response() -> None:
    events = Events(2, then_wait=False)
    sent = await _serve(EventStream(events.run()), anyio.Event())
    assert sent[0]["type"] == "http.response.start"
    assert (b"content-type", b"text/event-stream; charset=utf-8") in sent[0]["headers"]
    bodies = [m["body"] for m in sent[1:]]
    assert bodies[:2] == [
        b'event: stdout\ndata: "line 0\\n"\nid: 0\n\n',
        b'event: stdout\ndata: "line 1\\n"\nid: 1\n\n',
    ]
    assert sent[-1] == {"type": "http.response.body", "body": b"", "more_body": False}
    assert events.closed


async def test_a_disconnect_closes_a_waiting_source_at_once() -> None:
    events = Events(1, then_wait=True)
    disconnect = anyio.Event()
    async with anyio.create_task_group() as tg:
        tg.start_soon(_serve, EventStream(events.run()), disconnect)
        await events.waiting.wait()
        assert not events.closed
        disconnect.set()
    assert events.closed


async def test_a_disconnect_closes_the_source_while_a_send_is_stuck() -> None:
    events = Events(3, then_wait=True)
    disconnect = anyio.Event()
    async with anyio.create_task_group() as tg:
        tg.start_soon(_serve, EventStream(events.run()), disconnect, True)
        await anyio.wait_all_tasks_blocked()
        assert not events.closed  # suspended at its first yield, the send never returns
        disconnect.set()
    assert events.closed


async def test_idle_streams_get_keep_alive_comments() -> None:
    events = Events(0, then_wait=True)
    disconnect = anyio.Event()
    sent: list[MutableMapping[str, Any]] = []

    async def serve() -> None:
        sent.extend(await _serve(EventStream(events.run(), ping_interval=0.05), disconnect))

    async with anyio.create_task_group() as tg:
        tg.start_soon(serve)
        await anyio.sleep(0.3)
        disconnect.set()
    assert [m["body"] for m in sent[1:]].count(b": ping\n\n") >= 2


def test_job_ids_resume_after_the_line_they_name() -> None:
    assert _job_start(None) == 0
    assert _job_start("") == 0
    assert _job_start("41") == 42
    for bad in ("x", "-1", "1.5"):
        with pytest.raises(InvalidArgument):
            _job_start(bad)


def test_container_ids_carry_time_and_rank() -> None:
    moment, skip = _container_resume("2026-01-02T03:04:05.123456+00:00#2")
    assert moment is not None and moment.microsecond == 123456 and moment.tzinfo is not None
    assert skip == 3
    assert _container_resume(None) == (None, 0)
    for bad in ("2026-01-02T03:04:05#0", "yesterday#0", "2026-01-02T03:04:05+00:00#x"):
        with pytest.raises(InvalidArgument):
            _container_resume(bad)


async def test_lines_sharing_a_timestamp_resume_by_rank() -> None:
    t1 = datetime(2026, 1, 2, 3, 4, 5, 1, tzinfo=timezone.utc)
    t2 = datetime(2026, 1, 2, 3, 4, 5, 2, tzinfo=timezone.utc)
    log = [(t1, "a"), (t1, "b"), (t1, "c"), (t2, "d")]

    async def records(since: datetime | None) -> AsyncIterator[LogRecord]:
        for moment, text in log:
            if since is None or moment >= since:  # the daemon's since= is inclusive
                yield LogRecord("stdout", f"{text}\n".encode(), moment)

    sent = [e async for e in timestamped_events(records(None))]
    assert [e.id for e in sent] == [
        f"{t1.isoformat()}#0",
        f"{t1.isoformat()}#1",
        f"{t1.isoformat()}#2",
        f"{t2.isoformat()}#0",
    ]
    for position in range(len(log)):
        event_id = sent[position].id
        assert event_id is not None
        since, skip = _container_resume(event_id)
        resumed = [e.data async for e in timestamped_events(records(since), since, skip)]
        assert resumed == [f"{text}\n" for _, text in log[position + 1 :]], position


async def test_fastapi_yield_sse_leaves_the_generator_open_after_a_disconnect() -> None:
    """Why EventStream exists: FastAPI's own SSE, with a client that stopped reading and
    then disconnected, raises a BrokenResourceError and leaves the endpoint's generator
    suspended until the garbage collector finalizes it. If this starts failing, FastAPI
    fixed it: update the module's and the web-service page's explanation."""
    from fastapi import FastAPI
    from fastapi.sse import EventSourceResponse

    closed = anyio.Event()
    app = FastAPI()

    @app.get("/events", response_class=EventSourceResponse)
    async def events() -> AsyncIterator[ServerSentEvent]:
        try:
            while True:
                yield ServerSentEvent(data="tick")
                await anyio.sleep(0.01)
        finally:
            closed.set()

    scope = {
        **SCOPE,
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "path": "/events",
        "raw_path": b"/events",
        "query_string": b"",
        "headers": [],
        "scheme": "http",
        "server": ("127.0.0.1", 80),
        "client": ("127.0.0.1", 1),
        "root_path": "",
    }
    disconnect, first = anyio.Event(), anyio.Event()
    raised: list[str] = []  # reprs: a kept traceback would keep the generator alive

    async def receive() -> dict[str, Any]:
        await disconnect.wait()
        return {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        if message.get("body"):
            first.set()
            await anyio.sleep_forever()  # a client that stopped reading

    async def serve() -> None:
        try:
            await app(scope, receive, send)
        except Exception as exc:
            raised.append(repr(exc))

    async with anyio.create_task_group() as tg:
        tg.start_soon(serve)
        await first.wait()
        await anyio.sleep(0.1)
        disconnect.set()
    await anyio.sleep(0.2)
    assert not closed.is_set()
    assert raised and "BrokenResourceError" in raised[0]
    gc.collect()  # only the collector finalizes it
    with anyio.fail_after(5):
        await closed.wait()
