"""docker-py against ``aiocontainers.sync``: every differential case, on the real engine.

Each case (``tests/differential/cases_*.py``) runs its snippet once with docker-py and
once with the shim and compares the normalised outcomes as its verdict says: equal,
equal after the documented adjustment, or (known gaps) an expected failure with
``strict=True``, so a gap that closes fails here until its verdict and the porting
table are updated. Cases that need a swarm run last, inside a single-node swarm this
module makes (and leaves), as ``test_swarm.py`` does.

The tests are blocking code (both libraries are), so they are plain functions.
"""

from __future__ import annotations

import gc
import warnings
from collections.abc import Iterator

import docker
import pytest

from aiocontainers import sync
from tests.differential import load_cases
from tests.differential.cases_swarm import SWARM_ADDRESS
from tests.differential.harness import CASES, Case, compare, outcome

from .conftest import LABELS

load_cases()

pytestmark = pytest.mark.timeout(240)


def _params(cases: list[Case]) -> list[object]:
    params: list[object] = []
    for case in cases:
        marks = []
        if case.verdict == "failing":
            marks.append(pytest.mark.xfail(strict=True, reason=case.reason))
        params.append(pytest.param(case, id=case.name, marks=marks))
    return params


ENGINE_CASES = [case for case in CASES.values() if case.engine and not case.swarm]
SWARM_CASES = [case for case in CASES.values() if case.engine and case.swarm]


def _run(case: Case) -> None:
    with warnings.catch_warnings():
        # docker-py's streams leave their sockets to the garbage collector; not ours to fix
        warnings.simplefilter("ignore", ResourceWarning)
        theirs = outcome(case, docker, LABELS)
        gc.collect()
    ours = outcome(case, sync, LABELS)
    gc.collect()  # proxies the snippet dropped release their loop threads now (warnings count)
    compare(case, theirs, ours, sync)


@pytest.mark.parametrize("case", _params(ENGINE_CASES))
def test_same_as_docker_py(case: Case) -> None:
    _run(case)


@pytest.fixture(scope="module")
def single_node_swarm() -> Iterator[None]:
    client = docker.from_env()
    try:
        state = client.info()["Swarm"]["LocalNodeState"]
        assert state == "inactive", f"the engine is already in swarm state {state!r}"
        client.swarm.init(**SWARM_ADDRESS, labels=LABELS)
        yield
        client.swarm.leave(force=True)
    finally:
        client.close()


@pytest.mark.serial  # the engine has one swarm
@pytest.mark.parametrize("case", _params(SWARM_CASES))
def test_same_as_docker_py_in_a_swarm(case: Case, single_node_swarm: None) -> None:
    _run(case)
