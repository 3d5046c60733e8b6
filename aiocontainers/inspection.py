"""Typed views of the daemon's inspect data: ``ContainerInspect.model_validate(c.attrs)``.

A handle's ``attrs`` is the daemon's JSON as a dict, exactly as docker-py keeps it. These
pydantic models read the same data with snake_case names, datetimes, ``timedelta``
durations (Docker's nanoseconds converted) and ``None`` for Docker's zero time
("never"). Every field is optional, since Docker omits fields by version, platform and
state; fields they do not name are kept in ``model_extra``. The models are frozen:
``await handle.reload()`` then validate again for fresh data.

```python
from aiocontainers.inspection import ContainerInspect

info = ContainerInspect.model_validate(container.attrs)
info.state.running, info.state.started_at, info.config.healthcheck.interval
```
"""

from __future__ import annotations

from . import _models
from ._models import *  # noqa: F403 - the models, listed once (in _models.__all__)

__all__ = _models.__all__
