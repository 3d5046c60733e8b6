"""Differential cases: images (``client.images``, ``Image``, ``RegistryData``)."""

from __future__ import annotations

import io
import shutil
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

from .cases_containers import tar_of
from .harness import Env, differs, invalid_argument, same, typed

DOCKERFILE = b"FROM aiocontainers-test/busybox:latest\nRUN echo built > /built\n"


def tagged(env: Env, repository: str, tag: str = "v1") -> Any:
    """The test image tagged ``repository:tag`` (untagged at the end)."""
    env.client.images.get(env.image).tag(repository, tag)
    env.defer(lambda: env.client.images.remove(f"{repository}:{tag}"))
    return env.client.images.get(f"{repository}:{tag}")  # its tags include the new one


def built(env: Env, dockerfile: bytes = DOCKERFILE, **kwargs: Any) -> tuple[Any, Any]:
    """Build ``dockerfile``; the image is removed at the end."""
    kwargs.setdefault("labels", env.labels)
    kwargs.setdefault("rm", True)  # docker-py's default leaves the steps' containers behind
    image, log = env.client.images.build(fileobj=io.BytesIO(dockerfile), **kwargs)
    env.defer(lambda: env.client.images.remove(image.id, force=True))
    return image, log


def pushed(env: Env) -> str:
    """The test image pushed to the local registry as a repository of this run."""
    repository = f"{env.registry}/diff-{env.token}"
    tagged(env, repository)
    env.client.images.push(repository, tag="v1")
    return repository


# -- lookups -------------------------------------------------------------------------------


@same("ImageCollection.get", "Image.id", "Image.tags", "Image.labels", "Image.attrs")
def get_image(docker: ModuleType, env: Env) -> Any:
    image = env.client.images.get(env.image)
    return (
        type(image).__name__,
        image.id.startswith("sha256:"),
        env.image in image.tags,
        sorted(image.labels),
        sorted(image.attrs),
    )


@same("ImageCollection.get", raises="ImageNotFound")
def get_missing_image(docker: ModuleType, env: Env) -> Any:
    return env.client.images.get("diff-no-such-image:nope")


@same("ImageCollection.list")
def list_images(docker: ModuleType, env: Env) -> Any:
    image = env.client.images.get(env.image)
    named = env.client.images.list(name=env.image)
    labelled = env.client.images.list(filters={"label": f"aiocontainers.diff={env.token}"})
    everything = env.client.images.list(all=True)
    return (
        [i.id for i in named] == [image.id],
        labelled,
        image.id in {i.id for i in everything},
        type(named).__name__,
        sorted(named[0].attrs) == sorted(image.attrs),
    )


@same("Image.reload", "Image.client", "Image.collection")
def image_reload(docker: ModuleType, env: Env) -> Any:
    image = env.client.images.get(env.image)
    before = image.tags
    tagged(env, f"diff-reload-{env.token}")
    image.reload()
    return (
        sorted(set(image.tags) - set(before)),
        type(image.client).__name__,
        type(image.collection).__name__,
    )


@same("Image.history")
def image_history(docker: ModuleType, env: Env) -> Any:
    history = env.client.images.get(env.image).history()
    return type(history).__name__, sorted(history[0])


# -- names and removal ---------------------------------------------------------------------


@same("Image.tag", "ImageCollection.remove")
def tag_and_remove(docker: ModuleType, env: Env) -> Any:
    image = env.client.images.get(env.image)
    repository = f"diff-tag-{env.token}"
    first = image.tag(repository, "a")
    second = image.tag(f"{repository}:b")
    image.reload()
    names = sorted(t for t in image.tags if t.startswith(repository))
    removed = [
        env.client.images.remove(f"{repository}:a"),
        env.client.images.remove(f"{repository}:b"),
    ]
    return first, second, names, [r is None or isinstance(r, list) for r in removed]


@differs(
    "ImageCollection.remove",
    reason="images.remove() returns the daemon's report (untagged and deleted ids); docker-py "
    "returns None",
    adjust=lambda theirs: typed("str", "list") if theirs == typed("str", "NoneType") else theirs,
)
def remove_returns_report(docker: ModuleType, env: Env) -> Any:
    repository = f"diff-rm-{env.token}"
    env.client.images.get(env.image).tag(repository, "x")
    return type(env.client.images.remove(f"{repository}:x")).__name__


@same("Image.remove", raises="ImageNotFound")
def image_remove(docker: ModuleType, env: Env) -> Any:
    image, _ = built(env)
    image.remove(force=True)
    return env.client.images.get(image.id)


@same("ImageCollection.remove", raises="ImageNotFound")
def remove_missing(docker: ModuleType, env: Env) -> Any:
    return env.client.images.remove("diff-no-such-image:nope")


