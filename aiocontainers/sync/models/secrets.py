"""docker-py's ``docker.models.secrets``: the sync Secret, SecretCollection."""

from __future__ import annotations

from typing import Any

from ..._resources.secrets import Secret as _Secret
from ..._resources.secrets import SecretCollection as _SecretCollection
from .._wrap import proxy_class

__all__ = [
    "Secret",
    "SecretCollection",
]

Secret: Any = proxy_class(_Secret)
SecretCollection: Any = proxy_class(_SecretCollection)
