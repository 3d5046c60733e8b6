"""Differential cases: the low-level ``APIClient`` taking what docker-py's takes (positional
arguments in its order, 0/1 flags, dict volumes, ``None`` environment values, several
import changes...), and a stream closed from another thread ending its iteration.
"""

from __future__ import annotations

import functools
import io
import json
import os
import tempfile
import threading
from types import ModuleType
from typing import Any

from .cases_containers import exited, tar_of
from .harness import Env, attempts, same


def _stop_after_first(stream: Any) -> tuple[list[Any], str]:
    """Iterate ``stream`` in a thread; another thread closes it after the first item.
    What the iterating thread saw, and how its iteration ended."""
    seen: list[Any] = []
    ended: list[str] = []
    first = threading.Event()

    def iterate() -> None:
        try:
            for item in stream:
                seen.append(item)
                first.set()
            ended.append("ended")
        except Exception as exc:  # the outcome compared: docker-py's iteration just ends
            ended.append(type(exc).__name__)
        first.set()

    thread = threading.Thread(target=iterate)
    thread.start()
    first.wait(30)
    stream.close()
    thread.join(30)
    return seen[:1], ended[0] if ended else "still iterating"


@same("APIClient.create_container", "APIClient.inspect_container")
def api_create_takes_volume_dicts_and_bare_variables(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    created = api.create_container(
        env.image,
        "true",
        volumes={"/data": {}},
        environment={"FLAG": None, "A": "1"},
        labels=env.labels,
    )
    env.defer(lambda: api.remove_container(created, v=True))
    config = api.inspect_container(created)["Config"]
    listed = api.create_container(env.image, "true", volumes=["/a", "/b"], labels=env.labels)
    env.defer(lambda: api.remove_container(listed, v=True))
    return (
        config["Volumes"],
        [item for item in config["Env"] if not item.startswith("PATH=")],
        api.inspect_container(listed)["Config"]["Volumes"],
    )


@same("APIClient.logs")
def api_logs_positional(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    container = exited(docker, env, ["sh", "-c", "echo out; echo err >&2"])
    return (
        api.logs(container.id, True, False),
        api.logs(container.id, False, True),
        api.logs(
            exited(docker, env, ["sh", "-c", "echo a; echo b"]).id, True, True, False, False, 1
        ),
    )


@same("APIClient.stats", "APIClient.attach", "APIClient.containers")
def api_flags_take_0_and_1(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    container = env.sleeper()
    sample = api.stats(container.id, stream=0)
    rows = api.containers(all=1, filters={"label": f"aiocontainers.diff={env.token}"})
    return sorted(sample), [row["Id"] == container.id for row in rows]


@same("APIClient.containers")
def api_containers_trunc_and_size(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    container = env.sleeper()
    mine = {"label": f"aiocontainers.diff={env.token}"}
    truncated = api.containers(trunc=True, filters=mine)
    sized = api.containers(size=True, filters=mine)
    quiet = api.containers(quiet=True, trunc=True, filters=mine)
    return (
        [row["Id"] == container.id[:12] for row in truncated],
        [isinstance(row.get("SizeRw"), int) for row in sized],
        [row["Id"] == container.id for row in quiet],
    )


@same("APIClient.exec_create", "APIClient.exec_start")
def api_exec_detached_and_detach_keys(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    container = env.sleeper()
    detached = api.exec_start(api.exec_create(container.id, "true"), detach=True)
    keys = api.exec_create(container.id, "true", detach_keys="ctrl-x")
    return detached, api.exec_inspect(keys)["ProcessConfig"]["entrypoint"]


@same("APIClient.import_image_from_data", "APIClient.inspect_image")
def api_import_several_changes(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    repository = f"diff-changes-{env.token}"
    env.defer(lambda: api.remove_image(f"{repository}:v1", force=True))
    changes = ["ENV A=1", "ENV B=2", f"LABEL aiocontainers.diff={env.token}"]
    api.import_image_from_data(tar_of({"f": b"x"}), repository, "v1", changes=changes)
    config = api.inspect_image(f"{repository}:v1")["Config"]
    return config["Env"], config["Labels"]


@same("APIClient.connect_container_to_network", "APIClient.inspect_network")
def api_connect_mac_address_and_inspect_options(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    network = api.create_network(env.name("mac"), labels=env.labels)
    env.defer(lambda: api.remove_network(network["Id"]))
    container = api.create_container(env.image, "true", labels=env.labels)
    env.defer(lambda: api.remove_container(container, force=True))
    api.connect_container_to_network(container, network["Id"], mac_address="02:42:ac:11:00:02")
    attached = api.inspect_container(container)["NetworkSettings"]["Networks"][env.name("mac")]
    local = api.inspect_network(network["Id"], False, "local")
    return (
        attached["MacAddress"],
        local["Scope"],
        sorted(api.inspect_network(network["Id"], verbose=True)),
        attempts(lambda: api.inspect_network(network["Id"], scope="swarm")),
    )


@same("APIClient.create_network", raises="TypeError")
def api_create_network_labels_of_the_wrong_type(docker: ModuleType, env: Env) -> Any:
    return env.client.api.create_network(env.name("badlabels"), labels=["x"])


@same("APIClient.update_swarm", "APIClient.get_unlock_key", swarm=True)
def api_update_swarm_without_spec(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    before = api.inspect_swarm()
    rotated = api.update_swarm(before["Version"]["Index"], rotate_manager_unlock_key=True)
    after = api.inspect_swarm()
    api.update_swarm(after["Version"]["Index"], swarm_spec=before["Spec"])  # restore
    return rotated, after["JoinTokens"] == before["JoinTokens"]


@same("APIClient.logs", "APIClient.attach", "APIClient.events")
def api_streams_closed_from_another_thread(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    container = env.sleeper(["sh", "-c", "echo hi; sleep 60"])
    logs = _stop_after_first(api.logs(container.id, stream=True, follow=True))
    attached = env.sleeper(["sh", "-c", "while true; do echo tick; sleep 0.2; done"])
    attach = _stop_after_first(api.attach(attached.id, stream=True))
    events = api.events(decode=True, filters={"label": f"aiocontainers.diff={env.token}"})
    env.sleeper("true")
    closed_events = _stop_after_first(events)
    return logs, attach[1], closed_events[1]


@same("APIClient.build")
def api_build_dockerfile_outside_the_context(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    tag = f"diff-outside-{env.token}:v1"
    env.defer(lambda: api.remove_image(tag, force=True))
    with tempfile.TemporaryDirectory() as context, tempfile.TemporaryDirectory() as elsewhere:
        with open(os.path.join(context, "file.txt"), "w") as file:
            file.write("hello")
        with open(os.path.join(context, ".dockerignore"), "w") as file:
            file.write(".dockerignore\n")
        dockerfile = os.path.join(elsewhere, "Dockerfile")
        with open(dockerfile, "w") as file:
            file.write("FROM aiocontainers-test/busybox:latest\nCOPY . /src\n")
        for _ in api.build(
            path=context, dockerfile=dockerfile, tag=tag, rm=True, labels=env.labels
        ):
            pass
    listing = env.client.containers.run(tag, "ls -a /src", remove=True, labels=env.labels)
    return sorted(listing.split())


@same("APIClient.build")
def api_build_the_same_bytesio_twice(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    script = io.BytesIO(b"FROM aiocontainers-test/busybox:latest\nRUN touch /a\n")
    tags = [f"diff-twice-{env.token}:{n}" for n in (1, 2)]
    for tag in tags:
        env.defer(functools.partial(api.remove_image, tag, force=True))
        for _ in api.build(fileobj=script, tag=tag, rm=True, labels=env.labels):
            pass
    return [api.inspect_image(tag)["Id"] == api.inspect_image(tags[0])["Id"] for tag in tags]


@same("APIClient.build", raises="DockerException")
def api_build_gzip_with_an_encoding(docker: ModuleType, env: Env) -> Any:
    return env.client.api.build(path=".", gzip=True, encoding="text/html")


@same("APIClient.put_archive")
def api_put_archive_of_utils_tar(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    container = api.create_container(env.image, "ls -p /dest", labels=env.labels)
    env.defer(lambda: api.remove_container(container, force=True))
    with tempfile.TemporaryDirectory() as tree:
        os.makedirs(os.path.join(tree, "sub"))
        for name in ("a.txt", "sub/b.txt"):
            with open(os.path.join(tree, name), "w") as file:
                file.write(name)
        with docker.utils.tar(tree) as archive:
            api.put_archive(container, "/", tar_of({"dest/.keep": b""}))
            api.put_archive(container, "/dest", archive)
    api.start(container)
    api.wait(container)
    return sorted(api.logs(container).split())


@same("APIClient.exec_create", "APIClient.create_container")
def api_config_proxies_join_containers_not_execs(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper()
    with tempfile.TemporaryDirectory() as config:
        with open(os.path.join(config, "config.json"), "w") as file:
            json.dump({"proxies": {"default": {"ftpProxy": "ftp://proxy:21"}}}, file)
        before = os.environ.get("DOCKER_CONFIG")
        os.environ["DOCKER_CONFIG"] = config
        api = docker.APIClient(**docker.utils.kwargs_from_env())
        try:
            output = api.exec_start(api.exec_create(container.id, "env", environment={"A": "1"}))
            created = api.create_container(env.image, "true", labels=env.labels)
            env.defer(lambda: env.client.api.remove_container(created, force=True))
            settings = api.inspect_container(created)["Config"]["Env"]
        finally:
            api.close()
            if before is None:
                del os.environ["DOCKER_CONFIG"]
            else:
                os.environ["DOCKER_CONFIG"] = before
    return (
        sorted(line for line in output.split() if b"proxy" in line.lower() or line == b"A=1"),
        sorted(item for item in settings if "proxy" in item.lower()),
    )
