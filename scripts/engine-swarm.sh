#!/usr/bin/env bash
# A second Docker engine, in its own network namespace, for the two-node swarm tests.
#
#   bash scripts/engine-swarm.sh up      # make node 2 (idempotent)
#   bash scripts/engine-swarm.sh env     # print the variables the tests read (KEY=value lines)
#   bash scripts/engine-swarm.sh status  # what exists
#   bash scripts/engine-swarm.sh down    # remove everything `up` made (idempotent)
#
# `up` (as root, in the network namespace of the first engine, the one DOCKER_HOST names):
#   1. starts `unshare --net sleep infinity`: a process that holds a new network namespace;
#   2. joins it to ours with a veth pair, addresses NODE1_ADDR/30 (ours) and NODE2_ADDR/30;
#   3. starts a dockerd inside it (entered with `nsenter -t PID -n`, which keeps our mounts,
#      cgroups included) with its own socket, data root, exec root and containerd;
#   4. loads the offline test image into it (docker save | docker load).
# It forms no swarm: the tests do that through the library (swarm.init on the first engine,
# advertised on NODE1_ADDR; swarm.join from node 2), and leave it at the end.
#
# Everything lives under directories named after our network namespace, so engines in
# different namespaces (one sandbox each) get separate second nodes. `down` makes node 2
# leave any swarm, stops its dockerd and the holder (the namespace and the veth pair go
# with it), unmounts what dockerd left mounted under its directories and deletes them.
#
# Environment: DOCKER_HOST (the first engine), AIOCONTAINERS_NODE1_ADDR (default 10.250.0.1),
# AIOCONTAINERS_NODE2_ADDR (default 10.250.0.2), AIOCONTAINERS_SWARM_STATE (state directory).
set -euo pipefail

readonly NODE1_ADDR="${AIOCONTAINERS_NODE1_ADDR:-10.250.0.1}"
readonly NODE2_ADDR="${AIOCONTAINERS_NODE2_ADDR:-10.250.0.2}"
readonly PREFIX=30
readonly VETH_OURS=aiocsw0
readonly VETH_NODE2=aiocsw1
readonly TEST_IMAGE=aiocontainers-test/busybox:latest
readonly WAIT_SECONDS=60

# Our network namespace's inode: the key of this node 2 (net:[4026532741] -> 4026532741).
NETNS_ID="$(readlink /proc/self/ns/net | tr -dc '0-9')"
readonly NETNS_ID
readonly STATE="${AIOCONTAINERS_SWARM_STATE:-/var/lib/aiocontainers/node2-$NETNS_ID}"
readonly RUN="/run/aiocontainers/node2-$NETNS_ID"
readonly HOLDER_PIDFILE="$RUN/holder.pid"
readonly DOCKERD_PIDFILE="$RUN/dockerd.pid"
readonly NODE2_SOCKET="$RUN/docker.sock"
readonly NODE2_HOST="unix://$NODE2_SOCKET"

log() { printf '[engine-swarm] %s\n' "$*"; }
die() { printf '[engine-swarm] error: %s\n' "$*" >&2; exit 1; }

proc_running() {  # pid -> exit 0 when it exists and is not a zombie
    local stat
    stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
    stat="${stat##*) }"
    [[ "${stat:0:1}" != Z ]]
}

pid_of() {  # pidfile, expected command name -> prints the pid when it runs that command
    [[ -s "$1" ]] || return 1
    local pid
    pid="$(cat "$1")"
    proc_running "$pid" && [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == "$2" ]] || return 1
    echo "$pid"
}

node2() { docker --host "$NODE2_HOST" "$@"; }
node2_answers() { node2 version --format '{{.Server.Version}}' >/dev/null 2>&1; }
in_node2() { nsenter -t "$1" -n "${@:2}"; }

holder_up() {  # -> prints the holder's pid, starting it when needed
    local pid
    if pid="$(pid_of "$HOLDER_PIDFILE" sleep)"; then
        echo "$pid"
        return
    fi
    mkdir -p "$RUN"
    # setsid execs in place (no job control in scripts): $! is unshare's pid, which execs
    # sleep, so it is the process inside the new namespace.
    setsid unshare --net sleep infinity </dev/null >/dev/null 2>&1 &
    pid=$!
    echo "$pid" >"$HOLDER_PIDFILE"
    local deadline=$((SECONDS + 10))
    until [[ "$(readlink "/proc/$pid/ns/net" 2>/dev/null)" != "$(readlink /proc/self/ns/net)" \
        && "$(cat "/proc/$pid/comm" 2>/dev/null)" == sleep ]]; do
        ((SECONDS < deadline)) || die "the namespace holder (pid $pid) did not start"
        sleep 0.1
    done
    echo "$pid"
}

link_up() {  # holder pid: the veth pair and the addresses, each step only when missing
    local pid="$1"
    if ! ip link show "$VETH_OURS" >/dev/null 2>&1; then
        ip link add "$VETH_OURS" type veth peer name "$VETH_NODE2" netns "$pid"
    fi
    ip addr show dev "$VETH_OURS" | grep -qF " $NODE1_ADDR/$PREFIX " \
        || ip addr add "$NODE1_ADDR/$PREFIX" dev "$VETH_OURS"
    ip link set "$VETH_OURS" up
    in_node2 "$pid" ip link set lo up
    in_node2 "$pid" ip addr show dev "$VETH_NODE2" | grep -qF " $NODE2_ADDR/$PREFIX " \
        || in_node2 "$pid" ip addr add "$NODE2_ADDR/$PREFIX" dev "$VETH_NODE2"
    in_node2 "$pid" ip link set "$VETH_NODE2" up
}

