"""The sync classes, one per class of the async API, generated at import.

Each is `proxy_class()` of its async class, under the same name. For
type checkers, ``_classes.pyi`` (written by `_stubgen` from the async
signatures, and checked for freshness by the unit tests) declares them with
their blocking signatures.
"""

from __future__ import annotations

import inspect
from typing import Any

import aiocontainers as _aio

from .._client import DockerClient as _AsyncClient
from .._client import managers
from .._resources.registry import RegistryData as _RegistryData
from ._wrap import has_async_face, proxy_class

__all__ = ["async_classes"]


def async_classes() -> list[type]:
    """Every class of the async API that a sync user meets, sorted by name.

    The client, the exported classes with an async face (models, streams...),
    the managers hanging off the client (but its raw ``transport``), and
    ``RegistryData``.
    """
    found: set[type] = {_AsyncClient, _RegistryData}
    for name in _aio.__all__:
        value = getattr(_aio, name)
        if inspect.isclass(value) and not issubclass(value, BaseException):
            if has_async_face(value):
                found.add(value)
    client = _AsyncClient(base_url="unix:///nonexistent.sock")
    found.update(type(value) for value in managers(client).values() if has_async_face(type(value)))
    return sorted(found, key=lambda cls: cls.__name__)


def _generate() -> dict[str, Any]:
    return {cls.__name__: proxy_class(cls) for cls in async_classes()}


globals().update(_generate())
