"""Draw the performance page's trend picture from every run kept in benchmarks/history.

    python benchmarks/plot_trend.py          # or: nox -s bench_plot

Each run's JSON (written by run.py) gives, per row, the figure each goal
bounds. A goal's series is plotted as how far it is met: the bound over the
figure for "within" and "below" goals, the figure over the bound for "faster"
ones, so 1 is the goal line and above it is met, whatever the unit. One panel
per suite, one line per goal, runs in date order. Needs matplotlib (the
``bench_plot`` session installs it; the library and its tests do not).
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import FormatStrFormatter

HERE = Path(__file__).resolve().parent
HISTORY = HERE / "history"
PICTURE = HERE.parent / "docs" / "content" / "assets" / "performance-trend.png"
_BOUND = re.compile(r"(\d+(?:\.\d+)?)")

# suite title -> "metric: goal" -> {run index: attainment}
Series = dict[str, dict[str, dict[int, float]]]


def attainment(goal: str, figure: float) -> float | None:
    """How far ``figure`` meets ``goal`` (its text, as Goal.describe() writes it): >= 1 met."""
    found = _BOUND.search(goal)
    if found is None or figure <= 0:
        return None
    bound = float(found.group(1))
    if goal.startswith(">="):
        return figure / bound
    return bound / figure  # "within ...x of" and "< bound": lower is better


def load() -> tuple[list[str], Series]:
    runs = sorted(HISTORY.glob("*.json"))
    labels: list[str] = []
    series: Series = defaultdict(dict)
    for index, path in enumerate(runs):
        data = json.loads(path.read_text())
        labels.append(data["machine"].get("date", path.stem)[:16])
        for suite in data["suites"]:
            for row in suite["rows"]:
                for goal in row["goals"]:
                    if goal["figure"] is None:
                        continue
                    value = attainment(goal["goal"], goal["figure"])
                    if value is not None:
                        key = f"{row['metric'][:40]}: {goal['goal']}"
                        series[suite["title"]].setdefault(key, {})[index] = value
    return labels, series


def draw(labels: list[str], series: Series, path: Path) -> None:
    titles = sorted(series)
    columns = 3
    rows = (len(titles) + columns - 1) // columns
    figure, axes = plt.subplots(rows, columns, figsize=(18, 4.2 * rows), squeeze=False)
    for ax in axes.flat[len(titles) :]:
        ax.set_visible(False)
    for ax, title in zip(axes.flat, titles, strict=False):
        for key, points in sorted(series[title].items()):
            xs = sorted(points)
            ax.plot(xs, [points[x] for x in xs], marker="o", label=key)
        ax.axhline(1.0, color="black", linewidth=1, linestyle="--")
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))
        ax.yaxis.set_minor_formatter(FormatStrFormatter("%g"))
        ax.tick_params(axis="y", which="both", labelsize=7)
        ax.set_title(title, fontsize=11)
        ax.set_xticks(range(len(labels)))
        ax.set_xticklabels([label[5:] for label in labels], rotation=30, fontsize=7)
        ax.set_ylabel("goal met when >= 1", fontsize=8)
        ax.legend(fontsize=6, loc="best")
    figure.suptitle(
        f"aiocontainers benchmark goals across {len(labels)} runs (dashed line: the goal)"
    )
    figure.tight_layout(rect=(0, 0, 1, 0.97))
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=80)


def main() -> int:
    labels, series = load()
    if not series:
        print(f"no runs with goals in {HISTORY}", file=sys.stderr)
        return 1
    draw(labels, series, PICTURE)
    print(f"{len(labels)} runs, {sum(len(s) for s in series.values())} goals -> {PICTURE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
