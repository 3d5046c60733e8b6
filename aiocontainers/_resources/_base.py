"""The shape every resource shares: a collection per resource, a model per object.

As in docker-py, a model keeps the daemon's inspect data in ``attrs`` and
never calls the daemon behind a property; ``await model.reload()`` refreshes.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from .._validation import validated
from ..errors import DockerException, InvalidResponse

if TYPE_CHECKING:
    from .._client import DockerClient
    from .._transport import Transport

__all__ = ["Collection", "Model", "convert_filters", "row_ids"]

ModelT = TypeVar("ModelT", bound="Model")


def convert_filters(filters: Mapping[str, Any] | None) -> dict[str, list[str]] | None:
    """docker-py's filter shorthand (``{"dangling": True, "label": "a=b"}``) for the API:
    every value a list of strings, booleans as ``"true"``/``"false"``."""
    if not filters:
        return None
    converted: dict[str, list[str]] = {}
    for key, value in filters.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        converted[key] = [
            ("true" if item else "false") if isinstance(item, bool) else str(item)
            for item in values
        ]
    return converted


def row_ids(rows: Any, what: str, key: str = "Id") -> list[str]:
    """The ids of a list answer's rows; [`InvalidResponse`][aiocontainers.errors.InvalidResponse]
    if any row lacks one."""
    if not isinstance(rows, list):
        raise InvalidResponse(f"{what}: expected a JSON array, got {rows!r:.200}")
    ids = []
    for row in rows:
        value = row.get(key) if isinstance(row, dict) else None
        if not isinstance(value, str) or not value:
            raise InvalidResponse(f"{what}: a row without {key}: {row!r:.200}")
        ids.append(value)
    return ids


class Model:
    """A handle on one daemon object: its id, cached ``attrs``, and methods."""

    id_attribute: ClassVar[str] = "Id"

    def __init__(
        self,
        attrs: dict[str, Any] | None = None,
        client: DockerClient | None = None,
        collection: Collection[Any] | None = None,
    ) -> None:
        self.attrs: dict[str, Any] = attrs or {}
        self._client = client
        self._collection = collection

    @property
    def client(self) -> DockerClient:
        if self._client is None:
            raise DockerException(f"{type(self).__name__} is not bound to a client")
        return self._client

    @property
    def collection(self) -> Collection[Any]:
        if self._collection is None:
            raise DockerException(f"{type(self).__name__} is not bound to a collection")
        return self._collection

    @property
    def _transport(self) -> Transport:
        return self.client.transport

    @property
    def id(self) -> str:
        return str(self.attrs.get(self.id_attribute, ""))

    @property
    def short_id(self) -> str:
        """The id truncated to 12 characters, as the Docker CLI shows it."""
        return self.id[:12]

    @validated
    async def reload(self) -> None:
        """Refresh ``attrs`` from the daemon."""
        fresh = await self.collection.get(self.id)
        self.attrs = fresh.attrs

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.short_id}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, type(self)) and other.id == self.id

    def __hash__(self) -> int:
        return hash(f"{type(self).__name__}:{self.id}")


class Collection(ABC, Generic[ModelT]):
    """A manager for one kind of daemon object, hanging off the client."""

    model: ClassVar[type[Model]]

    def __init__(self, client: DockerClient) -> None:
        self.client = client

    @property
    def _transport(self) -> Transport:
        return self.client.transport

    @abstractmethod
    async def get(self, key: str) -> ModelT:
        """The object named ``key`` (id, short id or name); NotFound if absent."""

    def prepare_model(self, attrs: dict[str, Any]) -> ModelT:
        """Wrap inspect data in this collection's model class.

        Data that is not a JSON object naming the object's id raises
        [`InvalidResponse`][aiocontainers.errors.InvalidResponse]: never a half-built model.
        """
        key = self.model.id_attribute
        if not isinstance(attrs, dict) or not isinstance(attrs.get(key), str) or not attrs[key]:
            raise InvalidResponse(
                f"the daemon's data for a {self.model.__name__} is not an object with "
                f"{key!r}: {attrs!r:.200}"
            )
        return self.model(attrs=attrs, client=self.client, collection=self)  # type: ignore[return-value]
