"""Every runnable ```python block of the documentation, executed against the real engine.

See ``tests/_docs_blocks.py`` for the conventions. Async examples define
``async def main()``, which is awaited here; plain blocks (the sync shim's) run in
a worker thread. An example that leaves a ``demo=docs`` labelled resource behind
fails, after the harness removed it.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
import pytest

import aiocontainers
from aiocontainers.testing import remove_labelled
from tests._docs_blocks import EXAMPLE_LABEL, Block, blocks, runnable_source

# Explicit, so the anyio plugin parametrizes before ours (the conftest marks too late).
# The examples share names (stacks, containers) and each ends by removing everything
# labelled demo=docs: the tests session's --dist loadfile runs them on one worker, in turn.
pytestmark = pytest.mark.anyio

EXAMPLE_TIMEOUT = 60


def _param(block: Block) -> object:
    # An example that makes the engine a swarm manager runs with the other swarm tests, alone.
    marks = [pytest.mark.serial] if "swarm.init(" in block.source else []
    return pytest.param(block, id=block.id, marks=marks)


RUNNABLE = [_param(block) for block in blocks() if block.no_run is None]


async def _leftovers() -> list[str]:
    """Remove what examples left labelled ``demo=docs``; describe it."""
    async with aiocontainers.from_env() as client:
        report = await remove_labelled(client, EXAMPLE_LABEL)
    return [f"{kind} {name}" for kind, names in vars(report).items() for name in names]


async def _run_pytest_module(block: Block, tmp_path: Path) -> None:
    """Run a documented test module with pytest in a subprocess; it must pass."""
    (tmp_path / "test_docs_module.py").write_text(block.source)
    try:
        with anyio.fail_after(EXAMPLE_TIMEOUT):
            result = await anyio.run_process(
                [
                    *(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"),
                    *("-W", "error"),
                    # pytest-asyncio (a dev dependency) warns, so fails, without this setting.
                    *("-o", "asyncio_default_fixture_loop_scope=function"),
                ],
                cwd=tmp_path,
                check=False,
            )
    finally:
        leaked = await _leftovers()
    output = (result.stdout + result.stderr).decode(errors="replace")
    assert result.returncode == 0, f"{block.id}: pytest failed:\n{output}"
    assert " passed" in output
    assert not leaked, f"{block.id} left resources behind: {leaked}"


@pytest.mark.parametrize("block", RUNNABLE)
async def test_docs_example(block: Block, tmp_path: Path) -> None:
    if block.pytest:
        await _run_pytest_module(block, tmp_path)
        return
    code = compile(runnable_source(block), str(block.path), "exec")
    namespace: dict[str, Any] = {"__name__": "docs_example"}
    try:
        with anyio.fail_after(EXAMPLE_TIMEOUT):
            await anyio.to_thread.run_sync(exec, code, namespace, abandon_on_cancel=True)
            main = namespace.get("main")
            if block.is_async:
                assert inspect.iscoroutinefunction(main), f"{block.id}: main is not async"
                await main()
    finally:
        leaked = await _leftovers()
    assert not leaked, f"{block.id} left resources behind: {leaked}"
