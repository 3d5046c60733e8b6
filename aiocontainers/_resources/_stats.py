"""Resource usage statistics: ``container.stats()``."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any, Literal, overload

from .._validation import validated
from ..errors import InvalidArgument, InvalidResponse
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


class _SampleBytes:
    """Raw stats bytes in, each sample's JSON line (newline kept) out: ``decode=False``."""

    __slots__ = ("_pending",)

    def __init__(self) -> None:
        self._pending = b""

    def feed(self, data: bytes) -> list[bytes]:
        *lines, self._pending = (self._pending + data).split(b"\n")
        return [line + b"\n" for line in lines if line.strip()]

    def eof(self) -> list[bytes]:
        rest, self._pending = self._pending, b""
        return [rest] if rest.strip() else []


class StatsMixin(Model):
    """The stats method of [`Container`][aiocontainers.Container]."""

    @overload
    def stats(
        self,
        decode: Literal[True] | None = ...,
        stream: Literal[True] = True,
        one_shot: None = None,
    ) -> StatsStream: ...

    @overload
    def stats(
        self, decode: Literal[False], stream: Literal[True] = True, one_shot: None = None
    ) -> DockerStream[bytes]: ...

    @overload
    def stats(
        self, decode: None = None, *, stream: Literal[False], one_shot: bool | None = ...
    ) -> Coroutine[Any, Any, dict[str, Any]]: ...

    @validated
    def stats(
        self, decode: bool | None = None, stream: bool = True, one_shot: bool | None = None
    ) -> StatsStream | DockerStream[bytes] | Coroutine[Any, Any, dict[str, Any]]:
        """Resource usage, like ``docker stats``; docker-py's parameters and results.

        ``stream=True`` (the default, as in docker-py) returns at once an
        async iterator of dicts, one per second, that ends when the
        container stops (docker-py's yields empty samples forever); with
        ``decode=False`` each sample's JSON bytes, as docker-py yields them
        (its default; ours is dicts). ``await container.stats(stream=False)``
        returns one dict: the two-sample reading docker-py returns (about two
        seconds, ``precpu_stats`` filled), or with ``one_shot=True`` (API 1.41)
        a single fast sample with ``precpu_stats`` empty.
        """
        path, args = "/containers/{id}/stats", {"id": self.id}
        if not stream:
            if decode:
                raise InvalidArgument("decode is only available with stream=True")
            return self._stats_once(one_shot)
        if one_shot:
            raise InvalidArgument("one_shot is only available with stream=False")
        name = f"stats of {self.short_id}"

        async def open_response() -> ChunkSource:
            return await self._transport.open_stream(
                "GET", path, path_args=args, params={"stream": True}
            )

        if decode is False:

            async def open_raw() -> tuple[ChunkSource, Decoder[bytes]]:
                return await open_response(), _SampleBytes()

            return DockerStream(open_raw, name=name)

        async def open_stats() -> tuple[ChunkSource, Decoder[dict[str, Any]]]:
            return await open_response(), JSONDecoder()

        return StatsStream(open_stats, name=name)

    async def _stats_once(self, one_shot: bool | None) -> dict[str, Any]:
        if one_shot:
            await self._transport.require_version("1.41", "stats(one_shot=True)")
        params = {"stream": False, "one-shot": True if one_shot else None}
        stats: dict[str, Any] = await self._transport.request_json(
            "GET", "/containers/{id}/stats", path_args={"id": self.id}, params=params, expect=dict
        )
        return stats
