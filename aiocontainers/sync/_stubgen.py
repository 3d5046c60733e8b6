"""Writes ``_classes.pyi``: the sync classes' blocking signatures, derived from the async API.

``python -m aiocontainers.sync._stubgen`` rewrites the stub; ``--check`` exits 1
when it is stale (the unit tests run the same comparison). Like httpcore's
``unasync``, the sync face is produced from the async source, never written by
hand: for every class of `async_classes()` and every public method
and property the runtime proxy has (`public_methods()`), the
signature is copied with ``async`` dropped and each annotation rewritten:

* an async class that has a sync twin becomes the twin (same name, this stub);
* a returned ``AsyncGenerator``/``AsyncIterator``/``AsyncIterable`` of ``X``
  becomes ``StreamProxy[X]`` (a blocking iterator with ``close()``);
* every other name is imported from the module that defines it.

Overloads are kept (read with `typing.get_overloads()`), defaults become ``...``.
"""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.util
import inspect
import sys
import textwrap
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from typing_extensions import get_overloads

from ._classes import async_classes
from ._wrap import fetched_properties, has_async_face, public_methods, public_properties

__all__ = ["STUB_PATH", "render"]

STUB_PATH = Path(__file__).with_name("_classes.pyi")

_STREAMS = {"AsyncGenerator", "AsyncIterator", "AsyncIterable"}
_AWAITABLES = {"Awaitable", "Coroutine"}
_BUILTINS = set(dir(__import__("builtins")))
# Names the stub defines or imports itself.
_OWN = {"StreamProxy", "ModelProxy", "CollectionProxy", "Proxy", "Any", "TypeVar", "Generic"}
_OWN |= {"Self", "overload", "_SyncDockerClient"}
# What the stub's header imports anyway.
_HEADER_IMPORTS = {("typing", name) for name in ("Any", "Generic", "TypeVar", "overload", "Self")}
_HEADER_IMPORTS.add(("typing_extensions", "Self"))
# Sync bases that take no type arguments (the async Model/Collection they stand for do).
_UNSUBSCRIPTED = {"ModelProxy", "CollectionProxy", "Any"}


@dataclass
class _Imports:
    """What the stub imports: ``(module, name) -> local name``, ``import module`` lines."""

    names: dict[tuple[str, str], str] = field(default_factory=dict)
    modules: set[str] = field(default_factory=set)
    typevars: dict[str, str] = field(default_factory=dict)

    def add(self, module: str, name: str) -> str:
        """The local name for ``module.name``; a second ``name`` from elsewhere is aliased."""
        if (module, name) in _HEADER_IMPORTS:
            return name
        key = (module, name)
        if key not in self.names:
            taken = set(self.names.values()) | _OWN
            local = name
            if local in taken:
                local = f"{name}_{module.rsplit('.', 1)[1].lstrip('_')}"
            self.names[key] = local
        return self.names[key]

    def render(self) -> list[str]:
        lines = [f"import {module}" for module in sorted(self.modules)]
        for (module, name), local in sorted(self.names.items()):
            alias = f" as {local}" if local != name else ""
            lines.append(f"from {module} import {name}{alias}")
        return lines


