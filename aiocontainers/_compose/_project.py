"""Top-level networks and volumes of a Compose project, and the project itself: ``Stack``."""

from __future__ import annotations

import graphlib
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import Field, TypeAdapter, ValidationError, model_validator

from .._checked import nested_validation
from .._validation import validated
from ..errors import ComposeError, InvalidArgument
from ._base import ComposeModel, ExtensibleModel, StrMap
from ._errors import invalid_project
from ._files import read_env_file
from ._interpolate import InterpolationError, interpolate
from ._service import ServiceConfig, ServiceDependency

__all__ = [
    "ConfigObjectConfig",
    "IPAMConfig",
    "IPAMPool",
    "NetworkConfig",
    "SecretConfig",
    "Stack",
    "VolumeConfig",
    "normalize_project_name",
]

_PROJECT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_SERVICE_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9._-]*$")
_REMOTE_CONTEXT = re.compile(r"^(https?://|git@|git://|github\.com/)")


class IPAMPool(ComposeModel):
    subnet: str | None = None
    ip_range: str | None = None
    gateway: str | None = None
    aux_addresses: StrMap | None = None


class IPAMConfig(ComposeModel):
    driver: str | None = None
    config: list[IPAMPool] | None = None
    options: StrMap | None = None


class _External(ComposeModel):
    name: str | None = None


def _external(data: Any) -> Any:
    """The legacy ``external: {name: x}`` form as ``external: true, name: x``."""
    if isinstance(data, Mapping) and isinstance(data.get("external"), Mapping):
        legacy = _External.model_validate(data["external"])
        data = {**data, "external": True}
        if legacy.name:
            data["name"] = legacy.name
    return data


class NetworkConfig(ExtensibleModel):
    """A top-level network: created per stack as ``PROJECT_KEY``, or ``external`` and reused."""

    name: str | None = None
    driver: str | None = None
    driver_opts: StrMap | None = None
    internal: bool | None = None
    attachable: bool | None = None
    enable_ipv6: bool | None = None
    ipam: IPAMConfig = Field(default_factory=IPAMConfig)
    external: bool | None = None
    labels: StrMap | None = None

    @model_validator(mode="before")
    @classmethod
    def _legacy(cls, data: Any) -> Any:
        return _external(data)


class VolumeConfig(ExtensibleModel):
    """A top-level named volume: created per stack as ``PROJECT_KEY``, or ``external``."""

    name: str | None = None
    driver: str | None = None
    driver_opts: StrMap | None = None
    external: bool | None = None
    labels: StrMap | None = None

    @model_validator(mode="before")
    @classmethod
    def _legacy(cls, data: Any) -> Any:
        return _external(data)


class _StoredObjectConfig(ExtensibleModel):
    """What secrets and configs share: where the content comes from, and a name."""

    name: str | None = None
    file: str | None = None
    environment: str | None = None
    external: bool | None = None
    labels: StrMap | None = None
    template_driver: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _legacy(cls, data: Any) -> Any:
        return _external(data)

    def _sources(self) -> list[str]:
        return [key for key in ("file", "environment", "external") if getattr(self, key)]

    @model_validator(mode="after")
    def _one_source(self) -> _StoredObjectConfig:
        sources = self._sources()
        if len(sources) != 1:
            kinds = ", ".join(self._kinds())
            found = f"got {' and '.join(sources)}" if sources else "got none"
            raise ValueError(f"give exactly one of {kinds} ({found})")
        return self

    def _kinds(self) -> list[str]:
        return ["file", "environment", "external"]


class SecretConfig(_StoredObjectConfig):
    """A top-level secret: its content from a ``file`` or an ``environment`` variable, or an
    ``external`` one that exists already. Created per stack as ``PROJECT_KEY``."""

    driver: str | None = None
    driver_opts: StrMap | None = None


class ConfigObjectConfig(_StoredObjectConfig):
    """A top-level config: from a ``file``, an ``environment`` variable, inline ``content``,
    or ``external``. Created per stack as ``PROJECT_KEY``."""

    content: str | None = None

    def _sources(self) -> list[str]:
        return [*super()._sources(), *(["content"] if self.content is not None else [])]

    def _kinds(self) -> list[str]:
        return [*super()._kinds(), "content"]


def normalize_project_name(name: str) -> str:
    """A directory name made a valid project name, as Compose does (``My App`` -> ``myapp``)."""
    return re.sub(r"[^a-z0-9_-]", "", name.lower()).lstrip("_-")


