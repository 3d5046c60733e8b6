"""Swarm configs: the collection (``client.configs``) and the ``Config`` handle.

Names, parameters and results follow docker-py's ``docker.models.configs``,
made async. ``configs.create()`` returns the inspected config (docker-py's
holds only the id and name); [`Config.data`][aiocontainers.Config.data] decodes the stored bytes.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping

from .._arguments import JsonObject, Name
from .._specs import DriverConfig
from .._validation import validated
from .secrets import StoredObject, StoredObjectCollection, check_labels, driver_wire, encode_data

__all__ = ["Config", "ConfigCollection"]


class Config(StoredObject):
    """A swarm config. ``attrs`` holds ``GET /configs/{id}``."""

    _endpoint = "configs"

    @property
    def data(self) -> bytes:
        """The config's contents as last read."""
        return base64.b64decode(self.attrs.get("Spec", {}).get("Data") or "")


class ConfigCollection(StoredObjectCollection[Config]):
    """``client.configs``: create, get and list swarm configs."""

    model = Config

    @validated
    async def create(
        self,
        name: Name,
        data: bytes | str,
        labels: Mapping[str, str] | None = None,
        templating: DriverConfig | JsonObject | str | None = None,
    ) -> Config:
        """Store a config (``str`` data is encoded as UTF-8) and return it.

        ``templating`` names a templating driver (``"golang"``) that expands
        the data when a task starts.
        """
        body = {"Name": name, "Data": encode_data(data), "Labels": check_labels(labels)}
        if templating is not None:
            await self._transport.require_version("1.37", "configs.create(templating=...)")
        body["Templating"] = driver_wire(templating)
        return await self._create(body)
