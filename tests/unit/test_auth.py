"""Registry credentials from the CLI's config file and credential helpers."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

import aiocontainers
from aiocontainers._auth import (
    INDEX_NAME,
    INDEX_URL,
    Credentials,
    encode_header,
    registry_for,
    resolve_index_name,
)
from aiocontainers.errors import DockerException, InvalidArgument

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("repository", "registry"),
    [
        ("busybox", INDEX_NAME),
        ("library/busybox", INDEX_NAME),
        ("user/app", INDEX_NAME),
        ("127.0.0.1:5000/app", "127.0.0.1:5000"),
        ("localhost/app", "localhost"),
        ("registry.example.com/team/app", "registry.example.com"),
        ("index.docker.io/library/busybox", INDEX_NAME),
    ],
)
def test_registry_for(repository: str, registry: str) -> None:
    assert registry_for(repository) == registry


def test_registry_for_rejects_a_scheme() -> None:
    with pytest.raises(InvalidArgument):
        registry_for("https://example.com/app")


def test_resolve_index_name() -> None:
    assert resolve_index_name("https://index.docker.io/v1/") == INDEX_NAME
    assert resolve_index_name("http://127.0.0.1:5000/v2/") == "127.0.0.1:5000"


def test_encode_header_is_base64url_json() -> None:
    header = encode_header({"username": "u", "password": "p?>"})
    assert json.loads(base64.urlsafe_b64decode(header)) == {"username": "u", "password": "p?>"}


def basic(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


def write_config(directory: Path, config: dict[str, Any]) -> dict[str, str]:
    (directory / "config.json").write_text(json.dumps(config))
    return {"DOCKER_CONFIG": str(directory), "PATH": os.environ.get("PATH", "")}


async def test_auths_entries(tmp_path: Path) -> None:
    env = write_config(
        tmp_path,
        {
            "auths": {
                "127.0.0.1:5001": {"auth": basic("alice", "s3:cret")},
                "https://index.docker.io/v1/": {"auth": basic("hub", "pw")},
                "http://registry.example.com/v2/": {"identitytoken": "tok"},
            }
        },
    )
    creds = Credentials(env)
    assert await creds.for_registry("127.0.0.1:5001") == {
        "username": "alice",
        "password": "s3:cret",
        "serveraddress": "127.0.0.1:5001",
    }
    hub = await creds.for_registry(INDEX_NAME)
    assert hub == {"username": "hub", "password": "pw", "serveraddress": INDEX_URL}
    assert await creds.for_registry("registry.example.com") == {
        "identitytoken": "tok",
        "serveraddress": "registry.example.com",
    }
    assert await creds.for_registry("127.0.0.1:5000") is None
    assert set(await creds.for_all()) == {"127.0.0.1:5001", INDEX_URL, "registry.example.com"}


async def test_missing_config_means_no_credentials(tmp_path: Path) -> None:
    creds = Credentials({"DOCKER_CONFIG": str(tmp_path / "nowhere")})
    assert await creds.for_registry("127.0.0.1:5001") is None
    assert await creds.for_all() == {}


async def test_home_docker_config_is_the_default(tmp_path: Path) -> None:
    (tmp_path / ".docker").mkdir()
    write_config(tmp_path / ".docker", {"auths": {"r.example": {"auth": basic("a", "b")}}})
    creds = Credentials({"HOME": str(tmp_path)})
    assert creds.config_path() == tmp_path / ".docker" / "config.json"
    assert (await creds.for_registry("r.example") or {})["username"] == "a"


async def test_broken_config_is_reported(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{not json")
    with pytest.raises(DockerException, match="not valid JSON"):
        await Credentials({"DOCKER_CONFIG": str(tmp_path)}).for_registry("x.example")


def install_helper(directory: Path, name: str, script: str) -> None:
    path = directory / f"docker-credential-{name}"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


HELPER = """\
[ "$1" = get ] || exit 2
read server
case "$server" in
  127.0.0.1:5001) echo '{"ServerURL":"127.0.0.1:5001","Username":"bob","Secret":"hunter2"}' ;;
  tok.example) echo '{"ServerURL":"tok.example","Username":"<token>","Secret":"abc"}' ;;
  broken.example) echo 'boom' >&2; exit 3 ;;
  *) echo 'credentials not found in native keychain'; exit 1 ;;
esac
"""


async def test_credential_helpers(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    install_helper(bin_dir, "fake", HELPER)
    env = write_config(
        tmp_path,
        {
            "credsStore": "fake",
            "credHelpers": {"other.example": "missing"},
            "auths": {"127.0.0.1:5001": {}},
        },
    )
    env["PATH"] = f"{bin_dir}:{env['PATH']}"
    creds = Credentials(env)
    assert await creds.for_registry("127.0.0.1:5001") == {
        "username": "bob",
        "password": "hunter2",
        "serveraddress": "127.0.0.1:5001",
    }
    assert await creds.for_registry("tok.example") == {
        "identitytoken": "abc",
        "serveraddress": "tok.example",
    }
    assert await creds.for_registry("unknown.example") is None
    with pytest.raises(DockerException, match="exit status 3") as failed:
        await creds.for_registry("broken.example")
    assert "boom" not in str(failed.value)
    # credHelpers beats credsStore; a helper that is not installed is an error, as in the CLI.
    with pytest.raises(DockerException, match="docker-credential-missing"):
        await creds.for_registry("other.example")


async def test_remembered_login_wins(tmp_path: Path) -> None:
    env = write_config(tmp_path, {"auths": {"r.example": {"auth": basic("file", "x")}}})
    creds = Credentials(env)
    creds.remember("http://r.example/", {"username": "login", "password": "y"})
    assert (await creds.for_registry("r.example") or {})["username"] == "login"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("busybox", ("busybox", None)),
        ("busybox:1.36", ("busybox", "1.36")),
        ("127.0.0.1:5000/app", ("127.0.0.1:5000/app", None)),
        ("127.0.0.1:5000/app:v1", ("127.0.0.1:5000/app", "v1")),
        ("app@sha256:abc", ("app", "sha256:abc")),
    ],
)
def test_parse_repository_tag(name: str, expected: tuple[str, str | None]) -> None:
    from aiocontainers._resources.images import parse_repository_tag

    assert parse_repository_tag(name) == expected


def test_convert_filters() -> None:
    from aiocontainers._resources._base import convert_filters

    assert convert_filters(None) is None
    assert convert_filters({"dangling": True, "label": ["a=b", "c"], "x": 1}) == {
        "dangling": ["true"],
        "label": ["a=b", "c"],
        "x": ["1"],
    }


async def test_credstore_env_reaches_the_helper(tmp_path: Path) -> None:
    """docker-py's ``credstore_env``: variables added to the helper's environment only."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = """\
read server
printf '{"ServerURL":"%s","Username":"%s","Secret":"s"}' "$server" "${HELPER_USER:-unset}"
"""
    install_helper(bin_dir, "envy", script)
    env = write_config(tmp_path, {"credsStore": "envy"})
    env["PATH"] = f"{bin_dir}:{env['PATH']}"
    plain = await Credentials(env).for_registry("r.example")
    given = await Credentials(env, {"HELPER_USER": "carol"}).for_registry("r.example")
    assert (plain or {})["username"] == "unset"
    assert (given or {})["username"] == "carol"
    client = aiocontainers.DockerClient(
        "unix:///nonexistent.sock",
        version=None,
        environment=env,
        credstore_env={"HELPER_USER": "d"},
    )
    try:
        assert (await client.images.credentials.for_registry("r.example") or {})["username"] == "d"
    finally:
        await client.close()
