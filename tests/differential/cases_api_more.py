"""Differential cases: docker-py's low-level ``APIClient`` beyond containers and exec:
images, build, pull/push, volumes, networks, archives, attach, stats, commit, prunes.
"""

from __future__ import annotations

import functools
import http.server
import io
import json
import os
import tempfile
import threading
import time
from types import ModuleType
from typing import Any

from .cases_containers import exited, tar_members, tar_of
from .cases_images import DOCKERFILE, pushed, tagged
from .cases_swarm import SWARM_ADDRESS, service, wait_for_task
from .harness import Env, attempts, same

# -- images --------------------------------------------------------------------------------


@same("APIClient.images")
def api_images(docker: ModuleType, env: Env) -> Any:
    repository = f"diff-apiimg-{env.token}"
    image = tagged(env, repository)
    api = env.client.api
    rows = api.images(repository)
    ids = api.images(name=repository, quiet=True)
    filtered = api.images(filters={"reference": f"{repository}:v1"}, all=True)
    return (
        [sorted(row) for row in rows],
        [row["RepoTags"] for row in rows],
        ids == [image.id],
        [row["Id"] == image.id for row in filtered],
    )


@same("APIClient.tag", "APIClient.history", "APIClient.remove_image")
def api_tag_history_remove(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    repository = f"diff-apitag-{env.token}"
    tagged_ok = api.tag(env.image, repository, "v1")
    env.defer(lambda: api.remove_image(f"{repository}:v1"))
    history = api.history(f"{repository}:v1")
    removed = api.remove_image(f"{repository}:v1")
    return (
        tagged_ok,
        [sorted(layer) for layer in history][:1],
        removed,
        api.images(repository),
    )


@same("APIClient.remove_image", "APIClient.history")
def api_image_errors(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    return attempts(
        lambda: api.remove_image(f"diff-none-{env.token}"),
        lambda: api.history(f"diff-none-{env.token}"),
        lambda: api.history(None),
    )


@same("APIClient.get_image", "APIClient.load_image")
def api_save_and_load(docker: ModuleType, env: Env) -> Any:
    repository = f"diff-apisave-{env.token}"
    tagged(env, repository)
    api = env.client.api
    chunks = list(api.get_image(f"{repository}:v1", chunk_size=4096))
    api.remove_image(f"{repository}:v1")
    messages = list(api.load_image(b"".join(chunks)))
    quiet = list(api.load_image(b"".join(chunks), quiet=True))
    return (
        all(isinstance(chunk, bytes) for chunk in chunks),
        len(chunks) > 1,
        messages,
        quiet,
        [tags for tags in (row["RepoTags"] for row in api.images(repository))],
    )


@same("APIClient.prune_images")
def api_prune_images(docker: ModuleType, env: Env) -> Any:
    result = env.client.api.prune_images(filters={"label": f"diff-none={env.token}"})
    return sorted(result), result["SpaceReclaimed"]


@same("APIClient.build")
def api_build(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    tag = f"diff-apibuild-{env.token}:v1"
    env.defer(lambda: api.remove_image(tag, force=True))
    chunks = list(api.build(fileobj=io.BytesIO(DOCKERFILE), tag=tag, rm=True, labels=env.labels))
    entries = [json.loads(chunk) for chunk in chunks]
    decoded = list(
        api.build(fileobj=io.BytesIO(DOCKERFILE), tag=tag, rm=True, decode=True, labels=env.labels)
    )
    return (
        all(isinstance(chunk, bytes) for chunk in chunks),
        any("aux" in entry for entry in entries),
        [entry["stream"] for entry in entries if "stream" in entry][:1],
        all(isinstance(entry, dict) for entry in decoded),
        api.inspect_image(tag)["Config"]["Labels"] == env.labels,
    )


@same("APIClient.push", "APIClient.pull")
def api_push_and_pull(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    repository = f"{env.registry}/diff-api-{env.token}"
    tagged(env, repository)
    pushed = api.push(repository, tag="v1")
    streamed = list(api.push(repository, tag="v1", stream=True))
    decoded = list(api.push(repository, tag="v1", stream=True, decode=True))
    api.remove_image(f"{repository}:v1")
    pulled = api.pull(repository, tag="v1")
    pulled_lines = list(api.pull(f"{repository}:v1", stream=True))
    pulled_dicts = list(api.pull(repository, tag="v1", stream=True, decode=True))
    return (
        type(pushed).__name__,
        [m["status"] for m in map(json.loads, pushed.splitlines()) if "status" in m][-1:],
        all(isinstance(line, bytes) for line in streamed),
        any("aux" in message for message in decoded),
        type(pulled).__name__,
        [m["status"] for m in map(json.loads, pulled.splitlines()) if "status" in m][-1:],
        [json.loads(line).get("status") for line in pulled_lines][-1:],
        pulled_dicts[-1:],
    )


@same("APIClient.inspect_distribution", "APIClient.search", "APIClient.prune_builds")
def api_registry_and_cache(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    repository = f"{env.registry}/diff-dist-{env.token}"
    tagged(env, repository)
    api.push(repository, tag="v1")
    distribution = api.inspect_distribution(f"{repository}:v1")
    return (
        sorted(distribution),
        distribution["Descriptor"]["digest"].startswith("sha256:"),
        attempts(lambda: api.inspect_distribution(f"{env.registry}/diff-none-{env.token}:v1")),
        attempts(lambda: api.search("busybox", limit=1)),
        sorted(api.prune_builds(filters={"until": "1s"})),
    )


# -- volumes -------------------------------------------------------------------------------


@same(
    "APIClient.create_volume",
    "APIClient.volumes",
    "APIClient.remove_volume",
    "APIClient.prune_volumes",
)
def api_volumes(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    name = env.name("vol")
    created = api.create_volume(name, driver_opts={}, labels=env.labels)
    env.defer(lambda: api.remove_volume(name, force=True))
    listing = api.volumes(filters={"label": f"aiocontainers.diff={env.token}"})
    pruned = api.prune_volumes(filters={"label": f"aiocontainers.diff=none-{env.token}"})
    api.remove_volume(name)
    return (
        sorted(created),
        created["Name"],
        created["Labels"] == env.labels,
        sorted(listing),
        [volume["Name"] for volume in listing["Volumes"]],
        pruned,
        attempts(lambda: api.remove_volume(name), lambda: api.volumes()["Volumes"] is None),
    )


# -- networks ------------------------------------------------------------------------------


@same(
    "APIClient.create_network",
    "APIClient.connect_container_to_network",
    "APIClient.disconnect_container_from_network",
    "APIClient.remove_network",
    "APIClient.prune_networks",
)
def api_networks_lifecycle(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    container = env.sleeper()
    created = api.create_network(env.name("net"), labels=env.labels, internal=True)
    env.defer(lambda: api.remove_network(created["Id"]))
    api.connect_container_to_network(container.id, created["Id"], aliases=["db"])
    joined = api.inspect_container(container.id)["NetworkSettings"]["Networks"]
    api.disconnect_container_from_network(container.id, created["Id"])
    left = api.inspect_container(container.id)["NetworkSettings"]["Networks"]
    pruned = api.prune_networks(filters={"label": f"aiocontainers.diff=none-{env.token}"})
    api.remove_network(created["Id"])
    return (
        sorted(created),
        created["Warning"],
        "db" in (joined[env.name("net")]["Aliases"] or []),
        sorted(left),
        pruned,
        attempts(lambda: api.inspect_network(created["Id"])),
    )


# -- containers ----------------------------------------------------------------------------


@same("APIClient.put_archive", "APIClient.get_archive", "APIClient.export")
def api_archives(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    container = env.sleeper()
    put = api.put_archive(container.id, "/tmp", tar_of({"hello.txt": b"hello\n"}))
    stream, stat = api.get_archive(container.id, "/tmp/hello.txt", chunk_size=512)
    exported = b"".join(api.export(container.id))
    return (
        put,
        tar_members(b"".join(stream)),
        sorted(stat),
        stat["size"],
        tar_members(exported).get("tmp/hello.txt"),
        attempts(lambda: api.get_archive(container.id, "/no/such/path")),
    )


@same("APIClient.attach")
def api_attach(docker: ModuleType, env: Env) -> Any:
    script = "sleep 0.5; echo one; sleep 0.2; echo two >&2"
    api = env.client.api
    streamed = api.attach(env.sleeper(["sh", "-c", script]).id, stream=True, logs=True)
    demuxed = api.attach(env.sleeper(["sh", "-c", script]).id, stream=True, logs=True, demux=True)
    return b"".join(streamed), [b"".join(out for out, _ in demuxed if out)]


@same("APIClient.attach_socket")
def api_attach_socket_missing(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    return attempts(lambda: api.attach_socket(f"diff-none-{env.token}", params={"stream": 1}))


@same("APIClient.stats")
def api_stats(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper()
    api = env.client.api
    once = api.stats(container.id, stream=False)
    stream = api.stats(container.id)
    first = next(stream)
    stream.close()
    decoded = api.stats(container.id, decode=True)
    sample = next(decoded)
    decoded.close()
    return (
        sorted(once)[:6],
        bool(once["precpu_stats"].get("system_cpu_usage")),
        type(first).__name__,
        sorted(json.loads(first))[:6],
        type(sample).__name__,
    )


@same("APIClient.update_container", "APIClient.resize")
def api_update_and_resize(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper(tty=True)
    api = env.client.api
    result = api.update_container(container.id, mem_limit="64m", memswap_limit="128m")
    host = api.inspect_container(container.id)["HostConfig"]
    api.resize(container.id, height=30, width=100)
    return result, host["Memory"], host["MemorySwap"]


@same("APIClient.commit")
def api_commit(docker: ModuleType, env: Env) -> Any:
    container = exited(docker, env, ["sh", "-c", "echo data > /marker"])
    api = env.client.api
    repository = f"diff-apicommit-{env.token}"
    created = api.commit(container.id, repository, "v1", message="m", changes=["ENV A=1"])
    env.defer(lambda: api.remove_image(created["Id"], force=True))
    info = api.inspect_image(created["Id"])
    return sorted(created), info["RepoTags"], info["Comment"], "A=1" in info["Config"]["Env"]


@same("APIClient.prune_containers")
def api_prune_containers(docker: ModuleType, env: Env) -> Any:
    exited(docker, env, "true")
    result = env.client.api.prune_containers(filters={"label": f"aiocontainers.diff={env.token}"})
    return sorted(result), len(result["ContainersDeleted"]), result["SpaceReclaimed"] >= 0


COVERED_HERE = {
    "images", "tag", "history", "remove_image", "get_image", "load_image", "prune_images",
    "build", "push", "pull", "create_volume", "volumes", "remove_volume", "prune_volumes",
    "create_network", "connect_container_to_network", "disconnect_container_from_network",
    "remove_network", "prune_networks", "put_archive", "get_archive", "export", "attach",
    "attach_socket", "stats", "update_container", "resize", "commit", "prune_containers",
    "inspect_distribution", "search", "prune_builds", "df", "events", "login", "api_version",
    "exec_resize", "create_container_config", "create_container_from_config", "import_image",
    "import_image_from_data", "import_image_from_file", "import_image_from_stream",
    "import_image_from_url", "import_image_from_image",
}  # fmt: skip


@same("APIClient.df", "APIClient.events", "APIClient.login")
def api_system(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    since = time.time()
    env.sleeper("true").wait()
    until = time.time() + 1
    mine = {"label": f"aiocontainers.diff={env.token}", "event": "die"}
    raw = list(api.events(since=since, until=until, filters=mine))
    decoded = list(api.events(since=since, until=until, filters=mine, decode=True))
    return (
        sorted(api.df()),
        [type(event).__name__ for event in raw],
        [json.loads(event)["Action"] for event in raw],
        [event["Action"] for event in decoded],
        api.login("diff", "secret", registry=f"http://{env.registry}"),
    )


# -- swarm ---------------------------------------------------------------------------------


@same("APIClient.inspect_swarm", "APIClient.get_unlock_key")
def api_outside_a_swarm(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    return attempts(api.inspect_swarm, api.get_unlock_key)


@same("APIClient.inspect_swarm", "APIClient.nodes", "APIClient.inspect_node", swarm=True)
def api_swarm_and_nodes(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    swarm = api.inspect_swarm()
    nodes = api.nodes()
    node = api.inspect_node(nodes[0]["ID"])
    managers = api.nodes(filters={"role": "manager"})
    return (
        sorted(swarm),
        [sorted(row) for row in nodes],
        node["ID"] == nodes[0]["ID"],
        len(managers),
    )


@same(
    "APIClient.services",
    "APIClient.inspect_service",
    "APIClient.tasks",
    "APIClient.remove_service",
    swarm=True,
)
def api_services_and_tasks(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    created = env.client.services.create(
        env.image, "sleep 60", name=env.name("svc"), labels=env.labels
    )
    env.defer(created.remove)
    rows = api.services(filters={"label": f"aiocontainers.diff={env.token}"})
    info = api.inspect_service(created.id)
    with_defaults = api.inspect_service(created.id, insert_defaults=True)
    tasks = api.tasks(filters={"service": created.id})
    removed = api.remove_service(created.id)
    return (
        [row["Spec"]["Name"] for row in rows],
        info["Spec"]["Name"],
        "ForceUpdate" in with_defaults["Spec"]["TaskTemplate"],
        all(task["ServiceID"] == created.id for task in tasks),
        removed,
        attempts(lambda: api.inspect_service(created.id)),
    )


@same(
    "APIClient.create_secret",
    "APIClient.secrets",
    "APIClient.inspect_secret",
    "APIClient.remove_secret",
    swarm=True,
)
def api_secrets(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    created = api.create_secret(env.name("s"), b"hush", labels=env.labels)
    env.defer(lambda: api.remove_secret(created["ID"]))
    rows = api.secrets(filters={"label": f"aiocontainers.diff={env.token}"})
    info = api.inspect_secret(created["ID"])
    return (
        sorted(created),
        [row["Spec"]["Name"] for row in rows],
        sorted(info["Spec"]),
        api.remove_secret(created["ID"]),
        attempts(lambda: api.inspect_secret(created["ID"])),
    )


@same(
    "APIClient.create_config",
    "APIClient.configs",
    "APIClient.inspect_config",
    "APIClient.remove_config",
    swarm=True,
)
def api_configs(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    created = api.create_config(env.name("c"), b"setting=1", labels=env.labels)
    env.defer(lambda: api.remove_config(created["ID"]))
    rows = api.configs(filters={"label": f"aiocontainers.diff={env.token}"})
    info = api.inspect_config(created["ID"])
    return (
        sorted(created),
        [row["Spec"]["Name"] for row in rows],
        info["Spec"]["Data"],
        api.remove_config(created["ID"]),
        attempts(lambda: api.inspect_config(created["ID"])),
    )


@same("APIClient.leave_swarm", "APIClient.unlock_swarm")
def api_swarm_calls_outside(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    return attempts(
        api.leave_swarm,
        lambda: api.leave_swarm(force=True),
        lambda: api.unlock_swarm("SWMKEY-1-nope"),
    )


@same("APIClient.update_node", "APIClient.remove_node", swarm=True)
def api_update_and_remove_node(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    node = api.nodes()[0]
    spec = {"Availability": "active", "Role": "manager", "Labels": {"diff": env.token}}
    updated = api.update_node(node["ID"], node["Version"]["Index"], spec)
    labels = api.inspect_node(node["ID"])["Spec"]["Labels"]
    fresh = api.inspect_node(node["ID"])
    spec["Labels"] = {}
    api.update_node(node["ID"], fresh["Version"]["Index"], spec)
    stale = attempts(lambda: api.update_node(node["ID"], node["Version"]["Index"], spec))
    return updated, labels, stale, attempts(lambda: api.remove_node(node["ID"]))


COVERED_SWARM = {
    "leave_swarm", "unlock_swarm", "update_node", "remove_node",
    "inspect_swarm", "get_unlock_key", "nodes", "inspect_node", "services", "inspect_service",
    "tasks", "remove_service", "create_secret", "secrets", "inspect_secret", "remove_secret",
    "create_config", "configs", "inspect_config", "remove_config", "inspect_task",
    "service_logs", "create_swarm_spec", "init_swarm", "join_swarm", "update_swarm",
    "create_service", "update_service",
}  # fmt: skip


@same("APIClient.api_version", "APIClient.exec_resize")
def api_version_and_exec_resize(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    container = env.sleeper()
    created = api.exec_create(container.id, "sleep 30", tty=True)
    api.exec_start(created, detach=True)
    return (
        api.api_version,
        api.exec_resize(created, height=20, width=70),
        attempts(
            lambda: api.exec_resize(created["Id"], width=90),  # the daemon wants both
            lambda: api.exec_resize(f"diff-no-exec-{env.token}", height=1, width=1),
        ),
    )


@same("APIClient.inspect_task", "APIClient.service_logs", swarm=True)
def api_task_and_service_logs(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    svc = service(env, ["sh", "-c", "echo out; echo err >&2; sleep 60"])
    task_id = wait_for_task(svc)[0]["ID"]
    task = api.inspect_task(task_id)
    deadline = time.monotonic() + 20
    while True:
        both = b"".join(api.service_logs(svc.id, stdout=True, stderr=True))
        if len(both.splitlines()) == 2 or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    return (
        (task["ID"] == task_id, task["ServiceID"] == svc.id, sorted(task)[:4]),
        sorted(both.splitlines()),
        b"".join(api.service_logs(svc.id, stderr=True, timestamps=True)).count(b"Z err"),
        attempts(
            lambda: api.inspect_task(f"diff-no-task-{env.token}"),
            lambda: list(api.service_logs(svc.id)),
        ),
    )


@same("APIClient.create_container_config", "APIClient.create_container_from_config")
def api_container_from_config(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    config = api.create_container_config(
        env.image,
        ["sh", "-c", "echo hi"],
        environment={"A": "1"},
        labels=env.labels,
        host_config=api.create_host_config(mem_limit="64m"),
    )
    created = api.create_container_from_config(config, name=env.name("cfg"))
    env.defer(lambda: api.remove_container(created["Id"], force=True))
    info = api.inspect_container(created)
    return (
        sorted(config.items()),
        sorted(created),
        (info["Name"], sorted(info["Config"]["Env"]), info["HostConfig"]["Memory"]),
        attempts(
            lambda: api.create_container_from_config({"Image": f"diff-no-image-{env.token}"})
        ),
    )


@same(
    "APIClient.create_swarm_spec",
    "APIClient.init_swarm",
    "APIClient.join_swarm",
    "APIClient.update_swarm",
)
def api_swarm_lifecycle(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    external = docker.types.SwarmExternalCA("https://ca.example", protocol="cfssl")
    with_ca = api.create_swarm_spec(name="default", external_ca=external)
    spec = api.create_swarm_spec(
        snapshot_interval=5000, node_cert_expiry=7_776_000_000_000_000, labels=env.labels
    )
    node_id = api.init_swarm(**SWARM_ADDRESS, swarm_spec=spec)
    env.defer(lambda: api.leave_swarm(force=True))
    before = api.inspect_swarm()
    joined = attempts(
        lambda: api.join_swarm(
            ["127.0.0.1:2377"], before["JoinTokens"]["Worker"], listen_addr="127.0.0.1:2378"
        )
    )
    version = before["Version"]["Index"]
    updated = api.update_swarm(
        version, api.create_swarm_spec(snapshot_interval=6000), rotate_worker_token=True
    )
    after = api.inspect_swarm()
    return (
        sorted(with_ca.items()),
        sorted(spec.items()),
        (type(node_id).__name__, node_id == api.info()["Swarm"]["NodeID"]),
        (before["Spec"]["Raft"]["SnapshotInterval"], before["Spec"]["CAConfig"]["NodeCertExpiry"]),
        before["Spec"]["Labels"] == env.labels,
        joined,
        updated,
        (after["Spec"]["Raft"]["SnapshotInterval"], after["Spec"].get("Labels")),
        after["JoinTokens"]["Worker"] != before["JoinTokens"]["Worker"],
        attempts(lambda: api.update_swarm(version, spec)),
        api.leave_swarm(force=True),
    )


@same("APIClient.create_service", "APIClient.update_service", swarm=True)
def api_create_and_update_service(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    t = docker.types
    template = t.TaskTemplate(
        t.ContainerSpec(env.image, ["sleep", "60"], env={"A": "1"}, stop_grace_period=2 * 10**9),
        restart_policy=t.RestartPolicy(condition="none"),
    )
    name = env.name("apisvc")
    created = api.create_service(
        template,
        name=name,
        labels=env.labels,
        mode="replicated",
        update_config=t.UpdateConfig(parallelism=1, delay=10**9),
    )
    env.defer(lambda: api.remove_service(created["ID"]))
    before = api.inspect_service(created["ID"])
    version = before["Version"]["Index"]
    changed = t.TaskTemplate(t.ContainerSpec(env.image, ["sleep", "61"]))
    answer = api.update_service(
        name, version, changed, labels={**env.labels, "step": "2"}, fetch_current_spec=True
    )
    after = api.inspect_service(created["ID"])["Spec"]
    container = after["TaskTemplate"]["ContainerSpec"]
    spec = before["Spec"]
    return (
        sorted(created),
        (spec["Name"], spec["Mode"], spec["UpdateConfig"], spec["TaskTemplate"]["RestartPolicy"]),
        spec["TaskTemplate"]["ContainerSpec"]["StopGracePeriod"],
        sorted(answer),
        (container["Command"], container["Env"], after["Labels"]["step"], after["Name"]),
        attempts(
            lambda: api.update_service(created["ID"], version, changed),  # no Name: a rename
            lambda: api.create_service(template, name=name),  # the name is taken
        ),
    )


@same(
    "APIClient.import_image",
    "APIClient.import_image_from_data",
    "APIClient.import_image_from_file",
    "APIClient.import_image_from_stream",
)
def api_import_image(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    repository = f"diff-import-{env.token}"
    rootfs = tar_of({"hello.txt": b"hi\n"})
    label = f"LABEL aiocontainers.diff={env.token}"
    for tag in ("data", "file", "stream", "src"):
        env.defer(functools.partial(api.remove_image, f"{repository}:{tag}", force=True))
    with tempfile.NamedTemporaryFile(suffix=".tar", delete=False) as file:
        file.write(rootfs)
    env.defer(lambda: os.remove(file.name))
    chunks = iter([rootfs[:1000], rootfs[1000:]])  # docker-py sends a file object unchunked
    answers = [
        api.import_image_from_data(rootfs, repository, "data", changes=[label]),
        api.import_image_from_file(file.name, repository, "file", changes=label),
        api.import_image_from_stream(chunks, repository, "stream", changes=label),
        api.import_image(src=io.BytesIO(rootfs), repository=repository, tag="src"),
    ]
    images = [
        api.inspect_image(f"{repository}:{tag}") for tag in ("data", "file", "stream", "src")
    ]
    return (
        [[sorted(json.loads(line)) for line in answer.splitlines()] for answer in answers],
        [(image["RepoTags"], (image["Config"] or {}).get("Labels")) for image in images],
        attempts(
            lambda: api.import_image_from_file(f"/nonexistent/{env.token}.tar", repository),
            lambda: api.import_image_from_data(b"not a tar", repository, "bad"),
        ),
    )


def _serve(env: Env, body: bytes) -> str:
    """A URL on 127.0.0.1 answering ``body`` (404 for other paths), served until the case ends."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != "/rootfs.tar":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env.defer(server.server_close)
    env.defer(server.shutdown)  # runs first
    return f"http://127.0.0.1:{server.server_port}/rootfs.tar"


@same("APIClient.import_image_from_url")
def api_import_image_from_url(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    repository = f"diff-importurl-{env.token}"
    url = _serve(env, tar_of({"hello.txt": b"hi\n"}))
    env.defer(lambda: api.remove_image(f"{repository}:url", force=True))
    answer = api.import_image_from_url(url, repository, "url")
    messages = [json.loads(line.replace(url, "<url>")) for line in answer.splitlines()]
    return (
        (messages[0], sorted(messages[-1]), messages[-1]["status"].startswith("sha256:")),
        api.inspect_image(f"{repository}:url")["RepoTags"],
        attempts(lambda: api.import_image_from_url(url + "-gone", repository, "gone")),
    )


@same("APIClient.import_image_from_image")
def api_import_image_from_image(docker: ModuleType, env: Env) -> Any:
    api = env.client.api
    repository = pushed(env)
    api.remove_image(f"{repository}:v1")
    env.defer(lambda: api.remove_image(f"{repository}:v1", force=True))
    answer = api.import_image_from_image(repository, tag="v1")  # the daemon pulls it
    statuses = [json.loads(line).get("status", "").split(":")[0] for line in answer.splitlines()]
    return (
        statuses,
        api.inspect_image(f"{repository}:v1")["RepoTags"],
        attempts(lambda: api.import_image_from_image(f"{env.registry}/diff-no-{env.token}")),
    )
