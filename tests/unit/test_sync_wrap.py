"""The sync shim's generated proxies and iterators, checked without an engine."""

from __future__ import annotations

import asyncio
import gc
import inspect
import threading
import time
from collections.abc import AsyncGenerator, Iterator
from typing import Any, ClassVar, NamedTuple

import anyio
import pytest

import aiocontainers
from aiocontainers import sync
from aiocontainers._api import APIClient as AsyncAPIClient
from aiocontainers._client import managers
from aiocontainers._resources._base import Collection, Model
from aiocontainers._resources._exec import ExecResult, ExecStream
from aiocontainers._resources._hijack import InteractiveStream
from aiocontainers._resources._stats import StatsStream
from aiocontainers._resources._streaming import DockerStream
from aiocontainers.sync._classes import async_classes
from aiocontainers.sync._portal import Portal
from aiocontainers.sync._wrap import (
    Proxy,
    StreamProxy,
    fetched_properties,
    proxy_class,
    public_methods,
    public_properties,
    wrap,
)

ASYNC_CLASSES = async_classes()


def test_the_class_list_reaches_every_kind() -> None:
    found = set(ASYNC_CLASSES)
    assert {aiocontainers.DockerClient, aiocontainers.EventStream} <= found
    assert {DockerStream, ExecStream, StatsStream, InteractiveStream} <= found
    client = aiocontainers.DockerClient(base_url="unix:///nonexistent.sock")
    made = managers(client).values()
    assert {type(v) for v in made if isinstance(v, (Model, Collection))} <= found


@pytest.mark.parametrize("cls", ASYNC_CLASSES, ids=[c.__name__ for c in ASYNC_CLASSES])
def test_every_public_method_has_a_sync_twin(cls: type) -> None:
    proxy = proxy_class(cls)
    fetched = fetched_properties(cls)  # docker-py's properties that call the daemon
    missing = [
        name
        for name in public_methods(cls)
        if name not in fetched and not callable(getattr(proxy, name, None))
    ]
    missing += [name for name in fetched if not isinstance(getattr(proxy, name), property)]
    missing += [
        name for name in public_properties(cls) if not isinstance(getattr(proxy, name), property)
    ]
    assert not missing, f"sync {cls.__name__} lacks {missing}"
    assert proxy.__name__ == cls.__name__
    # the sync clients (and docker.APIClient) document their own lifecycle
    if cls not in (aiocontainers.DockerClient, AsyncAPIClient):
        assert proxy.__doc__ == cls.__doc__


def test_the_collections_are_all_found() -> None:
    names = {cls.__name__ for cls in ASYNC_CLASSES}
    assert {"ContainerCollection", "ImageCollection", "NetworkCollection"} <= names
    assert {"VolumeCollection", "ExecStream", "EventStream"} <= names


def test_a_new_async_method_appears_in_the_sync_class() -> None:
    class Widget(Model):
        """A widget."""

        async def frobnicate(self, amount: int, *, twice: bool = False) -> int:
            """Frobnicate it."""
            return amount * (2 if twice else 1)

    proxy: Any = proxy_class(Widget)
    assert proxy.frobnicate.__doc__ == "Frobnicate it."
    assert list(inspect.signature(proxy.frobnicate).parameters) == ["self", "amount", "twice"]
    assert proxy_class(Widget) is proxy  # generated once
    portal = Portal()
    try:
        widget: Any = wrap(Widget({"Id": "abc123"}), portal)
        assert [type(widget)] == [proxy]  # (no narrowing: widget stays Any)
        assert type(widget).__name__ == "Widget"
        assert widget.frobnicate(21, twice=True) == 42
        assert widget.id == "abc123" and widget.attrs == {"Id": "abc123"}
        assert widget == wrap(Widget({"Id": "abc123"}), portal)
        assert hash(widget) == hash(Widget({"Id": "abc123"}))
        assert repr(widget) == "<Widget: abc123>"
        assert "frobnicate" in dir(widget)
    finally:
        portal.close()


def test_the_package_wraps_the_async_classes() -> None:
    assert sync.Container is proxy_class(aiocontainers.Container)
    # docker.errors style
    from aiocontainers.sync.errors import NotFound
    from aiocontainers.sync.types import Mount

    assert NotFound is aiocontainers.NotFound
    assert Mount("/data", "vol") == {
        "Target": "/data",
        "Source": "vol",
        "Type": "volume",
        "ReadOnly": False,
    }


class Pair(NamedTuple):
    left: Any
    right: Any


def test_plain_data_passes_and_containers_of_models_are_wrapped() -> None:
    portal = Portal()
    try:
        data = {"a": [1, 2]}
        assert wrap(data, portal) is data
        result = ExecResult(0, b"out")
        assert wrap(result, portal) is result
        model = aiocontainers.Container({"Id": "x"})
        wrapped = wrap([model, 1], portal)
        assert isinstance(wrapped[0], sync.Container) and wrapped[1] == 1
        pair = wrap(Pair(model, b""), portal)
        assert isinstance(pair, Pair) and isinstance(pair.left, sync.Container)
        assert isinstance(wrap((model, []), portal)[0], sync.Container)
    finally:
        portal.close()


