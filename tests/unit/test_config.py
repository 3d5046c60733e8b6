"""Endpoint resolution follows the Docker CLI's precedence."""

from __future__ import annotations

import hashlib
import json
import ssl
from pathlib import Path

import pytest

from aiocontainers._config import DEFAULT_UNIX_SOCKET, resolve_endpoint
from aiocontainers.errors import InvalidArgument


def _write_context(config: Path, name: str, host: str, *, skip_verify: bool = False) -> None:
    digest = hashlib.sha256(name.encode()).hexdigest()
    meta = config / "contexts" / "meta" / digest
    meta.mkdir(parents=True)
    (meta / "meta.json").write_text(
        json.dumps(
            {"Name": name, "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": skip_verify}}}
        )
    )


def test_default_is_the_unix_socket(tmp_path: Path) -> None:
    endpoint = resolve_endpoint(environ={"DOCKER_CONFIG": str(tmp_path)})
    assert endpoint.url == DEFAULT_UNIX_SOCKET
    assert endpoint.http_base == "http://localhost"
    assert endpoint.socket_path == "/var/run/docker.sock"


def test_explicit_url_beats_environment() -> None:
    endpoint = resolve_endpoint("tcp://10.0.0.1:2375", environ={"DOCKER_HOST": "unix:///x"})
    assert endpoint.url == "tcp://10.0.0.1:2375"
    assert endpoint.http_base == "http://10.0.0.1:2375"
    assert endpoint.source == "base_url"


def test_docker_host_beats_docker_context(tmp_path: Path) -> None:
    _write_context(tmp_path, "remote", "tcp://192.0.2.1:2375")
    env = {
        "DOCKER_HOST": "unix:///run/other.sock",
        "DOCKER_CONTEXT": "remote",
        "DOCKER_CONFIG": str(tmp_path),
    }
    assert resolve_endpoint(environ=env).url == "unix:///run/other.sock"


def test_docker_context_is_read_from_its_meta_file(tmp_path: Path) -> None:
    _write_context(tmp_path, "remote", "tcp://192.0.2.1:2375")
    env = {"DOCKER_CONTEXT": "remote", "DOCKER_CONFIG": str(tmp_path)}
    endpoint = resolve_endpoint(environ=env)
    assert endpoint.url == "tcp://192.0.2.1:2375"
    assert endpoint.source == "context remote"


def test_current_context_from_config_json(tmp_path: Path) -> None:
    _write_context(tmp_path, "work", "ssh://me@192.0.2.7")
    (tmp_path / "config.json").write_text(json.dumps({"currentContext": "work"}))
    endpoint = resolve_endpoint(environ={"DOCKER_CONFIG": str(tmp_path)})
    assert endpoint.url == "ssh://me@192.0.2.7"
    assert endpoint.http_base == "http://localhost"


def test_default_context_name_means_default_socket(tmp_path: Path) -> None:
    env = {"DOCKER_CONTEXT": "default", "DOCKER_CONFIG": str(tmp_path)}
    assert resolve_endpoint(environ=env).url == DEFAULT_UNIX_SOCKET


def test_missing_context_is_a_clear_error(tmp_path: Path) -> None:
    env = {"DOCKER_CONTEXT": "nope", "DOCKER_CONFIG": str(tmp_path)}
    with pytest.raises(InvalidArgument, match="'nope' not found"):
        resolve_endpoint(environ=env)


def test_tls_verify_from_environment_makes_https(tmp_path: Path) -> None:
    env = {
        "DOCKER_HOST": "tcp://192.0.2.1:2376",
        "DOCKER_TLS_VERIFY": "1",
        "DOCKER_CERT_PATH": str(tmp_path),
    }
    endpoint = resolve_endpoint(environ=env)
    assert isinstance(endpoint.ssl_context, ssl.SSLContext)
    assert endpoint.ssl_context.verify_mode == ssl.CERT_REQUIRED
    assert endpoint.http_base == "https://192.0.2.1:2376"


def test_tls_false_overrides_environment() -> None:
    env = {"DOCKER_HOST": "tcp://192.0.2.1:2376", "DOCKER_TLS_VERIFY": "1"}
    endpoint = resolve_endpoint(tls=False, environ=env)
    assert endpoint.ssl_context is None
    assert endpoint.http_base == "http://192.0.2.1:2376"


def test_tls_with_unix_socket_is_rejected() -> None:
    with pytest.raises(InvalidArgument, match="TLS cannot be used"):
        resolve_endpoint("unix:///var/run/docker.sock", tls=True, environ={})


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("/var/run/docker.sock", "unix:///var/run/docker.sock"),
        ("192.0.2.1:2375", "tcp://192.0.2.1:2375"),
    ],
)
def test_scheme_less_hosts(given: str, expected: str) -> None:
    assert resolve_endpoint(given, environ={}).url == expected


def test_unknown_scheme_is_rejected() -> None:
    with pytest.raises(InvalidArgument, match="unsupported Docker host scheme 'ftp'"):
        resolve_endpoint("ftp://x", environ={})
