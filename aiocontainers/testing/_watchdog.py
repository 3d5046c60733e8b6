"""The watchdog: a detached process per test run that cleans up after it, however it ends.

[`Watchdog.start()`][aiocontainers.testing.Watchdog.start] runs ``python -m
aiocontainers.testing._watchdog`` in a session of its own (so the terminal's Ctrl-C does not reach
it) with a pipe from the test process on its stdin. While the pipe is open the watchdog renews the
run's lease (`_lease`) and, in the background, reaps what runs that died before left behind. When
the pipe closes -- the run released it, or the process exited or was killed, even with SIGKILL,
since the kernel closes a dead process's descriptors -- it removes every resource labelled with the
run's session id and the lease, prints a JSON report and exits. It sweeps once more a moment
later (2 s after a death, 1 s after a release), for requests still in flight: a dying process's,
or a create that Ctrl-C cancelled and the daemon completes after the first pass. No image is
needed: it is this library, run by the same Python.

``AIOCONTAINERS_LEASE_TTL`` (seconds, at most the default 60) shortens the
lease, for tests of the reaping itself.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import asdict
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import anyio
import anyio.to_thread

from .._client import from_env
from ..errors import DockerException
from ._cleanup import SESSION_LABEL, CleanupReport, TestSession, remove_labelled
from ._lease import LEASE_TTL, reap_orphans, release_lease, renew_lease

__all__ = ["Watchdog", "WatchdogError"]

READY = "ready"
_BYE = b"bye"
_SWEEP_DEADLINE = 120.0  # seconds the watchdog keeps trying when the engine fails
_SETTLE = 2.0  # seconds for a dead owner's requests in flight to land
_SETTLE_RELEASED = 1.0  # the same after a release: only a cancelled create can be in flight


class WatchdogError(DockerException):
    """The watchdog could not start (its last output says why)."""


class Watchdog:
    """The parent's side of a watchdog process: start it, and release it at the end.

    Also a context manager: ``with Watchdog.start(session): ...``.
    """

    def __init__(self, session: TestSession, process: subprocess.Popen[bytes], log: IO[bytes]):
        self.session = session
        self.process = process
        self._log = log
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._report: dict[str, Any] | None = None
        threading.Thread(target=self._read, daemon=True, name="aiocontainers watchdog").start()

    @classmethod
    def spawn(cls, session: TestSession) -> Watchdog:
        """Start the watchdog process for ``session`` (see
        [`wait_ready()`][aiocontainers.testing.Watchdog.wait_ready])."""
        log = tempfile.TemporaryFile()
        # The child imports this very package, wherever it was imported from here.
        package_root = str(Path(__file__).resolve().parents[2])
        path = os.environ.get("PYTHONPATH")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, path]))}
        process = subprocess.Popen(
            [sys.executable, "-m", "aiocontainers.testing._watchdog", session.id],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            start_new_session=True,
            env=env,
        )
        return cls(session, process, log)

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Return once the watchdog holds the run's lease; WatchdogError if it cannot."""
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            line = None
        if line != READY:
            self.process.kill()
            message = f"the aiocontainers watchdog did not start: {self.output() or 'no output'}"
            if self.process.stdin is not None:
                self.process.stdin.close()
            self._close(timeout=10)
            raise WatchdogError(message)

    @classmethod
    def start(cls, session: TestSession, *, timeout: float = 60.0) -> Watchdog:
        """Start the watchdog for ``session``; returns once it holds the run's lease."""
        watchdog = cls.spawn(session)
        watchdog.wait_ready(timeout)
        return watchdog

    def _read(self) -> None:
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            self._lines.put(raw.decode(errors="replace").strip())
        self._lines.put(None)

    def output(self) -> str:
        """What the watchdog wrote to stderr so far (its errors)."""
        self._log.seek(0)
        return self._log.read().decode(errors="replace").strip()

    def let_go(self) -> None:
        """Tell the watchdog the run is over, without waiting: it starts its sweep."""
        stdin = self.process.stdin
        if stdin is not None and not stdin.closed:
            try:
                stdin.write(_BYE)
                stdin.close()
            except OSError:  # it died; it sweeps all the same
                pass

    def release(self, timeout: float = 60.0) -> dict[str, Any] | None:
        """Tell the watchdog the run is over and wait up to ``timeout`` s for its sweep.

        Returns its report (``removed`` and ``reaped``, each a
        [`CleanupReport`][aiocontainers.testing.CleanupReport] as a dict), or ``None`` if it did
        not answer in time -- it then finishes on its own. Releasing twice returns the same.
        """
        self.let_go()
        if self._report is None:
            try:
                while (line := self._lines.get(timeout=timeout)) is not None:
                    if line.startswith("{"):
                        self._report = json.loads(line)
                        break
            except queue.Empty:
                return None  # it goes on alone, detached
            self._close(timeout)
        return self._report

    def _close(self, timeout: float) -> None:
        """Reap the exiting process and close our ends of its pipes."""
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._log.close()

    def __enter__(self) -> Watchdog:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


