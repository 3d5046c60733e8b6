"""The differential harness: one snippet, run on docker-py and on ``aiocontainers.sync``.

A *case* is a plain function ``snippet(docker, env)`` written against docker-py's
API. The engine test (``tests/engine/test_dockerpy_diff.py``) runs it twice
against the same engine, once with ``docker`` being docker-py (the oracle) and
once with it being ``aiocontainers.sync``, each time with a fresh :class:`Env`,
and compares what came out after :func:`normalise` (ids, digests, timestamps and
the run's own names replaced by placeholders; types kept). An exception is an
outcome too: the shim's must be an instance of the ``aiocontainers.errors``
class of the same name as docker-py's (or of the same builtin class).

Each case declares the docker-py calls it ``covers`` (``"Container.logs"``) and
its verdict:

* :func:`same`: the outcomes are equal.
* :func:`differs`: a documented improvement; ``adjust`` turns docker-py's
  normalised outcome into the shim's, and the two must really differ.
* :func:`failing`: not right yet. The test is ``xfail(strict=True)``, so the
  day it passes it fails until the verdict is updated (and the table with it).

A case whose snippet is meant to end in an exception on docker-py says which, with
``raises="NotFound"``; docker-py raising anything else (or nothing) fails the case, so a
snippet broken by mistake cannot pass by failing the same way on both libraries.

``tests/unit/test_dockerpy_diff_coverage.py`` enumerates docker-py's public API
and fails for anything that no case covers and :data:`NOT_COVERED` does not list
with a reason; :func:`render_table` writes ``docs/content/porting-table.md`` from
the verdicts.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Literal

__all__ = [
    "CASES",
    "NOT_COVERED",
    "Case",
    "Env",
    "Raised",
    "attempts",
    "compare",
    "differs",
    "failing",
    "invalid_argument",
    "normalise",
    "outcome",
    "same",
]

TEST_IMAGE = "aiocontainers-test/busybox:latest"
REGISTRY = "127.0.0.1:5000"
CASE_LABEL = "aiocontainers.diff"

Verdict = Literal["same", "differs", "failing"]
Snippet = Callable[[ModuleType, "Env"], Any]


@dataclass(frozen=True)
class Case:
    """One snippet and what running it on both libraries must show."""

    name: str
    covers: tuple[str, ...]
    snippet: Snippet
    verdict: Verdict
    reason: str = ""
    adjust: Callable[[Any], Any] | None = None
    swarm: bool = False  # needs the module's single-node swarm
    engine: bool = True  # False: pure code (types), run by the unit tests
    oracle_varies: bool = False  # docker-py's own outcome varies from run to run
    raises: str | None = None  # the exception class docker-py's run is meant to end with


CASES: dict[str, Case] = {}

#: docker-py calls no case covers, each with the reason (kept honest by the coverage test).
NOT_COVERED: dict[str, str] = {}


def _register(
    covers: tuple[str, ...],
    verdict: Verdict,
    reason: str,
    adjust: Callable[[Any], Any] | None,
    swarm: bool,
    engine: bool,
    oracle_varies: bool = False,
    raises: str | None = None,
) -> Callable[[Snippet], Snippet]:
    if verdict != "same" and not reason:
        raise ValueError("a case that is not 'same' needs a reason")

    def register(snippet: Snippet) -> Snippet:
        name = snippet.__name__
        if name in CASES:
            raise ValueError(f"two cases named {name}")
        CASES[name] = Case(
            name, covers, snippet, verdict, reason, adjust, swarm, engine, oracle_varies, raises
        )
        return snippet

    return register


def same(
    *covers: str, swarm: bool = False, engine: bool = True, raises: str | None = None
) -> Callable[[Snippet], Snippet]:
    """The snippet gives the same outcome on both libraries."""
    return _register(covers, "same", "", None, swarm, engine, raises=raises)


def differs(
    *covers: str,
    reason: str,
    adjust: Callable[[Any], Any],
    swarm: bool = False,
    engine: bool = True,
    oracle_varies: bool = False,
    raises: str | None = None,
) -> Callable[[Snippet], Snippet]:
    """A deliberate difference: ``adjust(docker_py_outcome)`` is the shim's outcome.

    ``oracle_varies``: docker-py's outcome is racy and sometimes already the shim's, so
    ``adjust`` may change nothing in a run (otherwise that means the verdict is stale).
    """
    return _register(covers, "differs", reason, adjust, swarm, engine, oracle_varies, raises)


def failing(
    *covers: str,
    reason: str,
    adjust: Callable[[Any], Any] | None = None,
    swarm: bool = False,
    engine: bool = True,
    raises: str | None = None,
) -> Callable[[Snippet], Snippet]:
    """Known broken: expected to fail the comparison (same, or ``adjust`` when given)."""
    return _register(covers, "failing", reason, adjust, swarm, engine, raises=raises)


# -- running a snippet -------------------------------------------------------------------


class Env:
    """What a snippet gets besides the ``docker`` module: a client, names, labels, cleanup.

    ``token`` is unique to this run of this case on this library; it is part of
    every name and label value the env hands out, and :func:`normalise` turns it
    into ``<run>`` so both libraries' outcomes compare equal.
    """

    image = TEST_IMAGE
    registry = REGISTRY
    #: The engine's address, as both libraries' ``from_env()`` find it.
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")

    def __init__(self, docker: ModuleType, case: str, base_labels: Mapping[str, str]) -> None:
        self.docker = docker
        self.token = f"r{secrets.token_hex(4)}"
        self.labels = {**base_labels, CASE_LABEL: self.token}
        self._client: Any = None
        self._cleanups: list[Callable[[], object]] = []
        self.case = case

    @property
    def client(self) -> Any:
        """``docker.from_env()``, made on first use and closed by :meth:`close`."""
        if self._client is None:
            self._client = self.docker.from_env()
        return self._client

    def name(self, what: str) -> str:
        """A name unique to this run (``what`` plus the token)."""
        return f"diff-{what}-{self.token}"

    def defer(self, fn: Callable[[], object]) -> None:
        """Run ``fn`` when the case ends (last registered first); errors are ignored."""
        self._cleanups.append(fn)

    def sleeper(self, command: str | list[str] = "sleep 60", **kwargs: Any) -> Any:
        """A running container of the test image, labelled, removed at the end."""
        kwargs.setdefault("labels", self.labels)
        container = self.client.containers.run(self.image, command, detach=True, **kwargs)
        self.defer(lambda: container.remove(force=True, v=True))
        return container

    def close(self) -> None:
        if self._client is not None:
            # Containers of this run first, also those nobody deferred (a build's steps...).
            with contextlib.suppress(Exception):
                mine = {"label": f"{CASE_LABEL}={self.token}"}
                for container in self._client.containers.list(all=True, filters=mine):
                    container.remove(force=True, v=True)
        for fn in reversed(self._cleanups):
            with contextlib.suppress(Exception):
                fn()
        self._cleanups.clear()
        if self._client is not None:
            with contextlib.suppress(Exception):
                self._client.close()
            self._client = None


@dataclass(frozen=True)
class Raised:
    """The outcome of a snippet that raised: the exception (its type is what compares)."""

    error: BaseException

    def __repr__(self) -> str:
        return f"Raised({type(self.error).__module__}.{type(self.error).__name__}: {self.error})"


def outcome(case: Case, docker: ModuleType, base_labels: Mapping[str, str]) -> Any:
    """Run ``case`` on ``docker`` (a library module) and return its normalised outcome."""
    env = Env(docker, case.name, base_labels)
    try:
        try:
            result = case.snippet(docker, env)
        except Exception as exc:
            return Raised(exc)
        return normalise(result, env.token)
    finally:
        env.close()


# -- normalising -------------------------------------------------------------------------

_ID = re.compile(r"\b[0-9a-f]{64}\b")
_SHORT_ID = re.compile(r"\b[0-9a-f]{12}\b")
_TIME = re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)")


@dataclass(frozen=True)
class Typed:
    """A value with its type's name, so ``1 == True`` and ``b"" == ""`` do not compare equal."""

    type: str
    value: Any


