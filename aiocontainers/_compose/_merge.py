"""Several Compose files as one: the override rules of the Compose specification.

Later files override earlier ones. Mappings merge key by key; scalars and
``command``/``entrypoint``/``healthcheck.test`` are replaced; "list or map"
keys (``environment``, ``labels``, ``depends_on``, ``networks``...) merge by
name; ``volumes``, ``devices``, ``secrets`` and ``configs`` merge by container path; the other
sequences (``ports``, ``expose``, ``dns``...) are joined without repeats.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._base import key_value_map

__all__ = ["merge_files"]

_BY_NAME = ("environment", "labels", "sysctls", "extra_hosts", "annotations")
_BY_NAME_NESTED = {"build": ("args", "labels"), "logging": ("options",)}
_NAMES_OF = ("depends_on", "networks")
_JOINED = (
    "ports",
    "expose",
    "dns",
    "dns_search",
    "dns_opt",
    "tmpfs",
    "cap_add",
    "cap_drop",
    "security_opt",
    "group_add",
    "profiles",
    "env_file",
    "volumes_from",
)
_REPLACED = ("command", "entrypoint")


def _deep(base: Any, override: Any) -> Any:
    if isinstance(base, Mapping) and isinstance(override, Mapping):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = _deep(merged[key], value) if key in merged else value
        return merged
    return override


def _as_map(value: Any, what: str) -> Any:
    if isinstance(value, (list, tuple)):
        if what == "extra_hosts":
            return dict(str(item).replace("=", ":", 1).split(":", 1) for item in value)
        return key_value_map(value, what, allow_missing=True)
    return value


def _names(value: Any, key: str) -> Any:
    if isinstance(value, (list, tuple)):
        return {str(name): {} if key == "depends_on" else None for name in value}
    return value


def _mount_key(item: Any) -> Any:
    if isinstance(item, str):
        parts = item.split(":")
        return parts[1] if len(parts) > 1 else parts[0]
    if isinstance(item, Mapping):
        return item.get("target")
    return repr(item)


def _device_key(item: Any) -> Any:
    if isinstance(item, str):
        parts = item.split(":")
        return parts[1] if len(parts) > 1 else parts[0]
    if isinstance(item, Mapping):
        return item.get("target") or item.get("source")
    return repr(item)


def _file_reference_key(item: Any) -> Any:
    if isinstance(item, Mapping):
        return item.get("target") or item.get("source")
    return item


def _by_key(base: Any, override: Any, key_of: Any) -> Any:
    if not isinstance(base, list) or not isinstance(override, list):
        return override
    merged = {key_of(item): item for item in base}
    for item in override:
        merged[key_of(item)] = item
    return list(merged.values())


def _joined(base: Any, override: Any) -> Any:
    if isinstance(base, (str, int)):
        base = [base]
    if isinstance(override, (str, int)):
        override = [override]
    if not isinstance(base, list) or not isinstance(override, list):
        return override
    result = list(base)
    for item in override:
        if item not in result:
            result.append(item)
    return result


def _merge_service(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if key not in merged or merged[key] is None or value is None:
            merged[key] = value
        elif key in _BY_NAME:
            merged[key] = _deep(_as_map(merged[key], key), _as_map(value, key))
        elif key in _NAMES_OF:
            merged[key] = _deep(_names(merged[key], key), _names(value, key))
        elif key in _JOINED:
            merged[key] = _joined(merged[key], value)
        elif key == "volumes":
            merged[key] = _by_key(merged[key], value, _mount_key)
        elif key == "devices":
            merged[key] = _by_key(merged[key], value, _device_key)
        elif key in ("secrets", "configs"):
            merged[key] = _by_key(merged[key], value, _file_reference_key)
        elif key in _REPLACED:
            merged[key] = value
        elif key in _BY_NAME_NESTED:
            old, new = merged[key], value
            if key == "build":
                old = {"context": old} if isinstance(old, str) else old
                new = {"context": new} if isinstance(new, str) else new
            if isinstance(old, Mapping) and isinstance(new, Mapping):
                combined = _deep(old, new)
                for nested in _BY_NAME_NESTED[key]:
                    if nested in old and nested in new:
                        combined[nested] = _deep(
                            _as_map(old[nested], nested), _as_map(new[nested], nested)
                        )
                merged[key] = combined
            else:
                merged[key] = new
        else:
            merged[key] = _deep(merged[key], value)
    return merged


def merge_files(files: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The top-level mappings of several files merged into one, later files winning."""
    result: dict[str, Any] = {}
    for data in files:
        for key, value in data.items():
            if key == "services" and isinstance(value, Mapping):
                services = dict(result.get("services") or {})
                for name, service in value.items():
                    old = services.get(name)
                    if isinstance(old, Mapping) and isinstance(service, Mapping):
                        services[name] = _merge_service(old, service)
                    else:
                        services[name] = service
                result["services"] = services
            elif key in result:
                result[key] = _deep(result[key], value)
            else:
                result[key] = value
    return result
