"""Converters from docker-py's loose input forms to Engine API JSON.

Each function takes what a docker-py user may pass and returns the wire form, or
raises ValueError with a message naming the option and the offending value (pydantic
turns it into a ValidationError located at the field).
"""

from __future__ import annotations

import ipaddress
import math
import re
import shlex
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

__all__ = [
    "PROPAGATION_MODES",
    "duration_seconds",
    "parse_bytes",
    "parse_command",
    "parse_devices",
    "parse_environment",
    "parse_extra_hosts",
    "parse_labels",
    "parse_links",
    "parse_port_bindings",
    "parse_str_list",
    "parse_str_map",
    "parse_tmpfs",
    "parse_volumes",
    "to_nanoseconds",
]

PROPAGATION_MODES = ("private", "rprivate", "shared", "rshared", "slave", "rslave")
_PROTOCOLS = ("tcp", "udp", "sctp")
_BIND_MODES = frozenset(
    {"ro", "rw", "z", "Z", "nocopy", "consistent", "cached", "delegated", *PROPAGATION_MODES}
)
_SIZE_RE = re.compile(r"^(-?\d+(?:\.\d+)?)(?:([kmgtp])(?:i?b)?|b)?$", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40, "p": 1 << 50}


def parse_bytes(value: object, field: str) -> int:
    """A size in bytes: an int, an integral float, or a string like ``"512m"`` or ``"1g"``.

    Units are binary (k = 1024), as in docker-py and the docker CLI; no unit means bytes.
    """
    expected = f"{field}: expected a size in bytes or a string like '512m', got {value!r}"
    if isinstance(value, bool):
        raise ValueError(expected)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"{field}: a size in bytes must be a whole number, got {value!r}")
        return int(value)
    if isinstance(value, str):
        match = _SIZE_RE.match(value.strip())
        if match is None:
            raise ValueError(
                f"{field}: invalid size {value!r}; use bytes or a number with a unit "
                "b, k, m, g, t or p (e.g. '512m', '1g')"
            )
        number, unit = match.group(1), (match.group(2) or "").lower()
        return int(float(number) * _SIZE_UNITS[unit])
    raise ValueError(expected)


def duration_seconds(value: object, field: str) -> timedelta:
    """A user-facing duration: seconds (int/float) or a ``timedelta``; never nanoseconds."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise ValueError(f"{field}: duration must be finite, got {value!r}")
        try:
            return timedelta(seconds=value)
        except OverflowError:
            raise ValueError(f"{field}: duration {value!r} s is out of range") from None
    raise ValueError(f"{field}: expected seconds (int or float) or a timedelta, got {value!r}")


def to_nanoseconds(value: timedelta) -> int:
    """A timedelta as whole nanoseconds, the unit of the Engine API's durations."""
    return (value // timedelta(microseconds=1)) * 1000


def parse_command(value: object, field: str) -> list[str]:
    """A command as argv: a string is split like a POSIX shell would (``shlex.split``)."""
    if isinstance(value, str):
        try:
            return shlex.split(value)
        except ValueError as exc:
            raise ValueError(f"{field}: cannot split {value!r} into arguments: {exc}") from None
    return parse_str_list(value, field)


def parse_str_list(value: object, field: str, *, allow_str: bool = False) -> list[str]:
    """A list of strings (ints become strings only where Docker takes numeric ids as text)."""
    if isinstance(value, str):
        if allow_str:
            return [value]
        raise ValueError(f"{field}: expected a list of strings, got a single string")
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"{field}: expected a list of strings, got {type(value).__name__}")
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise ValueError(f"{field}[{index}]: expected a string, got {type(item).__name__}")
    return list(value)


def parse_str_map(value: object, field: str) -> dict[str, str]:
    """A mapping of strings to strings; numbers are written as text (e.g. sysctl values)."""
    if not isinstance(value, Mapping):
        raise ValueError(f"{field}: expected a dict of strings, got {value!r}")
    result: dict[str, str] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not key:
            raise ValueError(f"{field}: keys must be non-empty strings, got {key!r}")
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            raise ValueError(f"{field}[{key!r}]: expected a string, got {item!r}")
        result[key] = str(item)
    return result


