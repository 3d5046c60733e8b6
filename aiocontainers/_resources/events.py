"""The daemon's event stream (``docker events``), typed, and optionally resuming.

[`DockerClient.events()`][aiocontainers.DockerClient.events] returns an
[`EventStream`][aiocontainers.EventStream] at once (no
``await``); the connection opens on entering ``async with`` or on the first
``__anext__``. The stream never
times out while idle. Without ``until`` the daemon never ends it, so an end or
a broken connection raises [`StreamError`][aiocontainers.errors.StreamError] -- or,
with ``resume=True``, reconnects with exponential backoff, asks the daemon for
the events since the last one it delivered (nanosecond precision), drops the ones already
delivered, and raises [`DaemonUnavailable`][aiocontainers.errors.DaemonUnavailable] only once
``retry_budget`` seconds of failed reconnecting have passed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, TypeVar

import anyio

from .._arguments import EventTimestamp as Timestamp
from .._logging import log_event
from .._streams import JSONStreamDecoder
from ..errors import DaemonUnavailable, InvalidArgument, InvalidResponse, StreamError, Timeout
from ._logs import to_timestamp
from ._streaming import ChunkSource, Decoder, DockerStream

if TYPE_CHECKING:
    from .._transport import Transport

__all__ = [
    "Event",
    "EventActor",
    "EventStream",
    "format_nanos",
    "format_timestamp",
    "open_events",
]

EventKey = tuple[int, str, str, str]

_NANOS = 1_000_000_000
_BACKOFF_START = 0.05
_BACKOFF_MAX = 2.0
# A resumed stream asks for events from this long before the newest one it has
# delivered (events published concurrently can arrive slightly out of order)
# and drops the replayed ones it remembers.
_RESUME_SLACK = _NANOS

T = TypeVar("T")

# The frozen dataclasses' own __init__ sets each field through object.__setattr__ too,
# after argument binding and defaults: building events from trusted messages skips that.
_new = object.__new__
_set = object.__setattr__


@dataclass(frozen=True, slots=True)
class EventActor:
    """The object an event is about: its id (or name) and its attributes (labels...)."""

    id: str = ""
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Event:
    """One daemon event.

    ``time_nano`` keeps the daemon's nanoseconds exactly; ``time`` is the same
    instant as an aware UTC datetime (microsecond precision). ``raw`` is the
    message as the daemon sent it. A plain dataclass, not a pydantic model:
    events can arrive by the thousand and the daemon's fields need no validation.
    """

    type: str = ""
    action: str = ""
    actor: EventActor = field(default_factory=EventActor)
    scope: str = "local"
    time_nano: int = 0
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_message(cls, message: Mapping[str, Any]) -> Event:
        """Build an event from a daemon message, old (``status``/``id``) fields included.

        A message of the current form (an ``Actor`` object, an integer ``timeNano``) is
        taken as the daemon sent it: its attributes dict and the message itself become
        ``attributes`` and ``raw`` without copies or conversions, which makes replaying
        thousands of events about three times cheaper per event.
        """
        actor = message.get("Actor")
        time_nano = message.get("timeNano")
        if type(actor) is dict and type(time_nano) is int and type(message) is dict:
            attributes = actor.get("Attributes")
            typed_actor = _new(EventActor)
            _set(typed_actor, "id", actor.get("ID", ""))
            _set(typed_actor, "attributes", {} if attributes is None else attributes)
            event = _new(cls)
            _set(event, "type", message.get("Type", ""))
            _set(event, "action", message.get("Action", message.get("status", "")))
            _set(event, "actor", typed_actor)
            _set(event, "scope", message.get("scope", "local"))
            _set(event, "time_nano", time_nano)
            _set(event, "raw", message)
            return event
        if actor is None:
            actor = {"ID": message["id"]} if "id" in message else {}
        if time_nano is None:
            time_nano = int(message.get("time", 0)) * _NANOS
        return cls(
            type=str(message.get("Type", "")),
            action=str(message.get("Action", message.get("status", ""))),
            actor=EventActor(
                id=str(actor.get("ID", "")),
                attributes={str(k): str(v) for k, v in (actor.get("Attributes") or {}).items()},
            ),
            scope=str(message.get("scope", "local")),
            time_nano=int(time_nano),
            raw=dict(message),
        )

    @property
    def id(self) -> str:
        """The actor's id (a container id, volume name...)."""
        return self.actor.id

    @property
    def attributes(self) -> dict[str, str]:
        return self.actor.attributes

    @property
    def status(self) -> str:
        """The action without its detail: ``"health_status"`` for ``"health_status: healthy"``."""
        return self.action.split(":", 1)[0]

    @property
    def time(self) -> datetime:
        return datetime.fromtimestamp(self.time_nano // _NANOS, timezone.utc).replace(
            microsecond=(self.time_nano % _NANOS) // 1000
        )

    @property
    def key(self) -> EventKey:
        """What identifies one event when a resumed stream replays it."""
        return (self.time_nano, self.actor.id, self.action, self.type)


