"""What a stack's images need before its containers can be created: nothing, a pull or a build.

``up()`` acts on it silently; the command line acts on it with progress bars, then
calls ``up()``, which finds the images present. One decision, two presentations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from .._compose import Stack
from ..errors import ImageNotFound, ServiceFailed
from ._translate import image_name

if TYPE_CHECKING:
    from .._client import DockerClient

__all__ = ["ImageAction", "build_options", "image_action", "stack_images"]

ImageAction = Literal["present", "pull", "build"]


def stack_images(stack: Stack, services: list[str] | None = None) -> dict[str, str]:
    """Each image the stack (or ``services`` of it) runs, with the first service using it."""
    first: dict[str, str] = {}
    for key in services if services is not None else list(stack.services):
        first.setdefault(image_name(stack, key), key)
    return first


async def image_action(client: DockerClient, stack: Stack, service: str) -> ImageAction:
    """What ``service``'s image needs, following its ``pull_policy`` and ``build``.

    Raises ServiceFailed when the image is missing and ``pull_policy`` is ``never``.
    """
    config = stack.services[service]
    policy = config.pull_policy
    image = image_name(stack, service)
    if policy not in ("always", "build"):
        try:
            await client.images.get(image)
            return "present"
        except ImageNotFound:
            pass
    if config.build is not None and policy != "always":
        return "build"
    if policy == "never":
        raise ServiceFailed(
            service, f"service {service!r}: image {image!r} is missing (pull_policy: never)"
        )
    return "pull"


def build_options(stack: Stack, service: str) -> dict[str, Any]:
    """``images.build()``/``build_stream()`` keywords for the service's ``build`` section."""
    build = stack.services[service].build
    assert build is not None
    return {
        "path": build.context,
        "dockerfile": build.dockerfile,
        "buildargs": {k: v for k, v in (build.args or {}).items() if v is not None},
        "target": build.target,
        "labels": build.labels,
        "tag": image_name(stack, service),
    }
