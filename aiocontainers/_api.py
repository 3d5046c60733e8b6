"""docker-py's low-level ``APIClient``: ``client.api``, methods named after the Engine API.

Results are what docker-py's ``APIClient`` returns: the daemon's dicts (inspect
data, list rows), bytes, or streams. This layer sends no request of its own: each
method calls the resource layer (``client.containers``, ``client.images``...),
which owns every endpoint, and hands back the ``attrs`` or answer it got, so a
request is built in one place (docker-py's layering is the other way round: its
models call its ``APIClient``). Every method of docker-py's ``APIClient`` is here;
``docs/content/porting.md`` lists them and the differential cases compare each with
docker-py's.

``create_host_config()``, ``create_networking_config()`` and
``create_endpoint_config()`` build docker-py's dicts
(`aiocontainers.sync.types`), which ``create_container()`` sends as they are.
"""

from __future__ import annotations

import builtins
import functools
import os
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar

import anyio

from ._arguments import Count, Filters, Name, Tail, Timestamp, UploadSource
from ._resources._archive import body_chunks
from ._resources._exec import ExecResult, exec_inspect, exec_resize, exec_start
from ._resources._streaming import DockerStream
from ._resources.containers import DEFAULT_CHUNK_SIZE, Container
from ._resources.images import Image, _message_dict, _message_line, json_line
from ._resources.networks import Network
from ._resources.plugins import Plugin
from ._resources.services import inspect_task, list_tasks, merge_service_spec
from ._transport import check_timeout
from ._validation import validated
from .errors import InvalidArgument, NullResource

if TYPE_CHECKING:
    from ._client import DockerClient

__all__ = ["APIClient"]

# ``None`` too: docker-py raises NullResource for it (a subclass of InvalidArgument).
Resource = str | Mapping[str, Any] | None


def _resource_id(value: Resource, what: str) -> str:
    """An id or name, or a dict carrying ``Id`` (docker-py takes both)."""
    if isinstance(value, Mapping):
        value = value.get("Id") or value.get("ID")
    if not value:
        raise NullResource(f"Resource ID was not provided ({what})")
    return str(value)


def _checked_already(method: Callable[..., Any]) -> Callable[..., Any]:
    """A resource method without its argument check, for arguments this layer checked
    against the same types: one check per call, not two (the unary calls' cost)."""
    return functools.partial(method.__wrapped__, method.__self__)  # type: ignore[attr-defined]


def _docker_py_type(
    cls: Callable[..., dict[str, Any]], *args: Any, **kwargs: Any
) -> dict[str, Any]:
    """One of docker-py's dict types; its TypeError for a wrong argument is InvalidArgument."""
    try:
        return cls(*args, **kwargs)
    except TypeError as exc:
        raise InvalidArgument(f"{cls.__name__}(): {exc}") from None


