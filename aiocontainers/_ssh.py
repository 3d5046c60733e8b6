"""``ssh://`` hosts: each HTTP connection is an SSH channel running ``docker system dial-stdio``.

This is what the Docker CLI does. One asyncssh connection per client carries one channel
per pooled HTTP connection; aiohttp's protocol sits directly on the channel (through
:class:`_ChannelTransport`), so there is no local relay socket in between. (aiodocker's
``SSHConnector`` relays through a local unix socket and drops the output that follows an
EOF on stdin; this connector passes the half-close through.)

Keys, ports, users and known hosts come from the user's OpenSSH configuration
(``~/.ssh/config``, ``~/.ssh/known_hosts``, default identities), which asyncssh reads.
Host keys are always verified. asyncssh is an optional dependency (the ``ssh`` extra):
the transport imports this module only for ``ssh://`` hosts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any
from urllib.parse import unquote, urlsplit

import aiohttp
import asyncssh
from aiohttp.client_proto import ResponseHandler

from ._connect_errors import SSHConnectError
from .errors import InvalidArgument

__all__ = ["SSHConnector"]

DIAL_COMMAND = "docker system dial-stdio"


class _ChannelTransport(asyncio.Transport):
    """An SSH channel seen as the asyncio transport aiohttp's protocol expects."""

    def __init__(self, channel: asyncssh.SSHClientChannel[bytes]) -> None:
        super().__init__()
        self._channel = channel

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self._channel.write(bytes(data))

    def writelines(self, list_of_data: Any) -> None:
        self._channel.writelines([bytes(data) for data in list_of_data])

    def can_write_eof(self) -> bool:
        return True

    def write_eof(self) -> None:
        self._channel.write_eof()

    def is_closing(self) -> bool:
        return self._channel.is_closing()

    def close(self) -> None:
        self._channel.close()

    def abort(self) -> None:
        self._channel.abort()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._channel.get_extra_info(name, default)

    def pause_reading(self) -> None:
        self._channel.pause_reading()

    def resume_reading(self) -> None:
        self._channel.resume_reading()

    def get_write_buffer_size(self) -> int:
        return int(self._channel.get_write_buffer_size())


class _DialSession(asyncssh.SSHClientSession[bytes]):
    """Feeds a dial-stdio channel's stdout to aiohttp's protocol; keeps its stderr."""

    def __init__(self, protocol: ResponseHandler) -> None:
        self._protocol = protocol
        self.stderr = bytearray()

    def connection_made(self, chan: asyncssh.SSHClientChannel[bytes]) -> None:
        self._protocol.connection_made(_ChannelTransport(chan))

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        if datatype is None:
            self._protocol.data_received(data)
        elif len(self.stderr) < 4096:
            self.stderr += data

    def eof_received(self) -> bool:
        self._protocol.eof_received()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        if exc is None and self.stderr:
            exc = ConnectionError(
                f"{DIAL_COMMAND}: {self.stderr.decode(errors='replace').strip()}"
            )
        self._protocol.connection_lost(exc)

    def pause_writing(self) -> None:
        self._protocol.pause_writing()

    def resume_writing(self) -> None:
        self._protocol.resume_writing()


def _parse(url: str) -> tuple[str, int | None, str | None]:
    parts = urlsplit(url)
    if parts.scheme != "ssh" or not parts.hostname:
        raise InvalidArgument(f"expected ssh://[user@]host[:port], got {url!r}")
    if parts.password:
        raise InvalidArgument("ssh:// URLs take no password; use a key (ssh-agent or ~/.ssh)")
    if parts.path not in ("", "/"):
        raise InvalidArgument(f"ssh:// URLs take no path, got {parts.path!r} in {url!r}")
    return parts.hostname, parts.port, unquote(parts.username) if parts.username else None


class SSHConnector(aiohttp.BaseConnector):
    """aiohttp connections to the daemon behind an SSH server, over one SSH connection."""

    def __init__(self, url: str, *, limit: int = 10) -> None:
        self._host, self._port, self._username = _parse(url)
        super().__init__(limit=limit)
        self._ssh: asyncssh.SSHClientConnection | None = None
        self._ssh_lock = asyncio.Lock()

    async def _connection(self) -> asyncssh.SSHClientConnection:
        async with self._ssh_lock:
            if self._ssh is None or self._ssh.is_closed():
                options: dict[str, Any] = {}
                if self._port is not None:
                    options["port"] = self._port
                if self._username is not None:
                    options["username"] = self._username
                self._ssh = await asyncssh.connect(self._host, **options)
            return self._ssh

    async def _open_channel(self) -> ResponseHandler:
        connection = await self._connection()
        protocol = ResponseHandler(self._loop)
        await connection.create_session(
            lambda: _DialSession(protocol), DIAL_COMMAND, encoding=None
        )
        return protocol

    async def _create_connection(
        self, req: Any, traces: Any, timeout: aiohttp.ClientTimeout
    ) -> ResponseHandler:
        where = f"ssh://{self._host}" + (f":{self._port}" if self._port else "")
        try:
            return await asyncio.wait_for(self._open_channel(), timeout.sock_connect)
        except asyncio.TimeoutError as exc:
            raise aiohttp.ServerTimeoutError(
                f"{where}: no SSH channel within {timeout.sock_connect} s"
            ) from exc
        except (asyncssh.Error, OSError, ValueError) as exc:  # ValueError: unusable key files
            raise SSHConnectError(f"{where}: {exc}") from exc

    def close(self, *, abort_ssl: bool = False) -> Awaitable[None]:
        """Close the HTTP connections (channels), then the SSH connection."""
        closing = super().close(abort_ssl=abort_ssl)
        ssh, self._ssh = self._ssh, None

        async def close_all() -> None:
            await closing
            if ssh is not None:
                ssh.close()
                await ssh.wait_closed()

        return close_all()
