"""Swarm on the real engine: the swarm itself, secrets, configs, services, nodes.

The shared engine is not in swarm mode; the module-scoped ``swarm`` fixture makes it a
single-node swarm (advertised on 127.0.0.1) for the length of this module and leaves it
at the end, unless a swarm was already there. Everything lives in this one module so the
swarm window stays short. No ports are published: swarm publishes on every interface.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import anyio
import pytest

import aiocontainers
from aiocontainers import Config, DockerClient, Node, Secret, Service
from aiocontainers.errors import APIError, InvalidArgument, NotFound
from aiocontainers.types import RestartPolicy, ServiceMode, ServiceRestartPolicy, UpdateConfig

from .conftest import LABELS, TEST_IMAGE

pytestmark = [pytest.mark.timeout(90), pytest.mark.serial]  # the engine has one swarm

_DEADLINE = 30.0
_MARK = "aiocontainers.test"  # on the swarm this module makes, so a killed run's is found


@dataclass(frozen=True)
class SwarmSetup:
    node_id: str
    owned: bool  # this module made the swarm, so it may change its settings


async def _swarm_state() -> tuple[str, str, bool]:
    """The node's swarm state, its node id, and whether a test run made that swarm."""
    async with aiocontainers.from_env() as client:
        info = await client.info()
        state, node_id = str(info["Swarm"]["LocalNodeState"]), str(info["Swarm"]["NodeID"])
        ours = False
        if state == "active":
            await client.swarm.reload()
            ours = (client.swarm.attrs["Spec"].get("Labels") or {}).get(_MARK) == "1"
    return state, node_id, ours


async def _init() -> str:
    async with aiocontainers.from_env() as client:
        return await client.swarm.init(
            advertise_addr="127.0.0.1", listen_addr="127.0.0.1:2377", labels={_MARK: "1"}
        )


async def _leave() -> None:
    async with aiocontainers.from_env() as client:
        assert await client.swarm.leave(force=True) is True
        assert client.swarm.attrs == {}


# -- outside the swarm (runs before the module fixture is first used) ----------


async def test_outside_a_swarm(client: DockerClient) -> None:
    state, _, _ = await _swarm_state()
    if state != "inactive":
        pytest.skip(f"the engine is in swarm state {state!r}")
    with pytest.raises(APIError) as raised:
        await client.swarm.reload()
    assert raised.value.status_code == 503
    with pytest.raises(APIError):
        await client.swarm.leave()
    # force=True succeeds for a node in no swarm at all, as docker-py's does
    assert await client.swarm.leave(force=True) is True


@pytest.fixture(scope="module")
def swarm() -> Iterator[SwarmSetup]:
    """A single-node swarm for this module: made here and left at the end (also one a
    killed earlier run left behind); a swarm someone else made is used as it is."""
    state, node_id, ours = anyio.run(_swarm_state)
    if state == "active" and not ours:
        yield SwarmSetup(node_id, owned=False)
        return
    if state != "active":
        node_id = anyio.run(_init)
    try:
        yield SwarmSetup(node_id, owned=True)
    finally:
        anyio.run(_leave)
        assert anyio.run(_swarm_state)[0] == "inactive"


# -- the swarm -----------------------------------------------------------------


