"""Orchestration: health waiting and readiness strategies built on the resources layer."""

from __future__ import annotations

from ._health import wait_until_healthy

__all__ = ["wait_until_healthy"]