class APIClient:
    """The low-level client of one [`DockerClient`][aiocontainers.DockerClient]: ``client.api``."""

    #: The sync face's ``api_version`` is docker-py's property, fetched.
    _sync_fetched: ClassVar[dict[str, str]] = {"api_version": "api_version"}

    @validated
    def __init__(self, client: DockerClient) -> None:
        self._client = client

    def _container(self, container: Resource) -> Container:
        return self._client.containers.prepare_model({"Id": _resource_id(container, "container")})

    def _image(self, image: Resource) -> Image:
        return self._client.images.prepare_model({"Id": _resource_id(image, "image")})

    def _network(self, network: Resource) -> Network:
        return self._client.networks.prepare_model({"Id": _resource_id(network, "network")})

    def _plugin(self, plugin: Resource) -> Plugin:
        return self._client.plugins.prepare_model({"Id": _resource_id(plugin, "plugin")})

    @property
    def headers(self) -> dict[str, str]:
        """The headers every request carries (``User-Agent``); one added here goes with
        every later call, as with docker-py's session headers."""
        return self._client.transport.headers

    @property
    def base_url(self) -> str:
        """The daemon's base URL as docker-py writes it: ``http+docker://localhost`` for a
        Unix socket, ``http+docker://ssh`` over SSH, ``http(s)://host:port`` over TCP."""
        endpoint = self._client.transport.endpoint
        sockets = {"unix": "localhost", "ssh": "ssh", "npipe": "localnpipe"}
        if endpoint.scheme in sockets:
            return f"http+docker://{sockets[endpoint.scheme]}"
        return endpoint.http_base

    @property
    def timeout(self) -> float | None:
        """The deadline of unary calls, in seconds (the client's ``timeout``); settable, as
        docker-py's ``api.timeout`` (e.g. raised before a long call)."""
        return self._client.transport.timeout

    @timeout.setter
    def timeout(self, value: float | timedelta | None) -> None:
        self._client.transport.timeout = check_timeout(value)

    # -- system ------------------------------------------------------------------------

    @validated
    async def api_version(self) -> str:
        """The API version in use (negotiated with the daemon on first use): ``"1.41"``.

        docker-py's ``api_version`` is a property; the sync face's is one too.
        """
        return await self._client.api_version()

    @validated
    async def ping(self) -> bool:
        """``True`` when the daemon answers."""
        return await self._client.ping()

    @validated
    async def version(self, api_version: bool = True) -> dict[str, Any]:
        """The daemon's version information."""
        info: dict[str, Any] = await _checked_already(self._client.version)(api_version)
        return info

    @validated
    async def info(self) -> dict[str, Any]:
        """System-wide information (``docker info``)."""
        return await self._client.info()

    @validated
    async def df(self) -> dict[str, Any]:
        """Disk usage by images, containers, volumes and build cache."""
        return await self._client.df()

    @validated
    def events(
        self,
        since: Any = None,
        until: Any = None,
        filters: Mapping[str, Any] | None = None,
        decode: bool | None = None,
    ) -> Any:
        """The daemon's events: a stream of each event's JSON bytes (dicts with
        ``decode``), ending at ``until`` when given."""
        client: Any = self._client  # the overloads need a literal flag
        return client.events(since, until, filters, bool(decode))

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
        """Check credentials with the daemon and use them from now on (`DockerClient.login`)."""
        return await self._client.login(
            username, password, email, registry, reauth, dockercfg_path
        )

    @validated
    def reload_config(self, dockercfg_path: str | None = None) -> None:
        """Read the CLI config file (``$DOCKER_CONFIG/config.json``) again on next use.
        Another file (``dockercfg_path``) is not supported: set ``DOCKER_CONFIG``."""
        if dockercfg_path is not None:
            raise InvalidArgument("reload_config(dockercfg_path=): set DOCKER_CONFIG instead")
        self._client.images.credentials.reload()

    @validated
    async def close(self) -> None:
        """Close the client this API belongs to (docker-py closes its session)."""
        await self._client.close()

    # -- containers ----------------------------------------------------------------------

    @validated
    async def containers(
        self,
        quiet: bool = False,
        all: bool = False,
        trunc: bool = False,
        latest: bool = False,
        since: Name | None = None,
        before: Name | None = None,
        limit: int = -1,
        size: bool = False,
        filters: Filters | None = None,
    ) -> builtins.list[dict[str, Any]]:
        """The list rows of ``GET /containers/json`` (``[{"Id": ...}]`` with ``quiet``;
        ``trunc``: ids cut to 12 digits, as docker-py does; ``size``: the disk use too)."""
        rows = await self._client.containers._rows(
            all, before, filters, 1 if latest else limit, since, size
        )
        if quiet:
            return [{"Id": row["Id"]} for row in rows]
        if trunc:
            for row in rows:
                row["Id"] = row["Id"][:12]
        return rows

    @validated
    async def inspect_container(self, container: Resource) -> dict[str, Any]:
        """``docker inspect``'s data for the container."""
        found = await self._client.containers.get(_resource_id(container, "container"))
        return found.attrs

    @validated
    async def create_host_config(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """docker-py's ``HostConfig`` dict for ``create_container(host_config=...)``."""
        from .sync.types import HostConfig

        version = await self._client.transport.api_version()
        return _docker_py_type(HostConfig, version, *args, **kwargs)

    @validated
    def create_networking_config(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """docker-py's ``NetworkingConfig`` dict (``{"EndpointsConfig": {...}}``)."""
        from .sync.types import NetworkingConfig

        return _docker_py_type(NetworkingConfig, *args, **kwargs)

    @validated
    async def create_endpoint_config(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """docker-py's ``EndpointConfig`` dict for one network of a networking config."""
        from .sync.types import EndpointConfig

        version = await self._client.transport.api_version()
        return _docker_py_type(EndpointConfig, version, *args, **kwargs)

    @validated
    async def create_container(
        self,
        image: str,
        command: str | Sequence[str] | None = None,
        hostname: str | None = None,
        user: str | int | None = None,
        detach: bool = False,
        stdin_open: bool = False,
        tty: bool = False,
        ports: Sequence[Any] | None = None,
        environment: Mapping[str, str | None] | Sequence[str] | None = None,
        volumes: str | Sequence[str] | Mapping[str, Any] | None = None,
        network_disabled: bool = False,
        name: str | None = None,
        entrypoint: str | Sequence[str] | None = None,
        working_dir: str | None = None,
        domainname: str | None = None,
        host_config: Mapping[str, Any] | None = None,
        mac_address: str | None = None,
        labels: Mapping[str, str] | Sequence[str] | None = None,
        stop_signal: str | None = None,
        networking_config: Mapping[str, Any] | None = None,
        healthcheck: Mapping[str, Any] | None = None,
        stop_timeout: int | None = None,
        runtime: str | None = None,
        use_config_proxy: bool = True,
        platform: str | None = None,
    ) -> dict[str, Any]:
        """Create a container from docker-py's low-level arguments: ``{"Id": ...,
        "Warnings": [...]}``. ``host_config`` comes from `create_host_config`."""
        from .sync.types import ContainerConfig

        if use_config_proxy:
            proxies = await self._client.images.credentials.proxy_environment()
            if proxies:
                environment = _with_proxies(environment, proxies)
        config = ContainerConfig(
            await self._client.transport.api_version(),
            image,
            command,
            hostname,
            user,
            detach,
            stdin_open,
            tty,
            ports,
            environment,
            volumes,
            network_disabled,
            entrypoint,
            working_dir,
            domainname,
            host_config,
            mac_address,
            labels,
            stop_signal,
            networking_config,
            healthcheck,
            stop_timeout,
            runtime,
        )
        create = _checked_already(self.create_container_from_config)
        created: dict[str, Any] = await create(config, name, platform)
        return created

    @validated
    async def create_container_config(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """docker-py's ``ContainerConfig`` dict (`create_container`'s arguments, without
        ``name``, ``platform`` and ``use_config_proxy``) for `create_container_from_config`."""
        from .sync.types import ContainerConfig

        version = await self._client.transport.api_version()
        return _docker_py_type(ContainerConfig, version, *args, **kwargs)

    @validated
    async def create_container_from_config(
        self, config: Mapping[str, Any], name: str | None = None, platform: str | None = None
    ) -> dict[str, Any]:
        """Create a container from a ready create body (`create_container_config`'s):
        ``{"Id": ..., "Warnings": [...]}``."""
        params = {key: value for key, value in (("name", name), ("platform", platform)) if value}
        return await self._client.containers._create_raw(dict(config), params)

    @validated
    async def start(self, container: Resource) -> None:
        """Start the container."""
        await self._container(container).start()

    @validated
    async def stop(self, container: Resource, timeout: float | None = None) -> None:
        """Stop it: the stop signal, then SIGKILL after ``timeout`` seconds."""
        await self._container(container).stop(timeout)

    @validated
    async def restart(self, container: Resource, timeout: float | None = None) -> None:
        """Restart it (SIGKILL after ``timeout`` seconds)."""
        await self._container(container).restart(timeout)

    @validated
    async def kill(self, container: Resource, signal: str | int | None = None) -> None:
        """Send ``signal`` (default SIGKILL)."""
        await self._container(container).kill(signal)

    @validated
    async def pause(self, container: Resource) -> None:
        """Freeze its processes."""
        await self._container(container).pause()

    @validated
    async def unpause(self, container: Resource) -> None:
        """Resume its processes."""
        await self._container(container).unpause()

    @validated
    async def remove_container(
        self, container: Resource, v: bool = False, link: bool = False, force: bool = False
    ) -> None:
        """Remove it; ``v`` its anonymous volumes, ``force`` kills it first."""
        await self._container(container).remove(v=v, link=link, force=force)

    @validated
    async def rename(self, container: Resource, name: str) -> None:
        """Rename it."""
        await self._container(container).rename(name)

    @validated
    async def wait(
        self, container: Resource, timeout: float | None = None, condition: Any = None
    ) -> dict[str, Any]:
        """Wait for it to stop: ``{"StatusCode": ..., "Error": ...}``."""
        return await self._container(container).wait(timeout, condition)

    @validated
    async def top(self, container: Resource, ps_args: str | None = None) -> dict[str, Any]:
        """Its processes: ``{"Titles": [...], "Processes": [...]}``."""
        return await self._container(container).top(ps_args)

    @validated
    async def diff(self, container: Resource) -> builtins.list[dict[str, Any]]:
        """Its filesystem changes."""
        return await self._container(container).diff()

    @validated
    async def logs(
        self,
        container: Resource,
        stdout: bool = True,
        stderr: bool = True,
        stream: bool = False,
        timestamps: bool = False,
        tail: Tail = "all",
        since: Timestamp | None = None,
        follow: bool | None = None,
        until: Timestamp | None = None,
    ) -> Any:
        """Its output: ``bytes``, or a stream with ``stream=True`` (`Container.logs`)."""
        found: Any = self._container(container)  # the overloads need a literal flag
        await found.reload()  # the TTY setting decides how the output is framed
        result = found.logs(
            stdout=stdout,
            stderr=stderr,
            stream=stream,
            timestamps=timestamps,
            tail=tail,
            since=since,
            follow=follow,
            until=until,
        )
        return result if stream else await result

    @validated
    async def port(self, container: Resource, private_port: int | str) -> Any:
        """The host bindings of ``private_port`` (``"80"`` tries tcp, udp, sctp)."""
        settings = (await self.inspect_container(container)).get("NetworkSettings", {})
        ports = settings.get("Ports")
        if ports is None:
            return None
        port = str(private_port)
        if "/" in port:
            return ports.get(port)
        for protocol in ("tcp", "udp", "sctp"):
            bindings = ports.get(f"{port}/{protocol}")
            if bindings:
                return bindings
        return None

    @validated
    async def attach(
        self,
        container: Resource,
        stdout: bool = True,
        stderr: bool = True,
        stream: bool = False,
        logs: bool = False,
        demux: bool = False,
    ) -> Any:
        """Its output from now on (``logs`` adds what came before): bytes, or a stream
        with ``stream`` (``(stdout, stderr)`` pairs with ``demux``)."""
        found: Any = self._container(container)  # the overloads need literal flags
        result = found.attach(stdout=stdout, stderr=stderr, stream=stream, logs=logs, demux=demux)
        return result if stream else await result

    @validated
    async def attach_socket(
        self, container: Resource, params: Mapping[str, Any] | None = None, ws: bool = False
    ) -> Any:
        """An attach session taking stdin (`Container.attach_socket`'s stream, not a
        socket); ``params`` is the attach query, docker-py's default without it."""
        query = {"stdout": 1, "stderr": 1, "stream": 1} if params is None else params
        return await self._container(container).attach_socket(params=query, ws=ws)

    @validated
    async def stats(
        self,
        container: Resource,
        decode: bool | None = None,
        stream: bool = True,
        one_shot: bool | None = None,
    ) -> Any:
        """Resource usage: a stream of each sample's JSON bytes (dicts with ``decode``), or
        one dict with ``stream=False``."""
        found: Any = self._container(container)  # the overloads need literal flags
        if not stream:
            return await found.stats(decode, stream=False, one_shot=one_shot)
        return found.stats(bool(decode), stream=True, one_shot=one_shot)

    @validated
    async def resize(self, container: Resource, height: int, width: int) -> None:
        """Resize its TTY."""
        await self._container(container).resize(height, width)

    @validated
    async def update_container(
        self,
        container: Resource,
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
        restart_policy: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Change its resource limits: ``{"Warnings": [...]}``."""
        return await self._container(container).update(
            blkio_weight=blkio_weight,
            cpu_period=cpu_period,
            cpu_quota=cpu_quota,
            cpu_shares=cpu_shares,
            cpuset_cpus=cpuset_cpus,
            cpuset_mems=cpuset_mems,
            mem_limit=mem_limit,
            mem_reservation=mem_reservation,
            memswap_limit=memswap_limit,
            kernel_memory=kernel_memory,
            restart_policy=restart_policy,
        )

    @validated
    async def commit(
        self,
        container: Resource,
        repository: str | None = None,
        tag: str | None = None,
        message: str | None = None,
        author: str | None = None,
        pause: bool = True,
        changes: str | Sequence[str] | None = None,
        conf: Mapping[str, Any] | None = None,
    ) -> dict[str, str]:
        """Make an image of its filesystem: ``{"Id": "sha256:..."}``."""
        image = await self._container(container).commit(
            repository, tag, message, author, pause, changes, conf
        )
        return {"Id": image.id}

    @validated
    async def get_archive(
        self,
        container: Resource,
        path: str,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        encode_stream: bool = False,
    ) -> tuple[Any, dict[str, Any]]:
        """A tar stream of ``path`` in it and the path's stat."""
        return await self._container(container).get_archive(path, chunk_size, encode_stream)

    @validated
    async def put_archive(self, container: Resource, path: str, data: Any) -> bool:
        """Extract the tar ``data`` into its directory ``path``; ``True``."""
        return await self._container(container).put_archive(path, data)

    @validated
    def export(self, container: Resource, chunk_size: int = DEFAULT_CHUNK_SIZE) -> Any:
        """Its whole filesystem as a tar stream."""
        return self._container(container).export(chunk_size)

    @validated
    async def prune_containers(self, filters: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Remove stopped containers: ``{"ContainersDeleted": [...], "SpaceReclaimed": n}``."""
        return await self._client.containers.prune(filters)

    # -- exec ------------------------------------------------------------------------------

    @validated
    async def exec_create(
        self,
        container: Resource,
        cmd: str | Sequence[str],
        stdout: bool = True,
        stderr: bool = True,
        stdin: bool = False,
        tty: bool = False,
        privileged: bool = False,
        user: str = "",
        environment: Mapping[str, str | None] | Sequence[str] | None = None,
        workdir: str | None = None,
        detach_keys: str | None = None,
    ) -> dict[str, str]:
        """Create (not start) an exec: ``{"Id": ...}`` (it inherits the container's
        environment, config proxies included; docker-py adds none of its own)."""
        exec_id = await self._container(container)._exec_create(
            cmd,
            stdout=stdout,
            stderr=stderr,
            stdin=stdin,
            tty=tty,
            privileged=privileged,
            user=user,
            environment=environment,
            workdir=workdir,
            detach_keys=detach_keys,
        )
        return {"Id": exec_id}

    @validated
    async def exec_start(
        self,
        exec_id: Resource,
        detach: bool = False,
        tty: bool = False,
        stream: bool = False,
        socket: bool = False,
        demux: bool = False,
    ) -> Any:
        """Start a created exec: its output (bytes, or ``(stdout, stderr)`` with ``demux``),
        a stream with ``stream``/``socket``; ``""`` detached, as docker-py."""
        result: ExecResult[Any] = await exec_start(
            self._client.transport,
            _resource_id(exec_id, "exec"),
            detach=detach,
            tty=tty,
            stream=stream,
            socket=socket,
            demux=demux,
        )
        return "" if detach else result.output

    @validated
    async def exec_inspect(self, exec_id: Resource) -> dict[str, Any]:
        """The daemon's view of an exec (``Running``, ``ExitCode``...)."""
        return await exec_inspect(self._client.transport, _resource_id(exec_id, "exec"))

    @validated
    async def exec_resize(
        self, exec_id: Resource, height: Count | None = None, width: Count | None = None
    ) -> None:
        """Resize an exec's TTY (a size left out is not sent)."""
        await exec_resize(self._client.transport, _resource_id(exec_id, "exec"), height, width)

    # -- images ----------------------------------------------------------------------------

    @validated
    async def images(
        self,
        name: str | None = None,
        quiet: bool = False,
        all: bool = False,
        filters: Mapping[str, Any] | None = None,
    ) -> builtins.list[Any]:
        """The list rows of ``GET /images/json`` (only the ids with ``quiet``)."""
        rows = await self._client.images._rows(name, all, filters)
        return [row["Id"] for row in rows] if quiet else rows

    @validated
    async def inspect_image(self, image: Resource) -> dict[str, Any]:
        """The image's inspect data."""
        return (await self._client.images.get(_resource_id(image, "image"))).attrs

    @validated
    async def history(self, image: Resource) -> builtins.list[dict[str, Any]]:
        """Its layers, newest first."""
        return await self._image(image).history()

    @validated
    async def tag(
        self, image: Resource, repository: str, tag: str | None = None, force: bool = False
    ) -> bool:
        """Name it ``repository:tag``; ``True``."""
        return await self._client.images.tag(_resource_id(image, "image"), repository, tag, force)

    @validated
    async def remove_image(
        self, image: Resource, force: bool = False, noprune: bool = False
    ) -> builtins.list[dict[str, Any]]:
        """Remove it: the daemon's ``[{"Untagged": ...}, {"Deleted": ...}]``."""
        return await self._client.images.remove(_resource_id(image, "image"), force, noprune)

    @validated
    async def prune_images(self, filters: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Remove unused images: ``{"ImagesDeleted": ..., "SpaceReclaimed": n}``."""
        return await self._client.images.prune(filters)

    @validated
    async def pull(
        self,
        repository: str,
        tag: str | None = None,
        stream: bool = False,
        auth_config: Mapping[str, Any] | None = None,
        decode: bool = False,
        platform: str | None = None,
        all_tags: bool = False,
    ) -> Any:
        """Pull it: the progress messages as JSON text, one a line; with ``stream`` a stream
        of each message's JSON bytes (dicts with ``decode``). A failed pull raises."""
        images = self._client.images
        if decode and stream:
            return images._pull_stream(
                repository, tag, all_tags, platform, auth_config, _message_dict
            )
        lines = images._pull_stream(
            repository, tag, all_tags, platform, auth_config, _message_line
        )
        return lines if stream else await _text(lines)

    @validated
    async def push(
        self,
        repository: str,
        tag: str | None = None,
        stream: bool = False,
        auth_config: Mapping[str, Any] | None = None,
        decode: bool = False,
    ) -> Any:
        """Push it: `ImageCollection.push`'s results (text, or a stream with ``stream``)."""
        images: Any = self._client.images  # the overloads need literal flags
        return await images.push(repository, tag, stream, auth_config, decode)

    @validated
    async def search(self, term: str, limit: int | None = None) -> builtins.list[dict[str, Any]]:
        """Search Docker Hub (the daemon asks it)."""
        return await self._client.images.search(term, limit)

    @validated
    async def inspect_distribution(
        self, image: str, auth_config: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """The registry's description of ``image``: ``{"Descriptor": ..., "Platforms": ...}``."""
        return (await self._client.images.get_registry_data(image, auth_config)).attrs

    @validated
    async def prune_builds(
        self,
        filters: Mapping[str, Any] | None = None,
        keep_storage: int | None = None,
        all: bool | None = None,
    ) -> dict[str, Any]:
        """Remove build cache: ``{"CachesDeleted": ..., "SpaceReclaimed": n}``."""
        return await self._client.images.prune_builds(filters, keep_storage, all)

    @validated
    def get_image(self, image: Resource, chunk_size: int = DEFAULT_CHUNK_SIZE) -> Any:
        """The image as a ``docker save`` tar stream."""
        return self._client.images.save(_resource_id(image, "image"), chunk_size)

    @validated
    def load_image(self, data: UploadSource, quiet: bool | None = None) -> Any:
        """Load a ``docker save`` tar: a stream of the daemon's messages (dicts)."""
        return self._client.images._load_messages(data, quiet)

    @validated
    async def import_image(
        self,
        src: Any = None,
        repository: str | None = None,
        tag: str | None = None,
        image: str | None = None,
        changes: str | Sequence[str] | None = None,
        stream_src: bool = False,
    ) -> str:
        """Create an image from a root file system tar, like ``docker import``: the daemon's
        messages as JSON text, one a line. ``src`` is a tar file's path, a URL the daemon
        fetches, bytes, a binary file object or an iterable of byte chunks; ``image``
        names an image to pull instead (docker-py's ``fromImage``). ``changes`` is
        Dockerfile instructions (``"ENV A=1"``, or a list of them). A failure the daemon
        reports raises [`ImageLoadError`][aiocontainers.errors.ImageLoadError]."""
        del stream_src  # every body is streamed
        if not (src or image):
            raise InvalidArgument("Must specify src or image to import from")
        params: dict[str, Any] = {"repo": repository, "tag": tag, "changes": _changes(changes)}
        body: bytes | AsyncIterator[bytes] | None = None
        if image:
            params["fromImage"] = image
        elif isinstance(src, (str, os.PathLike)) and not await anyio.Path(src).is_file():
            params["fromSrc"] = os.fspath(src)
        else:
            params["fromSrc"] = "-"
            body = await body_chunks(
                _file_chunks(src) if isinstance(src, (str, os.PathLike)) else src
            )
        async with self._client.images._import_messages(params, body) as messages:
            return b"".join([json_line(message) async for message in messages]).decode()

    @validated
    async def import_image_from_data(
        self,
        data: Any,
        repository: str | None = None,
        tag: str | None = None,
        changes: str | Sequence[str] | None = None,
    ) -> str:
        """`import_image` from a tar in memory (bytes) or any other body it takes."""
        return await self.import_image(data, repository, tag, changes=changes)

    @validated
    async def import_image_from_file(
        self,
        filename: str,
        repository: str | None = None,
        tag: str | None = None,
        changes: str | Sequence[str] | None = None,
    ) -> str:
        """`import_image` from a tar file on disk."""
        return await self.import_image(filename, repository, tag, changes=changes)

    @validated
    async def import_image_from_stream(
        self,
        stream: Any,
        repository: str | None = None,
        tag: str | None = None,
        changes: str | Sequence[str] | None = None,
    ) -> str:
        """`import_image` from a binary file object or an iterable of byte chunks."""
        return await self.import_image(stream, repository, tag, changes=changes)

    @validated
    async def import_image_from_url(
        self,
        url: str,
        repository: str | None = None,
        tag: str | None = None,
        changes: str | Sequence[str] | None = None,
    ) -> str:
        """`import_image` from a tar the daemon downloads from ``url``."""
        return await self.import_image(url, repository, tag, changes=changes)

    @validated
    async def import_image_from_image(
        self,
        image: str,
        repository: str | None = None,
        tag: str | None = None,
        changes: str | Sequence[str] | None = None,
    ) -> str:
        """`import_image` with ``image=``: the daemon pulls ``image`` (docker-py's form)."""
        return await self.import_image(None, repository, tag, image, changes)

    @validated
    def build(
        self,
        path: str | None = None,
        tag: str | None = None,
        quiet: bool = False,
        fileobj: Any = None,
        nocache: bool = False,
        rm: bool = False,
        timeout: float | None = None,
        custom_context: bool = False,
        encoding: str | None = None,
        pull: bool = False,
        forcerm: bool = False,
        dockerfile: str | os.PathLike[str] | None = None,
        container_limits: Mapping[str, Any] | None = None,
        decode: bool = False,
        buildargs: Mapping[str, str] | None = None,
        gzip: bool = False,
        shmsize: int | None = None,
        labels: Mapping[str, str] | None = None,
        cache_from: Sequence[str] | None = None,
        target: str | None = None,
        network_mode: str | None = None,
        squash: bool | None = None,
        extra_hosts: Mapping[str, str] | Sequence[str] | None = None,
        platform: str | None = None,
        isolation: str | None = None,
        use_config_proxy: bool = True,
    ) -> Any:
        """Build an image: a stream of the build's messages as JSON bytes (dicts with
        ``decode``). A failed step raises `BuildError`; ``timeout`` bounds each wait for
        the daemon (docker-py's HTTP timeout)."""
        del timeout  # a build stream has no idle deadline (steps can be silent for long)
        entries = self._client.images.build_stream(
            path,
            fileobj,
            tag=tag,
            quiet=quiet,
            nocache=nocache,
            rm=rm,
            custom_context=custom_context,
            encoding=encoding,
            pull=pull,
            forcerm=forcerm,
            dockerfile=dockerfile,
            container_limits=container_limits,
            buildargs=buildargs,
            gzip=gzip,
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
        )
        return entries if decode else _json_lines(entries)

    # -- networks ----------------------------------------------------------------------------

    @validated
    async def create_network(
        self,
        name: str,
        driver: str | None = None,
        options: Mapping[str, str] | None = None,
        ipam: Mapping[str, Any] | None = None,
        check_duplicate: bool | None = None,
        internal: bool = False,
        labels: Mapping[str, str] | None = None,
        enable_ipv6: bool = False,
        attachable: bool | None = None,
        scope: str | None = None,
        ingress: bool | None = None,
    ) -> dict[str, Any]:
        """Create a network: ``{"Id": ..., "Warning": ...}``."""
        return await self._client.networks._create_raw(
            name, driver, options, ipam, check_duplicate, internal, labels, enable_ipv6,
            attachable, scope, ingress,
        )  # fmt: skip

    @validated
    async def remove_network(self, net_id: Resource) -> None:
        """Remove it."""
        await self._network(net_id).remove()

    @validated
    async def connect_container_to_network(
        self,
        container: Resource,
        net_id: Resource,
        ipv4_address: str | None = None,
        ipv6_address: str | None = None,
        aliases: Sequence[str] | None = None,
        links: Any = None,
        link_local_ips: Sequence[str] | None = None,
        driver_opt: Mapping[str, str] | None = None,
        mac_address: str | None = None,
    ) -> None:
        """Connect the container to the network (``aliases`` are its extra DNS names)."""
        await self._network(net_id).connect(
            _resource_id(container, "container"),
            aliases=aliases,
            links=links,
            ipv4_address=ipv4_address,
            ipv6_address=ipv6_address,
            link_local_ips=link_local_ips,
            driver_opt=driver_opt,
            mac_address=mac_address,
        )

    @validated
    async def disconnect_container_from_network(
        self, container: Resource, net_id: Resource, force: bool = False
    ) -> None:
        """Disconnect the container from the network."""
        await self._network(net_id).disconnect(_resource_id(container, "container"), force)

    @validated
    async def prune_networks(self, filters: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Remove unused networks: ``{"NetworksDeleted": [...]}``."""
        return await self._client.networks.prune(filters)

    # -- volumes -----------------------------------------------------------------------------

    @validated
    async def volumes(self, filters: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """``GET /volumes``: ``{"Volumes": [...], "Warnings": ...}``."""
        return await self._client.volumes._listing(filters)

    @validated
    async def create_volume(
        self,
        name: str | None = None,
        driver: str | None = None,
        driver_opts: Mapping[str, str] | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """Create a volume (or reuse the one of that name): its inspect data."""
        return (await self._client.volumes.create(name, driver, driver_opts, labels)).attrs

    @validated
    async def remove_volume(self, name: str, force: bool = False) -> None:
        """Remove it (``force`` also when in use)."""
        volumes = self._client.volumes
        await volumes.prepare_model({"Name": _resource_id(name, "volume")}).remove(force)

    @validated
    async def prune_volumes(self, filters: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Remove unused volumes: ``{"VolumesDeleted": [...], "SpaceReclaimed": n}``."""
        return await self._client.volumes.prune(filters)

    # -- swarm -------------------------------------------------------------------------------

    @validated
    async def inspect_swarm(self) -> dict[str, Any]:
        """``GET /swarm``; ``APIError`` (503) when this node is in no swarm."""
        swarm = self._client.swarm
        await swarm.reload()
        return swarm.attrs

    @validated
    async def create_swarm_spec(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """docker-py's ``SwarmSpec`` dict for `init_swarm` and `update_swarm` (durations in
        nanoseconds); ``external_ca=`` is one entry of ``external_cas``."""
        from .sync.types import SwarmSpec

        external_ca = kwargs.pop("external_ca", None)
        if external_ca:
            kwargs["external_cas"] = [external_ca]
        version = await self._client.transport.api_version()
        return _docker_py_type(SwarmSpec, version, *args, **kwargs)

    @validated
    async def init_swarm(
        self,
        advertise_addr: str | None = None,
        listen_addr: str = "0.0.0.0:2377",
        force_new_cluster: bool = False,
        swarm_spec: Mapping[str, Any] | None = None,
        default_addr_pool: Sequence[str] | None = None,
        subnet_size: Count | None = None,
        data_path_addr: str | None = None,
        data_path_port: int | None = None,
    ) -> str:
        """Make this daemon the first manager of a new swarm; the node id.
        ``swarm_spec`` is `create_swarm_spec`'s dict (the Engine API's form)."""
        return await self._client.swarm.init(
            advertise_addr,
            listen_addr,
            force_new_cluster,
            default_addr_pool,
            subnet_size,
            data_path_addr,
            data_path_port,
            **(swarm_spec or {}),
        )

    @validated
    async def join_swarm(
        self,
        remote_addrs: Sequence[str],
        join_token: str,
        listen_addr: str = "0.0.0.0:2377",
        advertise_addr: str | None = None,
        data_path_addr: str | None = None,
    ) -> bool:
        """Join a swarm through one of its managers' addresses; ``True``."""
        return await self._client.swarm.join(
            remote_addrs, join_token, listen_addr, advertise_addr, data_path_addr
        )

    @validated
    async def update_swarm(
        self,
        version: int,
        swarm_spec: Mapping[str, Any] | None = None,
        rotate_worker_token: bool = False,
        rotate_manager_token: bool = False,
        rotate_manager_unlock_key: bool = False,
    ) -> bool:
        """Replace the swarm's spec with ``swarm_spec``, as docker-py does: the whole spec
        (fields left out take the daemon's defaults), for the ``version`` read with
        `inspect_swarm`; ``True``. (`Swarm.update` merges changes instead.)"""
        await self._client.swarm._replace_spec(
            version,
            swarm_spec,
            rotate_worker_token,
            rotate_manager_token,
            rotate_manager_unlock_key,
        )
        return True

    @validated
    async def get_unlock_key(self) -> dict[str, Any]:
        """The key of an autolocked swarm: ``{"UnlockKey": ...}``."""
        return await self._client.swarm.get_unlock_key()

    @validated
    async def leave_swarm(self, force: bool = False) -> bool:
        """Leave the swarm; ``True`` (also, with ``force``, when in none)."""
        return await self._client.swarm.leave(force)

    @validated
    async def unlock_swarm(self, key: str | Mapping[str, str]) -> bool:
        """Unlock an autolocked swarm manager with its key; ``True``."""
        return await self._client.swarm.unlock(key)

    @validated
    async def update_node(
        self, node_id: Resource, version: int, node_spec: Mapping[str, Any] | None = None
    ) -> bool:
        """Replace the node's spec as of object ``version``; ``True``."""
        attrs = {"ID": _resource_id(node_id, "node"), "Version": {"Index": version}}
        await self._client.nodes.prepare_model(attrs).update(dict(node_spec or {}))
        return True

    @validated
    async def remove_node(self, node_id: Resource, force: bool = False) -> bool:
        """Remove the node from the swarm; ``True``."""
        nodes = self._client.nodes
        return await nodes.prepare_model({"ID": _resource_id(node_id, "node")}).remove(force)

    @validated
    async def nodes(
        self, filters: Mapping[str, Any] | None = None
    ) -> builtins.list[dict[str, Any]]:
        """The swarm's nodes, as dicts."""
        return [node.attrs for node in await self._client.nodes.list(filters)]

    @validated
    async def inspect_node(self, node_id: Resource) -> dict[str, Any]:
        """A node's inspect data."""
        return (await self._client.nodes.get(_resource_id(node_id, "node"))).attrs

    @validated
    async def services(
        self, filters: Mapping[str, Any] | None = None, status: bool | None = None
    ) -> builtins.list[dict[str, Any]]:
        """The swarm's services, as dicts (``status`` adds their task counts)."""
        return [service.attrs for service in await self._client.services.list(filters, status)]

    @validated
    async def inspect_service(
        self, service: Resource, insert_defaults: bool | None = None
    ) -> dict[str, Any]:
        """A service's inspect data."""
        found = await self._client.services.get(_resource_id(service, "service"), insert_defaults)
        return found.attrs

    @validated
    async def create_service(
        self,
        task_template: Mapping[str, Any],
        name: str | None = None,
        labels: Mapping[str, str] | None = None,
        mode: str | Mapping[str, Any] | None = None,
        update_config: Mapping[str, Any] | None = None,
        networks: Sequence[str | Mapping[str, Any]] | None = None,
        endpoint_config: Mapping[str, Any] | None = None,
        endpoint_spec: Mapping[str, Any] | None = None,
        rollback_config: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Create a service from docker-py's dicts (``TaskTemplate``, ``ServiceMode``,
        ``UpdateConfig``... of `aiocontainers.sync.types`, durations in nanoseconds):
        ``{"ID": ...}``. ``endpoint_config`` is ignored, as docker-py 7 ignores it."""
        del endpoint_config
        image = task_template.get("ContainerSpec", {}).get("Image")
        if image is None:
            raise InvalidArgument("task_template: Missing mandatory Image key in ContainerSpec")
        body = {
            "Name": name,
            "Labels": labels,
            "TaskTemplate": task_template,
            "Mode": _service_mode(mode),
            "Networks": _service_networks(networks),
            "EndpointSpec": endpoint_spec,
            "UpdateConfig": update_config,
            "RollbackConfig": rollback_config,
        }
        services = self._client.services
        return await services._create_raw({k: v for k, v in body.items() if v is not None}, image)

    @validated
    async def update_service(
        self,
        service: Resource,
        version: int,
        task_template: Mapping[str, Any] | None = None,
        name: str | None = None,
        labels: Mapping[str, str] | None = None,
        mode: str | Mapping[str, Any] | None = None,
        update_config: Mapping[str, Any] | None = None,
        networks: Sequence[str | Mapping[str, Any]] | None = None,
        endpoint_config: Mapping[str, Any] | None = None,
        endpoint_spec: Mapping[str, Any] | None = None,
        fetch_current_spec: bool = False,
        rollback_config: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Send a service's spec for ``version`` (from `inspect_service`), docker-py's way:
        the parts given, laid over the current spec with ``fetch_current_spec=True`` (the
        container spec key by key), else alone. The daemon's answer (``{"Warnings": ...}``)."""
        del endpoint_config
        services = self._client.services
        found = services.prepare_model({"ID": _resource_id(service, "service")})
        current: Mapping[str, Any] = {}
        if fetch_current_spec:
            current = (await services.get(found.id, insert_defaults=True)).attrs["Spec"]
        template = {k: v for k, v in (task_template or {}).items() if v is not None}
        if "ContainerSpec" in template:
            given = template["ContainerSpec"].items()
            template["ContainerSpec"] = {k: v for k, v in given if v is not None}
        if networks is not None:
            template["Networks"] = _service_networks(networks)
        changes = {
            "Name": name,
            "Labels": labels,
            "Mode": _service_mode(mode),
            "TaskTemplate": template,
            "UpdateConfig": update_config,
            "RollbackConfig": rollback_config,
            "EndpointSpec": endpoint_spec,
        }
        body = merge_service_spec(current, {k: v for k, v in changes.items() if v is not None})
        return await found._replace_spec(body, version)

    @validated
    async def remove_service(self, service: Resource) -> bool:
        """Remove the service; ``True``."""
        services = self._client.services
        return await services.prepare_model({"ID": _resource_id(service, "service")}).remove()

    @validated
    async def tasks(
        self, filters: Mapping[str, Any] | None = None
    ) -> builtins.list[dict[str, Any]]:
        """The swarm's tasks, as dicts (``{"service": ...}`` filters one service's)."""
        return await list_tasks(self._client.transport, filters)

    @validated
    async def inspect_task(self, task: Resource) -> dict[str, Any]:
        """A task's inspect data."""
        return await inspect_task(self._client.transport, _resource_id(task, "task"))

    @validated
    def service_logs(
        self,
        service: Resource,
        details: bool = False,
        follow: bool = False,
        stdout: bool = False,
        stderr: bool = False,
        since: Timestamp | None = 0,
        timestamps: bool = False,
        tail: Tail = "all",
        is_tty: bool | None = None,
    ) -> DockerStream[bytes]:
        """The output of a service's tasks: a stream of payloads (``bytes``), as docker-py's.

        Choose ``stdout`` and/or ``stderr`` (docker-py's defaults choose neither, which
        the daemon refuses). The service's spec tells whether it has a TTY; ``is_tty``
        is accepted for docker-py's signature and not needed.
        """
        del is_tty
        services = self._client.services
        found = services.prepare_model({"ID": _resource_id(service, "service")})
        return found.logs(
            details=details,
            follow=follow,
            stdout=stdout,
            stderr=stderr,
            since=since,
            timestamps=timestamps,
            tail=tail,
            lines=False,
        )

    @validated
    async def secrets(
        self, filters: Mapping[str, Any] | None = None
    ) -> builtins.list[dict[str, Any]]:
        """The swarm's secrets (without their data), as dicts."""
        return [secret.attrs for secret in await self._client.secrets.list(filters)]

    @validated
    async def inspect_secret(self, id: Resource) -> dict[str, Any]:
        """A secret's inspect data (without its data)."""
        return (await self._client.secrets.get(_resource_id(id, "secret"))).attrs

    @validated
    async def create_secret(
        self,
        name: str,
        data: bytes | str,
        labels: Mapping[str, str] | None = None,
        driver: Mapping[str, Any] | None = None,
    ) -> dict[str, str]:
        """Store a secret: ``{"ID": ...}``."""
        return {"ID": (await self._client.secrets.create(name, data, labels, driver)).id}

    @validated
    async def remove_secret(self, id: Resource) -> bool:
        """Remove the secret; ``True``."""
        secrets = self._client.secrets
        return await secrets.prepare_model({"ID": _resource_id(id, "secret")}).remove()

    @validated
    async def configs(
        self, filters: Mapping[str, Any] | None = None
    ) -> builtins.list[dict[str, Any]]:
        """The swarm's configs, as dicts."""
        return [config.attrs for config in await self._client.configs.list(filters)]

    @validated
    async def inspect_config(self, id: Resource) -> dict[str, Any]:
        """A config's inspect data."""
        return (await self._client.configs.get(_resource_id(id, "config"))).attrs

    @validated
    async def create_config(
        self,
        name: str,
        data: bytes | str,
        labels: Mapping[str, str] | None = None,
        templating: Mapping[str, Any] | None = None,
    ) -> dict[str, str]:
        """Store a config: ``{"ID": ...}``."""
        return {"ID": (await self._client.configs.create(name, data, labels, templating)).id}

    @validated
    async def remove_config(self, id: Resource) -> bool:
        """Remove the config; ``True``."""
        configs = self._client.configs
        return await configs.prepare_model({"ID": _resource_id(id, "config")}).remove()

    # -- plugins ---------------------------------------------------------------------------

    @validated
    async def plugins(self) -> builtins.list[dict[str, Any]]:
        """The installed plugins, as dicts."""
        return await self._client.plugins._rows()

    @validated
    async def inspect_plugin(self, name: str) -> dict[str, Any]:
        """A plugin's inspect data."""
        return (await self._client.plugins.get(name)).attrs

    @validated
    async def plugin_privileges(self, name: str) -> builtins.list[dict[str, Any]]:
        """The privileges the remote plugin ``name`` asks for (to pass to `pull_plugin`)."""
        return await self._client.plugins.privileges(name)

    @validated
    async def pull_plugin(
        self, remote: str, privileges: Sequence[Mapping[str, Any]], name: str | None = None
    ) -> DockerStream[dict[str, Any]]:
        """Install the plugin ``remote`` (as ``name``), granting ``privileges``: a stream of
        the daemon's progress messages (dicts), read to install it."""
        return self._client.plugins._pull_stream(remote, _privileges(privileges), name)

    @validated
    async def push_plugin(self, name: Resource) -> DockerStream[dict[str, Any]]:
        """Push the plugin to its registry: a stream of the daemon's progress messages
        (dicts), read to push it (docker-py 7's posts to the pull endpoint and fails)."""
        return self._plugin(name)._push_stream()

    @validated
    async def upgrade_plugin(
        self, name: Resource, remote: str, privileges: Sequence[Mapping[str, Any]]
    ) -> DockerStream[dict[str, Any]]:
        """Upgrade the disabled plugin ``name`` to ``remote``, granting ``privileges``: a
        stream of the daemon's progress messages (dicts), read to upgrade it."""
        return self._plugin(name)._upgrade_stream(remote, _privileges(privileges))

    @validated
    async def create_plugin(
        self, name: str, plugin_data_dir: str | os.PathLike[str], gzip: bool = False
    ) -> bool:
        """Create a plugin from a directory holding its ``config.json`` and ``rootfs/``;
        ``True``."""
        await self._client.plugins._create_raw(name, plugin_data_dir, gzip)
        return True

    @validated
    async def configure_plugin(
        self, name: Resource, options: Mapping[str, Any] | builtins.list[str]
    ) -> bool:
        """Change settings (``{"DEBUG": "1"}`` or ``["DEBUG=1"]``) of a disabled plugin;
        ``True``."""
        await self._plugin(name)._set(options)
        return True

    @validated
    async def enable_plugin(self, name: str, timeout: int = 0) -> bool:
        """Enable the plugin (``timeout``: the daemon's wait for it to start); ``True``."""
        await self._plugin(name)._enable(timeout)
        return True

    @validated
    async def disable_plugin(self, name: str, force: bool = False) -> bool:
        """Disable the plugin (``force``: even while in use); ``True``."""
        await self._plugin(name)._disable(force)
        return True

    @validated
    async def remove_plugin(self, name: Resource, force: bool = False) -> bool:
        """Remove the plugin (``force``: even when enabled); ``True``."""
        return await self._plugin(name).remove(force)

    # -- inspecting ------------------------------------------------------------------------

    @validated
    async def inspect_network(
        self, net_id: Resource, verbose: bool | None = None, scope: str | None = None
    ) -> dict[str, Any]:
        """The network's inspect data (``verbose``: a swarm network's services too)."""
        found = await self._client.networks.get(_resource_id(net_id, "network"), verbose, scope)
        return found.attrs

    @validated
    async def inspect_volume(self, name: str) -> dict[str, Any]:
        """The volume's inspect data."""
        return (await self._client.volumes.get(_resource_id(name, "volume"))).attrs

    @validated
    async def networks(
        self,
        names: Sequence[str] | None = None,
        ids: Sequence[str] | None = None,
        filters: Mapping[str, Any] | None = None,
    ) -> builtins.list[dict[str, Any]]:
        """The list rows of ``GET /networks``."""
        found = await self._client.networks.list(names=names, ids=ids, filters=filters)
        return [network.attrs for network in found]


def _service_mode(mode: str | Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """docker-py's ``mode=``: a ``ServiceMode`` dict, or its mode name."""
    from .sync.types import ServiceMode

    return ServiceMode(mode) if isinstance(mode, str) else mode


def _service_networks(
    networks: Sequence[str | Mapping[str, Any]] | None,
) -> builtins.list[Any] | None:
    """docker-py's ``networks=``: names become ``{"Target": name}``."""
    if networks is None:
        return None
    return [{"Target": n} if isinstance(n, str) else n for n in networks]


def _changes(changes: str | Sequence[str] | None) -> builtins.list[str]:
    """The Dockerfile instructions of ``changes``, one query parameter each."""
    if changes is None:
        return []
    return [changes] if isinstance(changes, str) else builtins.list(changes)


def _privileges(privileges: Sequence[Mapping[str, Any]]) -> builtins.list[dict[str, Any]]:
    """docker-py's ``privileges`` (`plugin_privileges`' answer) as the request body."""
    return [dict(privilege) for privilege in privileges]


def _file_chunks(path: str | os.PathLike[str]) -> Iterator[bytes]:
    """A file's bytes in chunks, the file closed once read (read in a worker thread)."""
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            yield chunk


async def _text(messages: DockerStream[bytes]) -> str:
    """A stream of JSON lines read to the end, as one text."""
    async with messages:
        return b"".join([line async for line in messages]).decode()


async def _json_lines(entries: DockerStream[dict[str, Any]]) -> AsyncIterator[bytes]:
    """Each entry as its JSON line (docker-py's undecoded stream)."""
    async with entries:
        async for entry in entries:
            yield json_line(entry)


def _with_proxies(
    environment: Mapping[str, str | None] | Sequence[str] | None, proxies: Mapping[str, str]
) -> list[str]:
    """``environment`` as ``KEY=value`` entries (``KEY`` alone for a ``None`` value), the
    proxy variables added (docker-py's)."""
    if isinstance(environment, Mapping):
        entries = [
            key if value is None else f"{key}={value}" for key, value in environment.items()
        ]
    else:
        entries = list(environment or [])
    return entries + [f"{key}={value}" for key, value in proxies.items()]
