"""TLS settings in docker-py's shape: [`TLSConfig`][aiocontainers.tls.TLSConfig]
(``docker.TLSConfig``).

The client takes ``tls=True``, ``False`` or an `ssl.SSLContext`; a
``TLSConfig`` holds the same choices as file paths (as docker-py and the CLI's
contexts keep them) and turns them into a context with
[`TLSConfig.ssl_context()`][aiocontainers.tls.TLSConfig.ssl_context].
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Sequence

from ._validation import validated
from .errors import TLSParameterError

__all__ = ["TLSConfig"]


class TLSConfig:
    """Client certificate, CA and verification for a TLS connection to the daemon.

    ``client_cert`` is a ``(certificate, key)`` pair of file paths; ``ca_cert``
    the CA bundle to trust; ``verify`` whether to check the daemon's
    certificate (with ``ca_cert`` when given, else the system's CAs).
    """

    cert: tuple[str, str] | None = None
    ca_cert: str | None = None
    verify: bool | str | None = None

    @validated
    def __init__(
        self,
        client_cert: tuple[str, str] | Sequence[str] | None = None,
        ca_cert: str | None = None,
        verify: bool | str | None = None,
    ) -> None:
        if client_cert:
            try:
                cert, key = client_cert
            except (TypeError, ValueError):
                raise TLSParameterError(
                    "client_cert must be a tuple of (client certificate, key file)"
                ) from None
            if not (cert and key and os.path.isfile(cert) and os.path.isfile(key)):
                raise TLSParameterError(
                    "Path to a certificate and key files must be provided through the "
                    "client_cert param"
                )
            self.cert = (cert, key)
        self.verify = verify
        self.ca_cert = ca_cert
        if self.verify and self.ca_cert and not os.path.isfile(self.ca_cert):
            raise TLSParameterError("Invalid CA certificate provided for `ca_cert`.")

    @validated
    def ssl_context(self) -> ssl.SSLContext:
        """An SSL context for the client's ``tls=`` argument."""
        cafile = self.ca_cert if self.verify and self.ca_cert else None
        context = ssl.create_default_context(cafile=cafile)
        if not self.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        if self.cert is not None:
            context.load_cert_chain(*self.cert)
        return context

    def __repr__(self) -> str:
        return (
            f"TLSConfig(client_cert={self.cert!r}, ca_cert={self.ca_cert!r}, "
            f"verify={self.verify!r})"
        )
