"""Fault fixtures: a fake daemon and a fault-injecting proxy, both on unix sockets.

Only for what no healthy engine produces: garbage, stalls, cut connections.
Behaviour is tested against the real engine; these break the wire around it.

- :class:`FakeDaemon`: a small aiohttp app answering like a daemon (``/_ping``
  and ``/version`` built in); tests add routes whose handlers misbehave.
- :class:`FaultProxy`: a unix socket in front of the engine's, forwarding
  byte for byte except where a :class:`Fault` matches a request: stall before
  the answer's headers, stall or cut mid-body at a byte offset, drop the
  answer after the daemon acted, or answer garbage.

Each proxied connection carries one request (the proxy adds ``Connection:
close``), so a fault applies to exactly the requests it matches.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pytest
from aiohttp import web

__all__ = ["FakeDaemon", "Fault", "FaultProxy", "fake_daemon", "fault_proxy"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class FakeDaemon:
    """An aiohttp app on a unix socket that answers like a Docker daemon (API 1.41)."""

    def __init__(self, socket: Path) -> None:
        self.socket = socket
        self.url = f"unix://{socket}"
        self.app = web.Application()
        self.calls: list[str] = []
        self._runner: web.AppRunner | None = None
        self._routes: dict[tuple[str, str], Handler] = {}
        self.on("GET", "/_ping", lambda _: _text("OK"))
        self.on("GET", "/version", lambda _: _json({"ApiVersion": "1.41", "Version": "20.10"}))
        self.app.router.add_route("*", "/{tail:.*}", self._dispatch)

    def on(self, method: str, endpoint: str, handler: Callable[..., Awaitable[object]]) -> None:
        """Answer ``method endpoint`` (with or without the ``/v1.xx`` prefix) with ``handler``."""
        self._routes[(method, endpoint)] = handler  # type: ignore[assignment]

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        path = re.sub(r"^/v[0-9.]+/", "/", request.path)
        self.calls.append(f"{request.method} {path}")
        handler = self._routes.get((request.method, path))
        if handler is None:
            return web.json_response({"message": f"no fake for {path}"}, status=404)
        return await handler(request)

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.UnixSite(self._runner, str(self.socket)).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


async def _text(text: str) -> web.Response:
    return web.Response(text=text)


async def _json(data: object) -> web.Response:
    return web.json_response(data)


FaultKind = Literal["stall", "stall_body", "cut", "drop_answer", "garbage"]


@dataclass
class Fault:
    """What to do to the requests matching ``method`` and ``path`` (a regex on the target).

    ``stall``: forward the request, never the answer. ``stall_body``: forward
    the headers and ``at`` bytes of body, then nothing. ``cut``: forward the
    headers and ``at`` bytes of body, then close. ``drop_answer``: forward the
    request and, once the daemon answered, close without passing the answer on.
    ``garbage``: answer ``data`` without asking the daemon. ``times``: how many
    requests it applies to (``None``: all).
    """

    kind: FaultKind
    path: str
    method: str | None = None
    at: int = 0
    data: bytes = b""
    times: int | None = 1
    hits: int = field(default=0, init=False)

    def matches(self, method: str, target: str) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        if self.method is not None and self.method != method:
            return False
        return re.search(self.path, target) is not None


class FaultProxy:
    """A unix socket in front of ``upstream`` (a daemon socket) that injects faults."""

    def __init__(self, upstream: str, socket: Path) -> None:
        self.upstream = upstream
        self.socket = socket
        self.url = f"unix://{socket}"
        self.faults: list[Fault] = []
        self.requests: list[str] = []
        self._server: asyncio.AbstractServer | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def add(self, kind: FaultKind, path: str, **options: object) -> Fault:
        fault = Fault(kind, path, **options)  # type: ignore[arg-type]
        self.faults.append(fault)
        return fault

    async def start(self) -> None:
        self._server = await asyncio.start_unix_server(self._accept, path=str(self.socket))

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(list(self._tasks))
        if self._server is not None:
            await self._server.wait_closed()

    def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.get_running_loop().create_task(self._serve(reader, writer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _serve(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        upstream_w: asyncio.StreamWriter | None = None
        try:
            try:
                head = await client_r.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                return
            method, target = head.split(b" ", 2)[:2]
            request = (method.decode(), target.decode())
            self.requests.append(" ".join(request))
            fault = next((f for f in self.faults if f.matches(*request)), None)
            if fault is not None:
                fault.hits += 1
            if fault is not None and fault.kind == "garbage":
                client_w.write(fault.data)
                await client_w.drain()
                return
            upstream_r, upstream_w = await asyncio.open_unix_connection(self.upstream)
            upstream_w.write(_one_request_per_connection(head))
            async with _pumping(client_r, upstream_w) as client_gone:
                await self._answer(fault, upstream_r, client_w, client_gone)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            for writer in (client_w, upstream_w):
                if writer is not None:
                    writer.close()

    async def _answer(
        self,
        fault: Fault | None,
        upstream: asyncio.StreamReader,
        client: asyncio.StreamWriter,
        client_gone: asyncio.Event,
    ) -> None:
        if fault is not None and fault.kind == "stall":
            await client_gone.wait()  # then the daemon's side is closed too
        if fault is not None and fault.kind == "drop_answer":
            await upstream.read(1)  # the daemon has acted on the request
            return
        head = await upstream.readuntil(b"\r\n\r\n")
        client.write(head)
        if fault is not None and fault.kind in ("stall_body", "cut"):
            body = await upstream.readexactly(fault.at) if fault.at else b""
            client.write(body)
            await client.drain()
            if fault.kind == "stall_body":
                await client_gone.wait()
            return
        while data := await upstream.read(65536):
            client.write(data)
            await client.drain()


def _one_request_per_connection(head: bytes) -> bytes:
    """The request head with ``Connection: close`` (unless it asks for an upgrade)."""
    lines = head[:-4].split(b"\r\n")
    if any(line.lower().startswith(b"upgrade:") for line in lines):
        return head
    kept = [line for line in lines if not line.lower().startswith(b"connection:")]
    return b"\r\n".join([*kept, b"Connection: close"]) + b"\r\n\r\n"


@contextlib.asynccontextmanager
async def _pumping(
    source: asyncio.StreamReader, sink: asyncio.StreamWriter
) -> AsyncIterator[asyncio.Event]:
    """Copy ``source`` to ``sink`` (request body, stdin) while the block runs.

    Yields an event set once ``source`` ended (the client hung up).
    """
    ended = asyncio.Event()

    async def pump() -> None:
        try:
            with contextlib.suppress(ConnectionError):
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
                if sink.can_write_eof():
                    sink.write_eof()
        finally:
            ended.set()

    task = asyncio.get_running_loop().create_task(pump())
    try:
        yield ended
    finally:
        task.cancel()
        await asyncio.wait([task])


@pytest.fixture
async def fake_daemon(socket_dir: Path) -> AsyncIterator[FakeDaemon]:
    daemon = FakeDaemon(socket_dir / "fake.sock")
    await daemon.start()
    try:
        yield daemon
    finally:
        await daemon.stop()


@pytest.fixture
async def fault_proxy(socket_dir: Path) -> AsyncIterator[FaultProxy]:
    """A fault proxy in front of the engine at ``DOCKER_HOST``."""
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    assert host.startswith("unix://"), f"the fault proxy needs a unix socket, not {host}"
    proxy = FaultProxy(host[len("unix://") :], socket_dir / "proxy.sock")
    await proxy.start()
    try:
        yield proxy
    finally:
        await proxy.stop()
