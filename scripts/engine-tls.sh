#!/usr/bin/env bash
# A second Docker engine that only speaks TLS, for the remote-engine tests (tests/engines/).
#
#   bash scripts/engine-tls.sh up      # idempotent: certificates, daemon, test image
#   bash scripts/engine-tls.sh status  # what answers and what this script started
#   bash scripts/engine-tls.sh env     # the DOCKER_* variables that reach it
#   bash scripts/engine-tls.sh down    # stop the daemon this script started (nothing else)
#
# The daemon listens on 127.0.0.1:2376 with --tlsverify, in the network namespace the script
# runs in, yet it runs in a network namespace of its own: the script binds the port itself
# and hands the socket to dockerd (`-H fd://`, systemd-style socket activation), so dockerd
# never shares a namespace with another engine (its `--bridge=none` would delete that
# engine's docker0). Containers get no network; over TLS the tests need none.
#
# A throwaway CA signs the server and client certificates (openssl, valid 30 days, renewed
# when fewer than 2 remain). Next to the good client directory, the script makes the
# directories the failure tests use, each laid out like DOCKER_CERT_PATH (ca.pem, cert.pem,
# key.pem):
#   client/          the CA and a valid client certificate
#   wrong-ca/        trusts another CA (the daemon's certificate fails to verify) and holds
#                    a client certificate that CA signed (the daemon rejects it)
#   expired-client/  a client certificate that expired in 2020
#   no-client-cert/  the CA only
# The server certificate names only IP 127.0.0.1, so tcp://localhost:2376 is a host name
# mismatch by design. The daemon also listens on $RUN_DIR/docker.sock (plain, root only),
# which the script uses to load the test image from the main engine ($DOCKER_HOST).
#
# Environment: AIOCONTAINERS_TLS_DIR (state, default /var/lib/aiocontainers/tls),
# AIOCONTAINERS_TLS_RUN (sockets and pid file, default /run/aiocontainers-tls),
# AIOCONTAINERS_TLS_PORT (default 2376), DOCKER_HOST (the main engine).
set -euo pipefail

readonly STATE_DIR="${AIOCONTAINERS_TLS_DIR:-/var/lib/aiocontainers/tls}"
readonly RUN_DIR="${AIOCONTAINERS_TLS_RUN:-/run/aiocontainers-tls}"
readonly PORT="${AIOCONTAINERS_TLS_PORT:-2376}"
readonly CERTS="$STATE_DIR/certs"
readonly PIDFILE="$RUN_DIR/dockerd.pid"
readonly SOCKET="$RUN_DIR/docker.sock"
readonly LOG="$STATE_DIR/dockerd.log"
readonly TEST_IMAGE=aiocontainers-test/busybox:latest
readonly DAYS=30

readonly LOG_PREFIX=engine-tls
# shellcheck source=scripts/engine-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/engine-lib.sh"

# --- certificates ---------------------------------------------------------------------------

ca() {  # dir, subject: a self-signed CA (key ca-key.pem, certificate ca.pem)
    openssl ecparam -name prime256v1 -genkey -noout -out "$1/ca-key.pem"
    openssl req -x509 -new -key "$1/ca-key.pem" -sha256 -days "$DAYS" -subj "/CN=$2" \
        -addext basicConstraints=critical,CA:TRUE \
        -addext keyUsage=critical,keyCertSign,cRLSign -out "$1/ca.pem" 2>/dev/null
}

