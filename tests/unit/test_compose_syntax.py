"""Compose's small languages: interpolation, Go durations, short port and volume syntax."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiocontainers._compose._interpolate import InterpolationError, interpolate
from aiocontainers.compose import (
    PortConfig,
    ServiceConfig,
    ServiceVolume,
    format_duration,
    parse_duration,
)

ENV = {"SET": "value", "EMPTY": "", "OTHER": "x"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$SET", "value"),
        ("${SET}/path", "value/path"),
        ("${UNSET:-fallback}", "fallback"),
        ("${EMPTY:-fallback}", "fallback"),
        ("${EMPTY-fallback}", ""),
        ("${UNSET-fallback}", "fallback"),
        ("${SET:+alt}", "alt"),
        ("${EMPTY:+alt}", ""),
        ("${EMPTY+alt}", "alt"),
        ("${UNSET+alt}", ""),
        ("${UNSET:-${OTHER}-${SET}}", "x-value"),
        ("$$SET and $${SET}", "$SET and ${SET}"),
        ("price: 5$", "price: 5$"),
        ("${UNSET}", ""),
    ],
)
def test_interpolation(text: str, expected: str) -> None:
    assert interpolate(text, ENV) == expected


def test_required_variable_names_it_with_the_message() -> None:
    with pytest.raises(
        InterpolationError, match=r"required variable TOKEN is missing a value: set it"
    ):
        interpolate("${TOKEN:?set it}", ENV)
    with pytest.raises(InterpolationError, match=r"EMPTY.*is empty"):
        interpolate("${EMPTY:?}", ENV)
    assert interpolate("${EMPTY?}", ENV) == ""


def test_unset_variables_are_reported() -> None:
    seen: list[str] = []
    interpolate("$A ${B} ${C:-x} $SET", ENV, seen.append)
    assert seen == ["A", "B"]


@pytest.mark.parametrize("text", ["${", "${SET", "${1BAD}", "${SET:x}"])
def test_malformed_expressions_raise(text: str) -> None:
    with pytest.raises(InterpolationError):
        interpolate(text, ENV)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90s", "1m30s"),
        ("1m30s", "1m30s"),
        ("1.5h", "1h30m0s"),
        ("1h", "1h0m0s"),
        ("500ms", "500ms"),
        ("1.5s", "1.5s"),
        ("10us", "10µs"),
        ("2h45m", "2h45m0s"),
        ("0", "0s"),
        ("1m0.25s", "1m0.25s"),
    ],
)
def test_durations_read_and_written_as_go_does(text: str, expected: str) -> None:
    assert format_duration(parse_duration(text)) == expected


@pytest.mark.parametrize("text", ["", "10", "5 s", "1d", "-1s", "s"])
def test_invalid_durations(text: str) -> None:
    with pytest.raises(ValueError, match="invalid duration"):
        parse_duration(text)


@given(st.integers(min_value=0, max_value=10**12))
def test_durations_round_trip(micros: int) -> None:
    value = timedelta(microseconds=micros)
    assert parse_duration(format_duration(value)) == value


def _ports(*specs: object) -> list[PortConfig]:
    return ServiceConfig(image="x", ports=list(specs)).ports


def test_short_ports() -> None:
    assert _ports("80") == [PortConfig(target=80)]
    assert _ports(8080) == [PortConfig(target=8080)]
    assert _ports("8080:80") == [PortConfig(target=80, published="8080")]
    assert _ports("127.0.0.1:8080:80/udp") == [
        PortConfig(target=80, published="8080", host_ip="127.0.0.1", protocol="udp")
    ]
    assert _ports("127.0.0.1::80") == [PortConfig(target=80, host_ip="127.0.0.1")]
    assert _ports("[::1]:8443:443") == [PortConfig(target=443, published="8443", host_ip="::1")]
    assert _ports("9000-9001:80-81") == [
        PortConfig(target=80, published="9000"),
        PortConfig(target=81, published="9001"),
    ]
    assert _ports("4000-4010:4000") == [PortConfig(target=4000, published="4000-4010")]
    assert _ports({"target": 80, "published": 8080, "mode": "host"}) == [
        PortConfig(target=80, published="8080", mode="host")
    ]


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ("abc", "invalid port 'abc'"),
        ("9000-9002:80-81", "differ in size"),
        ("80/icmp", "tcp"),
        ("70000", "65535"),
    ],
)
def test_bad_ports(spec: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        _ports("80", spec)


def test_short_volumes() -> None:
    def volume(spec: str) -> ServiceVolume:
        return ServiceVolume.model_validate(spec)

    assert volume("/data").model_dump(exclude_none=True) == {
        "type": "volume",
        "target": "/data",
        "volume": {},
    }
    named = volume("cache:/var/cache:ro")
    assert (named.type, named.source, named.read_only) == ("volume", "cache", True)
    bind = volume("./conf:/etc/app:ro,z")
    assert bind.type == "bind" and bind.source == "./conf" and bind.read_only
    assert bind.bind is not None and bind.bind.create_host_path and bind.bind.selinux == "z"
    assert volume("/:/rootfs:ro,rslave").bind.propagation == "rslave"  # type: ignore[union-attr]
    assert volume("~/x:/x").type == "bind"
    assert volume("data:/d:nocopy").volume.nocopy  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="invalid mode 'rx'"):
        volume("a:/b:rx")
    with pytest.raises(ValueError, match="absolute path"):
        volume("a:relative")
