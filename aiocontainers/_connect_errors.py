"""Why a connection to the daemon failed, in words that name the cause.

aiohttp reports TLS failures as OpenSSL reason codes (``CERTIFICATE_VERIFY_FAILED``,
``SSLV3_ALERT_BAD_CERTIFICATE``, ``WRONG_VERSION_NUMBER``) and aiodocker's SSH connector wraps
asyncssh's refusals in its own error. `describe_failure()` turns them into one sentence that says
what went wrong and which setting or file to look at; the transport raises
[`DaemonUnavailable`][aiocontainers.errors.DaemonUnavailable] with it. Nothing here retries or
falls back: a TLS endpoint that fails is never tried in plain HTTP.
"""

from __future__ import annotations

import ssl
from datetime import datetime, timezone
from pathlib import Path

import aiohttp

from ._config import Endpoint

__all__ = [
    "HTTPS_ONLY_REPLY",
    "SSHConnectError",
    "certificate_not_after",
    "describe_failure",
    "plain_to_tls_port",
    "tls_session_refused",
]

# What a Go TLS server (dockerd) answers to a plain HTTP request.
HTTPS_ONLY_REPLY = b"Client sent an HTTP request to an HTTPS server"

# OpenSSL verify codes for a server certificate (X509_V_ERR_*).
_UNTRUSTED_ISSUER = {2, 18, 19, 20, 21}
_EXPIRED, _NOT_YET_VALID = 10, 9
_NAME_MISMATCH = {62, 64}  # host name, IP address
# Alerts a daemon sends when it refuses the client's certificate (or its absence).
_REJECTED_CLIENT = ("BAD_CERTIFICATE", "CERTIFICATE_REQUIRED", "UNKNOWN_CA", "CERTIFICATE_EXPIRED")
_NOT_TLS = ("WRONG_VERSION_NUMBER", "HTTP_REQUEST", "RECORD_LAYER_FAILURE", "PACKET_LENGTH")


class SSHConnectError(aiohttp.ClientConnectionError):
    """Connecting over SSH failed (refused login, unknown host key...): nothing was sent."""


def tls_session_refused(exc: BaseException) -> bool:
    """Whether a TLS connection failed in a way that means the daemon refused the session.

    With TLS 1.3 the client's handshake completes before the daemon checks its
    certificate: the refusal (an alert, or a reset) reaches the first read.
    """
    return any(
        isinstance(error, (ssl.SSLError, ConnectionResetError, aiohttp.ServerDisconnectedError))
        for error in _chain_all(exc)
    )