def parse_environment(value: object, field: str = "environment") -> list[str]:
    """``{"K": "v"}`` or ``["K=v"]`` as Docker's ``["K=v"]``; a None value sends ``K`` alone.

    Messages name the variable or the entry's index, never a value (values are secrets).
    """
    if isinstance(value, Mapping):
        result = []
        for key, item in value.items():
            if not isinstance(key, str) or not key or "=" in key:
                raise ValueError(f"{field}: invalid variable name {key!r}")
            if item is None:
                result.append(key)
            elif isinstance(item, bytes):
                result.append(f"{key}={item.decode('utf-8')}")
            elif isinstance(item, bool) or not isinstance(item, (str, int, float)):
                raise ValueError(
                    f"{field}[{key!r}]: expected a string value, got {type(item).__name__}"
                )
            else:
                result.append(f"{key}={item}")
        return result
    items = parse_str_list(value, field)
    for index, item in enumerate(items):
        if item.partition("=")[0] == "":
            raise ValueError(
                f"{field}[{index}]: the entry has no variable name (want 'KEY=value')"
            )
    return items


def parse_labels(value: object, field: str = "labels") -> dict[str, str]:
    """A dict of labels, or docker-py's list of names meaning labels with empty values."""
    if isinstance(value, (list, tuple)):
        return dict.fromkeys(parse_str_list(value, field), "")
    if not isinstance(value, Mapping):
        raise ValueError(f"{field}: expected a dict or a list of names, got {value!r}")
    for key, item in value.items():
        if not isinstance(key, str) or not key:
            raise ValueError(f"{field}: label names must be non-empty strings, got {key!r}")
        if not isinstance(item, str):
            raise ValueError(f"{field}[{key!r}]: label values must be strings, got {item!r}")
    return dict(value)


def parse_extra_hosts(value: object, field: str = "extra_hosts") -> list[str]:
    """``{"host": "ip"}`` (sorted, as docker-py sends it) or ``["host:ip"]``."""
    if isinstance(value, Mapping):
        pairs = parse_str_map(value, field)
        return [f"{host}:{address}" for host, address in sorted(pairs.items())]
    items = parse_str_list(value, field)
    for item in items:
        host, sep, address = item.partition(":")
        if not host or not sep or not address:
            raise ValueError(f"{field}: entry {item!r} is not of the form 'hostname:address'")
    return items


def parse_links(value: object, field: str = "links") -> list[str]:
    """``{"container": "alias"}``, pairs, or ``"name:alias"`` strings, as sorted ``name:alias``."""
    pairs: list[tuple[str, str | None]] = []
    if isinstance(value, Mapping):
        items: Any = value.items()
    elif isinstance(value, (list, tuple)):
        items = value
    else:
        raise ValueError(f"{field}: expected a dict of container -> alias, got {value!r}")
    for item in items:
        if isinstance(item, str):
            name, _, alias = item.partition(":")
            pairs.append((name, alias or None))
        elif isinstance(item, (list, tuple)) and len(item) == 2 and isinstance(item[0], str):
            if item[1] is not None and not isinstance(item[1], str):
                raise ValueError(f"{field}: alias of {item[0]!r} must be a string: {item[1]!r}")
            pairs.append((item[0], item[1]))
        else:
            raise ValueError(f"{field}: invalid link {item!r}")
    for name, _ in pairs:
        if not name:
            raise ValueError(f"{field}: link with an empty container name in {value!r}")
    return [f"{name}:{alias}" if alias else name for name, alias in sorted(pairs)]


def parse_tmpfs(value: object, field: str = "tmpfs") -> dict[str, str]:
    """``{"/path": "size=64m"}`` or ``["/path:size=64m", "/other"]`` as Docker's mapping."""
    if isinstance(value, Mapping):
        result = parse_str_map(value, field)
    else:
        result = {}
        for item in parse_str_list(value, field):
            path, _, options = item.partition(":")
            result[path] = options
    for path in result:
        if not path.startswith("/"):
            raise ValueError(f"{field}: mount point {path!r} must be an absolute path")
    return result


