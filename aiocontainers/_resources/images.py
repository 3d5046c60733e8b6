"""Images: the collection (``client.images``) and the ``Image`` handle.

Names, parameters and results follow docker-py's ``docker.models.images``,
made async. Where we deliberately differ:

* Progress streams instead of being drained:
  [`ImageCollection.pull_progress()`][aiocontainers._resources.images.ImageCollection.pull_progress]
  and [`push_progress()`][aiocontainers._resources.images.ImageCollection.push_progress] yield
  typed [`ProgressEvent`][aiocontainers.ProgressEvent] objects, each with an aggregate (per-layer
  and overall bytes, one fraction) for a single progress bar;
  [`build_stream()`][aiocontainers._resources.images.ImageCollection.build_stream] yields build log
  entries as they happen. An error inside any of these streams raises (``ImageLoadError``,
  ``BuildError``) with the daemon's message; it never ends as a success.
* ``build()`` tars the context in a worker thread while it uploads, never
  holding it whole, with the Docker CLI's ``.dockerignore`` rules; ``fileobj``
  may also be the Dockerfile's text, and with ``path`` it replaces the
  context's Dockerfile (like ``docker build -f - PATH``).
* ``push()`` returns the decoded progress messages instead of raw JSON text.
* Registry credentials come from ``client.login`` or the CLI's config file
  (helpers included); see `aiocontainers._auth`.
"""

from __future__ import annotations

import builtins
import json
import os
import posixpath
import re
import secrets
import zlib
from collections.abc import AsyncIterable, AsyncIterator, Callable, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any, Generic, Literal, TypeVar, overload
from urllib.parse import urlencode

import anyio
import anyio.to_thread

from .._arguments import (
    AuthConfig,
    ByteStream,
    Count,
    Filters,
    LocalPath,
    Name,
    Readable,
    UploadSource,
)
from .._auth import INDEX_URL, Credentials, encode_header, registry_for
from .._progress import JSONMessages, ProgressDecoder, ProgressEvent
from .._streams import progress_error
from .._transport import check_timeout
from .._validation import validated
from ..errors import (
    BuildError,
    ImageLoadError,
    InvalidArgument,
    NotFound,
    Timeout,
)
from ._archive import body_chunks
from ._base import Collection, Model, convert_filters, row_ids
from ._streaming import ChunkDecoder, ChunkSource, Decoder, DockerStream
from .registry import RegistryImages

if TYPE_CHECKING:
    from .._client import DockerClient

__all__ = ["Image", "ImageCollection", "parse_repository_tag"]

T = TypeVar("T")

DEFAULT_CHUNK_SIZE = 2 * 1024 * 1024
_LIST_CONCURRENCY = 8
_REMOTE_PREFIXES = ("http://", "https://", "git://", "github.com/", "git@")
_BUILT = re.compile(r"(?:^Successfully built |sha256:)([0-9a-f]+)$")
_LOADED = ("Loaded image: ", "Loaded image ID: ")
_CONTAINER_LIMITS = frozenset(
    {"memory", "memswap", "cpushares", "cpusetcpus", "cpuperiod", "cpuquota"}
)
FileSource = Readable | bytes | str


def parse_repository_tag(name: str) -> tuple[str, str | None]:
    """``"repo:tag"`` → ``("repo", "tag")``, ``"repo@sha256:..."`` → ``("repo", "sha256:...")``."""
    repository, sep, digest = name.rpartition("@")
    if sep:
        return repository, digest
    repository, sep, tag = name.rpartition(":")
    if sep and "/" not in tag:
        return repository, tag
    return name, None


def _reference(repository: str, tag: str) -> str:
    return f"{repository}{'@' if tag.startswith('sha256:') else ':'}{tag}"


def _query(key: str, values: Sequence[str]) -> str:
    """A query string repeating ``key`` (the transport's params hold one value per key)."""
    return urlencode([(key, value) for value in values])


def _same_event(event: ProgressEvent) -> ProgressEvent:
    return event


def _message_dict(event: ProgressEvent) -> dict[str, Any]:
    return dict(event.raw)


def json_line(message: Mapping[str, Any]) -> bytes:
    """One daemon message as the JSON line it came as (docker-py's undecoded streams)."""
    return json.dumps(message, separators=(",", ":")).encode() + b"\r\n"