@same("ImageCollection.prune")
def prune_images(docker: ModuleType, env: Env) -> Any:
    result = env.client.images.prune(filters={"label": f"aiocontainers.diff={env.token}"})
    return sorted(result), result["ImagesDeleted"]


@same("ImageCollection.prune_builds")
def prune_builds(docker: ModuleType, env: Env) -> Any:
    result = env.client.images.prune_builds(filters={"until": "1s"})
    return sorted(result)


# -- build ---------------------------------------------------------------------------------


@same("ImageCollection.build")
def build_from_fileobj(docker: ModuleType, env: Env) -> Any:
    image, log = built(env, tag=f"diff-build-{env.token}:v1")
    entries = list(log)
    env.defer(lambda: env.client.images.remove(f"diff-build-{env.token}:v1"))
    return (
        type(image).__name__,
        image.tags,
        image.labels == env.labels,
        all(isinstance(entry, dict) for entry in entries),
        [e["stream"] for e in entries if e.get("stream", "").startswith("Step")],
    )


@differs(
    "ImageCollection.build",
    reason="build() removes its intermediate containers by default (rm=True, as the CLI); "
    "docker-py's default rm=False leaves one stopped container per step",
    adjust=lambda theirs: typed("bool", False) if theirs == typed("bool", True) else theirs,
)
def build_leaves_no_containers(docker: ModuleType, env: Env) -> Any:
    # Only labelled steps, so the run's label finds (and the harness removes) their containers.
    dockerfile = b"FROM aiocontainers-test/busybox:latest\n"
    image, _ = env.client.images.build(fileobj=io.BytesIO(dockerfile), labels=env.labels)
    env.defer(lambda: env.client.images.remove(image.id, force=True))
    mine = {"label": f"aiocontainers.diff={env.token}"}
    return bool(env.client.containers.list(all=True, filters=mine))


@same("ImageCollection.build")
def build_custom_context(docker: ModuleType, env: Env) -> Any:
    context = tar_of({"Dockerfile": DOCKERFILE, "extra.txt": b"x"})
    image, _ = env.client.images.build(
        fileobj=io.BytesIO(context), custom_context=True, labels=env.labels, rm=True
    )
    env.defer(lambda: env.client.images.remove(image.id, force=True))
    return type(image).__name__


@same("ImageCollection.build")
def build_failure(docker: ModuleType, env: Env) -> Any:
    dockerfile = b"FROM aiocontainers-test/busybox:latest\nRUN exit 3\n"
    try:
        built(env, dockerfile, forcerm=True)
    except docker.errors.BuildError as exc:
        return type(exc).__name__, "exit" in str(exc.msg) or "returned" in str(exc.msg)
    return None


@differs(
    "ImageCollection.build",
    reason="bad input raises InvalidArgument (a ValueError) before the daemon is called; "
    "docker-py raises TypeError",
    adjust=lambda theirs: invalid_argument(theirs, TypeError),
    raises="TypeError",
)
def build_missing_context(docker: ModuleType, env: Env) -> Any:
    return env.client.images.build()


@same("ImageCollection.build")
def build_gzip(docker: ModuleType, env: Env) -> Any:
    context = tar_of({"Dockerfile": DOCKERFILE})
    image, _ = env.client.images.build(
        fileobj=io.BytesIO(context), custom_context=True, gzip=True, labels=env.labels, rm=True
    )
    env.defer(lambda: env.client.images.remove(image.id, force=True))
    return type(image).__name__


@same("ImageCollection.build")
def build_gzip_directory(docker: ModuleType, env: Env) -> Any:
    with tempfile.TemporaryDirectory() as root:
        Path(root, "Dockerfile").write_bytes(DOCKERFILE)
        Path(root, "data.txt").write_bytes(b"x" * 100_000)
        image, log = env.client.images.build(path=root, gzip=True, labels=env.labels, rm=True)
    env.defer(lambda: env.client.images.remove(image.id, force=True))
    return type(image).__name__, any("Successfully built" in str(e) for e in log)


# -- save and load -------------------------------------------------------------------------


@same("Image.save", "ImageCollection.load")
def save_and_load(docker: ModuleType, env: Env) -> Any:
    repository = f"diff-save-{env.token}"
    image = tagged(env, repository)
    data = b"".join(image.save(named=f"{repository}:v1"))
    env.client.images.remove(f"{repository}:v1")
    loaded = env.client.images.load(data)
    return [type(i).__name__ for i in loaded], [f"{repository}:v1" in i.tags for i in loaded]


@same("Image.save")
def save_chunks(docker: ModuleType, env: Env) -> Any:
    image = env.client.images.get(env.image)
    chunks = list(image.save(chunk_size=1024))
    return all(len(chunk) == 1024 for chunk in chunks[:-1]), len(chunks) > 1


