"""After Ctrl-C, make sure the interpreter actually exits.

When a KeyboardInterrupt strikes while a test blocks its event loop, the
loop's runner may never be closed, and a thread it started -- anyio's idle
worker threads are not daemons -- then keeps ``threading._shutdown`` waiting
forever: pytest has printed its summary but the process never ends, and
only a second Ctrl-C helps. :func:`arm` starts a daemon thread that watches
for exactly that state (the main thread inside ``threading._shutdown``) and,
once it has lasted ``grace`` seconds, flushes the output and ends the
process with pytest's "interrupted" exit status.
"""

from __future__ import annotations

import os
import sys
import threading
import time

__all__ = ["arm"]

_INTERRUPTED = 2  # pytest.ExitCode.INTERRUPTED
_armed = False


def _main_thread_is_shutting_down() -> bool:
    ident = threading.main_thread().ident
    frame = sys._current_frames().get(ident) if ident is not None else None
    return (
        frame is not None
        and frame.f_code.co_name == "_shutdown"
        and frame.f_code.co_filename == threading.__file__
    )


def _watch(grace: float) -> None:
    since: float | None = None
    while True:
        time.sleep(0.05)
        if not _main_thread_is_shutting_down():
            since = None
            continue
        since = since or time.monotonic()
        if time.monotonic() - since >= grace:
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except (OSError, ValueError):
                    pass
            os._exit(_INTERRUPTED)


def arm(grace: float = 0.5) -> None:
    """Start the guard (once per process)."""
    global _armed
    if not _armed:
        _armed = True
        threading.Thread(
            target=_watch, args=(grace,), daemon=True, name="aiocontainers exit guard"
        ).start()
