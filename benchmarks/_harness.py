"""Benchmark harness: timing, robust statistics, result tables and the markdown report.

Every suite measures all libraries in the same run, interleaved round by round,
so a noisy shared machine slows them alike; medians (with the interquartile
range) over repeated rounds absorb the rest. Results are ratios first: absolute
numbers on a shared 2-core box say little, ratios measured together say a lot.
"""

from __future__ import annotations

import datetime
import importlib.metadata
import json
import os
import platform
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "AIO",
    "AIODOCKER",
    "DOCKER_PY",
    "RAW",
    "Cell",
    "Goal",
    "Row",
    "Stat",
    "SuiteResult",
    "Unavailable",
    "machine_info",
    "render_markdown",
    "render_text",
    "scale",
]

AIO = "aiocontainers"
RAW = "raw socket"
AIODOCKER = "aiodocker"
DOCKER_PY = "docker-py"

Direction = Literal["lower", "higher"]


@dataclass(frozen=True)
class Stat:
    """Samples of one measurement; the median is the value, the IQR the spread."""

    samples: tuple[float, ...]

    @classmethod
    def of(cls, samples: Sequence[float]) -> Stat:
        if not samples:
            raise ValueError("a Stat needs at least one sample")
        return cls(tuple(samples))

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def iqr(self) -> float:
        if len(self.samples) < 4:
            return max(self.samples) - min(self.samples)
        q1, _, q3 = statistics.quantiles(self.samples, n=4)
        return q3 - q1


@dataclass(frozen=True)
class Unavailable:
    """A library that could not be measured for a row, and why."""

    reason: str


Cell = Stat | Unavailable


def scale(cell: Cell, factor: float) -> Cell:
    """The same cell in another unit (e.g. seconds to milliseconds)."""
    if isinstance(cell, Stat):
        return Stat.of([s * factor for s in cell.samples])
    return cell


@dataclass(frozen=True)
class Goal:
    """A target for aiocontainers on one row, checked against the measured medians.

    ``kind``:
    - ``"within"``: aiocontainers' cost is at most ``bound`` times ``against``'s
      (cost: time, or the inverse of a rate), e.g. "within 1.10x of aiodocker".
    - ``"faster"``: aiocontainers is at least ``bound`` times as fast as
      ``against`` (a rate ratio; ``bound`` 0.9 reads "at least 0.9x raw").
    - ``"below"``: aiocontainers' median is below ``bound`` in the row's unit.
    """

    kind: Literal["within", "faster", "below"]
    bound: float
    against: str | None = None

    def describe(self) -> str:
        if self.kind == "below":
            return f"< {self.bound:g}"
        if self.kind == "within":
            return f"within {self.bound:.2f}x of {self.against}"
        if self.bound >= 1:
            return f">= {self.bound:g}x faster than {self.against}"
        return f">= {self.bound:g}x {self.against}'s speed"

    def figure(self, row: Row) -> float | None:
        """The measured figure this goal bounds (a median or a ratio); None: not measured."""
        mine = row.cells.get(row.subject)
        if not isinstance(mine, Stat):
            return None
        if self.kind == "below":
            return mine.median
        assert self.against is not None
        theirs = row.cells.get(self.against)
        if not isinstance(theirs, Stat):
            return None
        speed = row.speed(mine.median, theirs.median)
        return 1 / speed if self.kind == "within" else speed

    def met(self, figure: float) -> bool:
        if self.kind == "below":
            return figure < self.bound
        return figure <= self.bound if self.kind == "within" else figure >= self.bound

    def evaluate(self, row: Row) -> tuple[str, bool | None]:
        """The measured figure for this goal and whether it is met (None: not measurable)."""
        figure = self.figure(row)
        if figure is None:
            return "n/a", None
        text = _fmt(figure) if self.kind == "below" else f"{figure:.2f}x"
        return text, self.met(figure)


@dataclass
class Row:
    """One measured quantity for every library (a column per library)."""

    metric: str
    unit: str
    direction: Direction
    cells: dict[str, Cell] = field(default_factory=dict)
    goals: list[Goal] = field(default_factory=list)
    note: str = ""
    subject: str = AIO

    def speed(self, mine: float, theirs: float) -> float:
        """How many times faster the subject is (>1) than the other (rates or times)."""
        if self.direction == "lower":
            return theirs / mine if mine else float("inf")
        return mine / theirs if theirs else float("inf")

    def ratio(self, other: str) -> str:
        """The subject's value divided by ``other``'s, in this row's own unit."""
        mine, theirs = self.cells.get(self.subject), self.cells.get(other)
        if not isinstance(mine, Stat) or not isinstance(theirs, Stat) or not theirs.median:
            return "-"
        return f"{mine.median / theirs.median:.2f}x"


@dataclass
class SuiteResult:
    """A suite's table: rows over a fixed set of library columns, plus notes."""

    name: str
    title: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0
    subject: str = AIO

    def add(self, row: Row) -> Row:
        row.subject = self.subject
        self.rows.append(row)
        return row

    def ratio_columns(self) -> list[str]:
        return [c for c in self.columns if c != self.subject]


