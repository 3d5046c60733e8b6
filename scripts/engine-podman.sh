#!/usr/bin/env bash
# Podman's Docker-compatible API on a unix socket, for `nox -s podman`.
#
#   bash scripts/engine-podman.sh up      # idempotent: podman, its service, the test image
#   bash scripts/engine-podman.sh status  # what answers and what this script started
#   bash scripts/engine-podman.sh env     # the DOCKER_HOST that reaches it
#   bash scripts/engine-podman.sh down    # stop the service this script started
#
# Runs Debian's podman (4.3) as `podman system service --time=0 unix://$RUN_DIR/podman.sock`
# in the network namespace the script runs in (published ports land on its 127.0.0.1),
# with storage of its own (--root/--runroot under the state and run directories), so it
# shares nothing with another podman on the machine. Without systemd: cgroupfs, events in
# a file. Its containers.conf (CONTAINERS_CONF) sets the ulimits containers get: podman's
# defaults (nofile 1048576) cannot be set here without CAP_SYS_RESOURCE, and no container
# would start. The test image is built from tests/images/busybox/Dockerfile as
# scripts/engine.sh builds it, and tagged busybox:latest and alpine:latest.
#
# Environment: AIOCONTAINERS_PODMAN_DIR (state, default /var/lib/aiocontainers/podman),
# AIOCONTAINERS_PODMAN_RUN (socket and pid file, default /run/aiocontainers-podman).
set -euo pipefail

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT_DIR
readonly STATE_DIR="${AIOCONTAINERS_PODMAN_DIR:-/var/lib/aiocontainers/podman}"
readonly RUN_DIR="${AIOCONTAINERS_PODMAN_RUN:-/run/aiocontainers-podman}"
readonly SOCKET="$RUN_DIR/podman.sock"
readonly PIDFILE="$RUN_DIR/service.pid"
readonly LOG="$STATE_DIR/service.log"
readonly CONF="$STATE_DIR/containers.conf"
readonly TEST_IMAGE=aiocontainers-test/busybox:latest
readonly ALIASES=(busybox:latest alpine:latest)
readonly DOCKERFILE="$ROOT_DIR/tests/images/busybox/Dockerfile"
readonly SOURCE_LABEL=org.aiocontainers.test-image.source

readonly LOG_PREFIX=engine-podman
# shellcheck source=scripts/engine-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/engine-lib.sh"

readonly REGISTRIES_CONF="$STATE_DIR/registries.conf"
export CONTAINERS_CONF="$CONF" CONTAINERS_REGISTRIES_CONF="$REGISTRIES_CONF"
readonly PODMAN=(podman --root "$STATE_DIR/storage" --runroot "$RUN_DIR/storage"
    --cgroup-manager cgroupfs --events-backend file)
podman_() { "${PODMAN[@]}" "$@"; }  # podman on this script's storage

ensure_packages() {
    local missing=()
    command -v podman >/dev/null || missing+=(podman)
    [[ -x /bin/busybox ]] || missing+=(busybox-static)
    apt_install "${missing[@]}"
}

write_conf() {  # exit 0 when a configuration file changed
    mkdir -p "$STATE_DIR" "$RUN_DIR"
    local before
    before="$(cat "$CONF" "$REGISTRIES_CONF" 2>/dev/null || true)"
    cat >"$CONF" <<'EOF'
# Written by scripts/engine-podman.sh (CONTAINERS_CONF of its podman service).
[containers]
# Podman's default nofile/nproc limits need CAP_SYS_RESOURCE, which this machine lacks.
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]

[engine]
events_logger = "file"
cgroup_manager = "cgroupfs"
EOF
    cat >"$REGISTRIES_CONF" <<'EOF'
# Written by scripts/engine-podman.sh (CONTAINERS_REGISTRIES_CONF of its podman service).
# Docker talks plain HTTP to registries on 127.0.0.0/8 by default; Podman must be told.
unqualified-search-registries = ["docker.io"]

[[registry]]
location = "127.0.0.1:5000"
insecure = true
EOF
    [[ "$(cat "$CONF" "$REGISTRIES_CONF")" != "$before" ]]
}

api_pings() {
    python3 - "$SOCKET" <<'PY'
import http.client, socket, sys

class Unix(http.client.HTTPConnection):
    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(3)
        self.sock.connect(sys.argv[1])

conn = Unix("localhost", timeout=3)
try:
    conn.request("GET", "/_ping")
    response = conn.getresponse()
    sys.exit(0 if response.status == 200 and response.read().strip() == b"OK" else 1)
except OSError:
    sys.exit(1)
PY
}

start_service() {
    rm -f "$SOCKET"
    log "starting podman system service on unix://$SOCKET (log: $LOG)"
    # Job control is off in scripts: setsid execs in place, so $! is podman's pid.
    setsid nohup "${PODMAN[@]}" system service --time=0 "unix://$SOCKET" \
        >>"$LOG" 2>&1 </dev/null &
    echo $! >"$PIDFILE"
    wait_ready "the podman service" $! "$LOG" api_pings
}

ensure_image() {
    local source
    source="$(cat "$DOCKERFILE" /bin/busybox | sha256sum | cut -c1-16)"
    if [[ "$(podman_ image inspect --format "{{ index .Labels \"$SOURCE_LABEL\" }}" \
        "$TEST_IMAGE" 2>/dev/null)" != "$source" ]]; then
        (
            context="$(mktemp -d)"
            trap 'rm -rf "$context"' EXIT
            cp "$DOCKERFILE" "$context/Dockerfile"
            cp /bin/busybox "$context/busybox"
            log "building $TEST_IMAGE with podman"
            podman_ build --quiet --label "$SOURCE_LABEL=$source" --tag "$TEST_IMAGE" \
                "$context" >/dev/null
        )
    else
        log "image $TEST_IMAGE is up to date"
    fi
    local alias
    for alias in "${ALIASES[@]}"; do podman_ tag "$TEST_IMAGE" "$alias"; done
}

cmd_up() {
    ensure_packages
    if write_conf && owned_running "$PIDFILE" podman; then
        log "configuration changed: restarting the podman service"
        cmd_down
    fi
    if api_pings; then
        log "podman service at unix://$SOCKET answers"
    else
        owned_running "$PIDFILE" podman \
            && die "podman (pid $(cat "$PIDFILE")) runs but does not answer; see $LOG"
        start_service
    fi
    ensure_image
    cmd_env
}

cmd_env() { printf 'DOCKER_HOST=unix://%s\n' "$SOCKET"; }

cmd_down() {
    stop_owned "the podman service" "$PIDFILE" podman
    rm -f "$SOCKET"
}

cmd_status() {
    if api_pings; then
        log "podman service: unix://$SOCKET answers$(started_note "$PIDFILE" podman)"
    else
        log "podman service: unix://$SOCKET does not answer"
    fi
}

case "${1:-}" in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    env) cmd_env ;;
    *) echo "usage: bash scripts/engine-podman.sh up|down|status|env" >&2; exit 2 ;;
esac
