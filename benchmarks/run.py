"""Run the benchmark suites and write the markdown report.

    python benchmarks/run.py                 # every suite, default sizes (< ~8 min)
    python benchmarks/run.py --quick         # smoke run, about a minute
    python benchmarks/run.py --only logs,exec --rounds 5

aiocontainers, a raw-socket baseline, aiodocker and docker-py are measured in
the same run and the tables report medians and ratios. Everything a suite
creates carries the label ``aiocontainers.bench=1`` and is removed when the
suite ends, also when it fails. A suite that fails is reported, not fatal.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import gc
import importlib
import sys
import time
import traceback
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _common import Context, open_context, remove_labelled  # noqa: E402
from _harness import (  # noqa: E402
    SuiteResult,
    machine_info,
    render_markdown,
    render_text,
    results_json,
)

ROOT = HERE.parent
DEFAULT_OUTPUTS = [HERE / "results" / "latest.md", ROOT / "docs" / "performance-results.md"]
# Every run's figures as JSON, one file per run, kept in git: the performance page's trend
# plot (benchmarks/plot_trend.py) draws them.
HISTORY = HERE / "history"

# name -> (module, title); run in this order.
SUITES: dict[str, tuple[str, str]] = {
    "unary": ("bench_unary", "Unary calls"),
    "logs": ("bench_logs", "Log streaming throughput"),
    "output": ("bench_output", "Output of an exited container"),
    "archive": ("bench_archive", "Tar streams: export and get_archive"),
    "load": ("bench_load", "Followed streams beside unary calls"),
    "exec": ("bench_exec", "Exec"),
    "containers": ("bench_containers", "Short-lived containers"),
    "build": ("bench_build", "Build context upload"),
    "registry": ("bench_registry", "Push and pull through the local registry"),
    "health": ("bench_health", "Health wake-up"),
    "events": ("bench_events", "Events"),
    "sync": ("bench_sync", "Sync shim overhead"),
    "stacks": ("bench_stacks", "Stacks: up + down of 10 services"),
    "jobs": ("bench_jobs", "Jobs"),
    "ssh": ("bench_ssh", "SSH engines"),
    "import": ("bench_import", "Import time"),
    "scale": ("bench_scale", "Scale: 10 -> 100 -> 1,000"),
}
# Run only when named (--only): minutes long, and it creates 1,000 containers.
OPT_IN = {"scale"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, few rounds (~1 min)")
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help=f"run only these suites (comma-separated or repeated): {', '.join(SUITES)} "
        f"({', '.join(sorted(OPT_IN))} only when named)",
    )
    parser.add_argument("--rounds", type=int, help="rounds per suite (default: per suite)")
    parser.add_argument(
        "--output",
        action="append",
        type=Path,
        metavar="PATH",
        help="markdown report path, may repeat (default: benchmarks/results/latest.md "
        "and docs/performance-results.md)",
    )
    parser.add_argument(
        "--no-report", action="store_true", help="print the tables only, write no file"
    )
    args = parser.parse_args(argv)
    selected = [n.strip() for item in args.only or [] for n in item.split(",") if n.strip()]
    unknown = [n for n in selected if n not in SUITES]
    if unknown:
        parser.error(f"unknown suite(s) {', '.join(unknown)}; choose from {', '.join(SUITES)}")
    args.selected = selected or [name for name in SUITES if name not in OPT_IN]
    if args.rounds is not None and args.rounds < 1:
        parser.error("--rounds must be at least 1")
    return args


class LeakCounter:
    """Counts aiohttp's "Unclosed ..." reports (a response dropped without release)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if str(context.get("message", "")).startswith("Unclosed"):
            self.count += 1
        else:
            loop.default_exception_handler(context)


LEAKS = LeakCounter()


async def run_suite(ctx: Context, name: str) -> SuiteResult:
    module_name, title = SUITES[name]
    started = time.perf_counter()
    leaks = LEAKS.count
    try:
        module = importlib.import_module(module_name)
        suite: Callable[[Context], Awaitable[SuiteResult]] = module.run
        result = await suite(ctx)
    except Exception as exc:
        traceback.print_exc()
        result = SuiteResult(name, title, [], error=f"{type(exc).__name__}: {exc}")
    finally:
        await remove_labelled(ctx.raw)
    gc.collect()
    await asyncio.sleep(0)
    if LEAKS.count > leaks:
        result.notes.append(
            f"aiohttp reported {LEAKS.count - leaks} unclosed connection(s) during this suite: "
            "streams abandoned part-way whose library did not release them (aiodocker's "
            "known leak; aiocontainers releases on break/cancel)"
        )
    result.seconds = time.perf_counter() - started
    return result


async def main(args: argparse.Namespace) -> list[SuiteResult]:
    results = []
    asyncio.get_running_loop().set_exception_handler(LEAKS)
    async with open_context(args.quick, args.rounds) as ctx:
        version = await ctx.raw.json("GET", "/version")
        args.engine = f"{version['Version']} (API {version['ApiVersion']})"
        await remove_labelled(ctx.raw)
        for name in args.selected:
            print(f"-- running {name}...", flush=True)
            result = await run_suite(ctx, name)
            print(render_text(result), flush=True)
            results.append(result)
    return results


def cli(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    results = asyncio.run(main(args))
    total = time.perf_counter() - started
    command = " ".join(["python benchmarks/run.py", *sys.argv[1:]])
    info = machine_info(args.engine)
    report = render_markdown(results, info, command, total)
    if not args.no_report:
        for path in args.output or DEFAULT_OUTPUTS:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(report + "\n")
            print(f"report written to {path}")
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        history = HISTORY / f"{stamp}-{'-'.join(args.selected) if args.only else 'all'}.json"
        history.parent.mkdir(parents=True, exist_ok=True)
        history.write_text(results_json(results, info, command) + "\n")
        print(f"figures written to {history}")
    print(f"total {total:.0f} s")
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    sys.exit(cli())
