"""docker-py's ``docker.api``: where its low-level ``APIClient`` is imported from."""

from __future__ import annotations

from ._client import APIClient

__all__ = ["APIClient"]
