"""Containers: the collection (``client.containers``) and the ``Container`` handle.

Names, parameters and results follow docker-py's ``docker.models.containers``,
made async. Where we deliberately differ:

* ``run()`` never leaves an orphan: if it fails or is cancelled at any point
  before handing a container back, the container it created is force-removed
  (shielded from cancellation). A ``ContainerError`` carries both stdout and
  stderr.
* ``wait(timeout=)`` is a real deadline raising :class:`~aiocontainers.Timeout`.
* ``container.image`` is the image reference the container was created from
  (a property cannot call the daemon); ``await container.get_image()`` fetches
  the image object.
* ``run(stream=True)`` yields output as it comes and checks the exit status
  when the output ends (docker-py waits for the exit before returning).
* ``get_archive()`` streams; ``copy_to()``/``copy_from()`` copy local files and
  directories in and out, extracting safely. ``export()`` is an async iterator.
* ``diff()`` returns ``[]`` rather than ``None`` when nothing changed;
  ``list(before=, since=)`` are sent as filters (the daemon dropped the old
  query parameters).
"""

from __future__ import annotations

import builtins
import os
import posixpath
from collections.abc import AsyncGenerator, AsyncIterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

import anyio

from .._arguments import (
    ByteSource,
    ChunkSize,
    Count,
    Filters,
    JsonObject,
    LocalPath,
    Name,
    ShellCommand,
)
from .._logging import log_event
from .._models import Health
from .._specs import ContainerSpec, RestartPolicy, parse_bytes
from .._streams import STDERR, iter_frames
from .._transport import StreamResponse
from .._validation import validated
from ..errors import (
    ContainerError,
    DockerException,
    ImageNotFound,
    InvalidArgument,
    NotFound,
    Timeout,
)
from ._archive import decode_path_stat, extract_stream, is_directory, tar_bytes, tar_path
from ._base import Collection, convert_filters
from ._exec import ExecMixin
from ._logs import LogsMixin
from ._stats import StatsMixin
from .images import Image

if TYPE_CHECKING:
    from .._orchestration._wait import WaitStrategy

__all__ = ["Container", "ContainerCollection"]

DEFAULT_CHUNK_SIZE = 2 * 1024 * 1024
_LIST_CONCURRENCY = 8
_WAIT_CONDITIONS = ("not-running", "next-exit", "removed")
_PATH_STAT_HEADER = "X-Docker-Container-Path-Stat"
_DAEMON_STOP_TIMEOUT = 10  # seconds the daemon waits by default before SIGKILL

Command = ShellCommand | None


def _size(value: int | str | None, field: str) -> int | None:
    if value is None:
        return None
    try:
        return parse_bytes(value, field)
    except ValueError as exc:
        raise InvalidArgument(str(exc)) from None


def _restart_policy(policy: RestartPolicy | Mapping[str, Any] | None) -> dict[str, Any] | None:
    if policy is None:
        return None
    if not isinstance(policy, RestartPolicy):
        policy = RestartPolicy.model_validate(dict(policy))
    return policy.to_wire()


def _container_error(
    container: Container,
    exit_status: int,
    command: Command,
    image: str,
    frames: builtins.list[tuple[int, bytes]],
) -> ContainerError:
    """A ContainerError carrying both output streams of the exited container."""
    out = b"".join(data for stream, data in frames if stream != STDERR)
    err = b"".join(data for stream, data in frames if stream == STDERR)
    argv = command if command is None or isinstance(command, str) else list(command)
    return ContainerError(container, exit_status, argv, image, out, err)


async def _chunked(response: StreamResponse, chunk_size: int) -> AsyncGenerator[bytes, None]:
    """The body of ``response`` in pieces of at most ``chunk_size`` bytes; closes it."""
    async with response:
        async for chunk in response:
            for start in range(0, len(chunk), chunk_size):
                yield chunk[start : start + chunk_size]


