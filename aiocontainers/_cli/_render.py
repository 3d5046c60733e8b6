"""What the command line draws: live pull and build bars, coloured log prefixes, tables.

:class:`Transfers` keeps one rich ``Progress`` for every pull and build of a
command: a line per image (overall bytes, rate) or build (its steps), and an
indented line per layer with its size, rate and status. Build output and
build-time pulls come from the same build stream. :class:`LogPrinter` prefixes
each line with its container's name in that container's colour.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TransferSpeedColumn,
)
from rich.table import Column, Table
from rich.text import Text

from .._progress import ProgressEvent, ProgressSnapshot, ProgressTracker
from .._stacks import StackEvent, StackLogRecord

if TYPE_CHECKING:
    from .._client import DockerClient
    from .._resources.containers import Container

__all__ = ["LogPrinter", "Transfers", "container_rows", "event_line", "print_table"]

PALETTE = (
    "cyan",
    "yellow",
    "green",
    "magenta",
    "blue",
    "bright_cyan",
    "bright_yellow",
    "bright_green",
    "bright_magenta",
    "bright_blue",
)
_STEP = re.compile(r"^Step (\d+)/(\d+) : ")
_EVENT_STYLE = {
    "started": "green",
    "healthy": "green",
    "restarted": "yellow",
    "unhealthy": "red",
}


class _Amount(ProgressColumn):
    """Bytes for a transfer (``12.3/40.1 MB``), steps for a build (``step 3/5``)."""

    def __init__(self) -> None:
        super().__init__(table_column=Column(no_wrap=True, justify="right"))
        self._bytes = DownloadColumn()

    def render(self, task: Task) -> Text:
        if task.fields.get("kind") == "build":
            return Text(f"step {int(task.completed)}/{int(task.total)}" if task.total else "")
        if task.fields.get("sizeless") or (task.total is None and not task.completed):
            return Text("")
        return self._bytes.render(task)


class _Rate(ProgressColumn):
    """The transfer rate of a pull or layer; nothing for a build."""

    def __init__(self) -> None:
        super().__init__(table_column=Column(no_wrap=True, justify="right"))
        self._speed = TransferSpeedColumn()

    def render(self, task: Task) -> Text:
        if task.fields.get("kind") == "build" or task.finished:
            return Text("")
        return self._speed.render(task)


class Transfers:
    """Live bars for the pulls and builds of one command (``with Transfers(console):``)."""

    def __init__(self, console: Console, clock: Callable[[], float] | None = None) -> None:
        self.console = console
        self.progress = Progress(
            TextColumn("{task.description}", table_column=Column(no_wrap=True)),
            BarColumn(bar_width=24),
            _Amount(),
            _Rate(),
            TextColumn(
                "{task.fields[status]}",
                table_column=Column(no_wrap=True, overflow="ellipsis", ratio=1, min_width=14),
            ),
            console=console,
            expand=True,
            get_time=clock,
        )

    def __enter__(self) -> Transfers:
        self.progress.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.progress.stop()

    def _layers(self, snapshot: ProgressSnapshot, tasks: dict[str, TaskID]) -> None:
        for layer_id, layer in snapshot.layers.items():
            task = tasks.get(layer_id)
            if task is None:
                task = tasks[layer_id] = self.progress.add_task(
                    f"  {layer_id}", total=None, status="", kind="layer", sizeless=False
                )
            sizeless = layer.total is None and layer.done  # "Already exists"
            self.progress.update(
                task,
                total=1 if sizeless else layer.total,
                completed=1 if sizeless else layer.current,
                status=layer.status,
                sizeless=sizeless,
            )

    async def pull(self, client: DockerClient, image: str, platform: str | None = None) -> None:
        """Pull ``image`` with a line for it and one per layer."""
        head = self.start_pull(image)
        async for event in client.images.pull_progress(image, platform=platform):
            self.show_pull(head, event)
        self.end_pull(head)

    def start_pull(self, image: str) -> TaskID:
        """The line of a pull that begins."""
        return self.progress.add_task(
            image, total=None, status="pulling", kind="image", sizeless=False, layers={}
        )

    def show_pull(self, head: TaskID, event: ProgressEvent) -> None:
        """One message of the pull: its layers' lines and the overall bytes."""
        task = self.progress.tasks[head]
        self._layers(event.aggregate, task.fields["layers"])
        self.progress.update(
            head, total=event.aggregate.total or None, completed=event.aggregate.current
        )
        if event.status.startswith("Status: "):  # "Downloaded newer image for NAME"
            outcome = event.status.removeprefix("Status: ").partition(" for ")[0]
            self.progress.update(head, status=outcome)

    def end_pull(self, head: TaskID) -> None:
        """A full bar; with nothing transferred (the image was there) no byte count."""
        task = self.progress.tasks[head]
        total = int(task.total or 0)
        status = task.fields["status"]
        self.progress.update(
            head,
            total=total or 1,
            completed=total or 1,
            sizeless=not total,
            status="pulled" if status == "pulling" else status,
        )

    async def build(
        self, client: DockerClient, service: str, options: Mapping[str, Any], style: str
    ) -> None:
        """Build one service's image: its steps as a bar, its output printed above the
        bars, and the pulls of its base images as layer lines."""
        head = self.progress.add_task(f"build {service}", total=None, status="", kind="build")
        layers: dict[str, TaskID] = {}
        pulls = ProgressTracker("pull")
        async for entry in client.images.build_stream(**options):
            line = str(entry.get("stream") or "").rstrip("\n")
            if line.strip():
                step = _STEP.match(line)
                if step:
                    number, steps = int(step.group(1)), int(step.group(2))
                    self.progress.update(
                        head, total=steps, completed=number - 1, status=line[step.end() :]
                    )
                text = Text.assemble((f"{service} | ", style), line)
                self.console.print(text, soft_wrap=True, highlight=False)
            elif entry.get("id") and entry.get("status"):
                self._layers(pulls.feed(entry).aggregate, layers)
        total = self.progress.tasks[head].total or 1
        self.progress.update(head, total=total, completed=total, status="built")


