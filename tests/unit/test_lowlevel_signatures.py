"""``client.api`` takes docker-py's ``APIClient`` arguments: the same names, in the same
positional order, so ``api.logs(c, True, False)`` means what it means on docker-py."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import docker
import pytest
import requests

from aiocontainers._api import APIClient

# requests.Session's own methods (get, post, mount...) are docker-py's transport, not
# Engine API calls.
_NOT_COMPARED = {name for name in dir(requests.Session) if not name.startswith("_")}


def _engine_methods() -> list[str]:
    return sorted(
        name
        for name in dir(docker.APIClient)
        if not name.startswith("_")
        and name not in _NOT_COMPARED
        and callable(getattr(docker.APIClient, name))
        and not isinstance(getattr(docker.APIClient, name), type)
    )


def _positional(fn: Callable[..., Any]) -> list[str]:
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return [p.name for p in inspect.signature(fn).parameters.values() if p.kind in kinds][1:]


def test_every_engine_method_of_docker_py_is_offered() -> None:
    assert [name for name in _engine_methods() if not hasattr(APIClient, name)] == []


@pytest.mark.parametrize("name", _engine_methods())
def test_parameters_match_docker_py_by_name_and_position(name: str) -> None:
    theirs = _positional(getattr(docker.APIClient, name))
    ours = getattr(APIClient, name)
    assert _positional(ours)[: len(theirs)] == theirs
    parameters = inspect.signature(ours).parameters.values()
    if not any(p.kind is p.VAR_KEYWORD for p in parameters):
        keywords = set(inspect.signature(getattr(docker.APIClient, name)).parameters)
        assert keywords - {"self", "args", "kwargs"} <= {p.name for p in parameters}


def test_reload_config_rereads_the_cli_config_and_refuses_another_file() -> None:
    from aiocontainers import sync
    from aiocontainers.errors import InvalidArgument

    client = sync.DockerClient(base_url="unix:///nonexistent.sock", version="1.41")
    try:
        client.api.reload_config()
        with pytest.raises(InvalidArgument, match="DOCKER_CONFIG"):
            client.api.reload_config("/elsewhere/config.json")
    finally:
        client.close()


def test_config_proxies_join_an_environment_keeping_bare_variables() -> None:
    from aiocontainers._api import _with_proxies

    merged = _with_proxies({"FLAG": None, "A": "1"}, {"HTTP_PROXY": "http://p:3128"})
    assert merged == ["FLAG", "A=1", "HTTP_PROXY=http://p:3128"]
    assert _with_proxies(["B=2"], {"NO_PROXY": "x"}) == ["B=2", "NO_PROXY=x"]