@dataclass(frozen=True)
class Opaque:
    """An object compared by its class name alone (a model, a stream)."""

    kind: str


def _text(value: str, token: str) -> str:
    value = value.replace(token, "<run>")
    value = _TIME.sub("<time>", value)
    value = _ID.sub("<id>", value)
    return _SHORT_ID.sub("<short-id>", value)


def normalise(value: Any, token: str = "") -> Any:
    """``value`` with ids, times and the run token replaced, and every type made explicit."""
    if isinstance(value, str):
        return Typed("str", _text(value, token))
    if isinstance(value, (bytes, bytearray)):
        text = _text(bytes(value).decode("utf-8", "surrogateescape"), token)
        return Typed(type(value).__name__, text.encode("utf-8", "surrogateescape"))
    if value is None or isinstance(value, (bool, int, float)):
        return Typed(type(value).__name__, value)
    if isinstance(value, Mapping):
        items = {normalise(k, token): normalise(v, token) for k, v in value.items()}
        return Typed("dict", tuple(sorted(items.items(), key=repr)))
    if isinstance(value, tuple):
        kind = type(value).__name__ if hasattr(value, "_fields") else "tuple"
        return Typed(kind, tuple(normalise(item, token) for item in value))
    if isinstance(value, (list, set, frozenset)):
        elements = [normalise(item, token) for item in value]
        if not isinstance(value, list):
            elements.sort(key=repr)
        return Typed(type(value).__name__, tuple(elements))
    if isinstance(value, BaseException):
        return Raised(value)
    return Opaque(type(value).__name__)


