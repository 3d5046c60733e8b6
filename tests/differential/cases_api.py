"""Differential cases: docker-py's low-level ``APIClient`` (``client.api``), method by method.

``cases_api_more`` has the images, volumes, networks and remaining container methods;
every ``APIClient`` method neither module covers is listed in ``NOT_COVERED`` (the
porting table shows them as not compared).
"""

from __future__ import annotations

import os
from types import ModuleType
from typing import Any

from .api import apiclient_api
from .cases_api_more import COVERED_HERE as COVERED_IN_MORE
from .cases_api_more import COVERED_SWARM
from .cases_containers import exited
from .cases_plugins import COVERED_API as COVERED_PLUGINS
from .harness import NOT_COVERED, Env, attempts, same


def _label_filter(env: Env) -> dict[str, str]:
    return {"label": f"aiocontainers.diff={env.token}"}


@same("docker.APIClient", "APIClient.ping", "APIClient.close")
def api_client(docker: ModuleType, env: Env) -> Any:
    client = docker.APIClient(base_url=os.environ["DOCKER_HOST"])
    try:
        return client.ping(), type(env.client.api).__name__
    finally:
        client.close()


@same("APIClient.version", "APIClient.info")
def api_version_and_info(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    return sorted(api.version())[:5], api.info()["ID"] == env.client.info()["ID"]


@same("APIClient.containers", "APIClient.inspect_container")
def api_list_and_inspect(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper()
    api = env.client.api
    rows = api.containers(filters=_label_filter(env))
    quiet = api.containers(quiet=True, all=True, filters=_label_filter(env))
    info = api.inspect_container(container.id)
    by_dict = api.inspect_container({"Id": container.id})
    return (
        [sorted(row) for row in rows],
        quiet == [{"Id": container.id}],
        sorted(info),
        info["Id"] == container.id == by_dict["Id"],
    )


@same(
    "APIClient.create_host_config",
    "APIClient.create_container",
    "APIClient.start",
    "APIClient.port",
    "APIClient.kill",
    "APIClient.wait",
    "APIClient.remove_container",
)
def api_create_run_remove(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    host = api.create_host_config(port_bindings={80: ("127.0.0.1", None)}, mem_limit="64m")
    created = api.create_container(
        env.image, "sleep 30", ports=[80], host_config=host, labels=env.labels
    )
    env.defer(lambda: api.remove_container(created["Id"], force=True))
    api.start(created)
    bindings = api.port(created["Id"], 80)
    api.kill(created)
    status = api.wait(created)
    info = api.inspect_container(created)
    api.remove_container(created, v=True)
    try:
        api.inspect_container(created)
    except docker.errors.NotFound as exc:
        gone = exc
    return (
        sorted(created),
        [sorted(binding) for binding in bindings],
        bindings[0]["HostIp"],
        status["StatusCode"],
        info["HostConfig"]["Memory"],
        info["Config"]["ExposedPorts"],
        gone,
    )


@same("APIClient.create_networking_config", "APIClient.create_endpoint_config")
def api_networking_config(docker: ModuleType, env: Env) -> Any:
    network = env.client.networks.create(env.name("net"), labels=env.labels)
    env.defer(network.remove)
    api = env.client.api
    config = api.create_networking_config(
        {network.name: api.create_endpoint_config(aliases=["db"])}
    )
    host = api.create_host_config(network_mode=network.name)
    created = api.create_container(
        env.image, "true", host_config=host, networking_config=config, labels=env.labels
    )
    env.defer(lambda: api.remove_container(created, force=True))
    networks = api.inspect_container(created)["NetworkSettings"]["Networks"]
    return sorted(networks), "db" in (networks[network.name]["Aliases"] or [])


@same(
    "APIClient.pause",
    "APIClient.unpause",
    "APIClient.rename",
    "APIClient.top",
    "APIClient.restart",
    "APIClient.stop",
    "APIClient.diff",
)
def api_container_operations(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper(["sh", "-c", "touch /tmp/x; sleep 60"])
    api = env.client.api
    api.pause(container.id)
    paused = api.inspect_container(container.id)["State"]["Status"]
    api.unpause(container.id)
    api.rename(container.id, env.name("renamed"))
    name = api.inspect_container(container.id)["Name"]
    titles = api.top(container.id)["Titles"]
    api.restart(container.id, timeout=0)
    api.stop(container.id, timeout=0)
    changes = sorted((entry["Path"], entry["Kind"]) for entry in api.diff(container.id))
    return paused, name, titles, api.inspect_container(container.id)["State"]["Status"], changes


@same("APIClient.logs")
def api_logs(docker: ModuleType, env: Env) -> Any:
    container = exited(docker, env, ["sh", "-c", "echo out; sleep 0.2; echo err >&2"])
    api = env.client.api
    return (
        api.logs(container.id),
        api.logs(container.id, stdout=False),
        b"".join(api.logs(container.id, stream=True, follow=False)),
    )


@same("APIClient.exec_create", "APIClient.exec_start", "APIClient.exec_inspect")
def api_exec(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper()
    api = env.client.api
    created = api.exec_create(container.id, "sh -c 'echo out; echo err >&2; exit 3'")
    output = api.exec_start(created)
    info = api.exec_inspect(created)
    demuxed = api.exec_start(api.exec_create(container.id, "echo hi"), demux=True)
    streamed = api.exec_start(api.exec_create(container.id, "echo a")["Id"], stream=True)
    return (
        sorted(created),
        sorted(output.splitlines()),
        info["ExitCode"],
        info["Running"],
        demuxed[0],
        b"".join(streamed),
    )


@same("APIClient.inspect_image", "APIClient.inspect_network", "APIClient.inspect_volume")
def api_inspect_others(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    volume = env.client.volumes.create(env.name("vol"), labels=env.labels)
    env.defer(volume.remove)
    image = api.inspect_image(env.image)
    network = api.inspect_network("bridge")
    return (
        sorted(image)[:6],
        image["RepoTags"],
        network["Name"],
        api.inspect_volume(volume.name)["Name"] == volume.name,
    )


@same("APIClient.networks")
def api_networks(docker: ModuleType, env: Env) -> Any:
    network = env.client.networks.create(env.name("net"), labels=env.labels)
    env.defer(network.remove)
    rows = env.client.api.networks(names=[network.name])
    return [row["Name"] for row in rows], sorted(rows[0])


@same("APIClient.inspect_container")
def api_missing_resources(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    return attempts(lambda: api.inspect_container("diff-no-such"), lambda: api.start(None))


_COVERED_HERE = {
    "ping", "close", "version", "info", "containers", "inspect_container",
    "create_host_config", "create_container", "start", "port", "kill", "wait",
    "remove_container", "create_networking_config", "create_endpoint_config", "pause",
    "unpause", "rename", "top", "restart", "stop", "diff", "logs", "exec_create",
    "exec_start", "exec_inspect", "inspect_image", "inspect_network", "inspect_volume",
    "networks", "base_url", "headers", "timeout",
}  # fmt: skip

for _name in apiclient_api():
    if (
        _name.removeprefix("APIClient.")
        not in _COVERED_HERE | COVERED_IN_MORE | COVERED_SWARM | COVERED_PLUGINS
    ):
        NOT_COVERED[_name] = "not in the low-level API yet (issue 11, item 11)"


@same("APIClient.headers", "APIClient.base_url", "APIClient.timeout")
def api_session_attributes(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    api.headers["X-Diff-Session"] = env.token
    before = api.timeout
    api.timeout = 300
    return (
        api.base_url,
        "User-Agent" in api.headers,
        api.headers["X-Diff-Session"],
        before == 60,  # docker-py's is the int it was given, ours seconds as a float
        api.timeout == 300,
        api.ping(),
    )


@same("types.EndpointConfig", "docker.version", engine=False)
def endpoint_config_given_the_package_version(docker: ModuleType, env: Env) -> Any:
    """Some libraries pass ``docker.version.__version__`` where an API version goes."""
    return dict(docker.types.EndpointConfig(docker.version.__version__, aliases=["a"]))
