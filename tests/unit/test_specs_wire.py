"""The declarative wire fields of the specs: one declaration renders, gates and reads back."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

import docker.types as dt
import pytest

from aiocontainers._specs._wire import GatedWireSpec, Wire, WireSpec
from aiocontainers.errors import InvalidArgument
from aiocontainers.types import (
    ConfigReference,
    DeviceRequest,
    DNSConfig,
    DriverConfig,
    EndpointConfig,
    EndpointSpec,
    Healthcheck,
    IPAMConfig,
    IPAMPool,
    LogConfig,
    Mount,
    NetworkAttachmentConfig,
    Placement,
    PlacementPreference,
    Privileges,
    Resources,
    RestartPolicy,
    RollbackConfig,
    SecretReference,
    ServiceContainerSpec,
    ServiceMode,
    ServiceRestartPolicy,
    SwarmExternalCA,
    SwarmSpec,
    Ulimit,
    UpdateConfig,
)

API = "1.45"
S = 1_000_000_000

SPECS: list[Any] = [
    DriverConfig("local", {"o": "p"}),
    Mount("/d", "v", labels={"a": "b"}, no_copy=True, driver_config="x", subpath="s"),
    Mount("/b", "/h", type="bind", read_only=True, propagation="shared", consistency="cached"),
    Mount("/t", type="tmpfs", tmpfs_size=1024, tmpfs_mode=0o700),
    Healthcheck(test="true", interval=1.5, timeout=2, retries=1, start_period=3, start_interval=1),
    Ulimit(name="nofile", soft=1, hard=2),
    LogConfig(type="syslog", config={"tag": "t"}),
    RestartPolicy("on-failure", 3),
    DeviceRequest(driver="d", count=2, capabilities=[["gpu"]], options={"a": "b"}),
    IPAMPool("10.9.0.0/16", "10.9.1.0/24", "10.9.0.1", {"h": "10.9.0.2"}),
    IPAMConfig("default", [IPAMPool("10.8.0.0/16")], {"o": "1"}),
    EndpointConfig(aliases=["a"], ipv4_address="10.0.0.2", driver_opt={"k": "v"}),
    ServiceMode("replicated-job", 4, 2),
    PlacementPreference("spread", "node.labels.zone"),
    Placement(["a==b"], [PlacementPreference("spread", "z")], [("arm64", "linux")], 2),
    Resources(1, 2, 3, 4, {"gpu": 1}),
    ServiceRestartPolicy("any", 1, 2, 3),
    UpdateConfig(1, 2, "rollback", 3, 0.5, "start-first"),
    RollbackConfig(parallelism=2, monitor=timedelta(milliseconds=250)),
    EndpointSpec("vip", {8080: 80}),
    NetworkAttachmentConfig("n", ["a"], {"o": "p"}),
    SecretReference("i", "n", "f", 1, 2, 0o400),
    ConfigReference("i", "n"),
    DNSConfig(["1.1.1.1"], ["s"], ["o"]),
    Privileges(credentialspec_registry="r", selinux_user="u"),
    ServiceContainerSpec(
        "img",
        "sh -c x",
        env={"A": "1"},
        mounts=["/m"],
        stop_grace_period=5,
        healthcheck=Healthcheck(test="true", interval=2),
        init=True,
        sysctls={"a": "b"},
    ),
    SwarmExternalCA("https://ca", "cfssl", {"a": "b"}, "pem"),
    SwarmSpec(heartbeat_tick=2, node_cert_expiry=60, external_ca={"url": "u"}, name="n"),
]


def _render(spec: Any) -> Any:
    return spec.to_wire(API) if isinstance(spec, GatedWireSpec) else spec.to_wire()


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: type(spec).__name__)
def test_the_wire_form_reads_back_as_the_same_spec(spec: Any) -> None:
    """The declarations that render a spec read its JSON (durations in ns) back."""
    wire = _render(spec)
    again = type(spec).model_validate(wire)
    assert _render(again) == wire
    if not isinstance(spec, SecretReference | ConfigReference):  # these send defaults filled in
        assert again == spec


def _without_nulls(value: Any) -> Any:
    """JSON as the daemon reads it: a null field is unset."""
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


def test_a_docker_py_container_spec_reads_as_is() -> None:
    """docker.types' dicts (wire JSON, nanoseconds) read into our specs, nested ones too."""
    container = dt.ContainerSpec(
        "img",
        command="sleep 1",
        env={"A": "1"},
        mounts=["/x:/y:ro", "v:/z"],
        stop_grace_period=5 * S,
        healthcheck=dt.Healthcheck(test=["CMD", "true"], interval=S, retries=2),
        hosts={"h": "10.0.0.1"},
        secrets=[dt.SecretReference("i", "n")],
        privileges=dt.Privileges(selinux_disable=True),
        init=True,
    )
    spec = ServiceContainerSpec.model_validate(container)
    assert spec.stop_grace_period == timedelta(seconds=5)
    assert spec.to_wire(API) == _without_nulls(container)


