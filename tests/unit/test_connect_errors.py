"""Connection failures name their cause: TLS verification, client certificates, SSH.

The engine tests (tests/engines) meet each case for real; these pin the wording and the
classification for every branch, including those no engine here produces (an expired or
not-yet-valid daemon certificate).
"""

from __future__ import annotations

import datetime as dt
import ssl
from pathlib import Path

import aiohttp
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import aiocontainers
from aiocontainers._config import Endpoint, resolve_endpoint
from aiocontainers._connect_errors import (
    certificate_not_after,
    describe_failure,
    plain_to_tls_port,
)

TLS = Endpoint(
    "tcp://127.0.0.1:2376",
    ssl.create_default_context(),
    "DOCKER_HOST",
    ca_file=Path("/certs/ca.pem"),
    cert_file=None,
)


def _certificate(path: Path, not_after: dt.datetime, key_path: Path | None = None) -> Path:
    """A self-signed certificate valid for a day up to ``not_after`` (and its key, if asked)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "client")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_after - dt.timedelta(days=1))
        .not_valid_after(not_after)
        .sign(key, hashes.SHA256())
    )
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    if key_path is not None:
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    return path


def _verify_error(code: int, message: str) -> aiohttp.ClientError:
    error = ssl.SSLCertVerificationError(1, f"[SSL: CERTIFICATE_VERIFY_FAILED] {message}")
    error.verify_code, error.verify_message = code, message
    wrapper = aiohttp.ClientConnectionError("wrapped")
    wrapper.__cause__ = error
    return wrapper


def _alert(reason: str) -> OSError:
    error = ssl.SSLError(1, f"[SSL: {reason}] alert")
    error.reason = reason
    wrapper = aiohttp.ClientOSError(1, "wrapped")
    wrapper.__cause__ = error
    return wrapper


@pytest.mark.parametrize(
    ("code", "message", "expected"),
    [
        (
            62,
            "Hostname mismatch",
            "host name mismatch: the daemon's certificate is not valid for '127.0.0.1'",
        ),
        (10, "certificate has expired", "the daemon's certificate has expired"),
        (9, "certificate is not yet valid", "not valid yet (check both clocks)"),
        (
            20,
            "unable to get local issuer certificate",
            "wrong CA: the daemon's certificate is not signed by a CA this client trusts "
            "(the CA in /certs/ca.pem",
        ),
        (19, "self-signed certificate in certificate chain", "wrong CA"),
        (
            26,
            "unsuitable certificate purpose",
            "failed verification: unsuitable certificate purpose",
        ),
    ],
)
def test_server_certificate_failures(code: int, message: str, expected: str) -> None:
    text = describe_failure(_verify_error(code, message), TLS)
    assert text.startswith(
        "cannot connect to the Docker daemon at tcp://127.0.0.1:2376 (DOCKER_HOST): "
    )
    assert expected in text


def test_no_client_certificate_names_the_directory() -> None:
    text = describe_failure(_alert("SSLV3_ALERT_BAD_CERTIFICATE"), TLS)
    assert "no client certificate" in text
    assert "put cert.pem and key.pem next to /certs/ca.pem" in text


def test_expired_client_certificate_names_the_file_and_date(tmp_path: Path) -> None:
    cert = _certificate(tmp_path / "cert.pem", dt.datetime(2021, 3, 4, tzinfo=dt.timezone.utc))
    endpoint = Endpoint(TLS.url, TLS.ssl_context, TLS.source, TLS.ca_file, cert)
    text = describe_failure(_alert("TLSV13_ALERT_CERTIFICATE_REQUIRED"), endpoint)
    assert f"expired certificate: the client certificate {cert} expired on 2021-03-04" in text


def test_valid_but_refused_client_certificate(tmp_path: Path) -> None:
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=30)
    cert = _certificate(tmp_path / "cert.pem", later)
    endpoint = Endpoint(TLS.url, TLS.ssl_context, TLS.source, TLS.ca_file, cert)
    text = describe_failure(_alert("SSLV3_ALERT_BAD_CERTIFICATE"), endpoint)
    assert f"{cert} is not signed by a CA the daemon trusts" in text


def test_reset_after_the_handshake_is_read_as_a_refused_certificate() -> None:
    reset = aiohttp.ClientOSError(104, "Connection reset by peer")
    reset.__cause__ = ConnectionResetError(104, "Connection reset by peer")
    assert "no client certificate" in describe_failure(reset, TLS)
    plain = Endpoint("tcp://127.0.0.1:2375")
    assert "rejected" not in describe_failure(reset, plain)  # without TLS: as it is


def test_tls_to_a_plain_port() -> None:
    text = describe_failure(_alert("WRONG_VERSION_NUMBER"), TLS)
    assert "TLS to a port that does not speak TLS (WRONG_VERSION_NUMBER)" in text
    assert "never retried without TLS" in text


def test_plain_to_a_tls_port() -> None:
    text = plain_to_tls_port(Endpoint("tcp://10.0.0.1:2376", source="base_url"))
    assert "tcp://10.0.0.1:2376 (base_url) speaks only TLS" in text


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("HostKeyNotVerifiable", "SSH host key mismatch or unknown host"),
        ("PermissionDenied", "SSH refused the login (key not accepted)"),
    ],
)
def test_ssh_refusals(kind: str, expected: str) -> None:
    error = type(kind, (Exception,), {})("details")
    wrapper = aiohttp.ClientConnectionError("ssh://host")
    wrapper.__cause__ = error
    text = describe_failure(wrapper, Endpoint("ssh://me@host"))
    assert expected in text and "details" in text


def test_other_failures_keep_their_text() -> None:
    error = aiohttp.ClientConnectionError("Connection refused")
    assert describe_failure(error, Endpoint("unix:///x.sock")).endswith(": Connection refused")


def test_certificate_not_after(tmp_path: Path) -> None:
    when = dt.datetime(2031, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)  # UTCTime
    assert certificate_not_after(_certificate(tmp_path / "a.pem", when)) == when
    far = dt.datetime(2051, 6, 7, tzinfo=dt.timezone.utc)  # GeneralizedTime (2050 on)
    assert certificate_not_after(_certificate(tmp_path / "b.pem", far)) == far
    (tmp_path / "junk.pem").write_text("not a certificate")
    assert certificate_not_after(tmp_path / "junk.pem") is None
    assert certificate_not_after(tmp_path / "missing.pem") is None


def test_https_without_tls_settings_verifies() -> None:
    endpoint = resolve_endpoint("https://192.0.2.1:2376", environ={})
    assert endpoint.ssl_context is not None
    assert endpoint.ssl_context.verify_mode == ssl.CERT_REQUIRED
    with pytest.raises(ValueError, match="contradicts the https://"):
        resolve_endpoint("https://192.0.2.1:2376", tls=False, environ={})


def test_tls_files_are_remembered(tmp_path: Path) -> None:
    env = {
        "DOCKER_HOST": "tcp://192.0.2.1:2376",
        "DOCKER_TLS_VERIFY": "1",
        "DOCKER_CERT_PATH": str(tmp_path),
    }
    tomorrow = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    _certificate(tmp_path / "cert.pem", tomorrow)
    assert resolve_endpoint(environ=env).cert_file is None  # no key.pem: no client certificate
    _certificate(tmp_path / "cert.pem", tomorrow, key_path=tmp_path / "key.pem")
    endpoint = resolve_endpoint(environ=env)
    assert endpoint.cert_file == tmp_path / "cert.pem"
    assert endpoint.ca_file is None  # no ca.pem there: the system's CAs
    _certificate(tmp_path / "ca.pem", tomorrow)
    assert resolve_endpoint(environ=env).ca_file == tmp_path / "ca.pem"


@pytest.mark.anyio
async def test_a_socket_path_too_long_for_unix_sockets_says_so(socket_dir: Path) -> None:
    path = socket_dir / ("d" * 100) / "docker.sock"
    async with aiocontainers.DockerClient(f"unix://{path}") as client:
        with pytest.raises(aiocontainers.DaemonUnavailable) as info:
            await client.ping()
    size = len(str(path).encode())
    assert f"the socket path is {size} bytes long" in str(info.value)
    assert "at most 107" in str(info.value)


@pytest.mark.anyio
async def test_a_missing_socket_of_a_fitting_length_is_not_blamed_on_its_length(
    socket_dir: Path,
) -> None:
    async with aiocontainers.DockerClient(f"unix://{socket_dir}/docker.sock") as client:
        with pytest.raises(aiocontainers.DaemonUnavailable) as info:
            await client.ping()
    assert "bytes long" not in str(info.value)
    assert "No such file or directory" in str(info.value)
