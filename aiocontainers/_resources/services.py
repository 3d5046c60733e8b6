"""Swarm services: the collection (``client.services``) and the ``Service`` handle.

Names, parameters and results follow docker-py's ``docker.models.services``,
made async; the spec types live in [`aiocontainers.types`][aiocontainers.types] (see
`aiocontainers._specs._service`). Where we deliberately differ:

* ``service.update(**kwargs)`` merges the changes into the service's current
  spec and sends them with the version it just read, then refreshes
  ``attrs`` (so ``service.version`` moves on). docker-py merges into a fresh
  spec but sends its cached version, failing with "update out of sequence"
  unless you reloaded first. When the swarm moves the version on between our
  read and our write (it does while rolling out), the update is re-read and
  retried.
* ``service.logs()`` is an async iterator of lines (as ``container.logs(
  stream=True)``) and reads both stdout and stderr by default; docker-py's
  defaults select neither stream, which the daemon refuses.
* Durations in the spec types are seconds or ``timedelta``, not nanoseconds.
* ``secrets=``/``configs=`` also take the [`Secret`][aiocontainers.Secret] and
  [`Config`][aiocontainers.Config] objects themselves.
"""

from __future__ import annotations

import builtins
import copy
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._arguments import Count, Filters, Name, ShellCommand, Tail
from .._auth import encode_header, registry_for
from .._specs._service import ConfigReference, SecretReference, ServiceMode, ServiceSpec
from .._streams._logs import LogDecoder
from .._transport import Transport
from .._validation import validated
from ..errors import DockerException, InvalidArgument, ServerError
from ._base import Collection, Model, convert_filters
from ._logs import Timestamp, _tail, to_timestamp
from ._streaming import ChunkSource, Decoder, DockerStream, LinesDecoder, PayloadDecoder
from .configs import Config
from .secrets import Secret

if TYPE_CHECKING:
    from .._client import DockerClient

__all__ = ["Service", "ServiceCollection", "list_tasks"]

_UPDATE_ATTEMPTS = 5
_OUT_OF_SEQUENCE = "update out of sequence"


def _references(items: object, kind: type[Model]) -> object:
    """Secret/Config handles in ``secrets=``/``configs=`` as references by id and name."""
    if not isinstance(items, list):
        return items
    reference = SecretReference if kind is Secret else ConfigReference
    return [
        reference(item.id, str(item.attrs.get("Spec", {}).get("Name", "")))
        if isinstance(item, kind)
        else item
        for item in items
    ]


def _service_spec(options: dict[str, Any], caller: str) -> ServiceSpec:
    if "secrets" in options:
        options["secrets"] = _references(options["secrets"], Secret)
    if "configs" in options:
        options["configs"] = _references(options["configs"], Config)
    return ServiceSpec.from_options(options, caller=caller)