def _message_line(event: ProgressEvent) -> bytes:
    return json_line(event.raw)


class _Converted(Generic[T]):
    """A progress decoder whose events are handed out converted (dicts, JSON lines)."""

    __slots__ = ("_convert", "_progress")

    def __init__(self, progress: ProgressDecoder, convert: Callable[[ProgressEvent], T]) -> None:
        self._progress = progress
        self._convert = convert

    def feed(self, data: bytes) -> builtins.list[T]:
        return [self._convert(event) for event in self._progress.feed(data)]

    def eof(self) -> builtins.list[T]:
        return [self._convert(event) for event in self._progress.eof()]


class Image(Model):
    """A local image. ``attrs`` holds ``GET /images/{id}/json``; ``await reload()`` refreshes."""

    def __repr__(self) -> str:
        return f"<Image: {', '.join(repr(tag) for tag in self.tags)}>"

    @property
    def short_id(self) -> str:
        """``sha256:`` and the first 12 hex digits, as docker-py 7 shows image ids."""
        if self.id.startswith("sha256:"):
            return self.id[:19]
        return self.id[:12]

    @property
    def tags(self) -> builtins.list[str]:
        """The image's ``repository:tag`` names (``<none>:<none>`` left out)."""
        return [tag for tag in self.attrs.get("RepoTags") or [] if tag != "<none>:<none>"]

    @property
    def labels(self) -> dict[str, str]:
        """The image's labels (``{}`` when it has none)."""
        config = self.attrs.get("Config") or {}
        labels = config.get("Labels") if "Config" in self.attrs else self.attrs.get("Labels")
        return dict(labels or {})

    @validated
    async def history(self) -> builtins.list[dict[str, Any]]:
        """The image's layers, newest first (``docker history``)."""
        data: builtins.list[dict[str, Any]] = await self._transport.request_json(
            "GET", "/images/{name}/history", path_args={"name": self.id}
        )
        return data

    @validated
    async def tag(self, repository: Name, tag: str | None = None, force: bool = False) -> bool:
        """Name this image ``repository:tag``; True on success."""
        return await _images(self).tag(self.id, repository, tag, force=force)

    @validated
    async def remove(self, force: bool = False, noprune: bool = False) -> builtins.list[Any]:
        """Remove this image; see
        [`ImageCollection.remove()`][aiocontainers._resources.images.ImageCollection.remove]."""
        return await _images(self).remove(self.id, force=force, noprune=noprune)

    @validated
    def save(
        self, chunk_size: int = DEFAULT_CHUNK_SIZE, named: str | bool = False
    ) -> DockerStream[bytes]:
        """The image as a tar stream (``docker save``): ``async for chunk in image.save()``.

        ``named=True`` saves under the first tag so loading restores the name;
        a string picks one of the image's tags.
        """
        name = self.id
        if named:
            name = self.tags[0] if self.tags else self.id
            if isinstance(named, str):
                if named not in self.tags:
                    raise InvalidArgument(f"{named!r} is not one of the image's tags {self.tags}")
                name = named
        return _images(self).save(name, chunk_size=chunk_size)


def _images(image: Image) -> ImageCollection:
    collection = image.collection
    assert isinstance(collection, ImageCollection)
    return collection


