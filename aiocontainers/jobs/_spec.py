"""What a job is ([`JobSpec`][aiocontainers.jobs.JobSpec]), what it gives back
([`JobResult`][aiocontainers.jobs.JobResult]), and counts.

A spec is validated when it is made, container options included, so a bad
job fails in the producer's hands (``InvalidArgument``), not in a worker
minutes later. Environment values are secrets as far as we know: they never
appear in a repr or an event.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from pydantic import Field, field_validator

from .._specs import ContainerSpec
from .._specs._base import EnvironmentMapping, Spec
from .._validation import validated
from ..errors import DockerException, InvalidArgument

__all__ = ["JobCounters", "JobResult", "JobSpec", "JobStatus"]

JobStatus = Literal["queued", "running", "succeeded", "failed", "timed_out", "cancelled", "error"]

# Options the runner decides itself: a job's container is created, attached, waited
# for and removed by the runner.
_RUNNER_OPTIONS = frozenset(
    {"detach", "stream", "remove", "auto_remove", "stdout", "stderr", "environment", "labels"}
)


class JobSpec(Spec):
    """One job: an image, a command and how to run it.

    ``JobSpec("busybox", ["sh", "-c", "echo hi"], timeout=30, mem_limit="256m")``:
    ``image`` and ``command`` may be positional; keywords the spec does not
    name itself (``mem_limit``, ``nano_cpus``, ``user``, ``working_dir``,
    ``network``, ``volumes``...) are ``containers.create()`` options, checked
    now. ``timeout`` (seconds or ``timedelta``) bounds each attempt's run from
    the container's start to its exit. ``retries`` extra attempts are made,
    after ``retry_backoff`` seconds doubling each time, for failures that may
    pass (daemon unreachable or failing, a broken stream, an image pull
    error), and for the exit codes in ``retry_exit_codes``; never for a
    timeout or another exit code. ``output_limit`` bytes of each stream are
    kept (the runner's default when ``None``).
    """

    _positional = ("image", "command")

    image: str = Field(min_length=1)
    command: str | list[str] | None = None
    timeout: float | None = None
    env: EnvironmentMapping = Field(default=None, repr=False)
    labels: dict[str, str] = Field(default_factory=dict)
    retries: int = Field(default=0, ge=0)
    retry_backoff: float = Field(default=1.0, ge=0)
    retry_exit_codes: frozenset[int] = frozenset()
    output_limit: int | None = Field(default=None, gt=0)
    options: dict[str, Any] = Field(default_factory=dict, repr=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        own = set(type(self).model_fields)
        given = kwargs.pop("options", None) or {}
        if not isinstance(given, Mapping):
            raise InvalidArgument(f"options must be a dict, got {type(given).__name__}")
        options = dict(given)
        options.update({key: kwargs.pop(key) for key in list(kwargs) if key not in own})
        refused = sorted(_RUNNER_OPTIONS & options.keys())
        if refused:
            raise InvalidArgument(
                f"JobSpec does not take {', '.join(refused)}: the runner attaches, waits "
                "and removes; use env= and labels="
            )
        super().__init__(*args, options=options, **kwargs)
        ContainerSpec(  # checks the container options now (InvalidArgument, values unshown)
            image=self.image,
            command=self.command,
            environment=self.env,
            labels=self.labels,
            **self.options,
        )

    @field_validator("timeout", mode="before")
    @classmethod
    def _seconds(cls, value: Any) -> Any:
        if isinstance(value, timedelta):
            value = value.total_seconds()
        positive = isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0
        if value is not None and not positive:
            raise ValueError(f"timeout must be positive seconds or a timedelta, got {value!r}")
        return value

    @validated
    def create_options(self, labels: Mapping[str, str]) -> dict[str, Any]:
        """The ``containers.create()`` keywords of this job, with ``labels`` added."""
        options = dict(self.options)
        options["labels"] = {**labels, **self.labels}
        if self.env is not None:
            options["environment"] = self.env
        return options


@dataclass(frozen=True, slots=True)
class JobResult:
    """How a job ended, with its output (the last ``output_limit`` bytes of each stream).

    ``status`` is ``succeeded`` (exit 0), ``failed`` (another exit code),
    ``timed_out``, ``cancelled`` or ``error`` (the daemon failed, also after
    the retries); ``error`` is then the exception, and ``exit_code`` is
    ``None`` when the job did not exit on its own. ``stdout_dropped`` and
    ``stderr_dropped`` count the bytes that did not fit. ``duration`` is
    seconds from the first attempt's start (queueing excluded); ``attempts``
    counts containers started; ``container_id`` is the last one (removed by
    now).
    """

    job_id: str
    spec: JobSpec
    status: JobStatus
    exit_code: int | None
    stdout: bytes
    stderr: bytes
    stdout_dropped: int
    stderr_dropped: int
    duration: float
    attempts: int
    container_id: str | None
    error: DockerException | None = None

    @property
    def ok(self) -> bool:
        """True when the job exited with status 0."""
        return self.status == "succeeded"


@dataclass(frozen=True, slots=True)
class JobCounters:
    """A snapshot of a runner's jobs: how many wait, run, and ended in each way.

    ``retries`` counts attempts after the first, over all jobs.
    """

    queued: int = 0
    running: int = 0
    succeeded: int = 0
    failed: int = 0
    timed_out: int = 0
    cancelled: int = 0
    errors: int = 0
    retries: int = 0
