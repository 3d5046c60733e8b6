"""``aiocontainers.compose`` (Compose files as stacks) in the sync package."""

from __future__ import annotations

from .. import compose as _compose
from ..compose import *  # noqa: F403 - the same names, listed once (in aiocontainers.compose)

__all__ = _compose.__all__
