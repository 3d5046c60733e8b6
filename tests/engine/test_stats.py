"""Container stats against the real engine: one-shot and streamed."""

from __future__ import annotations

import json

import anyio
import pytest

from aiocontainers import DockerClient, InvalidArgument

from .test_logs import Runner, acquired, run

__all__ = ["run"]  # the fixture, imported for use here


async def test_stats_one_shot_is_a_dict_without_a_previous_sample(run: Runner) -> None:
    c = await run("sleep 60")
    with anyio.fail_after(10):
        stats = await c.stats(stream=False, one_shot=True)
    assert stats["id"] == c.id
    assert stats["memory_stats"]["usage"] > 0
    assert "cpu_stats" in stats
    assert not stats["precpu_stats"].get("cpu_usage", {}).get("total_usage")


async def test_stats_not_streamed_waits_for_two_samples_as_docker_py(run: Runner) -> None:
    c = await run("sleep 60")
    with anyio.fail_after(10):
        stats = await c.stats(stream=False)
    assert stats["precpu_stats"]["cpu_usage"]["total_usage"] > 0


async def test_stats_decode_false_yields_each_sample_as_json_bytes(run: Runner) -> None:
    c = await run("sleep 60")
    with anyio.fail_after(15):
        async with c.stats(decode=False) as samples:
            first = await samples.__anext__()
            second = await samples.__anext__()
    assert isinstance(first, bytes) and first.endswith(b"\n")
    assert json.loads(first)["id"] == json.loads(second)["id"] == c.id


async def test_stats_refuses_options_docker_py_refuses(run: Runner) -> None:
    c = await run("sleep 60")
    with pytest.raises(InvalidArgument, match="decode"):
        await c.stats(stream=False, decode=True)  # type: ignore[call-overload]
    with pytest.raises(InvalidArgument, match="one_shot"):
        c.stats(one_shot=True)  # type: ignore[call-overload]


async def test_stats_stream_yields_dicts_and_releases(client: DockerClient, run: Runner) -> None:
    c = await run("sleep 60")
    seen = []
    with anyio.fail_after(15):
        async for stats in c.stats(decode=True):
            seen.append(stats)
            if len(seen) == 2:
                break
    assert [s["id"] for s in seen] == [c.id, c.id]
    assert seen[0]["read"] != seen[1]["read"]
    assert acquired(client) == 0


async def test_stats_stream_ends_when_container_stops(client: DockerClient, run: Runner) -> None:
    c = await run("sleep 1.5")
    with anyio.fail_after(15):
        samples = [s async for s in c.stats()]
    assert 1 <= len(samples) <= 3
    assert all(s["pids_stats"].get("current", 0) >= 1 for s in samples)
    assert acquired(client) == 0