async def test_inspect_reload_update(client: DockerClient, swarm: SwarmSetup) -> None:
    assert client.swarm.attrs == {}  # a constructor cannot await: empty until reload
    assert client.swarm.version is None
    await client.swarm.reload()
    assert client.swarm.id == client.swarm.attrs["ID"] != ""
    assert isinstance(client.swarm.version, int)
    assert client.swarm.attrs["JoinTokens"]["Worker"].startswith("SWMTKN-")
    assert await client.swarm.get_unlock_key() == {"UnlockKey": ""}
    nodes = await client.nodes.list()
    assert swarm.node_id in [node.id for node in nodes]
    if not swarm.owned:
        return
    before = client.swarm.attrs["Spec"]
    version = client.swarm.version
    assert await client.swarm.update(labels=dict(LABELS), task_history_retention_limit=3)
    after = client.swarm.attrs["Spec"]
    assert client.swarm.version > version
    assert after["Labels"] == LABELS
    assert after["Orchestration"]["TaskHistoryRetentionLimit"] == 3
    # settings not given keep their values (docker-py would reset them)
    assert after["CAConfig"]["NodeCertExpiry"] == before["CAConfig"]["NodeCertExpiry"]
    assert after["Raft"] == before["Raft"]
    token = client.swarm.attrs["JoinTokens"]["Worker"]
    assert await client.swarm.update(rotate_worker_token=True)
    assert client.swarm.attrs["JoinTokens"]["Worker"] != token

    # autolock: a key appears, rotates, and unlocking an unlocked swarm is refused
    assert await client.swarm.update(autolock_managers=True)
    key = await client.swarm.get_unlock_key()
    assert key["UnlockKey"].startswith("SWMKEY-")
    assert await client.swarm.update(rotate_manager_unlock_key=True)
    assert (await client.swarm.get_unlock_key()) != key
    with pytest.raises(APIError, match="not locked"):
        await client.swarm.unlock(key)
    with pytest.raises(InvalidArgument):
        await client.swarm.unlock({"Key": "x"})
    assert await client.swarm.update(autolock_managers=False)
    assert client.swarm.attrs["Spec"]["EncryptionConfig"]["AutoLockManagers"] is False
    # joining another swarm while in one is refused by the daemon
    with pytest.raises(APIError, match="already part of a swarm"):
        await client.swarm.join(["127.0.0.1:2377"], token)


# -- secrets and configs -------------------------------------------------------


async def test_secrets(client: DockerClient, swarm: SwarmSetup, labels: dict[str, str]) -> None:
    secret = await client.secrets.create("aiocontainers-test-secret", "s3cret", labels=labels)
    try:
        assert isinstance(secret, Secret)
        assert secret.name == "aiocontainers-test-secret"
        assert repr(secret) == "<Secret: 'aiocontainers-test-secret'>"
        assert secret.attrs["Spec"]["Labels"] == labels
        assert "Data" not in secret.attrs["Spec"]  # the daemon never returns a secret
        assert await client.secrets.get(secret.id) == secret
        assert (await client.secrets.get(secret.name)).id == secret.id
        listed = await client.secrets.list(filters={"label": "aiocontainers.test=1"})
        assert secret in listed
        assert await client.secrets.list(filters={"name": "no-such-secret-here"}) == []
    finally:
        await secret.remove()
    with pytest.raises(NotFound):
        await client.secrets.get(secret.id)


async def test_configs(client: DockerClient, swarm: SwarmSetup, labels: dict[str, str]) -> None:
    payload = b"\x00binary\xffconfig\n"
    config = await client.configs.create("aiocontainers-test-config", payload, labels=labels)
    try:
        assert isinstance(config, Config)
        assert config.name == "aiocontainers-test-config"
        assert config.data == payload
        assert base64.b64decode(config.attrs["Spec"]["Data"]) == payload
        fetched = await client.configs.get("aiocontainers-test-config")
        assert fetched == config and fetched.data == payload
        assert config in await client.configs.list(filters={"label": "aiocontainers.test=1"})
    finally:
        await config.remove()
    with pytest.raises(NotFound):
        await client.configs.get(config.id)
    templated = await client.configs.create(
        "aiocontainers-test-template", "{{ .Service.Name }}", labels=labels, templating="golang"
    )
    try:
        assert templated.attrs["Spec"]["Templating"] == {"Name": "golang"}
    finally:
        await templated.remove()


# -- services ------------------------------------------------------------------


async def _wait_tasks(service: Service, state: str, count: int) -> list[dict[str, Any]]:
    """Poll until exactly ``count`` of the service's tasks are in ``state`` (bounded)."""
    with anyio.fail_after(_DEADLINE):
        while True:
            tasks = await service.tasks()
            current = [t for t in tasks if t["Status"]["State"] == state]
            if len(current) == count:
                return current
            await anyio.sleep(0.25)


