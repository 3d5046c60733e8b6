"""The swarm this daemon belongs to: ``client.swarm``, as docker-py's ``docker.models.swarm``.

One difference: docker-py's ``client.swarm`` inspects the swarm when the
client is made; a constructor cannot await, so ``attrs`` is empty until
``await client.swarm.reload()`` (or ``init()``, which reloads). And
``swarm.update(**kwargs)`` changes only the settings given, keeping the rest
of the current spec; docker-py resets every setting not given.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._arguments import Count, Name, Port
from .._specs._service import SwarmSpec
from .._validation import validated
from ..errors import APIError, InvalidArgument
from ._base import Model

if TYPE_CHECKING:
    from .._client import DockerClient

__all__ = ["Swarm"]

_DEFAULT_ADDR_POOL = ["10.0.0.0/8"]
_DEFAULT_SUBNET_SIZE = 24
# Statuses of "this node is not part of a swarm" (406) and "swarm not ready" (503).
_NOT_IN_SWARM = (406, 503)


def _deep_merge(base: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in changes.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _deep_merge(base[key], value)
        else:
            base[key] = copy.deepcopy(value)
    return base


class Swarm(Model):
    """The daemon's swarm. ``attrs`` holds ``GET /swarm`` as of the last reload."""

    id_attribute = "ID"

    def __init__(self, client: DockerClient) -> None:
        super().__init__(attrs=None, client=client)

    @property
    def collection(self) -> None:  # type: ignore[override]  # the one model without one
        """``None``: the swarm belongs to no collection (as in docker-py)."""
        return None

    @property
    def version(self) -> int | None:
        """The version of the swarm object as last read (None before a reload)."""
        version = self.attrs.get("Version")
        return int(version["Index"]) if version else None

    @validated
    async def reload(self) -> None:
        """Inspect the swarm; raises APIError (503) when this node is not in a swarm."""
        self.attrs = await self._transport.request_json("GET", "/swarm")

    @validated
    async def init(
        self,
        advertise_addr: str | None = None,
        listen_addr: str = "0.0.0.0:2377",
        force_new_cluster: bool = False,
        default_addr_pool: Sequence[str] | None = None,
        subnet_size: Count | None = None,
        data_path_addr: str | None = None,
        data_path_port: Port | None = None,
        **swarm_spec: Any,
    ) -> str:
        """Make this daemon the first manager of a new swarm; returns the node id.

        ``swarm_spec`` keywords are [`SwarmSpec`][aiocontainers.types.SwarmSpec]'s
        (``name``, ``labels``, ``task_history_retention_limit``,
        ``autolock_managers``, ``node_cert_expiry`` in seconds, ...).
        """
        spec = SwarmSpec.model_validate(swarm_spec)
        if default_addr_pool is not None or subnet_size is not None:
            await self._transport.require_version("1.39", "default_addr_pool/subnet_size")
            default_addr_pool = list(default_addr_pool or _DEFAULT_ADDR_POOL)
            subnet_size = subnet_size if subnet_size is not None else _DEFAULT_SUBNET_SIZE
        body: dict[str, Any] = {
            "AdvertiseAddr": advertise_addr,
            "ListenAddr": listen_addr,
            "DefaultAddrPool": default_addr_pool,
            "SubnetSize": subnet_size,
            "ForceNewCluster": force_new_cluster,
            "Spec": spec.to_wire(),
        }
        if data_path_addr is not None:
            body["DataPathAddr"] = data_path_addr
        if data_path_port is not None:
            await self._transport.require_version("1.40", "data_path_port")
            body["DataPathPort"] = data_path_port
        node_id = await self._transport.request_json(
            "POST", "/swarm/init", json={k: v for k, v in body.items() if v is not None}
        )
        await self.reload()
        return str(node_id)

    @validated
    async def join(
        self,
        remote_addrs: Sequence[Name],
        join_token: Name,
        listen_addr: str = "0.0.0.0:2377",
        advertise_addr: str | None = None,
        data_path_addr: str | None = None,
    ) -> bool:
        """Join an existing swarm through one of its managers' addresses."""
        body = {
            "RemoteAddrs": list(remote_addrs),
            "ListenAddr": listen_addr,
            "JoinToken": join_token,
            "AdvertiseAddr": advertise_addr,
            "DataPathAddr": data_path_addr,
        }
        await self._transport.request(
            "POST",
            "/swarm/join",
            json={k: v for k, v in body.items() if v is not None},
            timeout=self._transport.slow_timeout,
        )
        return True

    @validated
    async def leave(self, force: bool = False) -> bool:
        """Leave the swarm; ``force`` is needed for the last manager, and then also
        succeeds when this node is in no swarm at all."""
        try:
            await self._transport.request(
                "POST",
                "/swarm/leave",
                params={"force": force},
                timeout=self._transport.slow_timeout,
            )
        except APIError as exc:
            if not (force and exc.status_code in _NOT_IN_SWARM):
                raise
        self.attrs = {}
        return True

    @validated
    async def get_unlock_key(self) -> dict[str, Any]:
        """The key that unlocks a swarm created with ``autolock_managers=True``."""
        key: dict[str, Any] = await self._transport.request_json("GET", "/swarm/unlockkey")
        return key

    @validated
    async def unlock(self, key: Name | Mapping[str, str]) -> bool:
        """Unlock a locked manager with the key from
        [`get_unlock_key()`][aiocontainers.Swarm.get_unlock_key]."""
        if isinstance(key, Mapping):
            if "UnlockKey" not in key:
                raise InvalidArgument("unlock key must be a string or {'UnlockKey': ...}")
            body = dict(key)
        else:
            body = {"UnlockKey": key}
        await self._transport.request("POST", "/swarm/unlock", json=body)
        return True

    @validated
    async def update(
        self,
        rotate_worker_token: bool = False,
        rotate_manager_token: bool = False,
        rotate_manager_unlock_key: bool = False,
        **swarm_spec: Any,
    ) -> bool:
        """Change the settings given (``init()``'s spec keywords); rotate tokens or key.

        The current spec is read first and sent back with the changes, under the
        version just read; ``attrs`` is refreshed afterwards.
        """
        changes = SwarmSpec.model_validate(swarm_spec).to_wire()
        await self.reload()
        spec = _deep_merge(copy.deepcopy(self.attrs.get("Spec") or {}), changes)
        await self._replace_spec(
            self.version,
            spec,
            rotate_worker_token,
            rotate_manager_token,
            rotate_manager_unlock_key,
        )
        await self.reload()
        return True

    async def _replace_spec(
        self,
        version: int | None,
        spec: Mapping[str, Any] | None,
        rotate_worker_token: bool,
        rotate_manager_token: bool,
        rotate_manager_unlock_key: bool,
    ) -> None:
        """``POST /swarm/update``: ``spec`` replaces the whole spec of swarm ``version``
        (the low-level API's ``update_swarm()`` sends the caller's spec as it is)."""
        await self._transport.request(
            "POST",
            "/swarm/update",
            params={
                "version": version,
                "rotateWorkerToken": rotate_worker_token,
                "rotateManagerToken": rotate_manager_token,
                "rotateManagerUnlockKey": rotate_manager_unlock_key,
            },
            json={} if spec is None else spec,  # the daemon wants a body (docker-py: {})
        )
