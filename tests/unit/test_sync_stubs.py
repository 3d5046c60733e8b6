"""The typed sync face: ``_classes.pyi`` is fresh and says exactly what the runtime has."""

from __future__ import annotations

import ast
import inspect

import pytest

from aiocontainers.sync import _classes
from aiocontainers.sync._stubgen import STUB_PATH, _format, render
from aiocontainers.sync._wrap import public_methods, public_properties


def _stub_classes() -> dict[str, ast.ClassDef]:
    tree = ast.parse(STUB_PATH.read_text())
    return {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}


STUB = _stub_classes()


def test_the_stub_is_fresh() -> None:
    """Regenerating from the async API gives the checked-in stub (run the generator if not)."""
    assert STUB_PATH.read_text() == _format(render()), (
        "aiocontainers/sync/_classes.pyi is stale: python -m aiocontainers.sync._stubgen"
    )


def test_every_async_class_has_a_typed_twin() -> None:
    assert sorted(STUB) == sorted(cls.__name__ for cls in _classes.async_classes())


@pytest.mark.parametrize("cls", _classes.async_classes(), ids=lambda cls: cls.__name__)
def test_the_stub_lists_what_the_proxy_has(cls: type) -> None:
    """Each public method and property of the runtime proxy is declared, nothing more."""
    declared = {
        node.name
        for node in STUB[cls.__name__].body
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
    }
    proxy = getattr(_classes, cls.__name__)
    runtime = set(public_methods(cls)) | set(public_properties(cls))
    if hasattr(cls, "__anext__") or hasattr(cls, "__aiter__"):
        runtime -= {"close", "aclose"}  # StreamProxy's own, typed there
    assert declared == runtime
    for name in declared:
        assert callable(getattr(proxy, name)) or isinstance(
            inspect.getattr_static(proxy, name), property
        ), name


def test_async_results_become_blocking_types() -> None:
    """Spot checks of the rewriting: awaits dropped, streams blocking, twins named."""
    text = STUB_PATH.read_text()
    assert "async def" not in text and "Awaitable" not in text
    assert "AsyncGenerator" not in text and "AsyncIterator[" not in text
    assert "def get(self, container_id: Name) -> Container: ..." in text
    assert "def export(self, chunk_size: int = ...) -> DockerStream[bytes]: ..." in text
    upgrade = "def upgrade(self, remote: str | None = ...) -> StreamProxy[dict[str, Any]]: ..."
    assert upgrade in text
    assert "containers: ContainerCollection" in text
