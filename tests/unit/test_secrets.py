"""No secret in any error text, repr, str, dump or log event.

Secrets are environment values and registry credentials (passwords, identity tokens,
auth configs), plus swarm join tokens, unlock keys and secret data. Each test plants a
marker secret and looks for it everywhere the library could print it.
"""

from __future__ import annotations

import base64
import json
import stat
import traceback
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from structlog.testing import capture_logs

import aiocontainers
from aiocontainers import DockerException, InvalidArgument, types
from aiocontainers._auth import Credentials

from ._recorder import Recorder, start_recorder

pytestmark = pytest.mark.anyio

SECRET = "s3cr3t-Value-42"


def printed(exc: BaseException) -> str:
    """Everything an application could log about ``exc``: text, repr, details, traceback."""
    parts = [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    parts.append(repr(getattr(exc, "errors", "")))
    return "\n".join(parts)


@pytest.fixture
async def recorder() -> AsyncIterator[Recorder]:
    served = await start_recorder()
    yield served
    await served.aclose()


@pytest.fixture
def events() -> Iterator[list[Any]]:
    with capture_logs() as captured:
        yield captured


# -- environment values -----------------------------------------------------------------------


def test_a_spec_shows_environment_names_but_never_values() -> None:
    spec = types.ContainerSpec(image="busybox", environment={"TOKEN": SECRET, "FLAG": None})
    assert spec.environment == [f"TOKEN={SECRET}", "FLAG"]  # the attribute keeps them
    assert spec.to_create_body("1.41")["Env"] == [f"TOKEN={SECRET}", "FLAG"]
    for text in (repr(spec), str(spec), spec.model_dump_json(), repr(spec.model_dump())):
        assert SECRET not in text
        assert "TOKEN=" in text and "FLAG" in text


def test_a_service_spec_hides_environment_values_however_deep() -> None:
    container = types.ServiceContainerSpec("busybox", env={"PASSWORD": SECRET})
    template = types.TaskTemplate(container)
    for text in (repr(template), template.model_dump_json(), repr(template.model_dump())):
        assert SECRET not in text and "PASSWORD=" in text
    assert template.to_wire("1.41")["ContainerSpec"]["Env"] == [f"PASSWORD={SECRET}"]


@pytest.mark.parametrize(
    "environment",
    [
        {"A": SECRET, "B": [SECRET]},
        [f"A={SECRET}", f"={SECRET}"],
        [f"A={SECRET}", 5],
        f"A={SECRET}",
        {"A": SECRET, "": SECRET},
    ],
)
def test_a_bad_environment_entry_does_not_print_the_others(environment: Any) -> None:
    with pytest.raises(InvalidArgument) as info:
        types.ContainerSpec(image="busybox", environment=environment)
    assert SECRET not in printed(info.value)
    assert "environment" in str(info.value)
    assert info.value.__context__ is None and info.value.__cause__ is None


async def test_exec_environment_errors_do_not_print_values(recorder: Recorder) -> None:
    async with aiocontainers.DockerClient(base_url=recorder.url, version="1.41") as client:
        container = aiocontainers.Container({"Id": "c"}, client, client.containers)
        with pytest.raises(InvalidArgument) as info:
            await container.exec_run("true", environment={"A": SECRET, "B": 5})  # type: ignore[dict-item]
    assert SECRET not in printed(info.value)
    assert recorder.requests == []


# -- registry credentials ------------------------------------------------------------------------


async def test_pull_and_push_never_print_or_log_credentials(
    recorder: Recorder, tmp_path: Path, events: list[Any]
) -> None:
    auth = {"username": "me", "password": SECRET, "identitytoken": SECRET}
    async with aiocontainers.DockerClient(
        base_url=recorder.url, version="1.41", environment={"DOCKER_CONFIG": str(tmp_path)}
    ) as client:
        for call in (
            client.images.pull("127.0.0.1:5000/app", auth_config=auth),
            client.images.push("127.0.0.1:5000/app", auth_config=auth),
        ):
            with pytest.raises(DockerException) as info:
                await call
            assert SECRET not in printed(info.value)
        with pytest.raises(InvalidArgument) as bad:
            await client.images.push("app", auth_config={"password": SECRET, "port": 5})  # type: ignore[dict-item]
        assert SECRET not in printed(bad.value)
    assert len(recorder.requests) == 2
    assert events and SECRET not in repr(events)


async def test_login_never_prints_or_logs_the_password(
    recorder: Recorder, tmp_path: Path, events: list[Any]
) -> None:
    async with aiocontainers.DockerClient(
        base_url=recorder.url, version="1.41", environment={"DOCKER_CONFIG": str(tmp_path)}
    ) as client:
        with pytest.raises(DockerException) as info:
            await client.login("me", SECRET, registry="127.0.0.1:5000")
        assert SECRET not in printed(info.value)
        with pytest.raises(InvalidArgument) as bad:
            await client.login("me", [SECRET])  # type: ignore[arg-type]
        assert SECRET not in printed(bad.value)
        credentials = client.images.credentials
        credentials.remember("127.0.0.1:5000", {"username": "me", "password": SECRET})
        assert SECRET not in repr(credentials) and SECRET not in repr(client)
    assert SECRET not in repr(events)


async def test_a_broken_config_entry_does_not_print_its_credentials(tmp_path: Path) -> None:
    encoded = base64.b64encode(SECRET.encode()).decode()  # no "user:" part: invalid
    (tmp_path / "config.json").write_text(json.dumps({"auths": {"r.example": {"auth": encoded}}}))
    with pytest.raises(DockerException) as info:
        await Credentials({"DOCKER_CONFIG": str(tmp_path)}).for_registry("r.example")
    assert SECRET not in printed(info.value) and encoded not in printed(info.value)


@pytest.mark.parametrize(
    "script",
    [f"echo 'user {SECRET}' >&2; echo {SECRET}; exit 4", f'echo \'{{"Secret": "{SECRET}"\''],
    ids=["failing", "garbled"],
)
async def test_a_credential_helper_never_has_its_output_printed(
    tmp_path: Path, script: str
) -> None:
    helper = tmp_path / "docker-credential-leaky"
    helper.write_text(f"#!/bin/sh\nread server\n{script}\n")
    helper.chmod(helper.stat().st_mode | stat.S_IEXEC)
    (tmp_path / "config.json").write_text(json.dumps({"credsStore": "leaky"}))
    env = {"DOCKER_CONFIG": str(tmp_path), "PATH": f"{tmp_path}:/usr/bin:/bin"}
    with pytest.raises(DockerException) as info:
        await Credentials(env).for_registry("r.example")
    assert "docker-credential-leaky" in str(info.value)
    assert SECRET not in printed(info.value)


# -- swarm tokens, keys and secret data ----------------------------------------------------------


async def test_swarm_tokens_keys_and_secret_data_are_never_printed(
    recorder: Recorder, events: list[Any]
) -> None:
    async with aiocontainers.DockerClient(base_url=recorder.url, version="1.41") as client:
        calls = [
            client.swarm.join(["10.0.0.1:2377"], SECRET),
            client.swarm.join(SECRET, SECRET),  # a string is not a list of addresses
            client.swarm.unlock(SECRET),
            client.swarm.unlock({"UnlockKey": [SECRET]}),  # type: ignore[dict-item]
            client.secrets.create("s", SECRET),
            client.secrets.create("s", data=[SECRET]),  # type: ignore[arg-type]
        ]
        for call in calls:
            with pytest.raises(DockerException) as info:
                await call
            assert SECRET not in printed(info.value)
    assert SECRET not in repr(events)
