"""docker-py as the oracle: the same snippets run on docker-py and on ``aiocontainers.sync``.

See :mod:`tests.differential.harness`. :func:`load_cases` imports every case module
(each registers its cases on import).
"""

from __future__ import annotations

import importlib

__all__ = ["CASE_MODULES", "load_cases"]

CASE_MODULES = (
    "cases_api",
    "cases_api_more",
    "cases_client",
    "cases_containers",
    "cases_images",
    "cases_lowlevel_args",
    "cases_networks_volumes",
    "cases_plugins",
    "cases_swarm",
    "cases_types",
)


def load_cases() -> None:
    for name in CASE_MODULES:
        importlib.import_module(f"{__name__}.{name}")