class _Resolver:
    """Finds where each name an annotation uses comes from, by reading module sources."""

    def __init__(self, twins: dict[type, str], imports: _Imports) -> None:
        self.twins = twins
        self.imports = imports
        self.substitutions: dict[typing.TypeVar, Any] = {}
        self._origins: dict[tuple[str, str], tuple[str, str] | None] = {}

    def _tree(self, module: str) -> ast.Module:
        source = inspect.getsource(importlib.import_module(module))
        return ast.parse(source)

    def _origin(self, module: str, name: str) -> tuple[str, str] | None:
        """(module, name) where ``name`` as seen in ``module`` is defined, or None."""
        key = (module, name)
        if key not in self._origins:
            self._origins[key] = self._find(module, name)
        return self._origins[key]

    def _statements(self, module: str) -> Iterator[ast.stmt]:
        """Top-level statements, and those under ``if TYPE_CHECKING:`` and ``try:``."""
        pending = list(self._tree(module).body)
        while pending:
            node = pending.pop(0)
            yield node
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                pending.extend(node.body)
            elif isinstance(node, ast.Try):
                pending.extend(node.body)

    def _find(self, module: str, name: str) -> tuple[str, str] | None:
        is_package = hasattr(importlib.import_module(module), "__path__")
        package = module if is_package else module.rpartition(".")[0]
        for node in self._statements(module):
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if (alias.asname or alias.name) != name:
                        continue
                    relative = "." * node.level + (node.module or "")
                    source = importlib.util.resolve_name(relative, package)
                    if source.startswith("aiocontainers"):
                        return self._origin(source, alias.name) or (source, alias.name)
                    return source, alias.name
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if (alias.asname or alias.name) == name:
                        return alias.name, ""
            elif isinstance(node, (ast.ClassDef, ast.FunctionDef)) and node.name == name:
                return module, name
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                    return module, name
        return None

    def name(self, module: str, name: str) -> str:
        """The stub's spelling of ``name`` as used in ``module`` (importing what it needs)."""
        if name in _BUILTINS or name == "None":
            return name
        origin = self._origin(module, name)
        if origin is None:
            raise LookupError(f"cannot find where {name!r} used in {module} comes from")
        source, attribute = origin
        if not attribute:  # ``import module``
            self.imports.modules.add(source)
            return name
        value = getattr(importlib.import_module(source), attribute)
        return self.spell(value, source, attribute)

    def spell(self, value: Any, source: str | None = None, attribute: str | None = None) -> str:
        """The stub's name for a runtime object (a class, a type variable, an alias)."""
        if isinstance(value, typing.TypeVar):
            replacement = self.substitutions.get(value)
            if replacement is not None:
                return self.spell(replacement)
            return self._typevar(value)
        if isinstance(value, type):
            if value in self.twins:
                return self.twins[value]
            if has_async_face(value):
                return "Any"  # a proxied internal (the transport...): untyped on purpose
            source, attribute = value.__module__, value.__qualname__
        if source is None or attribute is None:
            return "Any"
        if source == "builtins":
            return attribute
        return self.imports.add(source, attribute)

    def _typevar(self, var: typing.TypeVar) -> str:
        arguments = [repr(var.__name__)]
        if var.__covariant__:
            arguments.append("covariant=True")
        if var.__contravariant__:
            arguments.append("contravariant=True")
        definition = f"{var.__name__} = TypeVar({', '.join(arguments)})"
        known = self.imports.typevars.setdefault(var.__name__, definition)
        if known != definition:
            raise ValueError(f"two type variables named {var.__name__}: {known} / {definition}")
        return var.__name__


class _Rewriter(ast.NodeTransformer):
    """One annotation, its names resolved for the stub; async results made blocking."""

    def __init__(self, resolver: _Resolver, module: str, returned: bool) -> None:
        self.resolver = resolver
        self.module = module
        self.returned = returned

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        base = node.value
        if isinstance(base, ast.Name) and base.id == "Literal":  # values, not names
            return ast.Subscript(value=self.visit(base), slice=node.slice, ctx=ast.Load())
        if self.returned and isinstance(base, ast.Name):
            first = node.slice.elts[0] if isinstance(node.slice, ast.Tuple) else node.slice
            if base.id in _STREAMS:
                return ast.Subscript(
                    value=ast.Name("StreamProxy", ast.Load()),
                    slice=self.visit(first),
                    ctx=ast.Load(),
                )
            if base.id in _AWAITABLES:
                last = node.slice.elts[-1] if isinstance(node.slice, ast.Tuple) else node.slice
                awaited: ast.AST = self.visit(last)
                return awaited
        rewritten = self.visit(base)
        if isinstance(rewritten, ast.Name) and rewritten.id in _UNSUBSCRIPTED:
            return rewritten
        return ast.Subscript(value=rewritten, slice=self.visit(node.slice), ctx=ast.Load())

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return ast.Name(self.resolver.name(self.module, node.id), ast.Load())

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        root: ast.expr = node
        while isinstance(root, ast.Attribute):
            root = root.value
        if isinstance(root, ast.Name):
            self.resolver.name(self.module, root.id)  # ``import builtins``, ``import os``...
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if isinstance(node.value, str) and not isinstance(node.value, bool):
            try:
                inner = ast.parse(node.value, mode="eval").body
            except SyntaxError:
                return node
            if isinstance(inner, (ast.Name, ast.Attribute, ast.Subscript, ast.BinOp)):
                forward: ast.AST = self.visit(inner)
                return forward
        return node


