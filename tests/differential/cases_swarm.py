"""Differential cases: swarm, services, nodes, secrets and configs.

Cases marked ``swarm=True`` run inside the single-node swarm of the engine test
module; the others need the engine outside a swarm (they make and leave one).
"""

from __future__ import annotations

import time
from types import ModuleType
from typing import Any

from .harness import Env, attempts, same

SWARM_ADDRESS = {"advertise_addr": "127.0.0.1", "listen_addr": "127.0.0.1:2377"}


def service(case_env: Env, command: str | list[str] = "sleep 60", **kwargs: Any) -> Any:
    kwargs.setdefault("labels", case_env.labels)
    kwargs.setdefault("name", case_env.name("svc"))
    created = case_env.client.services.create(case_env.image, command, **kwargs)
    case_env.defer(created.remove)
    return created


def wait_for_task(svc: Any, state: str = "running", timeout: float = 30) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        tasks: list[dict[str, Any]] = svc.tasks()
        if any(task["Status"]["State"] == state for task in tasks):
            return tasks
        if time.monotonic() > deadline:
            raise AssertionError(f"no task reached {state}: {tasks}")
        time.sleep(0.3)


# -- the swarm itself (outside a swarm) -----------------------------------------------------


@same(
    "Swarm.init",
    "Swarm.leave",
    "Swarm.reload",
    "Swarm.attrs",
    "Swarm.id",
    "Swarm.short_id",
    "Swarm.version",
    "Swarm.client",
    "Swarm.get_unlock_key",
)
def swarm_init_and_leave(docker: ModuleType, env: Env) -> Any:
    swarm = env.client.swarm
    node_id = swarm.init(**SWARM_ADDRESS, labels=env.labels)
    env.defer(lambda: swarm.leave(force=True))
    swarm.reload()
    result = (
        type(node_id).__name__,
        sorted(swarm.attrs),
        swarm.short_id == swarm.id[:12],
        type(swarm.version).__name__,
        type(swarm.client).__name__,
        swarm.get_unlock_key(),
    )
    left = swarm.leave(force=True)
    return result, left


@same("Swarm.leave", "Swarm.reload", "Swarm.unlock", "Swarm.join")
def outside_a_swarm(docker: ModuleType, env: Env) -> Any:
    swarm = env.client.swarm
    return attempts(
        swarm.reload,
        swarm.leave,
        lambda: swarm.unlock("SWMKEY-1-nope"),
        lambda: swarm.join(remote_addrs=["127.0.0.1:1"], join_token="SWMTKN-1-nope"),
    )


# -- inside the swarm -------------------------------------------------------------------------


@same("Swarm.update", "Swarm.version", swarm=True)
def swarm_update(docker: ModuleType, env: Env) -> Any:
    swarm = env.client.swarm
    swarm.reload()
    before = swarm.version
    result = swarm.update(
        rotate_worker_token=True, snapshot_interval=5000, dispatcher_heartbeat_period=6_000_000_000
    )
    swarm.reload()
    spec = swarm.attrs["Spec"]
    return (
        result,
        swarm.version > before,
        spec["Raft"]["SnapshotInterval"],
        spec["Dispatcher"]["HeartbeatPeriod"],
    )


@same("Swarm.join", swarm=True, raises="APIError")
def join_while_in_swarm(docker: ModuleType, env: Env) -> Any:
    return env.client.swarm.join(remote_addrs=["127.0.0.1:2377"], join_token="SWMTKN-1-nope")


