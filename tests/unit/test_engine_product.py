"""Engine detection from ``GET /version``, and the column splitting of Podman's ``top``."""

from __future__ import annotations

from typing import Any

import pytest

from aiocontainers._engine import DOCKER, PODMAN, product_of
from aiocontainers._resources.containers import _split_top_columns
from aiocontainers._ssh import _parse
from aiocontainers.errors import InvalidArgument

# Recorded from Podman 4.3.1's compatible API (trimmed to the fields that matter).
PODMAN_VERSION: dict[str, Any] = {
    "Platform": {"Name": "linux/amd64/debian-12"},
    "Components": [
        {"Name": "Podman Engine", "Version": "4.3.1", "Details": {"APIVersion": "4.3.1"}},
        {"Name": "Conmon", "Version": "conmon version 2.1.6, commit: unknown"},
    ],
    "Version": "4.3.1",
    "ApiVersion": "1.41",
    "MinAPIVersion": "1.24",
}
# Recorded from this machine's Docker Engine 20.10 (trimmed).
DOCKER_VERSION: dict[str, Any] = {
    "Platform": {"Name": ""},
    "Components": [{"Name": "Engine", "Version": "20.10.24+dfsg1"}],
    "Version": "20.10.24+dfsg1",
    "ApiVersion": "1.41",
}


def test_product_of_a_version_answer() -> None:
    assert product_of(PODMAN_VERSION) == PODMAN
    assert product_of(DOCKER_VERSION) == DOCKER
    assert product_of({"Platform": {"Name": "Podman Engine"}}) == PODMAN
    assert product_of({}) == DOCKER
    assert product_of({"Components": None, "Platform": "odd"}) == DOCKER


def test_unsplit_top_columns_are_split() -> None:
    podman = {
        "Titles": ["PID   USER     COMMAND"],
        "Processes": [["1     root     sleep 60"], ["7     root     sh -c echo a b"]],
    }
    assert _split_top_columns(podman) == {
        "Titles": ["PID", "USER", "COMMAND"],
        "Processes": [["1", "root", "sleep 60"], ["7", "root", "sh -c echo a b"]],
    }
    docker = {"Titles": ["UID", "PID"], "Processes": [["root", "1"]]}
    assert _split_top_columns(docker) is docker
    single = {"Titles": ["PID"], "Processes": [["1"]]}
    assert _split_top_columns(single) is single


@pytest.mark.parametrize(
    ("url", "parsed"),
    [
        ("ssh://me@host", ("host", None, "me")),
        ("ssh://host:2222", ("host", 2222, None)),
        ("ssh://a%40b@10.0.0.1:22/", ("10.0.0.1", 22, "a@b")),
    ],
)
def test_ssh_urls(url: str, parsed: tuple[str, int | None, str | None]) -> None:
    assert _parse(url) == parsed


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ssh://me:secret@host", "no password"),
        ("ssh://host/var/run/docker.sock", "no path"),
        ("tcp://host", "expected ssh://"),
    ],
)
def test_bad_ssh_urls(url: str, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        _parse(url)
