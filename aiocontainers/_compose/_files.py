"""Reading what a Compose project is made of: YAML files and ``.env``-style files.

Both parsers are optional dependencies (the ``compose`` extra): PyYAML for
the Compose files, python-dotenv for ``.env`` and ``env_file``. Importing
this module never fails; calling a reader without them raises an
``InvalidArgument`` that names the extra to install.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import InvalidArgument

__all__ = ["read_env_file", "read_yaml"]

_EXTRA_HINT = "install the 'compose' extra: pip install 'aiocontainers[compose]'"


def _missing(module: str) -> InvalidArgument:
    return InvalidArgument(f"reading Compose files needs {module}; {_EXTRA_HINT}")


def read_yaml(path: Path) -> Mapping[str, Any]:
    """The top-level mapping of a Compose file (anchors, aliases and ``<<`` merges resolved)."""
    try:
        import yaml
    except ImportError:
        raise _missing("PyYAML") from None
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidArgument(f"cannot read compose file {path}: {exc.strerror or exc}") from None
    try:
        data = yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        raise InvalidArgument(f"{path}: invalid YAML: {exc}") from None
    if data is None:
        raise InvalidArgument(f"{path}: the compose file is empty")
    if not isinstance(data, Mapping):
        raise InvalidArgument(
            f"{path}: a compose file must be a mapping at the top, got {type(data).__name__}"
        )
    return data


def read_env_file(path: Path) -> dict[str, str | None]:
    """The variables of a ``.env``-style file, in order; ``KEY`` alone maps to ``None``.

    Values are read literally here; the caller interpolates them.
    """
    try:
        from dotenv import dotenv_values
    except ImportError:
        raise _missing("python-dotenv") from None
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidArgument(f"cannot read env file {path}: {exc.strerror or exc}") from None
    return dict(dotenv_values(stream=io.StringIO(text), interpolate=False))
