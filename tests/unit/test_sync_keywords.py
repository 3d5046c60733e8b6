"""A misspelt keyword on the sync shim is docker-py's TypeError, with a hint, before any I/O;
the duration keywords docker-py takes in nanoseconds are nanoseconds there too."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest

from aiocontainers import sync as docker
from aiocontainers.sync._keywords import keyword_adapter


@pytest.fixture
def offline_client() -> Iterator[Any]:
    """A client whose daemon does not exist: any call that got through would fail otherwise."""
    client = docker.DockerClient(base_url="unix:///nonexistent/docker.sock")
    yield client
    client.close()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda c: c.containers.run("img", detatch=True),
            "run() got an unexpected keyword argument 'detatch' (did you mean 'detach'?)",
        ),
        (
            lambda c: c.containers.create("img", enviroment={}),
            "create() got an unexpected keyword argument 'enviroment' (did you mean "
            "'environment'?)",
        ),
        (
            lambda c: c.containers.list(al=True),
            "list() got an unexpected keyword argument 'al' (did you mean 'all'?)",
        ),
        (
            lambda c: c.images.build(path=".", tagg="x"),
            "build() got an unexpected keyword argument 'tagg' (did you mean 'tag'?)",
        ),
        (
            lambda c: c.swarm.init(advertise_adr="127.0.0.1"),
            "init() got an unexpected keyword argument 'advertise_adr' (did you mean "
            "'advertise_addr'?)",
        ),
        (
            lambda c: c.containers.run("img", zzz=1, yyy=2),
            "run() got unexpected keyword arguments 'yyy', 'zzz'",
        ),
    ],
)
def test_misspelt_keywords_raise_type_error(
    offline_client: Any, call: Callable[[Any], Any], message: str
) -> None:
    with pytest.raises(TypeError) as raised:
        call(offline_client)
    assert str(raised.value) == message


def test_known_keywords_pass_the_check(offline_client: Any) -> None:
    # Accepted keywords reach the daemon call, which fails to connect instead.
    with pytest.raises(docker.DaemonUnavailable):
        offline_client.containers.run("img", "true", detach=True, mem_limit="64m")
    with pytest.raises(docker.DaemonUnavailable):
        offline_client.containers.list(all=True)


async def _any_keywords(**kwargs: Any) -> None:
    return None


def test_methods_that_check_their_own_keywords_are_left_alone() -> None:
    assert keyword_adapter("Network", "update", _any_keywords) is None
    adapt = keyword_adapter("Service", "update", _any_keywords)
    assert adapt is not None
    assert adapt({"zzz": 1}) == {"zzz": 1}  # services check their own keywords


def test_docker_py_nanosecond_keywords_become_timedeltas() -> None:
    create = keyword_adapter("ServiceCollection", "create", _any_keywords)
    assert create is not None
    assert create({"stop_grace_period": 2_500_000_000, "name": "s"}) == {
        "stop_grace_period": timedelta(seconds=2.5),
        "name": "s",
    }
    given = {"stop_grace_period": timedelta(seconds=3)}
    assert create(given) == given  # a timedelta is no number of nanoseconds


def test_swarm_durations_are_nanoseconds_and_keywords_still_checked() -> None:
    from aiocontainers._resources.swarm import Swarm

    init = keyword_adapter("Swarm", "init", Swarm.init)
    assert init is not None
    durations = {"node_cert_expiry": 7_776 * 10**12, "dispatcher_heartbeat_period": 5 * 10**9}
    assert init(durations) == {
        "node_cert_expiry": timedelta(days=90),
        "dispatcher_heartbeat_period": timedelta(seconds=5),
    }
    with pytest.raises(TypeError, match="did you mean 'node_cert_expiry'"):
        init({"node_cert_expiry_": 1})
