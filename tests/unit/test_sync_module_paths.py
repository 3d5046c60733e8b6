"""docker-py's module paths on the sync face: ``docker.api``, ``docker.constants``,
``docker.utils`` and ``docker.types.<module>``, with docker-py's results for its helpers."""

from __future__ import annotations

import importlib
import tarfile
from pathlib import Path

import docker.constants
import docker.utils
import pytest

from aiocontainers import sync
from aiocontainers.errors import DeprecatedMethod


def test_api_module_holds_the_low_level_client() -> None:
    assert sync.api.APIClient is sync.APIClient


def test_constants_are_docker_pys_defaults() -> None:
    assert sync.constants.DEFAULT_TIMEOUT_SECONDS == docker.constants.DEFAULT_TIMEOUT_SECONDS
    assert sync.constants.DEFAULT_MAX_POOL_SIZE == docker.constants.DEFAULT_MAX_POOL_SIZE
    assert sync.constants.MINIMUM_DOCKER_API_VERSION == "1.41"
    assert sync.constants.IS_WINDOWS_PLATFORM is False


@pytest.mark.parametrize(
    "name", ["busybox", "busybox:1.36", "127.0.0.1:5000/a/b:t", "127.0.0.1:5000/a", "a@sha256:ab"]
)
def test_parse_repository_tag_is_docker_pys(name: str) -> None:
    assert sync.utils.parse_repository_tag(name) == docker.utils.parse_repository_tag(name)


@pytest.mark.parametrize(
    ("v1", "v2"), [("1.41", "1.44"), ("1.44", "1.41"), ("1.9", "1.41"), ("1.41", "1.41")]
)
def test_version_helpers_are_docker_pys(v1: str, v2: str) -> None:
    assert sync.utils.compare_version(v1, v2) == docker.utils.compare_version(v1, v2)
    assert sync.utils.version_lt(v1, v2) == docker.utils.version_lt(v1, v2)
    assert sync.utils.version_gte(v1, v2) == docker.utils.version_gte(v1, v2)


def test_convert_filters_is_docker_pys() -> None:
    filters = {"label": ["a=1", "b"], "dangling": True, "name": "x"}
    assert sync.utils.convert_filters(filters) == docker.utils.convert_filters(filters)


def test_kwargs_from_env_gives_what_a_client_takes() -> None:
    assert sync.utils.kwargs_from_env({}) == docker.utils.kwargs_from_env(environment={})
    assert sync.utils.kwargs_from_env({"DOCKER_HOST": ""}) == {}
    plain = {"DOCKER_HOST": "tcp://127.0.0.1:2375"}
    assert sync.utils.kwargs_from_env(plain) == {"base_url": "tcp://127.0.0.1:2375"}
    unverified = {**plain, "DOCKER_TLS_VERIFY": ""}
    assert "tls" not in sync.utils.kwargs_from_env(unverified)


def test_create_host_config_is_gone_as_in_docker_py() -> None:
    with pytest.raises(DeprecatedMethod, match="HostConfig"):
        sync.utils.create_host_config(binds=[])


@pytest.mark.parametrize(
    "module", ["containers", "healthcheck", "networks", "services", "swarm", "daemon"]
)
def test_types_submodules_hold_the_types_docker_py_puts_there(module: str) -> None:
    ours = importlib.import_module(f"aiocontainers.sync.types.{module}")
    theirs = importlib.import_module(f"docker.types.{module}")
    for name in ours.__all__:
        assert getattr(ours, name) is getattr(sync.types, name)
    defined = {
        name
        for name, value in vars(theirs).items()
        if isinstance(value, type) and value.__module__ == theirs.__name__
    }
    # docker-py's enum helpers are offered under the names docker.types exports.
    assert defined - set(ours.__all__) <= {"LogConfigTypesEnum", "RestartConditionTypesEnum"}


def test_tar_holds_what_docker_pys_holds(tmp_path: Path) -> None:
    for name in ("a.py", "sub/b.py", "skip/c.py", "Dockerfile", "notes.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name)
    exclude = ["skip", "*.md", "Dockerfile"]
    with sync.utils.tar(tmp_path, exclude) as ours, docker.utils.tar(tmp_path, exclude) as theirs:
        with tarfile.open(fileobj=ours) as mine, tarfile.open(fileobj=theirs) as reference:
            assert sorted(mine.getnames()) == sorted(reference.getnames())
            assert mine.extractfile("sub/b.py").read() == b"sub/b.py"  # type: ignore[union-attr]