def parse_devices(value: object, field: str = "devices") -> list[dict[str, str]]:
    """``"/dev/host[:/dev/ctr[:rwm]]"`` strings (or wire dicts) as Docker device mappings."""
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"{field}: expected a list of 'host:ctr:permissions', got {value!r}")
    result = []
    for item in value:
        if isinstance(item, Mapping):
            device = parse_str_map(item, field)
            unknown = set(device) - {"PathOnHost", "PathInContainer", "CgroupPermissions"}
            if unknown or "PathOnHost" not in device:
                raise ValueError(
                    f"{field}: a device dict needs PathOnHost and may have PathInContainer and "
                    f"CgroupPermissions, got {item!r}"
                )
            device.setdefault("PathInContainer", device["PathOnHost"])
            device.setdefault("CgroupPermissions", "rwm")
        elif isinstance(item, str):
            parts = item.split(":")
            if len(parts) > 3 or not parts[0]:
                raise ValueError(f"{field}: invalid device {item!r}; expected 'host[:ctr[:rwm]]'")
            device = {
                "PathOnHost": parts[0],
                "PathInContainer": parts[1] if len(parts) > 1 and parts[1] else parts[0],
                "CgroupPermissions": parts[2] if len(parts) > 2 else "rwm",
            }
        else:
            raise ValueError(f"{field}: invalid device {item!r}; expected 'host[:ctr[:rwm]]'")
        permissions = device["CgroupPermissions"]
        if not permissions or set(permissions) - set("rwm"):
            raise ValueError(
                f"{field}: invalid cgroup permissions {permissions!r} in {item!r}; "
                "use a combination of r, w and m"
            )
        result.append(device)
    return result


# --- ports -----------------------------------------------------------------------------------


def _port_number(text: str, field: str, shown: object) -> int:
    if not text.isdigit():
        raise ValueError(f"{field}: invalid port {shown!r}; expected a number 1-65535")
    number = int(text)
    if not 1 <= number <= 65535:
        raise ValueError(f"{field}: port {shown!r} is out of range; expected 1-65535")
    return number


def _container_port(key: object, field: str) -> str:
    if isinstance(key, bool) or not isinstance(key, (int, str)):
        raise ValueError(f"{field}: invalid container port {key!r}; expected e.g. 80 or '80/tcp'")
    port, sep, protocol = str(key).strip().partition("/")
    protocol = protocol.lower() if sep else "tcp"
    if protocol not in _PROTOCOLS:
        raise ValueError(
            f"{field}: invalid protocol {protocol!r} in port {key!r}; expected tcp, udp or sctp"
        )
    return f"{_port_number(port, field, key)}/{protocol}"


def _host_port(value: object, field: str) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"{field}: invalid host port {value!r}; expected 1-65535 or None")
    if isinstance(value, int) and value == 0:
        raise ValueError(f"{field}: host port 0 is invalid; use None for a random host port")
    text = str(value).strip()
    low, sep, high = text.partition("-")
    first = _port_number(low, field, value)
    if sep and _port_number(high, field, value) < first:
        raise ValueError(f"{field}: host port range {value!r} is empty")
    return text


