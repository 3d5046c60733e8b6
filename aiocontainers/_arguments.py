"""Argument types of the public API, each with the rules `validated` checks.

Type checkers see the plain types (``Name`` is a ``str``); at run time the ``Annotated``
metadata adds what a bare type cannot say: a name is not empty, a timestamp is finite, a
shell command string can be split. Messages never include the value given.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import AsyncIterable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import IO, Annotated, Any, Literal

from pydantic import AfterValidator, Field, InstanceOf, JsonValue, PlainValidator, SkipValidation

from ._validation import Expected

__all__ = [
    "ApiVersion",
    "AuthConfig",
    "ByteSource",
    "ByteStream",
    "Command",
    "Count",
    "EventFilters",
    "EventTimestamp",
    "ExecEnvironment",
    "Filters",
    "GracePeriod",
    "JsonObject",
    "LocalPath",
    "Name",
    "Port",
    "PortKey",
    "Readable",
    "Regex",
    "ShellCommand",
    "Statuses",
    "Tail",
    "Timestamp",
]


def _splittable(value: str) -> str:
    try:
        shlex.split(value)
    except ValueError as exc:
        raise ValueError(f"cannot split the command into arguments like a shell: {exc}") from None
    return value


def _compiles(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"invalid regular expression: {exc}") from None
    return value


def _readable(value: object) -> IO[Any]:
    if not callable(getattr(value, "read", None)):
        raise ValueError("expected a file object (with a read() method)")
    return value  # type: ignore[return-value]


#: A Docker API version such as ``"1.41"``.
ApiVersion = Annotated[
    str, Field(pattern=r"^\d+\.\d+$"), Expected("an API version such as '1.41'")
]
#: An object id, name or reference: a non-empty string.
Name = Annotated[str, Field(min_length=1), Expected("a non-empty string")]
#: A count: a non-negative int.
Count = Annotated[int, Field(ge=0), Expected("an int >= 0")]
#: A TCP/UDP port number.
Port = Annotated[int, Field(ge=1, le=65535), Expected("a port number 1-65535")]
#: A container port: a number, or ``"80/tcp"``-style text (``udp``, ``sctp``).
PortKey = Annotated[
    Port | Annotated[str, Field(pattern=r"^\d{1,5}(/(tcp|udp|sctp))?$")],
    Expected("a port number or a string such as '80/tcp'"),
]
_Status = Annotated[int, Field(ge=100, le=599)]
#: HTTP status codes: one, or several in a list or set.
Statuses = Annotated[
    _Status | Sequence[_Status] | set[_Status] | frozenset[_Status],
    Expected("an HTTP status code or a list or set of them"),
]
#: A regular expression: its text, or a compiled pattern.
Regex = Annotated[
    Annotated[str, AfterValidator(_compiles)] | InstanceOf[re.Pattern[str]],
    Expected("a regular expression (text or compiled)"),
]
#: A string the way a shell would split it (``shlex.split``), or the argument list itself.
ShellCommand = Annotated[
    Annotated[str, AfterValidator(_splittable)] | Sequence[str],
    Expected("a command string or a list of strings"),
]
Command = ShellCommand
#: A stop grace period in seconds (or a timedelta): the call checks it itself
#: (``check_timeout``), so its message names the grace period.
GracePeriod = SkipValidation[float | timedelta | None]
#: ``since``/``until`` of logs: a datetime (naive means UTC) or epoch seconds >= 0.
Timestamp = Annotated[
    datetime | Annotated[int, Field(ge=0)] | Annotated[float, Field(ge=0)],
    Expected("a datetime or epoch seconds >= 0"),
]
#: ``since``/``until`` of events: also a string the daemon parses (``"10m"``).
EventTimestamp = Annotated[
    datetime | Annotated[int, Field(ge=0)] | Annotated[float, Field(ge=0)] | str,
    Expected("a datetime, epoch seconds >= 0 or a string such as '10m'"),
]
#: ``tail`` of logs: a line count or ``"all"``.
Tail = Annotated[Annotated[int, Field(ge=0)] | Literal["all"], Expected("an int >= 0 or 'all'")]
_FilterValue = str | int | bool
#: List filters, docker-py's shorthand: ``{"label": "a=b", "dangling": True, "id": [...]}``.
Filters = Annotated[
    Mapping[str, _FilterValue | Sequence[_FilterValue]],
    Expected("a dict of filter name -> value or list of values"),
]
#: Event filters; also docker-py's ``{"label": {"a=b": True}}`` form.
EventFilters = Annotated[
    Mapping[str, str | Sequence[str] | Mapping[str, bool]],
    Expected("a dict of filter name -> value, list of values or {value: bool}"),
]
#: A JSON object (sent as a request body).
JsonObject = Annotated[Mapping[str, JsonValue], Expected("a dict of JSON values")]
#: Registry credentials (``username``, ``password``, ``identitytoken``...): strings only.
AuthConfig = Annotated[Mapping[str, str], Expected("a dict of strings (registry credentials)")]
#: An exec's environment: ``{"K": "v"}`` (None sends ``K`` alone) or ``["K=v"]``.
ExecEnvironment = Annotated[
    Mapping[str, str | None] | Sequence[str],
    Expected("a dict of variable -> value or a list of 'KEY=value'"),
]
#: A local file system path.
LocalPath = Annotated[
    Annotated[str, Field(min_length=1)] | InstanceOf[os.PathLike],  # type: ignore[type-arg]
    Expected("a non-empty path string or a path object"),
]
#: Byte chunks to upload as they come: an async iterable of bytes.
ByteStream = Annotated[
    InstanceOf[AsyncIterable],  # type: ignore[type-arg]
    Expected("an async iterable of bytes"),
]
#: Bytes to upload: bytes-like, or an async iterable of byte chunks.
ByteSource = Annotated[
    bytes | bytearray | memoryview | ByteStream, Expected("bytes or an async iterable of bytes")
]
#: A file object to read from.
Readable = Annotated[IO[Any], PlainValidator(_readable)]
#: An upload as docker-py's ``put_archive`` and ``images.load`` take it: bytes-like, a str
#: (sent UTF-8 encoded), a binary file object, an iterable of byte chunks (a generator), or
#: an async iterable.
UploadSource = Annotated[
    str | bytes | bytearray | memoryview | ByteStream | Readable | InstanceOf[Iterable],  # type: ignore[type-arg]
    Expected("bytes, a str, a binary file object, or an iterable or async iterable of bytes"),
]
