"""An ssh:// engine refuses an untrusted host key or a refused login key, naming the cause.

Each case is a HOME whose ~/.ssh differs from the working one of scripts/engine-ssh.sh in
one respect, against the real test sshd.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import asyncssh
import pytest

from aiocontainers import DaemonUnavailable, DockerClient

from .conftest import SSH_HOME, SSH_HOST

pytestmark = pytest.mark.anyio


def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the working ~/.ssh, with the paths in its config pointing at the copy."""
    ssh_dir = tmp_path / ".ssh"
    shutil.copytree(SSH_HOME / ".ssh", ssh_dir)
    config = (ssh_dir / "config").read_text().replace(str(SSH_HOME / ".ssh"), str(ssh_dir))
    (ssh_dir / "config").write_text(config)
    monkeypatch.setenv("HOME", str(tmp_path))
    return ssh_dir


def _stranger_key() -> asyncssh.SSHKey:
    return asyncssh.generate_private_key("ssh-ed25519")


async def _refusal() -> str:
    async with DockerClient(SSH_HOST, timeout=10) as client:
        with pytest.raises(DaemonUnavailable) as caught:
            await client.ping()
    return str(caught.value)


async def test_working_home_connects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _home(tmp_path, monkeypatch)  # the control: the copy itself is fine
    async with DockerClient(SSH_HOST, timeout=10) as client:
        assert await client.ping()


async def test_host_key_mismatch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ssh_dir = _home(tmp_path, monkeypatch)
    host = (ssh_dir / "known_hosts").read_text().split()[0]  # [127.0.0.1]:PORT
    other = _stranger_key().export_public_key().decode().split()[:2]
    (ssh_dir / "known_hosts").write_text(f"{host} {' '.join(other)}\n")
    message = await _refusal()
    assert "SSH host key mismatch or unknown host" in message
    assert "Host key is not trusted for host 127.0.0.1" in message


async def test_unknown_host(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ssh_dir = _home(tmp_path, monkeypatch)
    (ssh_dir / "known_hosts").write_text("")
    assert "SSH host key mismatch or unknown host" in await _refusal()


async def test_refused_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ssh_dir = _home(tmp_path, monkeypatch)
    key = _stranger_key()
    (ssh_dir / "id_ed25519").write_bytes(key.export_private_key())
    (ssh_dir / "id_ed25519.pub").write_bytes(key.export_public_key())
    message = await _refusal()
    assert "SSH refused the login (key not accepted)" in message
    assert "Permission denied" in message


async def test_mismatched_key_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A private key whose .pub belongs to another key: asyncssh's ValueError is translated."""
    ssh_dir = _home(tmp_path, monkeypatch)
    (ssh_dir / "id_ed25519").write_bytes(_stranger_key().export_private_key())
    assert "Public key mismatch" in await _refusal()
