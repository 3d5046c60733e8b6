"""Differential cases: the client, the top-level names and the system calls."""

from __future__ import annotations

import contextlib
import importlib
import os
import tempfile
import time
import warnings
from collections.abc import Iterator
from types import ModuleType
from typing import Any

from .harness import Env, attempts, differs, same, typed

_MANAGERS = (
    "containers",
    "images",
    "networks",
    "volumes",
    "swarm",
    "services",
    "nodes",
    "secrets",
    "configs",
    "plugins",
)


@same(
    "docker.from_env",
    "DockerClient.from_env",
    "DockerClient.close",
    "DockerClient.ping",
    "docker.DockerClient",
)
def construct_and_close(docker: ModuleType, env: Env) -> Any:
    first = docker.from_env()
    second = docker.DockerClient.from_env()
    third = docker.DockerClient(base_url=os.environ["DOCKER_HOST"])
    results = [client.ping() for client in (first, second, third)]
    for client in (first, second, third):
        client.close()
    return type(first).__name__, type(second).__name__, results


@same("docker.from_env", "DockerClient.from_env", "docker.DockerClient")
def construct_with_docker_py_options(docker: ModuleType, env: Env) -> Any:
    clients = [
        docker.from_env(version=None, timeout=30, max_pool_size=4, use_ssh_client=False),
        docker.DockerClient(
            base_url=os.environ["DOCKER_HOST"],
            version=None,
            timeout=30,
            credstore_env={},
            num_pools=2,
        ),
    ]
    try:
        return [client.ping() for client in clients]
    finally:
        for client in clients:
            client.close()


@differs(
    "DockerClient.close",
    reason="a call after close() raises PortalClosed (a DockerException) with a clear message; "
    "docker-py silently reconnects",
    adjust=lambda theirs: _closed(theirs),
)
def call_after_close(docker: ModuleType, env: Env) -> Any:
    client = docker.from_env()
    client.close()
    return client.ping()


def _closed(theirs: Any) -> Any:
    from aiocontainers.sync import PortalClosed

    from .harness import Raised

    if theirs == typed("bool", True):
        return Raised(PortalClosed("closed"))
    return theirs


@contextlib.contextmanager
def config_dir() -> Iterator[str]:
    """A fresh Docker CLI config directory as ``DOCKER_CONFIG`` for the block."""
    previous = os.environ.get("DOCKER_CONFIG")
    with tempfile.TemporaryDirectory(prefix="diff-config-") as directory:
        # docker-py cannot select a context without a config.json to write into
        with open(os.path.join(directory, "config.json"), "w") as file:
            file.write("{}")
        os.environ["DOCKER_CONFIG"] = directory
        try:
            yield directory
        finally:
            if previous is None:
                del os.environ["DOCKER_CONFIG"]
            else:
                os.environ["DOCKER_CONFIG"] = previous


@same("docker.from_context", "DockerClient.from_context")
def from_context_named(docker: ModuleType, env: Env) -> Any:
    # A context of this engine (never "default": that is the machine's shared socket).
    with config_dir():
        docker.ContextAPI.create_context("diff", host=os.environ["DOCKER_HOST"])
        clients = [docker.from_context("diff"), docker.DockerClient.from_context("diff")]
        try:
            return [(type(c).__name__, c.ping()) for c in clients]
        finally:
            for client in clients:
                client.close()


@differs(
    "docker.from_context",
    reason="from_context(unknown) raises ContextNotFound; docker-py silently connects to the "
    "default socket instead",
    adjust=lambda theirs: _context_not_found(theirs),
)
def from_context_missing(docker: ModuleType, env: Env) -> Any:
    with config_dir():
        client = docker.from_context(env.name("no-such-context"))
        client.close()
        return type(client).__name__


def _context_not_found(theirs: Any) -> Any:
    from aiocontainers.errors import ContextNotFound

    from .harness import Raised

    if theirs == typed("str", "DockerClient"):
        return Raised(ContextNotFound("x"))
    return theirs


@same(*(f"DockerClient.{name}" for name in _MANAGERS))
def managers(docker: ModuleType, env: Env) -> Any:
    return [type(getattr(env.client, name)).__name__ for name in _MANAGERS]


@same("DockerClient.version", "DockerClient.info", "DockerClient.df")
def system_calls(docker: ModuleType, env: Env) -> Any:
    version = env.client.version()
    unversioned = env.client.version(api_version=False)
    info = env.client.info()
    df = env.client.df()
    return (
        sorted(version),
        sorted(unversioned) == sorted(version),
        version["ApiVersion"],
        {key: type(info[key]).__name__ for key in ("Containers", "Swarm", "ServerVersion")},
        sorted(df),
    )


