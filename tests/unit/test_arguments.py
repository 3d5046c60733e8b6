"""Every public call checks its arguments: only our exceptions come out, and bad input
raises InvalidArgument before anything reaches the daemon.

The surface is discovered (``_surface.public_callables``), never listed: a new public
method fails :func:`test_every_public_callable_checks_its_arguments` until it is
checked, and is then fuzzed here with arguments drawn from its own annotations plus
arbitrary junk. Calls go to a recorder daemon that refuses everything (``_recorder``),
which tells whether a rejected call sent any request. Two tests per callable: junk in
each parameter in turn must be rejected and named (deterministic), and a few random
draws (3 per callable, new each run; ``AIOCONTAINERS_FUZZ_EXAMPLES`` for a deeper run)
must raise only our exceptions.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import math
import os
import types as pytypes
import typing
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import anyio
import anyio.from_thread
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

import aiocontainers
from aiocontainers import DockerClient, DockerException, InvalidArgument, types, wait
from aiocontainers._checked import CheckedModel
from aiocontainers._client import managers
from aiocontainers._resources._base import Collection
from aiocontainers._resources._exec import ExecStream
from aiocontainers._resources._hijack import InteractiveStream
from aiocontainers._resources._streaming import DockerStream, PayloadDecoder
from aiocontainers._resources.registry import RegistryData
from aiocontainers._specs._service import SERVICE_OPTIONS
from aiocontainers._validation import _LATE_NAMES, is_validated
from aiocontainers.context import Context, ContextAPI
from aiocontainers.jobs import JobHandle, JobRunner, JobSpec

from ._recorder import Recorder, start_recorder
from ._surface import EXEMPT, SELF_CHECKING, public_callables, public_classes

CALLABLES = public_callables()
CHECKED = {name: fn for name, fn in CALLABLES.items() if name not in EXEMPT}
LABELS = {label: cls for cls, label in public_classes().items()}


def _takes_arguments(fn: Callable[..., Any]) -> bool:
    """Whether there is anything to draw: constructors always, methods beyond ``self``."""
    if isinstance(fn, type):
        return True
    parameters = list(inspect.signature(fn).parameters)
    return bool(parameters[1:] if parameters[:1] in (["self"], ["cls"]) else parameters)


FUZZED = sorted(name for name, fn in CHECKED.items() if _takes_arguments(fn))


def _checks_arguments(fn: Callable[..., Any]) -> bool:
    if isinstance(fn, type):
        return issubclass(fn, CheckedModel) or is_validated(fn.__init__)
    return is_validated(fn)


# -- the rule holds for the whole surface ---------------------------------------------------


def test_the_surface_is_found() -> None:
    for name in ("ContainerCollection.run", "Container.exec_run", "DockerClient.events"):
        assert name in CALLABLES
    for name in ("LogMessage", "Mount", "DockerClient", "aiocontainers.from_env"):
        assert name in CALLABLES
    assert "aiocontainers.wait.host_address" in CALLABLES
    assert len(CALLABLES) > 200


def test_every_public_callable_checks_its_arguments() -> None:
    unchecked = [
        name
        for name, fn in CHECKED.items()
        if not _checks_arguments(fn)
        and name not in SELF_CHECKING
        and name.rpartition(".")[2] not in SELF_CHECKING
    ]
    assert not unchecked, f"public callables that do not check their arguments: {unchecked}"


def test_an_unchecked_new_method_is_noticed(monkeypatch: pytest.MonkeyPatch) -> None:
    async def frobnicate(self: Any, amount: int) -> None:
        """Not decorated: the surface test must flag it."""

    monkeypatch.setattr(aiocontainers.Container, "frobnicate", frobnicate, raising=False)
    found = public_callables()
    assert "Container.frobnicate" in found
    assert not _checks_arguments(found["Container.frobnicate"])


# -- fuzzing each callable against a recorder daemon ------------------------------------------


@dataclasses.dataclass
class World:
    """The loop thread, the recorder daemon, a client on it and one instance of each class."""

    portal: anyio.from_thread.BlockingPortal
    recorder: Recorder
    client: DockerClient
    instances: dict[type, list[Any]]


class _EndedSource:
    """A stream source that is already at its end (for methods of a stream object)."""

    async def read_chunk(self) -> bytes:
        return b""

    def close(self) -> None:
        pass


async def _make_world(portal: anyio.from_thread.BlockingPortal, directory: Path) -> World:
    recorder = await start_recorder()
    client = DockerClient(
        base_url=recorder.url, version="1.41", environment={"DOCKER_CONFIG": str(directory)}
    )
    container = aiocontainers.Container(
        {"Id": "c0ffee", "Name": "/web", "Config": {"Tty": False, "Image": "busybox"}},
        client,
        client.containers,
    )
    image = aiocontainers.Image(
        {"Id": "sha256:" + "a" * 64, "RepoTags": ["app:1"]}, client, client.images
    )
    service_attrs = {
        "ID": "s1",
        "Version": {"Index": 1},
        "Spec": {"Name": "svc", "Mode": {"Replicated": {}}, "TaskTemplate": {"ContainerSpec": {}}},
    }

    stack = aiocontainers.Stack("demo", services={"web": {"image": "busybox"}})
    running = aiocontainers.RunningStack(client, stack, {"web": [container]})

    async def open_recorded() -> Any:
        response = await client.transport.open_stream("GET", "/recorded")
        return response, PayloadDecoder(tty=False)

    instances: dict[type, list[Any]] = {
        DockerClient: [client],
        aiocontainers.Container: [container],
        aiocontainers.Image: [image],
        aiocontainers.Network: [aiocontainers.Network({"Id": "n1"}, client, client.networks)],
        aiocontainers.Volume: [aiocontainers.Volume({"Name": "v1"}, client, client.volumes)],
        aiocontainers.Service: [aiocontainers.Service(service_attrs, client, client.services)],
        aiocontainers.Node: [
            aiocontainers.Node({"ID": "n", "Version": {"Index": 1}}, client, client.nodes)
        ],
        aiocontainers.Secret: [aiocontainers.Secret({"ID": "s"}, client, client.secrets)],
        aiocontainers.Config: [aiocontainers.Config({"ID": "c"}, client, client.configs)],
        aiocontainers.Swarm: [client.swarm],
        type(client.images.credentials): [client.images.credentials],
        aiocontainers.EventStream: [client.events()],
        DockerStream: [DockerStream(open_recorded, name="recorded")],
        InteractiveStream: [InteractiveStream(open_recorded, name="recorded")],
        ExecStream: [
            ExecStream(
                _EndedSource(), PayloadDecoder(tty=False), exec_id="e", transport=client.transport
            )
        ],
        aiocontainers.StatsStream: [container.stats()],
        wait.Strategy: [wait.for_exit(0)],
        aiocontainers.Stack: [stack],
        aiocontainers.RunningStack: [running],
        aiocontainers.StackLogs: [running.logs()],
        aiocontainers.StackEvents: [client.stacks.events("demo")],
        type(client.stacks): [client.stacks],
        type(client.api): [client.api],
    }
    for value in managers(client).values():
        if isinstance(value, Collection):
            instances[type(value)] = [value]
    for name in wait.__all__:
        cls = getattr(wait, name)
        if isinstance(cls, type) and issubclass(cls, wait.Strategy) and cls is not wait.Strategy:
            instances[cls] = [_SAMPLE_STRATEGIES[cls]]
    for name in types.__all__:
        cls = getattr(types, name)
        instances[cls] = [_SAMPLE_SPECS.get(cls) or cls()]
    service = instances[aiocontainers.Service][0]
    instances[aiocontainers.DeployedStack] = [
        aiocontainers.DeployedStack(client, stack, {"web": service})
    ]
    instances[aiocontainers.Plugin] = [
        aiocontainers.Plugin({"Id": "p1", "Name": "plug:latest"}, client, client.plugins)
    ]
    instances[RegistryData] = [
        RegistryData(
            "app:1",
            {"Descriptor": {"digest": "sha256:" + "b" * 64}, "Platforms": []},
            client,
            client.images,
        )
    ]
    instances[Context] = [Context("fuzz")]
    instances[ContextAPI] = [ContextAPI()]
    runner = JobRunner(client)
    spec = JobSpec("busybox", ["true"])
    instances[JobRunner] = [runner]
    instances[JobSpec] = [spec]
    instances[JobHandle] = [JobHandle("job-1", spec, runner)]
    return World(portal, recorder, client, instances)


_SAMPLE_STRATEGIES: dict[type, Any] = {
    wait.LogMessage: wait.for_log("ready", timeout=1),
    wait.PortOpen: wait.for_port(80, timeout=1),
    wait.HttpResponds: wait.for_http(port=80, timeout=1),
    wait.CommandSucceeds: wait.for_command(["true"], timeout=1),
    wait.Healthy: wait.for_healthy(timeout=1),
    wait.Exited: wait.for_exit(0, timeout=1),
    wait.AllOf: wait.all_of(wait.for_exit(0, timeout=1)),
    wait.AnyOf: wait.any_of(wait.for_exit(0, timeout=1)),
}
_SAMPLE_SPECS: dict[type, Any] = {
    types.ContainerSpec: types.ContainerSpec(image="busybox", environment={"K": "v"}),
    types.DriverConfig: types.DriverConfig("local"),
    types.Mount: types.Mount("/data", "vol"),
    types.ConfigReference: types.ConfigReference("id", "name"),
    types.SecretReference: types.SecretReference("id", "name"),
    types.NetworkAttachmentConfig: types.NetworkAttachmentConfig("net"),
    types.PlacementPreference: types.PlacementPreference("spread", "node.labels.zone"),
    types.ServiceContainerSpec: types.ServiceContainerSpec("busybox"),
    types.TaskTemplate: types.TaskTemplate(types.ServiceContainerSpec("busybox")),
    types.SwarmExternalCA: types.SwarmExternalCA(url="https://ca.example"),
    types.ServiceMode: types.ServiceMode("replicated", 1),
    types.Ulimit: types.Ulimit(name="nofile", soft=1, hard=2),
    types.Healthcheck: types.Healthcheck(test=["CMD", "true"]),
    types.LogConfig: types.LogConfig(type="json-file"),
    types.IPAMPool: types.IPAMPool(subnet="10.9.0.0/16"),
    types.DeviceRequest: types.DeviceRequest(count=1),
    types.RestartPolicy: types.RestartPolicy("always"),
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    directory = tmp_path_factory.mktemp("recorder")
    with anyio.from_thread.start_blocking_portal() as portal:
        made = portal.call(_make_world, portal, directory)
        try:
            yield made
        finally:
            portal.call(made.client.close)
            portal.call(made.recorder.aclose)


# Arbitrary values of every kind: what a caller might pass by mistake.
_JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.text(max_size=12),
    st.binary(max_size=12),
    st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=5)), max_size=3),
    st.dictionaries(
        st.text(max_size=5), st.one_of(st.none(), st.integers(), st.text(max_size=5)), max_size=3
    ),
    st.just(object()),
    st.timedeltas(),
)
# Local paths stay inside the test's own working directory and never exist there.
_LOCAL_PATH = st.from_regex(r"\Anot-there-[a-z]{1,6}\Z")
_PATH_PARAMETERS = {"src", "dest", "path", "source", "working_dir", "env_file", "config_files"}


def _resolved_hints(fn: Callable[..., Any]) -> dict[str, Any]:
    target = fn.__init__ if isinstance(fn, type) else fn  # type: ignore[misc]
    raw = inspect.unwrap(target)
    late = {
        name: getattr(__import__(module, fromlist=[name]), name)
        for name, module in _LATE_NAMES.items()
    }
    annotations = {k: v for k, v in raw.__annotations__.items() if k != "return"}
    holder = pytypes.SimpleNamespace(__annotations__=annotations)
    return typing.get_type_hints(
        holder, globalns=raw.__globals__, localns={**late, **raw.__globals__}
    )


def _typed(hint: Any, world: World) -> st.SearchStrategy[Any]:
    """Values of the annotated type (often valid), to reach past the first checks."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Annotated:
        return _typed(args[0], world)
    if origin in (typing.Union, pytypes.UnionType):
        return st.one_of(*[_typed(arg, world) for arg in args])
    if origin is typing.Literal:
        return st.sampled_from(args)
    simple: dict[Any, st.SearchStrategy[Any]] = {
        type(None): st.none(),
        str: st.text(max_size=12),
        int: st.integers(min_value=-5, max_value=70000),
        float: st.floats(min_value=-1, max_value=1e6),
        bool: st.booleans(),
        bytes: st.binary(max_size=16),
        datetime: st.datetimes(),
        timedelta: st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=1)),
        Any: _JUNK,
    }
    if hint in simple:
        return simple[hint]
    if origin in (Mapping, dict) or hint in (Mapping, dict):
        key, value = args or (str, Any)
        return st.dictionaries(_typed(key, world), _typed(value, world), max_size=3)
    if origin in (Sequence, list, tuple) or origin in (set, frozenset, AbstractSet):
        item = args[0] if args else Any
        return st.lists(_typed(item, world), max_size=3)
    instances = [
        value
        for cls, values in world.instances.items()
        for value in values
        if isinstance(hint, type) and _subclass(cls, hint)
    ]
    return st.sampled_from(instances) if instances else _JUNK


