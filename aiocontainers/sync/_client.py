"""The sync client: a portal (loop thread) per client and a proxy of the async client."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, overload

from typing_extensions import Self

from .. import _client
from .._api import APIClient as _AsyncAPIClient
from .._arguments import EventTimestamp as Timestamp
from .._resources.events import Event
from ..context import client_arguments
from ..errors import InvalidArgument
from ._classes import APIClient as _GeneratedAPIClient
from ._classes import DockerClient as _GeneratedClient
from ._classes import EventStream
from ._portal import Portal
from ._wrap import (
    Proxy,
    register,
    unwrap_args,
    unwrap_kwargs,
    wrap,
    wrap_exception,
)

__all__ = ["APIClient", "DockerClient", "from_context", "from_env", "sync_function"]

_AsyncClient = _client.DockerClient


class DockerClient(_GeneratedClient):
    """A blocking client for one Docker daemon, docker-py style.

    ``DockerClient(...)`` takes the arguments of
    [`aiocontainers.DockerClient`][aiocontainers.DockerClient]; every method blocks and returns
    what the async one returns, with containers, images, streams... as sync objects. The client
    runs its own event loop in a background thread, so it works from any thread, also one that runs
    an event loop already. ``close()`` (or ``with``) ends it; a client that is never closed is
    closed when it and every object it returned are garbage, or at interpreter exit.
    """

    __slots__ = ()

    if not TYPE_CHECKING:  # typed: the async client's own signature (the generated stub's)

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            _open(self, _AsyncClient, args, kwargs)

    @classmethod
    def from_env(cls, **kwargs: Any) -> DockerClient:
        """A client configured from the environment (``DOCKER_HOST``...), as
        [`from_env()`][aiocontainers.sync.DockerClient.from_env]."""
        client: DockerClient = object.__new__(cls)
        _open(client, _client.from_env, (), kwargs)
        return client

    @classmethod
    def from_context(cls, name: str | None = None, **kwargs: Any) -> DockerClient:
        """A client for the Docker CLI context ``name``, as
        [`from_context()`][aiocontainers.sync.DockerClient.from_context]."""
        return cls(**{**client_arguments(name), **kwargs})

    @overload  # type: ignore[override]  # docker-py's default: the JSON bytes
    def events(
        self,
        since: Timestamp | None = None,
        until: Timestamp | None = None,
        filters: dict[str, Any] | None = None,
        decode: Literal[False] = False,
        *,
        resume: bool = False,
        retry_budget: float = 30.0,
    ) -> EventStream[bytes]: ...
    @overload
    def events(
        self,
        since: Timestamp | None = None,
        until: Timestamp | None = None,
        filters: dict[str, Any] | None = None,
        *,
        decode: Literal[True],
        resume: bool = False,
        retry_budget: float = 30.0,
    ) -> EventStream[dict[str, Any]]: ...
    @overload
    def events(
        self,
        since: Timestamp | None = None,
        until: Timestamp | None = None,
        filters: dict[str, Any] | None = None,
        *,
        decode: None,
        resume: bool = False,
        retry_budget: float = 30.0,
    ) -> EventStream[Event]: ...
    def events(
        self,
        since: Timestamp | None = None,
        until: Timestamp | None = None,
        filters: dict[str, Any] | None = None,
        decode: bool | None = False,
        *,
        resume: bool = False,
        retry_budget: float = 30.0,
    ) -> EventStream[Any]:
        """The daemon's events as a blocking iterator, docker-py's way: each event's JSON
        bytes by default, dicts with ``decode=True``, typed ``Event``\\ s with ``decode=None``
        (the async API's default). The stream counts from this call, as docker-py's."""
        events: Any = _GeneratedClient.events
        stream: EventStream[Any] = events(
            self, since, until, filters, decode, resume=resume, retry_budget=retry_budget
        )
        return stream

    def close(self) -> None:
        """Close the connections and stop the loop thread; closing twice is a no-op."""
        self._portal.close()

    def __enter__(self) -> Self:
        self._portal._check()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class APIClient(_GeneratedAPIClient):
    """docker-py's low-level client: ``docker.APIClient(base_url=...)``, or ``client.api``.

    Constructed directly it takes `DockerClient`'s arguments and owns that client
    (``close()`` closes it); ``client.api`` shares its client's connections.
    """

    __slots__ = ("_owner",)

    if not TYPE_CHECKING:  # typed by the generated stub

        def __init__(self, base_url: str | None = None, **kwargs: Any) -> None:
            if base_url is not None:
                kwargs["base_url"] = base_url
            owner = DockerClient.from_env(**kwargs)
            object.__setattr__(self, "_owner", owner)
            object.__setattr__(self, "_target", owner._target.api)
            object.__setattr__(self, "_portal", owner._portal)

    def close(self) -> None:
        """Close the client (and, constructed directly, its loop thread)."""
        owner: DockerClient | None = getattr(self, "_owner", None)
        if owner is None:
            super().close()
        else:
            owner.close()


register(_AsyncAPIClient, APIClient)


def _open(
    client: DockerClient, factory: Callable[..., Any], args: Any, kwargs: dict[str, Any]
) -> None:
    portal = Portal()
    try:
        target = portal.call(factory, *args, **kwargs)
    except BaseException:
        portal.close()
        raise
    portal.add_closer(target.close)
    object.__setattr__(client, "_target", target)
    object.__setattr__(client, "_portal", portal)


register(_AsyncClient, DockerClient)


def from_env(**kwargs: Any) -> DockerClient:
    """A blocking client configured from the environment, like ``docker.from_env()``.

    Takes the keywords of [`aiocontainers.from_env()`][aiocontainers.from_env] (``version``,
    ``timeout``, ``max_pool_size``, ``environment``, ``base_url``, ``tls``...).
    """
    return DockerClient.from_env(**kwargs)


def from_context(name: str | None = None, **kwargs: Any) -> DockerClient:
    """A blocking client for the Docker CLI context ``name``, like ``docker.from_context()``.

    ``name`` defaults to ``DOCKER_CONTEXT``, then the CLI's current context. Raises
    [`ContextNotFound`][aiocontainers.errors.ContextNotFound] when there is no such context
    (docker-py falls back to the default socket).
    """
    return DockerClient.from_context(name, **kwargs)


def sync_function(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A blocking version of a module-level async function taking sync objects.

    The call runs on the portal of the first sync object among the arguments.
    """

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        portal = next(
            (arg._portal for arg in (*args, *kwargs.values()) if isinstance(arg, Proxy)),
            None,
        )
        if portal is None:
            raise InvalidArgument(f"{fn.__name__}() needs objects from a sync client")
        try:
            result = portal.call(fn, *unwrap_args(args), **unwrap_kwargs(kwargs))
        except Exception as exc:
            wrap_exception(exc, portal)
            raise
        return wrap(result, portal)

    call.__module__ = "aiocontainers.sync"
    return call
