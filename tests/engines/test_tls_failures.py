"""A TLS engine fails closed, with an error naming the cause, and never falls back to HTTP.

Every case talks to the real TLS-only daemon of scripts/engine-tls.sh with one of the
certificate sets the script made, except "TLS to a plain port", which needs a port that
speaks plain HTTP: a relay from a local TCP port to the main engine's socket.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import anyio
import pytest
from anyio.abc import SocketStream

import aiocontainers
from aiocontainers import DaemonUnavailable, DockerClient

from .conftest import CERTS, TLS_HOST, tls_context, tls_environment

pytestmark = pytest.mark.anyio


async def _refusal(**kwargs: Any) -> str:
    async with aiocontainers.from_env(timeout=10, **kwargs) as client:
        with pytest.raises(DaemonUnavailable) as caught:
            await client.ping()
    return str(caught.value)


async def test_good_certificates_connect() -> None:
    async with aiocontainers.from_env(environment=tls_environment()) as client:
        assert await client.ping()
        assert client.transport.endpoint.http_base == "https://127.0.0.1:2376"


async def test_wrong_ca() -> None:
    message = await _refusal(environment=tls_environment("wrong-ca"))
    assert "wrong CA: the daemon's certificate is not signed by a CA this client trusts" in message
    assert str(CERTS / "wrong-ca" / "ca.pem") in message


async def test_no_client_certificate() -> None:
    message = await _refusal(environment=tls_environment("no-client-cert"))
    assert "no client certificate" in message
    assert "the daemon requires one (--tlsverify)" in message


async def test_expired_client_certificate() -> None:
    message = await _refusal(environment=tls_environment("expired-client"))
    assert "expired certificate: the client certificate" in message
    assert "expired on 2020-01-02" in message


async def test_client_certificate_of_another_ca() -> None:
    """The daemon's own CA is trusted, but the client certificate comes from elsewhere."""
    context = tls_context("client")
    context.load_cert_chain(
        str(CERTS / "wrong-ca" / "cert.pem"), str(CERTS / "wrong-ca" / "key.pem")
    )
    message = await _refusal(base_url=TLS_HOST, tls=context)
    assert "rejected this client's TLS certificate" in message


async def test_host_name_mismatch() -> None:
    port = TLS_HOST.rsplit(":", 1)[1]
    message = await _refusal(environment=tls_environment(host=f"tcp://localhost:{port}"))
    assert "host name mismatch" in message
    assert "not valid for 'localhost'" in message


@pytest.mark.parametrize(
    "settings",
    [
        {"environment": {"DOCKER_HOST": TLS_HOST}},
        # tls=False beats the environment's TLS settings: plain HTTP, refused with a reason.
        {"environment": tls_environment(), "tls": False},
    ],
    ids=["no-tls-settings", "tls-false"],
)
async def test_plain_http_to_the_tls_port(settings: Mapping[str, Any]) -> None:
    message = await _refusal(**settings)
    assert "speaks only TLS and this client sent plain HTTP" in message


@asynccontextmanager
async def plain_engine_port(seen: list[bytes]) -> AsyncIterator[int]:
    """A local TCP port relaying to the main engine's unix socket (plain HTTP, like
    ``dockerd -H tcp://``); records the first bytes of each connection."""
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    assert host.startswith("unix://"), f"the relay needs a unix-socket engine, not {host}"

    async def pipe(source: SocketStream, sink: Any) -> None:
        async for chunk in source:
            await sink.send(chunk)
        await sink.send_eof()

    async def relay(client: SocketStream) -> None:
        async with client, await anyio.connect_unix(host[len("unix://") :]) as engine:
            first = await client.receive()
            seen.append(first)
            await engine.send(first)
            async with anyio.create_task_group() as tg:
                tg.start_soon(pipe, client, engine)
                tg.start_soon(pipe, engine, client)

    listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
    async with listener, anyio.create_task_group() as tg:
        tg.start_soon(listener.serve, relay)
        yield listener.extra(anyio.abc.SocketAttribute.local_port)
        tg.cancel_scope.cancel()


async def test_tls_to_a_plain_port_fails_and_never_retries_in_plain_http() -> None:
    seen: list[bytes] = []
    async with plain_engine_port(seen) as port:
        url = f"tcp://127.0.0.1:{port}"
        async with DockerClient(url) as plain:  # the port does serve the engine, in plain HTTP
            assert await plain.ping()
        assert seen.pop().startswith(b"GET /_ping")
        message = await _refusal(environment=tls_environment(host=url))
    assert f"cannot connect to the Docker daemon at {url}" in message
    assert "TLS to a port that does not speak TLS" in message
    assert seen and all(first[:1] == b"\x16" for first in seen)  # TLS handshakes, nothing else
