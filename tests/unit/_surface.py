"""The public call surface: every method, constructor and function a user can call.

Shared by the tests that hold the whole surface to the argument-checking rule
(``test_arguments.py``): a method added anywhere in a public class appears here
without anyone listing it. ``client.transport``, the low-level seam, is left out.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

import aiocontainers
from aiocontainers import types, wait
from aiocontainers._auth import Credentials
from aiocontainers._resources._base import Collection, Model
from aiocontainers._resources._exec import ExecStream
from aiocontainers._resources._hijack import InteractiveStream
from aiocontainers._resources._stats import StatsStream
from aiocontainers._resources._streaming import DockerStream
from aiocontainers._stacks import StackManager

__all__ = ["EXEMPT", "PUBLIC_MODULES", "SELF_CHECKING", "public_callables", "public_classes"]

PUBLIC_MODULES = (aiocontainers, wait, types)

#: What is public but takes no user input to check, and why (neither checked nor fuzzed).
EXEMPT: dict[str, str] = {
    "WaitStrategy.wait": "a Protocol's stub: user classes implement it",
    "Event.from_message": "builds an event from a daemon message, not from user input",
}
#: What checks its arguments itself rather than through ``@validated`` (still fuzzed).
SELF_CHECKING: dict[str, str] = {
    "Stack": "validates the whole project, reporting every problem in one ComposeError",
}


def public_classes() -> set[type]:
    """Every class of the async API a user can reach, exceptions and plain values aside."""
    found: set[type] = {
        aiocontainers.DockerClient,
        aiocontainers.EventStream,
        DockerStream,
        ExecStream,
        StatsStream,
        InteractiveStream,
        Credentials,
    }
    for module in PUBLIC_MODULES:
        for name in module.__all__:
            value = getattr(module, name)
            if isinstance(value, type) and not issubclass(value, BaseException):
                found.add(value)
    client = aiocontainers.DockerClient(base_url="unix:///nonexistent.sock")
    found.update(
        type(value)
        for name, value in vars(client).items()
        if type(value).__module__.startswith("aiocontainers") and name != "transport"
    )
    return {cls for cls in found if _methods(cls) or _constructed_by_users(cls)}


def _constructed_by_users(cls: type) -> bool:
    """Classes users build themselves (the client, specs, strategies), not handles or values.

    Handles, streams, the credentials store and plain result values (dataclasses) are
    made by the library from daemon data; a Protocol is implemented, never built.
    """
    made_by_us = (
        Model,
        Collection,
        DockerStream,
        aiocontainers.EventStream,
        Credentials,
        aiocontainers.RunningStack,
        aiocontainers.StackLogs,
        aiocontainers.StackEvents,
        StackManager,
    )
    if issubclass(cls, made_by_us) or dataclasses.is_dataclass(cls):
        return False
    if getattr(cls, "_is_protocol", False):
        return False
    return "__init__" in _own_namespace(cls) or issubclass(cls, BaseModel)


def _own_namespace(cls: type) -> dict[str, Any]:
    """Attributes defined by ``cls`` or its bases within aiocontainers."""
    names: dict[str, Any] = {}
    for base in reversed(cls.__mro__):
        if base.__module__.startswith("aiocontainers"):
            names.update(vars(base))
    return names


def _methods(cls: type) -> dict[str, Callable[..., Any]]:
    methods: dict[str, Callable[..., Any]] = {}
    for name, attr in _own_namespace(cls).items():
        if name.startswith("_") or hasattr(BaseModel, name):
            continue
        if isinstance(attr, (classmethod, staticmethod)):
            attr = attr.__func__
        if inspect.isfunction(attr):
            methods[name] = attr
    return methods


def public_callables() -> dict[str, Callable[..., Any]]:
    """``"Class.method"``, ``"Class"`` (its constructor) and ``"module.function"`` names."""
    found: dict[str, Callable[..., Any]] = {}
    for cls in public_classes():
        for name, method in _methods(cls).items():
            found[f"{cls.__name__}.{name}"] = method
        if _constructed_by_users(cls):
            found[cls.__name__] = cls
    for module in PUBLIC_MODULES:
        for name in module.__all__:
            value = getattr(module, name)
            if inspect.isfunction(value):
                found[f"{module.__name__}.{name}"] = value
    return dict(sorted(found.items()))