def _subclass(cls: type, hint: type) -> bool:
    try:
        return issubclass(cls, hint)
    except TypeError:  # a Protocol with attributes: no class is one by inheriting
        return False


def _argument(name: str, hint: Any, world: World) -> st.SearchStrategy[Any]:
    if name in _PATH_PARAMETERS:
        return st.one_of(_LOCAL_PATH, _JUNK)
    return st.one_of(_typed(hint, world), _JUNK)


def _options(fn_name: str) -> list[str]:
    """The names ``**kwargs`` takes, for callables that pass them on to a spec."""
    if fn_name in ("ContainerCollection.run", "ContainerCollection.create"):
        return sorted(types.ContainerSpec.model_fields)
    if fn_name in ("ServiceCollection.create", "Service.update"):
        return sorted(SERVICE_OPTIONS)
    if fn_name in ("Swarm.init", "Swarm.update"):
        return sorted(types.SwarmSpec.model_fields)
    if fn_name == "aiocontainers.from_env":
        return ["base_url", "tls", "user_agent", "connect_timeout"]
    return []


@st.composite
def _call(
    draw: st.DrawFn, fn_name: str, world: World
) -> tuple[Callable[..., Any], list[Any], dict[str, Any]]:
    """A receiver-bound callable and arguments drawn for it."""
    fn = CHECKED[fn_name]
    owner, _, method = fn_name.rpartition(".")
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    if isinstance(fn, type) and issubclass(fn, BaseModel):
        fields = sorted(fn.model_fields)
        keys = (
            st.one_of(st.sampled_from(fields), st.text(max_size=6))
            if fields
            else st.text(max_size=6)
        )
        kwargs = draw(st.dictionaries(keys, _JUNK, max_size=4))
        for name in (
            draw(st.lists(st.sampled_from(fields), max_size=3, unique=True)) if fields else []
        ):
            kwargs[name] = draw(_typed(fn.model_fields[name].annotation, world))
        return fn, args, kwargs
    hints = _resolved_hints(fn)
    parameters = list(inspect.signature(fn).parameters.values())
    target: Callable[..., Any] = fn
    if not isinstance(fn, type) and parameters and parameters[0].name in ("self", "cls"):
        receiver = world.instances[LABELS[owner]][0]
        target = getattr(receiver, method)
        parameters = parameters[1:]
    for parameter in parameters:
        hint = hints.get(parameter.name, Any)
        if parameter.kind is parameter.VAR_KEYWORD:
            names = _options(fn_name)
            keys = (
                st.one_of(st.sampled_from(names), st.text(max_size=6))
                if names
                else st.text(max_size=6)
            )
            kwargs.update(draw(st.dictionaries(keys, _JUNK, max_size=3)))
            continue
        if parameter.kind is parameter.VAR_POSITIONAL:
            args.extend(draw(st.lists(_argument(parameter.name, hint, world), max_size=2)))
            continue
        if parameter.default is not parameter.empty and draw(st.booleans()):
            continue  # left at its default
        kwargs[parameter.name] = draw(_argument(parameter.name, hint, world))
    return target, args, kwargs


