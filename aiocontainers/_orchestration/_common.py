"""Small helpers the readiness waits share: names, durations, log tails, exit checks."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import anyio

from .._transport import check_timeout
from ..errors import DockerException, NotFound, NotReady

if TYPE_CHECKING:
    from .._resources.containers import Container

__all__ = ["LOG_TAIL_LINES", "describe", "ensure_running", "log_tail", "seconds"]

LOG_TAIL_LINES = 20
_STOPPED = ("exited", "dead", "removing")


def seconds(value: float | timedelta | None, name: str = "timeout") -> float | None:
    """A duration given as seconds or ``timedelta``, validated; ``None`` stays ``None``."""
    return check_timeout(value, name, zero_ok=True)


def describe(container: Container) -> str:
    """The container's name, or its short id when the name is not known."""
    return container.name or container.short_id


async def log_tail(container: Container, lines: int = LOG_TAIL_LINES) -> str:
    """The last ``lines`` lines of output, for error messages; ``""`` if they cannot be read."""
    with anyio.CancelScope(shield=True), anyio.move_on_after(5):
        try:
            data = await container.logs(tail=lines)
        except DockerException:
            return ""
        return data.decode("utf-8", "replace").rstrip("\n")
    return ""


async def ensure_running(container: Container, waiting_for: str) -> None:
    """Reload the container; raise :class:`NotReady` if it stopped or was removed."""
    try:
        await container.reload()
    except NotFound:
        raise NotReady(
            container, f"container {describe(container)} was removed while {waiting_for}"
        ) from None
    if container.status in _STOPPED:
        state = container.attrs.get("State") or {}
        code = state.get("ExitCode")
        logs = await log_tail(container)
        raise NotReady(
            container,
            f"container {describe(container)} exited with code {code} while {waiting_for}"
            + (f"; last output:\n{logs}" if logs else ""),
            exit_code=code,
            logs=logs,
        )
