"""``import aiocontainers`` stays light: heavy parts load on first use, never eagerly."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import aiocontainers

# Modules a bare ``import aiocontainers`` must not load: the parts a caller may never use
# (sync shim, compose and YAML, CLI, jobs, testing, contrib, swarm specs, build context)
# and the heavy dependencies (aiohttp, pydantic, structlog and the rich it pulls in).
HEAVY = [
    "aiocontainers.sync",
    "aiocontainers._compose",
    "aiocontainers._stacks",
    "aiocontainers._cli",
    "aiocontainers.jobs",
    "aiocontainers.testing",
    "aiocontainers.contrib",
    "aiocontainers._specs",
    "aiocontainers._build_context",
    "aiocontainers._client",
    "yaml",
    "rich",
    "aiohttp",
    "pydantic",
    "structlog",
]


def _loaded_by(statement: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running ``statement``."""
    code = f"import sys, json; {statement}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return set(json.loads(out))


def test_bare_import_loads_no_heavy_module() -> None:
    loaded = _loaded_by("import aiocontainers")
    eager = [m for m in HEAVY if m in loaded]
    assert not eager, f"import aiocontainers loads {eager}"


def test_client_import_loads_only_the_client_module() -> None:
    """``from aiocontainers import DockerClient`` loads the class, not what it uses later:
    no transport (aiohttp), no pydantic (loaded by the first checked call), no resources."""
    loaded = _loaded_by("from aiocontainers import DockerClient")
    assert "aiocontainers._client" in loaded
    eager = [m for m in HEAVY if m in loaded and m != "aiocontainers._client"]
    eager += [m for m in ("aiocontainers._transport", "aiocontainers._resources") if m in loaded]
    assert not eager, f"the client module loads {eager}"


# What a client that runs containers and images never needs: swarm specs, stacks and
# compose load with their managers, the build context with a build, structlog (and rich)
# only when the application uses structlog itself.
UNUSED_BY_CONTAINERS = [
    m for m in HEAVY if m not in ("aiocontainers._client", "aiohttp", "pydantic")
] + ["aiocontainers._api", "aiocontainers._resources.services", "aiocontainers._resources.swarm"]


def test_client_with_containers_and_images_loads_no_collection_it_does_not_use() -> None:
    loaded = _loaded_by(
        "from aiocontainers import DockerClient; "
        "client = DockerClient(base_url='unix:///nonexistent.sock', timeout=5); "
        "client.containers; client.images"
    )
    assert {"aiocontainers._resources.containers", "aiocontainers._resources.images"} <= loaded
    eager = [m for m in UNUSED_BY_CONTAINERS if m in loaded]
    assert not eager, f"a client using containers and images loads {eager}"


def test_other_managers_load_on_first_access() -> None:
    loaded = _loaded_by(
        "from aiocontainers import DockerClient; "
        "client = DockerClient(base_url='unix:///nonexistent.sock'); "
        "assert client.stacks is client.stacks; client.services; client.api"
    )
    assert {"aiocontainers._stacks", "aiocontainers._specs", "aiocontainers._api"} <= loaded


def test_log_events_do_not_import_structlog() -> None:
    """The library logs through the stdlib unless the application imported (and so could
    have configured) structlog."""
    loaded = _loaded_by(
        "import logging; logging.basicConfig(level=logging.DEBUG); "
        "from aiocontainers._logging import log_event; log_event('ping', status=200)"
    )
    assert "structlog" not in loaded


def test_fresh_dir_lists_and_resolves_every_exported_name() -> None:
    """In a fresh interpreter (nothing loaded yet) ``dir()`` and attribute access agree."""
    code = (
        "import aiocontainers as a, json; names = dir(a); "
        "unresolved = [n for n in [*a.__all__, '__version__'] if getattr(a, n) is None]; "
        "print(json.dumps([names, unresolved]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    listed, unresolved = json.loads(out)
    assert set(aiocontainers.__all__) | {"__version__"} <= set(listed)
    assert unresolved == []


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'DockerClientt'"):
        aiocontainers.DockerClientt  # noqa: B018


def test_lazy_name_is_the_defining_module_object() -> None:
    from aiocontainers._resources.containers import Container

    assert aiocontainers.Container is Container
    assert "Container" in vars(aiocontainers)  # cached after first access
