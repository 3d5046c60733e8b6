"""A job service on FastAPI: submit jobs, read their status, follow their output, cancel them.

Run it with ``uvicorn examples.fastapi_jobs.app:app`` (needs ``aiocontainers[fastapi]``
and uvicorn)::

    curl -X POST localhost:8000/jobs -H 'content-type: application/json' \\
         -d '{"image": "busybox", "command": ["sh", "-c", "echo hi; sleep 1; echo bye"]}'
    curl -N localhost:8000/jobs/<id>/logs          # Server-Sent Events, live
    curl localhost:8000/jobs/<id>                   # status, exit code, output
    curl -X DELETE localhost:8000/jobs/<id>         # cancel: the container is removed
    curl localhost:8000/health                      # daemon, counters, open log streams

One client and one :class:`~aiocontainers.jobs.JobRunner` live as long as the
app (its lifespan); on shutdown the runner drains for ``shutdown_grace``
seconds, then cancels what is left, removing every container. The log
streams read the runner's bounded copy of each job's output, so a thousand
watchers cost no daemon connection, and a client that disconnects (or is
killed) frees its stream at once. Log streams last as long as their jobs:
give uvicorn a ``--timeout-graceful-shutdown`` so a shutdown does not wait
for them.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from contextlib import aclosing, asynccontextmanager
from dataclasses import asdict, dataclass, field
from typing import Annotated, Any

from fastapi import FastAPI, Header, HTTPException, Request
from fastapi.sse import ServerSentEvent
from pydantic import BaseModel, Field

import aiocontainers
from aiocontainers.contrib.fastapi import EventStream, job_events
from aiocontainers.jobs import JobHandle, JobRunner, JobSpec, RunnerClosed

__all__ = ["JobRequest", "JobView", "create_app"]


class JobRequest(BaseModel):
    """The body of ``POST /jobs``."""

    image: str
    command: list[str] | str | None = None
    timeout: float | None = Field(default=None, gt=0)
    env: dict[str, str] | None = None


class JobView(BaseModel):
    """What ``GET /jobs/{id}`` shows (never the environment)."""

    id: str
    image: str
    status: str
    attempts: int
    exit_code: int | None = None
    stdout: str | None = None
    stderr: str | None = None
    error: str | None = None


@dataclass
class Service:
    """What the app holds for its lifetime: the client, the runner, the jobs it remembers."""

    client: aiocontainers.DockerClient
    runner: JobRunner
    max_jobs: int
    jobs: OrderedDict[str, JobHandle] = field(default_factory=OrderedDict)
    open_streams: int = 0

    def remember(self, handle: JobHandle) -> None:
        """Keep the job; forget the oldest finished ones beyond ``max_jobs``."""
        self.jobs[handle.id] = handle
        for job_id in list(self.jobs):
            if len(self.jobs) <= self.max_jobs:
                break
            if self.jobs[job_id].done():
                del self.jobs[job_id]

    async def counted(
        self, events: AsyncGenerator[ServerSentEvent, None]
    ) -> AsyncIterator[ServerSentEvent]:
        """``events``, counted in ``open_streams`` while they are followed."""
        self.open_streams += 1
        try:
            async with aclosing(events):
                async for event in events:
                    yield event
        finally:
            self.open_streams -= 1

    def job(self, job_id: str) -> JobHandle:
        handle = self.jobs.get(job_id)
        if handle is None:
            raise HTTPException(404, f"no job {job_id}")
        return handle


def view(handle: JobHandle) -> JobView:
    outcome = handle.outcome
    shown = JobView(
        id=handle.id, image=handle.spec.image, status=handle.status, attempts=handle.attempts
    )
    if outcome is not None:
        shown.exit_code = outcome.exit_code
        shown.stdout = outcome.stdout.decode(errors="replace")
        shown.stderr = outcome.stderr.decode(errors="replace")
        shown.error = None if outcome.error is None else str(outcome.error)
    return shown


def create_app(
    *,
    concurrency: int = 4,
    labels: Mapping[str, str] | None = None,
    max_jobs: int = 1000,
    shutdown_grace: float = 30.0,
) -> FastAPI:
    """The app; ``labels`` go on every job container (cleanup by label survives a crash)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with (
            aiocontainers.from_env() as client,
            JobRunner(client, concurrency=concurrency, labels=labels) as runner,
        ):
            app.state.service = Service(client, runner, max_jobs)
            yield
            await runner.shutdown("drain", timeout=shutdown_grace)

    app = FastAPI(title="jobs", lifespan=lifespan)

    def service(request: Request) -> Service:
        found: Service = request.app.state.service
        return found

    @app.post("/jobs", status_code=202)
    async def submit(body: JobRequest, request: Request) -> JobView:
        jobs = service(request)
        try:
            spec = JobSpec(body.image, body.command, timeout=body.timeout, env=body.env)
        except aiocontainers.InvalidArgument as exc:
            raise HTTPException(422, str(exc)) from None
        try:
            handle = await jobs.runner.submit(spec)
        except RunnerClosed:
            raise HTTPException(503, "shutting down") from None
        jobs.remember(handle)
        return view(handle)

    @app.get("/jobs/{job_id}")
    async def status(job_id: str, request: Request) -> JobView:
        return view(service(request).job(job_id))

    @app.get("/jobs/{job_id}/logs")
    async def logs(
        job_id: str,
        request: Request,
        last_event_id: Annotated[str | None, Header()] = None,
    ) -> EventStream:
        jobs = service(request)
        handle = jobs.job(job_id)
        try:
            events = job_events(handle, last_event_id=last_event_id)
        except aiocontainers.InvalidArgument as exc:
            raise HTTPException(400, str(exc)) from None
        return EventStream(jobs.counted(events))

    @app.delete("/jobs/{job_id}")
    async def cancel(job_id: str, request: Request) -> JobView:
        handle = service(request).job(job_id)
        handle.cancel()
        await handle.wait()  # returns once the container is removed
        return view(handle)

    @app.get("/health")
    async def health(request: Request) -> dict[str, Any]:
        jobs = service(request)
        return {
            "docker": await jobs.client.ping(),
            "jobs": asdict(jobs.runner.counters),
            "open_streams": jobs.open_streams,
        }

    return app


app = create_app()