async def test_service_lifecycle(
    client: DockerClient, swarm: SwarmSetup, labels: dict[str, str]
) -> None:
    secret = await client.secrets.create("aiocontainers-svc-secret", "hunter2", labels=labels)
    config = await client.configs.create("aiocontainers-svc-config", "key=value\n", labels=labels)
    service: Service | None = None
    try:
        service = await client.services.create(
            TEST_IMAGE,
            ["sleep", "300"],
            name="aiocontainers-test-sleeper",
            labels=labels,
            container_labels=labels,
            mode=ServiceMode("replicated", replicas=2),
            env={"GREETING": "hi"},
            stop_grace_period=1,
            update_config=UpdateConfig(parallelism=2, delay=0.5),
            restart_policy=ServiceRestartPolicy("on-failure", delay=0.25, max_attempts=3),
            secrets=[secret],
            configs=[config],
        )
        assert isinstance(service, Service)
        assert service.name == "aiocontainers-test-sleeper"
        spec = service.attrs["Spec"]
        container_spec = spec["TaskTemplate"]["ContainerSpec"]
        assert spec["Labels"] == labels and container_spec["Labels"] == labels
        assert container_spec["StopGracePeriod"] == 1_000_000_000  # seconds in, ns on the wire
        assert spec["UpdateConfig"]["Delay"] == 500_000_000
        assert spec["TaskTemplate"]["RestartPolicy"] == {
            "Condition": "on-failure",
            "Delay": 250_000_000,
            "MaxAttempts": 3,
            "Window": 0,
        }
        assert container_spec["Env"] == ["GREETING=hi"]

        running = await _wait_tasks(service, "running", 2)
        assert {t["Spec"]["ContainerSpec"]["Labels"]["aiocontainers.test"] for t in running} == {
            "1"
        }
        container = await client.containers.get(
            running[0]["Status"]["ContainerStatus"]["ContainerID"]
        )
        secret_file = await container.exec_run(["cat", "/run/secrets/aiocontainers-svc-secret"])
        assert secret_file.output == b"hunter2"
        config_file = await container.exec_run(["cat", "/aiocontainers-svc-config"])
        assert config_file.output == b"key=value\n"

        assert await client.services.get(service.name) == service
        assert service in await client.services.list(filters={"label": "aiocontainers.test=1"})
        [with_status] = await client.services.list(filters={"id": service.id}, status=True)
        assert with_status.attrs["ServiceStatus"]["DesiredTasks"] == 2

        version = service.version
        result = await service.update(env={"GREETING": "hello", "EXTRA": "1"})
        assert "Warnings" in result
        assert service.version > version  # attrs refreshed after the update
        spec = service.attrs["Spec"]
        assert spec["TaskTemplate"]["ContainerSpec"]["Env"] == ["GREETING=hello", "EXTRA=1"]
        # everything not given was kept
        assert spec["Mode"] == {"Replicated": {"Replicas": 2}}
        assert spec["TaskTemplate"]["ContainerSpec"]["Command"] == ["sleep", "300"]
        assert spec["Labels"] == labels
        assert len(spec["TaskTemplate"]["ContainerSpec"]["Secrets"]) == 1

        assert isinstance(await service.scale(1), dict)  # the daemon's answer, as docker-py
        assert service.attrs["Spec"]["Mode"] == {"Replicated": {"Replicas": 1}}
        await _wait_tasks(service, "running", 1)

        force = service.attrs["Spec"]["TaskTemplate"].get("ForceUpdate", 0)
        assert isinstance(await service.force_update(), dict)
        assert service.attrs["Spec"]["TaskTemplate"]["ForceUpdate"] == force + 1

        assert await service.remove() is True
        with pytest.raises(NotFound):
            await client.services.get(service.id)
        service = None
    finally:
        if service is not None:
            await service.remove()
        await _remove_when_unused(secret)
        await _remove_when_unused(config)


