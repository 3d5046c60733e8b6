"""Stack: validation with paths, references, profiles, env files, merging, config()."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from aiocontainers import ComposeError, InvalidArgument, Stack
from aiocontainers.__main__ import main
from aiocontainers.compose import ServiceConfig


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text)
    return path


def _errors(source: dict[str, Any], **kwargs: Any) -> list[str]:
    with pytest.raises(ComposeError) as info:
        Stack.from_compose(source, env={}, **kwargs)
    assert isinstance(info.value, InvalidArgument)
    assert len(info.value.errors) == len(info.value.problems)
    return info.value.problems


def test_errors_name_the_path_of_each_bad_value() -> None:
    errors = _errors(
        {
            "services": {
                "web": {"image": "x", "ports": ["80", "nope"], "healthcheck": {"interval": "5 s"}},
                "db": {"image": "y", "restart": "sometimes", "ulimits": {"nofile": {"soft": "a"}}},
            }
        }
    )
    assert "services.web.ports[1]: invalid port 'nope'" in errors[0] or any(
        e.startswith("services.web.ports[1]: invalid port 'nope'") for e in errors
    )
    assert any(e.startswith("services.web.healthcheck.interval: invalid duration") for e in errors)
    assert any(e.startswith("services.db.restart: invalid restart policy") for e in errors)
    assert any(e.startswith("services.db.ulimits.nofile") for e in errors)


def test_unknown_keys_are_errors_with_a_hint() -> None:
    errors = _errors({"services": {"web": {"imgae": "x", "image": "x"}}})
    assert errors == ["services.web.imgae: unknown key 'imgae' (did you mean 'image'?)"]


@pytest.mark.parametrize(
    ("service", "path"),
    [
        ({"gpus": "all"}, "services.web.gpus"),
        ({"links": ["db"]}, "services.web.links"),
        ({"cgroup_parent": "x"}, "services.web.cgroup_parent"),
    ],
)
def test_unsupported_compose_keys_are_named(service: dict[str, Any], path: str) -> None:
    errors = _errors({"services": {"web": {"image": "x", **service}}})
    assert errors == [
        f"{path}: {path.rsplit('.', 1)[1]!r} is not supported by aiocontainers stacks"
    ]


def test_unsupported_top_level_key() -> None:
    errors = _errors({"services": {"a": {"image": "x"}}, "include": []})
    assert errors[0].startswith("include: 'include' is not supported")


def test_references_are_checked_before_anything_runs() -> None:
    errors = _errors(
        {
            "services": {
                "web": {
                    "image": "x",
                    "depends_on": ["ghost"],
                    "networks": ["back"],
                    "volumes": ["data:/data"],
                },
                "side": {"image": "x", "network_mode": "service:nobody"},
            }
        }
    )
    assert "services.web.depends_on.ghost: undefined service" in errors
    assert "services.web.networks.back: undefined network" in errors
    assert any(
        e.startswith("services.web.volumes[0].source: undefined volume 'data'") for e in errors
    )
    assert any("undefined or disabled service 'nobody'" in e for e in errors)


def test_cycles_are_errors() -> None:
    errors = _errors(
        {
            "services": {
                "a": {"image": "x", "depends_on": ["b"]},
                "b": {"image": "x", "depends_on": ["c"]},
                "c": {"image": "x", "depends_on": ["a"]},
            }
        }
    )
    assert len(errors) == 1 and errors[0].startswith("services: dependency cycle: ")
    assert {"a", "b", "c"} <= set(errors[0].split(": ")[-1].split(" -> "))


def test_start_order_in_waves() -> None:
    stack = Stack(
        "shop",
        {
            "web": {"image": "x", "depends_on": {"db": {"condition": "service_healthy"}}},
            "worker": {"image": "x", "depends_on": ["db", "cache"]},
            "db": {"image": "x"},
            "cache": {"image": "x"},
            "proxy": {"image": "x", "network_mode": "service:web"},
        },
    )
    assert stack.start_order == [["cache", "db"], ["web", "worker"], ["proxy"]]
    assert sorted(stack.dependents("db")) == ["web", "worker"]


def test_profiles_enable_services_and_required_dependencies() -> None:
    source = {
        "services": {
            "app": {
                "image": "x",
                "depends_on": {"debug": {"condition": "service_started", "required": False}},
            },
            "debug": {"image": "x", "profiles": ["dev"]},
            "tool": {"image": "x", "profiles": ["ops"], "depends_on": ["debug"]},
        }
    }
    plain = Stack.from_compose(source, env={})
    assert list(plain.services) == ["app"] and plain.services["app"].depends_on == {}
    dev = Stack.from_compose(source, env={}, profiles=["dev"])
    assert sorted(dev.services) == ["app", "debug"] and "debug" in dev.services["app"].depends_on
    assert _errors(source, profiles=["ops"]) == [
        "services.tool.depends_on.debug: the service is not enabled (its profiles: dev)"
    ]
    assert sorted(Stack.from_compose(source, env={"COMPOSE_PROFILES": "dev,ops"}).services) == [
        "app",
        "debug",
        "tool",
    ]


def test_python_built_stack_matches_the_file_form(tmp_path: Path) -> None:
    built = Stack(
        "shop",
        {
            "db": ServiceConfig(
                image="postgres", healthcheck={"test": "pg_isready", "interval": 5}
            ),
            "web": {
                "image": "web",
                "ports": ["8000:8000"],
                "depends_on": {"db": {"condition": "service_healthy"}},
            },
        },
        working_dir=tmp_path,
    )
    _write(
        tmp_path,
        "compose.yaml",
        "services:\n"
        "  db: {image: postgres, healthcheck: {test: pg_isready, interval: 5s}}\n"
        "  web:\n    image: web\n    ports: ['8000:8000']\n"
        "    depends_on: {db: {condition: service_healthy}}\n",
    )
    loaded = Stack.from_compose(tmp_path, project_name="shop", env={})
    assert built.config() == loaded.config()
    assert built.config()["services"]["db"]["healthcheck"]["interval"] == "5s"


def test_project_name_precedence(tmp_path: Path) -> None:
    project = tmp_path / "My App"
    project.mkdir()
    _write(project, "docker-compose.yml", "services: {a: {image: x}}\n")
    assert Stack.from_compose(project, env={}).name == "myapp"
    _write(project, "docker-compose.yml", "name: named\nservices: {a: {image: x}}\n")
    assert Stack.from_compose(project, env={}).name == "named"
    assert Stack.from_compose(project, env={"COMPOSE_PROJECT_NAME": "fromenv"}).name == "fromenv"
    assert Stack.from_compose(project, env={}, project_name="given").name == "given"
    with pytest.raises(ComposeError, match="invalid project name 'Bad Name'"):
        Stack.from_compose(project, env={}, project_name="Bad Name")


def test_dotenv_env_file_and_environment_precedence(tmp_path: Path) -> None:
    _write(tmp_path, ".env", "TAG=from-dotenv\nPORT=8000\nURL=http://host:${PORT}\n")
    _write(tmp_path, "web.env", "A=from-file\nB=from-file\nC=${TAG}\n")
    _write(
        tmp_path,
        "compose.yaml",
        "services:\n  web:\n    image: web:${TAG}\n    env_file: web.env\n"
        "    environment: {B: from-environment, D: $URL, E: null}\n",
    )
    stack = Stack.from_compose(tmp_path, env={"TAG": "from-shell", "E": "shell-e"})
    web = stack.config()["services"]["web"]
    assert web["image"] == "web:from-shell"
    assert web["environment"] == {
        "A": "from-file",
        "B": "from-environment",
        "C": "from-shell",
        "D": "http://host:8000",
        "E": "shell-e",
    }
    assert "env_file" not in web


def test_missing_env_file_is_an_error_with_its_path(tmp_path: Path) -> None:
    _write(tmp_path, "compose.yaml", "services: {web: {image: x, env_file: [missing.env]}}\n")
    with pytest.raises(ComposeError, match=r"services\.web\.env_file\[0\]: cannot read env file"):
        Stack.from_compose(tmp_path, env={})


def test_required_variable_error_names_the_path(tmp_path: Path) -> None:
    path = _write(tmp_path, "compose.yaml", "services: {web: {image: 'x:${TAG:?give a TAG}'}}\n")
    with pytest.raises(
        ComposeError, match=r"services\.web\.image: required variable TAG .*give a TAG"
    ):
        Stack.from_compose(path, env={})


def test_unset_variables_warn(tmp_path: Path) -> None:
    path = _write(tmp_path, "compose.yaml", "services: {web: {image: 'x:${TAG}'}}\n")
    stack = Stack.from_compose(path, env={})
    assert stack.services["web"].image == "x:"
    assert stack.warnings == [
        "services.web.image: the 'TAG' variable is not set, defaulting to a blank string"
    ]


def test_override_files_merge_with_compose_rules(tmp_path: Path) -> None:
    base = _write(
        tmp_path,
        "compose.yaml",
        """
