"""Argument checking at the edge of the public API: bad input raises InvalidArgument, early.

Every public method carries `validated`. The annotations of its signature are the
contract: on the first call they are resolved (names that modules import only for type
checkers, to avoid import cycles or to load lazily, are found in ``_LATE_NAMES``) and pydantic's
``validate_call`` checks each call's arguments against them, in strict mode: ``"5"`` is
not an int, an int is a float, and a float is finite. A flag (``bool``) takes ``0`` and
``1`` too, as docker-py's flags do (``stream=0``); ``2`` or ``"yes"`` is refused. A failure raises
`InvalidArgument` naming each bad argument before the
method's body runs, so before any daemon call. Argument types with rules of their own
(non-empty names, finite timestamps, filters, shell commands...) are in
`aiocontainers._arguments`.

pydantic is imported when the first checked call is made, not with this module: a
program pays for it when it calls the API, not when it imports the client. Models
that raise `InvalidArgument` are in `aiocontainers._checked`.

Neither the message nor ``InvalidArgument.errors`` repeats a value given: values may be
secrets (environment values, passwords, tokens), and error texts end up in logs.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import re
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from .errors import InvalidArgument, InvalidArgumentType

if TYPE_CHECKING:
    from pydantic import ValidationError

__all__ = ["Expected", "invalid_argument", "is_validated", "validated"]

F = TypeVar("F", bound=Callable[..., Any])

_MARK = "__aiocontainers_validated__"
# Annotation names that their modules import only under TYPE_CHECKING, and where they live.
_LATE_NAMES = {
    "Container": "aiocontainers._resources.containers",
    "DockerClient": "aiocontainers._client",
    "EventFilters": "aiocontainers._arguments",
    "EventTimestamp": "aiocontainers._arguments",
    "HTTPTransport": "aiocontainers._http",
    "Image": "aiocontainers._resources.images",
    "RestartPolicy": "aiocontainers._specs",
    "WaitStrategy": "aiocontainers._orchestration._wait",
}
_NAME = re.compile(r"[A-Za-z_]\w*")
_PREFIXES = ("Value error, ", "Assertion failed, ")
# Error types that only say "not this type": in a union, one member's other error says more.
_MISMATCHES = frozenset({"is_instance_of", "none_required", "literal_error", "sequence_str"})


def _mismatch(error_type: str) -> bool:
    return error_type.endswith("_type") or error_type in _MISMATCHES


@dataclass(frozen=True)
class Expected:
    """``Annotated`` metadata: how error messages describe what an argument accepts."""

    text: str


def is_validated(fn: object) -> bool:
    """True when ``fn`` (a function, or a method found on its class) checks its arguments."""
    return bool(getattr(fn, _MARK, False))


def _describe(hint: Any) -> str:
    """A readable form of a resolved annotation, for messages."""
    if typing.get_origin(hint) is typing.Annotated:
        for meta in hint.__metadata__:
            if isinstance(meta, Expected):
                return meta.text
        return _describe(hint.__origin__)
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return " | ".join(_describe(arg) for arg in args)
    if origin is typing.Literal:
        return " or ".join(repr(arg) for arg in args)
    if hint is type(None):
        return "None"
    if hint is Any:
        return "any value"
    if origin is not None:
        name = getattr(origin, "__name__", str(origin))
        return f"{name}[{', '.join(_describe(arg) for arg in args)}]" if args else name
    return getattr(hint, "__name__", str(hint))


def _path(loc: Iterable[Any]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif text:
            text += f"[{part!r}]"
        else:
            text = str(part)
    return text


def invalid_argument(
    exc: ValidationError,
    where: str,
    *,
    names: Callable[[tuple[Any, ...]], tuple[Any, ...]] | None = None,
    expected: Mapping[str, str] | None = None,
) -> InvalidArgument:
    """The InvalidArgument for a pydantic validation failure, without the input values.

    ``where`` names the call or spec (``"ContainerCollection.list()"``); ``names`` turns
    a location's positional indexes into parameter names; ``expected`` describes each
    parameter for arguments that failed in several ways at once (a union).
    """
    errors: list[dict[str, Any]] = []
    by_argument: dict[str, list[tuple[str, str, str, str]]] = {}
    for error in exc.errors(include_url=False, include_context=False, include_input=True):
        loc = names(tuple(error["loc"])) if names else tuple(error["loc"])
        msg = str(error["msg"])
        for prefix in _PREFIXES:
            msg = msg.removeprefix(prefix)
        errors.append({"loc": loc, "msg": msg, "type": error["type"]})
        given = error.get("input")
        if type(given) in (int, float) and not _mismatch(error["type"]):
            msg = f"{msg}, got {given!r}"  # a number is never a secret; text might be
        problem = (_path(loc), msg, type(given).__name__, error["type"])
        by_argument.setdefault(str(loc[0]) if loc else "", []).append(problem)
    problems = []
    for argument, found in by_argument.items():
        path, msg, got, _ = found[0]
        telling = [problem for problem in found if not _mismatch(problem[3])]
        if len(found) > 1 and len(telling) == 1:  # a union whose matching member said why
            path, msg = argument, telling[0][1]
        elif len(found) > 1 and expected and argument in expected:
            problems.append(f"{argument}: expected {expected[argument]}, got {got}")
            continue
        if not path or msg.startswith((f"{path}:", f"{path}[", f"{argument}:")):
            problems.append(msg)  # our own messages name the argument already
        else:
            problems.append(f"{path}: {msg}")
    plural = "s" if len(problems) > 1 else ""
    # Every problem a wrong type: docker-py's TypeError for these (InvalidArgumentType).
    wrong_type = all(
        _mismatch(error["type"]) and error["type"] != "literal_error" for error in errors
    )
    return (InvalidArgumentType if wrong_type else InvalidArgument)(
        f"invalid argument{plural} to {where}: {'; '.join(problems)}", errors=errors
    )


def _late_names(fn: Callable[..., Any]) -> dict[str, Any]:
    """The late names ``fn``'s annotations use, imported now (only those: importing the
    others would load modules the caller may never need)."""
    text = " ".join(str(value) for value in fn.__annotations__.values())
    used = set(_NAME.findall(text))
    return {
        name: getattr(importlib.import_module(module), name)
        for name, module in _LATE_NAMES.items()
        if name in used and name not in fn.__globals__
    }


def _flag(value: object) -> object:
    """``0``/``1`` as ``False``/``True`` (docker-py callers pass them as flags)."""
    return bool(value) if type(value) is int and value in (0, 1) else value


def _taking_0_1(hint: Any) -> Any:
    """``hint`` with each ``bool`` (alone or in a union) also taking ``0`` and ``1``."""
    if hint is bool:
        from pydantic import BeforeValidator

        return typing.Annotated[bool, BeforeValidator(_flag)]
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return typing.Union[tuple(_taking_0_1(arg) for arg in typing.get_args(hint))]  # noqa: UP007
    return hint


class _Checker:
    """The validator of one function, built on its first call."""

    __slots__ = ("_expected", "_fn", "_positional", "_validator", "_varargs", "_where")

    def __init__(self, fn: Callable[..., Any]) -> None:
        self._fn = fn
        self._where = f"{fn.__qualname__}()"
        self._validator: Callable[..., Any] | None = None
        self._expected: dict[str, str] = {}
        parameters = inspect.signature(fn).parameters.values()
        self._positional = [
            p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        self._varargs = next((p.name for p in parameters if p.kind is p.VAR_POSITIONAL), None)

    def _build(self) -> Callable[..., Any]:
        fn = self._fn
        signature = inspect.signature(fn)
        annotated = {name: value for name, value in fn.__annotations__.items() if name != "return"}

        def target(*args: Any, **kwargs: Any) -> Any:
            return fn(*args, **kwargs)

        target.__annotations__ = annotated
        hints = typing.get_type_hints(
            target,
            globalns=fn.__globals__,
            localns=_late_names(fn),
            include_extras=True,
        )
        target.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[
                p.replace(annotation=hints.get(p.name, inspect.Parameter.empty))
                for p in signature.parameters.values()
            ],
            return_annotation=inspect.Signature.empty,
        )
        target.__annotations__ = hints
        target.__name__ = fn.__name__
        target.__qualname__ = fn.__qualname__
        target.__module__ = fn.__module__
        self._expected = {name: _describe(hint) for name, hint in hints.items()}
        from pydantic import ConfigDict, validate_call  # on the first call: pydantic is heavy

        target.__annotations__ = {name: _taking_0_1(hint) for name, hint in hints.items()}

        config = ConfigDict(strict=True, arbitrary_types_allowed=True, allow_inf_nan=False)
        validator: Callable[..., Any] = validate_call(config=config)(target)
        self._validator = validator
        return validator

    def _names(self, loc: tuple[Any, ...]) -> tuple[Any, ...]:
        if not loc or not isinstance(loc[0], int):
            return loc
        index = loc[0]
        if index < len(self._positional):
            return (self._positional[index], *loc[1:])
        if self._varargs is not None:
            return (self._varargs, index - len(self._positional), *loc[1:])
        return (f"argument {index + 1}", *loc[1:])

    def __call__(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        validator = self._validator or self._build()
        try:
            return validator(*args, **kwargs)
        except Exception as exc:
            from pydantic import ValidationError  # loaded: the validator was built

            # pydantic titles the error with the function's qualified name (its plain
            # name before 2.9); another title comes from the body, not these arguments.
            if not isinstance(exc, ValidationError) or exc.title not in (
                self._fn.__qualname__,
                self._fn.__name__,
            ):
                raise
            error = invalid_argument(exc, self._where, names=self._names, expected=self._expected)
        # Raised here, not in the except block: the ValidationError, whose text repeats
        # every value given, must not ride along as the __context__.
        raise error


def validated(fn: F) -> F:
    """Check every call's arguments against ``fn``'s annotations (see the module docstring).

    The wrapper is a coroutine function when ``fn`` is one, so the sync shim and
    ``inspect`` see the same kind of callable; an async generator function gets a plain
    wrapper that checks the arguments at the call and returns the generator.
    """
    checker = _Checker(fn)
    params = inspect.signature(fn).parameters
    # Nothing to check when the only parameter is ``self`` and only it is passed.
    bare = 1 if list(params) == ["self"] else -1

    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def call_async(*args: Any, **kwargs: Any) -> Any:
            if len(args) == bare and not kwargs:
                return await fn(*args)
            return await checker(args, kwargs)

        wrapper: Any = call_async
    else:

        @functools.wraps(fn)
        def call(*args: Any, **kwargs: Any) -> Any:
            if len(args) == bare and not kwargs:
                return fn(*args)
            return checker(args, kwargs)

        wrapper = call
    setattr(wrapper, _MARK, True)
    result: F = wrapper
    return result
