"""A stand-in daemon that records every request and refuses it, for tests without an engine.

It answers every request with HTTP 500, so a call that reaches it fails with a typed
``ServerError``; tests read :attr:`Recorder.requests` to see whether a call reached the
daemon at all. It fakes none of the engine's behaviour (nothing succeeds against it).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

__all__ = ["Recorder", "start_recorder"]


@dataclass
class Recorder:
    """The requests received so far (method and path, and their headers) and the socket it
    listens on."""

    socket: Path
    requests: list[tuple[str, str]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    async def _refuse(self, request: web.Request) -> web.Response:
        self.requests.append((request.method, request.path))
        self.headers.append(dict(request.headers))
        return web.json_response({"message": "the recorder refuses every request"}, status=500)

    async def aclose(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None
        shutil.rmtree(self.socket.parent, ignore_errors=True)


async def start_recorder() -> Recorder:
    """Serve a :class:`Recorder` on a unix socket of its own, in a short directory under
    /tmp: a socket path may not exceed 107 bytes, and pytest's temporary directories (longer
    under xdist, or under a nox session's temp dir) can be longer than that."""
    recorder = Recorder(Path(tempfile.mkdtemp(prefix="aioc-rec-", dir="/tmp")) / "d.sock")
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", recorder._refuse)
    recorder.runner = web.AppRunner(app, access_log=None)
    await recorder.runner.setup()
    await web.UnixSite(recorder.runner, str(recorder.socket)).start()
    return recorder