def format_timestamp(value: Timestamp, name: str = "since") -> str:
    """A ``since``/``until`` value as the daemon parses it: ``seconds[.nanoseconds]``.

    Takes a datetime (naive means UTC, as in docker-py), epoch seconds as int
    or float, or a string passed through unchanged (e.g. ``"10m"``).
    """
    if isinstance(value, str):
        return value
    return to_timestamp(value, name)


def _parse_nanos(value: str) -> int | None:
    """``"seconds[.fraction]"`` as epoch nanoseconds; ``None`` for other forms (``"10m"``)."""
    seconds, _, fraction = value.partition(".")
    if not seconds.isdigit() or (fraction and not fraction.isdigit()):
        return None
    return int(seconds) * _NANOS + int(fraction[:9].ljust(9, "0") or 0)


def format_nanos(nanos: int) -> str:
    """Epoch nanoseconds as a ``since``/``until`` value: ``"1700000000.000000005"``."""
    return f"{nanos // _NANOS}.{nanos % _NANOS:09d}"


class _EventDecoder:
    """JSON messages in, new events out: drops the replays a resumed stream gets.

    It outlives the connections of a resuming stream (``reset()`` starts a
    fresh JSON decoder for each) so that it remembers what was delivered. A
    stream that does not resume never reconnects, so nothing is remembered
    (``remember=False``): each event is only converted.
    """

    def __init__(self, convert: Callable[[Event], Any], *, remember: bool = True) -> None:
        self._convert = convert
        self._remember = remember
        self._json = JSONStreamDecoder()
        self.last_nano: int | None = None  # the newest event delivered
        self._recent: dict[EventKey, int] = {}  # delivered within the slack window

    def reset(self) -> None:
        self._json = JSONStreamDecoder()

    def feed(self, data: bytes) -> list[Any]:
        return self._accept(self._json.feed(data))

    def eof(self) -> list[Any]:
        return self._accept(self._json.eof())

    def _accept(self, messages: list[Any]) -> list[Any]:
        accepted = []
        convert, remember, recent = self._convert, self._remember, self._recent
        for message in messages:
            if type(message) is not dict and not isinstance(message, Mapping):
                raise InvalidResponse(f"events: a message is not a JSON object: {message!r:.100}")
            try:
                event = Event.from_message(message)
            except (TypeError, ValueError, AttributeError) as exc:
                raise InvalidResponse(
                    f"events: a message the API does not allow ({exc}): {message!r:.200}"
                ) from None
            if remember:
                key = event.key
                if key in recent:
                    continue  # a resumed stream's replay of an event already delivered
                recent[key] = event.time_nano
                if self.last_nano is None or event.time_nano > self.last_nano:
                    self.last_nano = event.time_nano
            accepted.append(convert(event))
        if remember:
            self._forget_old()
        return accepted

    def _forget_old(self) -> None:
        if self.last_nano is None:
            return
        horizon = self.last_nano - _RESUME_SLACK
        while self._recent:
            key, nano = next(iter(self._recent.items()))
            if nano >= horizon:
                break
            del self._recent[key]


