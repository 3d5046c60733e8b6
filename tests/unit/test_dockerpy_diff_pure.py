"""The differential cases that need no engine (``docker.types``, ``docker.errors``)."""

from __future__ import annotations

import docker
import pytest

from aiocontainers import sync
from tests.differential import load_cases
from tests.differential.harness import CASES, Case, compare, outcome

load_cases()

PURE = [case for case in CASES.values() if not case.engine]


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            case,
            id=case.name,
            marks=[pytest.mark.xfail(strict=True, reason=case.reason)]
            if case.verdict == "failing"
            else [],
        )
        for case in PURE
    ],
)
def test_same_as_docker_py(case: Case) -> None:
    compare(case, outcome(case, docker, {}), outcome(case, sync, {}), sync)
