"""A stack's supervisor feed: what happens to its services, from the daemon's events.

[`StackEvents`][aiocontainers.StackEvents] reads the daemon's container events filtered to the
stack's project label and turns them into [`StackEvent`][aiocontainers.StackEvent] records:
``started``, ``restarted`` (a start after the container had died, such as a
restart policy's), ``exited`` (with the exit code), ``healthy`` and
``unhealthy``. No task runs behind it: each ``__anext__`` reads the stream.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Literal

from typing_extensions import Self

from .._resources.events import Event, EventStream
from .._validation import validated
from ._labels import SERVICE

__all__ = ["StackEvent", "StackEventKind", "StackEvents"]

StackEventKind = Literal["started", "restarted", "exited", "healthy", "unhealthy"]


@dataclass(frozen=True, slots=True)
class StackEvent:
    """Something that happened to one container of a stack's service."""

    kind: StackEventKind
    service: str
    container: str
    container_id: str
    time: datetime
    exit_code: int | None = None


class StackEvents:
    """Async iterator of [`StackEvent`][aiocontainers.StackEvent]; close it with ``aclose()`` or
    ``async with``."""

    def __init__(self, events: EventStream[Event]) -> None:
        self._events = events
        self._died: set[str] = set()

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> StackEvent:
        while True:
            event = await self._events.__anext__()
            converted = self._convert(event)
            if converted is not None:
                return converted

    def _convert(self, event: Event) -> StackEvent | None:
        action = event.action
        kind: StackEventKind
        exit_code = None
        if action == "start":
            kind = "restarted" if event.id in self._died else "started"
        elif action == "die":
            self._died.add(event.id)
            kind = "exited"
            code = event.attributes.get("exitCode")
            exit_code = int(code) if code is not None and code.lstrip("-").isdigit() else None
        elif action == "health_status: healthy":
            kind = "healthy"
        elif action == "health_status: unhealthy":
            kind = "unhealthy"
        else:
            return None
        return StackEvent(
            kind=kind,
            service=event.attributes.get(SERVICE, ""),
            container=event.attributes.get("name", ""),
            container_id=event.id,
            time=event.time,
            exit_code=exit_code,
        )

    @validated
    async def aclose(self) -> None:
        """Close the underlying events connection."""
        await self._events.aclose()

    async def __aenter__(self) -> Self:
        await self._events.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
