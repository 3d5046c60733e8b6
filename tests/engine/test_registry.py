"""Push and pull through real registries: progress events, credentials, errors."""

from __future__ import annotations

import base64
import ctypes
import json
import os
import secrets
import shutil
import socket
import urllib.error
import urllib.request
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import anyio
import pytest

import aiocontainers
from aiocontainers import DockerClient, ImageNotFound, ProgressEvent
from aiocontainers.errors import ImageLoadError

from .conftest import REGISTRY, TEST_IMAGE

USER, PASSWORD = "tester", "s3cret-" + secrets.token_hex(4)


@pytest.fixture
async def cleanup(client: DockerClient) -> AsyncIterator[list[str]]:
    names: list[str] = []
    yield names
    for name in reversed(names):
        try:
            await client.images.remove(name, force=True)
        except aiocontainers.NotFound:
            pass


def repo(registry: str) -> str:
    return f"{registry}/aiocontainers-test/reg-{uuid.uuid4().hex[:10]}"


def check_progress(events: list[ProgressEvent]) -> None:
    """Fractions never go back and the last event reports completion."""
    fractions = [e.aggregate.fraction for e in events if e.aggregate.fraction is not None]
    assert fractions == sorted(fractions)
    final = events[-1].aggregate
    assert final.complete and final.fraction == 1.0
    assert all(layer.done for layer in final.layers.values())


async def test_push_and_pull_back_with_progress(client: DockerClient, cleanup: list[str]) -> None:
    name = repo(REGISTRY)
    cleanup.append(f"{name}:v1")
    await client.images.tag(TEST_IMAGE, name, "v1")

    pushed = [event async for event in client.images.push_progress(name, "v1")]
    check_progress(pushed)
    assert pushed[-1].raw["aux"]["Tag"] == "v1"
    assert pushed[-1].aggregate.layers  # the busybox layer was reported

    await client.images.remove(f"{name}:v1")
    pulled = [event async for event in client.images.pull_progress(f"{name}:v1")]
    check_progress(pulled)
    assert pulled[-1].status.startswith("Status: ")
    image = await client.images.get(f"{name}:v1")
    assert image.id == (await client.images.get(TEST_IMAGE)).id

    # Pulling what is already there still completes.
    again = [event async for event in client.images.pull_progress(name, tag="v1")]
    assert again[-1].aggregate.complete


async def test_pull_returns_the_image_and_takes_the_tag_from_the_name(
    client: DockerClient, cleanup: list[str]
) -> None:
    name = repo(REGISTRY)
    cleanup.append(f"{name}:latest")
    await client.images.tag(TEST_IMAGE, name)  # tag defaults to latest
    await client.images.push(name, "latest")
    await client.images.remove(f"{name}:latest")
    image = await client.images.pull(name)
    assert f"{name}:latest" in image.tags
    everything = await client.images.pull(name, all_tags=True)
    assert [i.id for i in everything] == [image.id]


async def test_pull_of_a_missing_image_raises_naming_it(client: DockerClient) -> None:
    name = repo(REGISTRY)
    with pytest.raises(ImageNotFound) as caught:
        await client.images.pull(name, "nope")
    assert f"POST /images/create ({name}:nope):" in str(caught.value)
    assert caught.value.path == "/images/create"


# -- a registry that needs a password -----------------------------------------


def bcrypt_hash(password: str) -> str:
    """A bcrypt hash from the system's libcrypt (what htpasswd -B writes)."""
    lib = ctypes.CDLL("libcrypt.so.1")
    lib.crypt_gensalt.restype = ctypes.c_char_p
    lib.crypt_gensalt.argtypes = [ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p, ctypes.c_int]
    lib.crypt.restype = ctypes.c_char_p
    lib.crypt.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    salt = lib.crypt_gensalt(b"$2b$", 5, None, 0)
    hashed: bytes = lib.crypt(password.encode(), salt)
    return hashed.decode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def registry_status(address: str) -> int | None:
    try:
        with urllib.request.urlopen(f"http://{address}/v2/", timeout=1) as response:
            status: int = response.status
            return status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


