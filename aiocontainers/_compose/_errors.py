"""Validation errors of a Compose project, worded with the path of each bad value.

pydantic reports ``('services', 'web', 'ports', 1, 'target')``; users read
``services.web.ports[1].target``. An unknown key names itself and, when it is
a Compose key this library does not implement, says so instead of a typo hint.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from ..errors import ComposeError

__all__ = ["UNSUPPORTED_KEYS", "format_path", "invalid_project"]

# Compose keys that exist in the specification but that stacks do not implement (yet).
UNSUPPORTED_KEYS = frozenset(
    {
        "annotations",
        "attach",
        "blkio_config",
        "cgroup",
        "cgroup_parent",
        "cpu_count",
        "cpu_percent",
        "cpu_period",
        "cpu_quota",
        "cpu_rt_period",
        "cpu_rt_runtime",
        "credential_spec",
        "develop",
        "device_cgroup_rules",
        "external_links",
        "gpus",
        "include",
        "isolation",
        "links",
        "mac_address",
        "mem_swappiness",
        "models",
        "oom_kill_disable",
        "post_start",
        "pre_stop",
        "provider",
        "runtime",
        "storage_opt",
        "uts",
        "volume_driver",
    }
)


def format_path(location: Sequence[int | str]) -> str:
    """``('services', 'web', 'ports', 1)`` as ``services.web.ports[1]``."""
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _message(error: ErrorDetails, vocabulary: Iterable[str]) -> str:
    location = [part for part in error["loc"] if not str(part).startswith("function-")]
    path = format_path(location)
    if error["type"] == "extra_forbidden":
        key = str(location[-1]) if location else ""
        if key in UNSUPPORTED_KEYS:
            return f"{path}: {key!r} is not supported by aiocontainers stacks"
        close = difflib.get_close_matches(key, sorted(set(vocabulary)), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"{path}: unknown key {key!r}{hint}"
    message = error["msg"].removeprefix("Value error, ")
    if message.startswith("["):  # a list validator naming the item: ports[1]: ...
        index, _, message = message.partition(": ")
        return f"{path}{index}: {message}"
    return f"{path}: {message}" if path else message


def invalid_project(
    exc: ValidationError, prefix: Sequence[str | int], vocabulary: Iterable[str]
) -> ComposeError:
    """One ComposeError listing every error of ``exc``, located under ``prefix``."""
    words = list(vocabulary)
    lines = [_message({**error, "loc": (*prefix, *error["loc"])}, words) for error in exc.errors()]
    return ComposeError(list(dict.fromkeys(lines)))
