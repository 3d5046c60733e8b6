#!/usr/bin/env bash
# Make the Docker Engine that aiocontainers' tests, demo and benchmarks need available.
#
#   bash scripts/engine.sh up      # engine + local registry + offline test image (idempotent)
#   bash scripts/engine.sh status  # what answers and what this script started
#   bash scripts/engine.sh down    # stop what this script started (never anything else)
#
# `up` does, skipping every step that is already done:
#   1. Engine: reuse the one at $DOCKER_HOST (when set) or unix:///var/run/docker.sock if
#      GET /_ping answers. Otherwise, on Debian as root, apt-get install the missing packages
#      (docker.io, docker-registry, busybox-static, docker-compose, tmux, chromium) and start
#      dockerd in the background.
#   2. Registry: reuse anything answering http://127.0.0.1:5000/v2/, else start Debian's
#      `docker-registry` (filesystem storage under /var/lib/aiocontainers/registry). The engine
#      treats 127.0.0.0/8 registries as insecure by default, so plain-HTTP pushes work.
#   3. Image: build aiocontainers-test/busybox:latest from tests/images/busybox/Dockerfile and
#      the static /bin/busybox (no registry needed). Without a static busybox, pull `busybox`
#      from a reachable registry instead.
#   4. Aliases: tag the test image as busybox:latest and alpine:latest, but only where no such
#      image exists or the existing one is an alias made by this script. This lets the
#      docker-py style examples (`run("busybox", ...)`, `create("alpine:latest", ...)`) run
#      offline. An alias is busybox, not Alpine: only busybox applets are available.
#
# Environment: DOCKER_HOST (unix:// or tcp:// engine to use), AIOCONTAINERS_STATE_DIR,
# AIOCONTAINERS_LOG_DIR, AIOCONTAINERS_RUN_DIR (pid files, default /var/run), PYTHON
# (interpreter for the stdlib-only probes, default python3).
set -euo pipefail

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT_DIR
readonly STATE_DIR="${AIOCONTAINERS_STATE_DIR:-/var/lib/aiocontainers}"
readonly LOG_DIR="${AIOCONTAINERS_LOG_DIR:-/var/log/aiocontainers}"
readonly RUN_DIR="${AIOCONTAINERS_RUN_DIR:-/var/run}"
readonly DOCKERD_PIDFILE="$RUN_DIR/aiocontainers-dockerd.pid"
readonly REGISTRY_PIDFILE="$RUN_DIR/aiocontainers-registry.pid"
readonly DEFAULT_HOST=unix:///var/run/docker.sock
readonly ENGINE_HOST="${DOCKER_HOST:-$DEFAULT_HOST}"
readonly REGISTRY_ADDR=127.0.0.1:5000
readonly TEST_IMAGE=aiocontainers-test/busybox:latest
readonly ALIASES=(busybox:latest alpine:latest)
readonly DOCKERFILE="$ROOT_DIR/tests/images/busybox/Dockerfile"
readonly BUSYBOX=/bin/busybox
# Label on the test image: hash of the Dockerfile and busybox binary, to rebuild on change.
readonly SOURCE_LABEL=org.aiocontainers.test-image.source
readonly PYTHON="${PYTHON:-python3}"
readonly WAIT_SECONDS=60

log() { printf '[engine] %s\n' "$*"; }
die() { printf '[engine] error: %s\n' "$*" >&2; exit 1; }

# --- probes (python3 stdlib only, so no curl is needed) --------------------------------------

# Exit 0 when the engine at $1 (unix://PATH or tcp://HOST:PORT) answers GET /_ping with OK.
engine_pings() {
    "$PYTHON" - "$1" <<'PY'
import http.client, socket, sys

url = sys.argv[1]


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str) -> None:
        super().__init__("localhost", timeout=3)
        self.unix_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self.unix_path)
        self.sock = sock


if url.startswith("unix://"):
    conn = UnixConnection(url[len("unix://"):])
elif url.startswith(("tcp://", "http://")):
    conn = http.client.HTTPConnection(url.split("://", 1)[1].rstrip("/"), timeout=3)
else:
    sys.exit(2)