# -- comparing -----------------------------------------------------------------------------


def _same_error(theirs: BaseException, ours: BaseException, sync: ModuleType) -> bool:
    name = type(theirs).__name__
    if type(theirs).__module__.startswith("aiocontainers"):  # an adjusted expectation
        return isinstance(ours, type(theirs))
    if type(theirs).__module__ == "docker.errors":
        expected = getattr(sync.errors, name, None)
        if expected is None or not isinstance(ours, expected):
            return False
        if isinstance(expected, type) and issubclass(expected, sync.errors.APIError):
            return getattr(theirs, "status_code", None) == getattr(ours, "status_code", None)
        return True
    return type(ours) is type(theirs) or (
        type(theirs).__module__ == "builtins" and isinstance(ours, type(theirs))
    )


def _equal(theirs: Any, ours: Any, sync: ModuleType) -> bool:
    if isinstance(theirs, Raised) or isinstance(ours, Raised):
        return (
            isinstance(theirs, Raised)
            and isinstance(ours, Raised)
            and _same_error(theirs.error, ours.error, sync)
        )
    if isinstance(theirs, Typed) and isinstance(ours, Typed):
        if theirs.type != ours.type:
            return False
        if isinstance(theirs.value, tuple) and isinstance(ours.value, tuple):
            return len(theirs.value) == len(ours.value) and all(
                _equal(a, b, sync) for a, b in zip(theirs.value, ours.value, strict=True)
            )
        return bool(theirs.value == ours.value)
    return bool(theirs == ours)


def compare(case: Case, theirs: Any, ours: Any, sync: ModuleType) -> None:
    """Assert what ``case``'s verdict says about the two normalised outcomes."""
    raised = type(theirs.error).__name__ if isinstance(theirs, Raised) else None
    assert case.oracle_varies or raised == case.raises, (
        f"{case.name}: on docker-py the snippet "
        + (f"raised {theirs!r}" if raised else "raised nothing")
        + f", and the case declares raises={case.raises!r}"
    )
    expected = theirs
    if case.adjust is not None:
        expected = case.adjust(theirs)
        if case.verdict == "differs" and not case.oracle_varies:
            assert not _equal(expected, theirs, sync), (
                f"{case.name}: adjust() changes nothing; the verdict should be 'same'"
            )
    assert _equal(expected, ours, sync), (
        f"{case.name}:\n  docker-py:   {theirs!r}\n  expected:    {expected!r}\n"
        f"  aiocontainers: {ours!r}"
    )


# -- helpers for adjust() ------------------------------------------------------------------


def attempts(*calls: Callable[[], Any]) -> list[Any]:
    """Each call's result, or the exception it raised (an outcome like any other)."""
    outcomes: list[Any] = []
    for call in calls:
        try:
            outcomes.append(call())
        except Exception as exc:
            outcomes.append(exc)
    return outcomes


def typed(type_name: str, value: Any) -> Typed:
    """A normalised value built by hand (for ``adjust``)."""
    return Typed(type_name, value)


def invalid_argument(theirs: Any, docker_py_type: type[BaseException]) -> Any:
    """For ``adjust``: docker-py raising ``docker_py_type`` becomes our InvalidArgument."""
    from aiocontainers.errors import InvalidArgument

    if isinstance(theirs, Raised) and type(theirs.error) is docker_py_type:
        return Raised(InvalidArgument(str(theirs.error)))
    return theirs


def walk(value: Any, fn: Callable[[Any], Any]) -> Any:
    """Apply ``fn`` to every node of a normalised value, bottom-up."""
    if isinstance(value, Typed) and isinstance(value.value, tuple):
        inner = tuple(walk(item, fn) for item in value.value)
        return fn(Typed(value.type, inner))
    return fn(value)


@dataclass
class Coverage:
    """Which cases cover one docker-py name, and the worst verdict among them."""

    name: str
    cases: list[Case] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        verdicts = {case.verdict for case in self.cases}
        for worst in ("failing", "differs", "same"):
            if worst in verdicts:
                return worst
        return "not covered"


def coverage() -> dict[str, Coverage]:
    """Every name any case covers, with its cases."""
    found: dict[str, Coverage] = {}
    for case in CASES.values():
        for name in case.covers:
            found.setdefault(name, Coverage(name)).cases.append(case)
    return found


def iter_cases(*, engine: bool) -> Iterator[Case]:
    return (case for case in CASES.values() if case.engine is engine)
