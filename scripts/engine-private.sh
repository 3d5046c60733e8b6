#!/usr/bin/env bash
# A private Docker engine in a network namespace of its own: a second, independent engine on
# which a share of the engine tests runs while the rest runs on the first (nox -s tests).
#
#   bash scripts/engine-private.sh up         # make it (idempotent)
#   bash scripts/engine-private.sh env        # DOCKER_HOST and the namespace holder's pid
#   bash scripts/engine-private.sh run CMD... # run CMD inside the namespace, DOCKER_HOST set
#   bash scripts/engine-private.sh status
#   bash scripts/engine-private.sh down       # remove everything `up` made (idempotent)
#
# `up` (as root, after scripts/engine.sh up: it copies nothing from the first engine, but the
# packages that script installs are needed here):
#   1. starts `unshare --net sleep infinity`, which holds a new network namespace (loopback
#      up; no link to ours: 127.0.0.1 in there is the namespace's own);
#   2. starts a dockerd in it (`nsenter -t PID -n` keeps our mounts) with its own socket,
#      data root, exec root and containerd namespaces;
#   3. runs scripts/engine.sh up in the namespace against that dockerd: a registry of its own
#      on the namespace's 127.0.0.1:5000, the offline test image and its aliases.
# Tests run with `run` see an engine, a registry and published ports exactly as on the
# first engine, and share nothing with it: no containers, networks, address pools or swarm.
#
# Environment: AIOCONTAINERS_PRIVATE_NAME (default "shard"; several private engines may run
# side by side under different names).
set -euo pipefail

readonly LOG_PREFIX=engine-private
# shellcheck source=scripts/engine-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/engine-lib.sh"

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT_DIR
readonly NAME="${AIOCONTAINERS_PRIVATE_NAME:-shard}"
readonly STATE="/var/lib/aiocontainers/private-$NAME"
readonly RUN="/run/aiocontainers/private-$NAME"
readonly HOLDER_PIDFILE="$RUN/holder.pid"
readonly DOCKERD_PIDFILE="$RUN/dockerd.pid"
readonly HOST="unix://$RUN/docker.sock"

answers() { docker --host "$HOST" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

holder_pid() {  # -> the holder's pid, when it runs
    owned_running "$HOLDER_PIDFILE" sleep || return 1
    cat "$HOLDER_PIDFILE"
}

in_namespace() {  # command...: run it in the namespace, against the private engine
    local pid
    pid="$(holder_pid)" || die "the private engine '$NAME' is not up (bash $0 up)"
    nsenter -t "$pid" -n env DOCKER_HOST="$HOST" AIOCONTAINERS_STATE_DIR="$STATE" \
        AIOCONTAINERS_LOG_DIR="$STATE/log" AIOCONTAINERS_RUN_DIR="$RUN" "$@"
}

holder_up() {
    holder_pid >/dev/null && return
    mkdir -p "$RUN"
    # setsid execs in place (no job control in scripts): $! is unshare's pid, which execs
    # sleep, so it is the process inside the new namespace.
    setsid unshare --net sleep infinity </dev/null >/dev/null 2>&1 &
    local pid=$! deadline=$((SECONDS + 10))
    echo "$pid" >"$HOLDER_PIDFILE"
    until [[ "$(readlink "/proc/$pid/ns/net" 2>/dev/null)" != "$(readlink /proc/self/ns/net)" \
        && "$(cat "/proc/$pid/comm" 2>/dev/null)" == sleep ]]; do
        ((SECONDS < deadline)) || die "the namespace holder (pid $pid) did not start"
        sleep 0.1
    done
    nsenter -t "$pid" -n ip link set lo up
}

dockerd_up() {
    if answers; then
        log "the private engine answers at $HOST"
        return
    fi
    owned_running "$DOCKERD_PIDFILE" dockerd \
        && die "the private dockerd runs but does not answer; see $STATE/dockerd.log or run down"
    mkdir -p "$STATE"
    log "starting the private dockerd (log: $STATE/dockerd.log)"
    nsenter -t "$(holder_pid)" -n setsid dockerd --host "$HOST" --data-root "$STATE/data" \
        --exec-root "$RUN/exec" --pidfile "$DOCKERD_PIDFILE" \
        --containerd-namespace "aioc-private-$NAME" \
        --containerd-plugins-namespace "aioc-private-$NAME-plugins" \
        >>"$STATE/dockerd.log" 2>&1 </dev/null &
    wait_ready "the private dockerd" $! "$STATE/dockerd.log" answers
}

cmd_up() {
    [[ $EUID -eq 0 ]] || die "making a network namespace needs root"
    command -v dockerd >/dev/null || die "dockerd is missing (bash scripts/engine.sh up installs it)"
    holder_up
    dockerd_up
    in_namespace bash "$ROOT_DIR/scripts/engine.sh" up | sed "s/^/  /"
    log "up: $HOST in the namespace of pid $(holder_pid)"
}

cmd_env() {
    echo "DOCKER_HOST=$HOST"
    echo "AIOCONTAINERS_PRIVATE_PID=$(holder_pid || echo none)"
}

cmd_down() {
    local pid
    if pid="$(holder_pid)"; then
        in_namespace bash "$ROOT_DIR/scripts/engine.sh" down | sed "s/^/  /" || true
    fi
    stop_owned "the private dockerd" "$DOCKERD_PIDFILE" dockerd
    if pid="$(holder_pid)"; then
        local ns dir
        ns="$(readlink "/proc/$pid/ns/net")"
        for dir in /proc/[0-9]*; do  # what dockerd left in there (containerd shims)
            [[ "${dir#/proc/}" != "$pid" && "$(readlink "$dir/ns/net" 2>/dev/null)" == "$ns" ]] \
                && kill -KILL "${dir#/proc/}" 2>/dev/null
        done
        stop_owned "the namespace holder" "$HOLDER_PIDFILE" sleep
    fi
    grep -E " ($STATE|$RUN)[/ ]" /proc/mounts | awk '{print $2}' | sort -r \
        | xargs -r -n1 umount -l 2>/dev/null || true
    rm -rf "$STATE" "$RUN"
    log "down: the private engine '$NAME' is removed"
}

cmd_status() {
    if answers; then
        log "the private engine '$NAME' answers at $HOST (namespace of pid $(holder_pid))"
        in_namespace bash "$ROOT_DIR/scripts/engine.sh" status | sed "s/^/  /"
    else
        log "the private engine '$NAME' does not answer at $HOST"
    fi
}

case "${1:-}" in
    up) cmd_up ;;
    env) cmd_env ;;
    run) shift; in_namespace "$@" ;;
    down) cmd_down ;;
    status) cmd_status ;;
    *) echo "usage: bash scripts/engine-private.sh up|env|run CMD...|status|down" >&2; exit 2 ;;
esac