async def _iter_body(
    source: AsyncIterable[bytes] | bytes | bytearray | memoryview,
) -> AsyncIterator[bytes]:
    """A request body as an async iterator (aiohttp warns about large raw bytes bodies)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        view = memoryview(source)
        for start in range(0, len(view), 1 << 20):
            yield bytes(view[start : start + (1 << 20)])
        return
    async for chunk in source:
        yield chunk


def _failing_on_error(what: str) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
    """A daemon message as a dict; one reporting an error raises ``ImageLoadError``."""

    def accept(message: Mapping[str, Any]) -> dict[str, Any]:
        error = progress_error(message)
        if error is not None:
            raise ImageLoadError(f"{what}: {error}")
        return dict(message)

    return accept


async def _gzipped(body: bytes | AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """``build(gzip=True)``: the context we made, gzip-compressed as it streams."""
    compressor = zlib.compressobj(wbits=31)  # 31: the gzip container
    async for chunk in _iter_body(body):
        if packed := compressor.compress(chunk):
            yield packed
    yield compressor.flush()


async def _iter_file(fileobj: IO[bytes], chunk_size: int = 1 << 20) -> AsyncIterator[bytes]:
    while chunk := await anyio.to_thread.run_sync(fileobj.read, chunk_size):
        yield chunk


class ImageCollection(RegistryImages, Collection[Image]):
    """``client.images``: pull, build, push, list, tag, save, load and remove images."""

    model = Image

    def __init__(self, client: DockerClient) -> None:
        super().__init__(client)
        self.credentials = Credentials(client.environment, client.credstore_env)

    # -- lookup -----------------------------------------------------------------

    @validated
    async def get(self, name: Name) -> Image:
        """The image named ``name`` (id, ``repo:tag`` or digest); ImageNotFound if absent."""
        attrs = await self._transport.request_json(
            "GET", "/images/{name}/json", path_args={"name": name}, expect=dict
        )
        return self.prepare_model(attrs)

    @validated
    async def list(
        self,
        name: str | None = None,
        all: bool = False,
        filters: Filters | None = None,
    ) -> builtins.list[Image]:
        """Local images, optionally only those matching the reference ``name``.

        Each image is inspected (a few at a time, concurrently) so ``attrs`` is
        complete, as in docker-py; images removed meanwhile are left out.
        """
        rows = await self._rows(name, all, filters)
        ids = row_ids(rows, "GET /images/json")
        found: builtins.list[Image | None] = [None] * len(rows)
        limiter = anyio.CapacityLimiter(_LIST_CONCURRENCY)

        async def inspect(index: int, image_id: str) -> None:
            async with limiter:
                try:
                    found[index] = await self.get(image_id)
                except NotFound:
                    pass

        async with anyio.create_task_group() as tg:
            for index, image_id in enumerate(ids):
                tg.start_soon(inspect, index, image_id)
        return [image for image in found if image is not None]

    async def _rows(
        self, name: str | None, all: bool, filters: Filters | None
    ) -> builtins.list[dict[str, Any]]:
        """The list rows of ``GET /images/json`` (``name`` a reference filter)."""
        merged = dict(filters or {})
        if name:
            merged["reference"] = name
        rows: builtins.list[dict[str, Any]] = await self._transport.request_json(
            "GET",
            "/images/json",
            params={"all": all, "filters": convert_filters(merged)},
            expect=list,
        )
        return rows

    # -- names and removal ------------------------------------------------------

    @validated
    async def tag(
        self, image: Name, repository: Name, tag: str | None = None, force: bool = False
    ) -> bool:
        """Name ``image`` as ``repository:tag``; True on success.

        A tag given inside ``repository`` (``"name:1.0"``, no ``tag``) is split off here:
        Docker splits it itself, Podman's compatible API rejects it.
        """
        if tag is None:
            repository, tag = parse_repository_tag(repository)
        await self._transport.request(
            "POST",
            "/images/{name}/tag",
            path_args={"name": image},
            params={"repo": repository, "tag": tag, "force": force or None},
        )
        return True

    @validated
    async def remove(
        self, image: Name, force: bool = False, noprune: bool = False
    ) -> builtins.list[Any]:
        """Remove an image (untag, then delete unused layers); returns the daemon's report."""
        data: builtins.list[Any] = await self._transport.request_json(
            "DELETE",
            "/images/{name}",
            path_args={"name": image},
            params={"force": force, "noprune": noprune},
        )
        return data

    @validated
    async def prune(self, filters: Filters | None = None) -> dict[str, Any]:
        """Remove unused images (``{"dangling": False}`` for all unused, not only untagged)."""
        data: dict[str, Any] = await self._transport.request_json(
            "POST",
            "/images/prune",
            params={"filters": convert_filters(filters)},
            timeout=self._transport.slow_timeout,
            expect=dict,
        )
        return data

    # -- registries -------------------------------------------------------------

    @validated
    async def login(
        self,
        username: str,
        password: str | None = None,
        email: str | None = None,
        registry: str | None = None,
        reauth: bool = False,
        dockercfg_path: str | None = None,
    ) -> dict[str, Any]:
        """Check credentials with the daemon (``POST /auth``) and use them from now on.

        ``registry`` defaults to Docker Hub. The credentials stay in this
        client's memory; nothing is written to the CLI's config file. They are
        always checked with the daemon, so docker-py's ``reauth`` changes
        nothing; ``dockercfg_path`` (another config file to read) is not supported.
        """
        del reauth  # always checked
        if dockercfg_path is not None:
            raise InvalidArgument("login(dockercfg_path=) is not supported")
        server = registry or INDEX_URL
        body = {"username": username, "password": password, "email": email}
        body["serveraddress"] = server
        result: dict[str, Any] = await self._transport.request_json(
            "POST", "/auth", json={k: v for k, v in body.items() if v is not None}
        )
        remembered = {"username": username, "serveraddress": server}
        if result.get("IdentityToken"):
            remembered["identitytoken"] = str(result["IdentityToken"])
        elif password is not None:
            remembered["password"] = password
        self.credentials.remember(server, remembered)
        return result

    async def _auth_header(
        self, repository: str, auth_config: Mapping[str, Any] | None
    ) -> dict[str, str]:
        auth = auth_config
        if auth is None:
            auth = await self.credentials.for_registry(registry_for(repository))
        return {"X-Registry-Auth": encode_header(auth or {})}

    @validated
    def pull_progress(
        self,
        repository: Name,
        tag: str | None = None,
        all_tags: bool = False,
        *,
        platform: str | None = None,
        auth_config: AuthConfig | None = None,
    ) -> DockerStream[ProgressEvent]:
        """Pull an image, yielding a [`ProgressEvent`][aiocontainers.ProgressEvent] per daemon
        message.

        Returned at once (no ``await``): ``async for event in ...``.
        ``event.aggregate`` is the whole pull so far (layers, bytes,
        ``fraction``). An error reported inside the stream raises
        ``ImageLoadError``; a missing image raises ``ImageNotFound``; a pull
        that sends nothing for the client's timeout raises ``Timeout``.
        """
        return self._pull_stream(repository, tag, all_tags, platform, auth_config, _same_event)

    def _pull_stream(
        self,
        repository: str,
        tag: str | None,
        all_tags: bool,
        platform: str | None,
        auth_config: Mapping[str, Any] | None,
        convert: Callable[[ProgressEvent], T],
    ) -> DockerStream[T]:
        repository, parsed = parse_repository_tag(repository)
        tag = None if all_tags else (tag or parsed or "latest")
        what = repository if tag is None else _reference(repository, tag)

        async def open_pull() -> tuple[ChunkSource, Decoder[T]]:
            headers = await self._auth_header(repository, auth_config)
            response = await self._transport.open_stream(
                "POST",
                "/images/create",
                params={"fromImage": repository, "tag": tag, "platform": platform},
                headers=headers,
            )
            return response, _Converted(ProgressDecoder("pull", what), convert)

        return DockerStream(open_pull, name=f"pull {what}", idle_timeout=self._transport.timeout)

    @overload
    async def pull(
        self,
        repository: str,
        tag: str | None = ...,
        all_tags: Literal[False] = ...,
        *,
        platform: str | None = ...,
        auth_config: AuthConfig | None = ...,
    ) -> Image: ...
    @overload
    async def pull(
        self,
        repository: str,
        tag: str | None = ...,
        *,
        all_tags: Literal[True],
        platform: str | None = ...,
        auth_config: AuthConfig | None = ...,
    ) -> builtins.list[Image]: ...
    @validated
    async def pull(
        self,
        repository: Name,
        tag: str | None = None,
        all_tags: bool = False,
        *,
        platform: str | None = None,
        auth_config: AuthConfig | None = None,
    ) -> Image | builtins.list[Image]:
        """Pull an image and return it (every tag's image with ``all_tags=True``).

        The tag comes from ``tag``, else from ``repository`` (``"app:1.0"``),
        else ``latest``. Watch progress with
        [`pull_progress()`][aiocontainers._resources.images.ImageCollection.pull_progress] instead.
        """
        repository, parsed = parse_repository_tag(repository)
        tag = tag or parsed or "latest"
        async with self.pull_progress(
            repository, tag, all_tags, platform=platform, auth_config=auth_config
        ) as events:
            async for _ in events:
                pass
        if all_tags:
            return await self.list(repository)
        return await self.get(_reference(repository, tag))

    @validated
    def push_progress(
        self,
        repository: Name,
        tag: str | None = None,
        *,
        auth_config: AuthConfig | None = None,
    ) -> DockerStream[ProgressEvent]:
        """Push an image, yielding a [`ProgressEvent`][aiocontainers.ProgressEvent] per daemon
        message.

        Returned at once (no ``await``). Without ``tag`` (and no tag in
        ``repository``) every tag of the repository is pushed. An error inside
        the stream (e.g. ``unauthorized``) raises ``ImageLoadError`` with the
        daemon's message.
        """
        return self._push_stream(repository, tag, auth_config, _same_event)

    def _push_stream(
        self,
        repository: str,
        tag: str | None,
        auth_config: Mapping[str, Any] | None,
        convert: Callable[[ProgressEvent], T],
    ) -> DockerStream[T]:
        if not tag:
            repository, tag = parse_repository_tag(repository)
        what = repository if not tag else _reference(repository, tag)

        async def open_push() -> tuple[ChunkSource, Decoder[T]]:
            headers = await self._auth_header(repository, auth_config)
            response = await self._transport.open_stream(
                "POST",
                "/images/{name}/push",
                path_args={"name": repository},
                params={"tag": tag},
                headers=headers,
            )
            return response, _Converted(ProgressDecoder("push", what), convert)

        return DockerStream(open_push, name=f"push {what}", idle_timeout=self._transport.timeout)

    @overload
    async def push(
        self,
        repository: str,
        tag: str | None = ...,
        stream: Literal[False] = False,
        auth_config: AuthConfig | None = ...,
        decode: bool = ...,
    ) -> str: ...
    @overload
    async def push(
        self,
        repository: str,
        tag: str | None = ...,
        *,
        stream: Literal[True],
        auth_config: AuthConfig | None = ...,
        decode: Literal[False] = False,
    ) -> DockerStream[bytes]: ...
    @overload
    async def push(
        self,
        repository: str,
        tag: str | None = ...,
        *,
        stream: Literal[True],
        auth_config: AuthConfig | None = ...,
        decode: Literal[True],
    ) -> DockerStream[dict[str, Any]]: ...
    @validated
    async def push(
        self,
        repository: Name,
        tag: str | None = None,
        stream: bool = False,
        auth_config: AuthConfig | None = None,
        decode: bool = False,
    ) -> str | DockerStream[bytes] | DockerStream[dict[str, Any]]:
        """Push an image; docker-py's parameters and results.

        Returns the daemon's progress messages as JSON text, one a line; with
        ``stream=True`` a stream of them (each message's JSON bytes, or dicts
        with ``decode=True``). Unlike docker-py, a push that fails raises
        ``ImageLoadError`` with the daemon's message (docker-py hands back the
        error inside the text). Watch typed progress with
        [`push_progress()`][aiocontainers._resources.images.ImageCollection.push_progress].
        """
        if stream:
            if decode:
                return self._push_stream(repository, tag, auth_config, _message_dict)
            return self._push_stream(repository, tag, auth_config, _message_line)
        lines: builtins.list[bytes] = []
        async with self._push_stream(repository, tag, auth_config, _message_line) as messages:
            async for line in messages:
                lines.append(line)
        return b"".join(lines).decode()

    # -- save and load ------------------------------------------------------------

    @validated
    def save(
        self, images: Name | Sequence[Name], chunk_size: int = DEFAULT_CHUNK_SIZE
    ) -> DockerStream[bytes]:
        """One or more images as one tar stream (``docker save``), in ``chunk_size`` pieces.

        Returned at once (no ``await``): ``async for chunk in ...``.
        """
        if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
            raise InvalidArgument(f"chunk_size must be a positive int, got {chunk_size!r}")
        if isinstance(images, str):
            path, args = "/images/{name}/get", {"name": images}
        else:
            if not images:
                raise InvalidArgument("save() needs at least one image")
            path, args = "/images/get?" + _query("names", list(images)), {}

        async def open_save() -> tuple[ChunkSource, Decoder[bytes]]:
            response = await self._transport.open_stream("GET", path, path_args=args)
            return response, ChunkDecoder(chunk_size)

        return DockerStream(open_save, name="save", idle_timeout=self._transport.timeout)

    @validated
    async def load(self, data: UploadSource) -> builtins.list[Image]:
        """Load images from a ``docker save`` tar: bytes, a binary file object, an iterable
        or async iterable of byte chunks (a str is sent as it is, as docker-py does).

        Returns the loaded images; an error reported by the daemon raises
        ``ImageLoadError``.
        """
        names: builtins.list[str] = []
        async with self._load_messages(data, quiet=True) as messages:
            async for message in messages:
                text = str(message.get("stream") or "").strip()
                for prefix in _LOADED:
                    if text.startswith(prefix):
                        names.append(text[len(prefix) :])
        return [await self.get(name) for name in names]

    def _load_messages(
        self, data: UploadSource, quiet: bool | None
    ) -> DockerStream[dict[str, Any]]:
        """``POST /images/load``'s messages; one reporting an error raises ``ImageLoadError``."""

        async def open_load() -> tuple[ChunkSource, Decoder[dict[str, Any]]]:
            response = await self._transport.open_stream(
                "POST",
                "/images/load",
                params={"quiet": quiet},
                data=_iter_body(await body_chunks(data)),
                headers={"Content-Type": "application/x-tar"},
            )
            return response, JSONMessages(_failing_on_error("load"), "load")

        return DockerStream(open_load, name="load", idle_timeout=self._transport.timeout)

    def _import_messages(
        self, params: Mapping[str, Any], body: bytes | AsyncIterator[bytes] | None
    ) -> DockerStream[dict[str, Any]]:
        """``docker import`` (the low-level API's ``import_image``): ``POST /images/create``
        with ``fromSrc`` (``"-"``: ``body`` is the root file system tar; else a URL the
        daemon fetches) or ``fromImage``; ``params["changes"]``, a list of Dockerfile
        instructions, is the query parameter repeated. Its messages; one reporting an
        error raises ``ImageLoadError``."""
        params = dict(params)
        changes = _query("changes", params.pop("changes", None) or ())
        path = f"/images/create?{changes}" if changes else "/images/create"

        async def open_import() -> tuple[ChunkSource, Decoder[dict[str, Any]]]:
            response = await self._transport.open_stream(
                "POST",
                path,
                params=params,
                data=body,
                headers=None if body is None else {"Content-Type": "application/tar"},
            )
            return response, JSONMessages(_failing_on_error("import"), "import")

        return DockerStream(open_import, name="import", idle_timeout=self._transport.timeout)

    # -- build --------------------------------------------------------------------

    async def _build_request(
        self,
        *,
        path: str | os.PathLike[str] | None,
        fileobj: FileSource | AsyncIterable[bytes] | None,
        custom_context: bool,
        encoding: str | None,
        dockerfile: str | None,
        tag: str | Sequence[str] | None,
        quiet: bool,
        nocache: bool,
        rm: bool,
        forcerm: bool,
        pull: bool,
        buildargs: Mapping[str, str] | None,
        container_limits: Mapping[str, Any] | None,
        shmsize: int | None,
        labels: Mapping[str, str] | None,
        cache_from: Sequence[str] | None,
        target: str | None,
        network_mode: str | None,
        squash: bool | None,
        extra_hosts: Mapping[str, str] | Sequence[str] | None,
        platform: str | None,
        isolation: str | None,
        use_config_proxy: bool,
        gzip: bool = False,
    ) -> tuple[str, dict[str, Any], dict[str, str], bytes | AsyncIterator[bytes] | None]:
        if path is None and fileobj is None:
            raise InvalidArgument("build() needs either path or fileobj")
        headers = {"Content-Type": "application/x-tar"}
        params: dict[str, Any] = {}
        body: bytes | AsyncIterator[bytes] | None
        from .._build_context import (  # loaded by builds only
            build_context,
            dockerfile_bytes,
            dockerfile_tar,
        )

        if custom_context:
            if fileobj is None:
                raise InvalidArgument("custom_context=True needs fileobj (a tar archive)")
            if isinstance(fileobj, (bytes, AsyncIterable)):
                body = _iter_body(fileobj)
            elif isinstance(fileobj, str):
                raise InvalidArgument("custom_context=True needs a binary tar, not text")
            else:
                body = _iter_file(fileobj)
            if encoding:
                headers["Content-Encoding"] = encoding
        elif fileobj is not None:
            if isinstance(fileobj, AsyncIterable):
                raise InvalidArgument("an async stream fileobj needs custom_context=True")
            if path is None:
                body = await anyio.to_thread.run_sync(dockerfile_tar, fileobj)
            else:
                if dockerfile is not None:
                    raise InvalidArgument("give the Dockerfile as fileobj or dockerfile, not both")
                data = await anyio.to_thread.run_sync(dockerfile_bytes, fileobj)
                dockerfile = f".dockerfile.{secrets.token_hex(10)}"
                body = build_context(path, dockerfile, extra=[(dockerfile, data)])
        elif str(path).startswith(_REMOTE_PREFIXES):
            params["remote"] = str(path)
            body = None
        else:
            assert path is not None
            root = os.fspath(path)
            extra: builtins.list[tuple[str, bytes]] = []
            if dockerfile is not None and os.path.isabs(dockerfile):
                inside = posixpath.relpath(dockerfile, root)  # pure string work
                if inside.startswith(".."):
                    content = await anyio.Path(dockerfile).read_bytes()
                    dockerfile = f".dockerfile.{secrets.token_hex(10)}"
                    extra.append((dockerfile, content))
                else:
                    dockerfile = inside
            body = build_context(root, dockerfile, extra=extra)
        if gzip and body is not None and not custom_context:
            body = _gzipped(body)
            headers["Content-Encoding"] = "gzip"

        if container_limits:
            unknown = set(container_limits) - _CONTAINER_LIMITS
            if unknown:
                raise InvalidArgument(f"unknown container_limits keys: {sorted(unknown)}")
            params.update(container_limits)
        if use_config_proxy:
            buildargs = await self._proxy_buildargs(buildargs)
        params.update(
            {
                "dockerfile": dockerfile,
                "q": quiet or None,
                "nocache": nocache or None,
                "rm": rm,
                "forcerm": forcerm or None,
                "pull": pull or None,
                "buildargs": dict(buildargs) if buildargs else None,
                "shmsize": shmsize,
                "labels": dict(labels) if labels else None,
                "cachefrom": list(cache_from) if cache_from else None,
                "target": target,
                "networkmode": network_mode,
                "squash": squash or None,
                "platform": platform,
                "isolation": isolation,
            }
        )
        repeated: builtins.list[str] = []
        if tag:
            repeated.append(_query("t", [tag] if isinstance(tag, str) else list(tag)))
        if extra_hosts:
            hosts = (
                [f"{host}:{ip}" for host, ip in extra_hosts.items()]
                if isinstance(extra_hosts, Mapping)
                else list(extra_hosts)
            )
            repeated.append(_query("extrahosts", hosts))
        registries = await self.credentials.for_all()
        if registries:
            headers["X-Registry-Config"] = encode_header(registries)
        url = "/build" + ("?" + "&".join(repeated) if repeated else "")
        return url, params, headers, body

    async def _proxy_buildargs(self, buildargs: Mapping[str, str] | None) -> dict[str, str]:
        """Build args with the CLI config's default proxies, as docker-py's use_config_proxy."""
        merged = dict(buildargs or {})
        for name, value in (await self.credentials.proxy_environment()).items():
            merged.setdefault(name, value)
        return merged

    @validated
    def build_stream(
        self,
        path: LocalPath | None = None,
        fileobj: FileSource | ByteStream | None = None,
        *,
        tag: str | Sequence[str] | None = None,
        dockerfile: str | os.PathLike[str] | None = None,
        buildargs: Mapping[str, str] | None = None,
        target: str | None = None,
        labels: Mapping[str, str] | None = None,
        cache_from: Sequence[str] | None = None,
        network_mode: str | None = None,
        platform: str | None = None,
        nocache: bool = False,
        pull: bool = False,
        rm: bool = True,
        forcerm: bool = False,
        extra_hosts: Mapping[str, str] | Sequence[str] | None = None,
        shmsize: Count | None = None,
        squash: bool | None = None,
        quiet: bool = False,
        container_limits: Mapping[str, int | str] | None = None,
        isolation: str | None = None,
        use_config_proxy: bool = True,
        custom_context: bool = False,
        encoding: str | None = None,
        gzip: bool = False,
    ) -> DockerStream[dict[str, Any]]:
        """Build an image, yielding each build log entry (a dict) as the daemon sends it.

        Returned at once (no ``await``): ``async for entry in ...``. Entries
        are docker-py's: ``{"stream": "Step 1/3 : FROM ..."}``, pull progress
        for ``FROM``, and ``{"aux": {"ID": "sha256:..."}}`` naming the result.
        A failed step raises [`BuildError`][aiocontainers.errors.BuildError] carrying every entry.
        A build
        step may run silently for long, so the stream has no idle deadline
        (``build(timeout=...)`` bounds a whole build). Parameters are those of
        [`build()`][aiocontainers._resources.images.ImageCollection.build].
        """
        if gzip and encoding:  # at the call, as docker-py refuses it
            raise InvalidArgument("build(): a custom encoding cannot be used with gzip=True")
        log: builtins.list[dict[str, Any]] = []

        def accept(entry: Mapping[str, Any]) -> dict[str, Any]:
            log.append(dict(entry))
            error = progress_error(entry)
            if error is not None:
                raise BuildError(error, log)
            return dict(entry)

        async def open_build() -> tuple[ChunkSource, Decoder[dict[str, Any]]]:
            url, params, headers, body = await self._build_request(
                path=path,
                fileobj=fileobj,
                custom_context=custom_context,
                encoding=encoding,
                dockerfile=None if dockerfile is None else os.fspath(dockerfile),
                tag=tag,
                quiet=quiet,
                nocache=nocache,
                rm=rm,
                forcerm=forcerm,
                pull=pull,
                buildargs=buildargs,
                container_limits=container_limits,
                shmsize=shmsize,
                labels=labels,
                cache_from=cache_from,
                target=target,
                network_mode=network_mode,
                squash=squash,
                extra_hosts=extra_hosts,
                platform=platform,
                isolation=isolation,
                use_config_proxy=use_config_proxy,
                gzip=gzip,
            )
            response = await self._transport.open_stream(
                "POST", url, params=params, headers=headers, data=body
            )
            return response, JSONMessages(accept, "build")

        return DockerStream(open_build, name="build")

    @validated
    async def build(
        self,
        path: LocalPath | None = None,
        fileobj: FileSource | ByteStream | None = None,
        *,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> tuple[Image, builtins.list[dict[str, Any]]]:
        """Build an image and return ``(image, build_log)``, like docker-py.

        ``path``: a context directory (``.dockerignore`` honoured as the CLI
        does) or a remote URL (git or tarball). ``fileobj``: a Dockerfile (file
        object, bytes or text) forming the whole context, or with ``path``
        replacing the context's Dockerfile; with ``custom_context=True`` a tar
        (file object, bytes or async byte stream), ``encoding`` naming its
        compression. ``timeout`` bounds the whole build (``Timeout``). Other
        keywords are docker-py's: ``tag``, ``dockerfile``, ``buildargs``,
        ``target``, ``labels``, ``cache_from``, ``network_mode``, ``platform``,
        ``nocache``, ``pull``, ``rm`` (default True), ``forcerm``,
        ``extra_hosts``, ``shmsize``, ``squash``, ``quiet``,
        ``container_limits``, ``isolation``, ``use_config_proxy``, ``gzip``
        (compress the context this builds; a ``custom_context`` tar is sent as
        given, with ``encoding`` naming its compression).

        A failed step raises [`BuildError`][aiocontainers.errors.BuildError] with the log.
        """
        limit = check_timeout(timeout)
        log: builtins.list[dict[str, Any]] = []
        image_id: str | None = None
        try:
            with anyio.fail_after(limit):
                async with self.build_stream(path, fileobj, **kwargs) as entries:
                    async for entry in entries:
                        log.append(entry)
                        aux = entry.get("aux")
                        if isinstance(aux, Mapping) and aux.get("ID"):
                            image_id = str(aux["ID"])
                        match = _BUILT.search(str(entry.get("stream") or "").strip())
                        if match and image_id is None:
                            image_id = match.group(1)
        except TimeoutError as exc:
            raise Timeout(f"build took longer than {limit} s") from exc
        if image_id is None:
            last = log[-1] if log else {}
            raise BuildError(f"build finished without an image id: {last}", log)
        return await self.get(image_id), log
