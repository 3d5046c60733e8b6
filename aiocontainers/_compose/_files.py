"""Reading what a Compose project is made of: YAML files and ``.env``-style files.

Both parsers are optional dependencies (the ``compose`` extra): PyYAML for
the Compose files, python-dotenv for ``.env`` and ``env_file``. Importing
this module never fails; calling a reader without them raises an
``InvalidArgument`` that names the extra to install.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import InvalidArgument

__all__ = ["read_env_file", "read_yaml"]

_EXTRA_HINT = "install the 'compose' extra: pip install 'aiocontainers[compose]'"


def _missing(module: str) -> InvalidArgument:
    return InvalidArgument(f"reading Compose files needs {module}; {_EXTRA_HINT}")


_YAML12_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_loaders: dict[str, Any] = {}


def _loader(yaml: Any) -> Any:
    """A safe loader with YAML 1.2 booleans, as Compose reads files: ``on``/``yes`` stay text."""
    if "loader" not in _loaders:
        base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        loader: Any = type("ComposeLoader", (base,), {})
        loader.yaml_implicit_resolvers = {
            first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
            for first, resolvers in base.yaml_implicit_resolvers.items()
        }
        loader.add_implicit_resolver("tag:yaml.org,2002:bool", _YAML12_BOOL, list("tTfF"))
        _loaders["loader"] = loader
    return _loaders["loader"]


def read_yaml(path: Path) -> Mapping[str, Any]:
    """The top-level mapping of a Compose file (anchors, aliases and ``<<`` merges resolved)."""
    try:
        import yaml
    except ImportError:
        raise _missing("PyYAML") from None
    loader = _loader(yaml)
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
