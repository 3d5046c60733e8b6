"""docker-py's ``docker.utils`` helpers that callers import, from this library's own code."""

from __future__ import annotations

import json
import os
import tarfile
import tempfile
from collections.abc import Mapping, Sequence
from typing import IO, Any, NoReturn

from .._config import resolve_endpoint
from .._resources._base import convert_filters as _filters_dict
from .._resources.images import parse_repository_tag
from .._version import parse_version
from ..errors import DeprecatedMethod

__all__ = [
    "compare_version",
    "convert_filters",
    "create_host_config",
    "kwargs_from_env",
    "parse_repository_tag",
    "tar",
    "version_gte",
    "version_lt",
]


def kwargs_from_env(environment: Mapping[str, str] | None = None) -> dict[str, Any]:
    """``DockerClient``/``APIClient`` keywords from ``DOCKER_HOST``, ``DOCKER_TLS_VERIFY``
    and ``DOCKER_CERT_PATH``: ``base_url`` and ``tls`` (an ``SSLContext``), or ``{}``
    when ``DOCKER_HOST`` is unset (the client then finds the daemon itself). An empty
    ``environment`` reads ``os.environ``, as docker-py's does."""
    env = environment or os.environ
    if not env.get("DOCKER_HOST"):
        return {}
    endpoint = resolve_endpoint(environ=env)
    kwargs: dict[str, Any] = {"base_url": endpoint.url}
    if endpoint.ssl_context is not None:
        kwargs["tls"] = endpoint.ssl_context
    return kwargs


def convert_filters(filters: Mapping[str, Any]) -> str:
    """Filters as the JSON text of the ``filters`` query parameter (values become lists,
    ``True`` ``"true"``)."""
    return json.dumps(_filters_dict(filters))


def compare_version(v1: str, v2: str) -> int:
    """docker-py's order: ``1`` when ``v1`` is older than ``v2``, ``-1`` when newer, else 0."""
    first, second = parse_version(v1), parse_version(v2)
    return (first < second) - (first > second)


def version_lt(v1: str, v2: str) -> bool:
    """True when API version ``v1`` is older than ``v2``."""
    return parse_version(v1) < parse_version(v2)


def version_gte(v1: str, v2: str) -> bool:
    """True when API version ``v1`` is ``v2`` or newer."""
    return not version_lt(v1, v2)


def create_host_config(*args: Any, **kwargs: Any) -> NoReturn:
    """Removed from docker-py's ``utils`` long ago, as there: `DeprecatedMethod`."""
    raise DeprecatedMethod(
        "create_host_config has been removed; use docker.types.HostConfig or "
        "APIClient.create_host_config"
    )


def tar(
    path: str | os.PathLike[str],
    exclude: Sequence[str] | None = None,
    dockerfile: str | None = None,
    fileobj: IO[bytes] | None = None,
    gzip: bool = False,
) -> IO[bytes]:
    """The directory ``path`` as a tar file object, rewound (``put_archive``'s data, or a
    build context): ``exclude`` holds ``.dockerignore`` patterns, which never drop the
    Dockerfile or ``.dockerignore``, as the CLI and docker-py apply them."""
    from .._build_context import context_files  # loaded by archive work only

    root = os.fspath(path)
    archive_file: IO[bytes] = fileobj or tempfile.TemporaryFile()
    with tarfile.open(mode="w:gz" if gzip else "w", fileobj=archive_file) as archive:
        for name in context_files(root, list(exclude or []), dockerfile or "Dockerfile"):
            archive.add(os.path.join(root, name), arcname=name, recursive=False)
    archive_file.seek(0)
    return archive_file