def _merge(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """``changes`` laid over ``current``: container spec key by key, the rest replaced."""
    merged = copy.deepcopy(dict(current))
    for key, value in changes.items():
        if key != "TaskTemplate":
            merged[key] = value
            continue
        template = merged.setdefault("TaskTemplate", {})
        for part, setting in value.items():
            if part == "ContainerSpec":
                template.setdefault("ContainerSpec", {}).update(setting)
            else:
                template[part] = setting
    return merged


async def list_tasks(
    transport: Transport, filters: Filters | None
) -> builtins.list[dict[str, Any]]:
    """The swarm's tasks (``GET /tasks``), as dicts."""
    tasks: builtins.list[dict[str, Any]] = await transport.request_json(
        "GET", "/tasks", params={"filters": convert_filters(filters)}, expect=list
    )
    return tasks


class Service(Model):
    """A swarm service. ``attrs`` holds ``GET /services/{id}``; ``await reload()`` refreshes."""

    id_attribute = "ID"

    @property
    def name(self) -> str:
        """The service's name."""
        return str(self.attrs["Spec"]["Name"])

    @property
    def version(self) -> int:
        """The version of the service object as last read; every update moves it on."""
        return int(self.attrs["Version"]["Index"])

    def _container_spec(self) -> Mapping[str, Any]:
        spec: Mapping[str, Any] = self.attrs["Spec"]["TaskTemplate"]["ContainerSpec"]
        return spec

    @validated
    async def remove(self) -> bool:
        """Stop and remove the service (its tasks' containers go with it); ``True``, as
        docker-py returns."""
        await self._transport.request("DELETE", "/services/{id}", path_args={"id": self.id})
        return True

    @validated
    async def tasks(self, filters: Filters | None = None) -> builtins.list[dict[str, Any]]:
        """This service's tasks, as dicts (``GET /tasks``).

        Filters: ``id``, ``name``, ``node``, ``label``, ``desired-state``
        (e.g. ``{"desired-state": "running"}``).
        """
        return await list_tasks(self._transport, {**(filters or {}), "service": self.id})

    @validated
    async def update(self, **kwargs: Any) -> dict[str, Any]:
        """Change the service; takes the keywords of
        [`create()`][aiocontainers._resources.services.ServiceCollection.create].

        Settings not given keep their current values (``fetch_current_spec=False``
        replaces the whole spec instead); ``force_update=True`` redeploys the
        tasks even when nothing changed. Returns the daemon's answer
        (``{"Warnings": ...}``) and refreshes ``attrs``.
        """
        fetch_current_spec = bool(kwargs.pop("fetch_current_spec", True))
        force_update = kwargs.pop("force_update", None)
        check = {"image": "placeholder", **kwargs}
        if force_update not in (None, True, False):
            check["force_update"] = force_update
        _service_spec(check, "update")  # bad options fail here, before the spec is read
        if not fetch_current_spec:
            return await self._update({}, self.version, kwargs, force_update)
        for _ in range(_UPDATE_ATTEMPTS - 1):
            fresh = await _services(self).get(self.id, insert_defaults=True)
            try:
                return await self._update(fresh.attrs["Spec"], fresh.version, kwargs, force_update)
            except ServerError as exc:
                # The swarm itself bumps the version while it rolls out an update;
                # read the spec again and retry on top of the new version.
                if _OUT_OF_SEQUENCE not in str(exc):
                    raise
        fresh = await _services(self).get(self.id, insert_defaults=True)
        return await self._update(fresh.attrs["Spec"], fresh.version, kwargs, force_update)

    async def _update(
        self,
        current: Mapping[str, Any],
        version: int,
        options: Mapping[str, Any],
        force_update: object,
    ) -> dict[str, Any]:
        options = dict(options)
        template = (current or self.attrs["Spec"]).get("TaskTemplate", {})
        options.setdefault("image", template.get("ContainerSpec", {}).get("Image"))
        if force_update is True:
            options["force_update"] = int(template.get("ForceUpdate", 0)) + 1
        elif force_update not in (None, False):
            options["force_update"] = force_update
        spec = _service_spec(options, "update")
        api_version = await self._transport.api_version()
        body = _merge(current, spec.to_wire(api_version))
        result: dict[str, Any] = await self._transport.request_json(
            "POST",
            "/services/{id}/update",
            path_args={"id": self.id},
            params={"version": version},
            json=body,
            headers=await _auth_headers(self.client, spec.task_template.container_spec.image),
        )
        await self.reload()
        return result or {}

    @validated
    async def scale(self, replicas: Count) -> dict[str, Any]:
        """Run ``replicas`` tasks (a replicated service only); the daemon's answer."""
        if "Global" in self.attrs["Spec"]["Mode"]:
            raise InvalidArgument(f"cannot scale the global service {self.name!r}")
        return await self.update(mode=ServiceMode("replicated", replicas))

    @validated
    async def force_update(self) -> dict[str, Any]:
        """Redeploy the service's tasks even though its spec did not change; the daemon's
        answer (``{"Warnings": ...}``)."""
        return await self.update(force_update=True)

    @validated
    def logs(
        self,
        *,
        details: bool = False,
        follow: bool = False,
        stdout: bool = True,
        stderr: bool = True,
        since: Timestamp | None = None,
        timestamps: bool = False,
        tail: Tail = "all",
        lines: bool = True,
        records: bool = False,
    ) -> DockerStream[Any]:
        """The output of all the service's tasks, as an async iterator (no ``await``)::

            async for line in service.logs(follow=True):
                ...

        Yields whole lines as ``bytes`` (``lines=False``: raw payloads;
        ``records=True``: [`LogRecord`][aiocontainers.LogRecord] objects telling
        stdout from stderr). ``details=True`` prefixes each line with the task's
        node, service and task ids. Only services logging with ``json-file``
        or ``journald`` have logs. A followed stream runs until closed.
        """
        if records and not lines:
            raise InvalidArgument("records=True always yields whole lines; drop lines=False")
        params: dict[str, Any] = {
            "details": details,
            "follow": follow,
            "stdout": stdout,
            "stderr": stderr,
            "timestamps": timestamps,
            "tail": _tail(tail),
            "since": None if since is None else to_timestamp(since, "since"),
        }

        async def open_logs() -> tuple[ChunkSource, Decoder[Any]]:
            if "Spec" not in self.attrs:
                await self.reload()
            tty = bool(self._container_spec().get("TTY"))
            response = await self._transport.open_stream(
                "GET", "/services/{id}/logs", path_args={"id": self.id}, params=params
            )
            if records:
                return response, LogDecoder(tty=tty, timestamps=timestamps)
            if lines:
                return response, LinesDecoder(tty=tty)
            return response, PayloadDecoder(tty=tty)

        return DockerStream(open_logs, name=f"logs of service {self.short_id}")


async def _auth_headers(client: DockerClient, image: str) -> dict[str, str] | None:
    """The registry credentials for ``image``, if the client knows any (as docker-py sends)."""
    try:
        auth = await client.images.credentials.for_registry(registry_for(image))
    except DockerException:
        return None
    return {"X-Registry-Auth": encode_header(auth)} if auth else None


def _services(service: Service) -> ServiceCollection:
    collection = service.collection
    assert isinstance(collection, ServiceCollection)
    return collection


class ServiceCollection(Collection[Service]):
    """``client.services``: create, get and list swarm services."""

    model = Service

    @validated
    async def create(
        self, image: Name, command: ShellCommand | None = None, **kwargs: Any
    ) -> Service:
        """Create a service, like ``docker service create``, and return it.

        Keywords as docker-py's: ``name``, ``labels`` (the service's),
        ``container_labels``, ``mode`` ([`ServiceMode`][aiocontainers.types.ServiceMode]
        or ``"global"``), ``env``, ``args``, ``mounts``, ``networks``,
        ``resources``, ``restart_policy``
        ([`ServiceRestartPolicy`][aiocontainers.types.ServiceRestartPolicy]; a container
        ``RestartPolicy`` is translated), ``secrets``, ``configs``, ``endpoint_spec``,
        ``update_config``, ``rollback_config``, ``constraints``, ``preferences``, ``platforms``,
        ``maxreplicas``, ``log_driver``, ``log_driver_options``, ``healthcheck``, ``hosts``,
        ``dns_config``, ``privileges``, ``hostname``, ``user``, ``workdir``, ``groups``, ``tty``,
        ``open_stdin``, ``read_only``, ``stop_signal``, ``stop_grace_period`` (seconds), ``init``,
        ``isolation``, ``cap_add``, ``cap_drop``, ``sysctls``. Everything is validated before the
        daemon is called.
        """
        if "force_update" in kwargs:
            raise InvalidArgument("create() got an unexpected keyword argument 'force_update'")
        spec = _service_spec({**kwargs, "image": image, "command": command}, "create")
        body = spec.to_wire(await self._transport.api_version())
        result = await self._transport.request_json(
            "POST",
            "/services/create",
            json=body,
            headers=await _auth_headers(self.client, image),
        )
        return await self.get(result["ID"])

    @validated
    async def get(self, service_id: Name, insert_defaults: bool | None = None) -> Service:
        """The service with this id or name; NotFound if there is none.

        ``insert_defaults=True`` fills in the defaults the daemon applies.
        """
        attrs = await self._transport.request_json(
            "GET",
            "/services/{id}",
            path_args={"id": service_id},
            params={"insertDefaults": insert_defaults},
        )
        return self.prepare_model(attrs)

    @validated
    async def list(
        self, filters: Filters | None = None, status: bool | None = None
    ) -> builtins.list[Service]:
        """Services, optionally filtered (``id``, ``name``, ``label``, ``mode``).

        ``status=True`` adds each service's running and desired task counts
        (``attrs["ServiceStatus"]``, API 1.41).
        """
        if status is not None:
            await self._transport.require_version("1.41", "services.list(status=...)")
        rows = await self._transport.request_json(
            "GET", "/services", params={"filters": convert_filters(filters), "status": status}
        )
        return [self.prepare_model(row) for row in rows or []]
