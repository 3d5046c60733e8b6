"""docker-py's ``docker.models.secrets``: the sync Secret, SecretCollection."""

from __future__ import annotations

from .._classes import Secret, SecretCollection

__all__ = ["Secret", "SecretCollection"]
