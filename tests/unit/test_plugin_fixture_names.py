"""The plugin's ``docker_client`` yields to pytest-docker-tools, which owns that name."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]


def _owner(result: pytest.RunResult, fixture: str) -> str:
    """The file ``pytest --fixtures`` names as where ``fixture`` comes from."""
    for line in result.stdout.lines:
        name, _, where = line.partition(" -- ")
        if where and name.split(" [", 1)[0] == fixture:  # "name [session scope] -- file:line"
            return where
    raise AssertionError(f"no {fixture} fixture in:\n{result.stdout.str()}")


def test_docker_client_is_ours_by_default(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("--fixtures", "-p", "no:randomly")
    assert "aiocontainers/testing/_plugin.py" in _owner(result, "docker_client")
    assert "aiocontainers/testing/_plugin.py" in _owner(result, "aiocontainers_client")


def test_docker_client_is_left_to_pytest_docker_tools(pytester: pytest.Pytester) -> None:
    # A stand-in for the third-party plugin, loaded under its module name.
    pytester.mkpydir("pytest_docker_tools")
    plugin = """
import pytest

@pytest.fixture(scope="session")
def docker_client():
    return "a docker-py client"
"""
    pytester.makepyfile(**{"pytest_docker_tools/plugin": plugin})
    pytester.makepyfile(
        "def test_theirs(docker_client):\n    assert docker_client == 'a docker-py client'\n"
    )
    args = ("-p", "no:randomly", "-p", "pytest_docker_tools.plugin")
    pytester.runpytest_subprocess(*args).assert_outcomes(passed=1)
    listing = pytester.runpytest_subprocess("--fixtures", *args)
    assert "pytest_docker_tools/plugin.py" in _owner(listing, "docker_client")
    assert "aiocontainers/testing/_plugin.py" in _owner(listing, "aiocontainers_client")
