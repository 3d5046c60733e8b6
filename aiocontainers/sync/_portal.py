"""The blocking portal: one event loop in a background thread, called from any thread.

The contract is anyio's ``BlockingPortal`` (``call`` from other threads, an
error when called from the loop's own thread, everything in flight cancelled
on stop), with a leaner hop: anyio's ``portal.call`` spawns each call into a
task group and chains a ``concurrent.futures.Future`` (three loop iterations
and ~200 µs per call on a small VM), while a sync call here must cost at
most a quarter more than the async call it wraps. So a call is one
``call_soon_threadsafe``, one task (started eagerly where Python can) whose
last step releases a lock the caller is blocked on, and nothing else. The
benchmark (``benchmarks/bench_sync.py``) splits that floor: a bare thread
round trip on two locks, the loop's wake-up, the task.

The loop runs under ``anyio.run`` in a *daemon* thread: a script that never
closes its client still exits (the interpreter joins non-daemon threads before
``atexit`` handlers run, so a non-daemon loop thread would hang it), and the
client is closed by a ``weakref.finalize`` that also runs at exit.
"""

from __future__ import annotations

import _thread
import asyncio
import inspect
import sys
import threading
import weakref
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import anyio

from ..errors import DockerException

__all__ = ["Portal", "PortalClosed", "TaskContext"]

# How long stop() waits for the loop thread (cancelling and closing connections).
_STOP_TIMEOUT = 10.0


class PortalClosed(DockerException):
    """A sync call on a client that is closed (or was closed while the call ran)."""


class _Waiter:
    """The caller's side of one call: a lock the loop thread releases with the outcome."""

    __slots__ = ("done", "lock", "ok", "task", "value")

    def __init__(self) -> None:
        self.lock = _thread.allocate_lock()
        self.lock.acquire()
        self.ok = False
        self.done = False
        self.value: Any = None
        self.task: asyncio.Future[Any] | None = None

    def set(self, ok: bool, value: Any) -> None:
        self.ok = ok
        self.value = value
        self.done = True
        self.lock.release()


async def _settle(waiter: _Waiter, awaitable: Awaitable[Any]) -> None:
    """Await one call and hand its outcome to the caller in the same step: a done
    callback would run one loop iteration later, on every sync call."""
    try:
        value = await awaitable
    except asyncio.CancelledError:
        waiter.set(False, PortalClosed("the client was closed while this call was running"))
        raise
    except BaseException as exc:
        waiter.set(False, exc)
        return
    waiter.set(True, value)


