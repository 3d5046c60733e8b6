"""The sync shim's portal: calls into a background loop from any thread, no engine."""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from aiocontainers.errors import NotFound
from aiocontainers.sync import PortalClosed
from aiocontainers.sync._portal import Portal


@pytest.fixture
def portal() -> object:
    p = Portal()
    yield p
    p.close()


async def _loop_thread_name() -> str:
    await asyncio.sleep(0)
    return threading.current_thread().name


def test_call_runs_in_the_loop_thread(portal: Portal) -> None:
    assert portal.call(_loop_thread_name) == "aiocontainers-sync"
    # A plain function runs there too, and is not awaited.
    assert portal.call(lambda: threading.current_thread().name) == "aiocontainers-sync"


def test_exceptions_propagate_unchanged(portal: Portal) -> None:
    async def fail() -> None:
        raise NotFound("gone", status_code=404)

    with pytest.raises(NotFound) as caught:
        portal.call(fail)
    assert caught.value.status_code == 404


def test_call_from_the_loop_thread_is_an_error_not_a_deadlock(portal: Portal) -> None:
    def nested() -> object:
        return portal.call(_loop_thread_name)

    with pytest.raises(RuntimeError, match="own event loop thread"):
        portal.call(nested)


def test_call_from_a_thread_running_another_loop() -> None:
    """Legacy sync code called inside asyncio.run (or Jupyter) does not deadlock."""
    portal = Portal()

    async def app() -> str:
        result: str = portal.call(_loop_thread_name)
        return result

    try:
        assert asyncio.run(app()) == "aiocontainers-sync"
    finally:
        portal.close()


def test_many_threads_at_once(portal: Portal) -> None:
    async def echo(value: int) -> int:
        await asyncio.sleep(0)
        return value

    def worker(base: int) -> list[int]:
        return [portal.call(echo, base + i) for i in range(50)]

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(worker, range(0, 800, 100)))
    assert results == [list(range(base, base + 50)) for base in range(0, 800, 100)]


def test_close_cancels_calls_in_flight_and_later_calls_fail() -> None:
    portal = Portal()
    started = threading.Event()

    async def forever() -> None:
        started.set()
        await asyncio.sleep(3600)

    outcome: list[BaseException] = []

    def caller() -> None:
        try:
            portal.call(forever)
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=caller)
    thread.start()
    assert started.wait(5)
    portal.close()
    thread.join(5)
    assert len(outcome) == 1 and isinstance(outcome[0], PortalClosed)
    with pytest.raises(PortalClosed, match="closed"):
        portal.call(_loop_thread_name)
    portal.close()  # twice is a no-op


def test_closers_run_on_close() -> None:
    portal = Portal()
    closed: list[str] = []

    async def closer() -> None:
        closed.append(threading.current_thread().name)

    portal.add_closer(closer)
    portal.close()
    assert closed == ["aiocontainers-sync"]


def test_a_dropped_portal_stops_its_thread() -> None:
    before = {t for t in threading.enumerate() if t.name == "aiocontainers-sync"}
    portal = Portal()
    thread = next(
        t for t in threading.enumerate() if t.name == "aiocontainers-sync" and t not in before
    )
    assert thread.daemon  # an unclosed client never holds the interpreter's exit
    del portal
    gc.collect()
    deadline = time.monotonic() + 5
    while thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not thread.is_alive()
