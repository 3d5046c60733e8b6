# What scripts/engine-{tls,ssh,podman}.sh share; sourced, never run. Each script sets
# LOG_PREFIX first. Processes are tracked by pid file, and a script stops only a process
# whose pid file it wrote and whose command name is still the expected one.

log() { printf '[%s] %s\n' "$LOG_PREFIX" "$*"; }
die() { printf '[%s] error: %s\n' "$LOG_PREFIX" "$*" >&2; exit 1; }

proc_running() {  # pid -> exit 0 when it exists and is not a zombie
    local stat
    stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
    stat="${stat##*) }"
    [[ "${stat:0:1}" != Z ]]
}

owned_running() {  # pidfile, command name -> exit 0 when that process runs
    [[ -s "$1" ]] && proc_running "$(cat "$1")" \
        && [[ "$(cat "/proc/$(cat "$1")/comm" 2>/dev/null)" == "$2" ]]
}

stop_owned() {  # what, pidfile, command name: TERM it and wait (up to 60 s)
    local what="$1" pidfile="$2" pid deadline=$((SECONDS + 60))
    if ! owned_running "$pidfile" "$3"; then
        log "$what: not started by this script"
        rm -f "$pidfile"
        return
    fi
    pid="$(cat "$pidfile")"
    log "stopping $what (pid $pid)"
    kill -TERM "$pid"
    while proc_running "$pid"; do
        ((SECONDS < deadline)) || die "$what (pid $pid) did not stop within 60 s"
        sleep 0.25
    done
    rm -f "$pidfile"
}

wait_ready() {  # what, pid, log file, probe...: poll the probe while pid runs (up to 60 s)
    local what="$1" pid="$2" logfile="$3" deadline=$((SECONDS + 60))
    shift 3
    until "$@"; do
        if ((SECONDS >= deadline)) || ! proc_running "$pid"; then
            tail -n 20 "$logfile" >&2 || true
            die "$what did not come up; log: $logfile"
        fi
        sleep 0.5
    done
    log "$what is ready (pid $pid)"
}

started_note() {  # pidfile, command name -> " (started by this script, pid N)" or nothing
    if owned_running "$1" "$2"; then printf ' (started by this script, pid %s)' "$(cat "$1")"; fi
}

apt_install() {  # packages...: install them with apt-get, or fail saying what is missing
    (($# > 0)) || return 0
    [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null \
        || die "missing $*; install them (Debian: apt-get install $*)"
    log "installing $* with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
