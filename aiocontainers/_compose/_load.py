"""From Compose files (or a dict) to a :class:`Stack`: find, read, interpolate, merge.

The steps follow ``docker compose``: the environment is the caller's
(``os.environ`` by default) over the project's ``.env`` file; every file is
interpolated on its own, then the files are merged in order; the project name
and profiles come from the arguments, then ``COMPOSE_PROJECT_NAME`` /
``COMPOSE_PROFILES``, then the file (``name:``), then the directory.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .._logging import log_event
from ..errors import ComposeError
from ._errors import UNSUPPORTED_KEYS
from ._files import read_env_file, read_yaml
from ._interpolate import InterpolationError, interpolate, interpolate_tree
from ._merge import merge_files
from ._project import Stack, normalize_project_name

__all__ = ["DEFAULT_FILES", "find_compose_files", "load_project"]

DEFAULT_FILES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
_OVERRIDES = {
    "compose.yaml": "compose.override.yaml",
    "compose.yml": "compose.override.yml",
    "docker-compose.yml": "docker-compose.override.yml",
    "docker-compose.yaml": "docker-compose.override.yaml",
}
_TOP_LEVEL = ("name", "services", "networks", "volumes", "secrets", "configs", "version")


def find_compose_files(directory: Path) -> list[Path]:
    """The Compose file of ``directory`` and its override file, found as Compose does."""
    for name in DEFAULT_FILES:
        path = directory / name
        if path.is_file():
            override = directory / _OVERRIDES[name]
            return [path, override] if override.is_file() else [path]
    raise ComposeError([f"no compose file in {directory} (looked for {', '.join(DEFAULT_FILES)})"])


def _paths(source: str | os.PathLike[str] | Sequence[str | os.PathLike[str]]) -> list[Path]:
    items = [source] if isinstance(source, (str, os.PathLike)) else list(source)
    if not items:
        raise ComposeError(["no compose file given"])
    paths: list[Path] = []
    for item in items:
        path = Path(item).expanduser().absolute()
        paths.extend(find_compose_files(path) if path.is_dir() else [path])
    return paths


def _environment(
    env: Mapping[str, str] | None, dotenv: Path | None, required: bool
) -> dict[str, str]:
    """The caller's environment over the ``.env`` file's variables (interpolated in order)."""
    result = dict(os.environ if env is None else env)
    if dotenv is None or (not required and not dotenv.is_file()):
        return result
    for name, value in read_env_file(dotenv).items():
        if name in result or value is None:
            continue
        try:
            result[name] = interpolate(value, result)
        except InterpolationError as exc:
            raise ComposeError([f"{dotenv}: {name}: {exc}"]) from None
    return result


def _check_top_level(data: Mapping[str, Any], origin: str) -> None:
    problems = []
    for key in data:
        if str(key).startswith("x-") or key in _TOP_LEVEL:
            continue
        if key in UNSUPPORTED_KEYS:
            problems.append(f"{key}: {key!r} is not supported by aiocontainers stacks ({origin})")
        else:
            problems.append(f"{key}: unknown top-level key ({origin})")
    if problems:
        raise ComposeError(problems)


def load_project(
    source: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | Mapping[str, Any],
    *,
    project_name: str | None = None,
    env: Mapping[str, str] | None = None,
    profiles: Iterable[str] | None = None,
    working_dir: str | os.PathLike[str] | None = None,
    env_file: str | os.PathLike[str] | None = None,
    interpolate: bool = True,
) -> Stack:
    """Read, interpolate and merge Compose files (or one dict) into a validated Stack."""
    if isinstance(source, Mapping):
        paths: list[Path] = []
        directory = Path(working_dir or os.getcwd()).absolute()
    else:
        paths = _paths(source)
        directory = Path(working_dir).absolute() if working_dir else paths[0].parent
    dotenv = Path(env_file).absolute() if env_file else directory / ".env"
    environment = _environment(env, dotenv, required=env_file is not None)
    warnings: list[str] = []

    def missing(path: str, name: str) -> None:
        text = f"{path}: the {name!r} variable is not set, defaulting to a blank string"
        if text not in warnings:
            warnings.append(text)
            log_event("compose.variable_unset", level=logging.WARNING, path=path, name=name)

    raw_files: list[tuple[str, Mapping[str, Any]]] = (
        [("the given mapping", source)]
        if isinstance(source, Mapping)
        else [(str(path), read_yaml(path)) for path in paths]
    )
    files: list[Mapping[str, Any]] = []
    for origin, raw in raw_files:
        _check_top_level(raw, origin)
        data = {key: value for key, value in raw.items() if key != "version"}
        if not interpolate:
            files.append(data)
            continue
        try:
            files.append(interpolate_tree(data, environment, missing))
        except InterpolationError as exc:
            raise ComposeError([f"{exc} ({origin})"]) from None
    try:
        merged = merge_files(files)
    except (ValueError, TypeError) as exc:
        raise ComposeError([f"cannot merge the compose files: {exc}"]) from None
    name = (
        project_name
        or environment.get("COMPOSE_PROJECT_NAME")
        or merged.get("name")
        or normalize_project_name(directory.name)
    )
    if profiles is None:
        profiles = [p for p in environment.get("COMPOSE_PROFILES", "").split(",") if p]
    services = merged.get("services")
    if not isinstance(services, Mapping) or not services:
        raise ComposeError(["services: a compose project needs at least one service"])
    for section in ("networks", "volumes", "secrets", "configs"):
        if merged.get(section) is not None and not isinstance(merged[section], Mapping):
            raise ComposeError([f"{section}: expected a mapping"])
    return Stack(
        str(name),
        services,
        networks=merged.get("networks"),
        volumes=merged.get("volumes"),
        secrets=merged.get("secrets"),
        configs=merged.get("configs"),
        working_dir=directory,
        environment=environment,
        profiles=profiles,
        config_files=paths,
        extensions={k: v for k, v in merged.items() if str(k).startswith("x-")},
        warnings=warnings,
    )