# -- the watchdog process -----------------------------------------------------------


async def _owner_gone() -> bool:
    """Return when stdin reaches end of file: True if the owner said bye first, False
    if it died (or closed the pipe without a word)."""
    received = b""
    while chunk := await anyio.to_thread.run_sync(os.read, 0, 1024, abandon_on_cancel=True):
        received += chunk
    return received.endswith(_BYE)


def _say(text: str) -> None:
    try:
        print(text, flush=True)
    except (BrokenPipeError, ValueError):  # the owner is gone; nobody reads
        pass


def _lease_ttl() -> float:
    try:
        return min(float(os.environ["AIOCONTAINERS_LEASE_TTL"]), LEASE_TTL)
    except (KeyError, ValueError):
        return LEASE_TTL


async def _keep_renewing(session_id: str, ttl: float) -> None:
    async with from_env() as client:
        while True:
            await anyio.sleep(ttl / 6)
            try:
                await renew_lease(client, session_id, ttl)
            except DockerException as exc:
                print(f"lease renewal failed: {exc}", file=sys.stderr, flush=True)


async def _reap_others(session_id: str, reaped: CleanupReport) -> None:
    async with from_env() as client:
        try:
            reaped.merge(await reap_orphans(client, keep=[session_id]))
        except DockerException as exc:
            print(f"reaping dead runs failed: {exc}", file=sys.stderr, flush=True)


async def _sweep(session_id: str, *, until_empty: bool) -> CleanupReport:
    """Remove everything of the session, retrying while the engine fails; with
    ``until_empty``, pass again until a pass finds nothing (requests in flight)."""
    removed = CleanupReport()
    delay = 0.5
    with anyio.move_on_after(_SWEEP_DEADLINE):
        while True:
            try:
                async with from_env() as client:
                    label = f"{SESSION_LABEL}={session_id}"
                    while (report := await remove_labelled(client, label)) and until_empty:
                        removed.merge(report)
                    removed.merge(report)
                    await release_lease(client, session_id)
                return removed
            except DockerException as exc:
                print(f"cleanup failed, retrying: {exc}", file=sys.stderr, flush=True)
                await anyio.sleep(delay)
                delay = min(delay * 2, 10.0)
    return removed


async def _watch(session_id: str) -> None:
    ttl = _lease_ttl()
    async with from_env() as client:
        await renew_lease(client, session_id, ttl)
    _say(READY)
    reaped = CleanupReport()
    async with anyio.create_task_group() as tg:
        tg.start_soon(_keep_renewing, session_id, ttl)
        tg.start_soon(_reap_others, session_id, reaped)
        released = await _owner_gone()
        tg.cancel_scope.cancel()
    # A second pass, later, for requests still in flight: a dead owner's, or a create the
    # owner cancelled (on Ctrl-C) that the daemon completes after the first pass.
    removed = await _sweep(session_id, until_empty=True)
    await anyio.sleep(_SETTLE if not released else _SETTLE_RELEASED)
    removed.merge(await _sweep(session_id, until_empty=True))
    _say(json.dumps({"removed": asdict(removed), "reaped": asdict(reaped)}))


def main(argv: list[str]) -> int:
    """``python -m aiocontainers.testing._watchdog SESSION_ID``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the test run, not for us
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        anyio.run(_watch, argv[0])
    except DockerException as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
