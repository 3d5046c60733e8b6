"""The commands that act on the daemon, rendered with rich (the ``cli`` extra).

Data goes to stdout (tables, ``ps --format json``, logs); progress and status
lines go to stderr, so a script can read one without the other. Each command
is an async function returning an :class:`~._args.ExitCode`.
"""

from __future__ import annotations

import json
import math
from argparse import Namespace
from collections.abc import Awaitable, Callable
from typing import Literal

import anyio
from rich.console import Console
from rich.text import Text

from .. import from_env
from .._client import DockerClient
from .._compose import Stack
from .._stacks import RunningStack, StackLogs, StackStart
from .._stacks._images import build_options, image_action, stack_images
from .._stacks._translate import image_name
from ..errors import InvalidArgument
from ._args import ExitCode
from ._render import PALETTE, LogPrinter, Transfers, container_rows, event_line, print_table

__all__ = ["run"]

_EVENT_QUIET = 0.3  # seconds without an event after up() returned: the rest is printed
_EVENT_DRAIN = 2.0  # at most this long
LoadStack = Callable[[Namespace], Stack]
Command = Callable[[Namespace, LoadStack, Console, Console], Awaitable[int]]


def run(args: Namespace, load_stack: LoadStack) -> int:
    """Run the command ``args.command`` on the daemon ``DOCKER_HOST`` names."""
    command = _COMMANDS[args.command]
    return anyio.run(command, args, load_stack, Console(), Console(stderr=True))


def _project(args: Namespace, load_stack: LoadStack) -> str:
    """The project name: ``-p`` alone needs no compose file; otherwise the file decides."""
    if args.project_name and not args.files:
        return str(args.project_name)
    return load_stack(args).name


def _warn(stack: Stack, err: Console) -> None:
    for warning in stack.warnings:
        err.print(Text(f"WARN: {warning}", style="yellow"), highlight=False)


def _tail(text: str) -> int | Literal["all"]:
    if text == "all":
        return "all"
    if not text.isdigit():
        raise InvalidArgument(f"--tail takes a number of lines or 'all', not {text!r}")
    return int(text)


# -- images ---------------------------------------------------------------------------------


async def _pull_and_build(
    client: DockerClient, stack: Stack, err: Console, pulls: list[str], builds: list[str]
) -> None:
    """Pull the images of ``pulls`` and build those of ``builds`` (service keys), at once."""
    if not pulls and not builds:
        return
    with Transfers(err) as transfers:
        async with anyio.create_task_group() as tg:
            for image, service in stack_images(stack, pulls).items():
                tg.start_soon(transfers.pull, client, image, stack.services[service].platform)
            for index, service in enumerate(builds):
                style = PALETTE[index % len(PALETTE)]
                tg.start_soon(
                    transfers.build, client, service, build_options(stack, service), style
                )


async def _prepare(client: DockerClient, stack: Stack, err: Console) -> None:
    """What ``up()`` would pull or build silently, with progress bars first."""
    pulls: list[str] = []
    builds: list[str] = []
    for service in stack_images(stack).values():
        action = await image_action(client, stack, service)
        if action == "pull":
            pulls.append(service)
        elif action == "build":
            builds.append(service)
    await _pull_and_build(client, stack, err, pulls, builds)


def _selected(stack: Stack, services: list[str]) -> list[str]:
    unknown = [name for name in services if name not in stack.services]
    if unknown:
        raise InvalidArgument(
            f"no such service: {', '.join(unknown)} (services: {', '.join(stack.services)})"
        )
    return services or list(stack.services)


async def _pull(args: Namespace, load_stack: LoadStack, out: Console, err: Console) -> int:
    stack = load_stack(args)
    _warn(stack, err)
    selected = [key for key in _selected(stack, args.services) if stack.services[key].image]
    async with from_env() as client:
        await _pull_and_build(client, stack, err, selected, [])
    return ExitCode.OK


async def _build(args: Namespace, load_stack: LoadStack, out: Console, err: Console) -> int:
    stack = load_stack(args)
    _warn(stack, err)
    selected = [key for key in _selected(stack, args.services) if stack.services[key].build]
    async with from_env() as client:
        await _pull_and_build(client, stack, err, [], selected)
        for key in selected:
            err.print(Text(f"✔ built {image_name(stack, key)}", style="green"), highlight=False)
    return ExitCode.OK


# -- local stacks -----------------------------------------------------------------------------


