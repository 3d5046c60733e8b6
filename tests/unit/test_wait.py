"""Readiness strategies and events without an engine: parsing, composition, deduplication."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Any

import anyio
import pytest

import aiocontainers
from aiocontainers import Container, DockerClient, Event, NotReady, Timeout, wait
from aiocontainers._orchestration._common import seconds
from aiocontainers._orchestration._wait import listening_ports
from aiocontainers._resources.events import EventStream, format_timestamp
from aiocontainers.errors import InvalidArgument

PROC_NET_TCP = """\
  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1
   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1
   2: 0100007F:0050 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 0 1
  sl  local_address                         remote_address                        st
   0: 00000000000000000000000000000000:1538 00000000000000000000000000000000:0000 0A 0 0
"""


def test_listening_ports_reads_proc_net_tcp() -> None:
    # 80 and 8080 listen on IPv4, 5432 on IPv6; the established connection on 80 is ignored.
    assert listening_ports(PROC_NET_TCP) == {80, 8080, 5432}
    assert listening_ports("") == set()


def container(ports: dict[str, Any] | None = None, name: str = "/web") -> Container:
    return Container(attrs={"Id": "a" * 64, "Name": name, "NetworkSettings": {"Ports": ports}})


def test_host_address_prefers_ipv4_and_maps_wildcards() -> None:
    both = {
        "80/tcp": [
            {"HostIp": "::", "HostPort": "49154"},
            {"HostIp": "0.0.0.0", "HostPort": "49153"},
        ]
    }
    assert wait.host_address(container(both), 80) == ("127.0.0.1", 49153)
    v6 = {"80/tcp": [{"HostIp": "::", "HostPort": "49154"}]}
    assert wait.host_address(container(v6), "80/tcp") == ("::1", 49154)
    local = {"53/udp": [{"HostIp": "127.0.0.1", "HostPort": "5353"}]}
    assert wait.host_address(container(local), 53, "udp") == ("127.0.0.1", 5353)
    with pytest.raises(NotReady, match="port 80/tcp of container web is not published"):
        wait.host_address(container({"80/tcp": None}), 80)


def test_strategy_arguments_are_checked() -> None:
    with pytest.raises(InvalidArgument):
        wait.for_log("x", times=0)
    with pytest.raises(InvalidArgument):
        wait.for_port(80, interval=0)
    with pytest.raises(InvalidArgument):
        wait.for_port("53/udp")
    with pytest.raises(InvalidArgument):
        wait.for_http(port=80, scheme="ftp")
    with pytest.raises(InvalidArgument):
        wait.for_exit(timeout=-1)
    with pytest.raises(InvalidArgument):
        wait.all_of()
    with pytest.raises(InvalidArgument, match="pattern: invalid regular expression"):
        wait.for_log("(")
    assert wait.for_healthy(timeout=timedelta(seconds=2)).timeout == 2.0
    assert seconds(None) is None


def test_descriptions() -> None:
    both = wait.all_of(
        wait.for_log(r"ready", times=2),
        wait.for_http("health", port=8080, status=[200, 204]),
        wait.for_command("pg_isready"),
        timeout=30,
    )
    assert both.describe() == (
        "all of: log line matching 'ready' 2 times; status [200, 204] to GET /health on "
        "port 8080/tcp; exit code 0 from 'pg_isready'"
    )
    assert repr(wait.for_exit(3, timeout=5)) == "<Exited: exit with code 3, timeout=5.0>"


class Fake:
    """A user-defined strategy: sleeps, then succeeds or raises (no daemon involved)."""

    def __init__(self, delay: float, error: Exception | None = None) -> None:
        self.delay = delay
        self.error = error
        self.finished = False
        self.cancelled = False

    async def wait(self, container: Container, client: DockerClient) -> None:
        try:
            await anyio.sleep(self.delay)
        except anyio.get_cancelled_exc_class():
            self.cancelled = True
            raise
        if self.error is not None:
            raise self.error
        self.finished = True


@pytest.fixture
def web() -> Container:
    return container()


@pytest.fixture
def client() -> DockerClient:
    return DockerClient("unix:///nonexistent.sock")


def test_fake_is_a_wait_strategy() -> None:
    assert isinstance(Fake(0), wait.WaitStrategy)


@pytest.mark.anyio
async def test_all_of_raises_the_first_failure_and_cancels_the_rest(
    web: Container, client: DockerClient
) -> None:
    slow, failing = Fake(10), Fake(0.05, NotReady(web, "broken"))
    started = time.monotonic()
    with pytest.raises(NotReady, match="broken"):
        await wait.all_of(slow, failing, Fake(0)).wait(web, client)
    assert time.monotonic() - started < 1
    assert slow.cancelled


@pytest.mark.anyio
async def test_all_of_overall_deadline(web: Container, client: DockerClient) -> None:
    with pytest.raises(Timeout, match=r"container web: no all of: .* within 0.1 s"):
        await wait.all_of(Fake(10), timeout=0.1).wait(web, client)


@pytest.mark.anyio
async def test_any_of_first_success_cancels_the_rest(web: Container, client: DockerClient) -> None:
    slow, quick = Fake(10), Fake(0.01)
    await wait.any_of(slow, Fake(0, NotReady(web, "no")), quick).wait(web, client)
    assert quick.finished and slow.cancelled


@pytest.mark.anyio
async def test_any_of_failures(web: Container, client: DockerClient) -> None:
    with pytest.raises(Timeout, match="none of 2 ready"):
        await wait.any_of(Fake(0, Timeout("t1")), Fake(0, Timeout("t2"))).wait(web, client)
    with pytest.raises(NotReady, match="none ready: t1; exited") as caught:
        await wait.any_of(Fake(0, Timeout("t1")), Fake(0.01, NotReady(web, "exited"))).wait(
            web, client
        )
    assert caught.value.container is web


# -- events ------------------------------------------------------------------


def test_event_model() -> None:
    message = {
        "Type": "container",
        "Action": "health_status: healthy",
        "Actor": {"ID": "abc", "Attributes": {"name": "web", "image": "busybox"}},
        "scope": "local",
        "time": 1700000000,
        "timeNano": 1700000000123456789,
        "status": "health_status: healthy",
        "id": "abc",
        "from": "busybox",
    }
    event = Event.from_message(message)
    assert (event.type, event.action, event.id, event.status) == (
        "container",
        "health_status: healthy",
        "abc",
        "health_status",
    )
    assert event.attributes == {"name": "web", "image": "busybox"}
    assert event.time == datetime(2023, 11, 14, 22, 13, 20, 123456, tzinfo=timezone.utc)
    assert event.time_nano == 1700000000123456789
    assert event.raw == message
    old = Event.from_message({"status": "die", "id": "abc", "time": 1700000000})
    assert (old.action, old.id, old.time_nano) == ("die", "abc", 1700000000 * 10**9)


def test_format_timestamp() -> None:
    moment = datetime(2023, 11, 14, 22, 13, 20, 123456, tzinfo=timezone.utc)
    assert format_timestamp(moment) == "1700000000.123456000"
    assert format_timestamp(moment.replace(tzinfo=None)) == "1700000000.123456000"  # UTC
    assert format_timestamp(1700000000) == "1700000000"
    assert format_timestamp(1700000000.5) == "1700000000.500000000"
    assert format_timestamp("10m") == "10m"
    with pytest.raises(InvalidArgument):
        format_timestamp(True)


def _message(nano: int, name: str, action: str = "create") -> dict[str, Any]:
    return {
        "Type": "volume",
        "Action": action,
        "Actor": {"ID": name},
        "time": nano // 10**9,
        "timeNano": nano,
    }


def test_resume_drops_replayed_events_and_asks_from_before_the_last() -> None:
    stream = aiocontainers.DockerClient("unix:///nonexistent.sock").events(resume=True)
    assert isinstance(stream, EventStream)
    base = 1_700_000_000 * 10**9
    stream._started_nano = base - 60 * 10**9  # events() was called a minute before these
    first = [_message(base, "a"), _message(base + 5, "b"), _message(base + 5, "c")]
    delivered = stream._events._accept(first)
    # The resumed request asks from a second before the newest event, with nanoseconds...
    assert stream._params()["since"] == f"{1_699_999_999}.000000005"
    # ...and what the daemon replays is dropped, while new events at the same time pass.
    delivered += stream._events._accept(
        [*first, _message(base + 5, "d"), _message(base + 9, "c", "destroy")]
    )
    assert [(e.id, e.action) for e in delivered] == [
        ("a", "create"), ("b", "create"), ("c", "create"), ("d", "create"), ("c", "destroy")
    ]  # fmt: skip
    # Events older than the slack window are forgotten, keeping memory bounded.
    stream._events._accept([_message(base + 3 * 10**9, "late")])
    assert len(stream._events._recent) == 1


def test_a_stream_that_does_not_resume_delivers_every_event_and_remembers_none() -> None:
    stream = aiocontainers.DockerClient("unix:///nonexistent.sock").events(until=1)
    base = 1_700_000_000 * 10**9
    twice = [_message(base, "a"), _message(base, "a")]  # nothing to drop: no reconnection
    assert [e.id for e in stream._events._accept(twice)] == ["a", "a"]
    assert stream._events._recent == {} and stream._events.last_nano is None


def test_events_of_the_current_and_of_the_old_message_forms_agree() -> None:
    current = _message(1_700_000_000 * 10**9, "v1")
    current["Actor"]["Attributes"] = {"name": "data"}
    old = {"Type": "volume", "status": "create", "id": "v1", "time": 1_700_000_000}
    fast, slow = Event.from_message(current), Event.from_message(old)
    assert (fast.type, fast.action, fast.id, fast.scope, fast.time_nano) == (
        slow.type, slow.action, slow.id, slow.scope, slow.time_nano
    )  # fmt: skip
    assert fast.attributes == {"name": "data"} and slow.attributes == {}
    assert fast.raw is current  # taken as decoded, not copied


def test_resume_never_asks_for_events_before_since() -> None:
    client = aiocontainers.DockerClient("unix:///nonexistent.sock")
    base = 1_700_000_000 * 10**9
    stream = client.events(since=1_700_000_000, resume=True)
    stream._events._accept([_message(base + 5, "a")])
    assert stream._params()["since"] == "1700000000.000000000"
    relative = client.events(since="10m", resume=True)
    relative._events._accept([_message(base + 5, "a")])
    assert relative._params()["since"] == "1699999999.000000005"
