"""The differential cases cover docker-py's whole high-level API, and the table is fresh."""

from __future__ import annotations

from tests.differential import load_cases
from tests.differential.api import dockerpy_api
from tests.differential.harness import CASES, NOT_COVERED, coverage
from tests.differential.table import TABLE_PATH, render_table

load_cases()


def test_every_docker_py_name_is_compared_or_excused() -> None:
    covered = coverage()
    missing = [name for name in dockerpy_api() if name not in covered and name not in NOT_COVERED]
    assert not missing, f"no differential case covers {missing}; add one (or a NOT_COVERED reason)"


def test_cases_name_only_docker_py_api() -> None:
    api = set(dockerpy_api())
    unknown = {name for case in CASES.values() for name in case.covers} - api
    assert not unknown, f"cases cover names docker-py does not have: {sorted(unknown)}"
    assert not set(NOT_COVERED) - api
    assert not set(NOT_COVERED) & set(coverage()), "excused names that a case covers"


def test_every_case_that_is_not_identical_says_why() -> None:
    for case in CASES.values():
        assert case.covers, case.name
        if case.verdict != "same":
            assert len(case.reason) > 20, case.name
        if case.verdict == "differs":
            assert case.adjust is not None, case.name


def test_the_porting_table_is_fresh() -> None:
    assert TABLE_PATH.read_text() == render_table(), (
        "docs/content/porting-table.md is stale: run python -m tests.differential.table"
    )
