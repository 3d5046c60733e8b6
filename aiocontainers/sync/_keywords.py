"""The shim's keywords, docker-py's way: checked names and docker-py's units.

``client.containers.run(image, detatch=True)`` raises ``TypeError: run() got an
unexpected keyword argument 'detatch' (did you mean 'detach'?)`` before anything is
sent, as docker-py raises it (with the hint added). A method's accepted keywords are
its parameters; for the methods that pass ``**kwargs`` on to a spec, the spec's
fields (`_FORWARDED`).

The duration keywords docker-py takes in nanoseconds (`_NANOSECONDS`) are
nanoseconds on the sync face too: ``services.create(..., stop_grace_period=2 *
10**9)`` is two seconds, as in docker-py, where the async API takes seconds or a
``timedelta``. An int is converted to a ``timedelta`` here, the only place the sync
face changes a value's unit; a ``timedelta`` passes unchanged.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable, Collection, Mapping
from typing import Any

from .._specs._wire import from_nanoseconds

__all__ = ["keyword_adapter"]


def _container_options() -> Collection[str]:
    from .._specs import ContainerSpec

    return ContainerSpec.model_fields.keys()


def _build_options() -> Collection[str]:
    from .._resources.images import ImageCollection

    return inspect.signature(ImageCollection.build_stream).parameters.keys()


def _swarm_options() -> Collection[str]:
    from .._specs._service import SwarmSpec

    return SwarmSpec.model_fields.keys()


# Methods whose **kwargs go on to a spec, by "Class.method": where their keywords live.
# (services.create()/update() check their own keywords and raise TypeError already.)
_FORWARDED: dict[str, Callable[[], Collection[str]]] = {
    "ContainerCollection.run": _container_options,
    "ContainerCollection.create": _container_options,
    "ImageCollection.build": _build_options,
    "Swarm.init": _swarm_options,
    "Swarm.update": _swarm_options,
}


_SWARM_DURATIONS = frozenset({"dispatcher_heartbeat_period", "node_cert_expiry"})

# The keywords docker-py takes in nanoseconds, by "Class.method".
_NANOSECONDS: dict[str, frozenset[str]] = {
    "ServiceCollection.create": frozenset({"stop_grace_period"}),
    "Service.update": frozenset({"stop_grace_period"}),
    "Swarm.init": _SWARM_DURATIONS,
    "Swarm.update": _SWARM_DURATIONS,
}


def _unexpected(method: str, unknown: list[str], accepted: Collection[str]) -> TypeError:
    names = []
    for key in sorted(unknown):
        close = difflib.get_close_matches(key, sorted(accepted), n=1)
        names.append(f"{key!r} (did you mean {close[0]!r}?)" if close else repr(key))
    noun = "an unexpected keyword argument" if len(names) == 1 else "unexpected keyword arguments"
    return TypeError(f"{method}() got {noun} {', '.join(names)}")


def _checker(
    owner: str, name: str, func: Callable[..., Any]
) -> Callable[[Mapping[str, Any]], None] | None:
    """A check of a call's keywords for ``owner.name`` (``func`` is the async method)."""
    parameters = inspect.signature(func).parameters.values()
    direct = {
        p.name
        for p in parameters
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name != "self"
    }
    if any(p.kind is p.VAR_KEYWORD for p in parameters):
        forwarded = _FORWARDED.get(f"{owner}.{name}")
        if forwarded is None:
            return None
        resolved: list[frozenset[str]] = []

        def accepted() -> frozenset[str]:
            if not resolved:  # the spec modules are imported on first use
                resolved.append(frozenset(direct | set(forwarded())))
            return resolved[0]

    else:
        fixed = frozenset(direct)

        def accepted() -> frozenset[str]:
            return fixed

    def check(kwargs: Mapping[str, Any]) -> None:
        known = accepted()
        if not known.issuperset(kwargs):
            raise _unexpected(name, [key for key in kwargs if key not in known], known)

    return check


def keyword_adapter(
    owner: str, name: str, func: Callable[..., Any]
) -> Callable[[dict[str, Any]], dict[str, Any]] | None:
    """The keywords of a sync call of ``owner.name`` as the async method takes them:
    checked (`TypeError` for an unknown one), docker-py's nanoseconds made ``timedelta``s.
    ``None`` when there is nothing to adapt (``func`` is the async method)."""
    check = _checker(owner, name, func)
    durations = _NANOSECONDS.get(f"{owner}.{name}", frozenset())
    if not durations:
        return None if check is None else _checking(check)

    def adapt(kwargs: dict[str, Any]) -> dict[str, Any]:
        if check is not None:
            check(kwargs)
        if durations.isdisjoint(kwargs):
            return kwargs
        return {
            key: from_nanoseconds(value) if key in durations else value
            for key, value in kwargs.items()
        }

    return adapt


def _checking(
    check: Callable[[Mapping[str, Any]], None],
) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def adapt(kwargs: dict[str, Any]) -> dict[str, Any]:
        check(kwargs)
        return kwargs

    return adapt
