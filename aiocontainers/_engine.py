"""Which engine a client talks to: Docker, or Podman's Docker-compatible API.

Read once per client from ``GET /version`` (Podman names its component "Podman Engine")
and cached, so code that adapts to Podman costs one call per client, made only when such
code runs. What the library adapts is listed on the "Engines" docs page.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import Any

from ._transport import Transport

__all__ = ["DOCKER", "PODMAN", "engine_product", "product_of"]

DOCKER = "docker"
PODMAN = "podman"

_products: weakref.WeakKeyDictionary[Transport, str] = weakref.WeakKeyDictionary()


def product_of(version: Mapping[str, Any]) -> str:
    """``"podman"`` or ``"docker"`` for a ``GET /version`` answer."""
    components = version.get("Components") or []
    names = [str(c.get("Name", "")) for c in components if isinstance(c, Mapping)]
    platform = version.get("Platform") or {}
    names.append(str(platform.get("Name", "")) if isinstance(platform, Mapping) else "")
    return PODMAN if any("podman" in name.lower() for name in names) else DOCKER


async def engine_product(transport: Transport) -> str:
    """The engine behind ``transport`` (asked once, then cached)."""
    product = _products.get(transport)
    if product is None:
        version = await transport.request_json("GET", "/version", versioned=False)
        product = _products[transport] = product_of(version or {})
    return product