leaf() {  # ca dir, out dir, subject, extendedKeyUsage, extra extension line, [start end]
    local ca_dir="$1" out="$2" ext
    mkdir -p "$out"
    ext="$(mktemp)"
    printf '%s\n' "basicConstraints=critical,CA:FALSE" \
        "keyUsage=critical,digitalSignature" "extendedKeyUsage=$4" \
        "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid,issuer" "$5" >"$ext"
    openssl ecparam -name prime256v1 -genkey -noout -out "$out/key.pem"
    openssl req -new -key "$out/key.pem" -subj "/CN=$3" -out "$out/req.csr"
    if (($# > 5)); then  # explicit validity (an expired certificate): `openssl ca` can set it
        local db
        db="$(mktemp -d)"
        : >"$db/index.txt"
        printf '[ca]\ndefault_ca=d\n[d]\ndatabase=%s/index.txt\nnew_certs_dir=%s\n' "$db" "$db" \
            >"$db/ca.cnf"
        printf 'serial=%s/serial\npolicy=p\ndefault_md=sha256\n[p]\ncommonName=supplied\n' \
            "$db" >>"$db/ca.cnf"
        openssl rand -hex 16 >"$db/serial"
        openssl ca -batch -notext -config "$db/ca.cnf" -cert "$ca_dir/ca.pem" \
            -keyfile "$ca_dir/ca-key.pem" -startdate "$6" -enddate "$7" -extfile "$ext" \
            -in "$out/req.csr" -out "$out/cert.pem" 2>/dev/null
        rm -rf "$db"
    else
        openssl x509 -req -in "$out/req.csr" -CA "$ca_dir/ca.pem" -CAkey "$ca_dir/ca-key.pem" \
            -set_serial "0x$(openssl rand -hex 16)" -days "$DAYS" -sha256 -extfile "$ext" \
            -out "$out/cert.pem" 2>/dev/null
    fi
    rm -f "$out/req.csr" "$ext"
    chmod 600 "$out/key.pem"
}

certs_fresh() {  # the server certificate exists and stays valid for two more days
    [[ -s "$CERTS/server/cert.pem" && -s "$CERTS/expired-client/cert.pem" ]] \
        && openssl x509 -checkend $((2 * 86400)) -noout -in "$CERTS/server/cert.pem" >/dev/null
}

make_certs() {
    log "making a throwaway CA and certificates in $CERTS"
    rm -rf "$CERTS"
    mkdir -p "$CERTS/other-ca"
    chmod 700 "$CERTS"
    ca "$CERTS" "aiocontainers test CA"
    ca "$CERTS/other-ca" "aiocontainers other CA"
    leaf "$CERTS" "$CERTS/server" 127.0.0.1 serverAuth "subjectAltName=IP:127.0.0.1"
    leaf "$CERTS" "$CERTS/client" aiocontainers-client clientAuth ""
    leaf "$CERTS" "$CERTS/expired-client" aiocontainers-expired clientAuth "" \
        20200101000000Z 20200102000000Z
    leaf "$CERTS/other-ca" "$CERTS/wrong-ca" aiocontainers-stranger clientAuth ""
    cp "$CERTS/ca.pem" "$CERTS/client/ca.pem"
    cp "$CERTS/ca.pem" "$CERTS/expired-client/ca.pem"
    cp "$CERTS/other-ca/ca.pem" "$CERTS/wrong-ca/ca.pem"
    mkdir -p "$CERTS/no-client-cert"
    cp "$CERTS/ca.pem" "$CERTS/no-client-cert/ca.pem"
}

# --- daemon ---------------------------------------------------------------------------------

tls_pings() {  # GET /_ping over TLS with the good client certificate answers OK
    python3 - "$PORT" "$CERTS/client" <<'PY'
import http.client, ssl, sys

port, certs = int(sys.argv[1]), sys.argv[2]
context = ssl.create_default_context(cafile=f"{certs}/ca.pem")
context.load_cert_chain(f"{certs}/cert.pem", f"{certs}/key.pem")
conn = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=3)
try:
    conn.request("GET", "/_ping")
    response = conn.getresponse()
    sys.exit(0 if response.status == 200 and response.read().strip() == b"OK" else 1)
except OSError:
    sys.exit(1)
PY
}

# Binds 127.0.0.1:PORT here, then execs the command with that socket as fd 3 and
# LISTEN_FDS=1 (socket activation). unshare and sh exec in place, so the pid that reaches
# dockerd (LISTEN_PID, set by sh) is the one this process started with.
readonly ACTIVATE='
import os, socket, sys
port = int(sys.argv[1])
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    listener.bind(("127.0.0.1", port))
except OSError as exc:
    sys.exit(f"[engine-tls] error: cannot listen on 127.0.0.1:{port}: {exc}")
listener.listen(128)
os.dup2(listener.fileno(), 3)
os.set_inheritable(3, True)
os.environ["LISTEN_FDS"] = "1"
os.execvp(sys.argv[2], sys.argv[2:])
'

start_dockerd() {
    command -v dockerd >/dev/null || die "dockerd is missing (run scripts/engine.sh up first)"
    [[ $EUID -eq 0 ]] || die "starting a private dockerd needs root"
    mkdir -p "$RUN_DIR" "$STATE_DIR"
    rm -f "$SOCKET"
    local dockerd=(
        dockerd -H fd:// -H "unix://$SOCKET" --tlsverify
        --tlscacert "$CERTS/ca.pem" --tlscert "$CERTS/server/cert.pem"
        --tlskey "$CERTS/server/key.pem"
        --data-root "$STATE_DIR/data" --exec-root "$RUN_DIR/exec" --pidfile "$PIDFILE"
        --containerd-namespace aiocontainers-tls
        --containerd-plugins-namespace aiocontainers-tls-plugins
        --bridge=none --iptables=false --ip-masq=false
    )
    log "starting dockerd on 127.0.0.1:$PORT with --tlsverify (log: $LOG)"
    # setsid + nohup: the daemon outlives the script and the nox session that ran it.
    setsid nohup python3 -c "$ACTIVATE" "$PORT" unshare --net sh -c \
        'LISTEN_PID=$$ exec "$@"' sh "${dockerd[@]}" \
        >>"$LOG" 2>&1 </dev/null &
    wait_ready "the TLS daemon on 127.0.0.1:$PORT" $! "$LOG" tls_pings
}

ensure_image() {  # the test image, copied from the main engine
    local tls_docker=(docker -H "unix://$SOCKET")
    if "${tls_docker[@]}" image inspect "$TEST_IMAGE" >/dev/null 2>&1; then
        log "image $TEST_IMAGE present"
        return
    fi
    docker image inspect "$TEST_IMAGE" >/dev/null 2>&1 \
        || die "the main engine (${DOCKER_HOST:-default}) has no $TEST_IMAGE; run scripts/engine.sh up"
    log "loading $TEST_IMAGE from the main engine"
    docker save "$TEST_IMAGE" | "${tls_docker[@]}" load >/dev/null
}

stop_dockerd() {
    stop_owned "the TLS daemon" "$PIDFILE" dockerd
    rm -f "$SOCKET"
}

# --- commands -------------------------------------------------------------------------------

cmd_up() {
    command -v openssl >/dev/null || apt_install openssl
    if ! certs_fresh; then
        stop_dockerd
        make_certs
    fi
    if tls_pings; then
        log "TLS daemon on 127.0.0.1:$PORT answers"
    else
        owned_running "$PIDFILE" dockerd \
            && die "dockerd (pid $(cat "$PIDFILE")) runs but does not answer; see $LOG"
        start_dockerd
    fi
    ensure_image
    cmd_env
}

cmd_env() {
    printf 'DOCKER_HOST=tcp://127.0.0.1:%s\nDOCKER_TLS_VERIFY=1\nDOCKER_CERT_PATH=%s\n' \
        "$PORT" "$CERTS/client"
}

cmd_status() {
    if tls_pings; then
        log "TLS daemon: 127.0.0.1:$PORT answers$(started_note "$PIDFILE" dockerd)"
    else
        log "TLS daemon: 127.0.0.1:$PORT does not answer"
    fi
}

case "${1:-}" in
    up) cmd_up ;;
    down) stop_dockerd ;;
    status) cmd_status ;;
    env) cmd_env ;;
    *) echo "usage: bash scripts/engine-tls.sh up|down|status|env" >&2; exit 2 ;;
esac
