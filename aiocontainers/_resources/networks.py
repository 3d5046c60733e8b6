"""Networks: the collection (``client.networks``) and the ``Network`` handle.

Names, parameters and results follow docker-py's ``docker.models.networks``,
made async. One difference: docker-py's ``network.containers`` calls the
daemon on every access; a property cannot await, so here ``containers`` is the
list of [`Container`][aiocontainers.Container] handles fetched by the last
``networks.get()`` or ``await network.reload()`` (docker-py's own docs reload
first, so ``await network.reload(); for c in network.containers: ...`` ports
unchanged).
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from typing import Any

import anyio

from .._arguments import Filters, JsonObject, Name
from .._specs import EndpointConfig, IPAMConfig
from .._specs._versions import require_api
from .._validation import validated
from ..errors import DockerException, NotFound
from ._base import Collection, Model, convert_filters
from .containers import Container

__all__ = ["Network", "NetworkCollection"]

_INSPECT_CONCURRENCY = 8


def _container_id(container: Container | str) -> str:
    return container.id if isinstance(container, Model) else container


class Network(Model):
    """A network. ``attrs`` holds ``GET /networks/{id}``; ``await reload()`` refreshes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._containers: builtins.list[Container] | None = None

    @property
    def name(self) -> str | None:
        """The network's name."""
        name = self.attrs.get("Name")
        return str(name) if name is not None else None

    @property
    def containers(self) -> builtins.list[Container]:
        """The containers connected to this network as of the last get or reload.

        Raises DockerException for a network object made from list data (which
        does not name its containers) until ``await network.reload()``.
        """
        if self._containers is None:
            raise DockerException(
                "network.containers is known after 'await network.reload()' "
                "(networks.list() does not report containers)"
            )
        return list(self._containers)

    @validated
    async def reload(self) -> None:
        """Refresh ``attrs`` and the connected containers from the daemon."""
        fresh = await _networks(self).get(self.id)
        self.attrs = fresh.attrs
        self._containers = fresh._containers

    @validated
    async def connect(
        self,
        container: Container | Name,
        aliases: Sequence[str] | None = None,
        links: Mapping[str, str | None] | Sequence[str | tuple[str, str | None]] | None = None,
        ipv4_address: str | None = None,
        ipv6_address: str | None = None,
        link_local_ips: Sequence[str] | None = None,
        driver_opt: Mapping[str, str] | None = None,
        mac_address: str | None = None,
    ) -> None:
        """Connect a container (object, id or name) to this network.

        ``aliases`` are extra DNS names on this network; ``ipv4_address`` and
        ``ipv6_address`` need a network created with a matching IPAM pool.
        ``mac_address`` is sent from API 1.25, as docker-py does: on connect the
        daemon keeps it before 1.44 too (`EndpointConfig` gates it at 1.44, where
        container create starts honouring it).
        """
        endpoint = EndpointConfig(
            aliases=list(aliases) if aliases is not None else None,
            links=links,
            ipv4_address=ipv4_address,
            ipv6_address=ipv6_address,
            link_local_ips=list(link_local_ips) if link_local_ips is not None else None,
            driver_opt=dict(driver_opt) if driver_opt is not None else None,
        )
        version = await self._transport.api_version()
        wire = endpoint.to_wire(version)
        if mac_address:
            require_api(version, "1.25", "connect(mac_address=)")
            wire["MacAddress"] = mac_address
        body = {"Container": _container_id(container), "EndpointConfig": wire}
        await self._transport.request(
            "POST", "/networks/{id}/connect", path_args={"id": self.id}, json=body
        )

    @validated
    async def disconnect(self, container: Container | Name, force: bool = False) -> None:
        """Disconnect a container (object, id or name) from this network."""
        await self._transport.request(
            "POST",
            "/networks/{id}/disconnect",
            path_args={"id": self.id},
            json={"Container": _container_id(container), "Force": force},
        )

    @validated
    async def remove(self) -> None:
        """Remove the network (it must have no connected containers)."""
        await self._transport.request("DELETE", "/networks/{id}", path_args={"id": self.id})


def _networks(network: Network) -> NetworkCollection:
    collection = network.collection
    assert isinstance(collection, NetworkCollection)
    return collection


