"""The job runner's pure parts: specs, bounded output, log readers, backoff, runner state."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import anyio
import pytest

import aiocontainers
from aiocontainers import LogRecord
from aiocontainers.errors import (
    Conflict,
    DaemonUnavailable,
    DockerException,
    ImageLoadError,
    ImageNotFound,
    InvalidArgument,
    NotFound,
    RunnerClosed,
    ServerError,
    StreamError,
    Timeout,
)
from aiocontainers.jobs import JobRunner, JobSpec
from aiocontainers.jobs._output import MAX_LINE, JobLogStream, JobOutput, LineSplitter
from aiocontainers.jobs._runner import MAX_BACKOFF, _retryable, backoff_delay
from aiocontainers.testing import capture_events

pytestmark = pytest.mark.anyio

# -- specs -------------------------------------------------------------------------


def test_spec_takes_image_and_command_positionally_and_create_options_by_name() -> None:
    spec = JobSpec("busybox", ["echo", "hi"], timeout=timedelta(seconds=90), mem_limit="64m")
    assert (spec.image, spec.command, spec.timeout) == ("busybox", ["echo", "hi"], 90.0)
    assert spec.options == {"mem_limit": "64m"}
    options = spec.create_options({"runner": "1", "team": "x"})
    assert options["mem_limit"] == "64m"
    assert options["labels"] == {"runner": "1", "team": "x"}


def test_spec_labels_win_over_runner_labels_and_env_becomes_environment() -> None:
    spec = JobSpec("busybox", labels={"team": "mine"}, env={"A": "1"})
    options = spec.create_options({"team": "runner"})
    assert options["labels"] == {"team": "mine"}
    assert options["environment"] == {"A": "1"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mem_limit": "lots"}, "mem_limit"),
        ({"no_such_option": 1}, "no_such_option"),
        ({"timeout": 0}, "timeout"),
        ({"timeout": -5}, "timeout"),
        ({"retries": -1}, "retries"),
        ({"output_limit": 0}, "output_limit"),
        ({"remove": True}, "remove"),
        ({"auto_remove": True}, "auto_remove"),
        ({"environment": {"A": "1"}}, "env="),
        ({"image": ""}, "image"),
    ],
)
def test_bad_specs_raise_invalid_argument_before_any_daemon_call(
    kwargs: dict[str, object], message: str
) -> None:
    arguments: dict[str, object] = {"image": "busybox", **kwargs}
    with pytest.raises(InvalidArgument, match=message):
        JobSpec(**arguments)


def test_spec_repr_never_shows_environment_values() -> None:
    spec = JobSpec("busybox", env={"TOKEN": "s3cret"}, user="nobody")
    assert "s3cret" not in repr(spec) and "s3cret" not in str(spec)


# -- line splitting and bounded output -------------------------------------------------


def test_splitter_joins_lines_across_payloads_and_caps_a_partial_line() -> None:
    splitter = LineSplitter()
    assert splitter.feed(b"ab") == []
    assert splitter.feed(b"c\nde") == [b"abc\n"]
    assert splitter.flush() == b"de"
    huge = b"x" * (MAX_LINE * 2 + 10)
    pieces = splitter.feed(huge)
    assert pieces == [b"x" * MAX_LINE, b"x" * MAX_LINE]
    assert splitter.feed(b"\n") == [b"x" * 10 + b"\n"]
    long_line = b"y" * (MAX_LINE + 1) + b"\n"
    assert splitter.feed(long_line) == [b"y" * MAX_LINE, b"y\n"]


def test_output_keeps_exactly_the_last_bytes_per_stream() -> None:
    output = JobOutput(limit=10)
    for _ in range(5):
        output.feed("stdout", b"abcd\n")
    output.feed("stderr", b"e1\n")
    output.close()
    assert output.stdout() == (b"abcd\n" * 5)[-10:]
    assert output.dropped("stdout") == 15
    assert output.stderr() == b"e1\n" and output.dropped("stderr") == 0


def test_output_keeps_the_tail_of_a_line_longer_than_the_limit() -> None:
    output = JobOutput(limit=4)
    output.feed("stdout", b"0123456789\n")
    assert output.stdout() == b"789\n"
    assert output.dropped("stdout") == 7


def test_output_close_keeps_unterminated_last_lines_and_is_idempotent() -> None:
    output = JobOutput(limit=100)
    output.feed("stdout", b"no newline")
    assert output.stdout() == b""
    output.close()
    output.close()
    assert output.stdout() == b"no newline"
    assert [pair[0] for pair in output.since(0)] == [0]


def test_since_merges_both_streams_in_printed_order() -> None:
    output = JobOutput(limit=100)
    output.feed("stdout", b"o1\n")
    output.feed("stderr", b"e1\n")
    output.feed("stdout", b"o2\n")
    assert [(i, r.stream, r.data) for i, r in output.since(1)] == [
        (1, "stderr", b"e1\n"),
        (2, "stdout", b"o2\n"),
    ]


def test_new_attempt_forgets_output_but_keeps_counting_indices() -> None:
    output = JobOutput(limit=100)
    output.feed("stdout", b"first\n")
    output.new_attempt()
    output.feed("stdout", b"second\n")
    assert output.stdout() == b"second\n"
    assert [i for i, _ in output.since(0)] == [1]


async def _read_all(stream: JobLogStream) -> list[LogRecord]:
    return [record async for record in stream]


async def test_reader_waits_for_lines_and_ends_when_the_output_closes() -> None:
    output = JobOutput(limit=100)
    got: list[LogRecord] = []

    async def read() -> None:
        got.extend(await _read_all(JobLogStream(lambda: output)))

    async with anyio.create_task_group() as tg:
        tg.start_soon(read)
        await anyio.wait_all_tasks_blocked()
        output.feed("stdout", b"one\n")
        await anyio.wait_all_tasks_blocked()
        assert [r.data for r in got] == []  # still reading: nothing is returned early
        output.feed("stderr", b"two\n")
        output.close()
    assert [(r.stream, r.data) for r in got] == [("stdout", b"one\n"), ("stderr", b"two\n")]


async def test_a_reader_behind_the_bound_skips_ahead_and_counts_what_it_missed() -> None:
    output = JobOutput(limit=6)
    for n in range(5):
        output.feed("stdout", f"l{n}\n".encode())
    output.close()
    stream = JobLogStream(lambda: output, start=1)
    records = await _read_all(stream)
    assert [r.data for r in records] == [b"l3\n", b"l4\n"]
    assert stream.skipped == 2 and stream.next_index == 5


async def test_closing_a_reader_ends_its_iteration() -> None:
    output = JobOutput(limit=100)
    output.feed("stdout", b"a\nb\n")
    async with JobLogStream(lambda: output) as stream:
        assert (await stream.__anext__()).data == b"a\n"
    assert await _read_all(stream) == []


# -- backoff and runner state --------------------------------------------------------


def test_backoff_doubles_with_jitter_and_is_capped() -> None:
    spec = JobSpec("busybox", retry_backoff=1.0)
    for attempt, base in [(1, 1.0), (2, 2.0), (3, 4.0)]:
        delays = [backoff_delay(spec, attempt) for _ in range(50)]
        assert all(base / 2 <= d <= base for d in delays)
    assert backoff_delay(spec, 100) <= MAX_BACKOFF


def _api(kind: type[ServerError | NotFound | Conflict], status: int) -> DockerException:
    return kind("POST /containers/create", status_code=status)


@pytest.mark.parametrize(
    ("error", "retry"),
    [
        (DaemonUnavailable("no daemon", url="unix:///x"), True),
        (_api(ServerError, 500), True),
        (StreamError("cut"), True),
        (ImageLoadError("pull failed"), True),
        (Timeout("a call ran past its deadline"), True),
        (_api(ImageNotFound, 404), False),
        (_api(NotFound, 404), False),
        (_api(Conflict, 409), False),
        (InvalidArgument("bad"), False),
        (DockerException("anything else"), False),
    ],
)
def test_only_failures_a_later_attempt_may_not_meet_are_retried(
    error: DockerException, retry: bool
) -> None:
    assert _retryable(error) is retry


@pytest.mark.parametrize(
    "kwargs",
    [
        {"concurrency": 0},
        {"concurrency": True},
        {"max_queued": 0},
        {"output_limit": 0},
        {"cleanup_timeout": 0},
    ],
)
async def test_bad_runner_arguments_raise_invalid_argument(kwargs: dict[str, Any]) -> None:
    async with aiocontainers.DockerClient("unix:///nonexistent.sock") as client:
        with pytest.raises(InvalidArgument):
            JobRunner(client, **kwargs)


async def test_a_runner_takes_jobs_only_inside_its_block_and_runs_once() -> None:
    async with aiocontainers.DockerClient("unix:///nonexistent.sock") as client:
        runner = JobRunner(client)
        with pytest.raises(RunnerClosed, match="async with"):
            await runner.submit(JobSpec("busybox"))
        with pytest.raises(RunnerClosed):
            await runner.map([JobSpec("busybox")]).__anext__()
        async with runner:
            with pytest.raises(InvalidArgument):
                await runner.submit("busybox")  # type: ignore[arg-type]
        with pytest.raises(RunnerClosed):
            await runner.submit(JobSpec("busybox"))
        with pytest.raises(RunnerClosed, match="runs once"):
            async with runner:
                pass


async def test_an_unreachable_daemon_is_retried_then_reported(socket_dir: Path) -> None:
    socket = socket_dir / "docker.sock"  # nothing listens here
    spec = JobSpec("busybox", ["true"], retries=2, retry_backoff=0.01)
    with capture_events() as events:
        async with aiocontainers.DockerClient(f"unix://{socket}") as client:
            async with JobRunner(client) as runner:
                handle = await runner.submit(spec)
                with pytest.raises(DaemonUnavailable):
                    await handle
                counters = runner.counters
    assert handle.status == "error" and handle.attempts == 3
    assert handle.outcome is not None and isinstance(handle.outcome.error, DaemonUnavailable)
    assert (counters.errors, counters.retries, counters.running) == (1, 2, 0)
    assert [e["attempt"] for e in events if e["event"] == "docker.job.retry"] == [1, 2]


async def test_queued_jobs_can_be_cancelled_without_a_container() -> None:
    async with aiocontainers.DockerClient("unix:///nonexistent.sock") as client:
        async with JobRunner(client, concurrency=1) as runner:
            blocker = await runner.submit(JobSpec("busybox", retries=50, retry_backoff=10))
            queued = await runner.submit(JobSpec("busybox"))
            assert runner.counters.queued >= 1
            assert queued.cancel()
            assert queued.status == "cancelled" and queued.container_id is None
            assert [r async for r in queued.logs()] == []
            # A negative start used to spin the reader forever (found by the argument fuzzer).
            with pytest.raises(InvalidArgument, match="start"):
                queued.logs(start=-1)
            await runner.shutdown("abort")
        assert blocker.status == "cancelled"
        assert runner.counters.cancelled == 2 and runner.counters.queued == 0
