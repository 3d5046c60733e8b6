"""Where the daemon is and how to reach it: DOCKER_HOST, contexts and TLS.

Resolution order matches the Docker CLI: an explicit ``base_url``, then
``DOCKER_HOST``, then ``DOCKER_CONTEXT``, then the current context of
``config.json``, then the default socket. (aiodocker lets ``DOCKER_CONTEXT``
beat ``DOCKER_HOST``; the CLI does not, and neither do we.)
"""

from __future__ import annotations

import hashlib
import json
import os
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import InvalidArgument

__all__ = ["DEFAULT_UNIX_SOCKET", "Endpoint", "config_dir", "resolve_endpoint"]

DEFAULT_UNIX_SOCKET = "unix:///var/run/docker.sock"
_SCHEMES = ("unix", "tcp", "http", "https", "ssh", "npipe")


@dataclass(frozen=True)
class Endpoint:
    """A resolved daemon address: the URL, its TLS context and where it came from."""

    url: str
    ssl_context: ssl.SSLContext | None = None
    source: str = "default"
    # Where the context's CA and client certificate were read from, when this module read
    # them (not for a caller's own SSLContext): connection errors name these files.
    ca_file: Path | None = None
    cert_file: Path | None = None

    @property
    def scheme(self) -> str:
        return self.url.split("://", 1)[0]

    @property
    def http_base(self) -> str:
        """The base URL for HTTP requests; socket transports use a dummy host."""
        scheme, _, rest = self.url.partition("://")
        if scheme in ("unix", "ssh", "npipe"):
            return "http://localhost"
        rest = rest.rstrip("/")
        secure = self.ssl_context is not None or scheme == "https"
        return ("https://" if secure else "http://") + rest

    @property
    def socket_path(self) -> str | None:
        return self.url[len("unix://") :] if self.scheme == "unix" else None


def config_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The Docker CLI's configuration directory (``DOCKER_CONFIG`` or ``$HOME/.docker``)."""
    env = os.environ if environ is None else environ
    directory = env.get("DOCKER_CONFIG")
    if directory:
        return Path(directory)
    return Path(env.get("HOME") or Path.home()) / ".docker"


def _normalize_url(url: str) -> str:
    if "://" not in url:
        if url.startswith("/"):
            return "unix://" + url
        return "tcp://" + url
    scheme = url.split("://", 1)[0]
    if scheme not in _SCHEMES:
        raise InvalidArgument(
            f"unsupported Docker host scheme {scheme!r} in {url!r}; "
            f"expected one of {', '.join(_SCHEMES)}"
        )
    return url


@dataclass(frozen=True)
class _TLS:
    """A TLS context and the files it was loaded from."""

    context: ssl.SSLContext
    ca_file: Path | None
    cert_file: Path | None


def _tls_context(cert_dir: Path | None, *, verify: bool, ca: Path | None = None) -> _TLS:
    ca_file = ca if ca and ca.exists() else None
    context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    cert_file = None
    if cert_dir is not None:
        cert, key = cert_dir / "cert.pem", cert_dir / "key.pem"
        if cert.exists() and key.exists():
            context.load_cert_chain(str(cert), str(key))
            cert_file = cert
    return _TLS(context, ca_file, cert_file)


def _env_tls(env: Mapping[str, str]) -> _TLS | None:
    verify = env.get("DOCKER_TLS_VERIFY", "") not in ("", "0")
    cert_path = env.get("DOCKER_CERT_PATH")
    if not verify and not cert_path:
        return None
    cert_dir = Path(cert_path) if cert_path else config_dir(env)
    return _tls_context(cert_dir, verify=verify, ca=cert_dir / "ca.pem")


def _context_endpoint(name: str, env: Mapping[str, str]) -> Endpoint:
    if name == "default":
        return Endpoint(DEFAULT_UNIX_SOCKET, source="context default")
    digest = hashlib.sha256(name.encode()).hexdigest()
    base = config_dir(env) / "contexts"
    meta_file = base / "meta" / digest / "meta.json"
    try:
        meta = json.loads(meta_file.read_text())
        docker = meta["Endpoints"]["docker"]
        host = docker["Host"]
    except FileNotFoundError:
        raise InvalidArgument(f"Docker context {name!r} not found ({meta_file})") from None
    except (KeyError, TypeError, json.JSONDecodeError) as exc:
        raise InvalidArgument(f"Docker context {name!r} is malformed: {exc}") from exc
    tls_dir = base / "tls" / digest / "docker"
    url, source = _normalize_url(host), f"context {name}"
    if tls_dir.is_dir() or host.startswith("https://"):
        tls = _tls_context(
            tls_dir if tls_dir.is_dir() else None,
            verify=not docker.get("SkipTLSVerify", False),
            ca=tls_dir / "ca.pem",
        )
        return _with_tls(Endpoint(url, source=source), tls)
    return Endpoint(url, source=source)


def _with_tls(endpoint: Endpoint, tls: _TLS | None) -> Endpoint:
    if tls is None:
        return Endpoint(endpoint.url, None, endpoint.source)
    return Endpoint(endpoint.url, tls.context, endpoint.source, tls.ca_file, tls.cert_file)


def _current_context(env: Mapping[str, str]) -> str | None:
    try:
        data = json.loads((config_dir(env) / "config.json").read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    name = data.get("currentContext") if isinstance(data, dict) else None
    return name if isinstance(name, str) and name else None


def resolve_endpoint(
    base_url: str | None = None,
    *,
    tls: bool | ssl.SSLContext | None = None,
    environ: Mapping[str, str] | None = None,
) -> Endpoint:
    """Find the daemon the way the Docker CLI does.

    ``tls`` overrides the environment: ``True`` verifies with the system's CAs
    (and ``DOCKER_CERT_PATH`` client certificates), ``False`` forces plain
    HTTP, an ``SSLContext`` is used as given.
    """
    env = os.environ if environ is None else environ
    if base_url is not None:
        endpoint = Endpoint(_normalize_url(base_url), source="base_url")
    elif env.get("DOCKER_HOST"):
        endpoint = _with_tls(
            Endpoint(_normalize_url(env["DOCKER_HOST"]), source="DOCKER_HOST"), _env_tls(env)
        )
    elif env.get("DOCKER_CONTEXT"):
        endpoint = _context_endpoint(env["DOCKER_CONTEXT"], env)
    elif (current := _current_context(env)) is not None:
        endpoint = _context_endpoint(current, env)
    else:
        endpoint = Endpoint(DEFAULT_UNIX_SOCKET)

    if isinstance(tls, ssl.SSLContext):
        endpoint = Endpoint(endpoint.url, tls, endpoint.source)
    elif tls is True and endpoint.ssl_context is None:
        endpoint = _with_tls(endpoint, _env_tls(env) or _tls_context(None, verify=True))
    elif tls is False:
        if endpoint.scheme == "https":
            raise InvalidArgument(f"tls=False contradicts the https:// of {endpoint.url}")
        endpoint = _with_tls(endpoint, None)
    elif endpoint.scheme == "https" and endpoint.ssl_context is None:
        # https:// asks for TLS: verify with the system's CAs (never an unverified session).
        endpoint = _with_tls(endpoint, _tls_context(None, verify=True))
    if endpoint.ssl_context is not None and endpoint.scheme in ("unix", "ssh", "npipe"):
        raise InvalidArgument(f"TLS cannot be used with {endpoint.scheme}:// ({endpoint.url})")
    return endpoint
