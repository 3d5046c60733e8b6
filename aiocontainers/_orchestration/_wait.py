"""Readiness strategies: when is a started container ready to be used?

Each strategy is a small object with ``async def wait(container, client)`` (the
[`WaitStrategy`][aiocontainers.wait.WaitStrategy] protocol) and its own ``timeout``. It returns
once the container is ready, raises [`Timeout`][aiocontainers.errors.Timeout] when its time is up
(saying what it last saw), and raises [`NotReady`][aiocontainers.NotReady] at once when waiting
longer cannot help -- above all when the container exits or is removed, which every strategy
notices instead of waiting out its timeout. [`AllOf`][aiocontainers.wait.AllOf] and
[`AnyOf`][aiocontainers.wait.AnyOf] compose strategies, running them concurrently under an overall
deadline of their own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import aiohttp
import anyio

from .._arguments import PortKey, Regex, ShellCommand, Statuses
from .._validation import validated
from ..errors import DockerException, InvalidArgument, NotReady, Timeout
from ._common import describe, ensure_running, log_tail, seconds
from ._health import wait_until_healthy

if TYPE_CHECKING:
    from .._client import DockerClient
    from .._resources.containers import Container

__all__ = [
    "AllOf",
    "AnyOf",
    "CommandSucceeds",
    "Exited",
    "Healthy",
    "HttpResponds",
    "HttpResponse",
    "LogMessage",
    "PortOpen",
    "Strategy",
    "WaitStrategy",
    "host_address",
    "listening_ports",
]

DEFAULT_TIMEOUT = 60.0
# docker-proxy accepts a connection to a published port even when nothing in the
# container listens, then closes it at once: a connection that stays open this
# long is taken as a real listener.
_PROXY_GRACE = 0.1
# How long a log that ended may wait for the engine to report its container's exit.
_EXIT_SETTLE = 2.0
_TCP_LISTEN = "0A"


@runtime_checkable
class WaitStrategy(Protocol):
    """Anything with ``async def wait(container, client)`` that returns once it is ready."""

    async def wait(self, container: Container, client: DockerClient) -> None: ...


@dataclass
class _Progress:
    """What a strategy last observed, for its timeout message."""

    seen: str = ""


class Strategy:
    """Base of the built-in strategies: applies ``timeout`` and words the Timeout error."""

    @validated
    def __init__(self, timeout: float | timedelta | None) -> None:
        self.timeout = seconds(timeout)

    @validated
    def describe(self) -> str:
        """What is waited for, for messages: ``'log line matching ...'``."""
        raise NotImplementedError

    async def _wait(self, container: Container, client: DockerClient, progress: _Progress) -> None:
        raise NotImplementedError

    @validated
    async def wait(self, container: Container, client: DockerClient) -> None:
        """Return once ready; Timeout after ``timeout``; NotReady if it cannot become ready."""
        progress = _Progress()
        with anyio.move_on_after(self.timeout):
            await self._wait(container, client, progress)
            return
        seen = f" (last: {progress.seen})" if progress.seen else ""
        raise Timeout(
            f"container {describe(container)}: no {self.describe()} within {self.timeout} s{seen}"
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.describe()}, timeout={self.timeout}>"


def _interval(value: float | timedelta) -> float:
    interval = seconds(value, "interval")
    if not interval:
        raise InvalidArgument(f"interval must be positive, got {value!r}")
    return interval


class LogMessage(Strategy):
    """A log line matching ``pattern`` (``re.search``) has appeared ``times`` times.

    Counts every line since the container started, stdout and stderr (each
    line on its own). Fails at once if the container stops first.
    """

    @validated
    def __init__(
        self,
        pattern: Regex,
        *,
        times: int = 1,
        timeout: float | timedelta | None = DEFAULT_TIMEOUT,
        stdout: bool = True,
        stderr: bool = True,
    ) -> None:
        super().__init__(timeout)
        if times < 1:
            raise InvalidArgument(f"times must be at least 1, got {times!r}")
        self.pattern = re.compile(pattern)
        self.times = times
        self.stdout = stdout
        self.stderr = stderr

    @validated
    def describe(self) -> str:
        times = "" if self.times == 1 else f" {self.times} times"
        return f"log line matching {self.pattern.pattern!r}{times}"

    async def _wait(self, container: Container, client: DockerClient, progress: _Progress) -> None:
        count = 0
        async with container.logs(
            stream=True, follow=True, stdout=self.stdout, stderr=self.stderr
        ) as lines:
            async for line in lines:
                if self.pattern.search(line.decode("utf-8", "replace")):
                    count += 1
                    progress.seen = f"{count} of {self.times} matches"
                    if count >= self.times:
                        return
        waiting_for = f"waiting for a {self.describe()} ({count} seen)"
        # Podman ends a followed log a moment before it reports the container's exit.
        with anyio.move_on_after(_EXIT_SETTLE):
            while True:
                await ensure_running(container, waiting_for)
                await anyio.sleep(0.05)
        raise NotReady(container, f"log of {describe(container)} ended while {waiting_for}")


def _port_key(port: int | str, protocol: str) -> str:
    return str(port) if "/" in str(port) else f"{port}/{protocol}"


@validated
def host_address(container: Container, port: PortKey, protocol: str = "tcp") -> tuple[str, int]:
    """Where the host reaches a published container port: ``("127.0.0.1", 49153)``.

    Read from ``NetworkSettings.Ports`` (cached ``attrs``); a wildcard binding
    is reached on the loopback address. Raises NotReady if it is not published.
    """
    key = _port_key(port, protocol)
    bindings = container.ports.get(key) or []
    if not bindings:
        raise NotReady(
            container,
            f"port {key} of container {describe(container)} is not published "
            "(publish it, or check it with PortOpen(..., inside=True))",
        )
    # Prefer an IPv4 binding: Docker publishes 0.0.0.0 and :: for one port.
    binding = min(bindings, key=lambda b: ":" in (b.get("HostIp") or ""))
    host = binding.get("HostIp") or "0.0.0.0"
    if host == "0.0.0.0":
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return host, int(binding["HostPort"])


@validated
def listening_ports(proc_net_tcp: str) -> set[int]:
    """The ports in LISTEN state in the text of ``/proc/net/tcp`` (and ``tcp6``)."""
    ports: set[int] = set()
    for line in proc_net_tcp.splitlines():
        fields = line.split()
        if len(fields) > 3 and fields[3] == _TCP_LISTEN and ":" in fields[1]:
            try:
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
            except ValueError:
                continue
    return ports


async def _accepts(host: str, port: int) -> bool:
    """True if a TCP connection to ``host:port`` opens and is not closed at once."""
    try:
        with anyio.fail_after(2):
            stream = await anyio.connect_tcp(host, port)
    except (OSError, TimeoutError):
        return False
    async with stream:
        with anyio.move_on_after(_PROXY_GRACE):
            try:
                await stream.receive()
            except (anyio.EndOfStream, anyio.BrokenResourceError, OSError):
                return False
    return True


class PortOpen(Strategy):
    """A TCP port accepts connections from the host on its published port.

    With ``inside=True`` the port must also be in LISTEN state inside the
    container (read from ``/proc/net/tcp`` with ``cat`` through exec); an
    unpublished port is then checked inside only.
    """

    @validated
    def __init__(
        self,
        port: PortKey,
        *,
        inside: bool = False,
        timeout: float | timedelta | None = DEFAULT_TIMEOUT,
        interval: float | timedelta = 0.1,
    ) -> None:
        super().__init__(timeout)
        self.key = _port_key(port, "tcp")
        if not self.key.endswith("/tcp"):
            raise InvalidArgument(f"PortOpen waits for TCP ports, got {port!r}")
        self.port = int(self.key.split("/")[0])
        self.inside = inside
        self.interval = _interval(interval)

    @validated
    def describe(self) -> str:
        return f"open port {self.key}" + (" (listening inside)" if self.inside else "")

    async def _listening_inside(self, container: Container) -> bool:
        result = await container.exec_run(["cat", "/proc/net/tcp", "/proc/net/tcp6"])
        return self.port in listening_ports(result.output.decode("ascii", "replace"))

    async def _wait(self, container: Container, client: DockerClient, progress: _Progress) -> None:
        waiting_for = f"waiting for {self.describe()}"
        while True:
            await ensure_running(container, waiting_for)
            if self.key in container.ports or not self.inside:
                host, port = host_address(container, self.key)
                progress.seen = f"{host}:{port} refused or closed the connection"
                ready = await _accepts(host, port)
            else:
                ready = True
            if ready and self.inside:
                progress.seen = f"port {self.port} not listening inside the container"
                ready = await self._listening_inside(container)
            if ready:
                return
            await anyio.sleep(self.interval)


@dataclass(frozen=True)
class HttpResponse:
    """What an [`HttpResponds`][aiocontainers.wait.HttpResponds] predicate is given."""

    status: int
    headers: Mapping[str, str]
    body: bytes = field(repr=False)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class HttpResponds(Strategy):
    """An HTTP request to the published ``port`` gets an expected answer.

    The answer is accepted when its status is in ``status`` (one code or a
    collection), or, if given, when ``predicate(response)`` is true.
    Certificates are not verified for ``https`` (readiness, not security).
    """

    @validated
    def __init__(
        self,
        path: str = "/",
        *,
        port: PortKey,
        status: Statuses = 200,
        predicate: Callable[[HttpResponse], bool] | None = None,
        method: str = "GET",
        headers: Mapping[str, str] | None = None,
        scheme: str = "http",
        timeout: float | timedelta | None = DEFAULT_TIMEOUT,
        interval: float | timedelta = 0.1,
        request_timeout: float = 5.0,
    ) -> None:
        super().__init__(timeout)
        if scheme not in ("http", "https"):
            raise InvalidArgument(f"scheme must be 'http' or 'https', got {scheme!r}")
        self.path = path if path.startswith("/") else f"/{path}"
        self.key = _port_key(port, "tcp")
        self.statuses = frozenset([status] if isinstance(status, int) else status)
        self.predicate = predicate
        self.method = method
        self.headers = dict(headers or {})
        self.scheme = scheme
        self.interval = _interval(interval)
        self.request_timeout = request_timeout

    @validated
    def describe(self) -> str:
        want = "a matching response" if self.predicate else f"status {sorted(self.statuses)}"
        return f"{want} to {self.method} {self.path} on port {self.key}"

    async def _attempt(
        self, session: aiohttp.ClientSession, url: str, progress: _Progress
    ) -> bool:
        try:
            with anyio.fail_after(self.request_timeout):
                async with session.request(
                    self.method, url, headers=self.headers, ssl=False, allow_redirects=False
                ) as raw:
                    response = HttpResponse(raw.status, dict(raw.headers), await raw.read())
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            progress.seen = f"{url}: {type(exc).__name__} {exc}".strip()
            return False
        progress.seen = f"{url}: status {response.status}"
        if self.predicate is not None:
            return self.predicate(response)
        return response.status in self.statuses

    async def _wait(self, container: Container, client: DockerClient, progress: _Progress) -> None:
        waiting_for = f"waiting for {self.describe()}"
        connector = aiohttp.TCPConnector(force_close=True)
        async with aiohttp.ClientSession(connector=connector) as session:
            while True:
                await ensure_running(container, waiting_for)
                host, port = host_address(container, self.key)
                host = f"[{host}]" if ":" in host else host
                if await self._attempt(
                    session, f"{self.scheme}://{host}:{port}{self.path}", progress
                ):
                    return
                await anyio.sleep(self.interval)


class CommandSucceeds(Strategy):
    """A command run in the container with exec exits with ``exit_code`` (default 0)."""

    @validated
    def __init__(
        self,
        cmd: ShellCommand,
        *,
        exit_code: int = 0,
        timeout: float | timedelta | None = DEFAULT_TIMEOUT,
        interval: float | timedelta = 0.2,
    ) -> None:
        super().__init__(timeout)
        self.cmd = cmd if isinstance(cmd, str) else list(cmd)
        self.exit_code = exit_code
        self.interval = _interval(interval)

    @validated
    def describe(self) -> str:
        return f"exit code {self.exit_code} from {self.cmd!r}"

    async def _wait(self, container: Container, client: DockerClient, progress: _Progress) -> None:
        waiting_for = f"waiting for {self.describe()}"
        while True:
            await ensure_running(container, waiting_for)
            try:
                result = await container.exec_run(self.cmd)
            except DockerException as exc:  # e.g. the container stopped meanwhile
                progress.seen = str(exc)
            else:
                if result.exit_code == self.exit_code:
                    return
                output = result.output.decode("utf-8", "replace").strip()[-200:]
                progress.seen = f"exit code {result.exit_code}: {output}"
            await anyio.sleep(self.interval)


class Healthy(Strategy):
    """The container's health check reports healthy (see
    [`wait_until_healthy()`][aiocontainers.wait_until_healthy])."""

    @validated
    def __init__(self, *, timeout: float | timedelta | None = DEFAULT_TIMEOUT) -> None:
        super().__init__(timeout)

    @validated
    def describe(self) -> str:
        return "healthy health check"

    async def _wait(self, container: Container, client: DockerClient, progress: _Progress) -> None:
        await wait_until_healthy(container, timeout=None)


class Exited(Strategy):
    """The container has exited with ``exit_code`` (an init or migration job, say)."""

    @validated
    def __init__(
        self, exit_code: int = 0, *, timeout: float | timedelta | None = DEFAULT_TIMEOUT
    ) -> None:
        super().__init__(timeout)
        self.exit_code = exit_code

    @validated
    def describe(self) -> str:
        return f"exit with code {self.exit_code}"

    async def _wait(self, container: Container, client: DockerClient, progress: _Progress) -> None:
        result = await container.wait()
        code = result["StatusCode"]
        if code != self.exit_code:
            logs = await log_tail(container)
            raise NotReady(
                container,
                f"container {describe(container)} exited with code {code}, "
                f"not {self.exit_code}" + (f"; last output:\n{logs}" if logs else ""),
                exit_code=code,
                logs=logs,
            )
        await container.reload()


class AllOf(Strategy):
    """Every strategy succeeds; they run concurrently and the first failure cancels the rest."""

    @validated
    def __init__(
        self, *strategies: WaitStrategy, timeout: float | timedelta | None = None
    ) -> None:
        super().__init__(timeout)
        if not strategies:
            raise InvalidArgument("AllOf needs at least one strategy")
        self.strategies = strategies

    @validated
    def describe(self) -> str:
        return "all of: " + "; ".join(_describe(s) for s in self.strategies)

    async def _wait(self, container: Container, client: DockerClient, progress: _Progress) -> None:
        failure: Exception | None = None
        async with anyio.create_task_group() as tg:

            async def run(strategy: WaitStrategy) -> None:
                nonlocal failure
                try:
                    await strategy.wait(container, client)
                except Exception as exc:
                    if failure is None:
                        failure = exc
                    tg.cancel_scope.cancel()

            for strategy in self.strategies:
                tg.start_soon(run, strategy)
        if failure is not None:
            raise failure


class AnyOf(Strategy):
    """One strategy succeeds; they run concurrently and the first success cancels the rest.

    Fails once every strategy failed: with their Timeout if all timed out,
    otherwise with NotReady listing each reason.
    """

    @validated
    def __init__(
        self, *strategies: WaitStrategy, timeout: float | timedelta | None = None
    ) -> None:
        super().__init__(timeout)
        if not strategies:
            raise InvalidArgument("AnyOf needs at least one strategy")
        self.strategies = strategies

    @validated
    def describe(self) -> str:
        return "any of: " + "; ".join(_describe(s) for s in self.strategies)

    async def _wait(self, container: Container, client: DockerClient, progress: _Progress) -> None:
        failures: list[DockerException] = []
        succeeded = False
        async with anyio.create_task_group() as tg:

            async def run(strategy: WaitStrategy) -> None:
                nonlocal succeeded
                try:
                    await strategy.wait(container, client)
                except DockerException as exc:
                    failures.append(exc)
                    progress.seen = str(exc)
                    return
                succeeded = True
                tg.cancel_scope.cancel()

            for strategy in self.strategies:
                tg.start_soon(run, strategy)
        if succeeded:
            return
        reasons = "; ".join(str(exc) for exc in failures)
        if all(isinstance(exc, Timeout) for exc in failures):
            raise Timeout(
                f"container {describe(container)}: none of {len(failures)} ready: {reasons}"
            )
        raise NotReady(container, f"container {describe(container)}: none ready: {reasons}")


def _describe(strategy: WaitStrategy) -> str:
    return strategy.describe() if isinstance(strategy, Strategy) else repr(strategy)
