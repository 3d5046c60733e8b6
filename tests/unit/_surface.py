"""The public call surface: every method, constructor and function a user can call.

Shared by the tests that hold the whole surface to the argument-checking rule
(``test_arguments.py``): a method added anywhere in a public class, or a class or
function added to a public module, appears here without anyone listing it.
``client.transport``, the low-level seam, is left out.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

import aiocontainers
from aiocontainers._auth import Credentials
from aiocontainers._client import managers
from aiocontainers._resources._base import Collection, Model
from aiocontainers._resources._exec import ExecStream
from aiocontainers._resources._hijack import InteractiveStream
from aiocontainers._resources._stats import StatsStream
from aiocontainers._resources._streaming import DockerStream
from aiocontainers._stacks import StackManager
from aiocontainers.jobs import JobHandle, JobLogStream, JobMap

from . import test_public_api

__all__ = ["EXEMPT", "PUBLIC_MODULES", "SELF_CHECKING", "public_callables", "public_classes"]

#: Public modules whose calls are not held to the rule, and why.
_OUTSIDE = {
    "aiocontainers.sync": "derived from the async classes, which are checked (and its submodules)",
    "aiocontainers.errors": "exception classes",
    "aiocontainers.testing": "pytest helpers for test suites, not the runtime API",
    "aiocontainers.inspection": "read models of the daemon's answers: unknown fields are kept "
    "by design (newer daemons add some); a wrong type still raises InvalidArgument",
}
#: Every other public module.
PUBLIC_MODULES = tuple(
    importlib.import_module(name)
    for name in test_public_api.PUBLIC_MODULES
    if name not in _OUTSIDE and not name.startswith("aiocontainers.sync.")
)

#: What is public but takes no user input to check, and why (neither checked nor fuzzed).
EXEMPT: dict[str, str] = {
    "WaitStrategy.wait": "a Protocol's stub: user classes implement it",
    "Event.from_message": "builds an event from a daemon message, not from user input",
    "ImageCollection.create": "docker-py's stub: raises NotImplementedError, as docker-py does",
    "NodeCollection.create": "docker-py's stub: raises NotImplementedError, as docker-py does",
}
#: What checks its arguments itself rather than through ``@validated`` (still fuzzed).
SELF_CHECKING: dict[str, str] = {
    "Stack": "validates the whole project, reporting every problem in one ComposeError",
    "aiocontainers.compose.parse_duration": "takes any value, says what is wrong itself",
    "prepare_model": "(of every collection) wraps daemon data: what is not an object with "
    "the id raises InvalidResponse",
}

# Classes the library makes from daemon data or for the caller, never built by users.
_MADE_BY_US = (
    Model,
    Collection,
    DockerStream,
    aiocontainers.EventStream,
    Credentials,
    aiocontainers.RunningStack,
    aiocontainers.StackLogs,
    aiocontainers.StackEvents,
    StackManager,
    JobHandle,
    JobLogStream,
    JobMap,
    aiocontainers.DeployedStack,
)


def public_classes() -> dict[type, str]:
    """Every class of the async API a user can reach (exceptions aside), with its label.

    The label is the class name, or ``module.Name`` when another class has that name.
    """
    found: dict[type, str] = {}

    def add(cls: type, module: str) -> None:
        if cls in found or issubclass(cls, BaseException):
            return
        taken = cls.__name__ in found.values()
        found[cls] = f"{module.rpartition('.')[2]}.{cls.__name__}" if taken else cls.__name__

    streams: tuple[type, ...] = (DockerStream, ExecStream, StatsStream, InteractiveStream)
    for cls in (aiocontainers.DockerClient, aiocontainers.EventStream, Credentials, *streams):
        add(cls, "aiocontainers")
    client = aiocontainers.DockerClient(base_url="unix:///nonexistent.sock")
    for value in managers(client).values():
        if type(value).__module__.startswith("aiocontainers"):
            add(type(value), "aiocontainers")
    for module in PUBLIC_MODULES:
        for name in module.__all__:
            value = getattr(module, name)
            if isinstance(value, type):
                add(value, module.__name__)
    return {cls: label for cls, label in found.items() if _methods(cls) or _built_by_users(cls)}


def _built_by_users(cls: type) -> bool:
    """Classes users build themselves (the client, specs, strategies, runners).

    Not handles, streams or plain result values (dataclasses), which the library makes,
    nor a Protocol, which is implemented rather than built.
    """
    if issubclass(cls, _MADE_BY_US) or dataclasses.is_dataclass(cls):
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
    for cls, label in public_classes().items():
        for name, method in _methods(cls).items():
            found[f"{label}.{name}"] = method
        if _built_by_users(cls):
            found[label] = cls
    for module in PUBLIC_MODULES:
        for name in module.__all__:
            value = getattr(module, name)
            if inspect.isfunction(value):
                found[f"{module.__name__}.{name}"] = value
    return dict(sorted(found.items()))
