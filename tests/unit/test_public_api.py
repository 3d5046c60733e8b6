"""The curated public surface: what each public module exports, and that it stays whole."""

from __future__ import annotations

import importlib
import inspect
from types import ModuleType

import pytest

import aiocontainers
from aiocontainers import errors, sync

PUBLIC_MODULES = [
    "aiocontainers",
    "aiocontainers.errors",
    "aiocontainers.types",
    "aiocontainers.wait",
    "aiocontainers.sync",
    "aiocontainers.sync.types",
    "aiocontainers.sync.models",
    "aiocontainers.context",
    "aiocontainers.tls",
    "aiocontainers.testing",
    "aiocontainers.compose",
    "aiocontainers.jobs",
    "aiocontainers.inspection",
]


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_names_resolve(name: str) -> None:
    module = importlib.import_module(name)
    exported = list(module.__all__)
    assert len(exported) == len(set(exported)), "duplicate names in __all__"
    missing = [item for item in exported if not hasattr(module, item)]
    assert not missing, f"{name}.__all__ names what it lacks: {missing}"


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_no_private_module_leaks_through_all(name: str) -> None:
    module = importlib.import_module(name)
    assert not [item for item in module.__all__ if item.startswith("_")]


def _exceptions(module: ModuleType) -> set[str]:
    return {
        name
        for name, value in vars(module).items()
        if inspect.isclass(value) and issubclass(value, BaseException)
        if value.__module__ == module.__name__
    }


# What errors exports besides exception classes: docker-py's helper and its response type.
ERRORS_HELPERS = {"ErrorResponse", "create_api_error_from_http_exception"}
# Exported by aiocontainers.errors only (docker-py's rarer names and our narrow ones).
ERRORS_ONLY = {"ImageLoadError", "ServerError", "UnsafeArchiveError", "StreamParseError"}
ERRORS_ONLY |= {"InvalidRepository", "InvalidVersion", "InvalidConfigFile", "NullResource"}
ERRORS_ONLY |= {"TLSParameterError", "MissingContextParameter", "DeprecatedMethod"}
ERRORS_ONLY |= {"ContextException", "ContextNotFound", "ContextAlreadyExists"}
ERRORS_ONLY |= {"InvalidArgumentType"}


def test_every_exception_is_a_docker_exception_and_exported() -> None:
    defined = _exceptions(errors)
    assert {"NotReady", "HealthCheckFailed", "UnsafeArchiveError"} <= defined
    assert defined == set(errors.__all__) - ERRORS_HELPERS
    for name in defined:
        assert issubclass(getattr(errors, name), errors.DockerException), name


# The job runner's errors live with it in aiocontainers.jobs (a topic namespace).
JOB_ERRORS = {"JobCancelled", "JobTimeout", "RunnerClosed"}


def test_top_level_reexports_the_errors_callers_catch_most() -> None:
    for name in set(errors.__all__) - ERRORS_ONLY - ERRORS_HELPERS - JOB_ERRORS:
        assert getattr(aiocontainers, name) is getattr(errors, name), name


def test_sync_mirrors_the_async_package() -> None:
    async_names = set(aiocontainers.__all__)
    assert async_names <= set(sync.__all__), async_names - set(sync.__all__)
    # docker-py's docker.version, docker.models, docker.client and docker.APIClient (async:
    # client.api); the shim's own closed-client error
    sync_only = {"PortalClosed", "version", "models", "client", "APIClient"}
    sync_only |= {"api", "constants", "utils"}  # docker-py's module paths
    assert set(sync.__all__) - async_names == sync_only


def test_sync_shares_errors_types_and_plain_data() -> None:
    # docker.errors: the very classes of aiocontainers.errors, re-exported
    assert sync.errors.__all__ == errors.__all__
    for name in errors.__all__:
        assert getattr(sync.errors, name) is getattr(errors, name), name
    # docker-py's dict types (nanoseconds), not the typed specs of aiocontainers.types
    assert sync.types is not aiocontainers.types
    assert set(sync.types.__all__) >= {"Mount", "Healthcheck", "HostConfig", "ContainerSpec"}
    for name in ("ExecResult", "LogRecord", "Event", "ProgressEvent", "NotReady"):
        assert getattr(sync, name) is getattr(aiocontainers, name), name


def test_jobs_exports_its_errors() -> None:
    import aiocontainers.jobs

    for name in JOB_ERRORS:
        assert getattr(aiocontainers.jobs, name) is getattr(errors, name), name
