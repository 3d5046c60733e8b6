"""The README's demo (scripts/demo.py) runs to the end against the engine."""

from __future__ import annotations

import sys
from pathlib import Path

import anyio

DEMO = Path(__file__).resolve().parents[2] / "scripts" / "demo.py"


async def test_demo_runs() -> None:
    with anyio.fail_after(90):
        result = await anyio.run_process([sys.executable, "-W", "error", str(DEMO)], check=False)
    output = result.stdout.decode()
    assert result.returncode == 0, output + result.stderr.decode()
    assert "run -> hello from a container" in output
    assert "web is healthy on" in output
    assert "exec -> 3 (b'out\\n', b'err\\n')" in output
    assert [line for line in output.splitlines() if line.startswith("log ->")] == [
        "log -> tick 1",
        "log -> tick 2",
        "log -> tick 3",
    ]
    assert "readiness strategy saw 'ready'" in output
