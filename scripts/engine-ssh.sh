#!/usr/bin/env bash
# An sshd on 127.0.0.1 that reaches the main engine, for ssh:// tests and benchmarks.
#
#   bash scripts/engine-ssh.sh up      # idempotent: openssh-server, keys, sshd
#   bash scripts/engine-ssh.sh status  # what answers and what this script started
#   bash scripts/engine-ssh.sh env     # DOCKER_HOST and the HOME whose ~/.ssh reaches it
#   bash scripts/engine-ssh.sh down    # stop the sshd this script started (nothing else)
#
# sshd (Debian's openssh-server) listens on 127.0.0.1:$PORT in the network namespace the
# script runs in, with its own configuration, host key and authorized_keys under the state
# directory: key-based login only, as the current user. Sessions get DOCKER_HOST of the
# engine this script saw (sshd's SetEnv), so `docker system dial-stdio`, which ssh://
# clients run remotely, reaches the main engine.
#
# The client side lives in $STATE_DIR/home/.ssh (config, id_ed25519, known_hosts): point
# HOME there and ssh://$USER@127.0.0.1:$PORT needs no other setting. OpenSSH's own `ssh`
# ignores HOME, so $STATE_DIR/bin/ssh wraps it with `-F` that config (for docker-py's
# use_ssh_client=True, which runs whatever `ssh` is first on PATH).
#
# Environment: AIOCONTAINERS_SSH_DIR (state, default /var/lib/aiocontainers/ssh),
# AIOCONTAINERS_SSH_PORT (default 2222), DOCKER_HOST (the engine sessions reach).
set -euo pipefail

readonly STATE_DIR="${AIOCONTAINERS_SSH_DIR:-/var/lib/aiocontainers/ssh}"
readonly PORT="${AIOCONTAINERS_SSH_PORT:-2222}"
readonly SSH_HOME="$STATE_DIR/home"
readonly CLIENT="$SSH_HOME/.ssh"
readonly PIDFILE="$STATE_DIR/sshd.pid"
readonly LOG="$STATE_DIR/sshd.log"
readonly WAIT_SECONDS=30
USER_NAME="$(id -un)"
readonly USER_NAME

readonly LOG_PREFIX=engine-ssh
# shellcheck source=scripts/engine-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/engine-lib.sh"

ensure_packages() {
    local missing=()
    [[ -x /usr/sbin/sshd ]] || missing+=(openssh-server)
    command -v ssh >/dev/null || missing+=(openssh-client)
    apt_install "${missing[@]}"
}

ensure_keys() {
    mkdir -p "$CLIENT" "$STATE_DIR/bin"
    chmod 700 "$STATE_DIR" "$CLIENT"
    [[ -s "$STATE_DIR/host_ed25519_key" ]] \
        || ssh-keygen -q -t ed25519 -N '' -C aiocontainers-test-host -f "$STATE_DIR/host_ed25519_key"
    [[ -s "$CLIENT/id_ed25519" ]] \
        || ssh-keygen -q -t ed25519 -N '' -C aiocontainers-test-client -f "$CLIENT/id_ed25519"
    cp "$CLIENT/id_ed25519.pub" "$STATE_DIR/authorized_keys"
    printf '[127.0.0.1]:%s %s\n' "$PORT" "$(cut -d' ' -f1,2 "$STATE_DIR/host_ed25519_key.pub")" \
        >"$CLIENT/known_hosts"
    cat >"$CLIENT/config" <<EOF
# Written by scripts/engine-ssh.sh: reach the test sshd on 127.0.0.1:$PORT.
Host 127.0.0.1
    Port $PORT
    User $USER_NAME
    IdentityFile $CLIENT/id_ed25519
    IdentitiesOnly yes
    UserKnownHostsFile $CLIENT/known_hosts
    StrictHostKeyChecking yes
    BatchMode yes
EOF
    printf '#!/bin/sh\n# OpenSSH ignores HOME: use the test configuration explicitly.\n' \
        >"$STATE_DIR/bin/ssh"
    printf 'exec /usr/bin/ssh -F %s "$@"\n' "$CLIENT/config" >>"$STATE_DIR/bin/ssh"
    chmod 755 "$STATE_DIR/bin/ssh"
}