try:
    conn.request("GET", "/_ping")
    response = conn.getresponse()
    sys.exit(0 if response.status == 200 and response.read().strip() == b"OK" else 1)
except OSError:
    sys.exit(1)
PY
}

# Exit 0 when the registry at $1 (host:port) answers GET /v2/ with 200.
registry_answers() {
    "$PYTHON" - "$1" <<'PY'
import sys, urllib.request

try:
    with urllib.request.urlopen(f"http://{sys.argv[1]}/v2/", timeout=3) as response:
        sys.exit(0 if response.status == 200 else 1)
except OSError:
    sys.exit(1)
PY
}

# Exit 0 when $1 is an ELF executable without an interpreter (statically linked).
is_static_elf() {
    "$PYTHON" - "$1" <<'PY'
import struct, sys

PT_INTERP = 3
try:
    with open(sys.argv[1], "rb") as f:
        data = f.read(1 << 16)
except OSError:
    sys.exit(1)
if data[:4] != b"\x7fELF" or data[4] != 2:  # 64-bit ELF only
    sys.exit(1)
end = "<" if data[5] == 1 else ">"
phoff, = struct.unpack_from(end + "Q", data, 0x20)
phentsize, phnum = struct.unpack_from(end + "HH", data, 0x36)
for i in range(phnum):
    p_type, = struct.unpack_from(end + "I", data, phoff + i * phentsize)
    if p_type == PT_INTERP:
        sys.exit(1)
sys.exit(0)
PY
}