class NetworkCollection(Collection[Network]):
    """``client.networks``: create, get, list and prune networks."""

    model = Network

    @validated
    async def create(
        self,
        name: Name,
        driver: str | None = None,
        options: Mapping[str, str] | None = None,
        ipam: IPAMConfig | JsonObject | None = None,
        check_duplicate: bool | None = None,
        internal: bool = False,
        labels: Mapping[str, str] | None = None,
        enable_ipv6: bool = False,
        attachable: bool | None = None,
        scope: str | None = None,
        ingress: bool | None = None,
    ) -> Network:
        """Create a network and return it.

        ``ipam`` is an [`IPAMConfig`][aiocontainers.types.IPAMConfig] (or its dict
        form) for custom subnets and gateways; ``internal=True`` cuts the
        network off from the outside world.
        """
        created = await self._create_raw(
            name, driver, options, ipam, check_duplicate, internal, labels, enable_ipv6,
            attachable, scope, ingress,
        )  # fmt: skip
        return await self.get(created["Id"])

    async def _create_raw(
        self,
        name: str,
        driver: str | None,
        options: Mapping[str, str] | None,
        ipam: IPAMConfig | JsonObject | None,
        check_duplicate: bool | None,
        internal: bool,
        labels: Mapping[str, str] | None,
        enable_ipv6: bool,
        attachable: bool | None,
        scope: str | None,
        ingress: bool | None,
    ) -> dict[str, Any]:
        """``POST /networks/create``'s answer: ``{"Id": ..., "Warning": ...}``."""
        body: dict[str, Any] = {"Name": name, "CheckDuplicate": check_duplicate}
        if driver is not None:
            body["Driver"] = driver
        if options is not None:
            body["Options"] = dict(options)
        if ipam is not None:
            config = ipam if isinstance(ipam, IPAMConfig) else IPAMConfig.model_validate(ipam)
            body["IPAM"] = config.to_wire()
        if internal:
            body["Internal"] = True
        if labels is not None:
            body["Labels"] = dict(labels)
        if enable_ipv6:
            body["EnableIPv6"] = True
        if attachable is not None:
            body["Attachable"] = attachable
        if scope is not None:
            body["Scope"] = scope
        if ingress is not None:
            body["Ingress"] = ingress
        result: dict[str, Any] = await self._transport.request_json(
            "POST",
            "/networks/create",
            json={k: v for k, v in body.items() if v is not None},
            expect=dict,
        )
        return result

    @validated
    async def get(
        self, network_id: Name, verbose: bool | None = None, scope: str | None = None
    ) -> Network:
        """The network with this id or name, with its connected containers; NotFound if none."""
        attrs = await self._transport.request_json(
            "GET",
            "/networks/{id}",
            path_args={"id": network_id},
            params={"verbose": verbose, "scope": scope},
        )
        network = self.prepare_model(attrs)
        network._containers = await self._connected(attrs)
        return network

    async def _connected(self, attrs: Mapping[str, Any]) -> builtins.list[Container]:
        """Inspect the containers a network names, a few at a time; skip ones gone meanwhile."""
        ids = [cid for cid in attrs.get("Containers") or {} if not cid.startswith("ep-")]
        found: builtins.list[Container | None] = [None] * len(ids)
        limiter = anyio.CapacityLimiter(_INSPECT_CONCURRENCY)

        async def inspect(index: int, container_id: str) -> None:
            async with limiter:
                try:
                    found[index] = await self.client.containers.get(container_id)
                except NotFound:
                    pass

        async with anyio.create_task_group() as tg:
            for index, container_id in enumerate(ids):
                tg.start_soon(inspect, index, container_id)
        return [container for container in found if container is not None]

    @validated
    async def list(
        self,
        names: str | Sequence[str] | None = None,
        ids: str | Sequence[str] | None = None,
        filters: Filters | None = None,
        greedy: bool = False,
    ) -> builtins.list[Network]:
        """Networks, optionally by name or id (one, or a list), or filters; ``greedy``
        inspects each one fully."""
        merged = dict(filters or {})
        if names:
            merged["name"] = [names] if isinstance(names, str) else list(names)
        if ids:
            merged["id"] = [ids] if isinstance(ids, str) else list(ids)
        rows = await self._transport.request_json(
            "GET", "/networks", params={"filters": convert_filters(merged)}
        )
        if not greedy:
            return [self.prepare_model(row) for row in rows]
        networks: builtins.list[Network] = []
        for row in rows:
            try:
                networks.append(await self.get(row["Id"]))
            except NotFound:
                continue
        return networks

    @validated
    async def prune(self, filters: Filters | None = None) -> dict[str, Any]:
        """Remove networks no container uses; returns ``NetworksDeleted``."""
        data: dict[str, Any] = await self._transport.request_json(
            "POST", "/networks/prune", params={"filters": convert_filters(filters)}
        )
        return data