def _chain_all(exc: BaseException) -> list[BaseException]:
    """The exception and its causes."""
    found: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in found:
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and its causes, without aiohttp's wrappers (some subclass ssl's errors)."""
    found = _chain_all(exc)
    return [error for error in found if not isinstance(error, aiohttp.ClientError)] or found


def _host(endpoint: Endpoint) -> str:
    return endpoint.url.split("://", 1)[1].rstrip("/").rsplit(":", 1)[0]


def _server_certificate(error: ssl.SSLCertVerificationError, endpoint: Endpoint) -> str:
    code = error.verify_code
    if code in _NAME_MISMATCH:
        return (
            f"host name mismatch: the daemon's certificate is not valid for "
            f"{_host(endpoint)!r}; connect with a name or address its subjectAltName lists"
        )
    if code == _EXPIRED:
        return "the daemon's certificate has expired"
    if code == _NOT_YET_VALID:
        return "the daemon's certificate is not valid yet (check both clocks)"
    if code in _UNTRUSTED_ISSUER:
        trusted = f"the CA in {endpoint.ca_file}" if endpoint.ca_file else "the system's CAs"
        return (
            f"wrong CA: the daemon's certificate is not signed by a CA this client trusts "
            f"({trusted}; {error.verify_message})"
        )
    return f"the daemon's certificate failed verification: {error.verify_message}"


def _client_certificate(reason: str, endpoint: Endpoint) -> str:
    rejected = f"the daemon rejected this client's TLS certificate (alert: {reason})"
    cert = endpoint.cert_file
    if endpoint.ca_file is not None and cert is None:
        return (
            f"no client certificate: {rejected}; the daemon requires one (--tlsverify): "
            f"put cert.pem and key.pem next to {endpoint.ca_file}"
        )
    if cert is None:
        return f"{rejected}; without a client certificate, or one it does not accept"
    not_after = certificate_not_after(cert)
    if not_after is not None and not_after < datetime.now(timezone.utc):
        return (
            f"expired certificate: the client certificate {cert} expired on {not_after:%Y-%m-%d}"
        )
    return f"{rejected}: {cert} is not signed by a CA the daemon trusts"


def plain_to_tls_port(endpoint: Endpoint) -> str:
    """The sentence for a plain HTTP request that reached a TLS-only daemon."""
    return (
        f"the daemon at {endpoint.url} ({endpoint.source}) speaks only TLS and this client "
        f"sent plain HTTP; enable TLS (DOCKER_TLS_VERIFY=1 with DOCKER_CERT_PATH, or tls=)"
    )


_MAX_SOCKET_PATH = 107  # sockaddr_un.sun_path holds 108 bytes with the NUL


def describe_failure(exc: BaseException, endpoint: Endpoint) -> str:
    """Why connecting to ``endpoint`` failed: names the TLS or SSH cause when there is one."""
    where = f"the Docker daemon at {endpoint.url} ({endpoint.source})"
    for error in _chain(exc):
        if isinstance(error, ssl.SSLCertVerificationError):
            return f"cannot connect to {where}: {_server_certificate(error, endpoint)}"
        if isinstance(error, ssl.SSLError):
            reason = str(error.reason or error)
            if any(part in reason for part in _REJECTED_CLIENT):
                return f"cannot connect to {where}: {_client_certificate(reason, endpoint)}"
            if any(part in reason for part in _NOT_TLS):
                return (
                    f"cannot connect to {where}: TLS to a port that does not speak TLS "
                    f"({reason}); is it a plain-HTTP port? (never retried without TLS)"
                )
            return f"cannot connect to {where}: TLS failed: {error}"
        kind = type(error).__name__
        if kind == "HostKeyNotVerifiable":  # asyncssh's, through our SSH connector
            return (
                f"cannot connect to {where}: SSH host key mismatch or unknown host: {error} "
                f"(check known_hosts)"
            )
        if kind == "PermissionDenied":
            return f"cannot connect to {where}: SSH refused the login (key not accepted): {error}"
    if endpoint.ssl_context is not None and any(
        isinstance(error, (ConnectionResetError, aiohttp.ServerDisconnectedError))
        for error in _chain_all(exc)
    ):
        # TLS 1.3: the client's handshake ends before the daemon checks its certificate; the
        # daemon's alert can lose the race with its closing the connection.
        reason = "connection closed right after the TLS handshake"
        return f"cannot connect to {where}: {_client_certificate(reason, endpoint)}"
    if endpoint.url.startswith("unix://"):
        size = len(endpoint.url[len("unix://") :].encode())
        if size > _MAX_SOCKET_PATH:
            return (
                f"cannot connect to {where}: the socket path is {size} bytes long; "
                f"a unix socket path may have at most {_MAX_SOCKET_PATH}"
            )
    return f"cannot connect to {where}: {exc}"


def _der(data: bytes, offset: int) -> tuple[int, int, int]:
    """(tag, start, end) of the DER element at ``offset``."""
    tag, length, start = data[offset], data[offset + 1], offset + 2
    if length & 0x80:
        size = length & 0x7F
        length = int.from_bytes(data[start : start + size], "big")
        start += size
    return tag, start, start + length


def certificate_not_after(path: Path) -> datetime | None:
    """The end of a PEM certificate's validity, read from its DER (the stdlib has no parser).

    ``None`` when the file cannot be read or parsed: the caller then says less, never more.
    """
    try:
        der = ssl.PEM_cert_to_DER_cert(path.read_text())
        _, cert, _ = _der(der, 0)
        _, field, _ = _der(der, cert)
        if der[field] == 0xA0:  # explicit version
            field = _der(der, field)[2]
        for _ in range(3):  # serial number, signature algorithm, issuer
            field = _der(der, field)[2]
        _, validity, _ = _der(der, field)
        not_before_end = _der(der, validity)[2]
        tag, start, end = _der(der, not_before_end)
        text = der[start:end].decode("ascii")
        layout = "%y%m%d%H%M%SZ" if tag == 0x17 else "%Y%m%d%H%M%SZ"  # UTCTime, GeneralizedTime
        return datetime.strptime(text, layout).replace(tzinfo=timezone.utc)
    except (OSError, ValueError, IndexError, UnicodeDecodeError):
        return None
