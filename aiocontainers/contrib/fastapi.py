"""Server-Sent Events of a job's or a container's output, for FastAPI.

Needs ``pip install aiocontainers[fastapi]`` (FastAPI 0.135.1 or newer, for
``fastapi.sse``'s event type and wire format)::

    @app.get("/jobs/{job_id}/logs")
    async def job_logs(job_id: str, last_event_id: Annotated[str | None, Header()] = None):
        return EventStream(job_events(jobs[job_id], last_event_id=last_event_id))

Every output line is one event: ``event`` is ``stdout`` or ``stderr``,
``data`` the line as a JSON string (newline kept, so nothing is lost to SSE's
own line rules), ``id`` where to resume. A browser's ``EventSource`` sends the
last id back as ``Last-Event-ID`` when it reconnects; pass it on and the
stream resumes after that line.

:class:`EventStream` rather than FastAPI's ``response_class=EventSourceResponse``
with a ``yield``-ing endpoint: FastAPI iterates such a generator in a task of
its own and, when the client disconnects while that task waits to hand on an
event, leaves the generator suspended (and logs a ``BrokenResourceError``) until
the garbage collector finalizes it; what it follows stays open until then.
``EventStream`` watches for the disconnect itself and closes the events at
once, on every path.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from datetime import datetime

import anyio
from fastapi.encoders import jsonable_encoder
from fastapi.sse import KEEPALIVE_COMMENT, ServerSentEvent, format_sse_event
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from .._resources.containers import Container
from .._streams import LogRecord
from ..errors import InvalidArgument
from ..jobs import JobHandle

__all__ = [
    "EventStream",
    "container_log_events",
    "encode_event",
    "job_events",
    "timestamped_events",
]


def encode_event(event: ServerSentEvent) -> bytes:
    """The wire form of one event (``data`` JSON-encoded unless ``raw_data`` is given)."""
    data = event.raw_data
    if data is None and event.data is not None:
        data = json.dumps(jsonable_encoder(event.data))
    return format_sse_event(
        data_str=data, event=event.event, id=event.id, retry=event.retry, comment=event.comment
    )


class EventStream(Response):
    """A ``text/event-stream`` response of ``events`` that closes them the moment the
    client disconnects (or the response fails or is cancelled).

    A ``: ping`` comment goes out every ``ping_interval`` seconds so proxies
    keep an idle stream open.
    """

    media_type = "text/event-stream"

    def __init__(
        self,
        events: AsyncIterator[ServerSentEvent],
        *,
        ping_interval: float = 15.0,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.events = events
        self.ping_interval = ping_interval
        self.status_code = 200
        self.background = None
        self.init_headers(
            {"Cache-Control": "no-cache", "X-Accel-Buffering": "no", **(headers or {})}
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        sending = anyio.Lock()

        async def body(chunk: bytes) -> None:
            async with sending:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})

        async def until_disconnect() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass
            tg.cancel_scope.cancel()

        async def ping() -> None:
            while True:
                await anyio.sleep(self.ping_interval)
                await body(KEEPALIVE_COMMENT)

        try:
            await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
            async with anyio.create_task_group() as tg:
                tg.start_soon(until_disconnect)
                tg.start_soon(ping)
                async for event in self.events:
                    await body(encode_event(event))
                async with sending:
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                tg.cancel_scope.cancel()
        finally:
            close = getattr(self.events, "aclose", None)
            if close is not None:
                with anyio.CancelScope(shield=True):
                    await close()


def _job_start(last_event_id: str | None) -> int:
    if not last_event_id:
        return 0
    try:
        index = int(last_event_id)
    except ValueError:
        raise InvalidArgument(f"not an event id of job_events(): {last_event_id!r}") from None
    if index < 0:
        raise InvalidArgument(f"not an event id of job_events(): {last_event_id!r}")
    return index + 1


def job_events(
    handle: JobHandle, *, last_event_id: str | None = None
) -> AsyncGenerator[ServerSentEvent, None]:
    """A job's output as events, live, then one ``end`` event with how the job ended
    (stream them with :class:`EventStream`).

    Ids are line indices (``handle.logs(start=...)``); a job that already ended
    replays what its output bound kept. The ``end`` event's data is
    ``{"status": ..., "exit_code": ..., "skipped": n}``, ``skipped`` counting
    lines this client missed because they were dropped from the bound. A bad
    ``last_event_id`` raises ``InvalidArgument`` here, before anything is sent.
    """
    return _job_events(handle, _job_start(last_event_id))


async def _job_events(handle: JobHandle, start: int) -> AsyncGenerator[ServerSentEvent, None]:
    async with handle.logs(start=start) as lines:
        async for record in lines:
            yield ServerSentEvent(
                data=record.text, event=record.stream, id=str(lines.next_index - 1)
            )
        await handle.wait()
        outcome = handle.outcome
        assert outcome is not None
        ending = {"status": outcome.status, "exit_code": outcome.exit_code}
        yield ServerSentEvent(
            data={**ending, "skipped": lines.skipped},
            event="end",
            id=str(lines.next_index - 1) if lines.next_index else None,
        )


def _container_resume(last_event_id: str | None) -> tuple[datetime | None, int]:
    """``(time, count)`` of a ``container_log_events`` id: resume after the count-th line
    stamped ``time``."""
    if not last_event_id:
        return None, 0
    stamp, _, count = last_event_id.rpartition("#")
    try:
        moment = datetime.fromisoformat(stamp)
        seen = int(count)
    except ValueError:
        raise InvalidArgument(
            f"not an event id of container_log_events(): {last_event_id!r}"
        ) from None
    if moment.tzinfo is None or seen < 0:
        raise InvalidArgument(f"not an event id of container_log_events(): {last_event_id!r}")
    return moment, seen + 1


def container_log_events(
    container: Container,
    *,
    last_event_id: str | None = None,
    stdout: bool = True,
    stderr: bool = True,
) -> AsyncGenerator[ServerSentEvent, None]:
    """A container's log, followed (``logs(follow=True)``), as events; ends when it stops.

    Ids are the daemon's timestamp of the line plus how many earlier lines
    share it (``2026-01-02T03:04:05.123456+00:00#0``): resuming asks the
    daemon for the log ``since`` that time and skips the lines already sent,
    so nothing is sent twice or lost, also for lines printed in the same
    microsecond. Each client holds one daemon connection while it follows;
    it is released the moment the client disconnects. A bad ``last_event_id``
    raises ``InvalidArgument`` here, before anything is sent.
    """
    since, skip = _container_resume(last_event_id)
    return _container_events(container, since, skip, stdout=stdout, stderr=stderr)


async def _container_events(
    container: Container, since: datetime | None, skip: int, *, stdout: bool, stderr: bool
) -> AsyncGenerator[ServerSentEvent, None]:
    stream = container.logs(
        stream=True,
        follow=True,
        records=True,
        timestamps=True,
        stdout=stdout,
        stderr=stderr,
        since=since,
    )
    async with stream:
        async for event in timestamped_events(stream, since, skip):
            yield event


async def timestamped_events(
    records: AsyncIterator[LogRecord], since: datetime | None = None, skip: int = 0
) -> AsyncGenerator[ServerSentEvent, None]:
    """Events of log records read ``since`` a time, the first ``skip`` lines of that
    very time left out (they were sent before); ids are ``<time>#<rank>``."""
    previous: datetime | None = None
    same = 0
    async for record in records:
        moment = record.timestamp
        same = same + 1 if moment is not None and moment == previous else 0
        previous = moment
        if since is not None and moment is not None:
            if moment < since or (moment == since and same < skip):
                continue
        event_id = None if moment is None else f"{moment.isoformat()}#{same}"
        yield ServerSentEvent(data=record.text, event=record.stream, id=event_id)
