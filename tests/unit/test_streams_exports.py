"""The streams package exports exactly its documented names, each from one module."""

from __future__ import annotations

import importlib

import aiocontainers._streams as streams

MODULES = ["_adapters", "_frames", "_jsonstream", "_lines", "_logs"]


def test_package_exports_the_union_of_module_exports() -> None:
    names: list[str] = []
    for name in MODULES:
        module = importlib.import_module(f"aiocontainers._streams.{name}")
        assert all(hasattr(module, export) for export in module.__all__)
        names += module.__all__
    assert len(names) == len(set(names))
    assert sorted(streams.__all__) == sorted(names)
    assert all(getattr(streams, name) is not None for name in streams.__all__)
