"""Differential tests: ``docker-compose up -d`` (v1.29, Debian's package) is the oracle.

For each busybox-based file below, docker-compose and ``client.stacks.up()`` bring the
same file up under two project names; the daemon's inspect output of each pair of
containers must agree field by field on everything the user configured.

Where v1.29 is not the oracle for Compose v2 behaviour, we say so and do not compare:
container names (v1 ``proj_web_1``, v2 and ours ``proj-web-1``), Compose's own labels
(v1 writes its version, no ``depends_on`` label and another config hash),
``Config.StopTimeout`` (v2 and we write ``stop_grace_period`` into the container; v1
applies it only when it stops the container), and ``deploy:`` (v1 reads it only with
``--compatibility``, which these runs pass).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio
import pytest

from aiocontainers import Container, DockerClient, Stack
from aiocontainers._resources.containers import CREATE_TOKEN_LABEL

# Explicit, so the anyio plugin parametrizes before ours (the conftest marks too late).
pytestmark = pytest.mark.anyio

BUSYBOX = "aiocontainers-test/busybox:latest"

FILES = {
    "web-and-db": f"""
services:
  db:
    image: {BUSYBOX}
    command: ["sh", "-c", "touch /tmp/ready; exec httpd -f -p 5432 -h /tmp"]
    environment:
      - POSTGRES_PASSWORD=secret
      - EMPTY=
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ready"]
      interval: 200ms
      timeout: 2s
      retries: 30
      start_period: 1s
    volumes:
      - dbdata:/var/lib/db
      - ./conf:/etc/conf:ro
    networks:
      back:
        aliases: [database, pg]
    labels:
      com.example.role: database
    restart: on-failure:3
    stop_signal: SIGINT
    ulimits:
      nofile: {{soft: 1024, hard: 2048}}
  web:
    image: {BUSYBOX}
    entrypoint: /bin/sh -c
    command: ["exec httpd -f -p 80 -h /www"]
    working_dir: /www
    user: "1000:1000"
    environment:
      MODE: production
      WORKERS: 4
    ports:
      - "127.0.0.1::80"
      - "127.0.0.1::81/udp"
    expose: ["9000"]
    tmpfs: [/www]
    depends_on:
      db:
        condition: service_healthy
    networks: [back, front]
    labels: [tier=web, "com.example.note=a b"]
    restart: unless-stopped
    mem_limit: 64m
    cpus: 0.5
    cpu_shares: 512
    pids_limit: 100
    shm_size: 16m
    init: true
    read_only: true
    cap_add: [NET_ADMIN]
    cap_drop: [MKNOD]
    security_opt: ["no-new-privileges:true"]
    dns: [10.0.0.2]
    dns_search: [example.internal]
    extra_hosts: ["gateway.local:10.0.0.1"]
    sysctls:
      net.core.somaxconn: 1024
    logging:
      driver: json-file
      options: {{max-size: 1m, max-file: "2"}}
    hostname: web-host
    tty: true
    stdin_open: true
networks:
  back:
  front:
    internal: true
volumes:
  dbdata:
""",
    "workers": f"""
x-worker: &worker
  image: {BUSYBOX}
  command: sleep 300
  stop_grace_period: 2s
services:
  queue:
    <<: *worker
    healthcheck:
      test: "true"
      interval: 100ms
  init:
    image: {BUSYBOX}
    command: sh -c 'echo migrated'
    depends_on: [queue]
  worker:
    <<: *worker
    environment: {{QUEUE: "queue:${{QUEUE_PORT:-6379}}"}}
    depends_on:
      queue: {{condition: service_healthy}}
      init: {{condition: service_completed_successfully}}
    deploy:
      replicas: 2
      resources:
        limits: {{memory: 32M, cpus: "0.25"}}
    oom_score_adj: 100
    volumes:
      - type: volume
        target: /cache
      - type: tmpfs
        target: /scratch