_SERVICES = TypeAdapter(dict[str, ServiceConfig])
_NETWORKS = TypeAdapter(dict[str, NetworkConfig | None])
_VOLUMES = TypeAdapter(dict[str, VolumeConfig | None])
_StoredT = TypeVar("_StoredT", bound=_StoredObjectConfig)
_SECRETS = TypeAdapter(dict[str, SecretConfig])
_CONFIGS = TypeAdapter(dict[str, ConfigObjectConfig])
_VOCABULARY = [
    *ServiceConfig.model_fields,
    *NetworkConfig.model_fields,
    "condition",
    "required",
    "restart",
    "aliases",
    "ipv4_address",
    "replicas",
    "resources",
    "limits",
    "reservations",
    "cpus",
    "memory",
    *SecretConfig.model_fields,
    *ConfigObjectConfig.model_fields,
    "mode",
    "placement",
    "update_config",
    "rollback_config",
    "endpoint_mode",
    "constraints",
    "preferences",
    "max_replicas_per_node",
    "parallelism",
    "failure_action",
    "monitor",
    "max_failure_ratio",
    "order",
]


def _validate(adapter: TypeAdapter[Any], value: object, key: str, errors: list[str]) -> Any:
    """The validated section ``key``; its problems are added to ``errors`` (and ``{}``)."""
    try:
        with nested_validation():  # the models' errors come here, to be worded by path
            return adapter.validate_python(value if value is not None else {})
    except ValidationError as exc:
        errors += invalid_project(exc, (key,), _VOCABULARY).problems
        return {}


