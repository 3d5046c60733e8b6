"""Differential cases: ``docker.types`` and ``docker.errors`` (pure code, no engine)."""

from __future__ import annotations
