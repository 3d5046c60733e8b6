"""Resource usage statistics: ``container.stats()``."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any, Literal, overload

from .._validation import validated
from .._version import version_lt
from ..errors import InvalidResponse
from ._base import Model
from ._streaming import ChunkSource, Decoder, DockerStream, JSONDecoder

__all__ = ["StatsMixin", "StatsStream"]


# The daemon keeps streaming samples stamped with Go's zero time once the
# container is not running; the stream ends there instead of running forever.
_NOT_RUNNING = "0001-01-01T00:00:00Z"


class StatsStream(DockerStream[dict[str, Any]]):
    """Stats samples as dicts, one per second, until the container stops."""

    async def __anext__(self) -> dict[str, Any]:
        sample = await super().__anext__()
        if not isinstance(sample, dict):
            self._end_now()
            raise InvalidResponse(f"{self._name}: a sample is not a JSON object: {sample!r:.100}")
        if sample.get("read") == _NOT_RUNNING:
            self._end_now()
            raise StopAsyncIteration
        return sample


class StatsMixin(Model):
    """The stats method of [`Container`][aiocontainers.Container]."""

    @overload
    def stats(
        self, *, stream: Literal[True] = True, decode: bool | None = ..., one_shot: None = None
    ) -> StatsStream: ...

    @overload
    def stats(
        self, *, stream: Literal[False], decode: bool | None = ..., one_shot: bool | None = ...
    ) -> Coroutine[Any, Any, dict[str, Any]]: ...

    @validated
    def stats(
        self, *, stream: bool = True, decode: bool | None = None, one_shot: bool | None = None
    ) -> StatsStream | Coroutine[Any, Any, dict[str, Any]]:
        """Resource usage, like ``docker stats``.

        ``stream=True`` (the default, as in docker-py) returns at once an
        async iterator of dicts, one per second, that ends when the
        container stops (docker-py's yields empty samples forever).
        ``await container.stats(stream=False)`` returns one dict; on API >=
        1.41 it is a one-shot sample by default (fast, but ``precpu_stats``
        is empty) -- pass ``one_shot=False`` for the two-sample reading
        docker-py returns. Streamed stats are always decoded; ``decode`` is
        accepted for docker-py compatibility.
        """
        del decode  # always decoded
        path, args = "/containers/{id}/stats", {"id": self.id}
        if not stream:
            return self._stats_once(one_shot)

        async def open_stats() -> tuple[ChunkSource, Decoder[dict[str, Any]]]:
            response = await self._transport.open_stream(
                "GET", path, path_args=args, params={"stream": True}
            )
            return response, JSONDecoder()

        return StatsStream(open_stats, name=f"stats of {self.short_id}")

    async def _stats_once(self, one_shot: bool | None) -> dict[str, Any]:
        if one_shot is None:
            one_shot = not version_lt(await self._transport.api_version(), "1.41")
        elif one_shot:
            await self._transport.require_version("1.41", "stats(one_shot=True)")
        params = {"stream": False, "one-shot": True if one_shot else None}
        stats: dict[str, Any] = await self._transport.request_json(
            "GET", "/containers/{id}/stats", path_args={"id": self.id}, params=params, expect=dict
        )
        return stats
