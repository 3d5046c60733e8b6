"""Containers: the collection (``client.containers``) and the ``Container`` handle.

Names, parameters and results follow docker-py's ``docker.models.containers``,
made async. Where we deliberately differ:

* ``run()`` and ``create()`` never leave an orphan: if they fail or are
  cancelled at any point before handing a container back, the container they
  created is force-removed. Cancellation is prompt even while the daemon is
  still creating it: the client finishes that clean-up in the background (see
  `aiocontainers._reaper`). Every create carries a one-off label
  (`CREATE_TOKEN_LABEL`), so a container whose create answer was lost
  (connection cut, deadline passed) is found, removed, and the error says so.
  A ``ContainerError`` carries both stdout and stderr.
* ``wait(timeout=)`` is a real deadline raising [`Timeout`][aiocontainers.errors.Timeout].
* ``container.image`` is the image reference the container was created from
  (a property cannot call the daemon); ``await container.get_image()`` fetches
  the image object (the sync face's ``container.image`` is that Image).
* ``run(stream=True)`` yields output as it comes and checks the exit status
  when the output ends (docker-py waits for the exit before returning).
* ``get_archive()`` streams; ``copy_to()``/``copy_from()`` copy local files and
  directories in and out, extracting safely. ``export()`` is an async iterator.
* ``diff()`` returns ``[]`` rather than ``None`` when nothing changed;
  ``list(before=, since=)`` are sent as filters (the daemon dropped the old
  query parameters).
"""

from __future__ import annotations

import asyncio
import builtins
import os
import posixpath
import secrets
from collections.abc import (
    Awaitable,
    Callable,
    Mapping,
    Sequence,
)
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeVar, overload

import anyio

from .._arguments import (
    Count,
    Filters,
    GracePeriod,
    JsonObject,
    LocalPath,
    Name,
    ShellCommand,
    UploadSource,
)
from .._logging import log_event
from .._models import Health
from .._streams import STDERR, Frame, FrameDecoder
from .._transport import check_timeout, decode_json
from .._validation import validated
from ..errors import (
    APIError,
    ContainerError,
    DaemonUnavailable,
    DockerException,
    ImageNotFound,
    InvalidArgument,
    InvalidResponse,
    NotFound,
    StreamError,
    Timeout,
)
from ._archive import (
    body_chunks,
    decode_path_stat,
    extract_stream,
    is_directory,
    tar_bytes,
    tar_path,
)
from ._base import Collection, convert_filters, row_ids
from ._exec import ExecMixin
from ._logs import ContainerOutput, LogsMixin
from ._stats import StatsMixin
from ._streaming import ChunkDecoder, ChunkSource, Decoder, DockerStream, LinesDecoder
from .images import Image

if TYPE_CHECKING:
    from .._orchestration._wait import WaitStrategy
    from .._specs import RestartPolicy

T = TypeVar("T")

__all__ = [
    "CANCEL_GRACE",
    "CREATE_TOKEN_LABEL",
    "Container",
    "ContainerCollection",
    "RunOutput",
]

#: The label carrying each create's one-off token: it identifies a container
#: whose create answer was lost, so that it can be found and removed.
CREATE_TOKEN_LABEL = "aiocontainers.create-token"
#: Seconds a cancelled create or run waits for its clean-up before leaving it
#: to the client's reaper (see `aiocontainers._reaper`).
CANCEL_GRACE = 1.0

DEFAULT_CHUNK_SIZE = 2 * 1024 * 1024
_LIST_CONCURRENCY = 8
_WAIT_CONDITIONS = ("not-running", "next-exit", "removed")
_PATH_STAT_HEADER = "X-Docker-Container-Path-Stat"
_DAEMON_STOP_TIMEOUT = 10  # seconds the daemon waits by default before SIGKILL

Command = ShellCommand | None


def _size(value: int | str | None, field: str) -> int | None:
    if value is None:
        return None
    from .._specs import parse_bytes  # the specs load with the first create, not the client

    try:
        return parse_bytes(value, field)
    except ValueError as exc:
        raise InvalidArgument(str(exc)) from None


def _restart_policy(policy: RestartPolicy | Mapping[str, Any] | None) -> dict[str, Any] | None:
    if policy is None:
        return None
    from .._specs import RestartPolicy

    if not isinstance(policy, RestartPolicy):
        policy = RestartPolicy.model_validate(dict(policy))
    return policy.to_wire()


