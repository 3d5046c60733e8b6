"""Plugins: the collection (``client.plugins``) and the ``Plugin`` handle.

Names, parameters and results follow docker-py's ``docker.models.plugins``,
made async. ``install()`` and ``upgrade()`` grant every privilege the plugin
asks for, as docker-py's do; ``upgrade()`` and ``push()`` stream the daemon's
progress messages (docker-py's ``push()`` posts to the pull endpoint and fails;
this one pushes).
"""

from __future__ import annotations

import builtins
import os
import zlib
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

import anyio

from .._build_context import build_context
from .._http import ResponseStream
from .._progress import JSONMessages
from .._streams import progress_error
from .._validation import validated
from ..errors import ImageLoadError, InvalidArgument
from ._base import Collection, Model
from ._streaming import ChunkSource, Decoder, DockerStream

if TYPE_CHECKING:
    from .._transport import Transport

__all__ = ["Plugin", "PluginCollection"]


async def _gzip(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    compressor = zlib.compressobj(wbits=31)  # 31: a gzip container
    async for chunk in chunks:
        if piece := compressor.compress(chunk):
            yield piece
    yield compressor.flush()


class Plugin(Model):
    """An installed plugin. ``attrs`` holds ``GET /plugins/{name}/json``."""

    def __repr__(self) -> str:
        return f"<Plugin: {self.name!r}>"

    @property
    def name(self) -> str | None:
        """The plugin's reference, e.g. ``vieux/sshfs:latest``."""
        name = self.attrs.get("Name")
        return None if name is None else str(name)

    @property
    def enabled(self) -> bool | None:
        """Whether the plugin is enabled (as of the last reload)."""
        enabled = self.attrs.get("Enabled")
        return None if enabled is None else bool(enabled)

    @property
    def settings(self) -> dict[str, Any] | None:
        """The plugin's settings: ``Env``, ``Args``, ``Mounts``, ``Devices``."""
        settings = self.attrs.get("Settings")
        return None if settings is None else dict(settings)

    def _plugins(self) -> PluginCollection:
        collection = self.collection
        assert isinstance(collection, PluginCollection)
        return collection

    @validated
    async def reload(self) -> None:
        """Refresh ``attrs`` from the daemon."""
        self.attrs = (await self._plugins().get(self.name or self.id)).attrs

    @validated
    async def configure(self, options: Mapping[str, Any] | builtins.list[str]) -> None:
        """Change settings (``{"DEBUG": "1"}`` or ``["DEBUG=1"]``) of a disabled plugin."""
        await self._set(options)
        await self.reload()

    async def _set(self, options: Mapping[str, Any] | builtins.list[str]) -> None:
        """``configure()`` without the reload (the low-level ``configure_plugin``)."""
        body = (
            [f"{key}={value}" for key, value in options.items()]
            if isinstance(options, Mapping)
            else list(options)
        )
        await self._transport.request(
            "POST", "/plugins/{name}/set", path_args={"name": self._ref()}, json=body
        )

    @validated
    async def disable(self, force: bool = False) -> None:
        """Disable the plugin (``force``: even while in use)."""
        await self._disable(force)
        await self.reload()

    async def _disable(self, force: bool) -> None:
        """``disable()`` without the reload (the low-level ``disable_plugin``)."""
        await self._transport.request(
            "POST",
            "/plugins/{name}/disable",
            path_args={"name": self._ref()},
            params={"force": force},
        )

    @validated
    async def enable(self, timeout: int = 0) -> None:
        """Enable the plugin; ``timeout`` is the daemon's wait for it to start (0: default)."""
        await self._enable(timeout)
        await self.reload()

    async def _enable(self, timeout: int) -> None:
        """``enable()`` without the reload (the low-level ``enable_plugin``)."""
        await self._transport.request(
            "POST",
            "/plugins/{name}/enable",
            path_args={"name": self._ref()},
            params={"timeout": timeout},
            timeout=None,
        )

    @validated
    async def push(self) -> builtins.list[dict[str, Any]]:
        """Push the plugin to its registry; returns the daemon's progress messages."""
        async with self._push_stream() as messages:
            return [message async for message in messages]

    def _push_stream(self) -> DockerStream[dict[str, Any]]:
        """The progress of pushing the plugin (opened on first use)."""
        collection = self._plugins()
        ref = self._ref()

        async def open_push() -> ResponseStream:
            return await self._transport.open_stream(
                "POST",
                "/plugins/{name}/push",
                path_args={"name": ref},
                headers=await collection.client.images._auth_header(ref, None),
            )

        return _progress(self._transport, "push", ref, open_push)

    @validated
    async def remove(self, force: bool = False) -> bool:
        """Remove the plugin (``force``: even when enabled); True on success."""
        await self._transport.request(
            "DELETE", "/plugins/{name}", path_args={"name": self._ref()}, params={"force": force}
        )
        return True

    @validated
    async def upgrade(self, remote: str | None = None) -> AsyncGenerator[dict[str, Any], None]:
        """Upgrade a disabled plugin to ``remote`` (default: its reference), streaming progress.

        Every privilege the new version asks for is granted; ``attrs`` are
        reloaded at the end.
        """
        if self.enabled:
            raise InvalidArgument("Plugin must be disabled before upgrading.")
        remote = remote or str(self.attrs.get("PluginReference") or self._ref())
        privileges = await self._plugins().privileges(remote)
        async with self._upgrade_stream(remote, privileges) as messages:
            async for message in messages:
                yield message
        await self.reload()

    def _upgrade_stream(
        self, remote: str, privileges: builtins.list[dict[str, Any]]
    ) -> DockerStream[dict[str, Any]]:
        """The progress of upgrading to ``remote``, granting ``privileges`` (opened on first
        use)."""
        collection = self._plugins()
        ref = self._ref()

        async def open_upgrade() -> ResponseStream:
            return await self._transport.open_stream(
                "POST",
                "/plugins/{name}/upgrade",
                path_args={"name": ref},
                params={"remote": remote},
                json=privileges,
                headers=await collection.client.images._auth_header(remote, None),
            )

        return _progress(self._transport, "upgrade", remote, open_upgrade)

    def _ref(self) -> str:
        return self.name or self.id


def _progress(
    transport: Transport,
    operation: str,
    what: str,
    opener: Callable[[], Awaitable[ResponseStream]],
) -> DockerStream[dict[str, Any]]:
    """The decoded messages of a plugin pull/push/upgrade; an error in them raises."""
    label = f"plugin {operation} {what}"

    def accept(message: Mapping[str, Any]) -> dict[str, Any]:
        error = progress_error(message)
        if error is not None:
            raise ImageLoadError(f"{label}: {error}")
        return dict(message)

    async def open_progress() -> tuple[ChunkSource, Decoder[dict[str, Any]]]:
        return await opener(), JSONMessages(accept, label)

    return DockerStream(open_progress, name=label, idle_timeout=transport.timeout)


class PluginCollection(Collection[Plugin]):
    """``client.plugins``: create, install, get and list plugins."""

    model = Plugin

    @validated
    async def get(self, name: str) -> Plugin:
        """The plugin ``name``; NotFound if it is not installed."""
        attrs = await self._transport.request_json(
            "GET", "/plugins/{name}/json", path_args={"name": name}
        )
        return self.prepare_model(attrs)

    @validated
    async def list(self) -> builtins.list[Plugin]:
        """Every installed plugin."""
        return [self.prepare_model(attrs) for attrs in await self._rows()]

    async def _rows(self) -> builtins.list[dict[str, Any]]:
        """The daemon's list answer as it came (the low-level ``plugins()``)."""
        rows: builtins.list[dict[str, Any]] | None = await self._transport.request_json(
            "GET", "/plugins"
        )
        return rows or []

    @validated
    async def create(
        self, name: str, plugin_data_dir: str | os.PathLike[str], gzip: bool = False
    ) -> Plugin:
        """Create a plugin from a directory holding its ``config.json`` and ``rootfs/``.

        The directory is sent as a tar stream (``gzip=True`` compresses it).
        """
        await self._create_raw(name, plugin_data_dir, gzip)
        return await self.get(name)

    async def _create_raw(
        self, name: str, plugin_data_dir: str | os.PathLike[str], gzip: bool
    ) -> None:
        """``create()`` without fetching the result (the low-level ``create_plugin``)."""
        if not await anyio.Path(plugin_data_dir, "config.json").is_file():
            raise InvalidArgument(f"{os.fspath(plugin_data_dir)!r} has no config.json")
        body = build_context(plugin_data_dir)
        await self._transport.request(
            "POST",
            "/plugins/create",
            params={"name": name},
            data=_gzip(body) if gzip else body,
            headers={"Content-Type": "application/x-tar"},
            timeout=None,
        )

    @validated
    async def privileges(self, remote: str) -> builtins.list[dict[str, Any]]:
        """The privileges the plugin ``remote`` asks for (to grant when installing it)."""
        data: builtins.list[dict[str, Any]] = await self._transport.request_json(
            "GET",
            "/plugins/privileges",
            params={"remote": remote},
            headers=await self.client.images._auth_header(remote, None),
        )
        return data

    @validated
    async def install(self, remote_name: str, local_name: str | None = None) -> Plugin:
        """Pull and install the plugin ``remote_name`` (disabled), granting its privileges."""
        privileges = await self.privileges(remote_name)
        async with self._pull_stream(remote_name, privileges, local_name) as messages:
            async for _ in messages:
                pass
        return await self.get(local_name or remote_name)

    def _pull_stream(
        self,
        remote_name: str,
        privileges: builtins.list[dict[str, Any]],
        local_name: str | None,
    ) -> DockerStream[dict[str, Any]]:
        """The progress of installing ``remote_name`` with ``privileges`` granted (opened on
        first use)."""

        async def open_pull() -> ResponseStream:
            return await self._transport.open_stream(
                "POST",
                "/plugins/pull",
                params={"remote": remote_name, "name": local_name},
                json=privileges,
                headers=await self.client.images._auth_header(remote_name, None),
            )

        return _progress(self._transport, "install", remote_name, open_pull)