class Holder(Model):
    async def same(self, other: Any) -> bool:
        return isinstance(other, Model) and other is self


def test_proxies_passed_as_arguments_are_unwrapped() -> None:
    portal = Portal()
    try:
        holder = wrap(Holder({"Id": "h"}), portal)
        assert holder.same(holder) is True
    finally:
        portal.close()


class Feed(Model):
    """Yields numbers, recording what happened in the loop thread."""

    events: list[str]

    async def numbers(self, count: int, fail: bool = False) -> AsyncGenerator[int, None]:
        try:
            for i in range(count):
                await asyncio.sleep(0)
                self.events.append(f"yield {i}")
                yield i
            if fail:
                raise aiocontainers.StreamError("broken")
        finally:
            self.events.append(f"closed in {threading.current_thread().name}")


@pytest.fixture
def feed() -> Iterator[Any]:
    portal = Portal()
    model = Feed({"Id": "f"})
    model.events = []
    yield wrap(model, portal)
    portal.close()


def test_async_generator_becomes_iterator(feed: Any) -> None:
    numbers = feed.numbers(5)
    assert isinstance(numbers, StreamProxy)
    assert list(numbers) == [0, 1, 2, 3, 4]
    assert feed.events[-1] == "closed in aiocontainers-sync"


def test_stream_error_after_items(feed: Any) -> None:
    numbers = feed.numbers(2, fail=True)
    assert next(numbers) == 0 and next(numbers) == 1
    with pytest.raises(aiocontainers.StreamError, match="broken"):
        next(numbers)
    with pytest.raises(StopIteration):
        next(numbers)


def test_closing_early_closes_the_async_generator(feed: Any) -> None:
    with feed.numbers(10_000) as numbers:
        assert next(numbers) == 0
    assert feed.events[-1] == "closed in aiocontainers-sync"
    with pytest.raises(StopIteration):
        next(numbers)
    numbers.close()  # twice is fine


def test_reads_ahead_a_bounded_distance(feed: Any) -> None:
    numbers = feed.numbers(10_000)
    assert next(numbers) == 0
    time.sleep(0.3)
    read = sum(1 for e in feed.events if e.startswith("yield"))
    assert 1 < read <= 300
    assert list(numbers)[-1] == 9999


def test_a_dropped_iterator_is_closed(feed: Any) -> None:
    numbers = feed.numbers(10_000)
    next(numbers)
    del numbers
    gc.collect()
    deadline = time.monotonic() + 5
    while not feed.events[-1].startswith("closed") and time.monotonic() < deadline:
        time.sleep(0.01)
    assert feed.events[-1] == "closed in aiocontainers-sync"


def test_proxy_has_no_instance_dict() -> None:
    """Proxies forward attribute writes to the async object."""
    portal = Portal()
    try:
        model = Feed({"Id": "f"})
        proxy = wrap(model, portal)
        assert isinstance(proxy, Proxy)
        proxy.events = ["x"]
        assert model.events == ["x"]
    finally:
        portal.close()


class TaskBound(Model):
    """An async context manager whose exit must run in the task that entered it."""

    events: ClassVar[list[str]] = []

    async def __aenter__(self) -> TaskBound:
        self._task = asyncio.current_task()
        self._scope = anyio.CancelScope()
        self._scope.__enter__()  # anyio refuses to exit a scope from another task
        self.events.append("enter")
        return self

    async def __aexit__(self, *exc_info: Any) -> bool:
        assert asyncio.current_task() is self._task, "exited in another task"
        self._scope.__exit__(*exc_info)
        self.events.append(f"exit {exc_info[0].__name__ if exc_info[0] else None}")
        return exc_info[0] is KeyError  # suppresses KeyError only

    async def ping(self) -> str:
        return "pong"


def test_context_managers_enter_and_exit_in_one_task() -> None:
    TaskBound.events.clear()
    proxy: Any = proxy_class(TaskBound)
    portal = Portal()
    try:
        thing: Any = wrap(TaskBound({"Id": "x"}), portal)
        with thing as entered:
            assert entered is thing and thing.ping() == "pong"
        with thing:
            raise KeyError("suppressed by __aexit__")
        with pytest.raises(ValueError), thing:
            raise ValueError("not suppressed")
        expected = ["enter", "exit None", "enter", "exit KeyError", "enter", "exit ValueError"]
        assert TaskBound.events == expected
        assert [type(thing)] == [proxy]
    finally:
        portal.close()


def test_closing_the_portal_inside_a_block_exits_the_context() -> None:
    TaskBound.events.clear()
    portal = Portal()
    thing: Any = wrap(TaskBound({"Id": "y"}), portal)
    with pytest.raises(sync.PortalClosed):
        with thing:
            portal.close()
    assert TaskBound.events == ["enter", "exit CancelledError"]