def test_wire_durations_are_nanoseconds_and_keywords_seconds() -> None:
    health = Healthcheck.model_validate({"Interval": 2 * S, "StartPeriod": S // 2})
    assert (health.interval, health.start_period) == (timedelta(seconds=2), timedelta(0.5 / 86400))
    assert health.to_wire(API) == {"Interval": 2 * S, "StartPeriod": S // 2}
    assert UpdateConfig(delay=2).to_wire()["Delay"] == 2 * S


def test_unknown_wire_keys_are_named_at_their_level() -> None:
    with pytest.raises(ValueError, match=r"Mount: unknown keys \['Bogus'\]; expected "):
        Mount.model_validate({"Target": "/t", "Bogus": 1})
    with pytest.raises(ValueError, match=r"unknown keys \['Size'\] in TmpfsOptions"):
        Mount.model_validate({"Target": "/t", "Type": "tmpfs", "TmpfsOptions": {"Size": 1}})


def test_a_nested_wire_part_must_be_a_dict_and_its_value_is_not_echoed() -> None:
    with pytest.raises(ValueError, match="Limits must be a dict, got str") as info:
        Resources.model_validate({"Limits": "s3cret"})
    assert "s3cret" not in str(info.value).split("input_value")[0]


def test_a_field_given_by_name_and_by_wire_key_is_refused() -> None:
    with pytest.raises(ValueError, match="name: given twice"):
        DriverConfig.model_validate({"name": "a", "Name": "b"})


def test_mixed_keyword_and_wire_keys_are_read_together() -> None:
    assert DriverConfig.model_validate({"name": "a", "Options": {"k": "v"}}) == DriverConfig(
        "a", {"k": "v"}
    )


@pytest.mark.parametrize(
    ("spec", "api", "message"),
    [
        (
            Mount("/c", "v", consistency="cached"),
            "1.27",
            "Mount.consistency needs Docker API 1.28",
        ),
        (Mount("/s", "v", subpath="p"), "1.44", "Mount.subpath needs Docker API 1.45"),
        (
            Healthcheck(start_interval=1),
            "1.43",
            "Healthcheck.start_interval needs Docker API 1.44",
        ),
        (EndpointConfig(mac_address="02:42:ac:11:00:02"), "1.43", "EndpointConfig.mac_address"),
        (Placement(maxreplicas=1), "1.39", "Placement.maxreplicas needs Docker API 1.40"),
        (ServiceContainerSpec("i", cap_drop=["ALL"]), "1.40", "ServiceContainerSpec.cap_drop"),
        (ServiceMode("global-job"), "1.40", r"ServiceMode\('global-job'\) needs Docker API 1.41"),
    ],
)
def test_a_gated_field_names_itself_and_both_versions(spec: Any, api: str, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message) as info:
        spec.to_wire(api)
    assert f"the daemon speaks API {api}" in str(info.value)
    spec.to_wire(API)  # the version that has it renders it


def test_an_empty_or_unset_gated_field_needs_no_version() -> None:
    """Gates apply to what is sent: an omitted value passes on any version."""
    assert EndpointConfig(driver_opt={}, mac_address="").to_wire("1.24") == {}
    assert Healthcheck(test=["NONE"]).to_wire("1.24") == {"Test": ["NONE"]}


class _Versionless(WireSpec):
    new: Annotated[int | None, Wire("New", since="1.99")] = None


def test_a_gate_without_a_version_is_a_programming_error() -> None:
    assert _Versionless().to_wire() == {}
    with pytest.raises(TypeError, match=r"_Versionless\.new needs an API version"):
        _Versionless(new=1).to_wire()
