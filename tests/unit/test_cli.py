"""The command line without a daemon: usage and error exit codes, the missing extra, and
what it draws (bars with sizes and rates, coloured prefixes, status lines, tables)."""

from __future__ import annotations

import io
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from aiocontainers import StackEvent, StackLogRecord
from aiocontainers.__main__ import main
from aiocontainers._cli import ExitCode
from aiocontainers._cli._render import LogPrinter, Transfers, event_line
from aiocontainers._progress import ProgressTracker


def _console(width: int = 100, colour: bool = False) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=colour,
        color_system="standard" if colour else None,
    )
    return console, buffer


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["up", "--no-such-flag"])
    assert info.value.code == ExitCode.USAGE
    assert int(ExitCode.USAGE) == 2
    assert "unrecognized arguments: --no-such-flag" in capsys.readouterr().err


def test_an_invalid_compose_file_exits_1_before_any_daemon_call(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent.sock")
    path = tmp_path / "compose.yaml"
    path.write_text("services: {web: {image: x, deploy: {mode: everywhere}}}\n")
    assert main(["up", "-f", str(path)]) == ExitCode.ERROR
    assert capsys.readouterr().err.startswith("error: services.web.deploy.mode: Input should be")


def test_the_missing_extra_is_named(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in list(sys.modules):
        if name == "rich" or name.startswith(("rich.", "aiocontainers._cli._")):
            if name != "aiocontainers._cli._args":
                monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "rich", None)  # as if rich were not installed
    assert main(["ps", "-p", "shop"]) == ExitCode.ERROR
    assert capsys.readouterr().err == (
        "error: the command line needs the 'cli' extra (rich): pip install 'aiocontainers[cli]'\n"
    )


def test_pull_bars_show_each_layer_with_size_and_rate() -> None:
    console, buffer = _console()
    now = [0.0]
    transfers = Transfers(console, clock=lambda: now[0])
    tracker = ProgressTracker("pull")
    head = transfers.start_pull("registry.local/app:1")
    messages: list[dict[str, Any]] = [
        {"status": "Pulling from app", "id": "1"},
        {"status": "Pulling fs layer", "progressDetail": {}, "id": "aaa"},
        {"status": "Already exists", "progressDetail": {}, "id": "bbb"},
    ]
    for message in messages:
        transfers.show_pull(head, tracker.feed(message))
    for second in range(1, 5):  # 2 MB a second
        now[0] = float(second)
        detail = {"current": second * 2_000_000, "total": 10_000_000}
        message = {"status": "Downloading", "progressDetail": detail, "id": "aaa"}
        transfers.show_pull(head, tracker.feed(message))
    console.print(transfers.progress)
    live = buffer.getvalue()
    [layer] = [line for line in live.splitlines() if line.startswith("  aaa")]
    assert "8.0/10.0 MB" in layer and "2.0 MB/s" in layer and "Downloading" in layer
    assert "Already exists" in live
    for message in (
        {"status": "Pull complete", "progressDetail": {}, "id": "aaa"},
        {"status": "Status: Downloaded newer image for registry.local/app:1"},
    ):
        transfers.show_pull(head, tracker.feed(message))
    transfers.end_pull(head)
    buffer.seek(0)
    buffer.truncate()
    console.print(transfers.progress)
    [line] = [line for line in buffer.getvalue().splitlines() if line.startswith("registry")]
    assert "10.0/10.0 MB" in line and "Downloaded newer image" in line
    assert "MB/s" not in line  # a finished line shows no rate


def test_log_prefixes_are_padded_and_coloured() -> None:
    console, buffer = _console(colour=True)
    printer = LogPrinter(console, ["shop-db-1", "shop-web-10"])
    stamp = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    printer.print(StackLogRecord("db", "shop-db-1", "stdout", "ready [ok]"))
    printer.print(StackLogRecord("web", "shop-web-10", "stderr", "oops", timestamp=stamp))
    lines = buffer.getvalue().splitlines()
    assert lines[0] == "\x1b[36mshop-db-1   | \x1b[0mready [ok]"  # cyan; markup not interpreted
    assert lines[1] == (
        "\x1b[33mshop-web-10 | \x1b[0m2026-01-02T03:04:05+00:00 \x1b[31moops\x1b[0m"
    )  # yellow prefix, stderr in red


def test_status_lines_of_stack_events() -> None:
    when = datetime(2026, 1, 1, tzinfo=timezone.utc)
    healthy = StackEvent("healthy", "db", "shop-db-1", "id", when)
    failed = StackEvent("exited", "job", "shop-job-1", "id", when, exit_code=3)
    done = StackEvent("exited", "job", "shop-job-1", "id", when, exit_code=0)
    assert (str(event_line(healthy)), event_line(healthy).style) == (
        "✔ shop-db-1 healthy",
        "green",
    )
    assert (str(event_line(failed)), event_line(failed).style) == (
        "✘ shop-job-1 exited (3)",
        "red",
    )
    assert event_line(done).style == "dim"
