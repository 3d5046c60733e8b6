"""docker-py's low-level ``APIClient``: ``client.api``, methods named after the Engine API.

Results are what docker-py's ``APIClient`` returns: the daemon's dicts (inspect
data, list rows), bytes, or streams. This layer sends no request of its own: each
method calls the resource layer (``client.containers``, ``client.images``...),
which owns every endpoint, and hands back the ``attrs`` or answer it got, so a
request is built in one place (docker-py's layering is the other way round: its
models call its ``APIClient``). Containers, exec, images, networks and volumes
are covered; ``docs/content/porting.md`` lists the methods and the differential
cases compare each with docker-py's.

``create_host_config()``, ``create_networking_config()`` and
``create_endpoint_config()`` build docker-py's dicts
(`aiocontainers.sync.types`), which ``create_container()`` sends as they are.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ._resources._exec import ExecResult, exec_start
from ._resources.containers import Container
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

    @validated
    def __init__(self, client: DockerClient) -> None:
        self._client = client

    def _container(self, container: Resource) -> Container:
        return self._client.containers.prepare_model({"Id": _resource_id(container, "container")})

    async def _version(self) -> str:
        return await self._client.transport.api_version()

    # -- system ------------------------------------------------------------------------

    @validated
    async def ping(self) -> bool:
        """``True`` when the daemon answers."""
        return await self._client.ping()

    @validated
    async def version(self, api_version: bool = True) -> dict[str, Any]:
        """The daemon's version information."""
        return await self._client.version(api_version)

    @validated
    async def info(self) -> dict[str, Any]:
        """System-wide information (``docker info``)."""
        return await self._client.info()

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
        since: str | None = None,
        before: str | None = None,
        limit: int = -1,
        size: bool = False,
        filters: Mapping[str, Any] | None = None,
    ) -> builtins.list[dict[str, Any]]:
        """The list rows of ``GET /containers/json`` (``[{"Id": ...}]`` with ``quiet``).

        ``size`` and ``trunc`` are not supported (InvalidArgument)."""
        if size or trunc:
            raise InvalidArgument("containers(size=, trunc=) are not supported")
        rows = await self._client.containers.list(
            all=all,
            before=before,
            since=since,
            filters=filters,
            limit=1 if latest else limit,
            sparse=True,
        )
        if quiet:
            return [{"Id": row.id} for row in rows]
        return [row.attrs for row in rows]

    @validated
    async def inspect_container(self, container: Resource) -> dict[str, Any]:
        """``docker inspect``'s data for the container."""
        found = await self._client.containers.get(_resource_id(container, "container"))
        return found.attrs

    @validated
    async def create_host_config(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """docker-py's ``HostConfig`` dict for ``create_container(host_config=...)``."""
        from .sync.types import HostConfig

        version = await self._version()
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

        version = await self._version()
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
        environment: Mapping[str, str] | Sequence[str] | None = None,
        volumes: str | Sequence[str] | None = None,
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
            await self._version(),
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
    async def logs(self, container: Resource, *args: Any, **kwargs: Any) -> Any:
        """Its output: ``bytes``, or a stream with ``stream=True`` (`Container.logs`'s
        arguments)."""
        found = self._container(container)
        await found.reload()  # the TTY setting decides how the output is framed
        result = found.logs(*args, **kwargs)
        return result if kwargs.get("stream") else await result

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
    ) -> dict[str, str]:
        """Create (not start) an exec: ``{"Id": ...}``."""
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
        a stream with ``stream``/``socket``, ``b""`` detached."""
        result: ExecResult[Any] = await exec_start(
            self._client.transport,
            _resource_id(exec_id, "exec"),
            detach=detach,
            tty=tty,
            stream=stream,
            socket=socket,
            demux=demux,
        )
        return result.output

    @validated
    async def exec_inspect(self, exec_id: Resource) -> dict[str, Any]:
        """The daemon's view of an exec (``Running``, ``ExitCode``...)."""
        info: dict[str, Any] = await self._client.transport.request_json(
            "GET", "/exec/{id}/json", path_args={"id": _resource_id(exec_id, "exec")}, expect=dict
        )
        return info

    # -- images, networks, volumes ---------------------------------------------------------

    @validated
    async def inspect_image(self, image: Resource) -> dict[str, Any]:
        """The image's inspect data."""
        return (await self._client.images.get(_resource_id(image, "image"))).attrs

    @validated
    async def inspect_network(self, net_id: Resource) -> dict[str, Any]:
        """The network's inspect data."""
        return (await self._client.networks.get(_resource_id(net_id, "network"))).attrs

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


def _with_proxies(
    environment: Mapping[str, str] | Sequence[str] | None, proxies: Mapping[str, str]
) -> list[str]:
    """``environment`` as ``KEY=value`` entries, the proxy variables added (docker-py's)."""
    if isinstance(environment, Mapping):
        entries = [f"{key}={value}" for key, value in environment.items()]
    else:
        entries = list(environment or [])
    return entries + [f"{key}={value}" for key, value in proxies.items()]
