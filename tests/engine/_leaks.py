"""The containers a test run leaves behind: every engine test must remove what it made.

Alone, a run compares every container on the engine before and after it
(``_engine_session`` in conftest.py). Under pytest-xdist the workers share the engine
and see each other's containers, so the check splits in two, and nothing escapes both:

* each worker compares only the containers carrying its own session label (what the
  ``labels`` fixture and the plugin put on everything), before its watchdog removes them;
* the controller, which runs no test, compares every container from before the first
  test to after the last worker has finished: an unlabelled container, or one labelled
  by an inner pytest run, that is still there then has leaked.
"""

from __future__ import annotations

from typing import Any

import anyio
import pytest

import aiocontainers

__all__ = ["ControllerLeakCheck", "containers", "leaked"]


async def _list(label: str | None) -> dict[str, str]:
    params: dict[str, Any] = {"all": 1}
    if label is not None:
        params["filters"] = {"label": [label]}
    async with aiocontainers.from_env(timeout=30) as client:
        rows = await client.transport.request_json("GET", "/containers/json", params=params)
    return {row["Id"]: f"{row['Names']} {row['Command']!r} {row['Labels']}" for row in rows}


def containers(label: str | None = None) -> dict[str, str]:
    """The engine's containers (those with ``label``, ``key=value``): id -> a description."""
    return anyio.run(_list, label)


def leaked(before: dict[str, str], label: str | None = None) -> list[str]:
    """Descriptions of the containers there now (with ``label``) that ``before`` lacks."""
    return [info for cid, info in containers(label).items() if cid not in before]


class ControllerLeakCheck:
    """The xdist controller's half of the check (registered by tests/conftest.py)."""

    def __init__(self) -> None:
        self.before: dict[str, str] | None = None

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: object, ids: list[str]) -> None:
        # Before the controller hands out the first test; only for runs with engine tests.
        if self.before is None and any(i.startswith("tests/engine/") for i in ids):
            try:
                self.before = containers()
            except aiocontainers.DockerException:
                pass  # no engine: the workers' engine tests fail with the reason

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.before is None:
            return
        found = leaked(self.before)
        if found:
            reporter = session.config.pluginmanager.get_plugin("terminalreporter")
            message = f"engine tests left {len(found)} container(s): {found}"
            if reporter is not None:
                reporter.ensure_newline()
                reporter.write_line(message, red=True, bold=True)
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
