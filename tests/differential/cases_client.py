"""Differential cases: the client, the top-level names and the system calls."""

from __future__ import annotations

import os
import time
from types import ModuleType
from typing import Any

from .harness import Env, differs, failing, same, typed

_MANAGERS = ("containers", "images", "networks", "volumes", "swarm", "services", "nodes")
_MANAGERS += ("secrets", "configs", "plugins")


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


@failing(
    "docker.from_env",
    "DockerClient.from_env",
    "docker.DockerClient",
    reason="from_env()/DockerClient() refuse docker-py's version=None, use_ssh_client=, "
    "credstore_env= (issue 11, item 8)",
)
def construct_with_docker_py_options(docker: ModuleType, env: Env) -> Any:
    clients = [
        docker.from_env(version=None, timeout=30, max_pool_size=4, use_ssh_client=False),
        docker.DockerClient(
            base_url=os.environ["DOCKER_HOST"], version=None, timeout=30, credstore_env={}
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


@failing(
    "docker.from_context",
    "DockerClient.from_context",
    reason="from_context() is missing (issue 11, item 8)",
)
def from_context_default(docker: ModuleType, env: Env) -> Any:
    clients = [docker.from_context("default"), docker.DockerClient.from_context("default")]
    try:
        return [type(c).__name__ for c in clients]
    finally:
        for client in clients:
            client.close()


@failing(
    "docker.from_context",
    reason="from_context() is missing (issue 11, item 8)",
)
def from_context_missing(docker: ModuleType, env: Env) -> Any:
    return docker.from_context(env.name("no-such-context"))


@same(*(f"DockerClient.{name}" for name in _MANAGERS[:-1]))
def managers(docker: ModuleType, env: Env) -> Any:
    return [type(getattr(env.client, name)).__name__ for name in _MANAGERS[:-1]]


@failing("DockerClient.plugins", reason="client.plugins is missing (issue 11, item 10)")
def plugins_manager(docker: ModuleType, env: Env) -> Any:
    return type(env.client.plugins).__name__


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


@failing(
    "DockerClient.events",
    reason="events() without decode yields typed Event objects; docker-py yields each event's "
    "JSON bytes, so json.loads(event) breaks (decode=False gives the bytes)",
)
def events_raw(docker: ModuleType, env: Env) -> Any:
    since = time.time()
    env.sleeper("true").wait()
    events = env.client.events(
        since=since,
        until=time.time() + 1,
        filters={"label": f"aiocontainers.diff={env.token}", "event": "die"},
    )
    return [type(event).__name__ for event in events]


@failing(
    "DockerClient.events",
    reason="the shim opens the event stream at the first next(), so events between events() "
    "and the first next() are missed; docker-py subscribes when events() returns",
)
def events_close(docker: ModuleType, env: Env) -> Any:
    stream = env.client.events(decode=True, filters={"label": f"aiocontainers.diff={env.token}"})
    env.sleeper("true")
    first = next(stream)
    stream.close()
    return first["Action"]


@same("DockerClient.login")
def login_local_registry(docker: ModuleType, env: Env) -> Any:
    return env.client.login("diff", "secret", registry=f"http://{env.registry}")


@failing(
    "DockerClient.login",
    reason="login(reauth=, dockercfg_path=) is not accepted (issue 11, item 9)",
)
def login_docker_py_options(docker: ModuleType, env: Env) -> Any:
    return env.client.login(
        "diff", "secret", registry=f"http://{env.registry}", reauth=True, dockercfg_path=None
    )


# -- top-level names -----------------------------------------------------------------------


@failing(
    "docker.version",
    "docker.__version__",
    reason="aiocontainers.sync has no version/__version__ (issue 11, item 10)",
)
def version_strings(docker: ModuleType, env: Env) -> Any:
    return type(docker.__version__).__name__, docker.version.__version__ == docker.__version__


@failing(
    "docker.errors",
    "docker.types",
    "docker.models",
    reason="docker.models.* import paths are missing (issue 11, item 10)",
)
def submodules_import(docker: ModuleType, env: Env) -> Any:
    import importlib

    name = docker.__name__
    found = []
    for path in ("errors", "types", "models", "models.containers", "models.images"):
        module = importlib.import_module(f"{name}.{path}")
        found.append(path)
        del module
    from_models = importlib.import_module(f"{name}.models.containers")
    return found, from_models.Container.__name__, from_models.ExecResult.__name__


@failing(
    "docker.Context",
    "docker.ContextAPI",
    reason="docker.context (Context, ContextAPI) is missing (issue 11, item 10)",
)
def context_api(docker: ModuleType, env: Env) -> Any:
    default = docker.ContextAPI.get_context("default")
    return (
        type(default).__name__ == docker.Context.__name__,
        default.Name,
        [c.Name for c in docker.ContextAPI.contexts()][:1],
        docker.ContextAPI.get_context(env.name("none")),
    )


@failing(
    "docker.TLSConfig",
    reason="docker.TLSConfig is missing (issue 11, item 8)",
)
def tls_config(docker: ModuleType, env: Env) -> Any:
    config = docker.TLSConfig(verify=False)
    return type(config).__name__, config.verify


@failing(
    "docker.APIClient",
    reason="the low-level APIClient is missing (issue 11, item 11)",
)
def api_client(docker: ModuleType, env: Env) -> Any:
    client = docker.APIClient(base_url=os.environ["DOCKER_HOST"])
    try:
        return client.ping(), type(env.client.api).__name__
    finally:
        client.close()
