"""Docker CLI contexts in docker-py's shape: [`Context`][aiocontainers.context.Context] and
[`ContextAPI`][aiocontainers.context.ContextAPI].

Contexts live where the Docker CLI keeps them, under the config directory
(``DOCKER_CONFIG`` or ``~/.docker``): ``contexts/meta/<sha256 of the name>/meta.json``
and TLS material in ``contexts/tls/<sha256>/<endpoint>/``. The built-in ``default``
context is the local socket. [`from_context()`][aiocontainers.from_context] makes a client for one.

One difference from docker-py: asking for a context that does not exist raises
[`ContextNotFound`][aiocontainers.errors.ContextNotFound] in
[`from_context()`][aiocontainers.from_context], where
docker-py silently connects to the default socket instead.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._config import DEFAULT_UNIX_SOCKET, config_dir
from ._validation import validated
from .errors import (
    ContextAlreadyExists,
    ContextException,
    ContextNotFound,
    MissingContextParameter,
)
from .tls import TLSConfig

if TYPE_CHECKING:
    from ._client import DockerClient

__all__ = ["Context", "ContextAPI", "from_context"]

_META_FILE = "meta.json"
_IN_MEMORY = "IN MEMORY"


def _context_id(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8")).hexdigest()


def _contexts_dir() -> Path:
    return config_dir() / "contexts"


def _meta_dir(name: str | None = None) -> Path:
    base = _contexts_dir() / "meta"
    return base / _context_id(name) if name else base


def _tls_dir(name: str) -> Path:
    return _contexts_dir() / "tls" / _context_id(name)


def context_host(host: str | None = None, tls: bool = False) -> str:
    """A host as docker-py's contexts store it (``tcp://`` becomes ``http(s)://``)."""
    if not host or host == DEFAULT_UNIX_SOCKET:
        return DEFAULT_UNIX_SOCKET
    scheme, sep, rest = host.partition("://")
    if not sep:
        scheme, rest = ("unix", host) if host.startswith("/") else ("tcp", host)
    if scheme == "tcp":
        return f"{'https' if tls else 'http'}://{rest}"
    if scheme == "unix":
        return f"http+unix://{rest}"
    return f"{scheme}://{rest}"