""",
}

# Fields of the inspect output that both tools must set identically.
CONFIG_FIELDS = (
    "Cmd", "Entrypoint", "Env", "Healthcheck", "User", "WorkingDir", "Hostname", "Tty",
    "OpenStdin", "StopSignal", "ExposedPorts", "Image",
)  # fmt: skip
HOST_FIELDS = (
    "PortBindings", "RestartPolicy", "Memory", "NanoCpus", "CpuShares", "PidsLimit", "Ulimits",
    "CapAdd", "CapDrop", "Privileged", "ReadonlyRootfs", "Init", "Dns", "DnsSearch",
    "ExtraHosts", "Sysctls", "Tmpfs", "ShmSize", "SecurityOpt", "LogConfig", "NetworkMode",
    "OomScoreAdj",
)  # fmt: skip


def _normalize(container: Container, project: str) -> dict[str, Any]:
    """What the user configured, as the daemon reports it; the project name made neutral."""
    attrs = container.attrs
    config, host = attrs["Config"], attrs["HostConfig"]
    result: dict[str, Any] = {f"Config.{k}": config.get(k) for k in CONFIG_FIELDS}
    result["Config.Env"] = sorted(config.get("Env") or [])
    result["Config.Labels"] = {
        k: v
        for k, v in (config.get("Labels") or {}).items()
        if not k.startswith("com.docker.compose") and k != CREATE_TOKEN_LABEL
    }
    result.update({f"HostConfig.{k}": host.get(k) for k in HOST_FIELDS})
    # An exposed-only port: we send it with no bindings, v1 leaves it out; both publish nothing.
    bindings = result["HostConfig.PortBindings"] or {}
    result["HostConfig.PortBindings"] = {port: b for port, b in bindings.items() if b}
    # Unset is unset: v1 sends empty maps and lists where we leave the key out.
    result = {key: value if value not in ([], {}) else None for key, value in result.items()}
    if result["Config.Hostname"] == container.id[:12]:
        result["Config.Hostname"] = "<the container's id>"  # the daemon's default
    result["Mounts"] = sorted(
        (
            m["Type"],
            (m.get("Name") or m.get("Source") or "")
            if m["Type"] != "volume" or m.get("Name", "").startswith(project)
            else "<anonymous>",
            m["Destination"],
            m["RW"],
        )
        for m in attrs["Mounts"]
    )
    networks = attrs["NetworkSettings"]["Networks"]
    short_id = container.id[:12]
    result["Networks"] = {
        name: sorted(alias for alias in (endpoint.get("Aliases") or []) if alias != short_id)
        for name, endpoint in networks.items()
    }
    renamed: dict[str, Any] = _renamed(result, project)
    return renamed


def _renamed(value: Any, project: str) -> Any:
    """``value`` with the project name made neutral, so two projects compare equal."""
    if isinstance(value, str):
        return value.replace(f"{project}_", "PROJECT_").replace(f"{project}-", "PROJECT-")
    if isinstance(value, dict):
        return {_renamed(k, project): _renamed(v, project) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_renamed(item, project) for item in value)
    return value


@pytest.fixture
async def workdir(tmp_path: Path) -> AsyncIterator[Path]:
    (tmp_path / "conf").mkdir()
    yield tmp_path


async def _docker_compose(*args: str, cwd: Path) -> str:
    assert shutil.which("docker-compose"), "docker-compose is missing: bash scripts/engine.sh up"
    result = await anyio.run_process(
        ["docker-compose", "--compatibility", *args], cwd=cwd, check=False, env={**os.environ}
    )
    output = (result.stdout + result.stderr).decode(errors="replace")
    assert result.returncode == 0, output
    return output


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FILES))
async def test_same_containers_as_docker_compose(
    client: DockerClient, workdir: Path, name: str
) -> None:
    path = workdir / "compose.yaml"
    path.write_text(FILES[name])
    theirs, ours = f"v1{uuid.uuid4().hex[:8]}", f"us{uuid.uuid4().hex[:8]}"
    stack = Stack.from_compose(path, project_name=ours, env={})
    try:
        with anyio.fail_after(90):
            await _docker_compose("-p", theirs, "up", "-d", cwd=workdir)
            running = await client.stacks.up(stack)
        for service, config in stack.services.items():
            for number in range(1, config.replicas + 1):
                mine = running.containers(service)[number - 1]
                await mine.reload()
                other = await client.containers.get(f"{theirs}_{service}_{number}")
                assert _normalize(mine, ours) == _normalize(other, theirs), f"{service} #{number}"
        # each tool sees the other's stack: docker-compose ps lists ours ...
        listed = await _docker_compose("-p", ours, "ps", "-q", cwd=workdir)
        assert sorted(listed.split()) == sorted(c.id for c in running.containers())
    finally:
        await client.stacks.down(ours, volumes=True)
        # ... and stacks.down() removes theirs, networks and volumes included.
        await client.stacks.down(theirs, volumes=True)
    label = {"label": [f"com.docker.compose.project={theirs}"]}
    assert await client.containers.list(all=True, filters=label) == []
    assert await client.networks.list(filters=label) == []
    assert await client.volumes.list(filters=label) == []
