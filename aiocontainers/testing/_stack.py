"""Stacks for tests: a Compose project under a unique name, carrying the run's labels.

:func:`for_test` copies a :class:`~aiocontainers.Stack` (or reads a Compose file
or dict) under a unique project name -- two tests, or two xdist workers, can
run the same file at once -- with the run's labels on every service and on the
networks and volumes the stack creates, so the watchdog sweeps them too.
Services still reach each other by their service names.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Union

from .._compose import Stack

__all__ = ["StackSource", "for_test"]

StackSource = Union[Stack, str, "os.PathLike[str]", Sequence[str], Mapping[str, Any]]


def _labelled(config: Any, labels: Mapping[str, str]) -> Any:
    return config.model_copy(update={"labels": {**(config.labels or {}), **labels}})


def for_test(source: StackSource, labels: Mapping[str, str]) -> Stack:
    """``source`` as a stack named ``<its name>-<8 hex digits>``, labelled with ``labels``."""
    stack = source if isinstance(source, Stack) else Stack.from_compose(source)
    return Stack(
        f"{stack.name}-{uuid.uuid4().hex[:8]}",
        services={key: _labelled(s, labels) for key, s in stack.services.items()},
        networks={
            key: n if n.external else _labelled(n, labels) for key, n in stack.networks.items()
        },
        volumes={
            key: v if v.external else _labelled(v, labels) for key, v in stack.volumes.items()
        },
        working_dir=stack.working_dir,
        profiles=stack.profiles,
        config_files=stack.config_files,
        extensions=stack.extensions,
    )
