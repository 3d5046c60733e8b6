"""Swarm secrets: the collection (``client.secrets``) and the ``Secret`` handle.

Names, parameters and results follow docker-py's ``docker.models.secrets``,
made async. ``secrets.create()`` returns the inspected secret (docker-py's
holds only the id and name). The daemon never gives a secret's data back.
Configs (`configs`) share this module's base classes.
"""

from __future__ import annotations

import base64
import builtins
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

from .._arguments import Filters, JsonObject, Name
from .._specs import DriverConfig
from .._specs._parse import parse_labels
from .._validation import validated
from ..errors import InvalidArgument
from ._base import Collection, Model, convert_filters

__all__ = [
    "Secret",
    "SecretCollection",
    "StoredObject",
    "StoredObjectCollection",
    "check_labels",
    "driver_wire",
    "encode_data",
]

StoredT = TypeVar("StoredT", bound="StoredObject")


def encode_data(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return base64.b64encode(data).decode("ascii")


def check_labels(labels: Mapping[str, str] | None) -> dict[str, str] | None:
    if labels is None:
        return None
    try:
        return parse_labels(labels)
    except ValueError as exc:
        raise InvalidArgument(str(exc)) from None


def driver_wire(driver: DriverConfig | Mapping[str, Any] | str | None) -> dict[str, Any] | None:
    if driver is None:
        return None
    if isinstance(driver, str):
        driver = DriverConfig(name=driver)
    elif not isinstance(driver, DriverConfig):
        driver = DriverConfig.model_validate(dict(driver))
    return driver.to_wire()


class StoredObject(Model):
    """A named blob kept by the swarm (a secret or a config)."""

    id_attribute = "ID"
    _endpoint: ClassVar[str]

    @property
    def name(self) -> str:
        """The name it was created with."""
        return str(self.attrs.get("Spec", {}).get("Name", ""))

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.name!r}>"

    @validated
    async def remove(self) -> bool:
        """Remove it (services still using it must be updated or removed first); ``True``,
        as docker-py returns."""
        await self._transport.request(
            "DELETE", f"/{self._endpoint}/{{id}}", path_args={"id": self.id}
        )
        return True


class StoredObjectCollection(Collection[StoredT]):
    """Create, get and list secrets or configs."""

    async def _create(self, body: dict[str, Any]) -> StoredT:
        endpoint = self.model._endpoint  # type: ignore[attr-defined]
        created = await self._transport.request_json(
            "POST", f"/{endpoint}/create", json={k: v for k, v in body.items() if v is not None}
        )
        return await self.get(created["ID"])

    @validated
    async def get(self, key: Name) -> StoredT:
        """The one with this id or name; NotFound if there is none."""
        endpoint = self.model._endpoint  # type: ignore[attr-defined]
        attrs = await self._transport.request_json(
            "GET", f"/{endpoint}/{{id}}", path_args={"id": key}
        )
        return self.prepare_model(attrs)

    @validated
    async def list(self, filters: Filters | None = None) -> builtins.list[StoredT]:
        """All of them, optionally filtered (``id``, ``name``, ``label``, ``names``)."""
        endpoint = self.model._endpoint  # type: ignore[attr-defined]
        rows = await self._transport.request_json(
            "GET", f"/{endpoint}", params={"filters": convert_filters(filters)}
        )
        return [self.prepare_model(row) for row in rows or []]


class Secret(StoredObject):
    """A swarm secret. ``attrs`` holds ``GET /secrets/{id}`` (without the data)."""

    _endpoint = "secrets"


class SecretCollection(StoredObjectCollection[Secret]):
    """``client.secrets``: create, get and list swarm secrets."""

    model = Secret

    @validated
    async def create(
        self,
        name: Name,
        data: bytes | str,
        labels: Mapping[str, str] | None = None,
        driver: DriverConfig | JsonObject | str | None = None,
    ) -> Secret:
        """Store a secret (``str`` data is encoded as UTF-8) and return it.

        ``driver`` names an external secret store plugin; by default the swarm
        keeps the secret itself.
        """
        body = {"Name": name, "Data": encode_data(data), "Labels": check_labels(labels)}
        if driver is not None:
            await self._transport.require_version("1.31", "secrets.create(driver=...)")
        body["Driver"] = driver_wire(driver)
        return await self._create(body)