def _annotation(resolver: _Resolver, module: str, text: Any, *, returned: bool) -> str:
    if text is inspect.Parameter.empty:
        return "Any"
    if not isinstance(text, str):
        text = inspect.formatannotation(text)
    tree = ast.parse(text, mode="eval")
    return ast.unparse(_Rewriter(resolver, module, returned).visit(tree.body))


def _parameters(resolver: _Resolver, module: str, func: Callable[..., Any]) -> str:
    rendered: list[str] = []
    positional_only = False
    keyword_only = False
    for parameter in inspect.signature(func).parameters.values():
        kind = parameter.kind
        if kind is parameter.POSITIONAL_ONLY:
            positional_only = True
        elif positional_only:
            rendered.append("/")
            positional_only = False
        if kind is parameter.KEYWORD_ONLY and not keyword_only:
            rendered.append("*")
            keyword_only = True
        prefix = ""
        if kind is parameter.VAR_POSITIONAL:
            prefix, keyword_only = "*", True
        elif kind is parameter.VAR_KEYWORD:
            prefix = "**"
        text = f"{prefix}{parameter.name}"
        if parameter.name != "self" or rendered:
            annotation = _annotation(resolver, module, parameter.annotation, returned=False)
            text += f": {annotation}"
        if parameter.default is not parameter.empty:
            text += " = ..."
        rendered.append(text)
    if positional_only:
        rendered.append("/")
    return ", ".join(rendered)


def _function(resolver: _Resolver, name: str, func: Callable[..., Any]) -> Iterator[str]:
    module = func.__module__
    variants = list(get_overloads(func)) or [func]
    for variant in variants:
        if len(variants) > 1:
            yield "    @overload"
        returned = _annotation(
            resolver, module, inspect.signature(variant).return_annotation, returned=True
        )
        yield f"    def {name}({_parameters(resolver, module, variant)}) -> {returned}: ..."


def _property(resolver: _Resolver, name: str, prop: Any) -> Iterator[str]:
    getter = prop.fget if isinstance(prop, property) else prop  # or a fetching method
    assert getter is not None
    annotation = inspect.signature(getter).return_annotation
    returned = _annotation(resolver, getter.__module__, annotation, returned=True)
    yield "    @property"
    yield f"    def {name}(self) -> {returned}: ..."
    if isinstance(prop, property) and prop.fset is not None:
        yield f"    @{name}.setter"
        yield f"    def {name}(self, value: {returned}) -> None: ..."


def _attributes(cls: type) -> dict[str, tuple[str, str]]:
    """Public instance attributes set in ``__init__`` or made on first access (a
    ``cached_property``): name -> (module, annotation text)."""
    found: dict[str, tuple[str, str]] = {}
    for klass in reversed(cls.__mro__):
        for name, attr in vars(klass).items():
            if isinstance(attr, functools.cached_property) and not name.startswith("_"):
                found[name] = (klass.__module__, str(attr.func.__annotations__["return"]))
        init = klass.__dict__.get("__init__")
        if init is None or not inspect.isfunction(init):
            continue
        try:
            # dedented, not stripped: a decorated __init__'s source starts at its decorator
            tree = ast.parse(textwrap.dedent(inspect.getsource(init)))
        except (OSError, SyntaxError):
            continue
        for node in ast.walk(tree):
            target: ast.expr | None = None
            text: str | None = None
            if isinstance(node, ast.AnnAssign):
                target, text = node.target, ast.unparse(node.annotation)
            elif isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                value = node.value
                if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
                    text = value.func.id
            if (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == "self"
                and not target.attr.startswith("_")
                and text is not None
            ):
                found[target.attr] = (klass.__module__, text)
    return found


def _substitutions(cls: type) -> dict[typing.TypeVar, Any]:
    """What each type variable of ``cls``'s generic bases stands for in ``cls``."""
    mapping: dict[typing.TypeVar, Any] = {}
    for klass in cls.__mro__:
        for base in klass.__dict__.get("__orig_bases__", ()):
            origin = typing.get_origin(base)
            if origin is None:
                continue
            for variable, argument in zip(
                getattr(origin, "__parameters__", ()), typing.get_args(base), strict=False
            ):
                mapping.setdefault(variable, mapping.get(argument, argument))
    return mapping


def _is_stream(cls: type) -> bool:
    return hasattr(cls, "__anext__") or hasattr(cls, "__aiter__")


