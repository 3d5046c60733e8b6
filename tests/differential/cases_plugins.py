"""Differential cases: plugins (``client.plugins``, ``Plugin``), made and moved offline.

A plugin here is the test image's file system plus a ``config.json`` (a volume
driver whose entrypoint exits at once), created with ``plugins.create()``; it
can be inspected, configured, pushed to the local registry and installed back
from it. Pushes run on a throwaway daemon (:mod:`.sacrifice`: dockerd 20.10's plugin push
can crash the daemon). It can never be enabled (nothing in busybox serves the plugin socket),
which the daemon reports after its activation timeout, the same for both.
"""

from __future__ import annotations

import io
import json
import shutil
import tarfile
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

import docker as docker_py

from .harness import Env, Raised, attempts, differs, same, typed
from .sacrifice import sacrificial_url

_CONFIG = {
    "description": "aiocontainers differential test plugin",
    "documentation": "https://example.invalid/",
    "entrypoint": ["/bin/false"],
    "interface": {"socket": "p.sock", "types": ["docker.volumedriver/1.0"]},
    "network": {"type": "host"},
    "env": [{"name": "DEBUG", "description": "", "settable": ["value"], "value": "0"}],
}


def plugin_dir(env: Env) -> str:
    """A plugin data directory (``config.json`` and ``rootfs/``), removed at the end."""
    root = Path(tempfile.mkdtemp(prefix="diff-plugin-"))
    env.defer(lambda: shutil.rmtree(root, ignore_errors=True))
    (root / "config.json").write_text(json.dumps(_CONFIG))
    raw = docker_py.from_env()
    try:
        container = raw.containers.create(env.image, "true", labels=env.labels)
        try:
            data = b"".join(container.export())
        finally:
            container.remove()
    finally:
        raw.close()
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(root / "rootfs", filter="tar")
    return str(root)


def plugin(env: Env, name: str | None = None, client: Any = None) -> Any:
    """A plugin created with ``client`` (``env.client`` by default), removed at the end."""
    client = client or env.client
    name = name or f"diff-plugin-{env.token}:latest"
    created = client.plugins.create(name, plugin_dir(env))
    env.defer(lambda: client.plugins.get(name).remove(force=True))
    return created


def throwaway_client(env: Env) -> Any:
    """``env.docker``'s client of the throwaway daemon that plugin pushes run on."""
    client = env.docker.DockerClient(base_url=sacrificial_url())
    env.defer(client.close)
    return client


def pushed_plugin(env: Env) -> str:
    """A plugin in the local registry (pushed with docker-py's raw session), by name."""
    name = f"{env.registry}/diff-plugin-{env.token}:latest"
    client = docker_py.DockerClient(base_url=sacrificial_url())
    env.defer(client.close)
    plugin(env, name, client)
    response = client.api.post(client.api._url("/plugins/{0}/push", name), stream=True)
    response.raise_for_status()
    response.content  # noqa: B018 - read the progress to the end
    return name


@same(
    "PluginCollection.create",
    "PluginCollection.get",
    "PluginCollection.list",
    "Plugin.name",
    "Plugin.id",
    "Plugin.short_id",
    "Plugin.attrs",
    "Plugin.enabled",
    "Plugin.settings",
    "Plugin.client",
    "Plugin.collection",
    "Plugin.configure",
    "Plugin.reload",
    "Plugin.remove",
)
def plugin_lifecycle(docker: ModuleType, env: Env) -> Any:
    created = plugin(env)
    got = env.client.plugins.get(created.name)
    listed = [p.name for p in env.client.plugins.list() if p.name == created.name]
    configured = got.configure({"DEBUG": "1"})
    got.reload()
    result = (
        type(created).__name__,
        created.name,
        got.id == created.id,
        got.short_id == got.id[:12],
        sorted(got.attrs),
        got.enabled,
        got.settings["Env"],
        listed,
        configured,
        type(got.client).__name__,
        type(got.collection).__name__,
    )
    removed = got.remove()
    try:
        env.client.plugins.get(created.name)
    except Exception as exc:
        return result, removed, exc
    return result, removed, None


@same("PluginCollection.get", raises="NotFound")
def plugin_missing(docker: ModuleType, env: Env) -> Any:
    return env.client.plugins.get(f"diff-none-{env.token}")


@same("Plugin.enable", "Plugin.disable")
def plugin_enable_and_disable(docker: ModuleType, env: Env) -> Any:
    created = plugin(env)
    outcomes = attempts(created.disable, lambda: created.enable(timeout=1))
    created.reload()
    return outcomes, created.enabled


@same("PluginCollection.install", "Plugin.upgrade")
def plugin_install_and_upgrade(docker: ModuleType, env: Env) -> Any:
    remote = pushed_plugin(env)
    local = f"diff-installed-{env.token}:latest"
    installed = env.client.plugins.install(remote, local_name=local)
    env.defer(lambda: env.client.plugins.get(local).remove(force=True))
    progress = list(installed.upgrade(remote))
    installed.reload()
    return (
        type(installed).__name__,
        installed.name,
        installed.enabled,
        all(isinstance(item, dict) for item in progress),
        installed.attrs["PluginReference"] == remote,
    )


@differs(
    "Plugin.push",
    reason="push() pushes; docker-py 7's posts to the plugin pull endpoint and gets NotFound",
    adjust=lambda theirs: typed("str", "pushed") if _not_found(theirs) else theirs,
    raises="NotFound",
)
def plugin_push(docker: ModuleType, env: Env) -> Any:
    name = f"{env.registry}/diff-plugin-{env.token}:latest"
    created = plugin(env, name, throwaway_client(env))
    messages = created.push()
    assert any("aux" in message for message in messages), messages
    return "pushed"


def _not_found(outcome: Any) -> bool:
    return isinstance(outcome, Raised) and type(outcome.error).__name__ == "NotFound"
