"""Registry credentials, found where the Docker CLI keeps them, and encoded for the daemon.

Lookup order for a registry, as the CLI does it: credentials from
`Credentials.remember()` (``client.login``), then the config file's
``credHelpers`` entry for that registry, then its ``credsStore``, then its
``auths`` entry. The config file is ``$DOCKER_CONFIG/config.json`` or
``~/.docker/config.json``. Helpers are the CLI's ``docker-credential-<name>``
programs, run with ``get`` and the server name on stdin.

Secrets only ever travel in request headers (``X-Registry-Auth``,
``X-Registry-Config``); they are never logged and never put in an error
message.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import anyio

from ._arguments import AuthConfig, Name
from ._config import config_dir
from ._validation import validated
from .errors import DockerException, InvalidArgument

__all__ = [
    "INDEX_NAME",
    "INDEX_URL",
    "Credentials",
    "encode_header",
    "registry_for",
    "resolve_index_name",
]

INDEX_NAME = "docker.io"
INDEX_URL = "https://index.docker.io/v1/"
_NOT_FOUND = "credentials not found"


def _hostname(address: str) -> str:
    """``https://host:port/path`` → ``host:port``."""
    for scheme in ("http://", "https://"):
        if address.startswith(scheme):
            address = address[len(scheme) :]
    return address.split("/", 1)[0]


def resolve_index_name(address: str) -> str:
    """The canonical name of a registry address (``index.docker.io`` → ``docker.io``)."""
    name = _hostname(address)
    return INDEX_NAME if name == "index." + INDEX_NAME else name


def registry_for(repository: str) -> str:
    """The registry a repository lives in: its first component if that is a host, else Hub."""
    if "://" in repository:
        raise InvalidArgument(f"repository name must not contain a scheme: {repository!r}")
    first, sep, _ = repository.partition("/")
    if not sep or ("." not in first and ":" not in first and first != "localhost"):
        return INDEX_NAME
    return resolve_index_name(first)


def encode_header(auth: Mapping[str, Any]) -> str:
    """Base64url JSON, the encoding of ``X-Registry-Auth`` and ``X-Registry-Config``."""
    return base64.urlsafe_b64encode(json.dumps(dict(auth)).encode()).decode("ascii")


def _from_auths_entry(entry: Mapping[str, Any], server: str) -> dict[str, str] | None:
    auth: dict[str, str] = {"serveraddress": server}
    encoded = entry.get("auth")
    if encoded:
        try:
            decoded = base64.b64decode(encoded).decode("utf-8")
        except ValueError as exc:
            raise DockerException(f"invalid 'auth' entry for {server} in the config") from exc
        username, sep, password = decoded.partition(":")
        if not sep:
            raise DockerException(f"invalid 'auth' entry for {server} in the config")
        auth["username"], auth["password"] = username, password
    for key in ("username", "password", "email", "identitytoken"):
        value = entry.get(key) or entry.get(key.capitalize())
        if value:
            auth[key] = str(value)
    return auth if len(auth) > 1 else None


_PROXY_VARS = {
    "httpProxy": ("http_proxy", "HTTP_PROXY"),
    "httpsProxy": ("https_proxy", "HTTPS_PROXY"),
    "ftpProxy": ("ftp_proxy", "FTP_PROXY"),
    "noProxy": ("no_proxy", "NO_PROXY"),
}