engine_up() {
    if [[ "$ENGINE_HOST" == unix://* || "$ENGINE_HOST" == tcp://* ]] \
        && [[ -z "${DOCKER_TLS_VERIFY:-}" ]]; then
        engine_pings "$ENGINE_HOST"
    else  # ssh://, TLS, ...: only the docker CLI knows how to talk to it
        command -v docker >/dev/null && docker version --format '{{.Server.Version}}' \
            >/dev/null 2>&1
    fi
}

proc_running() {  # pid -> exit 0 when it exists and is not a zombie awaiting its reaper
    local stat
    stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
    stat="${stat##*) }"
    [[ "${stat:0:1}" != Z ]]
}

pid_alive() {  # pidfile -> exit 0 when its process runs
    [[ -s "$1" ]] && proc_running "$(cat "$1")"
}

wait_until() {  # description, pid, command...: poll while pid runs, for up to WAIT_SECONDS
    local what="$1" pid="$2" deadline=$((SECONDS + WAIT_SECONDS))
    shift 2
    until "$@"; do
        ((SECONDS < deadline)) || { log "$what: no answer after ${WAIT_SECONDS}s"; return 1; }
        proc_running "$pid" || { log "$what: process $pid exited"; return 1; }
        sleep 0.5
    done
    log "$what is ready"
}

# --- packages ---------------------------------------------------------------------------------

can_apt() { [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; }

apt_install() {  # packages...
    log "installing $* with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# --- engine -----------------------------------------------------------------------------------

start_dockerd() {
    [[ "$ENGINE_HOST" == "$DEFAULT_HOST" ]] \
        || die "DOCKER_HOST=$ENGINE_HOST does not answer GET /_ping; start that engine or unset DOCKER_HOST"
    [[ $EUID -eq 0 ]] || die "no engine answers at $DEFAULT_HOST and starting dockerd needs root;\
 start Docker (e.g. 'sudo bash scripts/engine.sh up') or point DOCKER_HOST at an engine"
    command -v dockerd >/dev/null || die "dockerd is missing and apt-get is unavailable;\
 install Docker Engine"
    pid_alive "$DOCKERD_PIDFILE" && die "dockerd (pid $(cat "$DOCKERD_PIDFILE")) runs but does not\
 answer; see $LOG_DIR/dockerd.log or run 'bash scripts/engine.sh down'"
    mkdir -p "$LOG_DIR"
    log "starting dockerd (log: $LOG_DIR/dockerd.log)"
    # setsid + nohup: the daemon outlives this script and the session (nox, CI step) that ran it.
    # Job control is off in scripts, so setsid execs in place and $! is the daemon's pid.
    setsid nohup dockerd --pidfile "$DOCKERD_PIDFILE" >>"$LOG_DIR/dockerd.log" 2>&1 </dev/null &
    if ! wait_until "engine at $DEFAULT_HOST" $! engine_pings "$DEFAULT_HOST"; then
        tail -n 30 "$LOG_DIR/dockerd.log" >&2 || true
        die "dockerd did not come up; log: $LOG_DIR/dockerd.log"
    fi
}

ensure_engine() {
    if engine_up; then
        log "engine at $ENGINE_HOST answers"
    else
        start_dockerd
    fi
    command -v docker >/dev/null \
        || die "the docker CLI is missing; install it (Debian: apt-get install docker.io)"
}

# --- registry ---------------------------------------------------------------------------------

write_registry_config() {
    mkdir -p "$STATE_DIR/registry"
    cat >"$STATE_DIR/registry.yml" <<EOF
# Written by scripts/engine.sh: the local registry for push/pull tests.
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $STATE_DIR/registry
  delete:
    enabled: true
http:
  addr: $REGISTRY_ADDR
EOF
}

ensure_registry() {
    if registry_answers "$REGISTRY_ADDR"; then
        log "registry at $REGISTRY_ADDR answers"
        return
    fi
    command -v docker-registry >/dev/null || die "no registry answers at $REGISTRY_ADDR and\
 docker-registry is missing; install it or start one (docker run -d -p $REGISTRY_ADDR:5000 registry:2)"
    pid_alive "$REGISTRY_PIDFILE" && die "docker-registry (pid $(cat "$REGISTRY_PIDFILE")) runs\
 but does not answer; see $LOG_DIR/registry.log or run 'bash scripts/engine.sh down'"
    write_registry_config
    mkdir -p "$LOG_DIR"
    log "starting docker-registry on $REGISTRY_ADDR (log: $LOG_DIR/registry.log)"
    setsid nohup docker-registry serve "$STATE_DIR/registry.yml" \
        >>"$LOG_DIR/registry.log" 2>&1 </dev/null &
    echo $! >"$REGISTRY_PIDFILE"
    if ! wait_until "registry at $REGISTRY_ADDR" $! registry_answers "$REGISTRY_ADDR"; then
        tail -n 30 "$LOG_DIR/registry.log" >&2 || true
        die "docker-registry did not come up; log: $LOG_DIR/registry.log"
    fi
}

# --- test image -------------------------------------------------------------------------------

image_label() {  # image, label -> value ("" when the image or label is missing)
    docker image inspect --format "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true
}

have_static_busybox() {
    [[ -x "$BUSYBOX" ]] && is_static_elf "$BUSYBOX"
}

build_test_image() {  # source hash; in a subshell so the EXIT trap cleans the context
    (
        context="$(mktemp -d)"
        trap 'rm -rf "$context"' EXIT
        cp "$DOCKERFILE" "$context/Dockerfile"
        cp "$BUSYBOX" "$context/busybox"
        log "building $TEST_IMAGE"
        DOCKER_BUILDKIT=0 docker build --quiet --label "$SOURCE_LABEL=$1" --tag "$TEST_IMAGE" \
            "$context" >/dev/null 2>"$context/build.err" \
            || { cat "$context/build.err" >&2; die "building $TEST_IMAGE failed"; }
    )
}

ensure_test_image() {
    if have_static_busybox; then
        local source
        source="$(cat "$DOCKERFILE" "$BUSYBOX" | sha256sum | cut -c1-16)"
        if [[ "$(image_label "$TEST_IMAGE" "$SOURCE_LABEL")" == "$source" ]]; then
            log "image $TEST_IMAGE is up to date"
        else
            build_test_image "$source"
        fi
    elif docker image inspect "$TEST_IMAGE" >/dev/null 2>&1; then
        log "image $TEST_IMAGE exists (no static busybox here to rebuild it)"
    else
        log "no static busybox at $BUSYBOX: pulling busybox:latest instead"
        docker pull --quiet busybox:latest >/dev/null \
            || die "cannot build $TEST_IMAGE (install busybox-static) nor pull busybox:latest"
        docker tag busybox:latest "$TEST_IMAGE"
    fi
    local alias test_id
    test_id="$(docker image inspect --format '{{.Id}}' "$TEST_IMAGE")"
    for alias in "${ALIASES[@]}"; do
        if ! docker image inspect "$alias" >/dev/null 2>&1 \
            || [[ -n "$(image_label "$alias" "$SOURCE_LABEL")" ]]; then
            if [[ "$(docker image inspect --format '{{.Id}}' "$alias" 2>/dev/null)" != "$test_id" ]]
            then
                docker tag "$TEST_IMAGE" "$alias"
                log "tagged $TEST_IMAGE as $alias"
            fi
        fi
    done
}

# --- commands ---------------------------------------------------------------------------------

install_missing() {  # one apt-get run for every package a later step needs
    local missing=()
    if ! command -v docker >/dev/null || { [[ "$ENGINE_HOST" == "$DEFAULT_HOST" ]] \
        && ! command -v dockerd >/dev/null && ! engine_up; }; then
        missing+=(docker.io)
    fi
    command -v docker-registry >/dev/null || registry_answers "$REGISTRY_ADDR" \
        || missing+=(docker-registry)
    have_static_busybox || missing+=(busybox-static)
    # docker-compose v1 (Debian's package): the oracle of the stack tests and benchmark.
    command -v docker-compose >/dev/null || missing+=(docker-compose)
    # tmux: the real terminal of the command line's live-rendering test.
    command -v tmux >/dev/null || missing+=(tmux)
    # chromium: the headless browser of the documentation site's rendering test.
    command -v chromium >/dev/null || missing+=(chromium)
    ((${#missing[@]} > 0)) || return 0
    if can_apt; then
        apt_install "${missing[@]}"
    else
        log "missing ${missing[*]} and cannot apt-get install them (not root on Debian)"
    fi
}

cmd_up() {
    install_missing
    ensure_engine
    ensure_registry
    ensure_test_image
    log "up: engine $ENGINE_HOST, registry $REGISTRY_ADDR, image $TEST_IMAGE"
}

stop_pidfile() {  # name, pidfile, expected command name
    local name="$1" pidfile="$2" comm="$3" pid
    if ! pid_alive "$pidfile"; then
        rm -f "$pidfile"
        log "$name: not started by this script"
        return
    fi
    pid="$(cat "$pidfile")"
    if [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" != "$comm" ]]; then
        rm -f "$pidfile"
        log "$name: pid $pid is no longer $comm; removed stale $pidfile"
        return
    fi
    log "stopping $name (pid $pid)"
    kill -TERM "$pid"
    local deadline=$((SECONDS + WAIT_SECONDS))
    while proc_running "$pid"; do
        ((SECONDS < deadline)) || die "$name (pid $pid) did not stop within ${WAIT_SECONDS}s"
        sleep 0.5
    done
    rm -f "$pidfile"
}

cmd_down() {
    stop_pidfile docker-registry "$REGISTRY_PIDFILE" docker-registry
    stop_pidfile dockerd "$DOCKERD_PIDFILE" dockerd
}

started_note() {  # pidfile -> " (started by this script, pid N)" or nothing
    if pid_alive "$1"; then printf ' (started by this script, pid %s)' "$(cat "$1")"; fi
}

cmd_status() {
    if engine_up; then
        local version
        version="$(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})' \
            2>/dev/null || echo 'version unknown')"
        log "engine: $ENGINE_HOST answers, $version$(started_note "$DOCKERD_PIDFILE")"
    else
        log "engine: $ENGINE_HOST does not answer"
    fi
    if registry_answers "$REGISTRY_ADDR"; then
        log "registry: $REGISTRY_ADDR answers$(started_note "$REGISTRY_PIDFILE")"
    else
        log "registry: $REGISTRY_ADDR does not answer"
    fi
    if engine_up && docker image inspect "$TEST_IMAGE" >/dev/null 2>&1; then
        local alias aliases=()
        for alias in "${ALIASES[@]}"; do
            [[ -n "$(image_label "$alias" "$SOURCE_LABEL")" ]] && aliases+=("$alias")
        done
        log "image: $TEST_IMAGE present; aliases: ${aliases[*]:-none}"
    else
        log "image: $TEST_IMAGE missing"
    fi
}

case "${1:-}" in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    *) echo "usage: bash scripts/engine.sh up|down|status" >&2; exit 2 ;;
esac