class Context:
    """One context: a name, an optional orchestrator and its endpoints (``docker``...)."""

    @validated
    def __init__(
        self,
        name: str,
        orchestrator: str | None = None,
        host: str | None = None,
        endpoints: Mapping[str, Any] | None = None,
        tls: bool = False,
    ) -> None:
        if not name:
            raise MissingContextParameter("name")
        self.name = name
        self.context_type: str | None = None
        self.orchestrator = orchestrator
        self.endpoints: dict[str, dict[str, Any]] = {}
        self.tls_cfg: dict[str, TLSConfig] = {}
        self.meta_path = _IN_MEMORY
        self.tls_path = _IN_MEMORY
        if not endpoints:
            self.endpoints[self._docker_endpoint()] = {
                "Host": context_host(host, tls),
                "SkipTLSVerify": not tls,
            }
            return
        for key, endpoint in endpoints.items():
            if not isinstance(endpoint, dict):
                raise ContextException(f"Unknown endpoint format for context {name}: {endpoint}")
            self.endpoints[key] = endpoint
            if key == "docker":
                endpoint["Host"] = endpoint.get("Host", context_host(host, tls))
                endpoint["SkipTLSVerify"] = bool(endpoint.get("SkipTLSVerify", not tls))

    def _docker_endpoint(self) -> str:
        orchestrator = self.orchestrator
        return "docker" if not orchestrator or orchestrator == "swarm" else orchestrator

    @validated
    def set_endpoint(
        self,
        name: str = "docker",
        host: str | None = None,
        tls_cfg: TLSConfig | None = None,
        skip_tls_verify: bool = False,
        def_namespace: str | None = None,
    ) -> None:
        """Set (or replace) one endpoint."""
        self.endpoints[name] = {
            "Host": context_host(host, not skip_tls_verify),
            "SkipTLSVerify": skip_tls_verify,
        }
        if def_namespace:
            self.endpoints[name]["DefaultNamespace"] = def_namespace
        if tls_cfg:
            self.tls_cfg[name] = tls_cfg

    @validated
    def inspect(self) -> dict[str, Any]:
        """What ``docker context inspect`` shows."""
        return self()

    @classmethod
    @validated
    def load_context(cls, name: str) -> Context | None:
        """The stored context ``name``, or None when there is none."""
        meta = cls._load_meta(name)
        if meta is None:
            return None
        metadata = meta.get("Metadata") or {}
        context = cls(
            meta["Name"],
            orchestrator=metadata.get("StackOrchestrator"),
            endpoints=meta.get("Endpoints"),
        )
        context.context_type = metadata.get("Type")
        context._load_certs()
        context.meta_path = str(_meta_dir(name))
        return context

    @classmethod
    def _load_meta(cls, name: str) -> dict[str, Any] | None:
        path = _meta_dir(name) / _META_FILE
        if not path.is_file():
            return None
        try:
            meta: dict[str, Any] = json.loads(path.read_text())
            endpoints = meta["Endpoints"]
        except (OSError, KeyError, TypeError, ValueError) as exc:
            raise ContextException(
                f"Detected corrupted meta file for context {name} : {exc}"
            ) from exc
        docker = endpoints.get("docker")
        if isinstance(docker, dict):
            docker["Host"] = docker.get("Host", context_host())
            docker["SkipTLSVerify"] = bool(docker.get("SkipTLSVerify", True))
        return meta

    def _load_certs(self) -> None:
        tls_dir = _tls_dir(self.name)
        certs: dict[str, TLSConfig] = {}
        for endpoint in self.endpoints:
            directory = tls_dir / endpoint
            if not directory.is_dir():
                continue
            found: dict[str, str] = {}
            for entry in sorted(os.listdir(directory)):
                for prefix in ("ca", "cert", "key"):
                    if entry.startswith(prefix):
                        found[prefix] = str(directory / entry)
            if len(found) == 3:
                verify = (
                    True
                    if endpoint == "docker"
                    and not self.endpoints["docker"].get("SkipTLSVerify", False)
                    else None
                )
                certs[endpoint] = TLSConfig(
                    client_cert=(found["cert"], found["key"]), ca_cert=found["ca"], verify=verify
                )
        self.tls_cfg = certs
        self.tls_path = str(tls_dir)

    @validated
    def save(self) -> None:
        """Write the context (and copies of its TLS files) where the CLI reads them."""
        meta_dir = _meta_dir(self.name)
        meta_dir.mkdir(parents=True, exist_ok=True)
        (meta_dir / _META_FILE).write_text(json.dumps(self.Metadata))
        tls_dir = _tls_dir(self.name)
        for endpoint, tls in self.tls_cfg.items():
            target = tls_dir / endpoint
            target.mkdir(parents=True, exist_ok=True)
            files = [tls.ca_cert] if tls.ca_cert else []
            if tls.cert is not None:
                files.extend(tls.cert)
            for path in files:
                shutil.copyfile(path, target / os.path.basename(path))
        self.meta_path = str(meta_dir)
        self.tls_path = str(tls_dir)

    @validated
    def remove(self) -> None:
        """Delete the stored context and its TLS files."""
        for path in (self.meta_path, self.tls_path):
            if path != _IN_MEMORY and os.path.isdir(path):
                shutil.rmtree(path)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: '{self.name}'>"

    def __str__(self) -> str:
        return json.dumps(self(), indent=2)

    def __call__(self) -> dict[str, Any]:
        result = self.Metadata
        result.update(self.TLSMaterial)
        result.update(self.Storage)
        return result

    @validated
    def is_docker_host(self) -> bool:
        """True for a context of a Docker daemon (not another kind of endpoint)."""
        return self.context_type is None

    @property
    def Name(self) -> str:
        return self.name

    @property
    def Host(self) -> str | None:
        endpoint = self.endpoints.get(self._docker_endpoint())
        host = endpoint.get("Host") if endpoint else None
        return str(host) if host is not None else None

    @property
    def Orchestrator(self) -> str | None:
        return self.orchestrator

    @property
    def Metadata(self) -> dict[str, Any]:
        meta = {"StackOrchestrator": self.orchestrator} if self.orchestrator else {}
        return {"Name": self.name, "Metadata": meta, "Endpoints": self.endpoints}

    @property
    def TLSConfig(self) -> TLSConfig | None:
        return self.tls_cfg.get(self._docker_endpoint())

    @property
    def TLSMaterial(self) -> dict[str, Any]:
        certs = {}
        for endpoint, tls in self.tls_cfg.items():
            cert, key = tls.cert or ("", "")
            certs[endpoint] = [os.path.basename(p or "") for p in (tls.ca_cert, cert, key)]
        return {"TLSMaterial": certs}

    @property
    def Storage(self) -> dict[str, Any]:
        return {"Storage": {"MetadataPath": self.meta_path, "TLSPath": self.tls_path}}


def _current_name() -> str:
    try:
        data = json.loads((config_dir() / "config.json").read_text())
    except (OSError, ValueError):
        return "default"
    name = data.get("currentContext") if isinstance(data, dict) else None
    return name if isinstance(name, str) and name else "default"


def _write_current_name(name: str | None) -> None:
    path = config_dir() / "config.json"
    try:
        config = json.loads(path.read_text()) if path.exists() else {}
    except (OSError, ValueError) as exc:
        raise ContextException(f"Failed to set current context: {exc}") from exc
    if name in (None, "default"):
        if "currentContext" not in config:
            return
        del config["currentContext"]
    else:
        config["currentContext"] = name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(config, indent=4))


