"""Version gates: a feature the daemon's API version lacks fails before the request is sent."""

from __future__ import annotations

from .._version import parse_version, version_lt
from ..errors import InvalidArgument

__all__ = ["require_api", "require_api_below"]


def require_api(api_version: str, needed: str, feature: str) -> None:
    """Raise InvalidArgument when ``api_version`` is older than ``needed`` for ``feature``."""
    if version_lt(api_version, needed):
        raise InvalidArgument(
            f"{feature} needs Docker API {needed} or newer; the daemon speaks API {api_version}"
        )


def require_api_below(api_version: str, removed: str, feature: str) -> None:
    """Raise InvalidArgument when ``feature`` was removed from the API at version ``removed``."""
    if parse_version(api_version) >= parse_version(removed):
        raise InvalidArgument(
            f"{feature} was removed in Docker API {removed}; the daemon speaks API {api_version}"
        )
