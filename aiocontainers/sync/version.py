"""docker-py's ``docker.version``.

``__version__`` is the docker-py release whose API the shim offers, not aiocontainers' own
(that is ``aiocontainers.__version__``): code that checks docker-py's version, or passes it
where an API version goes (as some libraries do with ``EndpointConfig``), then behaves as
it does with docker-py.
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "7.1.0"
