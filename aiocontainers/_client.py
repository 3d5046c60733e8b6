"""The client: one connection to one daemon, with a manager per resource."""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from datetime import timedelta
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, overload

from ._config import Endpoint, resolve_endpoint
from ._validation import validated
from .errors import DockerException

if TYPE_CHECKING:
    from ._api import APIClient
    from ._arguments import EventFilters, EventTimestamp
    from ._http import HTTPTransport
    from ._resources.configs import ConfigCollection
    from ._resources.containers import ContainerCollection
    from ._resources.events import Event, EventStream
    from ._resources.images import ImageCollection
    from ._resources.networks import NetworkCollection
    from ._resources.nodes import NodeCollection
    from ._resources.plugins import PluginCollection
    from ._resources.secrets import SecretCollection
    from ._resources.services import ServiceCollection
    from ._resources.swarm import Swarm
    from ._resources.volumes import VolumeCollection
    from ._stacks import StackManager

__all__ = ["DockerClient", "from_env", "managers"]


class DockerClient:
    """An async client for one Docker daemon.

    Use it as ``async with DockerClient(...) as client:`` or call
    [`close()`][aiocontainers.DockerClient.close] yourself. Connections open on the first request;
    the API version is negotiated once, on first use, as the lower of the library's newest and the
    daemon's.

    Args:
        base_url: ``unix:///path``, ``tcp://host:port``, ``https://...`` or
            ``ssh://user@host``; by default the environment decides
            (``DOCKER_HOST``, then ``DOCKER_CONTEXT``, then the CLI's current
            context, then ``unix:///var/run/docker.sock``).
        version: ``"auto"`` (or ``None``, docker-py's spelling) or a fixed API version
            such as ``"1.41"``.
        timeout: the deadline, in seconds (or a ``timedelta``), of every unary
            call and of opening every stream; also how long a transfer may
            stall (``None``: no limit). Streams that may legitimately be idle
            (followed logs, events, stats, attach) never time out.
        tls: ``True``/``False`` or an `ssl.SSLContext`; ``None`` follows
            ``DOCKER_TLS_VERIFY``/``DOCKER_CERT_PATH`` when the host came from
            the environment.
        max_pool_size: idle connections kept for reuse (as in docker-py);
            never a limit callers wait on: see "How connections work".
        connect_timeout: seconds to wait for a connection.
        user_agent: the ``User-Agent`` header.
        environment: a mapping used instead of ``os.environ``.
        transport: what moves the bytes: by default a connection pool to the
            daemon; [`aiocontainers.testing.MockTransport`][aiocontainers.testing.MockTransport]
            answers from a function instead (for tests without a daemon).
        credstore_env: variables added to the environment of credential helpers
            (``docker-credential-*``), as docker-py's.
        use_ssh_client: docker-py's choice of SSH implementation; accepted and unused:
            ``ssh://`` hosts always go through asyncssh with the user's OpenSSH config.
        num_pools: docker-py's count of connection pools; accepted and unused: a client
            has one pool (``max_pool_size`` sizes it).
    """

    @validated
    def __init__(
        self,
        base_url: str | None = None,
        version: str | None = "auto",
        timeout: float | timedelta | None = 60.0,
        tls: bool | ssl.SSLContext | None = None,
        max_pool_size: int = 10,
        *,
        connect_timeout: float | timedelta = 10.0,
        user_agent: str | None = None,
        environment: Mapping[str, str] | None = None,
        transport: HTTPTransport | None = None,
        credstore_env: Mapping[str, str] | None = None,
        use_ssh_client: bool = False,
        num_pools: int | None = None,
    ) -> None:
        del use_ssh_client, num_pools  # docker-py's; see above
        if transport is not None and base_url is None:
            endpoint = Endpoint(str(getattr(transport, "url", "mock://")), source="transport")
        else:
            endpoint = resolve_endpoint(base_url, tls=tls, environ=environment)
        from ._transport import Transport

        self.transport = Transport(
            endpoint,
            version=version or "auto",
            timeout=timeout,
            connect_timeout=connect_timeout,
            max_pool_size=max_pool_size,
            user_agent=user_agent,
            http=transport,
        )
        self.environment = environment
        self.credstore_env = credstore_env

    # The managers are made on first access, each importing its module then: a program
    # that only runs containers never loads swarm specs, stacks or compose.

    @cached_property
    def containers(self) -> ContainerCollection:
        """Containers (``docker container``)."""
        from ._resources.containers import ContainerCollection

        return ContainerCollection(self)

    @cached_property
    def images(self) -> ImageCollection:
        """Images (``docker image``)."""
        from ._resources.images import ImageCollection

        return ImageCollection(self)

    @cached_property
    def networks(self) -> NetworkCollection:
        """Networks (``docker network``)."""
        from ._resources.networks import NetworkCollection

        return NetworkCollection(self)

    @cached_property
    def volumes(self) -> VolumeCollection:
        """Volumes (``docker volume``)."""
        from ._resources.volumes import VolumeCollection

        return VolumeCollection(self)

    @cached_property
    def swarm(self) -> Swarm:
        """The swarm this daemon belongs to (``docker swarm``)."""
        from ._resources.swarm import Swarm

        return Swarm(self)

    @cached_property
    def services(self) -> ServiceCollection:
        """Swarm services (``docker service``)."""
        from ._resources.services import ServiceCollection

        return ServiceCollection(self)

    @cached_property
    def nodes(self) -> NodeCollection:
        """Swarm nodes (``docker node``)."""
        from ._resources.nodes import NodeCollection

        return NodeCollection(self)

    @cached_property
    def secrets(self) -> SecretCollection:
        """Swarm secrets (``docker secret``)."""
        from ._resources.secrets import SecretCollection

        return SecretCollection(self)

    @cached_property
    def configs(self) -> ConfigCollection:
        """Swarm configs (``docker config``)."""
        from ._resources.configs import ConfigCollection

        return ConfigCollection(self)

    @cached_property
    def plugins(self) -> PluginCollection:
        """Plugins (``docker plugin``)."""
        from ._resources.plugins import PluginCollection

        return PluginCollection(self)

    @cached_property
    def stacks(self) -> StackManager:
        """Compose projects deployed as stacks (``docker stack``)."""
        from ._stacks import StackManager

        return StackManager(self)

    @cached_property
    def api(self) -> APIClient:
        """docker-py's low-level API on this client's connections."""
        from ._api import APIClient

        return APIClient(self)

    @property
    def base_url(self) -> str:
        """The daemon address this client talks to."""
        return self.transport.endpoint.url

    def __repr__(self) -> str:
        return f"<DockerClient {self.base_url}>"

    # -- lifecycle ------------------------------------------------------------

    async def __aenter__(self) -> DockerClient:
        if self.transport.closed:
            raise DockerException("this client is closed and cannot be reopened")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @validated
    async def close(self) -> None:
        """Finish pending clean-up (a cancelled ``run()``'s), then close all connections.

        Closing twice is a no-op; later calls raise.
        """
        await self.transport.aclose()

    # -- system ---------------------------------------------------------------

    @validated
    async def ping(self) -> bool:
        """True when the daemon answers; raises DaemonUnavailable when it cannot be reached."""
        body = await self.transport.request("GET", "/_ping", versioned=False)
        return body.strip() == b"OK"

    @validated
    async def version(self, api_version: bool = True) -> dict[str, Any]:
        """The daemon's version information (``docker version``)."""
        data: dict[str, Any] = await self.transport.request_json(
            "GET", "/version", versioned=api_version, expect=dict
        )
        return data

    @validated
    async def info(self) -> dict[str, Any]:
        """System-wide information (``docker info``)."""
        data: dict[str, Any] = await self.transport.request_json("GET", "/info", expect=dict)
        return data

    @validated
    async def df(self) -> dict[str, Any]:
        """Disk usage by images, containers, volumes and build cache (``docker system df``)."""
        data: dict[str, Any] = await self.transport.request_json(
            "GET", "/system/df", timeout=self.transport.slow_timeout, expect=dict
        )
        return data

    @validated
    async def api_version(self) -> str:
        """The API version this client speaks with the daemon, e.g. ``"1.41"``."""
        return await self.transport.api_version()

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
        """Log in to a registry; later pulls and pushes use these credentials (see
        ``client.images.login``)."""
        return await self.images.login(username, password, email, registry, reauth, dockercfg_path)

    @overload
    def events(
        self,
        since: EventTimestamp | None = ...,
        until: EventTimestamp | None = ...,
        filters: EventFilters | None = ...,
        decode: None = ...,
        *,
        resume: bool = ...,
        retry_budget: float = ...,
    ) -> EventStream[Event]: ...
    @overload
    def events(
        self,
        since: EventTimestamp | None = ...,
        until: EventTimestamp | None = ...,
        filters: EventFilters | None = ...,
        *,
        decode: Literal[True],
        resume: bool = ...,
        retry_budget: float = ...,
    ) -> EventStream[dict[str, Any]]: ...
    @overload
    def events(
        self,
        since: EventTimestamp | None = ...,
        until: EventTimestamp | None = ...,
        filters: EventFilters | None = ...,
        *,
        decode: Literal[False],
        resume: bool = ...,
        retry_budget: float = ...,
    ) -> EventStream[bytes]: ...
    @validated
    def events(
        self,
        since: EventTimestamp | None = None,
        until: EventTimestamp | None = None,
        filters: EventFilters | None = None,
        decode: bool | None = None,
        *,
        resume: bool = False,
        retry_budget: float = 30.0,
    ) -> EventStream[Any]:
        """The daemon's events as an async iterator (no ``await``): ``async for e in ...``.

        Yields typed [`Event`][aiocontainers.Event] objects; ``decode=True`` gives
        docker-py's dicts, ``decode=False`` each message as JSON bytes. ``since``
        and ``until`` take a datetime or epoch seconds. With ``resume=True`` the
        stream survives a dropped connection or a daemon restart (no event lost
        or repeated) and raises ``DaemonUnavailable`` after ``retry_budget``
        seconds of failed reconnecting; otherwise a broken stream raises
        ``StreamError``. See `aiocontainers._resources.events`.
        """
        from ._resources.events import open_events

        return open_events(
            self.transport,
            decode=decode,
            since=since,
            until=until,
            filters=filters,
            resume=resume,
            retry_budget=retry_budget,
        )


@validated
def from_env(
    *,
    version: str | None = "auto",
    timeout: float | timedelta | None = 60.0,
    max_pool_size: int = 10,
    environment: Mapping[str, str] | None = None,
    **overrides: Any,
) -> DockerClient:
    """A client configured from the environment, like ``docker.from_env()``.

    Reads ``DOCKER_HOST``, ``DOCKER_CONTEXT``, ``DOCKER_TLS_VERIFY``,
    ``DOCKER_CERT_PATH`` and ``DOCKER_CONFIG``; keyword ``overrides`` are
    passed to [`DockerClient`][aiocontainers.DockerClient] (e.g. ``base_url``, ``tls``).
    """
    return DockerClient(
        version=version,
        timeout=timeout,
        max_pool_size=max_pool_size,
        environment=environment,
        **overrides,
    )


def managers(client: DockerClient) -> dict[str, Any]:
    """``client``'s managers (``containers``, ``api``...) by attribute name, made now if they
    were not yet: for code that walks the API surface (the sync shim's class list)."""
    return {
        name: getattr(client, name)
        for name, attr in vars(DockerClient).items()
        if isinstance(attr, cached_property)
    }
