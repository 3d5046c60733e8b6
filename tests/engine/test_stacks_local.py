"""More of client.stacks on one daemon: file secrets and configs, swarm-only settings,
logs that follow new replicas, logs from any process, and the sync face."""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest

import aiocontainers
from aiocontainers import DockerClient, Stack

from .test_stacks import _leftovers, make_stack


async def test_file_secrets_and_configs_are_mounted_read_only(
    client: DockerClient, image: str, labels: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "token.txt").write_text("s3cret\n")
    (tmp_path / "app.conf").write_text("level=debug\n")
    stack = make_stack(
        labels,
        {
            "app": {
                "image": image,
                "command": "sleep 300",
                "secrets": ["token", {"source": "token", "target": "/etc/token"}],
                "configs": ["conf"],
                "deploy": {"placement": {"constraints": ["node.role==manager"]}},
            }
        },
        secrets={"token": {"file": "token.txt"}},
        configs={"conf": {"file": "app.conf"}},
        working_dir=tmp_path,
    )
    with pytest.raises(aiocontainers.ComposeError, match=r"deploy\.placement: only a swarm"):
        client.stacks.up(stack)
    async with client.stacks.up(stack, ignore_swarm_keys=True) as running:
        app = running.containers("app")[0]
        read = await app.exec_run(["cat", "/run/secrets/token", "/etc/token", "/conf"])
        assert read.output == b"s3cret\ns3cret\nlevel=debug\n"
        write = await app.exec_run(["sh", "-c", "echo x > /run/secrets/token"])
        assert write.exit_code != 0  # read-only
    assert await _leftovers(client, stack.name) == []


async def test_following_logs_picks_up_new_replicas(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    stack = make_stack(
        labels,
        {"web": {"image": image, "command": ["sh", "-c", "echo up $HOSTNAME; exec sleep 300"]}},
    )
    async with client.stacks.up(stack) as running:
        async with running.logs(follow=True) as logs:
            with anyio.fail_after(30):
                first = await logs.__anext__()
                assert first.container == f"{stack.name}-web-1"
                await running.scale("web", 2)
                second = await logs.__anext__()
        assert second.container == f"{stack.name}-web-2" and second.line.startswith("up ")
        # and from any process, by the stack's name: every container, or some services
        async with aiocontainers.from_env() as other:
            records = [r async for r in other.stacks.logs(stack.name)]
            assert sorted(r.container for r in records) == [
                f"{stack.name}-web-1",
                f"{stack.name}-web-2",
            ]
            assert [r async for r in other.stacks.logs(stack.name, services=["nope"])] == []
    assert await _leftovers(client, stack.name) == []


async def test_the_sync_face(image: str, labels: dict[str, str]) -> None:
    stack: Stack = make_stack(
        labels,
        {
            "db": {"image": image, "command": ["sh", "-c", "echo db ready; exec sleep 300"]},
            "web": {"image": image, "command": "sleep 300", "depends_on": ["db"]},
        },
    )

    def body() -> tuple[list[str], list[str | None], list[str | None]]:
        from aiocontainers import sync

        client = sync.from_env()
        try:
            with client.stacks.up(stack) as running:  # blocks until up; tears down on leaving
                assert isinstance(running, sync.RunningStack)
                assert isinstance(running.containers("db")[0], sync.Container)
                lines = [record.line for record in running.logs(services=["db"])]
                scaled = [c.name for c in running.scale("web", 2)]
                listed = [c.name for c in client.stacks.ps(stack.name)]
            return lines, scaled, listed
        finally:
            client.close()

    lines, scaled, listed = await anyio.to_thread.run_sync(body)
    assert lines == ["db ready"]
    assert scaled == [f"{stack.name}-web-1", f"{stack.name}-web-2"]
    assert listed == [f"{stack.name}-{name}" for name in ("db-1", "web-1", "web-2")]
    async with aiocontainers.from_env() as client:
        assert await _leftovers(client, stack.name) == []
