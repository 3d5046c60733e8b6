"""Differential cases: ``docker.types`` and ``docker.errors`` (pure code, no engine).

A type's outcome is the dict it is (docker-py's types are dicts), its class
name and the properties docker-py gives it; a bad argument's outcome is the
exception class.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from .harness import Env, attempts, same


def _typed(value: Any) -> Any:
    return type(value).__name__, dict(value)


@same("types.Mount", engine=False)
def mount(docker: ModuleType, env: Env) -> Any:
    t = docker.types
    return [
        _typed(t.Mount("/data", "vol")),
        _typed(t.Mount("/data", "/host", type="bind", read_only=True, propagation="rslave")),
        _typed(t.Mount("/cache", None, type="tmpfs", tmpfs_size="64m", tmpfs_mode=0o1777)),
        _typed(
            t.Mount(
                "/v",
                "named",
                no_copy=True,
                labels={"a": "b"},
                driver_config=t.DriverConfig("local"),
            )
        ),
        _typed(t.Mount.parse_mount_string("/host:/ctr:ro")),
        _typed(t.Mount.parse_mount_string("name:/ctr")),
        _typed(t.Mount.parse_mount_string("/anon")),
        t.Mount("/d", "v")["Target"],
        *attempts(
            lambda: t.Mount("/d", "v", type="weird"),
            lambda: t.Mount("/d", "/h", type="bind", no_copy=True),
            lambda: t.Mount("/d", None, type="tmpfs", propagation="shared"),
            lambda: t.Mount.parse_mount_string("a:b:c:d"),
        ),
    ]


@same("types.Healthcheck", engine=False)
def healthcheck(docker: ModuleType, env: Env) -> Any:
    t = docker.types
    check = t.Healthcheck(test="curl -f localhost", interval=30_000_000_000, retries=3)
    keyed = t.Healthcheck(Test=["CMD", "true"], StartPeriod=1_000_000_000)
    check.test = "true"
    check.timeout = 5_000_000_000
    return (
        _typed(check),
        _typed(keyed),
        (check.test, check.interval, check.timeout, check.retries, check.start_period),
    )


@same("types.LogConfig", engine=False)
def log_config(docker: ModuleType, env: Env) -> Any:
    t = docker.types
    config = t.LogConfig(type=t.LogConfig.types.JSON, config={"max-size": "1g"})
    config.set_config_value("max-file", "3")
    config.unset_config("max-size")
    config.unset_config("never-set")
    return (
        _typed(config),
        config.type,
        config.config,
        _typed(t.LogConfig(Type="none")),
        t.LogConfig.types.SYSLOG,
        *attempts(lambda: t.LogConfig(type="json-file", config="nope")),
    )


@same("types.Ulimit", engine=False)
def ulimit(docker: ModuleType, env: Env) -> Any:
    t = docker.types
    limit = t.Ulimit(name="nofile", soft=1024, hard=2048)
    limit.soft = 512
    return (
        _typed(limit),
        (limit.name, limit.soft, limit.hard),
        _typed(t.Ulimit(Name="nproc", Soft=10)),
        *attempts(lambda: t.Ulimit(name=3), lambda: t.Ulimit(name="x", soft="many")),
    )


@same("types.DeviceRequest", engine=False)
def device_request(docker: ModuleType, env: Env) -> Any:
    t = docker.types
    request = t.DeviceRequest(count=-1, capabilities=[["gpu"]])
    return (
        _typed(request),
        (request.driver, request.count, request.device_ids, request.capabilities, request.options),
        _typed(t.DeviceRequest(Driver="nvidia", DeviceIDs=["0"])),
        *attempts(lambda: t.DeviceRequest(count="all")),
    )


@same("types.HostConfig", engine=False)
def host_config(docker: ModuleType, env: Env) -> Any:
    t = docker.types
    full = t.HostConfig(
        "1.41",
        binds={"/host": {"bind": "/ctr", "mode": "ro"}},
        port_bindings={80: 8080, "53/udp": ("127.0.0.1", 5353)},
        links={"db": "database"},
        privileged=True,
        dns=["1.1.1.1"],
        network_mode="bridge",
        restart_policy={"Name": "always"},
        cap_add=["NET_ADMIN"],
        devices=["/dev/null:/dev/null2:rw"],
        extra_hosts={"h": "10.0.0.1"},
        read_only=True,
        ulimits=[t.Ulimit(name="nofile", soft=1, hard=2), {"Name": "nproc", "Soft": 5}],
        log_config={"type": "json-file"},
        mem_limit="64m",
        memswap_limit="128m",
        mem_reservation="32m",
        shm_size="16m",
        sysctls={"net.core.somaxconn": 1024},
        tmpfs={"/run": "size=1m"},
        cpu_shares=512,
        pids_limit=100,
        init=True,
        auto_remove=True,
        group_add=[1000],
        volumes_from="a,b",
        device_requests=[{"count": 1}],
        mounts=[t.Mount("/m", "vol")],
    )
    return (
        _typed(t.HostConfig("1.41")),
        sorted(full.items()),
        *attempts(
            lambda: t.HostConfig("1.41", network_mode="host", port_bindings={80: 80}),
            lambda: t.HostConfig("1.41", cpu_shares="lots"),
            lambda: t.HostConfig("1.41", userns_mode="private"),
            lambda: t.HostConfig("1.24", mounts=[]),
            lambda: t.HostConfig("1.41", restart_policy="always"),
            lambda: t.HostConfig("1.41", ulimits={"nofile": 1}),
        ),
    )


@same("types.ContainerConfig", engine=False)
def container_config(docker: ModuleType, env: Env) -> Any:
    t = docker.types
    config = t.ContainerConfig(
        "1.41",
        "busybox",
        "sh -c 'echo hi'",
        user=1000,
        stdin_open=True,
        ports=[80, (53, "udp")],
        environment={"A": "1"},
        volumes="/data",
        entrypoint="/bin/sh -c",
        labels=["x"],
        healthcheck={"test": ["CMD", "true"]},
        stop_timeout=5,
    )
    return (
        sorted(config.items(), key=lambda item: item[0]),
        dict(t.ContainerConfig("1.41", "img", ["true"], detach=True)),
        *attempts(lambda: t.ContainerConfig("1.24", "img", None, stop_timeout=1)),
    )


@same("types.EndpointConfig", "types.NetworkingConfig", engine=False)
def endpoint_config(docker: ModuleType, env: Env) -> Any:
    t = docker.types
    endpoint = t.EndpointConfig(
        "1.41",
        aliases=["db"],
        links={"other": "alias"},
        ipv4_address="10.0.0.5",
        link_local_ips=["169.254.0.1"],
        driver_opt={"a": "b"},
        mac_address="02:42:ac:11:00:02",
    )
    return (
        _typed(endpoint),
        _typed(t.EndpointConfig("1.41")),
        _typed(t.NetworkingConfig({"net": endpoint})),
        _typed(t.NetworkingConfig()),
        *attempts(
            lambda: t.EndpointConfig("1.21"),
            lambda: t.EndpointConfig("1.30", driver_opt={"a": "b"}),
            lambda: t.EndpointConfig("1.41", driver_opt=["a"]),
        ),
    )


@same("types.IPAMConfig", "types.IPAMPool", engine=False)
def ipam(docker: ModuleType, env: Env) -> Any:
    t = docker.types
    pool = t.IPAMPool(subnet="10.1.0.0/16", gateway="10.1.0.1", aux_addresses={"r": "10.1.0.2"})
    return (
        _typed(pool),
        _typed(t.IPAMConfig(pool_configs=[pool], options={"o": "v"})),
        _typed(t.IPAMConfig()),
        *attempts(lambda: t.IPAMConfig(options=["o"])),
    )


@same(
    "types.ContainerSpec",
    "types.TaskTemplate",
    "types.Placement",
    "types.PlacementPreference",
    "types.Resources",
    "types.DNSConfig",
    "types.Privileges",
    "types.SecretReference",
    "types.ConfigReference",
    "types.NetworkAttachmentConfig",
    "types.DriverConfig",
    engine=False,
)
def service_types(docker: ModuleType, env: Env) -> Any:
    t = docker.types
    spec = t.ContainerSpec(
        "busybox",
        "sleep 60",
        env={"A": "1"},
        workdir="/tmp",
        hosts={"db": "10.0.0.2", "cache": "10.0.0.3"},
        mounts=["vol:/data:ro", t.Mount("/t", None, type="tmpfs")],
        stop_grace_period=5_000_000_000,
        secrets=[t.SecretReference("sid", "s")],
        configs=[t.ConfigReference({"ID": "cid"}, "c", filename="/c", uid="1", mode=0o400)],
        dns_config=t.DNSConfig(nameservers=["1.1.1.1"]),
        privileges=t.Privileges(selinux_disable=True),
        healthcheck=t.Healthcheck(test=["CMD", "true"]),
        cap_add=["NET_ADMIN"],
        sysctls={"a": "1"},
    )
    template = t.TaskTemplate(
        spec,
        resources=t.Resources(
            cpu_limit=1_000_000_000,
            mem_reservation=1 << 20,
            generic_resources={"gpu": 1, "ssd": "a"},
        ),
        restart_policy=t.RestartPolicy(
            condition="on-failure", delay=1_000_000_000, max_attempts=3
        ),
        placement=["node.role==manager"],
        networks=["net", t.NetworkAttachmentConfig("other", aliases=["x"])],
        force_update=2,
    )
    placement = t.Placement(
        constraints=["a==b"],
        preferences=[("spread", "node.labels.zone")],
        platforms=[("amd64", "linux")],
        maxreplicas=2,
    )
    return (
        sorted(spec.items()),
        sorted(template.items(), key=lambda item: item[0]),
        (template.container_spec is spec, template.restart_policy, template.placement),
        _typed(placement),
        _typed(t.DriverConfig("local", options={"o": "1"})),
        *attempts(
            lambda: t.ContainerSpec("img", secrets="s"),
            lambda: t.TaskTemplate(spec, force_update="yes"),
            lambda: t.PlacementPreference("pack", "x"),
            lambda: t.Privileges(credentialspec_file="f", credentialspec_registry="r"),
            lambda: t.Resources(generic_resources="gpu"),
            lambda: t.Resources(generic_resources={"gpu": 1.5}),
            lambda: t.SecretReference(None, "s"),
        ),
    )


@same(
    "types.UpdateConfig",
    "types.RollbackConfig",
    "types.RestartPolicy",
    "types.EndpointSpec",
    "types.ServiceMode",
    engine=False,
)
def service_options(docker: ModuleType, env: Env) -> Any:
    t = docker.types
    update = t.UpdateConfig(
        parallelism=2, delay=1_000_000_000, monitor=5, max_failure_ratio=0.5, order="start-first"
    )
    job = t.ServiceMode("replicated-job", replicas=3, concurrency=2)
    return (
        _typed(update),
        _typed(t.RollbackConfig(failure_action="pause")),
        _typed(t.RestartPolicy()),
        t.RestartPolicy.condition_types.ANY,
        _typed(t.EndpointSpec(mode="vip", ports={8080: 80, 53: (53, "udp", "host")})),
        _typed(t.EndpointSpec(ports=[{"TargetPort": 1}])),
        (_typed(t.ServiceMode("replicated", replicas=2)), t.ServiceMode("global").replicas),
        (_typed(job), job.replicas, job.mode),
        _typed(t.ServiceMode("global-job")),
        *attempts(
            lambda: t.UpdateConfig(failure_action="explode"),
            lambda: t.UpdateConfig(monitor=1.5),
            lambda: t.UpdateConfig(max_failure_ratio=2),
            lambda: t.UpdateConfig(order="sideways"),
            lambda: t.RestartPolicy(condition="sometimes"),
            lambda: t.EndpointSpec(ports="80"),
            lambda: t.ServiceMode("sometimes"),
            lambda: t.ServiceMode("global", replicas=2),
        ),
    )


@same("types.SwarmSpec", "types.SwarmExternalCA", engine=False)
def swarm_spec(docker: ModuleType, env: Env) -> Any:
    t = docker.types
    ca = t.SwarmExternalCA("https://ca.example", protocol="cfssl")
    spec = t.SwarmSpec(
        "1.41",
        task_history_retention_limit=5,
        snapshot_interval=10000,
        dispatcher_heartbeat_period=5_000_000_000,
        node_cert_expiry=7_776_000_000_000_000,
        external_cas=[ca],
        name="default",
        labels={"a": "b"},
        signing_ca_cert="cert",
        ca_force_rotate=1,
        autolock_managers=True,
        log_driver={"Name": "json-file"},
    )
    return (
        _typed(ca),
        sorted(spec.items()),
        dict(t.SwarmSpec("1.41")),
        *attempts(
            lambda: t.SwarmSpec("1.24", external_cas=[ca, ca]),
            lambda: t.SwarmSpec("1.29", signing_ca_key="k"),
            lambda: t.SwarmSpec("1.24", autolock_managers=True),
        ),
    )


@same("types.CancellableStream")
def cancellable_stream(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper(["sh", "-c", "echo a; sleep 60"])
    stream = container.logs(stream=True)
    first = next(stream)
    stream.close()
    return isinstance(stream, docker.types.CancellableStream), first


@same("types.Mount", "types.Healthcheck", "types.LogConfig", "types.Ulimit", "types.RestartPolicy")
def run_with_docker_types(docker: ModuleType, env: Env) -> Any:
    t = docker.types
    volume = env.name("vol")
    env.defer(lambda: env.client.volumes.get(volume).remove(force=True))
    container = env.sleeper(
        mounts=[t.Mount("/data", volume, labels=env.labels), t.Mount("/tmp", None, type="tmpfs")],
        healthcheck=t.Healthcheck(test=["CMD", "true"], interval=200_000_000, retries=2),
        log_config=t.LogConfig(type=t.LogConfig.types.JSON, config={"max-size": "1m"}),
        ulimits=[t.Ulimit(name="nofile", soft=1024, hard=2048)],
    )
    host, config = container.attrs["HostConfig"], container.attrs["Config"]
    return (
        [(m["Target"], m["Type"]) for m in host["Mounts"]],
        config["Healthcheck"],
        host["LogConfig"],
        host["Ulimits"],
    )


@same(
    "types.ContainerSpec",
    "types.TaskTemplate",
    "types.ServiceMode",
    "types.UpdateConfig",
    "types.RollbackConfig",
    "types.EndpointSpec",
    "types.Resources",
    "types.Placement",
    "types.SecretReference",
    "types.RestartPolicy",
    swarm=True,
)
def service_with_docker_types(docker: ModuleType, env: Env) -> Any:
    t = docker.types
    secret = env.client.secrets.create(name=env.name("s"), data=b"x", labels=env.labels)
    env.defer(secret.remove)
    service = env.client.services.create(
        env.image,
        ["sleep", "60"],
        name=env.name("svc"),
        labels=env.labels,
        mode=t.ServiceMode("replicated", replicas=1),
        update_config=t.UpdateConfig(parallelism=1, delay=1_000_000_000, order="start-first"),
        rollback_config=t.RollbackConfig(failure_action="pause"),
        endpoint_spec=t.EndpointSpec(mode="dnsrr"),
        resources=t.Resources(mem_limit=64 << 20),
        constraints=["node.role==manager"],
        secrets=[t.SecretReference(secret.id, secret.name)],
        restart_policy=t.RestartPolicy(condition="on-failure", max_attempts=1),
    )
    env.defer(service.remove)
    spec = service.attrs["Spec"]
    task = spec["TaskTemplate"]
    return (
        spec["Mode"],
        spec["UpdateConfig"],
        spec["RollbackConfig"],
        spec["EndpointSpec"],
        task["Resources"],
        task["Placement"],
        [ref["SecretName"] for ref in task["ContainerSpec"]["Secrets"]],
        task["RestartPolicy"],
    )


@same("ServiceCollection.create", "Service.update", swarm=True)
def service_duration_keyword(docker: ModuleType, env: Env) -> Any:
    service = env.client.services.create(
        env.image,
        ["sleep", "60"],
        name=env.name("svc"),
        labels=env.labels,
        stop_grace_period=2_000_000_000,
    )
    env.defer(service.remove)
    created = service.attrs["Spec"]["TaskTemplate"]["ContainerSpec"]["StopGracePeriod"]
    service.update(stop_grace_period=3_500_000_000)
    service.reload()
    return created, service.attrs["Spec"]["TaskTemplate"]["ContainerSpec"]["StopGracePeriod"]


# -- errors ---------------------------------------------------------------------------------


@same(
    "errors.APIError",
    "errors.NotFound",
    "errors.ImageNotFound",
    "errors.DockerException",
    engine=False,
)
def api_errors(docker: ModuleType, env: Env) -> Any:
    e = docker.errors

    class Response:
        status_code = 404
        reason = "Not Found"
        url = "http://x"

    built = [
        e.APIError("m", response=Response(), explanation="x"),
        e.NotFound("gone"),
        e.ImageNotFound("no image", Response(), "why"),
    ]
    return [
        (
            type(error).__name__,
            isinstance(error, e.DockerException),
            error.status_code,
            error.explanation,
            error.is_error(),
            error.is_client_error(),
            error.is_server_error(),
            error.response is None,
        )
        for error in built
    ]


@same(
    "errors.ContainerError",
    "errors.BuildError",
    "errors.ImageLoadError",
    "errors.StreamParseError",
    "errors.InvalidArgument",
    "errors.InvalidRepository",
    "errors.InvalidVersion",
    "errors.InvalidConfigFile",
    "errors.NullResource",
    "errors.DeprecatedMethod",
    "errors.TLSParameterError",
    "errors.MissingContextParameter",
    "errors.ContextException",
    "errors.ContextNotFound",
    "errors.ContextAlreadyExists",
    engine=False,
)
def other_errors(docker: ModuleType, env: Env) -> Any:
    e = docker.errors
    container_error = e.ContainerError("c", 1, "cmd", "img", b"err")
    return (
        (container_error.exit_status, container_error.command, container_error.stderr),
        e.BuildError("r", [{"x": 1}]).build_log,
        e.StreamParseError("bad").msg,
        isinstance(e.StreamParseError("bad"), RuntimeError),
        isinstance(e.NullResource("x"), ValueError),
        e.MissingContextParameter("host").param,
        e.ContextNotFound("ctx").name,
        e.ContextAlreadyExists("ctx").name,
        e.ContextException("m").msg,
        e.TLSParameterError("m").msg,
        [
            isinstance(cls("x"), e.DockerException)
            for cls in (
                e.ImageLoadError,
                e.InvalidArgument,
                e.InvalidRepository,
                e.InvalidVersion,
                e.InvalidConfigFile,
                e.DeprecatedMethod,
            )
        ],
    )


@same("errors.create_api_error_from_http_exception", engine=False)
def create_api_error(docker: ModuleType, env: Env) -> Any:
    import requests

    response = requests.Response()
    response.status_code = 404
    response._content = b'{"message": "No such image: x"}'
    error = requests.exceptions.HTTPError("boom", response=response)
    try:
        docker.errors.create_api_error_from_http_exception(error)
    except docker.errors.APIError as exc:
        return exc, exc.explanation, exc.response is response
    return None