class _Runner:
    """The loop thread and what lives on it; referenced by the thread, never by proxies."""

    def __init__(self, name: str) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.thread_id: int | None = None
        self.tasks: set[asyncio.Future[Any]] = set()
        self.closers: list[Callable[[], Awaitable[object]]] = []
        self.stopping = False
        self._stop_event: asyncio.Event | None = None
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.thread.start()
        self._ready.wait()
        if self._startup_error is not None:
            raise self._startup_error

    def _run(self) -> None:
        try:
            anyio.run(self._main, backend="asyncio")
        except BaseException as exc:  # only reachable before ready: the loop failed to start
            if not self._ready.is_set():
                self._startup_error = exc
                self._ready.set()

    async def _main(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.thread_id = threading.get_ident()
        self._stop_event = asyncio.Event()
        self._ready.set()
        await self._stop_event.wait()
        # In-flight calls and streams first (their callers get PortalClosed), then
        # the client's connections.
        pending = [task for task in self.tasks if not task.done()]
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)
        for closer in reversed(self.closers):
            try:
                await closer()
            except Exception:  # closing is best effort; the thread ends anyway
                pass

    # -- loop side ---------------------------------------------------------------

    def start_call(self, waiter: _Waiter, fn: Callable[..., Any], args: Any, kwargs: Any) -> None:
        """Run ``fn`` now, in the loop thread; an awaitable result is awaited in a task."""
        try:
            result = fn(*args, **kwargs)
        except BaseException as exc:
            waiter.set(False, exc)
            return
        if not inspect.isawaitable(result):
            waiter.set(True, result)
            return
        # Python 3.12 can start a task eagerly: the call runs up to its first wait now,
        # not one loop iteration later.
        if sys.version_info >= (3, 12):
            task: asyncio.Task[None] = asyncio.Task(
                _settle(waiter, result), loop=self.loop, eager_start=True
            )
        else:
            task = asyncio.ensure_future(_settle(waiter, result), loop=self.loop)
        waiter.task = task
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Start ``coro`` as a tracked task (loop thread only)."""
        task = self.loop.create_task(coro)  # type: ignore[union-attr]
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    # -- any thread --------------------------------------------------------------

    def stop(self) -> None:
        """Cancel what runs, close the client, end the thread; a no-op the second time."""
        if self.stopping:
            return
        self.stopping = True
        loop, event = self.loop, self._stop_event
        if loop is None or event is None:
            return
        try:
            loop.call_soon_threadsafe(event.set)
        except RuntimeError:  # the loop is already closed
            return
        if threading.get_ident() != self.thread_id:
            self.thread.join(_STOP_TIMEOUT)


class TaskContext:
    """An async context manager entered and exited by one task in the loop, from any thread.

    As anyio's ``BlockingPortal.wrap_async_context_manager``: ``__aenter__`` and
    ``__aexit__`` run in the same task, which waits in between, so cancel scopes
    and task groups the context opens stay valid. If the portal closes first, the
    task is cancelled and exits the context with the cancellation.
    """

    __slots__ = ("_entered", "_exit_info", "_exited", "_manager", "_portal", "_release")

    def __init__(self, portal: Portal, manager: Any) -> None:
        self._portal = portal
        self._manager = manager
        self._entered = _Waiter()
        self._exited = _Waiter()
        self._exit_info: tuple[Any, Any, Any] = (None, None, None)
        self._release: asyncio.Event | None = None

    async def _hold(self) -> None:
        self._release = asyncio.Event()
        try:
            value = await self._manager.__aenter__()
        except BaseException as exc:
            self._entered.set(False, exc)
            raise
        self._entered.set(True, value)
        try:
            await self._release.wait()
        except asyncio.CancelledError as exc:  # the portal is closing
            await self._manager.__aexit__(type(exc), exc, exc.__traceback__)
            self._exited.set(False, PortalClosed("the client was closed inside this block"))
            raise
        try:
            suppress = await self._manager.__aexit__(*self._exit_info)
        except BaseException as exc:
            self._exited.set(False, exc)
            return
        self._exited.set(True, bool(suppress))

    def enter(self) -> Any:
        """Run ``__aenter__`` in a new task of the loop; its result, or its exception."""
        portal = self._portal
        portal._check()

        def start() -> None:
            portal._runner.spawn(self._hold()).add_done_callback(self._finished)

        try:
            portal.loop.call_soon_threadsafe(start)
        except RuntimeError:  # the loop closed under us
            raise PortalClosed("this client is closed") from None
        return portal._outcome(self._entered)

    def _finished(self, task: asyncio.Future[Any]) -> None:
        """The task ended: whoever still waits learns the client was closed."""
        for waiter in (self._entered, self._exited):
            if not waiter.done:
                waiter.set(False, PortalClosed("the client was closed inside this block"))

    def exit(self, *exc_info: Any) -> bool:
        """Run ``__aexit__(*exc_info)`` in the same task; True when it suppresses the error."""
        self._exit_info = (*exc_info, None, None, None)[:3]
        release = self._release
        assert release is not None, "exit() before enter()"
        try:
            self._portal.loop.call_soon_threadsafe(release.set)
        except RuntimeError:  # the loop closed: the task has exited the context already
            raise PortalClosed("this client is closed") from None
        result: bool = self._portal._outcome(self._exited)
        return result


class Portal:
    """A handle on one loop thread, shared by a sync client and every proxy it made.

    When the last handle goes (the client and all objects it returned are
    garbage), or at interpreter exit, the loop thread stops and the client's
    connections close; `close()` does it at once.
    """

    __slots__ = ("__weakref__", "_finalizer", "_loop", "_runner", "_thread_id")

    def __init__(self, name: str = "aiocontainers-sync") -> None:
        runner = _Runner(name)
        self._runner = runner
        self._loop = runner.loop
        self._thread_id = runner.thread_id
        self._finalizer = weakref.finalize(self, runner.stop)

    @property
    def closed(self) -> bool:
        return self._runner.stopping

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        assert self._loop is not None
        return self._loop

    def in_loop_thread(self) -> bool:
        return threading.get_ident() == self._thread_id

    def _check(self) -> None:
        if threading.get_ident() == self._thread_id:
            raise RuntimeError(
                "a sync aiocontainers call was made from the client's own event loop "
                "thread (e.g. in a callback); it would deadlock - use the async API there"
            )
        if self._runner.stopping:
            raise PortalClosed("this client is closed")

    def call(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """Run ``fn(*args, **kwargs)`` in the loop thread and return its (awaited) result.

        Exceptions propagate unchanged. An interrupt (Ctrl-C) while waiting
        cancels the call in the loop and is re-raised.
        """
        self._check()
        waiter = _Waiter()
        try:
            self._loop.call_soon_threadsafe(  # type: ignore[union-attr]
                self._runner.start_call, waiter, fn, args, kwargs
            )
        except RuntimeError:  # the loop closed under us
            raise PortalClosed("this client is closed") from None
        try:
            waiter.lock.acquire()
        except BaseException:
            self._cancel(waiter)
            raise
        if waiter.ok:
            return waiter.value
        raise waiter.value

    def _outcome(self, waiter: _Waiter) -> Any:
        """Block until ``waiter`` is set (by a task of the loop); its value or exception."""
        waiter.lock.acquire()
        if waiter.ok:
            return waiter.value
        raise waiter.value

    def context(self, manager: Any) -> TaskContext:
        """``manager`` (an async context manager) to enter and exit in one task."""
        return TaskContext(self, manager)

    def _cancel(self, waiter: _Waiter) -> None:
        def cancel() -> None:
            if waiter.task is not None:
                waiter.task.cancel()

        if not self._runner.stopping:
            self._loop.call_soon_threadsafe(cancel)  # type: ignore[union-attr]

    def spawn_threadsafe(self, fn: Callable[[], Coroutine[Any, Any, Any]]) -> None:
        """Start ``fn()`` as a task in the loop without waiting (any thread, even the loop's)."""
        if self._runner.stopping:
            return
        runner = self._runner
        try:
            self._loop.call_soon_threadsafe(lambda: runner.spawn(fn()))  # type: ignore[union-attr]
        except RuntimeError:  # the loop is closed: nothing is left to clean up
            pass

    def add_closer(self, closer: Callable[[], Awaitable[object]]) -> None:
        """Await ``closer()`` in the loop when the portal stops (after in-flight calls end)."""
        self._runner.closers.append(closer)

    def close(self) -> None:
        """Stop the loop thread now (cancelling calls in flight); closing twice is a no-op."""
        if self.in_loop_thread():
            raise RuntimeError("a sync client cannot be closed from its own event loop thread")
        self._finalizer()
