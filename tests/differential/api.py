"""docker-py's public high-level API, enumerated: what the differential cases must cover.

Names read ``"Container.logs"`` (a method or property of a model or collection
class), ``"DockerClient.ping"``, ``"docker.from_env"`` (a top-level name),
``"types.Mount"``, ``"errors.NotFound"`` and ``"APIClient.containers"`` (the low-level
client). Plumbing docker-py exposes without
documenting it as API (``model``, ``prepare_model``, ``id_attribute``) is left out;
``attrs``, ``client`` and ``collection`` are instance attributes of every model
and are listed for each.
"""

from __future__ import annotations

import inspect

import docker
import docker.errors
import docker.models.configs
import docker.models.containers
import docker.models.images
import docker.models.networks
import docker.models.nodes
import docker.models.plugins
import docker.models.secrets
import docker.models.services
import docker.models.swarm
import docker.models.volumes
import docker.types

__all__ = ["CLASSES", "apiclient_api", "dockerpy_api"]

CLASSES: list[type] = [
    docker.DockerClient,
    docker.models.containers.Container,
    docker.models.containers.ContainerCollection,
    docker.models.images.Image,
    docker.models.images.ImageCollection,
    docker.models.images.RegistryData,
    docker.models.networks.Network,
    docker.models.networks.NetworkCollection,
    docker.models.volumes.Volume,
    docker.models.volumes.VolumeCollection,
    docker.models.plugins.Plugin,
    docker.models.plugins.PluginCollection,
    docker.models.services.Service,
    docker.models.services.ServiceCollection,
    docker.models.nodes.Node,
    docker.models.nodes.NodeCollection,
    docker.models.secrets.Secret,
    docker.models.secrets.SecretCollection,
    docker.models.configs.Config,
    docker.models.configs.ConfigCollection,
    docker.models.swarm.Swarm,
]

_PLUMBING = {"model", "prepare_model", "id_attribute"}
# Models whose instances carry attrs/client/collection (everything but client and
# collections).
_INSTANCE_ATTRIBUTES = ("attrs", "client", "collection")
# Top-level names of the ``docker`` package that are API (the rest are its submodules'
# internals: auth, constants, credentials, tls, transport, utils, api...).
_TOP_LEVEL = [
    "APIClient",
    "Context",
    "ContextAPI",
    "DockerClient",
    "TLSConfig",
    "from_env",
    "from_context",
    "__version__",
    "version",
    "errors",
    "types",
    "models",
]


def _members(cls: type) -> list[str]:
    names = []
    for name in dir(cls):
        if name.startswith("_") or name in _PLUMBING:
            continue
        names.append(name)
    if issubclass(cls, docker.models.resource.Model):
        names.extend(_INSTANCE_ATTRIBUTES)
    return sorted(set(names))


def apiclient_api() -> list[str]:
    """docker-py's low-level ``APIClient`` methods (``"APIClient.containers"``): those its
    ``docker.api`` modules define, plus ``close``, not the ``requests.Session`` it extends."""
    # close, and the attributes docker-py users read or set (session headers, timeout).
    names = ["APIClient.close", "APIClient.base_url", "APIClient.headers", "APIClient.timeout"]
    for name in dir(docker.APIClient):
        value = inspect.getattr_static(docker.APIClient, name)
        if name.startswith("_") or name in ("get_adapter", "reload_config"):
            continue  # requests plumbing; a config-file reload
        module = getattr(value, "__module__", "") or ""
        if module.startswith("docker.api") or isinstance(value, property):
            names.append(f"APIClient.{name}")
    return sorted(set(names))


def dockerpy_api() -> list[str]:
    """Every public name of docker-py's high-level API, as the cases' ``covers`` spell it."""
    names = [f"docker.{name}" for name in _TOP_LEVEL]
    for cls in CLASSES:
        names.extend(f"{cls.__name__}.{member}" for member in _members(cls))
    for name in docker.types.__all__ if hasattr(docker.types, "__all__") else dir(docker.types):
        value = getattr(docker.types, name)
        if not name.startswith("_") and inspect.isclass(value):
            names.append(f"types.{name}")
    for name in dir(docker.errors):
        value = getattr(docker.errors, name)
        if inspect.isclass(value) and issubclass(value, BaseException):
            if value.__module__ == "docker.errors":
                names.append(f"errors.{name}")
    names.append("errors.create_api_error_from_http_exception")
    names.extend(apiclient_api())
    return sorted(set(names))
