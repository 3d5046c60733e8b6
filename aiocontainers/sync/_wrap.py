"""Sync proxies derived from the async classes, generated once per class.

`proxy_class()` builds, for an async class such as ``Container``, a class
of the same name whose methods are the async class's public methods made
blocking: each runs in the portal's loop thread (``await``-ed if it returns an
awaitable, so ``logs(stream=False)`` blocks and ``logs(stream=True)`` returns
an iterator) and its result goes through `wrap()`. Properties read the
async object directly. Nothing is written per method by hand, so a method
added to the async API is in the sync API too.

`wrap()` decides per result type (cached): plain data (bytes, str,
dicts, pydantic models, dataclasses, exceptions) passes through; lists and
tuples (``ExecResult``, ``(Image, logs)``) get their elements wrapped; an
object with async methods, async iteration or an async context gets a proxy;
an async iterator becomes a blocking iterator (`Pump`).
Arguments are unwrapped the other way, so a sync ``Container`` can be passed
where the async API expects a ``Container``.
"""

from __future__ import annotations

import functools
import inspect
import types
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from typing_extensions import Self

from ..errors import DockerException
from ._keywords import keyword_adapter
from ._portal import Portal, TaskContext
from ._stream import Pump

__all__ = [
    "CollectionProxy",
    "ModelProxy",
    "Proxy",
    "StreamProxy",
    "fetched_properties",
    "has_async_face",
    "proxy_class",
    "public_methods",
    "register",
    "unwrap",
    "wrap",
]

T_co = TypeVar("T_co", covariant=True)

_PLAIN = object()
_SEQUENCE = object()
_PLAIN_TYPES = (type(None), bool, int, float, str, bytes, bytearray, dict, set, frozenset)


class Proxy:
    """A sync stand-in for one async object: methods block, attributes read through."""

    __slots__ = ("__weakref__", "_context", "_portal", "_target")
    _target: Any
    _portal: Portal

    @classmethod
    def _make(cls, target: Any, portal: Portal) -> Any:
        self = object.__new__(cls)
        _set_target(self, target)
        _set_portal(self, portal)
        return self

    if not TYPE_CHECKING:  # the generated stub types every attribute; typos must not be Any

        def __getattr__(self, name: str) -> Any:
            target = _get_target(self)
            value = getattr(target, name)
            if isinstance(value, types.MethodType) and value.__self__ is target:
                return _bound_caller(self, value)
            if value is target:
                return self
            return wrap(value, _get_portal(self))

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(_get_target(self), name, unwrap(value))

    def __delattr__(self, name: str) -> None:
        delattr(_get_target(self), name)

    def __repr__(self) -> str:
        return repr(_get_target(self))

    def __eq__(self, other: object) -> bool:
        other_target = _get_target(other) if isinstance(other, Proxy) else other
        return bool(_get_target(self) == other_target)

    def __hash__(self) -> int:
        return hash(_get_target(self))

    def __dir__(self) -> list[str]:
        return sorted(set(dir(type(self))) | set(dir(_get_target(self))))


class ModelProxy(Proxy):
    """The base of every sync model (container, image...): docker-py's ``Model``."""

    __slots__ = ()
    async_class: type

    def __init__(
        self, attrs: dict[str, Any] | None = None, client: Any = None, collection: Any = None
    ) -> None:
        """A model made by hand from the daemon's ``attrs``, as docker-py's
        ``Model(attrs, client, collection)`` (tests build stand-ins this way): its
        properties read ``attrs``; its methods need ``client``, a sync client."""
        target = self.async_class(attrs, unwrap(client), unwrap(collection))
        _set_target(self, target)
        _set_portal(self, _get_portal(client) if isinstance(client, Proxy) else _NO_CLIENT)


class CollectionProxy(Proxy):
    """The base of every sync collection (``client.containers``...): docker-py's ``Collection``."""

    __slots__ = ()


class _NoClient:
    """The portal of a model made without a client: any call says so."""

    def __getattr__(self, name: str) -> Any:
        raise DockerException("this object was made without a client; pass client= to call it")


_NO_CLIENT: Any = _NoClient()

_target_slot: Any = Proxy.__dict__["_target"]
_portal_slot: Any = Proxy.__dict__["_portal"]
_context_slot: Any = Proxy.__dict__["_context"]
_set_target: Callable[[Any, Any], None] = _target_slot.__set__
_set_portal: Callable[[Any, Portal], None] = _portal_slot.__set__
_get_target: Callable[[Any], Any] = _target_slot.__get__
_get_portal: Callable[[Any], Portal] = _portal_slot.__get__