class ContextAPI:
    """Create, find, list, select and remove contexts (all class methods, as docker-py's)."""

    DEFAULT_CONTEXT = Context("default", "swarm")

    @classmethod
    @validated
    def create_context(
        cls,
        name: str,
        orchestrator: str | None = None,
        host: str | None = None,
        tls_cfg: TLSConfig | None = None,
        default_namespace: str | None = None,
        skip_tls_verify: bool = False,
    ) -> Context:
        """Create and save a context; ``ContextAlreadyExists`` if the name is taken."""
        if not name:
            raise MissingContextParameter("name")
        if name == "default":
            raise ContextException('"default" is a reserved context name')
        if Context.load_context(name) is not None:
            raise ContextAlreadyExists(name)
        context = Context(name, orchestrator)
        context.set_endpoint(
            context._docker_endpoint(),
            host,
            tls_cfg,
            skip_tls_verify=skip_tls_verify,
            def_namespace=default_namespace,
        )
        context.save()
        return context

    @classmethod
    @validated
    def get_context(cls, name: str | None = None) -> Context | None:
        """The context ``name`` (the current one when None), or None when it does not exist."""
        name = name or _current_name()
        if name == "default":
            return cls.DEFAULT_CONTEXT
        return Context.load_context(name)

    @classmethod
    @validated
    def contexts(cls) -> list[Context]:
        """Every context, ``default`` first."""
        found: list[Context] = [cls.DEFAULT_CONTEXT]
        root = _meta_dir()
        if not root.is_dir():
            return found
        for meta_file in sorted(root.glob(f"*/{_META_FILE}")):
            try:
                name = json.loads(meta_file.read_text())["Name"]
            except (OSError, KeyError, TypeError, ValueError) as exc:
                raise ContextException(f"Failed to load metafile {meta_file}: {exc}") from exc
            context = Context.load_context(name)
            if context is not None:
                found.append(context)
        return found

    @classmethod
    @validated
    def get_current_context(cls) -> Context | None:
        """The context selected in the CLI's config (``default`` when none is)."""
        return cls.get_context()

    @classmethod
    @validated
    def kwargs_from_context(
        cls, name: str | None = None, environment: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """``base_url`` (and ``tls``) for a client of context ``name``.

        Without ``name``: ``DOCKER_CONTEXT``, then the CLI's current context.
        Raises ``ContextNotFound`` for a name that does not exist.
        """
        env = os.environ if environment is None else environment
        name = name or env.get("DOCKER_CONTEXT") or None
        context = cls.get_context(name)
        if context is None:
            raise ContextNotFound(name or "")
        params: dict[str, Any] = {}
        host = context.Host
        if host:
            params["base_url"] = host
        tls = context.TLSConfig
        if tls is not None:
            params["tls"] = tls
        return params

    @classmethod
    @validated
    def set_current_context(cls, name: str = "default") -> None:
        """Select ``name`` in the CLI's config file."""
        if cls.get_context(name) is None:
            raise ContextNotFound(name)
        _write_current_name(name)

    @classmethod
    @validated
    def remove_context(cls, name: str) -> None:
        """Delete the context ``name`` (unselecting it if it is the current one)."""
        if not name:
            raise MissingContextParameter("name")
        if name == "default":
            raise ContextException('context "default" cannot be removed')
        context = Context.load_context(name)
        if context is None:
            raise ContextNotFound(name)
        if name == _current_name():
            _write_current_name(None)
        context.remove()

    @classmethod
    @validated
    def inspect_context(cls, name: str = "default") -> dict[str, Any]:
        """What ``docker context inspect NAME`` shows."""
        if not name:
            raise MissingContextParameter("name")
        if name == "default":
            return cls.DEFAULT_CONTEXT()
        context = Context.load_context(name)
        if context is None:
            raise ContextNotFound(name)
        return context()


def client_arguments(name: str | None = None) -> dict[str, Any]:
    """Keyword arguments of [`DockerClient`][aiocontainers.DockerClient] for the context
    ``name``."""
    params = ContextAPI.kwargs_from_context(name)
    base_url = params.get("base_url")
    if isinstance(base_url, str) and base_url.startswith("http+unix://"):
        params["base_url"] = "unix://" + base_url[len("http+unix://") :]
    tls = params.pop("tls", None)
    if tls is not None:
        params["tls"] = tls.ssl_context()
    return params


@validated
def from_context(name: str | None = None, **kwargs: Any) -> DockerClient:
    """A client for the Docker CLI context ``name`` (the current one when None).

    Other keywords go to [`DockerClient`][aiocontainers.DockerClient] (``timeout``...).
    Raises ``ContextNotFound`` when there is no such context.
    """
    from ._client import DockerClient

    return DockerClient(**{**client_arguments(name), **kwargs})
