"""Bidirectional connections for stdin: the daemon's ``Upgrade: tcp`` hijack.

To write to a container's or an exec's stdin, the request (``POST
/exec/{id}/start`` or ``POST /containers/{id}/attach``) carries
``Connection: Upgrade`` and ``Upgrade: tcp``; the daemon answers ``101`` and
from then on the socket is a raw byte pipe both ways: we write stdin, it
writes the (multiplexed or TTY) output, and closing our write side (EOF) closes
the process's stdin while its output keeps coming. The wire-level takeover is
the HTTP transport's (`upgrade()`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from .._http import UpgradedConnection
from .._transport import Params, Transport
from .._validation import validated
from ..errors import InvalidArgument, StreamError
from ._streaming import DockerStream

__all__ = ["InteractiveStream", "open_hijacked"]

T = TypeVar("T")

_UPGRADE_HEADERS = {"Connection": "Upgrade", "Upgrade": "tcp"}


async def open_hijacked(
    transport: Transport,
    path: str,
    *,
    path_args: Mapping[str, str],
    params: Params | None = None,
    json: Any = None,
) -> UpgradedConnection:
    """POST ``path`` asking the daemon to upgrade the connection to a raw pipe."""
    response = await transport.open_stream(
        "POST", path, path_args=path_args, params=params, json=json, headers=_UPGRADE_HEADERS
    )
    if response.status != 101:
        response.close()
        raise StreamError(f"{path}: the daemon answered {response.status} instead of upgrading")
    return response.upgrade()


class InteractiveStream(DockerStream[T]):
    """A [`DockerStream`][aiocontainers.DockerStream] whose connection may also carry stdin.

    Writing needs a hijacked connection (``socket=True`` for exec,
    [`attach_socket()`][aiocontainers.Container.attach_socket] for attach).
    """

    _writable = False

    async def _connection(self) -> UpgradedConnection:
        source = await self._source_or_raise()
        if not self._writable:
            raise InvalidArgument(
                f"stream {self._name} has no stdin: open it with socket=True and stdin=True"
            )
        return source  # type: ignore[return-value]

    @validated
    async def write(self, data: bytes) -> None:
        """Write ``data`` to the process's stdin."""
        await (await self._connection()).write(data)

    @validated
    async def close_stdin(self) -> None:
        """Send EOF to stdin (half-close); output can still be read afterwards."""
        await (await self._connection()).close_write()
