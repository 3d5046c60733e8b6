"""Run a coroutine function on a private event loop, whatever state the caller's loop is in.

Fixture teardown must not depend on the test's event loop: after a Ctrl-C, or
under another plugin's loop management, that loop may be broken, closed or
not running. A private loop in a daemon thread works from any synchronous
context, and a Ctrl-C that interrupts the wait leaves the work finishing in
its thread (the watchdog removes whatever a cut-short cleanup missed).
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import anyio

__all__ = ["run_off_loop"]

T = TypeVar("T")


def run_off_loop(func: Callable[..., Awaitable[T]], *args: Any, timeout: float = 120.0) -> T:
    """``anyio.run(func, *args)`` in a fresh thread; its result or exception."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["result"] = anyio.run(func, *args)
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True, name="aiocontainers cleanup")
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise TimeoutError(f"{getattr(func, '__name__', func)} took longer than {timeout} s")
    if "error" in outcome:
        raise outcome["error"]
    result: T = outcome["result"]
    return result
