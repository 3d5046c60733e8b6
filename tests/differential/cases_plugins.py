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

#: A volume driver plugin's ``config.json`` whose entrypoint exits at once.
PLUGIN_CONFIG = {
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
    (root / "config.json").write_text(json.dumps(PLUGIN_CONFIG))
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


# -- the low-level API (``client.api``) ------------------------------------------------------

#: The ``APIClient`` methods the cases below cover (``cases_api`` excuses the rest).
COVERED_API = {
    "plugins", "inspect_plugin", "create_plugin", "configure_plugin", "remove_plugin",
    "enable_plugin", "disable_plugin", "plugin_privileges", "pull_plugin", "upgrade_plugin",
    "push_plugin",
}  # fmt: skip


@same(
    "APIClient.create_plugin",
    "APIClient.plugins",
    "APIClient.inspect_plugin",
    "APIClient.configure_plugin",
    "APIClient.remove_plugin",
)
def api_plugin_lifecycle(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    name = f"diff-plugin-{env.token}:latest"
    data_dir = plugin_dir(env)
    # This daemon reads the upload as a plain tar: gzip=True fails the same on both (and
    # the connection it leaves with unsent bytes must not leak).
    gzipped = attempts(lambda: api.create_plugin(f"diff-gz-{env.token}", data_dir, gzip=True))
    created = api.create_plugin(name, data_dir)
    env.defer(lambda: api.remove_plugin(name, force=True))
    rows = [row for row in api.plugins() if row["Name"] == name]
    info = api.inspect_plugin(name)
    configured = (api.configure_plugin(name, {"DEBUG": "1"}), api.configure_plugin(info, []))
    settings = api.inspect_plugin(info["Id"])["Settings"]["Env"]
    removed = api.remove_plugin(name)
    missing = attempts(
        lambda: api.inspect_plugin(name),
        lambda: api.remove_plugin(name),
        lambda: api.remove_plugin(None),
        lambda: api.configure_plugin(f"diff-none-{env.token}", ["DEBUG=1"]),
    )
    return (
        gzipped,
        created,
        [sorted(row) for row in rows],
        sorted(info),
        configured,
        settings,
        removed,
        missing,
    )


@same("APIClient.enable_plugin", "APIClient.disable_plugin")
def api_plugin_enable_and_disable(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    name = plugin(env).name
    outcomes = attempts(
        lambda: api.disable_plugin(name),
        lambda: api.enable_plugin(name, timeout=1),
        lambda: api.disable_plugin(name, force=True),
        lambda: api.enable_plugin(f"diff-none-{env.token}"),
    )
    return outcomes, api.inspect_plugin(name)["Enabled"]


@same("APIClient.plugin_privileges", "APIClient.pull_plugin", "APIClient.upgrade_plugin")
def api_plugin_pull_and_upgrade(docker: ModuleType, env: Env) -> Any:
    remote = pushed_plugin(env)
    api = env.client.api
    local = f"diff-installed-{env.token}:latest"
    privileges = api.plugin_privileges(remote)
    pulled = list(api.pull_plugin(remote, privileges, name=local))
    env.defer(lambda: api.remove_plugin(local, force=True))
    upgraded = list(api.upgrade_plugin(local, remote, privileges))
    info = api.inspect_plugin(local)
    failures = attempts(
        lambda: list(api.upgrade_plugin(f"diff-none-{env.token}", remote, privileges)),
        lambda: list(api.pull_plugin(f"{env.registry}/diff-none-{env.token}", [])),
    )
    return (
        privileges,
        pulled[-1:],
        upgraded[-1:],
        all(isinstance(message, dict) for message in pulled + upgraded),
        info["Name"],
        info["PluginReference"] == remote,
        info["Enabled"],
        failures,
    )


@differs(
    "APIClient.push_plugin",
    reason="push_plugin() pushes (a stream of progress dicts); docker-py 7's posts to the "
    "plugin pull endpoint and gets NotFound",
    adjust=lambda theirs: typed("str", "pushed") if _not_found(theirs) else theirs,
    raises="NotFound",
)
def api_plugin_push(docker: ModuleType, env: Env) -> Any:
    client = throwaway_client(env)
    name = f"{env.registry}/diff-plugin-{env.token}:latest"
    plugin(env, name, client)
    messages = list(client.api.push_plugin(name))
    assert any("aux" in message for message in messages), messages
    return "pushed"