@same(
    "ServiceCollection.create",
    "ServiceCollection.get",
    "Service.name",
    "Service.id",
    "Service.short_id",
    "Service.version",
    "Service.attrs",
    "Service.client",
    "Service.collection",
    swarm=True,
)
def create_service(docker: ModuleType, env: Env) -> Any:
    svc = service(
        env,
        ["sleep", "60"],
        env=["A=1"],
        mode=docker.types.ServiceMode("replicated", replicas=1),
        restart_policy=docker.types.RestartPolicy(condition="on-failure", max_attempts=2),
        container_labels={"role": "diff"},
    )
    got = env.client.services.get(svc.id)
    short = env.client.services.get(svc.short_id, insert_defaults=True)
    spec = got.attrs["Spec"]["TaskTemplate"]
    return (
        type(svc).__name__,
        got.name,
        svc.short_id == svc.id[:12],
        type(got.version).__name__,
        short.id == svc.id,
        sorted(got.attrs),
        spec["ContainerSpec"]["Args"]
        if "Args" in spec["ContainerSpec"]
        else spec["ContainerSpec"]["Command"],
        spec["ContainerSpec"]["Env"],
        spec["ContainerSpec"]["Labels"],
        spec["RestartPolicy"],
        got.attrs["Spec"]["Mode"],
        type(got.client).__name__,
        type(got.collection).__name__,
    )


@same("ServiceCollection.list", swarm=True)
def list_services(docker: ModuleType, env: Env) -> Any:
    svc = service(env)
    label = {"label": f"aiocontainers.diff={env.token}"}
    return (
        [s.id == svc.id for s in env.client.services.list(filters=label)],
        [s.id == svc.id for s in env.client.services.list(filters={"name": svc.name})],
        env.client.services.list(filters={"label": "diff-none=1"}),
    )


@same("ServiceCollection.get", swarm=True, raises="NotFound")
def get_missing_service(docker: ModuleType, env: Env) -> Any:
    return env.client.services.get(env.name("none"))


@same("Service.update", "Service.reload", swarm=True)
def update_service(docker: ModuleType, env: Env) -> Any:
    svc = service(env)
    before = svc.version
    result = svc.update(labels={**env.labels, "updated": "1"}, env=["B=2"])
    svc.reload()
    spec = svc.attrs["Spec"]
    return (
        sorted(result),
        svc.version > before,
        spec["Labels"].get("updated"),
        spec["TaskTemplate"]["ContainerSpec"].get("Env"),
    )


@same("Service.scale", "Service.tasks", swarm=True)
def scale_service(docker: ModuleType, env: Env) -> Any:
    svc = service(env)
    result = svc.scale(2)
    svc.reload()
    tasks = svc.tasks(filters={"desired-state": "running"})
    global_service = service(env, name=env.name("global"), mode="global")
    try:
        global_service.scale(2)
    except Exception as exc:
        refused = exc
    return (
        result,
        svc.attrs["Spec"]["Mode"],
        len(tasks) >= 1,  # how many are running yet is a race
        sorted(tasks[0]),
        type(refused).__name__,
    )


@same("Service.force_update", swarm=True)
def force_update_service(docker: ModuleType, env: Env) -> Any:
    svc = service(env)
    result = svc.force_update()
    svc.reload()
    return result, svc.attrs["Spec"]["TaskTemplate"]["ForceUpdate"]


@same("Service.logs", swarm=True)
def service_logs(docker: ModuleType, env: Env) -> Any:
    svc = service(env, ["sh", "-c", "echo hello; sleep 60"])
    wait_for_task(svc)
    deadline = time.monotonic() + 20
    while True:
        output = b"".join(svc.logs(stdout=True, stderr=True, follow=False))
        if output or time.monotonic() > deadline:
            return output


@same("Service.remove", swarm=True)
def remove_service(docker: ModuleType, env: Env) -> Any:
    svc = env.client.services.create(env.image, "sleep 60", name=env.name("rm"), labels=env.labels)
    result = svc.remove()
    try:
        env.client.services.get(svc.id)
    except Exception as exc:
        return result, exc
    return result, None


