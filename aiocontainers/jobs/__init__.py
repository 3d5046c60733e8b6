"""Jobs: run one container per job, bounded, with timeouts, retries and bounded output.

```python
from aiocontainers.jobs import JobRunner, JobSpec

async with aiocontainers.from_env() as client, JobRunner(client, concurrency=8) as runner:
    result = await runner.run(JobSpec("busybox", ["sh", "-c", "echo hi"], timeout=30))
    assert result.exit_code == 0 and result.stdout == b"hi\\n"
```

:class:`JobRunner` runs jobs ``concurrency`` at a time and removes every
container it starts, whatever happens (timeout, cancellation, abort);
:class:`JobSpec` describes a job and is validated when made;
:class:`JobResult` is how it ended with the last bytes of its output;
:class:`JobHandle` is a submitted job (await it, cancel it, follow its
output with ``handle.logs()``); :class:`JobCounters` are the counts a
service exposes. Timeouts raise :class:`~aiocontainers.errors.JobTimeout`,
cancellations :class:`~aiocontainers.errors.JobCancelled`.
"""

from __future__ import annotations

from ..errors import JobCancelled, JobTimeout, RunnerClosed
from ._handle import JobHandle
from ._map import JobMap
from ._output import JobLogStream
from ._runner import JOB_LABEL, JobRunner
from ._spec import JobCounters, JobResult, JobSpec, JobStatus

__all__ = [
    "JOB_LABEL",
    "JobCancelled",
    "JobCounters",
    "JobHandle",
    "JobLogStream",
    "JobMap",
    "JobResult",
    "JobRunner",
    "JobSpec",
    "JobStatus",
    "JobTimeout",
    "RunnerClosed",
]