class EventStream(DockerStream[T]):
    """Async iterator over daemon events; close it with ``aclose()`` or ``async with``.

    Yields each [`Event`][aiocontainers.Event] passed through ``convert`` (see
    `open_events()`). ``reconnects`` counts the resumptions so far. A
    resuming stream retries only after it has once connected: a daemon that
    cannot be reached at the first connection raises at once. Dropping the stream frees its
    connection; closing it twice is a no-op, and closing it while another task
    waits for the next event ends that task's iteration.
    """

    def __init__(
        self,
        transport: Transport,
        *,
        since: Timestamp | None = None,
        until: Timestamp | None = None,
        filters: Mapping[str, str | Sequence[str] | Mapping[str, bool]] | None = None,
        convert: Callable[[Event], T],
        resume: bool = False,
        retry_budget: float = 30.0,
    ) -> None:
        if (
            isinstance(retry_budget, bool)
            or not isinstance(retry_budget, (int, float))
            or not 0 <= retry_budget < float("inf")
        ):
            raise InvalidArgument(
                f"retry_budget must be a finite number of seconds >= 0, got {retry_budget!r}"
            )
        super().__init__(self._first_connection, name="events")
        self._transport = transport
        self._since = None if since is None else format_timestamp(since)
        self._until = None if until is None else format_timestamp(until, "until")
        self._filters = _normalize_filters(filters)
        self._events = _EventDecoder(convert, remember=resume)
        self._resume = resume
        self._retry_budget = retry_budget
        # Events count from now, not from the first read: the stream connects on first
        # use and asks for the events since this moment (docker-py subscribes here).
        self._started_nano = time.time_ns()
        self.reconnects = 0

    # -- connection -------------------------------------------------------------

    def _params(self) -> dict[str, Any]:
        since = self._since
        last = self._events.last_nano
        if last is not None:
            # Never earlier than what was asked for: those events were not wanted.
            floor = _parse_nanos(since) if since is not None else self._started_nano
            resume_at = last - _RESUME_SLACK
            since = format_nanos(resume_at if floor is None else max(resume_at, floor))
        elif since is None and self._until is None:
            # The daemon subscribes only after answering; asking for the events
            # since events() was called also delivers those that happened in between.
            since = format_nanos(self._started_nano)
        return {"since": since, "until": self._until, "filters": self._filters}

    async def _connect_once(self) -> None:
        self._events.reset()
        self._source = await self._transport.open_stream("GET", "/events", params=self._params())
        self._decoder = self._events

    async def _first_connection(self) -> tuple[ChunkSource, Decoder[T]]:
        await self._connect_once()
        assert self._source is not None
        return self._source, self._events

    async def _reconnect(self) -> None:
        """Retry until the daemon answers or the budget is spent."""
        deadline = time.monotonic() + self._retry_budget
        delay = _BACKOFF_START
        while True:
            try:
                await self._connect_once()
            except (DaemonUnavailable, StreamError, Timeout) as exc:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise DaemonUnavailable(
                        f"events stream could not reconnect within {self._retry_budget} s: {exc}",
                        url=self._transport.endpoint.url,
                    ) from exc
                await anyio.sleep(min(delay, left))
                delay = min(delay * 2, _BACKOFF_MAX)
                continue
            if self._closed:  # closed by another task meanwhile
                self._release()
            self.reconnects += 1
            log_event("docker.events.resumed", since=self._params()["since"])
            return

    async def _on_broken(self, error: StreamError) -> None:
        if not self._resume:
            raise error
        log_event("docker.events.broken", error=str(error))
        await self._reconnect()

    async def _on_end(self) -> bool:
        if self._until is not None:
            return True
        await self._on_broken(StreamError("the daemon ended the events stream"))
        return self._source is None


def _normalize_filters(
    filters: Mapping[str, str | Sequence[str] | Mapping[str, bool]] | None,
) -> dict[str, list[str]] | None:
    """Filters as the daemon wants them: ``{"type": ["container"], ...}``.

    A single string becomes a one-item list; docker-py's ``{"label": {"a=b": True}}``
    style maps keep their true keys.
    """
    if not filters:
        return None
    out: dict[str, list[str]] = {}
    for key, value in filters.items():
        if isinstance(value, str):
            out[key] = [value]
        elif isinstance(value, Mapping):
            out[key] = [k for k, v in value.items() if v]
        else:
            out[key] = [str(v) for v in value]
    return out


def _as_dict(event: Event) -> dict[str, Any]:
    return event.raw


def _as_bytes(event: Event) -> bytes:
    return json.dumps(event.raw, separators=(",", ":")).encode()


def _as_event(event: Event) -> Event:
    return event


def open_events(
    transport: Transport, *, decode: bool | None = None, **options: Any
) -> EventStream[Any]:
    """An [`EventStream`][aiocontainers.EventStream] yielding events typed (``None``), as dicts or
    as bytes."""
    convert: Callable[[Event], Any]
    if decode is None:
        convert = _as_event
    elif decode:
        convert = _as_dict
    else:
        convert = _as_bytes
    return EventStream(transport, convert=convert, **options)
