"""The exception tree and the status-code mapping."""

from __future__ import annotations

import pytest

from aiocontainers import Container, errors
from aiocontainers._transport import api_error


@pytest.mark.parametrize(
    ("status", "path", "body", "kind"),
    [
        (404, "/containers/{id}/json", b'{"message":"No such container: x"}', errors.NotFound),
        (404, "/images/{name}/json", b'{"message":"No such image: x"}', errors.ImageNotFound),
        (
            404,
            "/containers/create",
            b'{"message":"No such image: busybox:nope"}',
            errors.ImageNotFound,
        ),
        (409, "/containers/{id}", b'{"message":"conflict"}', errors.Conflict),
        (500, "/build", b'{"message":"unexpected EOF"}', errors.ServerError),
        (400, "/containers/create", b"plain text error", errors.APIError),
    ],
)
def test_status_codes_choose_the_type(
    status: int, path: str, body: bytes, kind: type[errors.APIError]
) -> None:
    exc = api_error(status, body, "GET", path)
    assert type(exc) is kind
    assert exc.status_code == status
    assert exc.explanation and exc.explanation in str(exc)


def test_plain_text_body_is_the_explanation() -> None:
    exc = api_error(400, b"plain text error\n", "POST", "/x")
    assert exc.explanation == "plain text error"


def test_timeout_is_a_timeout_error() -> None:
    assert issubclass(errors.Timeout, TimeoutError)
    assert issubclass(errors.Timeout, errors.DockerException)


def test_container_error_keeps_stdout_and_stderr() -> None:
    exc = errors.ContainerError(Container(), 3, "sh -c x", "busybox", b"out", b"err line\n")
    assert exc.stdout == b"out" and exc.stderr == b"err line\n"
    assert "exit status 3" in str(exc) and "err line" in str(exc)


def test_every_public_error_derives_from_the_root() -> None:
    for name in errors.__all__:
        assert issubclass(getattr(errors, name), errors.DockerException)
