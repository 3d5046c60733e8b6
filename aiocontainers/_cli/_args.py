"""The commands of ``python -m aiocontainers``, their options and their exit codes."""

from __future__ import annotations

import argparse
import enum
from collections.abc import Callable

__all__ = ["CLI_EXTRA_HINT", "COMMANDS", "ExitCode"]

CLI_EXTRA_HINT = "the command line needs the 'cli' extra (rich): pip install 'aiocontainers[cli]'"


class ExitCode(enum.IntEnum):
    """What the process exits with; scripts may rely on these."""

    OK = 0
    ERROR = 1  # the daemon refused, the compose file is invalid, the 'cli' extra is missing...
    USAGE = 2  # bad options (argparse's code)
    SERVICE_FAILED = 3  # a service did not start, exited, turned unhealthy, did not converge
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT), after the cleanup it triggers


def _services(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("services", nargs="*", metavar="SERVICE", help=f"only these ({what})")


def _timeout(parser: argparse.ArgumentParser, help_text: str, default: float | None) -> None:
    parser.add_argument(
        "-t", "--timeout", type=float, default=default, metavar="SECONDS", help=help_text
    )


def _up(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-d", "--detach", action="store_true", help="leave the stack running and exit"
    )
    _timeout(parser, "how long a dependency may take to be ready (default 120)", 120.0)
    parser.add_argument(
        "--keep-on-failure", action="store_true", help="keep what started when a service fails"
    )
    parser.add_argument(
        "--remove-orphans", action="store_true", help="remove containers of removed services"
    )
    parser.add_argument(
        "--ignore-swarm-keys",
        action="store_true",
        help="run without the settings only a swarm honours (placement, update_config...)",
    )


def _down(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-v", "--volumes", action="store_true", help="remove the volumes too")
    _timeout(parser, "bound on the whole teardown (default: longest grace period + 30)", None)


def _ps(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format", choices=("table", "json"), default="table", help="output format"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print container ids only")


def _logs(parser: argparse.ArgumentParser) -> None:
    _services(parser, "default: every service")
    parser.add_argument(
        "--follow", action="store_true", help="keep following (-f names a compose file here)"
    )
    parser.add_argument("--tail", default="all", metavar="N", help="lines from the end of each")
    parser.add_argument("--timestamps", action="store_true", help="prefix each line's time")


def _deploy(parser: argparse.ArgumentParser) -> None:
    _timeout(parser, "how long each service may take to converge (default 120)", 120.0)
    parser.add_argument(
        "--prune", action="store_true", help="remove services no longer in the stack"
    )


def _rm(parser: argparse.ArgumentParser) -> None:
    _timeout(parser, "bound on the removal (default 60)", None)


# name -> (help, argparse setup); ``config`` lives in __main__ (it needs no rendering).
COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "up": ("start the stack (pulls and builds what is missing), then follow its logs", _up),
    "down": ("stop and remove the stack's containers and networks", _down),
    "ps": ("list the stack's containers", _ps),
    "logs": ("print the stack's merged output, each line prefixed by its container", _logs),
    "pull": ("pull the stack's images, with live progress", lambda p: _services(p, "images of")),
    "build": ("build the stack's images, with live progress", lambda p: _services(p, "build")),
    "deploy": ("deploy the stack on the swarm and wait until it converged", _deploy),
    "rm": ("remove the stack from the swarm", _rm),
}