def _host_ip(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{field}: invalid host IP {value!r}; expected an IP address string")
    if value:
        try:
            ipaddress.ip_address(value)
        except ValueError:
            raise ValueError(f"{field}: invalid host IP address {value!r}") from None
    return value


def _host_binding(value: object, field: str) -> dict[str, str]:
    if isinstance(value, tuple):
        if len(value) == 2:
            return {"HostIp": _host_ip(value[0], field), "HostPort": _host_port(value[1], field)}
        if len(value) == 1:
            if isinstance(value[0], str):
                return {"HostIp": _host_ip(value[0], field), "HostPort": ""}
            return {"HostIp": "", "HostPort": _host_port(value[0], field)}
        raise ValueError(f"{field}: invalid binding {value!r}; expected (host_ip, host_port)")
    if isinstance(value, Mapping):
        unknown = set(value) - {"HostIp", "HostPort"}
        if unknown or "HostPort" not in value:
            raise ValueError(f"{field}: invalid binding {value!r}; expected HostIp and HostPort")
        return {
            "HostIp": _host_ip(value.get("HostIp", ""), field),
            "HostPort": _host_port(value["HostPort"], field),
        }
    return {"HostIp": "", "HostPort": _host_port(value, field)}


def parse_port_bindings(value: object, field: str = "ports") -> dict[str, list[dict[str, str]]]:
    """docker-py's ``ports`` mapping as ``PortBindings``.

    Keys: ``80``, ``"80"``, ``"80/udp"``. Values: a host port, ``None`` (random port),
    ``(ip, port)``, ``(ip,)``/``(ip, None)`` (random port on ``ip``), a ``{"HostIp",
    "HostPort"}`` dict, or a list of those for several host ports.
    """
    if not isinstance(value, Mapping):
        raise ValueError(f"{field}: expected a dict of container port -> host port, got {value!r}")
    result: dict[str, list[dict[str, str]]] = {}
    for key, binding in value.items():
        port = _container_port(key, field)
        if port in result:
            raise ValueError(f"{field}: container port {key!r} is given twice")
        if isinstance(binding, list):
            result[port] = [_host_binding(item, f"{field}[{key!r}]") for item in binding]
        else:
            result[port] = [_host_binding(binding, f"{field}[{key!r}]")]
    return result


# --- volumes ---------------------------------------------------------------------------------


def _check_mode(mode: str, field: str, shown: object) -> None:
    flags = mode.split(",")
    if not mode or any(flag not in _BIND_MODES for flag in flags):
        raise ValueError(
            f"{field}: invalid mode {mode!r} in {shown!r}; expected e.g. 'rw', 'ro', 'ro,z'"
        )
    if "ro" in flags and "rw" in flags:
        raise ValueError(f"{field}: mode {mode!r} in {shown!r} is both 'ro' and 'rw'")


def _check_target(target: object, field: str, shown: object) -> str:
    if not isinstance(target, str) or not target.startswith("/"):
        raise ValueError(
            f"{field}: container path {target!r} in {shown!r} must be an absolute path"
        )
    return target


def parse_volumes(value: object, field: str = "volumes") -> tuple[list[str], list[str]]:
    """docker-py's ``volumes`` as ``(Binds, anonymous volume paths)``.

    Dict form ``{"/host or name": {"bind": "/ctr", "mode": "ro"}}`` (or ``"ro": True``,
    ``"propagation": "rshared"``, or just ``"/ctr"``); list form
    ``["/host:/ctr:ro", "name:/data", "/anonymous"]``. A bare container path in the list
    form is an anonymous volume, declared in ``Volumes`` rather than ``Binds``.
    """
    binds: list[str] = []
    anonymous: list[str] = []
    if isinstance(value, Mapping):
        for source, spec in value.items():
            if not isinstance(source, str) or not source:
                raise ValueError(f"{field}: invalid host path or volume name {source!r}")
            if isinstance(spec, str):
                binds.append(f"{source}:{_check_target(spec, field, {source: spec})}:rw")
                continue
            if not isinstance(spec, Mapping) or "bind" not in spec:
                raise ValueError(
                    f"{field}[{source!r}]: expected {{'bind': '/path', 'mode': 'rw'}}, "
                    f"got {spec!r}"
                )
            unknown = set(spec) - {"bind", "mode", "ro", "propagation"}
            if unknown:
                raise ValueError(f"{field}[{source!r}]: unknown keys {sorted(unknown)}: {spec!r}")
            if "ro" in spec and "mode" in spec:
                raise ValueError(f"{field}[{source!r}]: give 'ro' or 'mode', not both: {spec!r}")
            target = _check_target(spec["bind"], field, spec)
            if "ro" in spec:
                mode = "ro" if spec["ro"] else "rw"
            else:
                mode = spec.get("mode", "rw")
                if not isinstance(mode, str):
                    raise ValueError(f"{field}[{source!r}]: mode must be a string, got {mode!r}")
            propagation = spec.get("propagation")
            if propagation is not None:
                if propagation not in PROPAGATION_MODES:
                    raise ValueError(
                        f"{field}[{source!r}]: invalid propagation {propagation!r}; "
                        f"expected one of {', '.join(PROPAGATION_MODES)}"
                    )
                mode = f"{mode},{propagation}"
            _check_mode(mode, field, spec)
            binds.append(f"{source}:{target}:{mode}")
        return binds, anonymous
    for item in parse_str_list(value, field, allow_str=True):
        parts = item.split(":")
        if len(parts) == 1:
            anonymous.append(_check_target(parts[0], field, item))
            continue
        if len(parts) > 3 or not parts[0]:
            raise ValueError(f"{field}: invalid volume {item!r}; expected 'source:/target[:mode]'")
        _check_target(parts[1], field, item)
        if len(parts) == 3:
            _check_mode(parts[2], field, item)
        binds.append(item)
    return binds, anonymous