class StreamProxy(Proxy, Generic[T_co]):
    """A proxy for an async iterator: a blocking iterator and context manager.

    ``close()`` (also ``aclose()``, leaving ``with``, or dropping the object)
    stops reading and closes the async stream, releasing its connection.
    """

    __slots__ = ("_finalizer", "_pump")
    _pump: Pump
    _finalizer: weakref.finalize[Any, Any]

    @classmethod
    def _make(cls, target: Any, portal: Portal) -> Any:
        self = super()._make(target, portal)
        pump = Pump(portal, target, on_error=lambda exc: wrap_exception(exc, portal))
        object.__setattr__(self, "_pump", pump)
        finalizer = weakref.finalize(self, pump.abandon)
        finalizer.atexit = False
        object.__setattr__(self, "_finalizer", finalizer)
        return self

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> T_co:
        item: T_co = wrap(self._pump.next(), _get_portal(self))
        return item

    def close(self) -> None:
        """Stop reading and close the stream (its connection is released)."""
        self._finalizer.detach()
        self._pump.close()

    aclose = close

    def __enter__(self) -> Self:
        if hasattr(_get_target(self), "__aenter__"):
            entered: Self = _enter(self)
            return entered
        return self

    def __exit__(self, *exc_info: Any) -> None:
        try:
            self.close()
        finally:
            _exit(self, exc_info)


def _bound_caller(proxy: Proxy, method: Callable[..., Any]) -> Callable[..., Any]:
    """A blocking caller for a method not known when the class was generated."""
    portal = _get_portal(proxy)

    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        return _invoke(portal, method, unwrap_args(args), unwrap_kwargs(kwargs))

    return call


def _invoke(portal: Portal, fn: Callable[..., Any], args: Any, kwargs: Any) -> Any:
    try:
        result = portal.call(fn, *args, **kwargs)
    except DockerException as exc:
        wrap_exception(exc, portal)
        raise
    return wrap(result, portal)


def wrap_exception(exc: BaseException, portal: Portal) -> None:
    """Give an exception's async objects (``ContainerError.container``) sync proxies."""
    if not isinstance(exc, DockerException):
        return
    for name, value in list(vars(exc).items()):
        if _plan(type(value)) not in (_PLAIN, _SEQUENCE):
            setattr(exc, name, wrap(value, portal))


# -- per-type plans ----------------------------------------------------------------

_plans: dict[type, Any] = {t: _PLAIN for t in _PLAIN_TYPES}
_plans[list] = _SEQUENCE
_plans[tuple] = _SEQUENCE
_classes: dict[type, type[Proxy]] = {}


def _is_async_callable(value: Any) -> bool:
    return inspect.iscoroutinefunction(value) or inspect.isasyncgenfunction(value)


def has_async_face(cls: type) -> bool:
    if any(hasattr(cls, name) for name in ("__anext__", "__aiter__", "__aenter__")):
        return True
    for name in dir(cls):
        if name.startswith("_"):
            continue
        attr = inspect.getattr_static(cls, name, None)
        if isinstance(attr, (staticmethod, classmethod)):
            continue
        if _is_async_callable(attr):
            return True
    return False


def _plan(tp: type) -> Any:
    plan = _plans.get(tp)
    if plan is not None:
        return plan
    if issubclass(tp, (list, tuple)):
        plan = _SEQUENCE
    elif issubclass(tp, (BaseException, type)) or not has_async_face(tp):
        plan = _PLAIN
    elif not tp.__module__.startswith("aiocontainers.") and (
        hasattr(tp, "__anext__") or hasattr(tp, "__aiter__")
    ):
        plan = StreamProxy  # an async generator or another library's async iterator
    else:
        plan = proxy_class(tp)
    _plans[tp] = plan
    return plan


def wrap(value: Any, portal: Portal) -> Any:
    """``value`` as sync code should see it (see the module docstring)."""
    tp = type(value)
    plan = _plans.get(tp)
    if plan is None:
        plan = _plan(tp)
    if plan is _PLAIN:
        return value
    if plan is _SEQUENCE:
        return _wrap_sequence(value, portal)
    return plan._make(value, portal)


def _wrap_sequence(value: Any, portal: Portal) -> Any:
    items = [wrap(item, portal) for item in value]
    if all(new is old for new, old in zip(items, value, strict=True)):
        return value
    if type(value) is list:
        return items
    if type(value) is tuple:
        return tuple(items)
    make = getattr(type(value), "_make", None)  # a NamedTuple
    return make(items) if make is not None else type(value)(items)


def unwrap(value: Any) -> Any:
    """``value`` as the async API should see it: proxies become their async objects."""
    if isinstance(value, Proxy):
        return _get_target(value)
    tp = type(value)
    if tp is list or tp is tuple:
        if any(isinstance(item, Proxy) for item in value):
            return tp(unwrap(item) for item in value)
    elif tp is dict and any(isinstance(item, Proxy) for item in value.values()):
        return {key: unwrap(item) for key, item in value.items()}
    return value


def unwrap_args(args: tuple[Any, ...]) -> tuple[Any, ...]:
    for item in args:
        if type(item) not in _PLAIN_TYPES:
            return tuple(unwrap(item) for item in args)
    return args


def unwrap_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    for item in kwargs.values():
        if type(item) not in _PLAIN_TYPES:
            return {key: unwrap(item) for key, item in kwargs.items()}
    return kwargs


# -- generated classes -----------------------------------------------------------


