"""Volumes: the collection (``client.volumes``) and the ``Volume`` handle.

Names, parameters and results follow docker-py's ``docker.models.volumes``,
made async. A volume outlives the containers that use it unless the container
is removed with ``remove(v=True)``.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any

from .._arguments import Filters, Name
from .._validation import validated
from ._base import Collection, Model, convert_filters

__all__ = ["Volume", "VolumeCollection"]


class Volume(Model):
    """A volume. Its ``id`` is its name; ``attrs`` holds ``GET /volumes/{name}``."""

    id_attribute = "Name"

    @property
    def name(self) -> str:
        """The volume's name (also its id)."""
        return self.id

    @validated
    async def remove(self, force: bool = False) -> None:
        """Remove the volume; ``force`` also ignores a volume that is already gone."""
        await self._transport.request(
            "DELETE", "/volumes/{name}", path_args={"name": self.id}, params={"force": force}
        )


class VolumeCollection(Collection[Volume]):
    """``client.volumes``: create, get, list and prune volumes."""

    model = Volume

    @validated
    async def create(
        self,
        name: str | None = None,
        driver: str | None = None,
        driver_opts: Mapping[str, str] | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> Volume:
        """Create a volume (a random name when ``name`` is None); an existing name is reused."""
        body: dict[str, Any] = {"Name": name, "Driver": driver}
        if driver_opts is not None:
            body["DriverOpts"] = dict(driver_opts)
        if labels is not None:
            body["Labels"] = dict(labels)
        attrs = await self._transport.request_json(
            "POST", "/volumes/create", json={k: v for k, v in body.items() if v is not None}
        )
        return self.prepare_model(attrs)

    @validated
    async def get(self, volume_id: Name) -> Volume:
        """The volume named ``volume_id``; NotFound if there is none."""
        attrs = await self._transport.request_json(
            "GET", "/volumes/{name}", path_args={"name": volume_id}
        )
        return self.prepare_model(attrs)

    @validated
    async def list(self, filters: Filters | None = None) -> builtins.list[Volume]:
        """Volumes, optionally filtered (``{"label": "env=prod"}``, ``{"dangling": True}``)."""
        listing = await self._listing(filters)
        return [self.prepare_model(attrs) for attrs in listing.get("Volumes") or []]

    async def _listing(self, filters: Filters | None) -> dict[str, Any]:
        """``GET /volumes``'s answer: ``{"Volumes": [...], "Warnings": ...}``."""
        data = await self._transport.request_json(
            "GET", "/volumes", params={"filters": convert_filters(filters)}
        )
        return dict(data or {})

    @validated
    async def prune(self, filters: Filters | None = None) -> dict[str, Any]:
        """Remove volumes no container uses; returns ``VolumesDeleted`` and ``SpaceReclaimed``.

        On API 1.42+ daemons only anonymous volumes are pruned unless
        ``filters={"all": True}``.
        """
        data: dict[str, Any] = await self._transport.request_json(
            "POST",
            "/volumes/prune",
            params={"filters": convert_filters(filters)},
            timeout=self._transport.slow_timeout,
        )
        return data
