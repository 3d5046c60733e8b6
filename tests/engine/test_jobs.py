"""The job runner against the real engine: results, timeouts, cancellation, bounds, shutdown."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import anyio
import pytest

from aiocontainers import DockerClient, LogRecord
from aiocontainers.errors import (
    ImageNotFound,
    JobCancelled,
    JobTimeout,
    RunnerClosed,
    ServerError,
)
from aiocontainers.jobs import JOB_LABEL, JobHandle, JobRunner, JobSpec
from aiocontainers.testing import capture_events
from tests.engine._jobs import job_containers
from tests.engine.conftest import REGISTRY

UP = ["sh", "-c", "echo up; sleep 60"]


async def _until_running(handle: JobHandle) -> None:
    """Return once the job printed its first line (``UP`` prints ``up``)."""
    async with handle.logs() as lines:
        async for _ in lines:
            return


async def test_run_returns_exit_code_and_both_streams_then_removes(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    async with JobRunner(client, concurrency=2, labels=labels) as runner:
        result = await runner.run(
            JobSpec(
                image,
                ["sh", "-c", "echo out; echo err >&2; echo $GREETING"],
                env={"GREETING": "hi"},
            )
        )
    assert result.status == "succeeded" and result.ok
    assert result.exit_code == 0
    assert result.stdout == b"out\nhi\n"
    assert result.stderr == b"err\n"
    assert (result.stdout_dropped, result.stderr_dropped) == (0, 0)
    assert result.attempts == 1
    assert result.container_id is not None
    assert 0 < result.duration < 30
    assert await job_containers(client, labels) == []


async def test_quick_jobs_get_their_output_exactly_once(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    """A job that writes at once and exits: its output was doubled now and then (3 jobs
    in 200 on a loaded engine) while the attach also asked for the log's replay."""
    spec = JobSpec(image, ["sh", "-c", "echo out; echo err >&2"])
    async with JobRunner(client, concurrency=8, labels=labels) as runner:
        results = [result async for result in runner.map([spec] * 80)]
    assert {(r.stdout, r.stderr, r.exit_code) for r in results} == {(b"out\n", b"err\n", 0)}
    assert len(results) == 80