class Credentials:
    """Registry credentials for one client: remembered logins plus the CLI's config file."""

    def __init__(
        self,
        environment: Mapping[str, str] | None = None,
        helper_environment: Mapping[str, str] | None = None,
    ) -> None:
        self._environment = environment
        self._helper_environment = helper_environment
        self._remembered: dict[str, dict[str, str]] = {}
        self._proxies: dict[str, str] | None = None

    @property
    def _environ(self) -> Mapping[str, str]:
        return os.environ if self._environment is None else self._environment

    @validated
    def config_path(self) -> Path:
        """``$DOCKER_CONFIG/config.json``, else ``~/.docker/config.json``."""
        return config_dir(self._environ) / "config.json"

    @validated
    async def load_config(self) -> dict[str, Any]:
        """The CLI config file's contents (``{}`` when there is none)."""
        path = anyio.Path(self.config_path())
        try:
            text = await path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise DockerException(f"cannot read Docker config {path}: {exc}") from exc
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise DockerException(f"Docker config {path} is not valid JSON: {exc}") from exc
        return data if isinstance(data, dict) else {}

    @validated
    async def proxy_environment(self) -> dict[str, str]:
        """The config file's default proxies as environment variables (both cases).

        docker-py passes these to containers and builds unless ``use_config_proxy``
        is false. Read once per client, like the CLI reads its config once.
        """
        if self._proxies is None:
            proxies = (await self.load_config()).get("proxies") or {}
            default = proxies.get("default") or {} if isinstance(proxies, dict) else {}
            self._proxies = {
                name: str(default[key])
                for key, names in _PROXY_VARS.items()
                if default.get(key)
                for name in names
            }
        return dict(self._proxies)

    @validated
    def reload(self) -> None:
        """Read the config file's proxies again on next use (its credentials are read
        at each use already)."""
        self._proxies = None

    @validated
    def remember(self, registry: Name, auth: AuthConfig) -> None:
        """Use ``auth`` for ``registry`` from now on (what ``client.login`` does)."""
        self._remembered[resolve_index_name(registry)] = dict(auth)

    @validated
    async def for_registry(self, registry: Name) -> dict[str, str] | None:
        """Credentials for ``registry`` (a host such as ``127.0.0.1:5000`` or ``docker.io``)."""
        name = resolve_index_name(registry)
        if name in self._remembered:
            return dict(self._remembered[name])
        config = await self.load_config()
        server = INDEX_URL if name == INDEX_NAME else name
        helpers = config.get("credHelpers") or {}
        helper = helpers.get(name) or helpers.get(server) or config.get("credsStore")
        if helper:
            return await self._run_helper(str(helper), server)
        auths = config.get("auths") or {}
        for key, entry in auths.items():
            if resolve_index_name(key) == name or (name == INDEX_NAME and key == INDEX_URL):
                if isinstance(entry, Mapping):
                    return _from_auths_entry(entry, server)
        return None

    @validated
    async def for_all(self) -> dict[str, dict[str, str]]:
        """Credentials for every registry the config knows, for builds (``X-Registry-Config``)."""
        config = await self.load_config()
        found: dict[str, dict[str, str]] = {}
        names = {resolve_index_name(key) for key in config.get("auths") or {}}
        names |= {resolve_index_name(key) for key in config.get("credHelpers") or {}}
        names |= set(self._remembered)
        for name in sorted(names):
            auth = await self.for_registry(name)
            if auth is not None:
                found[INDEX_URL if name == INDEX_NAME else name] = auth
        return found

    async def _run_helper(self, helper: str, server: str) -> dict[str, str] | None:
        program = f"docker-credential-{helper}"
        env = None
        if self._environment is not None or self._helper_environment is not None:
            env = {**self._environ, **(self._helper_environment or {})}
        try:
            result = await anyio.run_process(
                [program, "get"], input=server.encode(), check=False, env=env
            )
        except OSError as exc:
            raise DockerException(f"cannot run credential helper {program}: {exc}") from exc
        if result.returncode != 0:
            output = (result.stdout + result.stderr).decode("utf-8", "replace")
            if _NOT_FOUND in output.lower():
                return None
            raise DockerException(
                f"credential helper {program} failed for {server} "
                f"(exit status {result.returncode})"
            )
        try:
            data = json.loads(result.stdout)
            username, secret = str(data["Username"]), str(data["Secret"])
        except (ValueError, KeyError, TypeError) as exc:
            raise DockerException(f"credential helper {program} gave unreadable output") from exc
        if username == "<token>":
            return {"identitytoken": secret, "serveraddress": server}
        return {"username": username, "password": secret, "serveraddress": server}
