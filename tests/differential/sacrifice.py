"""A throwaway dockerd for the one call that can crash the daemon it runs on: plugin push.

dockerd 20.10 pushes plugins with containerd's pusher, which (before containerd's fix,
PR 8379) can panic with "send on closed channel" and take the whole daemon down, a
race seen here under load. The plugin push cases therefore push from this private
daemon: its own socket, directories and containerd namespaces, ``--bridge=none`` (the
shared engine's network is never touched), in the caller's network namespace so that it
reaches the local registry. It starts on first use, again if it died, and stops when
the test process exits. It gets a bridge of its own (an address-only bridge nothing
routes to): ``--bridge=none`` would make dockerd delete the shared engine's ``docker0``
in this network namespace.
"""

from __future__ import annotations

import atexit
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

__all__ = ["sacrificial_url"]

_state: dict[str, subprocess.Popen[bytes] | Path | str] = {}


def _ping(url: str) -> bool:
    """Whether the daemon at the ``unix://`` ``url`` answers ``/_ping``.

    A raw request on a socket closed here: docker-py's client leaves the socket of a
    refused connection unclosed (a ResourceWarning, while the daemon starts).
    """
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(2)
        try:
            sock.connect(url.removeprefix("unix://"))
            sock.sendall(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
            status_line = sock.recv(64).split(b"\r\n", 1)[0]
        except OSError:
            return False
    return status_line.split(b" ")[1:2] == [b"200"]


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


def _stop() -> None:
    process = _state.pop("process", None)
    root = _state.pop("root", None)
    bridge = _state.pop("bridge", None)
    if isinstance(process, subprocess.Popen) and process.poll() is None:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if isinstance(root, Path):
        # dockerd mounts its data root; a daemon that was killed (or panicked) leaves it.
        subprocess.run(["umount", "-R", "-l", str(root / "data")], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
    if isinstance(bridge, str):
        subprocess.run(["ip", "link", "del", bridge], capture_output=True)


atexit.register(_stop)


def sacrificial_url() -> str:
    """The private daemon's ``unix://`` URL, starting it if it is not running."""
    process = _state.get("process")
    root = _state.get("root")
    if isinstance(process, subprocess.Popen) and process.poll() is None:
        assert isinstance(root, Path)
        return f"unix://{root / 'docker.sock'}"
    _stop()
    root = Path(tempfile.mkdtemp(prefix="aioc-sacrifice-", dir="/tmp"))
    url = f"unix://{root / 'docker.sock'}"
    ns = f"aioc-sacrifice-{root.name[-8:]}"
    token = secrets.token_hex(3)
    bridge = f"aiocsac{token}"
    _ip("link", "add", bridge, "type", "bridge")
    _state["bridge"] = bridge
    _ip("addr", "add", f"10.251.{int(token[:2], 16)}.1/24", "dev", bridge)
    _ip("link", "set", bridge, "up")
    log = (root / "dockerd.log").open("wb")
    process = subprocess.Popen(
        [
            "dockerd",
            f"--host={url}",
            f"--data-root={root / 'data'}",
            f"--exec-root={root / 'exec'}",
            f"--pidfile={root / 'docker.pid'}",
            f"--containerd-namespace={ns}",
            f"--containerd-plugins-namespace={ns}-plugins",
            f"--bridge={bridge}",
            "--iptables=false",
            "--ip-masq=false",
        ],
        stdout=log,
        stderr=log,
    )
    log.close()
    _state.update(process=process, root=root)
    deadline = time.monotonic() + 30
    while not _ping(url):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the throwaway dockerd did not start: see {root}/dockerd.log")
        time.sleep(0.1)
    return url
