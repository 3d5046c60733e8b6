"""``python -m aiocontainers``: the command line.

``config`` prints the normalized model; ``up``, ``down``, ``ps``, ``logs``,
``pull``, ``build``, ``deploy`` and ``rm`` act on the daemon with live rendering
(the ``cli`` extra, see :mod:`aiocontainers._cli`). Every command returns an
:class:`~aiocontainers._cli.ExitCode`: errors of the library print as one line
on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from ._cli import CLI_EXTRA_HINT, COMMANDS, ExitCode
from ._compose import Stack
from .errors import DockerException, InvalidArgument, ServiceFailed

__all__ = ["load_stack", "main"]


def _project_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-f", "--file", action="append", dest="files", metavar="FILE",
        help="a compose file (repeat for override files; default: compose.yaml in .)",
    )  # fmt: skip
    parser.add_argument("-p", "--project-name", help="the project name")
    parser.add_argument(
        "--profile", action="append", dest="profiles", help="activate a profile (repeatable)"
    )
    parser.add_argument("--env-file", help="the .env file to read instead of ./.env")


def load_stack(args: argparse.Namespace) -> Stack:
    """The stack the common options (``-f``, ``-p``, ``--profile``, ``--env-file``) name."""
    return Stack.from_compose(
        args.files or ".",
        project_name=args.project_name,
        profiles=args.profiles,
        env_file=args.env_file,
    )


def _config(args: argparse.Namespace) -> int:
    stack = load_stack(args)
    for warning in stack.warnings:
        print(f"WARN: {warning}", file=sys.stderr)
    if args.services:
        print("\n".join(sorted(stack.services)))
    else:
        print(json.dumps(stack.config(), indent=2))
    return ExitCode.OK


def _run(args: argparse.Namespace) -> int:
    if args.command == "config":
        return _config(args)
    try:
        from ._cli._commands import run
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] == "rich":
            raise InvalidArgument(CLI_EXTRA_HINT) from None
        raise
    return run(args, load_stack)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m aiocontainers",
        epilog="exit codes: 0 ok, 1 error, 2 usage, 3 a service failed, 130 interrupted",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    config = commands.add_parser(
        "config", help="print the normalized compose model as JSON (like docker compose config)"
    )
    _project_options(config)
    config.add_argument("--services", action="store_true", help="print only the service names")
    for name, (help_text, setup) in COMMANDS.items():
        sub = commands.add_parser(name, help=help_text)
        _project_options(sub)
        setup(sub)
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except ServiceFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.SERVICE_FAILED
    except DockerException as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
