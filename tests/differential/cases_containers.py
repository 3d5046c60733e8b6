"""Differential cases: containers (``client.containers`` and ``Container``)."""

from __future__ import annotations

import io
import tarfile
import time
from types import ModuleType
from typing import Any

from .harness import Env, attempts, differs, same, typed, walk

# -- helpers ---------------------------------------------------------------------------------


def tar_of(files: dict[str, bytes]) -> bytes:
    """A tar archive holding ``files`` (name -> content)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def tar_members(data: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        return {
            member.name: (tar.extractfile(member) or io.BytesIO()).read()
            for member in tar.getmembers()
            if member.isfile()
        }


def created(docker: ModuleType, env: Env, command: str | list[str] = "true", **kw: Any) -> Any:
    """A created (not started) container, removed at the end."""
    container = env.client.containers.create(env.image, command, labels=env.labels, **kw)
    env.defer(lambda: container.remove(force=True, v=True))
    return container


def exited(docker: ModuleType, env: Env, command: str | list[str], **kw: Any) -> Any:
    container = env.sleeper(command, **kw)
    container.wait()
    container.reload()
    return container


# -- the collection --------------------------------------------------------------------------


@same("ContainerCollection.run", "Container.logs")
def run_detached_then_logs(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper(["sh", "-c", "echo out; sleep 0.2; echo err >&2"])
    container.wait()
    return (
        container.logs(),
        container.logs(stdout=True, stderr=False),
        container.logs(stdout=False, stderr=True),
        container.logs(tail=1),
        container.logs(timestamps=True)[30:],
    )


@same("ContainerCollection.run")
def run_foreground_returns_stdout(docker: ModuleType, env: Env) -> Any:
    script = ["sh", "-c", "echo out; sleep 0.2; echo err >&2"]
    output = env.client.containers.run(env.image, script, remove=True, labels=env.labels)
    both = env.client.containers.run(
        env.image,
        script,
        stderr=True,
        remove=True,
        labels=env.labels,
    )
    return output, both


@same("ContainerCollection.run")
def run_foreground_auto_remove(docker: ModuleType, env: Env) -> Any:
    return env.client.containers.run(
        env.image, "sh -c 'sleep 1; echo hi'", auto_remove=True, labels=env.labels
    )


@same("ContainerCollection.run")
def run_foreground_unreadable_logs(docker: ModuleType, env: Env) -> Any:
    return env.client.containers.run(
        env.image, "echo hi", log_config={"type": "none"}, remove=True, labels=env.labels
    )


@same("ContainerCollection.run")
def run_foreground_nonzero_exit(docker: ModuleType, env: Env) -> Any:
    try:
        env.client.containers.run(
            env.image, ["sh", "-c", "echo bad >&2; exit 3"], remove=True, labels=env.labels
        )
    except docker.errors.ContainerError as exc:
        return type(exc).__name__, exc.exit_status, exc.stderr, exc.image, exc.command
    return None


@same("ContainerCollection.run", raises="APIError")
def run_missing_image(docker: ModuleType, env: Env) -> Any:
    return env.client.containers.run("diff-no-such-image:nope", "true", labels=env.labels)


@same("ContainerCollection.run")
def run_host_config_defaults(docker: ModuleType, env: Env) -> Any:
    container = created(docker, env)
    host = container.attrs["HostConfig"]
    return {key: host.get(key) for key in ("Runtime", "NetworkMode", "LogConfig")}


@same("ContainerCollection.run", "Container.attrs")
def run_options_reach_the_daemon(docker: ModuleType, env: Env) -> Any:
    container = created(
        docker,
        env,
        ["sleep", "5"],
        environment={"A": "1"},
        working_dir="/tmp",
        user="1000",
        hostname="box",
        mem_limit="64m",
        restart_policy={"Name": "on-failure", "MaximumRetryCount": 2},
        ports={"80/tcp": ("127.0.0.1", None)},
        volumes={env.name("vol"): {"bind": "/data", "mode": "ro"}},
        entrypoint=["/bin/sh", "-c"],
        cap_add=["NET_ADMIN"],
        extra_hosts={"db": "10.0.0.1"},
        tmpfs={"/run": "size=1m"},
        init=True,
        stop_signal="SIGINT",
    )
    env.defer(lambda: env.client.volumes.get(env.name("vol")).remove(force=True))
    config, host = container.attrs["Config"], container.attrs["HostConfig"]
    return (
        sorted(container.attrs),
        [v for v in config["Env"] if v.startswith("A=")],
        config["WorkingDir"],
        config["User"],
        config["Hostname"],
        config["Entrypoint"],
        config["Cmd"],
        config["StopSignal"],
        host["Memory"],
        host["RestartPolicy"],
        host["PortBindings"],
        host["Binds"],
        host["CapAdd"],
        host["ExtraHosts"],
        host["Tmpfs"],
        host["Init"],
    )


@same("ContainerCollection.run")
def run_networking_config_for_another_network(docker: ModuleType, env: Env) -> Any:
    network = env.client.networks.create(env.name("net"), labels=env.labels)
    env.defer(network.remove)
    container = created(
        docker,
        env,
        network=network.name,
        networking_config={"bridge": docker.types.EndpointConfig("1.41", aliases=["x"])},
    )
    return sorted(container.attrs["NetworkSettings"]["Networks"])


@same("ContainerCollection.run", raises="APIError")
def run_networking_config_for_two_networks(docker: ModuleType, env: Env) -> Any:
    """API 1.41 connects a new container to one network: the daemon refuses two."""
    network = env.client.networks.create(env.name("net"), labels=env.labels)
    env.defer(network.remove)
    config = {
        network.name: docker.types.EndpointConfig("1.41", aliases=["x"]),
        "bridge": docker.types.EndpointConfig("1.41", aliases=["y"]),
    }
    return env.client.containers.run(
        env.image, "true", network=network.name, networking_config=config, labels=env.labels
    )


@differs(
    "ContainerCollection.run",
    reason="ContainerError.stderr holds what the container wrote even with auto_remove=True: "
    "the output is read while the container runs; docker-py reads it after the daemon "
    "removed the container and gives None",
    adjust=lambda theirs: walk(theirs, _stderr_kept),
)
def run_auto_remove_error_keeps_stderr(docker: ModuleType, env: Env) -> Any:
    try:
        env.client.containers.run(
            env.image,
            ["sh", "-c", "echo bad >&2; sleep 1; exit 3"],
            auto_remove=True,
            labels=env.labels,
        )
    except docker.errors.ContainerError as exc:
        return exc.exit_status, exc.stderr
    return None


def _stderr_kept(value: Any) -> Any:
    if value == typed("NoneType", None):
        return typed("bytes", b"bad\n")
    return value


@differs(
    "Container.labels",
    reason="a sparse container's labels come from the list's own Labels; docker-py raises "
    "DockerException until reload()",
    adjust=lambda theirs: typed("bool", True),
    raises="DockerException",
)
def sparse_labels(docker: ModuleType, env: Env) -> Any:
    env.sleeper()
    label = f"aiocontainers.diff={env.token}"
    (sparse,) = env.client.containers.list(sparse=True, filters={"label": label})
    try:
        return env.labels.items() <= sparse.labels.items()
    except docker.errors.DockerException as exc:
        return exc


@same("ContainerCollection.create", "Container.start", "Container.status", "Container.reload")
def create_start_status(docker: ModuleType, env: Env) -> Any:
    container = created(docker, env, "sleep 30")
    before = container.status
    container.start()
    stale = container.status
    container.reload()
    return before, stale, container.status


@same("ContainerCollection.get", "Container.name", "Container.id", "Container.short_id")
def get_by_name_and_id(docker: ModuleType, env: Env) -> Any:
    container = created(docker, env, name=env.name("c"))
    by_name = env.client.containers.get(env.name("c"))
    by_short = env.client.containers.get(container.short_id)
    return (
        by_name.id == container.id == by_short.id,
        by_name.name,
        container.short_id == container.id[:12],
        type(by_name).__name__,
    )


@same("ContainerCollection.get", raises="NotFound")
def get_missing(docker: ModuleType, env: Env) -> Any:
    return env.client.containers.get(env.name("nothing"))


@same("ContainerCollection.list")
def list_filters(docker: ModuleType, env: Env) -> Any:
    running = env.sleeper()
    stopped = created(docker, env)
    label = f"aiocontainers.diff={env.token}"
    everything = env.client.containers.list(all=True, filters={"label": label})
    only_running = env.client.containers.list(filters={"label": label})
    sparse = env.client.containers.list(all=True, sparse=True, filters={"label": label})
    limited = env.client.containers.list(all=True, limit=1, filters={"label": label})
    return (
        sorted(c.id for c in everything) == sorted([running.id, stopped.id]),
        [c.id for c in only_running] == [running.id],
        sorted(sparse[0].attrs),
        sorted(everything[0].attrs),
        len(limited),
        env.client.containers.list(filters={"label": "diff-none=1"}),
    )


@differs(
    "ContainerCollection.list",
    reason="before= and since= are sent as filters, which the daemon applies; docker-py sends "
    "them as query parameters that API 1.41 ignores, so it lists every container",
    adjust=lambda theirs: typed(
        "tuple", (typed("list", (typed("bool", True),)), typed("list", (typed("bool", True),)))
    ),
)
def list_before_since(docker: ModuleType, env: Env) -> Any:
    first = created(docker, env)
    second = created(docker, env)
    label = {"label": f"aiocontainers.diff={env.token}"}
    since = env.client.containers.list(all=True, since=first.id, filters=label)
    before = env.client.containers.list(all=True, before=second.id, filters=label)
    return [c.id == second.id for c in since], [c.id == first.id for c in before]


@same("ContainerCollection.prune")
def prune_by_label(docker: ModuleType, env: Env) -> Any:
    container = created(docker, env)
    result = env.client.containers.prune(filters={"label": f"aiocontainers.diff={env.token}"})
    return result["ContainersDeleted"] == [container.id], sorted(result)


# -- lifecycle -------------------------------------------------------------------------------


@same("Container.stop", "Container.wait")
def stop_and_wait(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper(["sh", "-c", "trap 'exit 7' TERM; sleep 60 & wait"])
    time.sleep(0.3)
    container.stop(timeout=5)
    return container.wait()


@same("Container.wait")
def wait_conditions(docker: ModuleType, env: Env) -> Any:
    container = created(docker, env, "sh -c 'exit 4'")
    container.start()
    return container.wait(condition="not-running"), container.wait(timeout=10)


@differs(
    "Container.wait",
    reason="wait(timeout=) is a deadline raising aiocontainers.Timeout (a TimeoutError); "
    "docker-py raises requests' ReadTimeout (there is no requests underneath here)",
    adjust=lambda theirs: (
        typed("str", "Timeout") if theirs == typed("str", "ConnectionError") else theirs
    ),
)
def wait_timeout(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper()
    try:
        container.wait(timeout=0.5)
    except Exception as exc:  # requests' ConnectionError (a read timeout) or ours
        return "Timeout" if isinstance(exc, TimeoutError) else type(exc).__name__
    return None


@same("Container.kill")
def kill_with_signal(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper(["sh", "-c", "trap 'exit 9' USR1; sleep 60 & wait"])
    time.sleep(0.3)
    container.kill(signal="SIGUSR1")
    first = container.wait()
    stopped = created(docker, env)
    try:
        stopped.kill()
    except docker.errors.APIError as exc:
        return first, exc
    return first, None


@same("Container.restart")
def restart_changes_start_time(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper()
    started = container.attrs["State"]["StartedAt"]
    container.restart(timeout=1)
    container.reload()
    return container.status, container.attrs["State"]["StartedAt"] != started


@same("Container.pause", "Container.unpause")
def pause_unpause(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper()
    results = [container.pause()]
    container.reload()
    paused = container.status
    results.append(container.unpause())
    container.reload()
    return results, paused, container.status


@same("Container.remove")
def remove_options(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper()
    try:
        container.remove()
    except docker.errors.APIError as exc:
        conflict = exc
    result = container.remove(force=True, v=True)
    try:
        env.client.containers.get(container.id)
    except docker.errors.NotFound:
        return conflict, result, "gone"
    return conflict, result, "still there"


@same("Container.rename")
def rename(docker: ModuleType, env: Env) -> Any:
    container = created(docker, env)
    result = container.rename(env.name("renamed"))
    container.reload()
    return result, container.name


@same("Container.resize")
def resize_tty(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper(tty=True)
    return container.resize(30, 100)


@same("Container.update")
def update_resources(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper()
    result = container.update(mem_limit="32m", memswap_limit="64m", cpu_shares=512)
    container.reload()
    host = container.attrs["HostConfig"]
    return sorted(result), host["Memory"], host["MemorySwap"], host["CpuShares"]


# -- inspection ------------------------------------------------------------------------------


@same("Container.labels", "Container.ports", "Container.health", "Container.client")
def cached_properties(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper(ports={"80/tcp": ("127.0.0.1", None)})
    created = container.ports  # run() returns the container as created: no bindings yet
    container.reload()
    ports = container.ports
    return (
        container.labels == env.labels,
        created,
        sorted(ports),
        [sorted(binding) for binding in ports["80/tcp"]],
        container.health,
        type(container.client).__name__,
    )


@same("Container.health", "Container.attrs")
def health_status(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper(
        healthcheck={"test": ["CMD", "true"], "interval": 200_000_000, "retries": 1}
    )
    for _ in range(50):
        container.reload()
        if container.health != "starting":
            break
        time.sleep(0.1)
    return container.health, container.attrs["Config"]["Healthcheck"]


@same("Container.image")
def container_image(docker: ModuleType, env: Env) -> Any:
    container = created(docker, env)
    image = container.image
    return type(image).__name__, image.id == container.attrs["Image"]


@same("Image.short_id")
def image_short_id(docker: ModuleType, env: Env) -> Any:
    image = env.client.images.get(env.image)
    return len(image.short_id), image.id.startswith(image.short_id)


@same("Container.collection")
def container_collection(docker: ModuleType, env: Env) -> Any:
    container = created(docker, env)
    return type(container.collection).__name__


@same("Container.top")
def top(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper()
    result = container.top()
    with_args = container.top(ps_args="-o pid,comm")
    return result["Titles"], len(result["Processes"]), with_args["Titles"]


@differs(
    "Container.diff",
    reason="diff() gives [] when nothing changed; docker-py gives None",
    adjust=lambda theirs: walk(
        theirs, lambda v: typed("list", ()) if v == typed("NoneType", None) else v
    ),
)
def diff_unchanged(docker: ModuleType, env: Env) -> Any:
    container = created(docker, env)
    return container.diff()


@same("Container.diff")
def diff_changed(docker: ModuleType, env: Env) -> Any:
    container = exited(docker, env, ["sh", "-c", "touch /tmp/x"])
    return sorted((entry["Path"], entry["Kind"]) for entry in container.diff())


@same("Container.stats")
def stats_one_shot(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper()
    sample = container.stats(stream=False)
    return (
        type(sample).__name__,
        sorted(sample)[:3],
        bool(sample["precpu_stats"].get("system_cpu_usage")),
    )


@same("Container.stats")
def stats_stream_raw(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper()
    stream = container.stats(stream=True, decode=False)
    first = next(iter(stream))
    stream.close()
    return type(first).__name__


@differs(
    "Container.stats",
    reason="stats() without decode yields dicts; docker-py's default yields each sample's "
    "JSON bytes (decode=False gives them here too)",
    adjust=lambda theirs: typed("str", "dict") if theirs == typed("str", "bytes") else theirs,
)
def stats_stream_default(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper()
    stream = container.stats()
    first = next(iter(stream))
    stream.close()
    return type(first).__name__


@same("Container.stats")
def stats_stream_decoded(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper()
    stream = container.stats(stream=True, decode=True)
    first = next(iter(stream))
    stream.close()
    return type(first).__name__, "memory_stats" in first


# -- logs, attach, exec ----------------------------------------------------------------------


@differs(
    "Container.logs",
    reason="logs(stream=True) yields whole lines; docker-py yields the daemon's chunks, which "
    "split lines longer than 16 KiB (lines=False gives chunks)",
    adjust=lambda theirs: (
        typed("list", (typed("int", 20001), typed("int", 3)))
        if theirs == typed("list", (typed("int", 16384), typed("int", 3617), typed("int", 3)))
        else theirs
    ),
)
def logs_stream_lines(docker: ModuleType, env: Env) -> Any:
    script = "head -c 20000 /dev/zero | tr '\\0' a; echo; echo ok"
    container = env.sleeper(["sh", "-c", script])
    container.wait()
    return [len(chunk) for chunk in container.logs(stream=True, follow=False)]


@same("Container.logs")
def logs_since_until(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper(["sh", "-c", "echo early; sleep 2; echo late"])
    container.wait()
    started = container.attrs["State"]["StartedAt"]
    del started
    future = int(time.time()) + 3600
    return container.logs(since=future), container.logs(until=1)


@differs(
    "Container.attach",
    reason="attach(logs=True) without stream returns the output so far, as the daemon sends "
    "it; docker-py 7 returns b'' (its non-stream read drops the frames), in most runs",
    oracle_varies=True,
    adjust=lambda theirs: (
        typed("tuple", (typed("bytes", b"hi\n"), typed("bytes", b"")))
        if theirs == typed("tuple", (typed("bytes", b""), typed("bytes", b"")))
        else theirs
    ),
)
def attach_logs(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper(["sh", "-c", "echo hi; sleep 30"])
    time.sleep(0.5)
    return container.attach(logs=True, stream=False), container.attach(logs=False)


@same("Container.attach")
def attach_stream(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper(["sh", "-c", "sleep 0.5; echo one; sleep 0.2; echo two"])
    stream = container.attach(stream=True, logs=True)
    try:
        return b"".join(stream)
    finally:
        stream.close()


@differs(
    "Container.attach_socket",
    reason="attach_socket(params=...) returns a two-way stream object (write(), "
    "close_stdin()) where docker-py returns its socket wrapper",
    adjust=lambda theirs: typed("str", "stream"),
)
def attach_socket_kind(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper("cat", stdin_open=True)
    sock = container.attach_socket(params={"stdin": 1, "stream": 1, "stdout": 1})
    kind = "stream" if hasattr(sock, "close_stdin") else "socket"
    sock.close()
    return kind


@same("Container.exec_run")
def exec_run_plain(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper()
    return (
        container.exec_run("echo hi"),
        container.exec_run(["sh", "-c", "echo e >&2; exit 2"]),
        container.exec_run("sh -c 'echo $A'", environment={"A": "x"}),
        container.exec_run("pwd", workdir="/tmp"),
        container.exec_run("id -u", user="1000"),
        container.exec_run("echo quiet", stdout=False),
        container.exec_run("tty", tty=True),
    )


@differs(
    "Container.exec_run",
    reason="exec_run(detach=True) gives ExecResult(None, b''); docker-py's output is the str ''",
    adjust=lambda theirs: (
        typed("ExecResult", (typed("NoneType", None), typed("bytes", b"")))
        if theirs == typed("ExecResult", (typed("NoneType", None), typed("str", "")))
        else theirs
    ),
)
def exec_run_detached(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper()
    return container.exec_run("sleep 1", detach=True)


@differs(
    "Container.exec_run",
    reason="demux=True gives b'' for a stream that wrote nothing; docker-py gives None",
    adjust=lambda theirs: walk(
        theirs, lambda v: typed("bytes", b"") if v == typed("NoneType", None) else v
    ),
)
def exec_run_demux(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper()
    return container.exec_run("echo out", demux=True)


@same("Container.exec_run")
def exec_run_stream_unpacks(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper()
    exit_code, output = container.exec_run("sh -c 'echo a; echo b'", stream=True)
    return exit_code, b"".join(output)


@same("Container.exec_run")
def exec_run_positional(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper()
    return container.exec_run("echo hi", True, False)


# -- files -----------------------------------------------------------------------------------


@same("Container.put_archive", "Container.get_archive")
def archive_round_trip(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper()
    put = container.put_archive("/tmp", tar_of({"hello.txt": b"hello\n"}))
    stream, stat = container.get_archive("/tmp/hello.txt")
    data = b"".join(stream)
    return put, tar_members(data), sorted(stat), stat["name"], stat["size"]


@same("Container.put_archive")
def put_archive_file_object(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper()
    return container.put_archive("/tmp", io.BytesIO(tar_of({"f": b"x"})))


@same("Container.put_archive")
def put_archive_generator(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper()
    data = tar_of({"g.txt": b"from a generator\n"})
    pieces = (data[start : start + 1000] for start in range(0, len(data), 1000))
    put = container.put_archive("/tmp", pieces)
    stream, _ = container.get_archive("/tmp/g.txt")
    return put, tar_members(b"".join(stream))


@same("Container.get_archive", raises="NotFound")
def get_archive_missing(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper()
    return container.get_archive("/no/such/path")


@same("Container.get_archive")
def get_archive_encode_stream(docker: ModuleType, env: Env) -> Any:
    container = env.sleeper()
    stream, _ = container.get_archive("/etc/hostname", encode_stream=True)
    return sorted(tar_members(b"".join(stream)))


@same("Container.export")
def export_contains_files(docker: ModuleType, env: Env) -> Any:
    container = exited(docker, env, ["sh", "-c", "echo data > /marker"])
    data = b"".join(container.export())
    return tar_members(data).get("marker")


@same("Container.commit")
def commit_to_image(docker: ModuleType, env: Env) -> Any:
    container = exited(docker, env, ["sh", "-c", "echo data > /marker"])
    repository = f"diff-commit-{env.token}"
    image = container.commit(
        repository, tag="v1", changes=["ENV X=1"], conf={"Labels": env.labels}
    )
    env.defer(lambda: env.client.images.remove(image.id, force=True))
    return (
        type(image).__name__,
        image.tags,
        [e for e in image.attrs["Config"]["Env"] if e == "X=1"],
    )


@same("ContainerCollection.run", "ContainerCollection.create", "ContainerCollection.list")
def misspelt_keywords(docker: ModuleType, env: Env) -> Any:
    return attempts(
        lambda: env.client.containers.run(env.image, "true", detatch=True, labels=env.labels),
        lambda: env.client.containers.create(env.image, "true", lables=env.labels),
        lambda: env.client.containers.list(al=True),
    )


@same("Container.reload", "Container.status", "Container.name")
def model_made_by_hand(docker: ModuleType, env: Env) -> Any:
    """Tests build docker-py models from attrs; bound to a client, they work as fetched ones."""
    container = env.sleeper(name=env.name("byhand"))
    by_hand = docker.models.containers.Container(
        attrs={"Id": container.id}, client=env.client, collection=env.client.containers
    )
    before = by_hand.attrs
    by_hand.reload()
    loose = docker.models.networks.Network({"Id": "n1", "Name": "loose"})
    return before, by_hand.status, by_hand.name, by_hand == container, loose.name, loose.id
