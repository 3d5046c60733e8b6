"""The labels and names Compose v2 gives what it creates, so both tools see each other's stacks.

``docker compose ps`` lists the containers labelled with the project (and
``oneoff=False``); ``docker compose down`` removes them and the networks
labelled with the project. We write the same labels, and read them back to
find a stack from any process.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .._compose import ServiceConfig, Stack

__all__ = [
    "COMPOSE_VERSION",
    "CONFIG_FILES",
    "CONFIG_HASH",
    "CONTAINER_NUMBER",
    "DEPENDS_ON",
    "NETWORK",
    "ONEOFF",
    "PROJECT",
    "SERVICE",
    "VOLUME",
    "WORKING_DIR",
    "config_hash",
    "container_labels",
    "container_name",
    "depends_on_label",
    "parse_depends_on",
    "project_filter",
]

PROJECT = "com.docker.compose.project"
SERVICE = "com.docker.compose.service"
CONTAINER_NUMBER = "com.docker.compose.container-number"
ONEOFF = "com.docker.compose.oneoff"
CONFIG_HASH = "com.docker.compose.config-hash"
DEPENDS_ON = "com.docker.compose.depends_on"
WORKING_DIR = "com.docker.compose.project.working_dir"
CONFIG_FILES = "com.docker.compose.project.config_files"
NETWORK = "com.docker.compose.network"
VOLUME = "com.docker.compose.volume"
VERSION = "com.docker.compose.version"
# The Compose version whose labels and names these follow.
COMPOSE_VERSION = "2.20.0"


def project_filter(project: str, *, oneoff: bool | None = False) -> dict[str, Any]:
    """The ``filters`` that select a project's resources (its service containers by default)."""
    labels = [f"{PROJECT}={project}"]
    if oneoff is not None:
        labels.append(f"{ONEOFF}={oneoff}")
    return {"label": labels}


def config_hash(service: ServiceConfig) -> str:
    """A digest of everything that shapes a service's containers (not how many there are)."""
    data = service.to_compose()
    data.pop("scale", None)
    if isinstance(data.get("deploy"), dict):
        data["deploy"] = {k: v for k, v in data["deploy"].items() if k != "replicas"}
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def container_name(stack: Stack, service: str, number: int) -> str:
    """``container_name`` if set, else Compose v2's ``PROJECT-SERVICE-N``."""
    config = stack.services[service]
    return config.container_name or f"{stack.name}-{service}-{number}"


def depends_on_label(service: ServiceConfig) -> str:
    """Compose v2's ``depends_on`` label: ``db:service_healthy:false,...``."""
    return ",".join(
        f"{name}:{dep.condition}:{str(bool(dep.restart)).lower()}"
        for name, dep in service.depends_on.items()
    )


def parse_depends_on(label: str | None) -> list[str]:
    """The service names of a ``depends_on`` label."""
    return [item.split(":")[0] for item in (label or "").split(",") if item]


def container_labels(stack: Stack, service: str, number: int) -> dict[str, str]:
    """The user's labels of ``service`` plus Compose's own for replica ``number``."""
    config = stack.services[service]
    return {
        **config.labels,
        PROJECT: stack.name,
        SERVICE: service,
        CONTAINER_NUMBER: str(number),
        ONEOFF: "False",
        CONFIG_HASH: config_hash(config),
        DEPENDS_ON: depends_on_label(config),
        WORKING_DIR: str(stack.working_dir),
        CONFIG_FILES: ",".join(str(path) for path in stack.config_files),
        VERSION: COMPOSE_VERSION,
    }
