"""``python -m aiocontainers``: the command line (``config`` today; more subcommands plug in).

Each subcommand is a function registered in ``COMMANDS`` with its argparse
setup; it returns the process exit code. Errors of the library print as one
line on stderr with exit code 1 (2 for a usage error, as argparse does).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from ._compose import Stack
from .errors import DockerException

__all__ = ["main"]


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
    return 0


def _add_flag(parser: argparse.ArgumentParser, flag: str, help_text: str) -> None:
    parser.add_argument(flag, action="store_true", help=help_text)


COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[..., int]]] = {
    "config": (
        "print the normalized compose model as JSON (like docker compose config)",
        lambda parser: _add_flag(parser, "--services", "print only the service names"),
        _config,
    ),
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m aiocontainers")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (help_text, setup, _) in COMMANDS.items():
        sub = commands.add_parser(name, help=help_text)
        _project_options(sub)
        setup(sub)
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command][2](args)
    except DockerException as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
