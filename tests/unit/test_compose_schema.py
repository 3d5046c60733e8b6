"""``python -m aiocontainers config`` output against the Compose specification's JSON schema.

The schema is the one Debian's docker-compose (1.29, the stack tests' oracle,
installed by scripts/engine.sh) ships and validates with. The specification
grew since that release; :func:`current_spec` adds exactly those later
additions, each one named, so everything else about the long syntax (volumes,
healthcheck, deploy, secrets, configs, networks...) is checked as 1.29 wrote it.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from aiocontainers.__main__ import main

CORPUS = Path(__file__).parent / "data" / "compose"
FILES = sorted(CORPUS.glob("*.yaml"))
SCHEMA = Path("/usr/lib/python3/dist-packages/compose/config/compose_spec.json")


def current_spec() -> dict[str, Any]:
    """The 1.29 schema with the specification's later additions."""
    assert SCHEMA.is_file(), f"{SCHEMA} is missing: bash scripts/engine.sh up installs it"
    schema: dict[str, Any] = json.loads(SCHEMA.read_text())
    schema = copy.deepcopy(schema)
    definitions = schema["definitions"]
    service = definitions["service"]["properties"]
    schema["properties"]["name"] = {"type": "string"}  # the project name (2022)
    port = service["ports"]["items"]["oneOf"][2]["properties"]
    port["published"] = {"type": ["string", "integer"]}  # a port or a range (2022)
    port.update(host_ip={"type": "string"}, name={"type": "string"})
    port["app_protocol"] = {"type": "string"}
    service["pull_policy"]["enum"].append("missing")
    volume = service["volumes"]["items"]["oneOf"][1]["properties"]
    volume["tmpfs"]["properties"]["size"] = {"type": ["integer", "string"]}
    volume["tmpfs"]["properties"]["mode"] = {"type": "number"}
    volume["bind"]["properties"].update(
        create_host_path={"type": "boolean"}, selinux={"type": "string"}
    )
    volume["volume"]["properties"]["subpath"] = {"type": "string"}
    dependency = service["depends_on"]["oneOf"][1]["patternProperties"]["^[a-zA-Z0-9._-]+$"]
    dependency["properties"].update(required={"type": "boolean"}, restart={"type": "boolean"})
    service["devices"] = {  # the long syntax (2024)
        "type": "array",
        "items": {
            "type": "object",
            "required": ["source"],
            "properties": {
                "source": {"type": "string"},
                "target": {"type": "string"},
                "permissions": {"type": "string"},
            },
            "additionalProperties": False,
        },
    }
    for kind in ("secret", "config"):  # content from a variable or inline (2023)
        definitions[kind]["properties"]["environment"] = {"type": "string"}
    definitions["config"]["properties"]["content"] = {"type": "string"}
    return schema


def _errors(config: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft201909Validator(current_spec())
    return [
        f"{'.'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(config)
    ]


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_config_output_has_the_specifications_shape(
    path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SECRET_FROM_SHELL", "s3cret")
    monkeypatch.setenv("COMPOSE_PROFILES", "*")
    assert main(["config", "-f", str(path), "-p", "schema"]) == 0
    config = json.loads(capsys.readouterr().out)
    assert _errors(config) == []


def test_the_check_can_fail() -> None:
    """The schema rejects what Compose would not print: short syntax, unknown keys."""
    bad = {
        "services": {
            "web": {
                "image": "x",
                "depends_on": {"db": {"condition": "when_ready"}},
                "deploy": {"placement": {"constraint": []}},
                "volumes": [{"type": "bind", "source": "/a", "target": "/b", "bind": {"x": 1}}],
            }
        }
    }
    errors = _errors(bad)
    assert len(errors) == 3
    assert any(e.startswith("services.web.deploy.placement:") for e in errors)