@same("DockerClient.events")
def events_decoded(docker: ModuleType, env: Env) -> Any:
    since = time.time()
    container = env.sleeper("true")
    container.wait()
    container.remove()
    until = time.time() + 1
    events = env.client.events(
        since=since, until=until, decode=True, filters={"label": f"aiocontainers.diff={env.token}"}
    )
    return [(e["Type"], e["Action"]) for e in events if e["Action"] != "exec_die"]


@same("DockerClient.events")
def events_raw(docker: ModuleType, env: Env) -> Any:
    since = time.time()
    env.sleeper("true").wait()
    events = env.client.events(
        since=since,
        until=time.time() + 1,
        filters={"label": f"aiocontainers.diff={env.token}", "event": "die"},
    )
    return [type(event).__name__ for event in events]


@same("DockerClient.events")
def events_close(docker: ModuleType, env: Env) -> Any:
    stream = env.client.events(decode=True, filters={"label": f"aiocontainers.diff={env.token}"})
    env.sleeper("true")
    first = next(stream)
    stream.close()
    return first["Action"]


@same("DockerClient.login")
def login_local_registry(docker: ModuleType, env: Env) -> Any:
    return env.client.login("diff", "secret", registry=f"http://{env.registry}")


@same("DockerClient.login")
def login_docker_py_options(docker: ModuleType, env: Env) -> Any:
    return env.client.login(
        "diff", "secret", registry=f"http://{env.registry}", reauth=True, dockercfg_path=None
    )


# -- top-level names -----------------------------------------------------------------------


@same("docker.version", "docker.__version__", engine=False)
def version_strings(docker: ModuleType, env: Env) -> Any:
    return type(docker.__version__).__name__, docker.version.__version__ == docker.__version__


@same("docker.errors", "docker.types", "docker.models", engine=False)
def submodules_import(docker: ModuleType, env: Env) -> Any:
    import importlib

    name = docker.__name__
    found = []
    paths = ["errors", "types", "context", "tls", "models", "models.resource"]
    paths += [f"models.{name}" for name in ("containers", "images", "networks", "volumes")]
    paths += [f"models.{name}" for name in ("plugins", "services", "nodes", "secrets")]
    paths += ["models.configs", "models.swarm"]
    for path in paths:
        module = importlib.import_module(f"{name}.{path}")
        found.append(path)
        del module
    containers = importlib.import_module(f"{name}.models.containers")
    resource = importlib.import_module(f"{name}.models.resource")
    images = importlib.import_module(f"{name}.models.images")
    return (
        found,
        containers.Container.__name__,
        containers.ExecResult.__name__,
        issubclass(containers.Container, resource.Model),
        issubclass(containers.ContainerCollection, resource.Collection),
        images.RegistryData.__name__,
    )


def _quietly(fn: Any) -> Any:
    """``fn()`` with ResourceWarnings ignored (docker-py's contexts() leaves files open)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        return fn()


@same("docker.Context", "docker.ContextAPI", engine=False)
def context_api(docker: ModuleType, env: Env) -> Any:
    api = docker.ContextAPI
    with config_dir():
        default = api.get_context("default")
        created = api.create_context("diff", host="tcp://127.0.0.1:2375", default_namespace="ns")
        loaded = api.get_context("diff")
        api.set_current_context("diff")
        current = api.get_current_context()
        inspected = api.inspect_context("diff")
        listed = [c.Name for c in _quietly(api.contexts)]
        built = docker.Context("mem", host="unix:///run/other.sock")
        outcomes = [
            (type(default).__name__, default.Name, default.Host, default.Orchestrator),
            (created.Name, created.Host, loaded.Host, loaded.Metadata),
            current.Name,
            sorted(inspected),
            listed,
            (built.Host, built.Metadata, built.is_docker_host(), built.TLSConfig),
            api.get_context(env.name("none")),
        ]
        outcomes += attempts(
            lambda: api.create_context("diff"),
            lambda: api.create_context("default"),
            lambda: api.create_context(""),
            lambda: api.remove_context("default"),
            lambda: api.inspect_context(env.name("none")),
            lambda: api.set_current_context(env.name("none")),
        )
        api.remove_context("diff")
        outcomes.append([c.Name for c in _quietly(api.contexts)])
        outcomes.append(api.get_current_context().Name)
        return outcomes


@same("docker.TLSConfig", engine=False)
def tls_config(docker: ModuleType, env: Env) -> Any:
    config = docker.TLSConfig(verify=False)
    return type(config).__name__, config.verify


@same("docker.DockerClient", "docker.from_env", engine=False)
def client_module_path(docker: ModuleType, env: Env) -> Any:
    """``docker.client``, where docker-py defines its client (some code imports it there)."""
    module = importlib.import_module(f"{docker.__name__}.client")
    return module.DockerClient is docker.DockerClient, module.from_env is docker.from_env