def _fmt(value: float) -> str:
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def _cell_text(cell: Cell | None) -> str:
    if cell is None:
        return "-"
    if isinstance(cell, Unavailable):
        return cell.reason
    if len(cell.samples) == 1:
        return _fmt(cell.median)
    return f"{_fmt(cell.median)} ±{_fmt(cell.iqr / 2)}"


def _goal_text(row: Row) -> str:
    parts = []
    for goal in row.goals:
        measured, met = goal.evaluate(row)
        verdict = {True: "met", False: "MISSED", None: "not measured"}[met]
        parts.append(f"{goal.describe()}: {measured} {verdict}")
    return "; ".join(parts)


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine_info(engine_version: str) -> dict[str, str]:
    """What a reader needs to judge the numbers: cores, Python, engine and library versions."""
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu cores (os.cpu_count)": str(os.cpu_count()),
        "load average (1/5/15 min)": " / ".join(f"{x:.2f}" for x in os.getloadavg()),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "docker engine": engine_version,
        "aiocontainers": _version("aiocontainers"),
        "aiodocker": _version("aiodocker"),
        "docker-py": _version("docker"),
        "aiohttp": _version("aiohttp"),
    }


def _table(result: SuiteResult) -> tuple[list[str], list[list[str]]]:
    ratio_cols = [c for c in result.ratio_columns() if any(c in r.cells for r in result.rows)]
    short = "aio" if result.subject == AIO else result.subject
    header = ["metric", *result.columns, *(f"{short} / {c}" for c in ratio_cols), "goal"]
    body = []
    for row in result.rows:
        line = [f"{row.metric} ({row.unit}, {row.direction} is better)"]
        line += [_cell_text(row.cells.get(c)) for c in result.columns]
        line += [row.ratio(c) for c in ratio_cols]
        line.append(_goal_text(row))
        body.append(line)
    return header, body


def render_markdown(
    results: Sequence[SuiteResult], info: dict[str, str], command: str, total: float
) -> str:
    """The report: machine facts, how it was run, then one table per suite.

    It has no title of its own and its sections are level-3 headings: the docs
    include it under their own "Results" heading.
    """
    out = [
        "Produced by `benchmarks/run.py`; every library measured in the same run, "
        "interleaved round by round. Cells are medians ±half the interquartile range; "
        "`aio / X` is aiocontainers' median divided by X's in the row's unit "
        "(for times below 1 is faster, for rates above 1 is faster); goals are the "
        "project's targets, checked against these medians.",
        "",
        "| machine | |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in info.items()),
        f"| command | `{command}` |",
        f"| total wall time | {total:.0f} s |",
        "",
    ]
    for result in results:
        out += [f"### {result.title}", ""]
        if result.error:
            out += [f"**Suite failed:** `{result.error}`", ""]
        if result.rows:
            header, body = _table(result)
            out.append("| " + " | ".join(header) + " |")
            out.append("|" + "---|" * len(header))
            out += ["| " + " | ".join(cells) + " |" for cells in body]
            out.append("")
        for row in result.rows:
            if row.note:
                out.append(f"- *{row.metric}*: {row.note}")
        out += [f"- {note}" for note in result.notes]
        out += [f"- suite wall time: {result.seconds:.0f} s", ""]
    return "\n".join(out)


def render_text(result: SuiteResult) -> str:
    """A suite's table for the terminal (aligned columns)."""
    lines = [f"== {result.title} ({result.seconds:.0f} s)"]
    if result.error:
        lines.append(f"   SUITE FAILED: {result.error}")
    if result.rows:
        header, body = _table(result)
        widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
        for cells in [header, *body]:
            padded = (c.ljust(w) for c, w in zip(cells, widths, strict=True))
            lines.append(("   " + "  ".join(padded)).rstrip())
    lines += [f"   * {row.metric}: {row.note}" for row in result.rows if row.note]
    lines += [f"   * {note}" for note in result.notes]
    return "\n".join(lines)


def results_json(results: Sequence[SuiteResult], info: dict[str, str], command: str) -> str:
    """One run as JSON, for the history the performance page plots: medians and goal
    figures per row (the markdown report keeps the spreads and notes)."""
    suites = []
    for result in results:
        rows = []
        for row in result.rows:
            cells = {
                name: cell.median if isinstance(cell, Stat) else None
                for name, cell in row.cells.items()
            }
            goals = []
            for goal in row.goals:
                figure = goal.figure(row)
                met = None if figure is None else goal.met(figure)
                goals.append({"goal": goal.describe(), "figure": figure, "met": met})
            rows.append(
                {"metric": row.metric, "unit": row.unit, "subject": row.subject}
                | {"cells": cells, "goals": goals}
            )
        suites.append(
            {"name": result.name, "title": result.title, "error": result.error, "rows": rows}
        )
    return json.dumps({"machine": info, "command": command, "suites": suites}, indent=1)