async def _start(client: DockerClient, name: str, start: StackStart, err: Console) -> RunningStack:
    """``await start`` while printing the stack's events (started, healthy...) as they come."""
    running: RunningStack | None = None
    failure: Exception | None = None
    printed, ticks = anyio.create_memory_object_stream[None](math.inf)
    async with client.stacks.events(name) as events, anyio.create_task_group() as tg:

        async def echo() -> None:
            async for event in events:
                err.print(event_line(event), highlight=False)
                printed.send_nowait(None)

        tg.start_soon(echo)
        try:
            running = await start
            # The last starts' events are on their way: print them until quiet (bounded).
            with anyio.move_on_after(_EVENT_DRAIN):
                while True:
                    with anyio.move_on_after(_EVENT_QUIET) as quiet:
                        await ticks.receive()
                    if quiet.cancelled_caught:
                        break
        except Exception as exc:  # raised as itself below, not in an ExceptionGroup
            failure = exc
        finally:
            tg.cancel_scope.cancel()
            printed.close()
            ticks.close()
    if failure is not None:
        raise failure
    assert running is not None
    return running


async def _up(args: Namespace, load_stack: LoadStack, out: Console, err: Console) -> int:
    stack = load_stack(args)
    _warn(stack, err)
    async with from_env() as client:
        start = client.stacks.up(
            stack,
            timeout=args.timeout,
            keep_on_failure=args.keep_on_failure,
            remove_orphans=args.remove_orphans,
            ignore_swarm_keys=args.ignore_swarm_keys,
        )
        await _prepare(client, stack, err)
        running = await _start(client, stack.name, start, err)
        rows = container_rows(await running.ps())
        if args.detach:
            print_table(out, rows)
            return ExitCode.OK
        async with running:  # leaving (the logs ended, Ctrl-C, an error) tears it down
            try:
                await _print_logs(running.logs(follow=True), out, [r["name"] for r in rows])
            finally:
                err.print(Text(f"stopping stack {stack.name}...", style="dim"), highlight=False)
    return ExitCode.OK


async def _print_logs(logs: StackLogs, out: Console, names: list[str]) -> None:
    printer = LogPrinter(out, names)
    async with logs as stream:
        async for record in stream:
            printer.print(record)


async def _down(args: Namespace, load_stack: LoadStack, out: Console, err: Console) -> int:
    name = _project(args, load_stack)
    async with from_env() as client:
        await client.stacks.down(name, volumes=args.volumes, timeout=args.timeout)
    err.print(Text(f"✔ stack {name} removed", style="green"), highlight=False)
    return ExitCode.OK


async def _ps(args: Namespace, load_stack: LoadStack, out: Console, err: Console) -> int:
    name = _project(args, load_stack)
    async with from_env() as client:
        rows = container_rows(await client.stacks.ps(name))
    if args.quiet:
        for row in rows:
            out.print(row["id"], highlight=False)
    elif args.format == "json":
        out.print(json.dumps(rows, indent=2), highlight=False, soft_wrap=True)
    else:
        print_table(out, rows)
    return ExitCode.OK


async def _logs(args: Namespace, load_stack: LoadStack, out: Console, err: Console) -> int:
    name = _project(args, load_stack)
    async with from_env() as client:
        containers = await client.stacks.ps(name)
        logs = client.stacks.logs(
            name,
            follow=args.follow,
            tail=_tail(args.tail),
            timestamps=args.timestamps,
            services=args.services or None,
        )
        await _print_logs(logs, out, [c.name or "" for c in containers])
    return ExitCode.OK


# -- swarm ------------------------------------------------------------------------------------


async def _deploy(args: Namespace, load_stack: LoadStack, out: Console, err: Console) -> int:
    stack = load_stack(args)
    _warn(stack, err)
    async with from_env() as client:
        deploying = client.stacks.deploy(stack, timeout=args.timeout, prune=args.prune)
        with err.status(f"deploying {stack.name} and waiting until it converged..."):
            deployed = await deploying
        for key, service in deployed.services().items():
            tasks = await deployed.tasks(key, running=True)
            up = sum(1 for t in tasks if t["Status"]["State"] in ("running", "complete"))
            err.print(Text(f"✔ {service.name} {up} task(s) up", style="green"), highlight=False)
    return ExitCode.OK


async def _rm(args: Namespace, load_stack: LoadStack, out: Console, err: Console) -> int:
    name = _project(args, load_stack)
    async with from_env() as client:
        with err.status(f"removing {name}..."):
            await client.stacks.rm(name, timeout=args.timeout)
    err.print(Text(f"✔ stack {name} removed", style="green"), highlight=False)
    return ExitCode.OK


_COMMANDS: dict[str, Command] = {
    "up": _up,
    "down": _down,
    "ps": _ps,
    "logs": _logs,
    "pull": _pull,
    "build": _build,
    "deploy": _deploy,
    "rm": _rm,
}