async def test_job_container_carries_runner_spec_and_job_labels(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    async with JobRunner(client, labels=labels) as runner:
        handle = await runner.submit(JobSpec(image, UP, labels={"team": "a"}))
        await _until_running(handle)
        assert handle.container_id is not None
        container = await client.containers.get(handle.container_id)
        assert container.labels[JOB_LABEL] == handle.id
        assert container.labels["team"] == "a"
        assert all(container.labels[k] == v for k, v in labels.items())
        handle.cancel()
    assert await job_containers(client, labels) == []


async def test_non_zero_exit_is_a_result_and_is_not_retried_unless_asked(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    async with JobRunner(client, labels=labels) as runner:
        failed = await runner.run(
            JobSpec(image, ["sh", "-c", "echo boom >&2; exit 3"], retries=2, retry_backoff=0)
        )
        retried = await runner.run(
            JobSpec(
                image,
                ["sh", "-c", "echo attempt; exit 3"],
                retries=2,
                retry_backoff=0,
                retry_exit_codes={3},
            )
        )
        counters = runner.counters
    assert (failed.status, failed.exit_code, failed.attempts) == ("failed", 3, 1)
    assert failed.stderr == b"boom\n"
    assert (retried.status, retried.exit_code, retried.attempts) == ("failed", 3, 3)
    assert retried.stdout == b"attempt\n"  # the last attempt's output only
    assert counters.failed == 2 and counters.retries == 2
    assert await job_containers(client, labels) == []


async def test_timeout_kills_removes_and_reports_the_output_so_far(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    async with JobRunner(client, labels=labels) as runner:
        with anyio.fail_after(20):
            with pytest.raises(JobTimeout) as caught:
                await runner.run(
                    JobSpec(
                        image, ["sh", "-c", "echo started; echo warn >&2; sleep 60"], timeout=1.5
                    )
                )
        counters = runner.counters
    result = caught.value.result
    assert isinstance(caught.value, TimeoutError)
    assert caught.value.timeout == 1.5
    assert result.status == "timed_out" and result.exit_code is None
    assert result.stdout == b"started\n" and result.stderr == b"warn\n"
    assert result.error is caught.value
    assert 1.5 <= result.duration < 15
    assert counters.timed_out == 1 and counters.running == 0
    assert await job_containers(client, labels) == []


async def test_cancelling_a_running_job_removes_its_container(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    async with JobRunner(client, labels=labels) as runner:
        handle = await runner.submit(JobSpec(image, ["sh", "-c", "echo up; sleep 60"]))
        async with handle.logs() as lines:
            async for line in lines:
                assert line.data == b"up\n"
                break
        assert handle.cancel()
        with anyio.fail_after(20):
            with pytest.raises(JobCancelled) as caught:
                await handle
        assert not handle.cancel()  # already done
    assert caught.value.result.status == "cancelled"
    assert caught.value.result.stdout == b"up\n"
    assert handle.status == "cancelled"
    assert await job_containers(client, labels) == []


async def test_cancelling_the_caller_of_run_cancels_the_job_and_removes_it(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    async with JobRunner(client, labels=labels) as runner:
        with anyio.move_on_after(1.5):
            await runner.run(JobSpec(image, ["sleep", "60"]))
        assert await job_containers(client, labels) == []
        assert runner.counters.cancelled == 1


async def test_cancelling_the_runner_removes_every_container_and_cancels_queued_jobs(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    handles = []
    with anyio.CancelScope() as scope:
        async with JobRunner(client, concurrency=2, labels=labels) as runner:
            for _ in range(5):
                handles.append(await runner.submit(JobSpec(image, UP)))
            for handle in handles[:2]:
                await _until_running(handle)
            assert runner.counters.running == 2 and runner.counters.queued == 3
            assert len(await job_containers(client, labels)) == 2
            scope.cancel()
            await anyio.sleep(30)
    assert [h.status for h in handles].count("cancelled") == 5
    assert runner.counters.cancelled == 5
    assert runner.counters.running == runner.counters.queued == 0
    assert await job_containers(client, labels) == []
    with pytest.raises(RunnerClosed):
        await runner.submit(JobSpec(image, ["true"]))


async def test_concurrency_bounds_running_jobs(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    most = 0
    async with JobRunner(client, concurrency=2, labels=labels) as runner:
        handles = [await runner.submit(JobSpec(image, ["sleep", "0.5"])) for _ in range(6)]
        assert runner.counters.queued + runner.counters.running == 6
        while not all(h.done() for h in handles):
            most = max(most, len(await job_containers(client, labels)))
            await anyio.sleep(0.02)
    assert most == 2
    assert runner.counters.succeeded == 6


async def test_map_yields_results_as_jobs_complete(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    specs = [JobSpec(image, ["sh", "-c", f"sleep {s}; echo {s}"]) for s in ("3", "0")]
    async with JobRunner(client, concurrency=2, labels=labels) as runner:
        outputs = [result.stdout async for result in runner.map(specs)]
    assert outputs == [b"0\n", b"3\n"]


async def test_map_reads_specs_only_as_results_are_consumed(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    taken = 0

    def specs() -> Iterator[JobSpec]:
        nonlocal taken
        for _ in range(1_000_000):
            taken += 1
            yield JobSpec(image, ["true"])

    async with JobRunner(client, concurrency=2, labels=labels) as runner:
        async with runner.map(specs(), window=3) as results:
            consumed = 0
            async for result in results:
                assert result.ok
                consumed += 1
                if consumed == 5:
                    break
            assert taken <= consumed + 3 + 1
        assert runner.counters.running == runner.counters.queued == 0
    assert await job_containers(client, labels) == []


async def test_map_takes_async_iterables_and_reports_every_ending(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    async def specs() -> AsyncIterator[JobSpec]:
        yield JobSpec(image, ["sh", "-c", "exit 4"])
        yield JobSpec(image, ["sleep", "30"], timeout=1)
        yield JobSpec(f"{REGISTRY}/aiocontainers-test/no-such-image:nope", ["true"], retries=3)

    async with JobRunner(client, concurrency=3, labels=labels) as runner:
        results = {r.spec.image + str(r.spec.timeout): r async for r in runner.map(specs())}
    statuses = sorted((r.status, r.exit_code) for r in results.values())
    assert statuses == [("error", None), ("failed", 4), ("timed_out", None)]
    missing = next(r for r in results.values() if r.status == "error")
    assert isinstance(missing.error, ImageNotFound)
    assert missing.attempts == 1  # a missing image is not worth a retry
    timed_out = next(r for r in results.values() if r.status == "timed_out")
    assert isinstance(timed_out.error, JobTimeout)


async def test_failed_pulls_are_retried_with_backoff(
    client: DockerClient, labels: dict[str, str]
) -> None:
    unreachable = "127.0.0.1:5999/aiocontainers-test/unreachable:latest"  # nothing listens
    with capture_events() as events:
        async with JobRunner(client, labels=labels) as runner:
            with pytest.raises(ServerError):
                await runner.run(JobSpec(unreachable, ["true"], retries=2, retry_backoff=0.2))
            counters = runner.counters
    retries = [e for e in events if e["event"] == "docker.job.retry"]
    assert [e["attempt"] for e in retries] == [1, 2]
    assert all(0.1 <= e["delay"] <= 0.2 for e in retries[:1])
    assert all(0.2 <= e["delay"] <= 0.4 for e in retries[1:])
    assert counters.errors == 1 and counters.retries == 2


async def test_output_keeps_the_last_bytes_of_each_stream_and_counts_the_rest(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    script = "yes 0123456789abcdef | head -c 300000; echo tail-err >&2"
    async with JobRunner(client, labels=labels) as runner:
        result = await runner.run(JobSpec(image, ["sh", "-c", script], output_limit=1000))
    printed = (b"0123456789abcdef\n" * 20000)[:300000]  # ends with an unterminated line
    assert result.stdout == printed[-1000:]
    assert result.stdout_dropped == 300000 - 1000
    assert result.stderr == b"tail-err\n" and result.stderr_dropped == 0


async def test_logs_follow_the_job_live_and_replay_after_it_ended(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    script = "for i in 1 2 3; do echo line $i; sleep 0.3; done; echo problem >&2"
    async with JobRunner(client, labels=labels) as runner:
        handle = await runner.submit(JobSpec(image, ["sh", "-c", script]))
        live: list[LogRecord] = []
        seen_running = []
        async for record in handle.logs():
            live.append(record)
            seen_running.append(handle.status == "running")
        assert handle.done()
        replay = [record async for record in handle.logs()]
        resumed = handle.logs(start=2)
        tail = [record.text async for record in resumed]
    expected = [("stdout", f"line {i}\n") for i in (1, 2, 3)] + [("stderr", "problem\n")]
    assert [(r.stream, r.text) for r in live] == expected
    assert seen_running[0]  # the first line arrived while the job was still running
    assert [(r.stream, r.text) for r in replay] == expected
    assert tail == ["line 3\n", "problem\n"]
    assert resumed.next_index == 4 and resumed.skipped == 0


async def test_drain_finishes_submitted_jobs_and_refuses_new_ones(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    async with JobRunner(client, concurrency=1, labels=labels) as runner:
        handles = [
            await runner.submit(JobSpec(image, ["sh", "-c", "sleep 0.3"])) for _ in range(3)
        ]
        await runner.shutdown("drain")
        assert [h.status for h in handles] == ["succeeded"] * 3
        assert not runner.accepting
        with pytest.raises(RunnerClosed):
            await runner.submit(JobSpec(image, ["true"]))


async def test_abort_and_drain_timeout_cancel_everything(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    async with JobRunner(client, concurrency=1, labels=labels) as runner:
        running = await runner.submit(JobSpec(image, UP))
        queued = await runner.submit(JobSpec(image, ["true"]))
        await _until_running(running)
        with anyio.fail_after(30):
            await runner.shutdown("drain", timeout=0.5)
        assert (running.status, queued.status) == ("cancelled", "cancelled")
    assert await job_containers(client, labels) == []


async def test_each_job_emits_structured_events(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    with capture_events() as events:
        async with JobRunner(client, labels=labels) as runner:
            result = await runner.run(JobSpec(image, ["true"], env={"TOKEN": "s3cret"}))
    job_events = [e for e in events if e["event"].startswith("docker.job.")]
    assert [e["event"] for e in job_events] == ["docker.job.started", "docker.job.finished"]
    started, finished = job_events
    assert started["job"] == finished["job"] == result.job_id
    assert started["id"] == result.container_id
    assert (finished["status"], finished["exit_code"], finished["attempts"]) == ("succeeded", 0, 1)
    assert "s3cret" not in repr(events)


async def test_a_job_asks_the_daemon_only_what_it_must(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    """No inspect: the container is known to be new, attach and wait are opened before
    the start (nothing to ask about its state or its end), the exit code comes from the wait."""
    async with JobRunner(client, labels=labels) as runner:
        await client.api_version()  # negotiated before, not counted
        with capture_events() as events:
            result = await runner.run(JobSpec(image, ["sh", "-c", "echo hi; exit 3"]))
    assert (result.exit_code, result.stdout) == (3, b"hi\n")
    calls = [
        (e["method"], e["path"])
        for e in events
        if e["event"] in ("docker.request", "docker.stream")
        and e.get("id") in (None, result.container_id)
    ]
    assert calls == [
        ("POST", "/containers/create"),
        ("POST", "/containers/{id}/attach"),
        ("POST", "/containers/{id}/wait"),
        ("POST", "/containers/{id}/start"),
        ("DELETE", "/containers/{id}"),
    ]


async def test_cancelling_a_waiter_leaves_the_job_running(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    async with JobRunner(client, labels=labels) as runner:
        handle = await runner.submit(JobSpec(image, ["sh", "-c", "sleep 1; echo done"]))
        with anyio.move_on_after(0.3) as waited:
            await handle
        assert waited.cancelled_caught and not handle.done()
        result = await handle
    assert result.ok and result.stdout == b"done\n"


async def test_max_queued_makes_submit_wait_for_room(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    async with JobRunner(client, concurrency=1, max_queued=1, labels=labels) as runner:
        blocker = await runner.submit(JobSpec(image, UP))
        await _until_running(blocker)
        waiting = await runner.submit(JobSpec(image, ["true"]))
        with anyio.move_on_after(0.5) as full:
            await runner.submit(JobSpec(image, ["true"]))
        assert full.cancelled_caught
        assert runner.counters.queued == 1
        blocker.cancel()  # the worker takes `waiting`: there is room again
        with anyio.fail_after(30):
            third = await runner.submit(JobSpec(image, ["true"]))
        assert (await waiting).ok and (await third).ok


async def test_an_exception_in_the_block_aborts_every_job(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    handles = []
    with pytest.raises(RuntimeError, match="worker failed"):
        async with JobRunner(client, concurrency=1, labels=labels) as runner:
            handles.append(await runner.submit(JobSpec(image, UP)))
            handles.append(await runner.submit(JobSpec(image, ["true"])))
            await _until_running(handles[0])
            raise RuntimeError("worker failed")
    assert [h.status for h in handles] == ["cancelled", "cancelled"]
    assert await job_containers(client, labels) == []


async def test_a_map_left_unread_does_not_hold_the_runner_open(
    client: DockerClient, image: str, labels: dict[str, str]
) -> None:
    def specs() -> Iterator[JobSpec]:
        while True:
            yield JobSpec(image, ["true"])

    with anyio.fail_after(60):
        async with JobRunner(client, concurrency=2, labels=labels) as runner:
            async for result in runner.map(specs(), window=2):
                assert result.ok
                break  # neither closed nor exhausted: the runner's exit stops its feeder
    assert runner.counters.running == runner.counters.queued == 0
    assert await job_containers(client, labels) == []