class LogPrinter:
    """Prints stack log records as ``NAME | line``, each container in its own colour."""

    def __init__(self, console: Console, names: Iterable[str] = ()) -> None:
        self.console = console
        self.colours: dict[str, str] = {}
        self.width = 0
        for name in names:
            self.colour(name)

    def colour(self, name: str) -> str:
        """The colour of container ``name`` (assigned in the order names are met)."""
        if name not in self.colours:
            self.colours[name] = PALETTE[len(self.colours) % len(PALETTE)]
            self.width = max(self.width, len(name))
        return self.colours[name]

    def print(self, record: StackLogRecord) -> None:
        text = Text()
        text.append(f"{record.container:<{self.width}} | ", style=self.colour(record.container))
        if record.timestamp is not None:
            text.append(f"{record.timestamp.isoformat()} ")
        text.append(record.line, style="red" if record.stream == "stderr" else None)
        self.console.print(text, soft_wrap=True, highlight=False)


def event_line(event: StackEvent) -> Text:
    """A stack event as a status line: ``✔ shop-db-1 healthy``."""
    if event.kind == "exited":
        failed = event.exit_code not in (0, None)
        mark, style = ("✘", "red") if failed else ("✔", "dim")
        return Text(f"{mark} {event.container} exited ({event.exit_code})", style=style)
    style = _EVENT_STYLE[event.kind]
    mark = "✘" if event.kind == "unhealthy" else "✔"
    return Text(f"{mark} {event.container} {event.kind}", style=style)


def _ports(container: Container) -> list[str]:
    ports = (container.attrs.get("NetworkSettings") or {}).get("Ports") or {}
    shown = []
    for target, bindings in sorted(ports.items()):
        for binding in bindings or []:
            shown.append(f"{binding.get('HostIp')}:{binding.get('HostPort')}->{target}")
        if not bindings:
            shown.append(target)
    return shown


def container_rows(containers: Iterable[Container]) -> list[dict[str, Any]]:
    """What ``ps`` shows of each container, as plain data (``--format json``)."""
    rows = []
    for container in containers:
        state = container.attrs.get("State") or {}
        rows.append(
            {
                "id": container.id,
                "name": container.name,
                "service": container.labels.get("com.docker.compose.service", ""),
                "number": int(container.labels.get("com.docker.compose.container-number") or 0),
                "state": container.status,
                "health": (state.get("Health") or {}).get("Status"),
                "exit_code": state.get("ExitCode") if container.status == "exited" else None,
                "ports": _ports(container),
            }
        )
    return rows


def print_table(console: Console, rows: list[dict[str, Any]]) -> None:
    """``ps`` for people: name, service, status (with health or exit code), ports."""
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("NAME", "SERVICE", "STATUS", "PORTS"):
        table.add_column(column)
    for row in rows:
        status = row["state"]
        if row["health"]:
            status += f" ({row['health']})"
        elif row["exit_code"] is not None:
            status += f" ({row['exit_code']})"
        style = "green" if row["state"] == "running" else "red" if row["exit_code"] else "dim"
        table.add_row(
            row["name"], row["service"], Text(status, style=style), ", ".join(row["ports"])
        )
    console.print(table)
