"""Property tests: ports and sizes agree with docker-py over their whole valid range."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from docker.utils import convert_port_bindings
from docker.utils import parse_bytes as docker_parse_bytes
from hypothesis import given
from hypothesis import strategies as st

from aiocontainers._specs import parse_bytes
from aiocontainers.errors import InvalidArgument
from aiocontainers.types import ContainerSpec, Healthcheck

valid_port = st.integers(min_value=1, max_value=65535)
invalid_port = st.one_of(st.integers(max_value=0), st.integers(min_value=65536))
protocol = st.sampled_from(["tcp", "udp", "sctp"])
host_ip = st.sampled_from(["127.0.0.1", "0.0.0.0", "::1", "10.1.2.3"])
binding = st.one_of(
    st.none(),
    valid_port,
    valid_port.map(str),
    st.tuples(host_ip, valid_port),
    st.tuples(host_ip, st.none()),
    st.tuples(host_ip),
)
port_key = st.one_of(
    valid_port,
    valid_port.map(str),
    st.tuples(valid_port, protocol).map(lambda pair: f"{pair[0]}/{pair[1]}"),
)


def _canonical_key(key: Any) -> str:
    text = str(key)
    return text if "/" in text else f"{text}/tcp"


@given(st.dictionaries(port_key, st.one_of(binding, st.lists(binding, min_size=1, max_size=3))))
def test_port_bindings_match_docker_py(ports: dict[Any, Any]) -> None:
    if len({_canonical_key(key) for key in ports}) < len(ports):
        with pytest.raises(InvalidArgument, match="given twice"):
            ContainerSpec(image="busybox", ports=ports)
        return
    spec = ContainerSpec(image="busybox", ports=ports)
    body = spec.to_create_body("1.41")
    if not ports:
        assert body["ExposedPorts"] == {}
        return
    assert body["HostConfig"]["PortBindings"] == convert_port_bindings(ports)
    assert set(body["ExposedPorts"]) == {_canonical_key(key) for key in ports}


@given(invalid_port, protocol)
def test_out_of_range_container_ports_are_rejected(port: int, proto: str) -> None:
    with pytest.raises(InvalidArgument, match="ports") as info:
        ContainerSpec(image="busybox", ports={f"{port}/{proto}": None})
    assert str(port) in str(info.value)


@given(st.integers(min_value=65536, max_value=10**6))
def test_out_of_range_host_ports_are_rejected(port: int) -> None:
    with pytest.raises(InvalidArgument, match=str(port)):
        ContainerSpec(image="busybox", ports={"80/tcp": port})


@given(st.integers(min_value=0, max_value=10**6), st.sampled_from(["", "b", "k", "m", "g"]))
def test_sizes_match_docker_py(number: int, unit: str) -> None:
    for text in (f"{number}{unit}", f"{number}{unit.upper()}"):
        assert parse_bytes(text, "mem_limit") == docker_parse_bytes(text)


@given(st.integers(min_value=0, max_value=2**62))
def test_int_sizes_pass_through(number: int) -> None:
    spec = ContainerSpec(image="busybox", mem_limit=number)
    assert spec.to_create_body("1.41")["HostConfig"]["Memory"] == number


@given(st.text(alphabet="xyz-!. ", min_size=1, max_size=6))
def test_garbage_sizes_are_rejected_with_the_value(text: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        ContainerSpec(image="busybox", shm_size=text)
    assert "shm_size" in str(info.value)
    assert repr(text) in str(info.value)


@given(st.integers(min_value=1, max_value=999_999_999))
def test_healthcheck_milliseconds_become_exact_nanoseconds(milliseconds: int) -> None:
    check = Healthcheck(interval=timedelta(milliseconds=milliseconds), timeout=milliseconds / 1000)
    wire = check.to_wire("1.41")
    assert wire["Interval"] == wire["Timeout"] == milliseconds * 1_000_000