async def _remove_when_unused(item: Secret | Config) -> None:
    """Remove a secret or config once the removed service's tasks let go of it."""
    with anyio.fail_after(_DEADLINE):
        while True:
            try:
                await item.remove()
                return
            except NotFound:
                return
            except APIError as exc:
                if "in use" not in str(exc):
                    raise
            await anyio.sleep(0.25)


async def test_service_logs(
    client: DockerClient, swarm: SwarmSetup, labels: dict[str, str]
) -> None:
    service = await client.services.create(
        TEST_IMAGE,
        ["sh", "-c", "echo out-line; echo err-line >&2"],
        name="aiocontainers-test-echo",
        labels=labels,
        container_labels=labels,
        # a container restart policy means the swarm one: "no" is condition "none"
        restart_policy=RestartPolicy("no"),
    )
    try:
        assert service.attrs["Spec"]["TaskTemplate"]["RestartPolicy"]["Condition"] == "none"
        await _wait_tasks(service, "complete", 1)
        lines: list[bytes] = []
        with anyio.fail_after(_DEADLINE):
            while sorted(lines) != [b"err-line\n", b"out-line\n"]:
                lines = [line async for line in service.logs()]
                await anyio.sleep(0.1)
        records = [record async for record in service.logs(records=True, timestamps=True)]
        assert {(r.stream, r.data) for r in records} == {
            ("stdout", b"out-line\n"),
            ("stderr", b"err-line\n"),
        }
        assert all(r.timestamp is not None for r in records)
        assert [line async for line in service.logs(stderr=False)] == [b"out-line\n"]
        detailed = [line async for line in service.logs(details=True, stderr=False)]
        assert detailed[0].startswith(b"com.docker.swarm.node.id=")
        assert detailed[0].endswith(b" out-line\n")
        # a followed stream keeps going; closing it frees the connection at once
        async with service.logs(follow=True) as stream:
            with anyio.fail_after(_DEADLINE):
                assert await stream.__anext__() in (b"out-line\n", b"err-line\n")
        assert stream.closed
    finally:
        await service.remove()


async def test_service_create_is_validated_first(client: DockerClient, swarm: SwarmSetup) -> None:
    before = len(await client.services.list())
    with pytest.raises(InvalidArgument, match="'enviroment'"):
        await client.services.create(TEST_IMAGE, enviroment={"A": "1"})
    with pytest.raises(InvalidArgument, match="nanoseconds"):
        await client.services.create(TEST_IMAGE, stop_grace_period=10_000_000_000)
    assert len(await client.services.list()) == before


async def test_global_service_cannot_scale(
    client: DockerClient, swarm: SwarmSetup, labels: dict[str, str]
) -> None:
    service = await client.services.create(
        TEST_IMAGE,
        "sleep 300",
        name="aiocontainers-test-global",
        labels=labels,
        mode="global",
        stop_grace_period=0,
    )
    try:
        assert service.attrs["Spec"]["Mode"] == {"Global": {}}
        with pytest.raises(InvalidArgument, match="global"):
            await service.scale(2)
    finally:
        await service.remove()


# -- nodes ---------------------------------------------------------------------


async def test_nodes(client: DockerClient, swarm: SwarmSetup) -> None:
    [node] = await client.nodes.list(filters={"id": swarm.node_id})
    assert isinstance(node, Node)
    assert node == await client.nodes.get(swarm.node_id)
    assert [n.id for n in await client.nodes.list(filters={"role": "manager"})] == [node.id]
    if not swarm.owned:
        return
    spec = node.attrs["Spec"]
    version = node.version
    new_spec = {**spec, "Labels": {**spec.get("Labels", {}), "aiocontainers.test": "1"}}
    assert await node.update(new_spec) is True
    assert node.version > version
    assert node.attrs["Spec"]["Labels"]["aiocontainers.test"] == "1"
    with pytest.raises(InvalidArgument, match="Labelz"):
        await node.update({"Labelz": {}})
    await node.reload()
    assert node.attrs["Spec"]["Labels"]["aiocontainers.test"] == "1"
    assert await node.update(spec) is True  # put it back
    assert "aiocontainers.test" not in node.attrs["Spec"].get("Labels", {})
