"""The command line for people: ``python -m aiocontainers up|down|ps|logs|pull|build|...``.

:mod:`._args` declares the commands and their options (no third-party import, so
``--help`` and ``config`` work without the ``cli`` extra); :mod:`._commands`
runs them with rich's live rendering, imported only when a command runs.
"""

from __future__ import annotations

from ._args import CLI_EXTRA_HINT, COMMANDS, ExitCode

__all__ = ["CLI_EXTRA_HINT", "COMMANDS", "ExitCode"]