write_sshd_config() {
    {
        echo "# Written by scripts/engine-ssh.sh: key-based login to 127.0.0.1:$PORT only."
        echo "Port $PORT"
        echo "ListenAddress 127.0.0.1"
        echo "HostKey $STATE_DIR/host_ed25519_key"
        echo "PidFile $PIDFILE"
        echo "AuthorizedKeysFile $STATE_DIR/authorized_keys"
        echo "AllowUsers $USER_NAME"
        echo "PermitRootLogin prohibit-password"
        echo "PubkeyAuthentication yes"
        echo "PasswordAuthentication no"
        echo "KbdInteractiveAuthentication no"
        echo "UsePAM no"
        # authorized_keys lives here, not in the user's home, whose modes sshd would check.
        echo "StrictModes no"
        # One channel per pooled connection: room for a client's pool and a benchmark's.
        echo "MaxSessions 64"
        echo "MaxStartups 64:30:128"
        if [[ -n "${DOCKER_HOST:-}" ]]; then echo "SetEnv DOCKER_HOST=$DOCKER_HOST"; fi
    } >"$STATE_DIR/sshd_config.new"
    if cmp -s "$STATE_DIR/sshd_config.new" "$STATE_DIR/sshd_config"; then
        rm "$STATE_DIR/sshd_config.new"
        return 1  # unchanged
    fi
    mv "$STATE_DIR/sshd_config.new" "$STATE_DIR/sshd_config"
}

docker_over_ssh() {  # the engine answers through sshd (what ssh:// clients do)
    PATH="$STATE_DIR/bin:$PATH" timeout 10 ssh "$USER_NAME@127.0.0.1" \
        docker version --format '{{.Server.APIVersion}}' >/dev/null 2>&1
}

cmd_up() {
    ensure_packages
    ensure_keys
    local changed=0
    write_sshd_config && changed=1
    mkdir -p /run/sshd  # privilege separation directory (sshd -t checks it too)
    /usr/sbin/sshd -t -f "$STATE_DIR/sshd_config" || die "sshd rejects $STATE_DIR/sshd_config"
    if owned_running "$PIDFILE" sshd; then
        local pid
        pid="$(cat "$PIDFILE")"
        if ((changed)); then
            # A changed configuration (e.g. another DOCKER_HOST): sshd re-executes on HUP.
            kill -HUP "$pid"
            log "sshd (pid $pid) reloaded its changed configuration"
        fi
    else
        log "starting sshd on 127.0.0.1:$PORT (log: $LOG)"
        /usr/sbin/sshd -f "$STATE_DIR/sshd_config" -E "$LOG" \
            || die "sshd did not start; see $LOG"
    fi
    local deadline=$((SECONDS + WAIT_SECONDS))
    until docker_over_ssh; do
        if ((SECONDS >= deadline)); then
            tail -n 20 "$LOG" >&2 || true
            die "no engine answers through ssh://$USER_NAME@127.0.0.1:$PORT; log: $LOG"
        fi
        sleep 0.5
    done
    log "the engine answers through ssh://$USER_NAME@127.0.0.1:$PORT"
    cmd_env
}

cmd_env() {
    printf 'DOCKER_HOST=ssh://%s@127.0.0.1:%s\nHOME=%s\n' "$USER_NAME" "$PORT" "$SSH_HOME"
}

cmd_status() {
    if docker_over_ssh; then
        log "ssh://$USER_NAME@127.0.0.1:$PORT reaches the engine$(started_note "$PIDFILE" sshd)"
    else
        log "ssh://$USER_NAME@127.0.0.1:$PORT does not reach an engine"
    fi
}

case "${1:-}" in
    up) cmd_up ;;
    down) stop_owned sshd "$PIDFILE" sshd ;;
    status) cmd_status ;;
    env) cmd_env ;;
    *) echo "usage: bash scripts/engine-ssh.sh up|down|status|env" >&2; exit 2 ;;
esac