def _base(cls: type, resolver: _Resolver) -> str:
    from .._resources._base import Collection, Model

    if _is_stream(cls):
        step = inspect.getattr_static(cls, "__anext__", None)
        item = "Any"
        if step is not None:
            annotation = inspect.signature(step).return_annotation
            item = _annotation(resolver, step.__module__, annotation, returned=True)
        return f"StreamProxy[{item}]"
    parameters = [p for p in getattr(cls, "__parameters__", ()) if p not in resolver.substitutions]
    suffix = f", Generic[{', '.join(resolver.spell(p) for p in parameters)}]" if parameters else ""
    if issubclass(cls, Model):
        return "ModelProxy" + suffix
    if issubclass(cls, Collection):
        return "CollectionProxy" + suffix
    return "Proxy" + suffix


def _class(cls: type, resolver: _Resolver) -> list[str]:
    resolver.substitutions = _substitutions(cls)
    lines = [f"class {cls.__name__}({_base(cls, resolver)}):"]
    is_stream = _is_stream(cls)
    properties: dict[str, Any] = dict(public_properties(cls))
    for name, method in fetched_properties(cls).items():
        properties[name] = getattr(cls, method)  # typed by what the method returns
    # a fetched property of a method's own name replaces the method
    methods = {n: f for n, f in public_methods(cls).items() if n not in properties}
    for name, (module, text) in sorted(_attributes(cls).items()):
        if name in properties or name in methods:
            continue
        try:
            annotation = _annotation(resolver, module, text, returned=True)
        except LookupError:
            annotation = "Any"
        lines.append(f"    {name}: {annotation}")
    init = cls.__dict__.get("__init__")
    if init is not None and cls.__name__ == "DockerClient":
        lines.extend(_function(resolver, "__init__", init))
    for name, prop in properties.items():
        lines.extend(_property(resolver, name, prop))
    for name, func in methods.items():
        if is_stream and name in ("close", "aclose"):
            continue  # StreamProxy's own
        lines.extend(_function(resolver, name, func))
    if not is_stream and hasattr(cls, "__aenter__"):
        lines.append("    def __enter__(self) -> Self: ...")
        lines.append("    def __exit__(self, *exc_info: object) -> None: ...")
    if len(lines) == 1:
        lines.append("    ...")
    return lines


def render() -> str:
    """The stub's text."""
    from .._client import DockerClient
    from .._resources._base import Collection, Model

    classes = async_classes()

    twins = {cls: cls.__name__ for cls in classes}
    twins.update({Model: "ModelProxy", Collection: "CollectionProxy"})
    # Objects' ``client`` is the public sync client (which extends the generated one).
    twins[DockerClient] = "_SyncDockerClient"
    imports = _Imports()
    resolver = _Resolver(twins, imports)
    bodies = ["", ""]
    for cls in classes:
        bodies.extend(_class(cls, resolver))
        bodies.extend(["", ""])
    header = [
        '"""The sync classes\' blocking signatures. Generated by aiocontainers.sync._stubgen',
        'from the async API; do not edit (``python -m aiocontainers.sync._stubgen``)."""',
        "",
        "from typing import Any, Generic, TypeVar, overload",
        "",
        "from typing_extensions import Self",
        "",
        "from ._client import DockerClient as _SyncDockerClient",
        "from ._wrap import CollectionProxy, ModelProxy, Proxy, StreamProxy",
        *imports.render(),
        "",
        f"__all__ = [{', '.join(repr(cls.__name__) for cls in classes)}, 'async_classes']",
        "",
        *sorted(imports.typevars.values()),
        "",
        "def async_classes() -> list[type]: ...",
    ]
    return "\n".join(header + bodies).rstrip() + "\n"


def _format(text: str) -> str:
    """The stub with imports sorted and laid out by ruff (so the checked-in file reads well)."""
    import subprocess

    for command in (["check", "--fix", "--quiet", "--select", "I,F401"], ["format"]):
        text = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "--stdin-filename", str(STUB_PATH), "-"],
            input=text,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    return text


def main(argv: list[str]) -> int:
    text = _format(render())
    if "--check" in argv:
        if STUB_PATH.read_text() != text:
            print(f"{STUB_PATH} is stale: run python -m aiocontainers.sync._stubgen")
            return 1
        return 0
    STUB_PATH.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