async def _close(result: Any) -> None:
    for name in ("aclose", "close"):
        closer = getattr(result, name, None)
        if closer is not None:
            outcome = closer()
            if inspect.isawaitable(outcome):
                await outcome
            return


async def _invoke(
    world: World, target: Callable[..., Any], args: list[Any], kwargs: dict[str, Any]
) -> tuple[str, int]:
    """Call ``target``; return the outcome (``ok``, ``invalid``, ``error``) and requests sent."""
    before = len(world.recorder.requests)
    try:
        with anyio.fail_after(20):
            result = target(*args, **kwargs)
            if inspect.isawaitable(result):
                result = await result
            results = result if isinstance(result, tuple) else (result,)
            for item in results:
                if isinstance(item, AsyncIterator):
                    try:
                        with anyio.move_on_after(0.1):  # a followed stream may idle: fine
                            await item.__anext__()
                    except StopAsyncIteration:
                        pass
                    finally:
                        await _close(item)
                elif isinstance(item, DockerClient):
                    await item.close()
    except InvalidArgument:
        return "invalid", len(world.recorder.requests) - before
    except DockerException:
        return "error", len(world.recorder.requests) - before
    return "ok", len(world.recorder.requests) - before


class _Junk:
    """A value no annotation accepts (unlike ``None``, numbers or strings, often valid)."""

    def __repr__(self) -> str:
        return "<junk>"