def _container_error(
    container: Container,
    exit_status: int,
    command: Command,
    image: str,
    frames: Sequence[tuple[int, bytes]],
) -> ContainerError:
    """A ContainerError carrying both output streams of the exited container."""
    out = b"".join(data for stream, data in frames if stream != STDERR)
    err = b"".join(data for stream, data in frames if stream == STDERR)
    argv = command if command is None or isinstance(command, str) else list(command)
    return ContainerError(container, exit_status, argv, image, err, stdout=out)


#: Log drivers docker-py's ``run()`` reads the output from (others give ``None``).
_READABLE_LOG_DRIVERS = ("json-file", "journald")


def _log_driver(container: Container) -> str | None:
    host = container.attrs.get("HostConfig")
    config = host.get("LogConfig") if isinstance(host, dict) else None
    return config.get("Type") if isinstance(config, dict) else None


def _chunk_size(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidArgument(f"chunk_size must be a positive int, got {value!r}")
    return value


class _Waiting:
    """An open ``/containers/{id}/wait``: ``result()`` reads the exit status when it comes.

    A ``result()`` that is cancelled keeps what it read and the connection: calling it
    again goes on reading; once the answer came it gives that answer again.
    """

    path = "/containers/{id}/wait"

    def __init__(self, response: ChunkSource) -> None:
        self._response = response
        self._body = b""
        self._result: dict[str, Any] | None = None

    async def result(self) -> dict[str, Any]:
        if self._result is None:
            try:
                while chunk := await self._response.read_chunk():
                    self._body += chunk
            except anyio.get_cancelled_exc_class():
                raise
            except BaseException:
                self._response.close()
                raise
            self._response.close()
            self._result = self._status()
        return self._result

    def _status(self) -> dict[str, Any]:
        result = decode_json(self._body, "POST", self.path, dict)
        code = result.get("StatusCode")
        if isinstance(code, bool) or not isinstance(code, int):
            raise InvalidResponse(f"POST {self.path}: no StatusCode in the answer {result!r:.200}")
        return {"StatusCode": code, "Error": result.get("Error")}

    def close(self) -> None:
        self._response.close()


class Container(LogsMixin, ExecMixin, StatsMixin):
    """A handle on one container; ``attrs`` caches its inspect data (``await reload()``)."""

    #: The sync face's ``container.image`` is docker-py's: the Image, fetched.
    _sync_fetched: ClassVar[dict[str, str]] = {"image": "get_image"}

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

        docker-py returns an Image object here by calling the daemon, as the sync
        face does; a property cannot await, so use ``await container.get_image()``
        for the object.
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
        """``State.Health`` as a typed model (status, failing streak, recent probes).

        ``None`` without a health check (Podman reports one with an empty status then).
        """
        state = self.attrs.get("State")
        if isinstance(state, dict) and isinstance(state.get("Health"), dict):
            if state["Health"].get("Status"):
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
    async def stop(self, timeout: GracePeriod = None) -> None:
        """Send the stop signal, then SIGKILL after ``timeout`` seconds (daemon default 10)."""
        grace = check_timeout(timeout, "timeout (the stop grace period)", zero_ok=True)
        await self._transport.request(
            "POST",
            "/containers/{id}/stop",
            path_args=self._path_args(),
            params={"t": None if grace is None else int(grace)},
            timeout=self._stop_call_timeout(grace),
        )

    @validated
    async def restart(self, timeout: GracePeriod = None) -> None:
        """Stop (waiting up to ``timeout`` seconds before SIGKILL), then start again."""
        grace = check_timeout(timeout, "timeout (the stop grace period)", zero_ok=True)
        await self._transport.request(
            "POST",
            "/containers/{id}/restart",
            path_args=self._path_args(),
            params={"t": None if grace is None else int(grace)},
            timeout=self._stop_call_timeout(grace),
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
        timeout: float | timedelta | None = None,
        condition: Literal["not-running", "next-exit", "removed"] | None = None,
    ) -> dict[str, Any]:
        """Block until the container reaches ``condition`` (default: not running).

        Returns ``{"StatusCode": int, "Error": {...} or None}`` as docker-py does.
        ``timeout`` is a real deadline: [`Timeout`][aiocontainers.errors.Timeout] is
        raised when it passes (the container keeps running).
        """
        limit = check_timeout(timeout)
        if condition is not None and condition not in _WAIT_CONDITIONS:
            raise InvalidArgument(
                f"condition must be one of {_WAIT_CONDITIONS}, got {condition!r}"
            )
        with anyio.move_on_after(limit):
            # The daemon answers with headers at once and the body at the exit:
            # opening is bounded by the client's timeout, the wait by ``timeout``.
            waiting = await self._open_wait(condition)
            try:
                return await waiting.result()
            finally:
                waiting.close()
        raise Timeout(f"container {self.short_id} did not stop within {limit} s")

    async def _open_wait(self, condition: str | None) -> _Waiting:
        """Ask the daemon to wait for ``condition``; the answer is read by ``result()``."""
        response = await self._transport.open_stream(
            "POST",
            _Waiting.path,
            path_args=self._path_args(),
            params={"condition": condition},
        )
        return _Waiting(response)

    async def _attach_first_run(
        self, params: dict[str, Any], decoder: Callable[..., Decoder[T]]
    ) -> tuple[ContainerOutput[T], _Waiting]:
        """Attach to this container, and wait for its exit, before its first start.

        For a container the caller created (``attrs`` from the create) and starts
        next: nothing it writes and not its exit status can be missed, and no inspect
        is made; the output's end is checked against the wait. The caller closes both.
        """
        output = self._attach_stream(params, decoder, unstarted=True)
        try:
            await output._open()
            waiting = await self._open_wait("next-exit")
        except BaseException:
            output.close()
            raise
        output.end_on(waiting.result)
        return output, waiting

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
        """The container's processes: ``{"Titles": [...], "Processes": [[...], ...]}``.

        Columns are split as Docker splits them, also where Podman hands back the lines of
        a ``ps`` it could not parse (busybox's) as one column.
        """
        result: dict[str, Any] = await self._transport.request_json(
            "GET", "/containers/{id}/top", path_args=self._path_args(), params={"ps_args": ps_args}
        )
        return _split_top_columns(result)

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
            timeout=self._transport.slow_timeout,
            expect=dict,
        )
        return await self.client.images.get(str(result.get("Id")))

    # -- files -----------------------------------------------------------------

    @validated
    async def get_archive(
        self, path: Name, chunk_size: int = DEFAULT_CHUNK_SIZE, encode_stream: bool = False
    ) -> tuple[DockerStream[bytes], dict[str, Any]]:
        """A tar stream of ``path`` in the container, and the path's stat.

        ``encode_stream`` is docker-py's (compress the transfer); the tar is sent
        uncompressed either way and the result is the same.

        The archive is streamed in pieces of ``chunk_size`` bytes (the last may
        be shorter); it is never held in memory. Iterate the stream to the end
        or ``aclose()`` it. The stat is ``{"name", "size", "mode", "mtime",
        "linkTarget"}``. A transfer that stalls for the client's timeout raises
        [`Timeout`][aiocontainers.errors.Timeout].
        """
        del encode_stream  # the result does not depend on it
        size = _chunk_size(chunk_size)
        response = await self._transport.open_stream(
            "GET", "/containers/{id}/archive", path_args=self._path_args(), params={"path": path}
        )
        try:
            stat = decode_path_stat(response.headers.get(_PATH_STAT_HEADER))
        except BaseException:
            response.close()
            raise
        stream = DockerStream(
            (response, ChunkDecoder(size)),
            name=f"archive of {path} in {self.short_id}",
            idle_timeout=self._transport.timeout,
        )
        return stream, stat

    @validated
    async def put_archive(self, path: Name, data: UploadSource) -> bool:
        """Extract the tar ``data`` into the existing directory ``path``; returns True like
        docker-py. ``data``: bytes, a binary file object, an iterable of bytes (a
        generator), or an async iterable, streamed as it comes."""
        body = await body_chunks(data)
        await self._transport.request(
            "PUT",
            "/containers/{id}/archive",
            path_args=self._path_args(),
            params={"path": path},
            data=body,
            headers={"Content-Type": "application/x-tar"},
        )
        return True

    async def _path_stat(self, path: str) -> dict[str, Any] | None:
        """The stat of ``path`` in the container, or None if it does not exist."""
        try:
            response = await self._transport.open_stream(
                "HEAD",
                "/containers/{id}/archive",
                path_args=self._path_args(),
                params={"path": path},
            )
        except NotFound:
            return None
        try:
            return decode_path_stat(response.headers.get(_PATH_STAT_HEADER))
        finally:
            response.close()

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

        The archive is extracted as it streams in. Members that would land outside ``dest``
        (absolute paths, ``..``, links pointing outside) or that are device files raise
        [`UnsafeArchiveError`][aiocontainers.errors.UnsafeArchiveError].
        """
        try:
            await anyio.Path(dest).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InvalidArgument(
                f"copy_from: cannot create the directory {dest}: {exc}"
            ) from None
        stream, stat = await self.get_archive(src)
        async with stream:
            await extract_stream(stream, dest)
        return Path(dest) / str(stat.get("name") or "").strip("/")

    @validated
    def export(self, chunk_size: int = DEFAULT_CHUNK_SIZE) -> DockerStream[bytes]:
        """The container's whole filesystem as a tar stream (``docker export``).

        Returned at once (no ``await``): ``async for chunk in container.export()``.
        """
        size = _chunk_size(chunk_size)

        async def open_export() -> tuple[ChunkSource, Decoder[bytes]]:
            response = await self._transport.open_stream(
                "GET", "/containers/{id}/export", path_args=self._path_args()
            )
            return response, ChunkDecoder(size)

        return DockerStream(
            open_export, name=f"export of {self.short_id}", idle_timeout=self._transport.timeout
        )

    async def _collect_output(self) -> builtins.list[Frame]:
        """Every log frame so far: ``(stream id, payload)`` of stdout and stderr, in order."""
        config = self.attrs.get("Config")
        tty = bool(config.get("Tty")) if isinstance(config, dict) else False

        async def open_logs() -> tuple[ChunkSource, Decoder[Frame]]:
            response = await self._transport.open_stream(
                "GET",
                "/containers/{id}/logs",
                path_args=self._path_args(),
                params={"stdout": True, "stderr": True},
            )
            return response, FrameDecoder(tty=tty)

        frames = DockerStream(
            open_logs, name=f"logs of {self.short_id}", idle_timeout=self._transport.timeout
        )
        async with frames:
            return [frame async for frame in frames]


class RunOutput(DockerStream[bytes]):
    """``run(stream=True)``: the container's output lines as they come.

    When the output ends the exit status is checked (non-zero raises
    [`ContainerError`][aiocontainers.errors.ContainerError]); with ``remove`` the container is
    removed when the stream ends or is closed (dropping it removes it in the
    background).
    """

    def __init__(
        self,
        container: Container,
        collection: ContainerCollection,
        *,
        command: Command,
        image: str,
        stdout: bool,
        stderr: bool,
        remove: bool,
    ) -> None:
        super().__init__(self._open_output, name=f"output of {container.short_id}")
        self.container = container
        self._collection = collection
        self._command = command
        self._image = image
        self._params = {"stdout": stdout, "stderr": stderr, "tail": "all"}
        self._remove = remove

    async def _open_output(self) -> tuple[ChunkSource, Decoder[bytes]]:
        response, tty = await self.container._open_logs(self._params, follow=True)
        return response, LinesDecoder(tty=tty)

    async def _on_end(self) -> bool:
        container = self.container
        exit_status = int((await container.wait())["StatusCode"])
        if exit_status != 0:
            frames = await container._collect_output()
            raise _container_error(container, exit_status, self._command, self._image, frames)
        await self._discard()
        return True

    async def _discard(self) -> None:
        if self._remove:
            self._remove = False
            await self._collection._discard(self.container.id)

    async def __anext__(self) -> bytes:
        try:
            return await super().__anext__()
        except BaseException as exc:
            if self._remove:
                self._remove = False
                await self._collection._drop(self.container.id, exc)
            raise

    def _discard_later(self) -> None:
        if self._remove:
            self._remove = False
            self._collection._discard_later(self.container.id)

    def close(self) -> None:
        super().close()
        self._discard_later()

    async def aclose(self) -> None:
        super().close()
        await self._discard()

    def __del__(self) -> None:
        super().__del__()
        if getattr(self, "_remove", False):
            self._discard_later()


class ContainerCollection(Collection[Container]):
    """``client.containers``: run, create, get, list and prune containers."""

    model = Container

    @validated
    async def get(self, container_id: Name) -> Container:
        """The container with this id, short id or name; NotFound if there is none."""
        return self.prepare_model(await self._inspect(container_id))

    async def _inspect(self, container_id: str) -> dict[str, Any]:
        attrs: dict[str, Any] = await self._transport.request_json(
            "GET", "/containers/{id}/json", path_args={"id": container_id}, expect=dict
        )
        return attrs

    async def _rows(
        self,
        all: bool,
        before: str | None,
        filters: Mapping[str, Any] | None,
        limit: int,
        since: str | None,
        size: bool = False,
    ) -> builtins.list[dict[str, Any]]:
        """The daemon's list rows (``size``: with each container's disk use)."""
        merged = dict(filters or {})
        if before is not None:
            merged["before"] = before
        if since is not None:
            merged["since"] = since
        rows: builtins.list[dict[str, Any]] = await self._transport.request_json(
            "GET",
            "/containers/json",
            params={
                "all": all,
                "limit": limit if limit > 0 else None,
                "size": size or None,
                "filters": convert_filters(merged),
            },
            expect=list,
        )
        return rows

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
        rows = await self._rows(all, before, filters, limit, since)
        ids = row_ids(rows, "GET /containers/json")
        if sparse:
            return [self.prepare_model(row) for row in rows]
        found: builtins.list[Container | None] = [None] * len(rows)
        failures: builtins.list[DockerException] = []
        # A few workers take the ids in turn: as many tasks as inspect at once, not one
        # per container. After a failure they take no more (those in flight finish).
        todo = iter(enumerate(ids))

        async def inspect_in_turn() -> None:
            for index, container_id in todo:
                if failures:
                    return
                try:
                    found[index] = self.prepare_model(await self._inspect(container_id))
                except NotFound as exc:
                    if not ignore_removed:
                        failures.append(exc)
                except DockerException as exc:
                    failures.append(exc)

        # Plain asyncio tasks: an anyio task group costs ~40 us a task here, a tenth of an
        # inspect. gather() cancels them when this call is cancelled.
        workers = [
            asyncio.ensure_future(inspect_in_turn())
            for _ in range(min(len(ids), _LIST_CONCURRENCY))
        ]
        try:
            await asyncio.gather(*workers)
        finally:
            for worker in workers:
                worker.cancel()
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
            timeout=self._transport.slow_timeout,
            expect=dict,
        )
        return result

    # -- create and run --------------------------------------------------------

    async def _create_request(
        self, image: str, command: Command, options: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """Validate every option (before any daemon call) into the create body and params."""
        from .._specs import ContainerSpec

        spec = ContainerSpec(image=image, command=command, **options)
        api_version = await self._transport.api_version()
        proxies = (
            await self.client.images.credentials.proxy_environment()
            if spec.use_config_proxy
            else None
        )
        body = spec.to_create_body(api_version, proxy_environment=proxies)
        return body, spec.create_params(api_version)

    async def _create_raw(self, body: dict[str, Any], params: dict[str, str]) -> dict[str, Any]:
        """POST a ready create body (the low-level API's): ``{"Id": ..., "Warnings": [...]}``."""
        warnings: builtins.list[str] = []
        container_id = await self._create_id(body, params, [], warnings)
        return {"Id": container_id, "Warnings": warnings}

    async def _create_id(
        self,
        body: dict[str, Any],
        params: dict[str, str],
        created: builtins.list[str],
        warnings: builtins.list[str] | None = None,
    ) -> str:
        """POST the create and record the new id in ``created`` at once.

        The create carries a one-off token label. If the caller is cancelled
        before the answer came, the client's reaper waits for it in the
        background and removes the container (or, the answer lost, the one
        carrying the token). If the answer is lost (connection broke, deadline
        passed, garbage), the container carrying the token is found and
        removed now, and the error says so.
        """
        token = secrets.token_hex(16)
        body = {**body, "Labels": {**(body.get("Labels") or {}), CREATE_TOKEN_LABEL: token}}
        sending = asyncio.ensure_future(
            self._transport.request_json(
                "POST", "/containers/create", params=params, json=body, expect=dict
            )
        )
        try:
            result = await asyncio.shield(sending)
        except (APIError, DaemonUnavailable):
            raise  # the daemon refused it, or never got it: nothing was created
        except (StreamError, Timeout, InvalidResponse) as exc:
            with anyio.CancelScope(shield=True):
                outcome = await self._sweep(token)
            raise type(exc)(
                f"{exc}; the daemon may have created the container before its answer was "
                f"lost: {outcome}"
            ) from exc
        except BaseException:
            await self._after_cancel(
                lambda: self._finish_create(sending, token), f"cancelled create {token}"
            )
            raise
        container_id = result.get("Id")
        if not isinstance(container_id, str) or not container_id:
            with anyio.CancelScope(shield=True):
                outcome = await self._sweep(token)
            raise InvalidResponse(
                f"POST /containers/create: no Id in the answer {result}; {outcome}"
            )
        created.append(container_id)
        if warnings is not None:
            warnings.extend(result.get("Warnings") or [])
        if result.get("Warnings"):
            log_event("docker.container.warnings", id=container_id, warnings=result["Warnings"])
        return container_id

    async def _finish_create(self, sending: asyncio.Future[Any], token: str) -> None:
        """After a cancelled create: remove what it made, once its answer (or failure) came.

        Cancelled itself (the client closing), it gives up on the answer and
        removes the container by its token instead.
        """
        try:
            result = await asyncio.shield(sending)
        except (APIError, DaemonUnavailable):
            return
        except DockerException:
            await self._sweep(token)
            return
        except BaseException:  # cancelled: the client is closing
            sending.cancel()
            with anyio.CancelScope(shield=True):
                await self._sweep(token)
            raise
        container_id = result.get("Id") if isinstance(result, dict) else None
        if isinstance(container_id, str) and container_id:
            await self._discard(container_id)
        else:
            await self._sweep(token)

    async def _sweep(self, token: str) -> str:
        """Remove the container(s) carrying ``token``; say what was done (never raises)."""
        label = f"{CREATE_TOKEN_LABEL}={token}"
        try:
            rows = await self._transport.request_json(
                "GET",
                "/containers/json",
                params={"all": True, "filters": {"label": [label]}},
                expect=list,
            )
            ids = row_ids(rows, "GET /containers/json")
        except DockerException as exc:
            log_event("docker.container.sweep_failed", token=token, error=str(exc))
            return f"looking for it by its label {label} failed ({exc})"
        for container_id in ids:
            await self._discard(container_id)
        log_event("docker.container.swept", token=token, ids=ids)
        if not ids:
            return f"none carries its label {label}, so none was created"
        return f"found {', '.join(i[:12] for i in ids)} by its label {label} and removed it"

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

    def _discard_later(self, container_id: str) -> None:
        """Force-remove in the background (for a caller that cannot wait for it)."""
        self._transport.reaper.spawn(
            lambda: self._discard(container_id), f"remove container {container_id[:12]}"
        )

    async def _after_cancel(self, work: Callable[[], Awaitable[None]], what: str) -> None:
        """Clean-up for a cancelled caller: done at once if the daemon is quick.

        The caller waits (shielded) at most `CANCEL_GRACE` seconds; work
        not done by then is finished in the background by the client's reaper,
        so cancelling stays prompt even when the daemon hangs.
        """
        with anyio.CancelScope(shield=True), anyio.move_on_after(CANCEL_GRACE):
            await work()
            return
        self._transport.reaper.spawn(work, what)

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
        except BaseException as exc:
            if created:
                await self._drop(created[0], exc)
            raise

    async def _create_unseen(
        self, image: str, command: Command = None, **kwargs: Any
    ) -> Container:
        """`create()` without its inspect, for a caller that starts the container next.

        The handle's ``attrs`` hold only what the create said: ``Id``, ``Name``,
        ``Config.Tty`` and the state ``created``; ``reload()`` fills in the rest.
        """
        body, params = await self._create_request(image, command, kwargs)
        attrs: dict[str, Any] = {
            "Id": await self._create_id(body, params, []),
            "Config": {"Tty": bool(body.get("Tty"))},
            "State": {"Status": "created", "Running": False},
        }
        if params.get("name"):
            attrs["Name"] = f"/{params['name']}"
        return self.prepare_model(attrs)

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
    ) -> RunOutput: ...

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
    ) -> bytes | None: ...

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
    ) -> Container | bytes | RunOutput | None: ...

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
    ) -> Container | bytes | RunOutput | None:
        """Create and start a container, pulling the image first if it is missing.

        ``detach=True`` returns the running [`Container`][aiocontainers.Container] (with ``remove``
        the daemon removes it when it exits). Otherwise waits for the exit and
        returns its output (stdout and/or stderr per the flags, in order;
        ``None``, as docker-py gives, when the log driver is not ``json-file`` or
        ``journald``); with ``auto_remove=True`` it is attached before it starts, as
        ``docker run`` does, so nothing is lost when the daemon removes it. A non-zero exit raises
        `ContainerError` with both streams. ``remove``
        removes it afterwards, also after an error.

        ``stream=True`` returns, once the container started, an async iterator
        of its output lines as they come; the exit status is checked when the
        output ends (``ContainerError`` then), and ``remove`` applies when the
        iterator ends or is closed (use ``contextlib.aclosing`` to close early).

        If ``run()`` fails or is cancelled anywhere before it returns, the
        container it created is force-removed: nothing is left behind.

        ``wait_for`` (with ``detach=True``): a readiness strategy from
        [`aiocontainers.wait`][aiocontainers.wait]; ``run()`` returns only once it passes. If it
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
            if detach or stream:
                await container.start()
            if detach:
                if wait_for is not None:
                    keep = keep_on_failure
                    await wait_for.wait(container, self.client)
                keep = True
                return container
            if stream:
                keep = True
                return RunOutput(
                    container,
                    self,
                    command=command,
                    image=image,
                    stdout=stdout,
                    stderr=stderr,
                    remove=remove,
                )
            readable = _log_driver(container) in _READABLE_LOG_DRIVERS
            if kwargs.get("auto_remove"):
                exit_status, frames = await self._run_attached(container)
            else:
                await container.start()
                exit_status = int((await container.wait())["StatusCode"])
                frames = await container._collect_output() if readable else []
            if exit_status != 0:
                keep = not remove
                raise _container_error(container, exit_status, command, image, frames)
            output: bytes | None = None  # docker-py's answer when the driver cannot be read
            if readable:
                output = b"".join(
                    data
                    for stream_id, data in frames
                    if (stderr if stream_id == STDERR else stdout)
                )
        except BaseException as exc:
            if created and not keep:
                await self._drop(created[0], exc)
            raise
        if remove:
            await self._discard(container.id)
        return output

    async def _run_attached(self, container: Container) -> tuple[int, builtins.list[Frame]]:
        """Start an ``auto_remove`` container attached and waited for (both before the
        start, as ``docker run`` does, so its output and status are not lost when the daemon
        removes it), and return its exit status and every output frame."""
        params = {"stdout": True, "stderr": True, "stream": True, "logs": False}
        output = container._attach_stream(params, FrameDecoder, unstarted=True)
        async with output:
            await output._open()
            waiting = await container._open_wait("removed")
            try:
                await container.start()
                frames = [frame async for frame in output]
                status = await waiting.result()
            finally:
                waiting.close()
        return int(status["StatusCode"]), frames

    async def _drop(self, container_id: str, error: BaseException) -> None:
        """Remove a container a failed or cancelled call created."""
        if isinstance(error, anyio.get_cancelled_exc_class()):
            await self._after_cancel(
                lambda: self._discard(container_id), f"remove container {container_id[:12]}"
            )
        else:
            await self._discard(container_id)


def _split_top_columns(result: dict[str, Any]) -> dict[str, Any]:
    """``top`` with one unsplit column (Podman with busybox's ps) split like Docker's."""
    titles = result.get("Titles") or []
    if len(titles) != 1 or len(str(titles[0]).split()) < 2:
        return result
    columns = str(titles[0]).split()
    rows = [
        str(row[0]).split(None, len(columns) - 1)
        for row in result.get("Processes") or []
        if isinstance(row, list) and row
    ]
    return {**result, "Titles": columns, "Processes": rows}