@pytest.fixture
async def auth_registry(tmp_path: Path) -> AsyncIterator[str]:
    """Our own ``docker-registry serve`` on a free 127.0.0.1 port, with htpasswd auth."""
    program = shutil.which("docker-registry")
    assert program, "docker-registry is missing (apt-get install docker-registry)"
    (tmp_path / "htpasswd").write_text(f"{USER}:{bcrypt_hash(PASSWORD)}\n")
    address = f"127.0.0.1:{free_port()}"
    config = tmp_path / "registry.yml"
    config.write_text(
        "version: 0.1\n"
        "log: {level: error}\n"
        f"storage: {{filesystem: {{rootdirectory: {tmp_path / 'data'}}}}}\n"
        f"http: {{addr: {address}}}\n"
        f"auth: {{htpasswd: {{realm: test, path: {tmp_path / 'htpasswd'}}}}}\n"
    )
    process = await anyio.open_process(
        [program, "serve", str(config)], stdout=None, stderr=None, start_new_session=True
    )
    try:
        with anyio.fail_after(15):
            while await anyio.to_thread.run_sync(registry_status, address) != 401:
                assert process.returncode is None, "docker-registry exited"
                await anyio.sleep(0.1)
        yield address
    finally:
        process.terminate()
        with anyio.CancelScope(shield=True), anyio.move_on_after(10):
            await process.wait()
        if process.returncode is None:
            process.kill()
        await process.aclose()


def docker_config(directory: Path, registry: str, password: str) -> dict[str, str]:
    """An environment whose DOCKER_CONFIG holds base64 ``auths`` credentials for ``registry``."""
    directory.mkdir()
    auth = base64.b64encode(f"{USER}:{password}".encode()).decode()
    (directory / "config.json").write_text(json.dumps({"auths": {registry: {"auth": auth}}}))
    return {**os.environ, "DOCKER_CONFIG": str(directory)}


@pytest.fixture
def isolated_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """An environment with an empty DOCKER_CONFIG, so no real credentials leak in."""
    empty = tmp_path / "empty-config"
    empty.mkdir()
    yield {**os.environ, "DOCKER_CONFIG": str(empty)}


async def test_registry_with_password_uses_the_config_file(
    auth_registry: str, tmp_path: Path, isolated_env: dict[str, str], cleanup: list[str]
) -> None:
    name = repo(auth_registry)
    cleanup.append(f"{name}:v1")
    async with aiocontainers.from_env(environment=isolated_env) as anonymous:
        await anonymous.images.tag(TEST_IMAGE, name, "v1")
        with pytest.raises(ImageLoadError, match=r"no basic auth credentials|unauthorized"):
            await anonymous.images.push(name, "v1")

    env = docker_config(tmp_path / "good", auth_registry, PASSWORD)
    async with aiocontainers.from_env(environment=env) as client:
        events = [event async for event in client.images.push_progress(name, "v1")]
        check_progress(events)
        await client.images.remove(f"{name}:v1")
        image = await client.images.pull(name, "v1")
        assert f"{name}:v1" in image.tags

    wrong = docker_config(tmp_path / "wrong", auth_registry, "not-the-password")
    async with aiocontainers.from_env(environment=wrong) as client:
        with pytest.raises(aiocontainers.DockerException, match=r"unauthorized|authentication"):
            await client.images.pull(name, "v1")


async def test_explicit_auth_config_and_login(
    auth_registry: str, isolated_env: dict[str, str], cleanup: list[str]
) -> None:
    name = repo(auth_registry)
    cleanup.append(f"{name}:v1")
    async with aiocontainers.from_env(environment=isolated_env) as client:
        await client.images.tag(TEST_IMAGE, name, "v1")
        auth = {"username": USER, "password": PASSWORD}
        await client.images.push(name, "v1", auth_config=auth)
        await client.images.remove(f"{name}:v1")

        with pytest.raises(aiocontainers.APIError):
            await client.login(USER, "wrong-password", registry=auth_registry)
        result = await client.login(USER, PASSWORD, registry=auth_registry)
        assert result["Status"] == "Login Succeeded"
        image = await client.images.pull(f"{name}:v1")  # remembered from login
        assert f"{name}:v1" in image.tags