def public_methods(cls: type) -> dict[str, Any]:
    """The public methods (sync or async) of ``cls``, by name, as found on the class."""
    found: dict[str, Any] = {}
    for name in dir(cls):
        if name.startswith("_"):
            continue
        attr = inspect.getattr_static(cls, name, None)
        if isinstance(attr, (staticmethod, classmethod, property)):
            continue
        if inspect.isfunction(attr):
            found[name] = attr
    return found


def public_properties(cls: type) -> dict[str, property]:
    return {
        name: attr
        for name in dir(cls)
        if not name.startswith("_")
        and isinstance(attr := inspect.getattr_static(cls, name, None), property)
    }


def _make_method(cls: type, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    adapt = keyword_adapter(cls.__name__, name, func)

    def method(self: Proxy, /, *args: Any, **kwargs: Any) -> Any:
        portal = _get_portal(self)
        if args:
            args = unwrap_args(args)
        if kwargs:
            if adapt is not None:
                kwargs = adapt(kwargs)
            kwargs = unwrap_kwargs(kwargs)
        try:
            result = portal.call(func, _get_target(self), *args, **kwargs)
        except DockerException as exc:
            wrap_exception(exc, portal)
            raise
        if result is _get_target(self):
            return self
        return wrap(result, portal)

    functools.update_wrapper(method, func)
    method.__qualname__ = f"{cls.__name__}.{name}"
    method.__module__ = "aiocontainers.sync"
    return method


def _make_property(prop: property) -> property:
    fget = prop.fget
    assert fget is not None

    def getter(self: Proxy) -> Any:
        target = _get_target(self)
        value = fget(target)
        if value is target:
            return self
        return wrap(value, _get_portal(self))

    getter.__doc__ = prop.__doc__
    if prop.fset is None:
        return property(getter, doc=prop.__doc__)
    fset = prop.fset

    def setter(self: Proxy, value: Any) -> None:
        fset(_get_target(self), unwrap(value))

    return property(getter, setter, doc=prop.__doc__)


def fetched_properties(cls: type) -> dict[str, str]:
    """docker-py's properties that call the daemon: sync property name -> async method name.

    An async property cannot await, so the async class has a method instead
    (``Container.get_image()``) and names it in ``_sync_fetched``; the sync class
    gets docker-py's property, which blocks on that method.
    """
    fetched: dict[str, str] = getattr(cls, "_sync_fetched", {})
    return fetched


def _fetching_property(cls: type, method_name: str) -> property:
    call = _make_method(cls, method_name, getattr(cls, method_name))

    def getter(self: Proxy) -> Any:
        return call(self)

    return property(getter, doc=getattr(cls, method_name).__doc__)


def _enter(proxy: Proxy) -> Any:
    """Enter the target's async context in a task of its own (exited by `_exit()`)."""
    target = _get_target(proxy)
    portal = _get_portal(proxy)
    context = portal.context(target)
    _context_slot.__set__(proxy, context)
    entered = context.enter()
    return proxy if entered is target else wrap(entered, portal)


def _exit(proxy: Proxy, exc_info: tuple[Any, ...]) -> bool:
    try:
        context: TaskContext = _context_slot.__get__(proxy)
    except AttributeError:  # never entered
        return False
    _context_slot.__delete__(proxy)
    return context.exit(*exc_info)


def _context_methods() -> dict[str, Any]:
    def __enter__(self: Proxy) -> Any:
        return _enter(self)

    def __exit__(self: Proxy, *exc_info: Any) -> bool:
        return _exit(self, exc_info)

    return {"__enter__": __enter__, "__exit__": __exit__}


def register(async_cls: type, proxy_cls: type[Proxy]) -> None:
    """Use ``proxy_cls`` (a hand-extended generated class) for ``async_cls`` objects."""
    _classes[async_cls] = proxy_cls
    _plans[async_cls] = proxy_cls


def proxy_class(async_cls: type) -> type[Proxy]:
    """The sync proxy class for ``async_cls``, generated on first use and cached."""
    cached = _classes.get(async_cls)
    if cached is not None:
        return cached
    from .._resources._base import Collection, Model

    is_stream = hasattr(async_cls, "__anext__") or hasattr(async_cls, "__aiter__")
    base: type[Proxy] = Proxy
    if is_stream:
        base = StreamProxy
    elif issubclass(async_cls, Model):
        base = ModelProxy
    elif issubclass(async_cls, Collection):
        base = CollectionProxy
    namespace: dict[str, Any] = {
        "__slots__": (),
        "__doc__": async_cls.__doc__,
        "__module__": "aiocontainers.sync",
        "__qualname__": async_cls.__name__,
        "async_class": async_cls,
    }
    for name, func in public_methods(async_cls).items():
        if name not in base.__dict__:
            namespace[name] = _make_method(async_cls, name, func)
    for name, prop in public_properties(async_cls).items():
        namespace[name] = _make_property(prop)
    for name, method in fetched_properties(async_cls).items():
        namespace[name] = _fetching_property(async_cls, method)
    if not is_stream and hasattr(async_cls, "__aenter__"):
        namespace.update(_context_methods())
    cls = type(async_cls.__name__, (base,), namespace)
    _classes[async_cls] = cls
    _plans[async_cls] = cls
    return cls