services:
  web:
    image: web:1
    command: ["serve", "--port", "80"]
    environment: [A=1, B=1]
    labels: {team: a}
    ports: ["80:80"]
    volumes: ["./code:/app", "data:/data"]
    depends_on: [db]
    healthcheck: {test: ["CMD", "true"], interval: 10s}
  db: {image: db}
volumes: {data: {}}
""",
    )
    override = _write(
        tmp_path,
        "compose.override.yaml",
        """
services:
  web:
    image: web:2
    command: serve --debug
    environment: {B: 2, C: 3}
    labels: [tier=front]
    ports: ["80:80", "443:443"]
    volumes: ["./other:/app"]
    depends_on: {cache: {condition: service_started}}
    healthcheck: {interval: 1s}
  cache: {image: cache}
""",
    )
    merged = Stack.from_compose([base, override], env={}).services["web"]
    assert merged.image == "web:2"
    assert merged.command == ["serve", "--debug"]
    assert merged.environment == {"A": "1", "B": "2", "C": "3"}
    assert merged.labels == {"team": "a", "tier": "front"}
    assert [p.published for p in merged.ports] == ["80", "443"]
    assert [(v.source, v.target) for v in merged.volumes] == [
        (str(tmp_path / "other"), "/app"),
        ("data", "/data"),
    ]
    assert sorted(merged.depends_on) == ["cache", "db"]
    assert merged.healthcheck is not None and merged.healthcheck.test == ["CMD", "true"]
    assert (
        merged.healthcheck.interval is not None
        and merged.healthcheck.interval.total_seconds() == 1
    )
    # a directory finds compose.yaml and its override file
    assert Stack.from_compose(tmp_path, env={}).services["web"].image == "web:2"


def test_anchors_merge_keys_and_extensions(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "compose.yaml",
        """
