"""Call deadlines on one loop timer (aiocontainers._deadlines): what expires, what passes
through, and that calls starting in deadline order never move the timer."""

from __future__ import annotations

import asyncio

import anyio
import pytest

from aiocontainers._deadlines import Deadlines

pytestmark = pytest.mark.anyio


async def test_a_call_past_its_deadline_raises_timeout_error() -> None:
    deadlines = Deadlines()
    start = asyncio.get_running_loop().time()
    with pytest.raises(TimeoutError):
        with deadlines.within(0.05):
            await asyncio.sleep(10)
    assert 0.04 < asyncio.get_running_loop().time() - start < 1
    assert not deadlines._calls


async def test_a_call_within_its_deadline_is_untouched() -> None:
    deadlines = Deadlines()
    with deadlines.within(5):
        await asyncio.sleep(0.01)
    assert not deadlines._calls
    await asyncio.sleep(0)  # no cancellation left pending on this task


async def test_calls_in_deadline_order_share_one_timer() -> None:
    deadlines = Deadlines()
    results: list[str] = []

    async def call(seconds: float, work: float, name: str) -> None:
        try:
            with deadlines.within(seconds):
                await asyncio.sleep(work)
            results.append(f"{name} done")
        except TimeoutError:
            results.append(f"{name} timed out")

    async with anyio.create_task_group() as tg:
        tg.start_soon(call, 0.05, 10, "first")
        await asyncio.sleep(0)
        timer = deadlines._timer
        tg.start_soon(call, 0.2, 10, "second")
        tg.start_soon(call, 0.3, 0.01, "third")
        await asyncio.sleep(0)
        assert deadlines._timer is timer  # later deadlines did not re-arm it
        await asyncio.sleep(0.1)
        assert results == ["third done", "first timed out"]
        assert deadlines._timer is not None and deadlines._timer is not timer  # re-armed
    assert results == ["third done", "first timed out", "second timed out"]


async def test_an_earlier_deadline_moves_the_timer() -> None:
    deadlines = Deadlines()

    async def call(seconds: float) -> None:
        with pytest.raises(TimeoutError), deadlines.within(seconds):
            await asyncio.sleep(10)

    start = asyncio.get_running_loop().time()
    async with anyio.create_task_group() as tg:
        tg.start_soon(call, 5)
        await asyncio.sleep(0)
        with pytest.raises(TimeoutError), deadlines.within(0.05):
            await asyncio.sleep(10)
        assert asyncio.get_running_loop().time() - start < 1
        tg.cancel_scope.cancel()


async def test_a_cancellation_from_outside_passes_through() -> None:
    deadlines = Deadlines()
    with anyio.move_on_after(0.05) as scope:
        with deadlines.within(5):
            await asyncio.sleep(10)
    assert scope.cancelled_caught
    assert not deadlines._calls


async def test_nested_calls_of_one_task_raise_one_timeout_error() -> None:
    deadlines = Deadlines()
    with pytest.raises(TimeoutError):
        with deadlines.within(0.05):
            with deadlines.within(0.05):
                await asyncio.sleep(10)
    await asyncio.sleep(0.01)  # the task is not cancelled afterwards
