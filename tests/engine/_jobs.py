"""What the job runner's engine tests share."""

from __future__ import annotations

from aiocontainers import DockerClient
from aiocontainers.jobs import JOB_LABEL

__all__ = ["job_containers"]


async def job_containers(client: DockerClient, labels: dict[str, str]) -> list[str]:
    """Ids of every job container (running or not) carrying the test's labels."""
    found = await client.containers.list(
        all=True,
        sparse=True,
        filters={"label": [f"{k}={v}" for k, v in labels.items()] + [JOB_LABEL]},
    )
    return [c.id for c in found]