class Container(LogsMixin, ExecMixin, StatsMixin):
    """A handle on one container; ``attrs`` caches its inspect data (``await reload()``)."""

    # -- cached properties (never call the daemon) ---------------------------

    @property
    def name(self) -> str | None:
        """The container's name without Docker's leading ``/``."""
        name = self.attrs.get("Name")
        if name is None and self.attrs.get("Names"):  # a sparse list entry
            name = self.attrs["Names"][0]
        return name.lstrip("/") if isinstance(name, str) else None

    @property
    def image(self) -> str | None:
        """The image reference the container was created from (``Config.Image``).

        docker-py returns an Image object here by calling the daemon; a property
        cannot await, so use ``await container.get_image()`` for the object.
        """
        config = self.attrs.get("Config")
        if isinstance(config, dict) and config.get("Image"):
            return str(config["Image"])
        image = self.attrs.get("Image")
        return str(image) if image else None

    @property
    def labels(self) -> dict[str, str]:
        """The container's labels (``{}`` when it has none)."""
        config = self.attrs.get("Config")
        labels = config.get("Labels") if isinstance(config, dict) else self.attrs.get("Labels")
        return dict(labels or {})

    @property
    def status(self) -> str:
        """``created``, ``running``, ``paused``, ``restarting``, ``exited``, ``dead``..."""
        state = self.attrs.get("State")
        if isinstance(state, dict):
            return str(state.get("Status", "unknown"))
        return str(state) if state else "unknown"

    @property
    def health(self) -> str:
        """``starting``, ``healthy``, ``unhealthy``, or ``unknown`` without a health check."""
        state = self.attrs.get("State")
        if isinstance(state, dict) and isinstance(state.get("Health"), dict):
            return str(state["Health"].get("Status") or "unknown")
        return "unknown"

    @property
    def health_details(self) -> Health | None:
        """``State.Health`` as a typed model (status, failing streak, recent probes)."""
        state = self.attrs.get("State")
        if isinstance(state, dict) and isinstance(state.get("Health"), dict):
            return Health.model_validate(state["Health"])
        return None

    @property
    def ports(self) -> dict[str, Any]:
        """Published ports: ``{"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "49153"}]}``."""
        settings = self.attrs.get("NetworkSettings")
        ports = settings.get("Ports") if isinstance(settings, dict) else None
        return dict(ports or {})

    @validated
    async def get_image(self) -> Image:
        """The image this container runs, fetched from the daemon (docker-py's ``.image``)."""
        image_id = self.attrs.get("ImageID") or self.attrs.get("Image")
        if not image_id:
            raise InvalidArgument(f"{self!r} has no image data; call reload() first")
        return await self.client.images.get(str(image_id))

    # -- lifecycle -------------------------------------------------------------

    def _path_args(self) -> dict[str, str]:
        return {"id": self.id}

    def _stop_call_timeout(self, timeout: float | None) -> float | None:
        """The HTTP deadline of a stop/restart: the client's plus the stop grace period."""
        base = self._transport.timeout
        if base is None:
            return None
        if timeout is None:
            config = self.attrs.get("Config")
            configured = config.get("StopTimeout") if isinstance(config, dict) else None
            timeout = configured if configured is not None else _DAEMON_STOP_TIMEOUT
        return base + max(timeout, 0)

    @validated
    async def start(self) -> None:
        """Start the container (a no-op if it is already running)."""
        await self._transport.request(
            "POST", "/containers/{id}/start", path_args=self._path_args()
        )

    @validated
    async def stop(self, timeout: float | None = None) -> None:
        """Send the stop signal, then SIGKILL after ``timeout`` seconds (daemon default 10)."""
        await self._transport.request(
            "POST",
            "/containers/{id}/stop",
            path_args=self._path_args(),
            params={"t": None if timeout is None else int(timeout)},
            timeout=self._stop_call_timeout(timeout),
        )

    @validated
    async def restart(self, timeout: float | None = None) -> None:
        """Stop (waiting up to ``timeout`` seconds before SIGKILL), then start again."""
        await self._transport.request(
            "POST",
            "/containers/{id}/restart",
            path_args=self._path_args(),
            params={"t": None if timeout is None else int(timeout)},
            timeout=self._stop_call_timeout(timeout),
        )

    @validated
    async def kill(self, signal: str | int | None = None) -> None:
        """Send ``signal`` (default SIGKILL), e.g. ``"SIGTERM"`` or ``15``."""
        await self._transport.request(
            "POST",
            "/containers/{id}/kill",
            path_args=self._path_args(),
            params={"signal": signal},
        )

    @validated
    async def pause(self) -> None:
        """Freeze every process in the container."""
        await self._transport.request(
            "POST", "/containers/{id}/pause", path_args=self._path_args()
        )

    @validated
    async def unpause(self) -> None:
        """Resume a paused container."""
        await self._transport.request(
            "POST", "/containers/{id}/unpause", path_args=self._path_args()
        )

    @validated
    async def remove(self, v: bool = False, link: bool = False, force: bool = False) -> None:
        """Remove the container; ``v`` its anonymous volumes, ``force`` kills it if running."""
        await self._transport.request(
            "DELETE",
            "/containers/{id}",
            path_args=self._path_args(),
            params={"v": v, "link": link, "force": force},
        )

    @validated
    async def wait(
        self,
        timeout: float | None = None,
        condition: Literal["not-running", "next-exit", "removed"] | None = None,
    ) -> dict[str, Any]:
        """Block until the container reaches ``condition`` (default: not running).

        Returns ``{"StatusCode": int, "Error": {...} or None}`` as docker-py does.
        ``timeout`` is a real deadline: :class:`~aiocontainers.Timeout` is
        raised when it passes (the container keeps running).
        """
        if condition is not None and condition not in _WAIT_CONDITIONS:
            raise InvalidArgument(
                f"condition must be one of {_WAIT_CONDITIONS}, got {condition!r}"
            )
        with anyio.move_on_after(timeout):
            result: dict[str, Any] = await self._transport.request_json(
                "POST",
                "/containers/{id}/wait",
                path_args=self._path_args(),
                params={"condition": condition},
                timeout=None,
            )
            return {"StatusCode": result.get("StatusCode"), "Error": result.get("Error")}
        raise Timeout(f"container {self.short_id} did not stop within {timeout} s")

    @validated
    async def rename(self, name: Name) -> None:
        """Give the container a new name (``attrs`` keeps the old one until ``reload()``)."""
        await self._transport.request(
            "POST", "/containers/{id}/rename", path_args=self._path_args(), params={"name": name}
        )

    @validated
    async def resize(self, height: Count, width: Count) -> None:
        """Resize the container's TTY."""
        await self._transport.request(
            "POST",
            "/containers/{id}/resize",
            path_args=self._path_args(),
            params={"h": height, "w": width},
        )

    @validated
    async def update(
        self,
        *,
        blkio_weight: int | None = None,
        cpu_period: int | None = None,
        cpu_quota: int | None = None,
        cpu_shares: int | None = None,
        cpuset_cpus: str | None = None,
        cpuset_mems: str | None = None,
        mem_limit: int | str | None = None,
        mem_reservation: int | str | None = None,
        memswap_limit: int | str | None = None,
        kernel_memory: int | str | None = None,
        restart_policy: RestartPolicy | Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Change resource limits of a live container; sizes accept ``"512m"``.

        Returns the daemon's answer, ``{"Warnings": [...]}``.
        """
        body: dict[str, Any] = {
            "BlkioWeight": blkio_weight,
            "CpuPeriod": cpu_period,
            "CpuQuota": cpu_quota,
            "CpuShares": cpu_shares,
            "CpusetCpus": cpuset_cpus,
            "CpusetMems": cpuset_mems,
            "Memory": _size(mem_limit, "mem_limit"),
            "MemoryReservation": _size(mem_reservation, "mem_reservation"),
            "MemorySwap": _size(memswap_limit, "memswap_limit"),
            "KernelMemory": _size(kernel_memory, "kernel_memory"),
            "RestartPolicy": _restart_policy(restart_policy),
        }
        result: dict[str, Any] = await self._transport.request_json(
            "POST",
            "/containers/{id}/update",
            path_args=self._path_args(),
            json={key: value for key, value in body.items() if value is not None},
        )
        return result or {}

    # -- inspection ------------------------------------------------------------

    @validated
    async def top(self, ps_args: str | None = None) -> dict[str, Any]:
        """The container's processes: ``{"Titles": [...], "Processes": [[...], ...]}``."""
        result: dict[str, Any] = await self._transport.request_json(
            "GET", "/containers/{id}/top", path_args=self._path_args(), params={"ps_args": ps_args}
        )
        return result

    @validated
    async def diff(self) -> builtins.list[dict[str, Any]]:
        """Filesystem changes since creation: ``[{"Path": ..., "Kind": 0|1|2}]`` (modified,
        added, deleted)."""
        result = await self._transport.request_json(
            "GET", "/containers/{id}/changes", path_args=self._path_args()
        )
        return list(result or [])

    @validated
    async def commit(
        self,
        repository: str | None = None,
        tag: str | None = None,
        message: str | None = None,
        author: str | None = None,
        pause: bool = True,
        changes: str | Sequence[str] | None = None,
        conf: JsonObject | None = None,
    ) -> Image:
        """Make an image of the container's filesystem and return it.

        ``changes`` are Dockerfile instructions (``"ENV A=1"`` or a list of them).
        """
        if changes is not None and not isinstance(changes, str):
            changes = "\n".join(changes)
        result: dict[str, Any] = await self._transport.request_json(
            "POST",
            "/commit",
            params={
                "container": self.id,
                "repo": repository,
                "tag": tag,
                "comment": message,
                "author": author,
                "pause": pause,
                "changes": changes,
            },
            json=dict(conf) if conf else {},
            timeout=None,
        )
        return await self.client.images.get(str(result["Id"]))

    # -- files -----------------------------------------------------------------

    @validated
    async def get_archive(
        self, path: Name, chunk_size: ChunkSize = DEFAULT_CHUNK_SIZE
    ) -> tuple[AsyncGenerator[bytes, None], dict[str, Any]]:
        """A tar stream of ``path`` in the container, and the path's stat.

        The archive is streamed in pieces of at most ``chunk_size`` bytes; it is
        never held in memory. Iterate the stream to the end or ``aclose()`` it.
        The stat is ``{"name", "size", "mode", "mtime", "linkTarget"}``.
        """
        if chunk_size < 1:
            raise InvalidArgument(f"chunk_size must be positive, got {chunk_size!r}")
        response = await self._transport.open_stream(
            "GET", "/containers/{id}/archive", path_args=self._path_args(), params={"path": path}
        )
        try:
            stat = decode_path_stat(response.headers.get(_PATH_STAT_HEADER))
        except BaseException:
            response.close()
            raise
        return _chunked(response, chunk_size), stat

    @validated
    async def put_archive(self, path: Name, data: ByteSource) -> bool:
        """Extract the tar ``data`` (bytes, or an async iterable streamed as it comes)
        into the existing directory ``path``; returns True like docker-py."""
        body: bytes | AsyncIterator[bytes] = (
            bytes(data) if isinstance(data, (bytes, bytearray, memoryview)) else aiter(data)
        )
        await self._transport.request(
            "PUT",
            "/containers/{id}/archive",
            path_args=self._path_args(),
            params={"path": path},
            data=body,
            headers={"Content-Type": "application/x-tar"},
            timeout=None,
        )
        return True

    async def _path_stat(self, path: str) -> dict[str, Any] | None:
        """The stat of ``path`` in the container, or None if it does not exist."""
        try:
            async with await self._transport.open_stream(
                "HEAD",
                "/containers/{id}/archive",
                path_args=self._path_args(),
                params={"path": path},
            ) as response:
                return decode_path_stat(response.headers.get(_PATH_STAT_HEADER))
        except NotFound:
            return None

    @validated
    async def copy_to(
        self,
        src: LocalPath | bytes,
        dest: Name,
        *,
        name: Name | None = None,
    ) -> None:
        """Copy a local file or directory (or ``bytes``) into the container, like ``docker cp``.

        If ``dest`` is an existing directory (or ends with ``/``) the copy lands
        inside it as ``name`` (default: the source's base name; required for
        bytes); otherwise ``dest`` is the full path of the copy. Directories are
        tarred in a worker thread and streamed, never held in memory. Files are
        owned by root.
        """
        stat = None if dest.endswith("/") else await self._path_stat(dest)
        if dest.endswith("/") or (stat is not None and is_directory(stat)):
            directory, arcname = dest, name
        else:
            directory = posixpath.dirname(dest.rstrip("/")) or "/"
            arcname = posixpath.basename(dest.rstrip("/"))
        if isinstance(src, bytes):
            if not arcname:
                raise InvalidArgument("copy_to(bytes, directory) needs name= for the file")
            await self.put_archive(directory, tar_bytes(arcname, src))
            return
        local = anyio.Path(src)
        if not await local.exists() and not await local.is_symlink():
            raise InvalidArgument(f"copy_to: no such local file or directory: {os.fspath(src)}")
        arcname = arcname or local.name
        if not arcname:
            raise InvalidArgument(f"copy_to: cannot name the copy of {os.fspath(src)!r}")
        await self.put_archive(directory, tar_path(src, arcname))

    @validated
    async def copy_from(self, src: Name, dest: LocalPath) -> Path:
        """Copy ``src`` (file or directory) out of the container into the local directory
        ``dest`` (created if missing); returns the local path of the copy.

        The archive is extracted as it streams in. Members that would land
        outside ``dest`` (absolute paths, ``..``, links pointing outside) or
        that are device files raise
        :class:`~aiocontainers.errors.UnsafeArchiveError`.
        """
        try:
            await anyio.Path(dest).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InvalidArgument(
                f"copy_from: cannot create the directory {dest}: {exc}"
            ) from None
        stream, stat = await self.get_archive(src)
        await extract_stream(stream, dest)
        return Path(dest) / str(stat.get("name") or "").strip("/")

    @validated
    async def export(self, chunk_size: ChunkSize = DEFAULT_CHUNK_SIZE) -> AsyncIterator[bytes]:
        """Stream the container's whole filesystem as a tar (``docker export``)."""
        response = await self._transport.open_stream(
            "GET", "/containers/{id}/export", path_args=self._path_args()
        )
        async for chunk in _chunked(response, chunk_size):
            yield chunk

    async def _collect_output(self) -> builtins.list[tuple[int, bytes]]:
        """Every log frame so far: ``(stream id, payload)`` of stdout and stderr, in order."""
        config = self.attrs.get("Config")
        tty = bool(config.get("Tty")) if isinstance(config, dict) else False
        response = await self._transport.open_stream(
            "GET",
            "/containers/{id}/logs",
            path_args=self._path_args(),
            params={"stdout": True, "stderr": True},
        )
        return [(stream, data) async for stream, data in iter_frames(response, tty=tty)]


class ContainerCollection(Collection[Container]):
    """``client.containers``: run, create, get, list and prune containers."""

    model = Container

    @validated
    async def get(self, container_id: Name) -> Container:
        """The container with this id, short id or name; NotFound if there is none."""
        attrs = await self._transport.request_json(
            "GET", "/containers/{id}/json", path_args={"id": container_id}
        )
        return self.prepare_model(attrs)

    @validated
    async def list(
        self,
        all: bool = False,
        before: Name | None = None,
        filters: Filters | None = None,
        limit: int = -1,
        since: Name | None = None,
        sparse: bool = False,
        ignore_removed: bool = False,
    ) -> builtins.list[Container]:
        """Containers, newest first; by default only running ones (``all=True`` for all).

        Without ``sparse`` each container is inspected (a few at a time,
        concurrently) so ``attrs`` is complete; ``ignore_removed`` skips those
        removed meanwhile instead of raising NotFound.
        """
        merged = dict(filters or {})
        if before is not None:
            merged["before"] = before
        if since is not None:
            merged["since"] = since
        rows = await self._transport.request_json(
            "GET",
            "/containers/json",
            params={
                "all": all,
                "limit": limit if limit > 0 else None,
                "filters": convert_filters(merged),
            },
        )
        if sparse:
            return [self.prepare_model(row) for row in rows]
        found: builtins.list[Container | None] = [None] * len(rows)
        failures: builtins.list[DockerException] = []
        limiter = anyio.CapacityLimiter(_LIST_CONCURRENCY)

        async def inspect(index: int, container_id: str) -> None:
            async with limiter:
                try:
                    found[index] = await self.get(container_id)
                except NotFound as exc:
                    if not ignore_removed:
                        failures.append(exc)
                        tg.cancel_scope.cancel()
                except DockerException as exc:
                    failures.append(exc)
                    tg.cancel_scope.cancel()

        async with anyio.create_task_group() as tg:
            for index, row in enumerate(rows):
                tg.start_soon(inspect, index, row["Id"])
        if failures:
            raise failures[0]
        return [container for container in found if container is not None]

    @validated
    async def prune(self, filters: Filters | None = None) -> dict[str, Any]:
        """Remove stopped containers: ``{"ContainersDeleted": [...], "SpaceReclaimed": n}``."""
        result: dict[str, Any] = await self._transport.request_json(
            "POST",
            "/containers/prune",
            params={"filters": convert_filters(filters)},
            timeout=None,
        )
        return result

    # -- create and run --------------------------------------------------------

    async def _create_request(
        self, image: str, command: Command, options: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """Validate every option (before any daemon call) into the create body and params."""
        spec = ContainerSpec(image=image, command=command, **options)
        api_version = await self._transport.api_version()
        proxies = (
            await self.client.images.credentials.proxy_environment()
            if spec.use_config_proxy
            else None
        )
        body = spec.to_create_body(api_version, proxy_environment=proxies)
        return body, spec.create_params(api_version)

    async def _create_id(
        self, body: dict[str, Any], params: dict[str, str], created: builtins.list[str]
    ) -> str:
        """POST the create, shielded, and record the new id in ``created`` at once.

        Shielding (the call is bounded by the client's timeout) means a
        cancellation can never strike between the daemon creating the container
        and us learning its id; the caller's ``finally`` then removes it.
        """
        with anyio.CancelScope(shield=True):
            result = await self._transport.request_json(
                "POST", "/containers/create", params=params, json=body
            )
            created.append(result["Id"])
        if result.get("Warnings"):
            log_event("docker.container.warnings", id=result["Id"], warnings=result["Warnings"])
        return str(result["Id"])

    async def _discard(self, container_id: str) -> None:
        """Force-remove a container we created but will not hand back; never raises."""
        with anyio.CancelScope(shield=True):
            try:
                await self._transport.request(
                    "DELETE",
                    "/containers/{id}",
                    path_args={"id": container_id},
                    params={"force": True, "v": True},
                )
            except NotFound:
                pass
            except DockerException as exc:
                log_event("docker.container.cleanup_failed", id=container_id, error=str(exc))

    @validated
    async def create(
        self, image: Name | Image, command: Command = None, **kwargs: Any
    ) -> Container:
        """Create (but do not start) a container; every docker-py create option is accepted.

        Raises ImageNotFound when the image is not present (``run()`` pulls it).
        """
        if isinstance(image, Image):
            image = image.id
        body, params = await self._create_request(image, command, kwargs)
        created: builtins.list[str] = []
        try:
            return await self.get(await self._create_id(body, params, created))
        except BaseException:
            if created:
                await self._discard(created[0])
            raise

    @overload
    async def run(
        self,
        image: str | Image,
        command: Command = None,
        stdout: bool = True,
        stderr: bool = False,
        remove: bool = False,
        *,
        detach: Literal[True],
        stream: bool = False,
        **kwargs: Any,
    ) -> Container: ...

    @overload
    async def run(
        self,
        image: str | Image,
        command: Command = None,
        stdout: bool = True,
        stderr: bool = False,
        remove: bool = False,
        *,
        detach: Literal[False] = False,
        stream: Literal[True],
        **kwargs: Any,
    ) -> AsyncGenerator[bytes, None]: ...

    @overload
    async def run(
        self,
        image: str | Image,
        command: Command = None,
        stdout: bool = True,
        stderr: bool = False,
        remove: bool = False,
        *,
        detach: Literal[False] = False,
        stream: Literal[False] = False,
        **kwargs: Any,
    ) -> bytes: ...

    @overload
    async def run(
        self,
        image: str | Image,
        command: Command = None,
        stdout: bool = True,
        stderr: bool = False,
        remove: bool = False,
        *,
        detach: bool = False,
        stream: bool = False,
        **kwargs: Any,
    ) -> Container | bytes | AsyncGenerator[bytes, None]: ...

    @validated
    async def run(
        self,
        image: Name | Image,
        command: Command = None,
        stdout: bool = True,
        stderr: bool = False,
        remove: bool = False,
        *,
        detach: bool = False,
        stream: bool = False,
        wait_for: WaitStrategy | None = None,
        keep_on_failure: bool = False,
        **kwargs: Any,
    ) -> Container | bytes | AsyncGenerator[bytes, None]:
        """Create and start a container, pulling the image first if it is missing.

        ``detach=True`` returns the running :class:`Container` (with ``remove``
        the daemon removes it when it exits). Otherwise waits for the exit and
        returns its output (stdout and/or stderr per the flags, in order); a
        non-zero exit raises :class:`~aiocontainers.ContainerError` with both
        streams. ``remove`` removes it afterwards, also after an error.

        ``stream=True`` returns, once the container started, an async iterator
        of its output lines as they come; the exit status is checked when the
        output ends (``ContainerError`` then), and ``remove`` applies when the
        iterator ends or is closed (use ``contextlib.aclosing`` to close early).

        If ``run()`` fails or is cancelled anywhere before it returns, the
        container it created is force-removed: nothing is left behind.

        ``wait_for`` (with ``detach=True``): a readiness strategy from
        :mod:`aiocontainers.wait`; ``run()`` returns only once it passes. If it
        fails, the container is removed unless ``keep_on_failure=True``.
        """
        if wait_for is not None and not detach:
            raise InvalidArgument("wait_for needs detach=True")
        if isinstance(image, Image):
            image = image.id
        options = {
            "detach": detach,
            "stream": stream,
            "remove": remove,
            "stdout": stdout,
            "stderr": stderr,
        }
        body, params = await self._create_request(image, command, {**kwargs, **options})
        created: builtins.list[str] = []
        keep = False
        try:
            try:
                container_id = await self._create_id(body, params, created)
            except ImageNotFound:
                await self.client.images.pull(image, platform=kwargs.get("platform"))
                container_id = await self._create_id(body, params, created)
            container = await self.get(container_id)
            await container.start()
            if detach:
                if wait_for is not None:
                    keep = keep_on_failure
                    await wait_for.wait(container, self.client)
                keep = True
                return container
            if stream:
                keep = True
                return self._follow(container, command, image, stdout, stderr, remove)
            exit_status = int((await container.wait())["StatusCode"])
            frames = await container._collect_output()
            keep = not remove
            if exit_status != 0:
                raise _container_error(container, exit_status, command, image, frames)
            return b"".join(
                data for stream_id, data in frames if (stderr if stream_id == STDERR else stdout)
            )
        finally:
            if created and not keep:
                await self._discard(created[0])

    async def _follow(
        self,
        container: Container,
        command: Command,
        image: str,
        stdout: bool,
        stderr: bool,
        remove: bool,
    ) -> AsyncGenerator[bytes, None]:
        """``run(stream=True)``: output lines as they come, then the exit status check."""
        try:
            async with container.logs(
                stream=True, follow=True, stdout=stdout, stderr=stderr
            ) as lines:
                async for line in lines:
                    yield line
            exit_status = int((await container.wait())["StatusCode"])
            if exit_status != 0:
                frames = await container._collect_output()
                raise _container_error(container, exit_status, command, image, frames)
        finally:
            if remove:
                await self._discard(container.id)
