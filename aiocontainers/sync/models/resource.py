"""docker-py's ``docker.models.resource``: the bases of every sync model and collection.

``isinstance(obj, Model)`` holds for containers, images, networks... and
``isinstance(obj, Collection)`` for ``client.containers`` and the other managers.
"""

from __future__ import annotations

from .._wrap import CollectionProxy as Collection
from .._wrap import ModelProxy as Model

__all__ = ["Collection", "Model"]