@same("ImageCollection.load")
def load_file_object(docker: ModuleType, env: Env) -> Any:
    repository = f"diff-loadf-{env.token}"
    image = tagged(env, repository)
    data = b"".join(image.save(named=f"{repository}:v1"))
    return [type(i).__name__ for i in env.client.images.load(io.BytesIO(data))]


@same("ImageCollection.build")
def build_dockerfile_as_a_path(docker: ModuleType, env: Env) -> Any:
    root = Path(tempfile.mkdtemp(prefix="diff-build-"))
    env.defer(lambda: shutil.rmtree(root, ignore_errors=True))
    (root / "Other.dockerfile").write_bytes(DOCKERFILE)
    image, _ = env.client.images.build(
        path=str(root), dockerfile=Path("Other.dockerfile"), labels=env.labels, rm=True
    )
    env.defer(lambda: env.client.images.remove(image.id, force=True))
    return type(image).__name__, env.labels.items() <= image.labels.items()


@same("ImageCollection.load")
def load_generator(docker: ModuleType, env: Env) -> Any:
    repository = f"diff-loadg-{env.token}"
    data = b"".join(tagged(env, repository).save(named=f"{repository}:v1"))
    chunks = (data[start : start + 4096] for start in range(0, len(data), 4096))
    return [f"{repository}:v1" in image.tags for image in env.client.images.load(chunks)]


@same("ImageCollection.load", raises="ImageLoadError")
def load_text(docker: ModuleType, env: Env) -> Any:
    return env.client.images.load("this is not a tar archive")


@same("ImageCollection.load", raises="ImageLoadError")
def load_garbage(docker: ModuleType, env: Env) -> Any:
    return env.client.images.load(b"this is not a tar archive")


# -- registries ----------------------------------------------------------------------------


@same("ImageCollection.pull")
def pull_from_local_registry(docker: ModuleType, env: Env) -> Any:
    repository = pushed(env)
    env.client.images.remove(f"{repository}:v1")
    image = env.client.images.pull(repository, tag="v1")
    also = env.client.images.pull(f"{repository}:v1")
    every = env.client.images.pull(repository, all_tags=True)
    return (
        type(image).__name__,
        image.tags,
        also.id == image.id,
        [type(i).__name__ for i in every],
    )


@same("ImageCollection.pull", raises="NotFound")
def pull_unknown_repository(docker: ModuleType, env: Env) -> Any:
    return env.client.images.pull(f"{env.registry}/diff-none-{env.token}", tag="v1")


@same("ImageCollection.push")
def push_returns_text(docker: ModuleType, env: Env) -> Any:
    repository = f"{env.registry}/diff-{env.token}"
    tagged(env, repository)
    result = env.client.images.push(repository, tag="v1")
    return type(result).__name__, '"status"' in result


@same("ImageCollection.push")
def push_stream_decoded(docker: ModuleType, env: Env) -> Any:
    repository = f"{env.registry}/diff-{env.token}"
    tagged(env, repository)
    messages = list(env.client.images.push(repository, tag="v1", stream=True, decode=True))
    return all(isinstance(m, dict) for m in messages), any("aux" in m for m in messages)


@same("ImageCollection.search", raises="APIError")
def search_offline(docker: ModuleType, env: Env) -> Any:
    # The engine asks Docker Hub; offline, the daemon answers with an error.
    return env.client.images.search("busybox")


@same("ImageCollection.create", raises="NotImplementedError")
def create_is_not_implemented(docker: ModuleType, env: Env) -> Any:
    return env.client.images.create()


@same(
    "ImageCollection.get_registry_data",
    "RegistryData.id",
    "RegistryData.short_id",
    "RegistryData.attrs",
    "RegistryData.has_platform",
    "RegistryData.reload",
    "RegistryData.pull",
    "RegistryData.client",
    "RegistryData.collection",
)
def registry_data(docker: ModuleType, env: Env) -> Any:
    repository = pushed(env)
    data = env.client.images.get_registry_data(f"{repository}:v1")
    data.reload()
    pulled = data.pull()
    return (
        type(data).__name__,
        data.id.startswith("sha256:"),
        len(data.short_id),
        sorted(data.attrs),
        data.has_platform("linux/amd64"),
        data.has_platform("windows"),
        type(pulled).__name__,
        type(data.client).__name__,
        type(data.collection).__name__,
    )


@same("ImageCollection.get_registry_data", raises="NotFound")
def registry_data_missing(docker: ModuleType, env: Env) -> Any:
    return env.client.images.get_registry_data(f"{env.registry}/diff-none-{env.token}:v1")


@same("RegistryData.has_platform", raises="InvalidArgument")
def registry_data_bad_platform(docker: ModuleType, env: Env) -> Any:
    repository = pushed(env)
    data = env.client.images.get_registry_data(f"{repository}:v1")
    return data.has_platform("a/b/c/d")
