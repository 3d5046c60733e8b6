"""A short tour of aiocontainers against the local engine (run: nox -s demo)."""

from __future__ import annotations

import anyio

import aiocontainers
from aiocontainers import wait

IMAGE = "aiocontainers-test/busybox:latest"
LABELS = {"aiocontainers.demo": "1"}


async def main() -> None:
    async with aiocontainers.from_env() as client:
        version = await client.version()
        print(f"engine {version['Version']}, API {await client.api_version()}")

        output = await client.containers.run(
            IMAGE, ["echo", "hello from a container"], remove=True
        )
        print("run ->", output.decode().strip())

        web = await client.containers.run(
            IMAGE,
            ["sh", "-c", "echo ok > /tmp/index.html; exec httpd -f -p 8080 -h /tmp"],
            detach=True,
            labels=LABELS,
            ports={"8080/tcp": ("127.0.0.1", None)},
            healthcheck=aiocontainers.types.Healthcheck(
                test=["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"],
                interval=0.5,
            ),
        )
        try:
            await aiocontainers.wait_until_healthy(web, timeout=30)
            await web.reload()
            print("web is", web.health, "on", web.ports["8080/tcp"][0]["HostPort"])
            result = await web.exec_run(["sh", "-c", "echo out; echo err >&2; exit 3"], demux=True)
            print("exec ->", result.exit_code, result.output)
        finally:
            await web.remove(force=True)

        counter = await client.containers.run(
            IMAGE,
            ["sh", "-c", "for i in 1 2 3; do echo tick $i; sleep 0.2; done"],
            detach=True,
            labels=LABELS,
        )
        async for line in counter.logs(stream=True, follow=True):
            print("log ->", line.decode().rstrip())
        await counter.remove()

        ready = await client.containers.run(
            IMAGE,
            ["sh", "-c", "sleep 0.5; echo ready; sleep 30"],
            detach=True,
            labels=LABELS,
            wait_for=wait.for_log("ready", timeout=10),
        )
        print("readiness strategy saw 'ready' in", ready.name)
        await ready.remove(force=True)


if __name__ == "__main__":
    anyio.run(main)