@same(
    "NodeCollection.list",
    "NodeCollection.get",
    "Node.id",
    "Node.short_id",
    "Node.version",
    "Node.attrs",
    "Node.reload",
    "Node.client",
    "Node.collection",
    swarm=True,
)
def nodes(docker: ModuleType, env: Env) -> Any:
    listed = env.client.nodes.list()
    managers = env.client.nodes.list(filters={"role": "manager"})
    node = env.client.nodes.get(listed[0].id)
    node.reload()
    return (
        len(listed),
        [n.id == node.id for n in managers],
        node.short_id == node.id[:12],
        type(node.version).__name__,
        sorted(node.attrs),
        type(node.client).__name__,
        type(node.collection).__name__,
    )


@same("Node.update", swarm=True)
def node_update(docker: ModuleType, env: Env) -> Any:
    node = env.client.nodes.list()[0]
    spec = {"Availability": "active", "Role": "manager", "Labels": {"diff": env.token}}
    result = node.update(spec)
    node.reload()
    labels = node.attrs["Spec"]["Labels"]
    node.update({"Availability": "active", "Role": "manager", "Labels": {}})
    return result, labels


@same("Node.remove", swarm=True, raises="APIError")
def node_remove_self(docker: ModuleType, env: Env) -> Any:
    return env.client.nodes.list()[0].remove()


@same("NodeCollection.create", swarm=True, raises="NotImplementedError")
def node_create(docker: ModuleType, env: Env) -> Any:
    return env.client.nodes.create()


@same(
    "SecretCollection.create",
    "SecretCollection.get",
    "SecretCollection.list",
    "Secret.name",
    "Secret.id",
    "Secret.short_id",
    "Secret.attrs",
    "Secret.reload",
    "Secret.client",
    "Secret.collection",
    swarm=True,
)
def secrets(docker: ModuleType, env: Env) -> Any:
    secret = env.client.secrets.create(name=env.name("s"), data=b"hush", labels=env.labels)
    env.defer(secret.remove)
    got = env.client.secrets.get(secret.id)
    got.reload()
    listed = env.client.secrets.list(filters={"label": f"aiocontainers.diff={env.token}"})
    return (
        type(secret).__name__,
        got.name,
        secret.short_id == secret.id[:12],
        sorted(got.attrs),
        [s.id == secret.id for s in listed],
        type(got.client).__name__,
        type(got.collection).__name__,
    )


@same(
    "ConfigCollection.create",
    "ConfigCollection.get",
    "ConfigCollection.list",
    "Config.name",
    "Config.id",
    "Config.short_id",
    "Config.attrs",
    "Config.reload",
    "Config.client",
    "Config.collection",
    swarm=True,
)
def configs(docker: ModuleType, env: Env) -> Any:
    config = env.client.configs.create(name=env.name("c"), data=b"setting=1", labels=env.labels)
    env.defer(config.remove)
    got = env.client.configs.get(config.id)
    got.reload()
    listed = env.client.configs.list(filters={"label": f"aiocontainers.diff={env.token}"})
    return (
        type(config).__name__,
        got.name,
        config.short_id == config.id[:12],
        sorted(got.attrs),
        [c.id == config.id for c in listed],
        type(got.client).__name__,
        type(got.collection).__name__,
    )


@same("Secret.remove", swarm=True)
def secret_remove(docker: ModuleType, env: Env) -> Any:
    secret = env.client.secrets.create(name=env.name("s"), data=b"hush", labels=env.labels)
    removed = secret.remove()
    try:
        env.client.secrets.get(secret.id)
    except Exception as exc:
        return removed, exc
    return removed, None


@same("Config.remove", swarm=True)
def config_remove(docker: ModuleType, env: Env) -> Any:
    config = env.client.configs.create(name=env.name("c"), data=b"x", labels=env.labels)
    removed = config.remove()
    try:
        env.client.configs.get(config.id)
    except Exception as exc:
        return removed, exc
    return removed, None


@same("Swarm.collection")
def swarm_collection(docker: ModuleType, env: Env) -> Any:
    return env.client.swarm.collection