x-base: &base
  image: app
  restart: always
services:
  a:
    <<: *base
    x-owner: team-a
  b:
    <<: *base
    restart: "no"
""",
    )
    stack = Stack.from_compose(path, env={})
    assert stack.services["a"].restart == "always" and stack.services["b"].restart == "no"
    config = stack.config()
    assert config["x-base"] == {"image": "app", "restart": "always"}
    assert config["services"]["a"]["x-owner"] == "team-a"


def test_yaml_booleans_follow_yaml_1_2(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "compose.yaml",
        "services: {a: {image: x, privileged: yes, environment: {F: on, G: true}}}\n",
    )
    service = Stack.from_compose(path, env={}).services["a"]
    assert service.environment == {"F": "on", "G": "true"}
    assert service.privileged is True


def test_bad_yaml_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument, match="invalid YAML"):
        Stack.from_compose(_write(tmp_path, "compose.yaml", "services: [unclosed\n"), env={})
    with pytest.raises(InvalidArgument, match="must be a mapping"):
        Stack.from_compose(_write(tmp_path, "compose.yaml", "- a\n"), env={})
    with pytest.raises(InvalidArgument, match="cannot read compose file"):
        Stack.from_compose(tmp_path / "nope.yaml", env={})
    with pytest.raises(ComposeError, match="no compose file in"):
        Stack.from_compose(tmp_path / "..", env={})


def test_missing_extra_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "yaml", None)
    path = _write(tmp_path, "compose.yaml", "services: {a: {image: x}}\n")
    with pytest.raises(InvalidArgument, match=r"pip install 'aiocontainers\[compose\]'"):
        Stack.from_compose(path, env={})


def test_config_cli_prints_the_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(
        tmp_path, "compose.yaml", "services: {web: {image: x, stop_grace_period: 90s}}\n"
    )
    assert main(["config", "-f", str(path), "-p", "cli"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["name"] == "cli"
    assert printed["services"]["web"]["stop_grace_period"] == "1m30s"
    assert printed["networks"] == {"default": {"name": "cli_default", "ipam": {}}}
    assert main(["config", "-f", str(path), "--services"]) == 0
    assert capsys.readouterr().out == "web\n"
    bad = _write(tmp_path, "bad.yaml", "services: {web: {image: x, ports: [nope]}}\n")
    assert main(["config", "-f", str(bad)]) == 1
    assert "services.web.ports[0]: invalid port 'nope'" in capsys.readouterr().err