dockerd_up() {  # holder pid
    local pid="$1"
    if node2_answers; then
        log "node 2's engine answers at $NODE2_HOST"
        return
    fi
    pid_of "$DOCKERD_PIDFILE" dockerd >/dev/null \
        && die "node 2's dockerd runs but does not answer; see $STATE/dockerd.log or run down"
    command -v dockerd >/dev/null || die "dockerd is missing (bash scripts/engine.sh up installs it)"
    mkdir -p "$STATE" "$RUN"
    log "starting node 2's dockerd (log: $STATE/dockerd.log)"
    in_node2 "$pid" setsid dockerd \
        --host "$NODE2_HOST" \
        --data-root "$STATE/data" \
        --exec-root "$RUN/exec" \
        --pidfile "$DOCKERD_PIDFILE" \
        --containerd-namespace "aioc-node2-$NETNS_ID" \
        --containerd-plugins-namespace "aioc-node2-$NETNS_ID-plugins" \
        >>"$STATE/dockerd.log" 2>&1 </dev/null &
    local deadline=$((SECONDS + WAIT_SECONDS))
    until node2_answers; do
        if ((SECONDS >= deadline)); then
            tail -n 30 "$STATE/dockerd.log" >&2 || true
            die "node 2's dockerd did not answer within ${WAIT_SECONDS}s"
        fi
        sleep 0.5
    done
    log "node 2's engine is ready at $NODE2_HOST"
}

image_up() {
    local ours theirs
    ours="$(docker image inspect --format '{{.Id}}' "$TEST_IMAGE" 2>/dev/null)" \
        || die "$TEST_IMAGE is missing on the first engine (run bash scripts/engine.sh up)"
    theirs="$(node2 image inspect --format '{{.Id}}' "$TEST_IMAGE" 2>/dev/null || true)"
    if [[ "$ours" == "$theirs" ]]; then
        log "node 2 has $TEST_IMAGE"
        return
    fi
    log "loading $TEST_IMAGE into node 2"
    docker save "$TEST_IMAGE" | node2 load >/dev/null
}

cmd_up() {
    [[ $EUID -eq 0 ]] || die "making a network namespace and a veth pair needs root"
    local pid
    pid="$(holder_up)"
    link_up "$pid"
    dockerd_up "$pid"
    image_up
    log "up: node 2 at $NODE2_HOST, $NODE1_ADDR <-> $NODE2_ADDR (holder pid $pid)"
}

cmd_env() {
    echo "AIOCONTAINERS_NODE2_HOST=$NODE2_HOST"
    echo "AIOCONTAINERS_NODE1_ADDR=$NODE1_ADDR"
    echo "AIOCONTAINERS_NODE2_ADDR=$NODE2_ADDR"
}

stop_pid() {  # name, pid
    kill -TERM "$2" 2>/dev/null || return 0
    local deadline=$((SECONDS + WAIT_SECONDS))
    while proc_running "$2"; do
        if ((SECONDS >= deadline)); then
            log "$1 (pid $2) did not stop within ${WAIT_SECONDS}s; killing it"
            kill -KILL "$2" 2>/dev/null || true
            break
        fi
        sleep 0.2
    done
}

kill_others_in_namespace() {  # holder pid: what dockerd left there (containerd shims)
    local ns dir other
    ns="$(readlink "/proc/$1/ns/net")"
    for dir in /proc/[0-9]*; do
        other="${dir#/proc/}"
        if [[ "$other" != "$1" && "$(readlink "$dir/ns/net" 2>/dev/null)" == "$ns" ]]; then
            kill -KILL "$other" 2>/dev/null || true
        fi
    done
}

cmd_down() {
    local pid
    if node2_answers; then
        node2 swarm leave --force >/dev/null 2>&1 || true
    fi
    if pid="$(pid_of "$DOCKERD_PIDFILE" dockerd)"; then
        log "stopping node 2's dockerd (pid $pid)"
        stop_pid dockerd "$pid"
    fi
    if pid="$(pid_of "$HOLDER_PIDFILE" sleep)"; then
        kill_others_in_namespace "$pid"
        log "stopping the namespace holder (pid $pid)"
        stop_pid holder "$pid"
    fi
    # The veth pair goes with the namespace; delete our end in case it outlived it.
    ip link del "$VETH_OURS" >/dev/null 2>&1 || true
    grep -E " ($STATE|$RUN)[/ ]" /proc/mounts | awk '{print $2}' | sort -r \
        | xargs -r -n1 umount -l 2>/dev/null || true
    rm -rf "$STATE" "$RUN"
    log "down: node 2 removed"
}

cmd_status() {
    local pid
    if pid="$(pid_of "$HOLDER_PIDFILE" sleep)"; then
        log "namespace holder: pid $pid"
    else
        log "namespace holder: not running"
    fi
    if ip link show "$VETH_OURS" >/dev/null 2>&1; then
        log "veth: $VETH_OURS $(ip -br addr show dev "$VETH_OURS" | awk '{print $3}')"
    else
        log "veth: absent"
    fi
    if node2_answers; then
        log "node 2: $NODE2_HOST answers, swarm $(node2 info --format '{{.Swarm.LocalNodeState}}')"
    else
        log "node 2: $NODE2_HOST does not answer"
    fi
}

case "${1:-}" in
    up) cmd_up ;;
    env) cmd_env ;;
    down) cmd_down ;;
    status) cmd_status ;;
    *) echo "usage: bash scripts/engine-swarm.sh up|env|status|down" >&2; exit 2 ;;
esac
