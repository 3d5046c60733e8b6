"""Registry lookups and the build cache for ``client.images``: ``RegistryData``, search, prune.

`RegistryImages` holds docker-py's ``get_registry_data``, ``search``, ``prune_builds`` and
``create`` for [`ImageCollection`][aiocontainers._resources.images.ImageCollection], which inherits
them. [`RegistryData`][aiocontainers.RegistryData] is an image's entry in its registry (``GET
/distribution/{name}/json``): its digest and the platforms it is built for.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NoReturn

from .._validation import validated
from ..errors import InvalidArgument
from ._base import Model, convert_filters

if TYPE_CHECKING:
    from .._transport import Transport
    from .images import Image, ImageCollection

__all__ = ["RegistryData", "RegistryImages"]


def _parse_repository(name: str) -> str:
    """``repo:tag`` or ``repo@digest`` without the tag or digest."""
    repository, sep, _ = name.rpartition("@")
    if sep:
        return repository
    repository, sep, tag = name.rpartition(":")
    return repository if sep and "/" not in tag else name


class RegistryData(Model):
    """An image as its registry describes it; ``attrs`` holds ``Descriptor`` and ``Platforms``."""

    def __init__(
        self,
        image_name: str,
        attrs: dict[str, Any] | None = None,
        client: Any = None,
        collection: Any = None,
    ) -> None:
        super().__init__(attrs, client, collection)
        self.image_name = image_name

    @property
    def id(self) -> str:
        """The manifest digest, ``sha256:...``."""
        return str((self.attrs.get("Descriptor") or {}).get("digest", ""))

    @property
    def short_id(self) -> str:
        """``sha256:`` and the first 12 hex digits of the digest."""
        return self.id[:19]

    @validated
    async def reload(self) -> None:
        """Ask the registry again."""
        fresh = await self._images().get_registry_data(self.image_name)
        self.attrs = fresh.attrs

    @validated
    async def pull(self, platform: str | None = None) -> Image:
        """Pull this exact digest (for ``platform`` when given) and return the image."""
        return await self._images().pull(
            _parse_repository(self.image_name), tag=self.id, platform=platform
        )

    @validated
    async def has_platform(self, platform: str | Mapping[str, str] | None) -> bool:
        """True when the registry has the image for ``platform`` (``"os[/arch[/variant]]"``).

        What the platform leaves out is taken from the daemon (its OS and architecture).
        """
        wanted: dict[str, str] = {}
        if isinstance(platform, str):
            parts = platform.split("/")
            if len(parts) > 3:
                raise InvalidArgument(f'"{platform}" is not a valid platform descriptor')
            wanted["os"] = parts[0]
            if len(parts) > 2:
                wanted["variant"] = parts[2]
            if len(parts) > 1:
                wanted["architecture"] = parts[1]
        elif platform:
            wanted = dict(platform)
        if "os" not in wanted or "architecture" not in wanted:
            version = await self.client.version()
            wanted.setdefault("os", str(version.get("Os", "")))
            wanted.setdefault("architecture", str(version.get("Arch", "")))
        return wanted in (self.attrs.get("Platforms") or [])

    def _images(self) -> ImageCollection:
        from .images import ImageCollection

        collection = self.collection
        assert isinstance(collection, ImageCollection)
        return collection


class RegistryImages:
    """docker-py's registry and build-cache calls of ``client.images`` (a mixin)."""

    client: Any
    _transport: Transport

    if TYPE_CHECKING:

        async def _auth_header(
            self, repository: str, auth_config: Mapping[str, Any] | None
        ) -> dict[str, str]: ...

    @validated
    async def get_registry_data(
        self, name: str, auth_config: Mapping[str, Any] | None = None
    ) -> RegistryData:
        """The registry's description of the image ``name`` (its digest and platforms)."""
        attrs = await self._transport.request_json(
            "GET",
            "/distribution/{name}/json",
            path_args={"name": name},
            headers=await self._auth_header(_parse_repository(name), auth_config),
        )
        return RegistryData(name, attrs, client=self.client, collection=self)

    @validated
    async def search(self, term: str, limit: int | None = None) -> builtins.list[dict[str, Any]]:
        """Search Docker Hub (``docker search``); the daemon does the request."""
        data: builtins.list[dict[str, Any]] = await self._transport.request_json(
            "GET", "/images/search", params={"term": term, "limit": limit}, timeout=None
        )
        return data

    @validated
    async def prune_builds(
        self,
        filters: Mapping[str, Any] | None = None,
        keep_storage: int | None = None,
        all: bool | None = None,
    ) -> dict[str, Any]:
        """Remove build cache; returns ``CachesDeleted`` and ``SpaceReclaimed``."""
        data: dict[str, Any] = await self._transport.request_json(
            "POST",
            "/build/prune",
            params={
                "filters": convert_filters(filters),
                "keep-storage": keep_storage,
                "all": all,
            },
            timeout=None,
        )
        return data

    async def create(self, *args: Any, **kwargs: Any) -> NoReturn:
        """Not a Docker operation: images are pulled, built, loaded or committed."""
        raise NotImplementedError