class Stack:
    """A Compose project: named services with their networks and volumes, validated.

    Build it from Compose files with [`from_compose()`][aiocontainers.Stack.from_compose], or in
    Python::

        Stack("shop", services={"db": {"image": "postgres"},
                                "web": ServiceConfig(image="web", depends_on=["db"])})

    Services take [`ServiceConfig`][aiocontainers.compose.ServiceConfig] objects or the
    mappings of a Compose file. Everything is checked at construction, before
    any daemon call: keys, values, references to services, networks and
    volumes, dependency cycles. [`ComposeError`][aiocontainers.ComposeError] lists
    every problem with its path. ``working_dir`` (default: the current
    directory) anchors relative paths; ``environment`` (default ``os.environ``)
    fills ``environment`` entries given without a value and ``env_file``
    interpolation; ``profiles`` activates services that declare profiles.
    """

    def __init__(
        self,
        name: str,
        services: Mapping[str, ServiceConfig | Mapping[str, Any]] | None = None,
        *,
        networks: Mapping[str, NetworkConfig | Mapping[str, Any] | None] | None = None,
        volumes: Mapping[str, VolumeConfig | Mapping[str, Any] | None] | None = None,
        secrets: Mapping[str, SecretConfig | Mapping[str, Any]] | None = None,
        configs: Mapping[str, ConfigObjectConfig | Mapping[str, Any]] | None = None,
        working_dir: str | os.PathLike[str] | None = None,
        environment: Mapping[str, str] | None = None,
        profiles: Iterable[str] = (),
        config_files: Sequence[str | os.PathLike[str]] = (),
        extensions: Mapping[str, Any] | None = None,
        warnings: Sequence[str] = (),
    ) -> None:
        if not isinstance(name, str) or not _PROJECT_NAME.match(name):
            raise ComposeError(
                [
                    f"name: invalid project name {name!r}; use lowercase letters, digits, "
                    "'-' and '_', starting with a letter or digit"
                ]
            )
        self.name = name
        self.working_dir = Path(working_dir if working_dir is not None else os.getcwd()).absolute()
        self.config_files = [Path(path).absolute() for path in config_files]
        self.profiles = sorted(set(profiles))
        self.extensions = dict(extensions or {})
        self.warnings = list(warnings)
        env = dict(os.environ if environment is None else environment)
        self._environment = env
        errors: list[str] = []
        sections = {
            name: _validate(adapter, value, name, errors)
            for name, adapter, value in (
                ("services", _SERVICES, services),
                ("networks", _NETWORKS, networks),
                ("volumes", _VOLUMES, volumes),
                ("secrets", _SECRETS, secrets),
                ("configs", _CONFIGS, configs),
            )
        }
        if errors:  # every section's problems at once
            raise ComposeError(errors)
        every: dict[str, ServiceConfig] = sections["services"]
        declared_secrets: dict[str, SecretConfig] = sections["secrets"]
        declared_configs: dict[str, ConfigObjectConfig] = sections["configs"]
        declared_networks = {
            key: value or NetworkConfig() for key, value in sections["networks"].items()
        }
        declared_volumes = {
            key: value or VolumeConfig() for key, value in sections["volumes"].items()
        }
        enabled = self._enabled(every)
        resolved: dict[str, ServiceConfig] = {}
        for key, service in enabled.items():
            if not _SERVICE_NAME.match(key):
                errors.append(f"services.{key}: invalid service name {key!r}")
            resolved[key] = self._resolve(key, service, every, enabled, env, errors)
        used_networks = {n for s in resolved.values() for n in (s.networks or {})}
        if "default" in used_networks and "default" not in declared_networks:
            declared_networks["default"] = NetworkConfig()
        for key, service in resolved.items():
            for network in service.networks or {}:
                if network not in declared_networks:
                    errors.append(f"services.{key}.networks.{network}: undefined network")
            for index, mount in enumerate(service.volumes):
                if (
                    mount.type == "volume"
                    and mount.source
                    and mount.source not in declared_volumes
                ):
                    errors.append(
                        f"services.{key}.volumes[{index}].source: undefined volume "
                        f"{mount.source!r} (declare it under the top-level volumes)"
                    )
            for kind, declared in (("secrets", declared_secrets), ("configs", declared_configs)):
                for index, reference in enumerate(getattr(service, kind) or ()):
                    if reference.source not in declared:
                        errors.append(
                            f"services.{key}.{kind}[{index}].source: undefined {kind[:-1]} "
                            f"{reference.source!r} (declare it under the top-level {kind})"
                        )
        if errors:
            raise ComposeError(errors)
        self.services: dict[str, ServiceConfig] = resolved
        self.networks: dict[str, NetworkConfig] = {
            key: config.model_copy(update={"name": self._resource_name(key, config)})
            for key, config in declared_networks.items()
        }
        self.volumes: dict[str, VolumeConfig] = {
            key: config.model_copy(update={"name": self._resource_name(key, config)})
            for key, config in declared_volumes.items()
        }
        self.secrets: dict[str, SecretConfig] = {
            key: self._stored_object(key, config) for key, config in declared_secrets.items()
        }
        self.configs: dict[str, ConfigObjectConfig] = {
            key: self._stored_object(key, config) for key, config in declared_configs.items()
        }
        self._order = self._start_order()

    # -- construction helpers ------------------------------------------------------------

    def _enabled(self, services: dict[str, ServiceConfig]) -> dict[str, ServiceConfig]:
        active = set(self.profiles)
        return {
            key: service
            for key, service in services.items()
            if not service.profiles or "*" in active or active & set(service.profiles)
        }

    def _resolve(
        self,
        key: str,
        service: ServiceConfig,
        every: Mapping[str, ServiceConfig],
        enabled: Mapping[str, ServiceConfig],
        env: Mapping[str, str],
        errors: list[str],
    ) -> ServiceConfig:
        """The service with env files applied, paths absolute and dependencies checked."""
        update: dict[str, Any] = {}
        depends_on: dict[str, ServiceDependency] = {}
        for dependency, condition in service.depends_on.items():
            if dependency in enabled:
                depends_on[dependency] = condition
            elif dependency not in every:
                errors.append(f"services.{key}.depends_on.{dependency}: undefined service")
            elif condition.required:
                errors.append(
                    f"services.{key}.depends_on.{dependency}: the service is not enabled "
                    f"(its profiles: {', '.join(every[dependency].profiles or ())})"
                )
        update["depends_on"] = depends_on
        for other in service.service_dependencies:
            if other not in service.depends_on and other not in enabled:
                errors.append(f"services.{key}: refers to undefined or disabled service {other!r}")
        environment: dict[str, str | None] = {}
        for index, path in enumerate(service.env_file or ()):
            try:
                environment.update(self._env_file(path, env))
            except (InterpolationError, ComposeError, ValueError) as exc:
                errors.append(f"services.{key}.env_file[{index}]: {exc}")
        for variable, value in service.environment.items():
            environment[variable] = env.get(variable) if value is None else value
        update["environment"] = environment
        update["env_file"] = None
        update["volumes"] = [
            mount.model_copy(update={"source": self._path(mount.source)})
            if mount.type == "bind" and mount.source
            else mount
            for mount in service.volumes
        ]
        if service.build is not None and not _REMOTE_CONTEXT.match(service.build.context):
            update["build"] = service.build.model_copy(
                update={"context": self._path(service.build.context)}
            )
        if service.networks is None and service.network_mode is None:
            update["networks"] = {"default": None}
        return service.model_copy(update=update)

    def _path(self, path: str) -> str:
        expanded = Path(path).expanduser()
        return str(expanded if expanded.is_absolute() else (self.working_dir / expanded).resolve())

    def _env_file(self, path: str, env: Mapping[str, str]) -> dict[str, str | None]:
        values = read_env_file(Path(self._path(path)))
        scope = dict(env)
        result: dict[str, str | None] = {}
        for variable, value in values.items():
            if value is not None:
                value = interpolate(value, scope)
                scope.setdefault(variable, value)
            result[variable] = value
        return result

    def _stored_object(self, key: str, config: _StoredT) -> _StoredT:
        update: dict[str, Any] = {"name": self._resource_name(key, config)}
        if config.file is not None:
            update["file"] = self._path(config.file)
        return config.model_copy(update=update)

    def _resource_name(
        self, key: str, config: NetworkConfig | VolumeConfig | _StoredObjectConfig
    ) -> str:
        if config.name:
            return config.name
        return key if config.external else f"{self.name}_{key}"

    def _start_order(self) -> list[list[str]]:
        graph = graphlib.TopologicalSorter(
            {key: service.service_dependencies for key, service in self.services.items()}
        )
        try:
            graph.prepare()
        except graphlib.CycleError as exc:
            cycle = " -> ".join(exc.args[1])
            raise ComposeError([f"services: dependency cycle: {cycle}"]) from None
        waves: list[list[str]] = []
        while graph.is_active():
            ready = sorted(graph.get_ready())
            waves.append(ready)
            graph.done(*ready)
        return waves

    # -- public ------------------------------------------------------------------------------

    @classmethod
    @validated
    def from_compose(
        cls,
        source: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | Mapping[str, Any],
        *,
        project_name: str | None = None,
        env: Mapping[str, str] | None = None,
        profiles: Sequence[str] | set[str] | frozenset[str] | None = None,
        working_dir: str | os.PathLike[str] | None = None,
        env_file: str | os.PathLike[str] | None = None,
        interpolate: bool = True,
    ) -> Stack:
        """A stack from one Compose file, several (later ones override earlier), or a dict.

        Variables are interpolated from ``env`` (default ``os.environ``) and the
        project's ``.env`` file (``env_file`` overrides where it is; the
        environment wins over it). The project name is ``project_name``, else
        ``COMPOSE_PROJECT_NAME``, else the file's ``name:``, else the directory's
        name; ``profiles`` defaults to ``COMPOSE_PROFILES``. ``interpolate=False``
        leaves ``$`` expressions as written. Reading YAML needs
        the ``compose`` extra. Never contacts the daemon.
        """
        from ._load import load_project

        return load_project(
            source,
            project_name=project_name,
            env=env,
            profiles=profiles,
            working_dir=working_dir,
            env_file=env_file,
            interpolate=interpolate,
        )

    @validated
    def stored_object_data(self, kind: Literal["secrets", "configs"], key: str) -> bytes:
        """The content of the secret or config ``key`` (``kind``: ``"secrets"``/``"configs"``)
        from its ``file``, ``environment`` variable or ``content``; ComposeError if unreadable.
        """
        objects: dict[str, _StoredObjectConfig] = getattr(self, kind)
        if key not in objects:
            raise InvalidArgument(f"key: the stack has no such {kind[:-1]} ({sorted(objects)})")
        config = objects[key]
        where = f"{kind}.{key}"
        if config.file is not None:
            try:
                return Path(config.file).read_bytes()
            except OSError as exc:
                raise ComposeError(
                    [f"{where}.file: cannot read {config.file}: {exc.strerror or exc}"]
                ) from None
        if config.environment is not None:
            value = self._environment.get(config.environment)
            if value is None:
                raise ComposeError(
                    [f"{where}.environment: the variable {config.environment!r} is not set"]
                )
            return value.encode()
        if isinstance(config, ConfigObjectConfig) and config.content is not None:
            return config.content.encode()
        raise ComposeError([f"{where}: an external {kind[:-1]} has no content here"])

    @property
    def start_order(self) -> list[list[str]]:
        """Services in waves: each wave depends only on the waves before it."""
        return [list(wave) for wave in self._order]

    @validated
    def dependents(self, service: str) -> list[str]:
        """The services that depend on ``service`` directly."""
        return [
            key for key, config in self.services.items() if service in config.service_dependencies
        ]

    @validated
    def config(self) -> dict[str, Any]:
        """The normalized model, as ``docker compose config --format json`` prints it."""
        result: dict[str, Any] = {"name": self.name}
        result["services"] = {
            key: _service_dict(self.services[key]) for key in sorted(self.services)
        }
        if self.networks:
            result["networks"] = {
                key: self.networks[key].to_compose() for key in sorted(self.networks)
            }
        if self.volumes:
            result["volumes"] = {
                key: self.volumes[key].to_compose() for key in sorted(self.volumes)
            }
        for section in ("secrets", "configs"):
            declared: Mapping[str, _StoredObjectConfig] = getattr(self, section)
            if declared:
                result[section] = {key: declared[key].to_compose() for key in sorted(declared)}
        result.update(self.extensions)
        return result

    def __repr__(self) -> str:
        return f"<Stack {self.name}: {', '.join(self.services)}>"


def _service_dict(service: ServiceConfig) -> dict[str, Any]:
    data = service.to_compose()
    return {key: value for key, value in data.items() if value not in ([], {})}