def _accepts_anything(hint: Any) -> bool:
    if hint is Any or hint is object:
        return True
    origin = typing.get_origin(hint)
    if origin is typing.Annotated:
        return _accepts_anything(typing.get_args(hint)[0])
    if origin in (typing.Union, pytypes.UnionType):
        return any(_accepts_anything(arg) for arg in typing.get_args(hint))
    return False


def _bad_calls(fn_name: str, world: World) -> Iterator[tuple[str | None, Callable[[], Any]]]:
    """One call per parameter with junk in it (the others left out), and the name it
    must be reported under (``None`` when only the exception is checked)."""
    fn = CHECKED[fn_name]
    owner, _, method = fn_name.rpartition(".")
    if isinstance(fn, type) and issubclass(fn, BaseModel):
        for field, info in sorted(fn.model_fields.items()):
            if not _accepts_anything(info.annotation):
                yield None, functools.partial(fn, **{info.alias or field: _Junk()})
        yield None, functools.partial(fn, no_such_option=_Junk())
        return
    hints = _resolved_hints(fn)
    parameters = list(inspect.signature(fn).parameters.values())
    target: Callable[..., Any] = fn
    if not isinstance(fn, type) and parameters and parameters[0].name in ("self", "cls"):
        target = getattr(world.instances[LABELS[owner]][0], method)
        parameters = parameters[1:]
    named = None if _self_checking(fn_name) else ""
    required = [
        p
        for p in parameters
        if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    for parameter in parameters:
        if named is None and set(required) - {parameter}:
            continue  # checks its arguments itself: fuzzed, with the required ones present
        if parameter.kind is parameter.VAR_KEYWORD:
            yield None, functools.partial(target, no_such_option=_Junk())
        elif _accepts_anything(hints.get(parameter.name, Any)):
            continue
        elif parameter.kind is parameter.VAR_POSITIONAL:
            yield named if named is None else parameter.name, functools.partial(target, _Junk())
        elif parameter.kind is parameter.POSITIONAL_ONLY:
            continue
        else:
            bad = {parameter.name: _Junk()}
            yield named if named is None else parameter.name, functools.partial(target, **bad)


def _self_checking(fn_name: str) -> bool:
    return fn_name in SELF_CHECKING or fn_name.rpartition(".")[2] in SELF_CHECKING


@pytest.mark.parametrize("fn_name", FUZZED)
def test_junk_in_each_parameter_is_rejected_before_the_daemon(fn_name: str, world: World) -> None:
    """Deterministic: every parameter is checked, and reported by its name (what checks
    its arguments itself need only raise one of our exceptions)."""
    expected = DockerException if _self_checking(fn_name) else InvalidArgument
    for name, call in _bad_calls(fn_name, world):
        error = _rejected(world, call, expected)
        if name is not None:
            assert name in [error["loc"][0] for error in error.errors if error["loc"]], (
                f"{fn_name}: junk in {name} not reported: {error.errors}"
            )


@pytest.fixture(scope="module")
def fuzz_directories(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Local paths and CLI contexts the fuzzed calls touch stay in temporary directories."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path_factory.mktemp("cwd"))
        patch.setenv("DOCKER_CONFIG", str(tmp_path_factory.mktemp("docker-config")))
        yield


@pytest.mark.usefixtures("fuzz_directories")
@pytest.mark.parametrize("fn_name", FUZZED)
def test_only_our_exceptions_and_nothing_sent_for_bad_input(fn_name: str, world: World) -> None:
    """Random: arguments drawn from the annotations plus junk, a few per run."""

    @settings(
        max_examples=int(os.environ.get("AIOCONTAINERS_FUZZ_EXAMPLES", "3")),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        database=None,
    )
    @given(st.data())
    def check(data: st.DataObject) -> None:
        target, args, kwargs = data.draw(_call(fn_name, world))
        outcome, sent = world.portal.call(_invoke, world, target, args, kwargs)
        if outcome == "invalid":
            assert sent == 0, f"{fn_name} sent {sent} request(s) before rejecting its input"

    check()


def _rejected(
    world: World, call: Callable[[], Any], expected: type[DockerException] = InvalidArgument
) -> Any:
    """The error (InvalidArgument) ``call`` raises in the loop thread, with no request sent."""

    async def attempt() -> Any:
        before = len(world.recorder.requests)
        try:
            result = call()
            if inspect.isawaitable(result):
                result = await result
        except expected as exc:
            assert len(world.recorder.requests) == before, f"{call} sent a request"
            return exc
        await _close(result)
        raise AssertionError(f"no {expected.__name__} from {call}")

    return world.portal.call(attempt)


def test_the_reported_bad_inputs_are_rejected_before_the_daemon(world: World) -> None:
    client: Any = world.client  # the calls below are wrong on purpose
    container: Any = world.instances[aiocontainers.Container][0]
    for call, where in [
        (lambda: container.exec_run(None), "cmd"),
        (lambda: container.exec_run("echo 'unterminated"), "cmd: cannot split"),
        (lambda: client.containers.list(filters="label=x"), "filters"),
        (lambda: container.logs(since=math.inf), "since"),
        (lambda: container.logs(stream=True, until=-1), "until"),
        (lambda: client.events(filters=5), "filters"),
        (lambda: client.images.pull(None), "repository"),
        (lambda: client.containers.get(""), "container_id"),
        (lambda: client.containers.run("busybox", detach=True, wait_for="x"), "wait_for"),
        (lambda: client.containers.run("busybox", environment=["=x"]), "environment[0]"),
        (lambda: container.wait(condition="sometime"), "condition"),
        (lambda: client.images.push("app", auth_config={"password": 5}), "auth_config"),
    ]:
        assert where in str(_rejected(world, call)), where


def test_numbers_but_never_text_are_repeated_in_messages(world: World) -> None:
    container = world.instances[aiocontainers.Container][0]
    with pytest.raises(InvalidArgument) as info:
        world.portal.call(container.resize, -3, "s3cr3t")
    assert "-3" in str(info.value) and "s3cr3t" not in str(info.value)
    assert [error["loc"] for error in info.value.errors] == [("height",), ("width",)]


def test_the_sync_shim_raises_the_same_errors(world: World) -> None:
    from aiocontainers import sync

    with sync.DockerClient(base_url=world.recorder.url, version="1.41") as client:
        before = len(world.recorder.requests)
        with pytest.raises(InvalidArgument, match="container_id"):
            client.containers.get("")
        with pytest.raises(InvalidArgument, match="filters"):
            list(client.events(filters=5))  # type: ignore[call-overload]  # wrong on purpose
        assert len(world.recorder.requests) == before
        with pytest.raises(DockerException):
            client.containers.get("abc")  # valid: it reaches the daemon, which refuses it
        assert len(world.recorder.requests) == before + 1


def test_docker_py_argument_forms_are_accepted(world: World) -> None:
    """What docker-py accepts passes the checks and reaches the daemon (which refuses it)."""
    network = world.instances[aiocontainers.Network][0]
    for call in [
        lambda: network.connect("web", links=[("db", "peer"), "cache:c"]),
        lambda: network.connect("web", links={"db": "peer"}),
    ]:
        before = len(world.recorder.requests)
        with pytest.raises(DockerException) as info:
            world.portal.call(call)
        assert not isinstance(info.value, InvalidArgument)
        assert len(world.recorder.requests) > before
