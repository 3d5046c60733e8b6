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
    exc = errors.ContainerError(Container(), 3, "sh -c x", "busybox", b"err line\n", b"out")
    assert exc.stdout == b"out" and exc.stderr == b"err line\n"
    assert "exit status 3" in str(exc) and "err line" in str(exc)


def test_every_public_error_derives_from_the_root() -> None:
    exported = [getattr(errors, name) for name in errors.__all__]
    classes = [item for item in exported if isinstance(item, type)]
    assert {item for item in classes if not issubclass(item, errors.DockerException)} == {
        errors.ErrorResponse
    }


# -- docker-py's constructors and readers (test suites mock with them) ----------------


class _FakeResponse:
    """What a test suite hands docker-py's APIError: a requests-like response."""

    def __init__(self, status_code: int, body: object = None, text: str = "") -> None:
        self.status_code = status_code
        self._body = body
        self.text = text

    def json(self) -> object:
        if self._body is None:
            raise ValueError("no JSON body")
        return self._body


def test_not_found_from_a_message_alone() -> None:
    exc = errors.NotFound("gone")
    assert isinstance(exc, errors.APIError)
    assert exc.status_code is None and exc.response is None and exc.explanation is None
    assert not exc.is_error() and not exc.is_client_error() and not exc.is_server_error()
    assert str(exc) == "gone"


def test_api_error_takes_a_response_and_reads_its_status() -> None:
    response = _FakeResponse(404)
    exc = errors.APIError("m", response=response, explanation="x")
    assert exc.response is response
    assert exc.status_code == 404 and exc.explanation == "x"
    assert exc.is_error() and exc.is_client_error() and not exc.is_server_error()
    assert "m" in str(exc) and "x" in str(exc)
    positional = errors.APIError("m", _FakeResponse(503), "busy")
    assert positional.status_code == 503 and positional.is_server_error()


def test_the_transport_form_builds_a_readable_response() -> None:
    exc = api_error(404, b'{"message":"No such container: x"}', "GET", "/containers/x/json")
    assert exc.response is not None
    assert exc.response.status_code == 404 == exc.status_code
    assert exc.response.reason == "Not Found"
    assert exc.response.url == "/containers/x/json"
    assert exc.response.json() == {"message": "No such container: x"}
    assert exc.response.text == "No such container: x" and not exc.response.ok
    keyword = errors.Conflict("in use", status_code=409, explanation="busy")
    assert keyword.response.status_code == 409 and keyword.is_client_error()


def test_container_error_docker_py_form() -> None:
    container = Container()
    exc = errors.ContainerError(container, 1, "cmd", "img", b"err")
    assert exc.container is container and exc.exit_status == 1
    assert (exc.command, exc.image, exc.stderr, exc.stdout) == ("cmd", "img", b"err", None)
    assert "exit status 1" in str(exc) and "err" in str(exc)
    assert "exit status 2" in str(errors.ContainerError(container, 2, "c", "i", None))


def test_docker_py_constructors_of_the_other_errors() -> None:
    assert errors.BuildError("bad step", [{"error": "x"}]).build_log == [{"error": "x"}]
    assert errors.StreamParseError("cut").msg == "cut"
    assert errors.TLSParameterError("no key").msg == "no key"
    assert errors.MissingContextParameter("host").param == "host"
    assert "host" in str(errors.MissingContextParameter("host"))
    assert errors.ContextNotFound("prod").name == "prod"
    assert "prod" in str(errors.ContextNotFound("prod"))
    assert errors.ContextAlreadyExists("prod").name == "prod"
    assert errors.ContextException("broken").msg == "broken"
    for cls in (errors.InvalidRepository, errors.InvalidVersion, errors.InvalidConfigFile):
        assert str(cls("why")) == "why"
    assert str(errors.NullResource("empty")) == "empty"
    assert str(errors.DeprecatedMethod("old")) == "old"


def test_every_docker_py_error_exists_with_its_bases() -> None:
    """Each class of ``docker.errors`` is here, and each docker-py base that a caller
    could catch by is a base here too (the same names; Python's own classes as such)."""
    import docker.errors

    for name in dir(docker.errors):
        theirs = getattr(docker.errors, name)
        if not (isinstance(theirs, type) and issubclass(theirs, BaseException)):
            continue
        ours = getattr(errors, name)
        assert issubclass(ours, errors.DockerException), name
        for base in theirs.__mro__[1:]:
            if base.__module__ == "docker.errors":
                assert issubclass(ours, getattr(errors, base.__name__)), (name, base)
            elif base.__module__ == "builtins" and base is not OSError:
                # docker-py's APIError is an OSError only through requests' HTTPError.
                assert issubclass(ours, base), (name, base)


def test_create_api_error_from_http_exception_raises_the_typed_error() -> None:
    class HTTPError(Exception):
        def __init__(self, response: _FakeResponse) -> None:
            super().__init__("404 Client Error")
            self.response = response

    cases = [
        (_FakeResponse(404, {"message": "No such image: x"}), errors.ImageNotFound),
        (_FakeResponse(404, {"message": "No such container: x"}), errors.NotFound),
        (_FakeResponse(404, text="repository does not exist\n"), errors.ImageNotFound),
        (_FakeResponse(500, {"message": "boom"}), errors.APIError),
        (_FakeResponse(400, text=" bad "), errors.APIError),
    ]
    for response, kind in cases:
        original = HTTPError(response)
        with pytest.raises(kind) as raised:
            errors.create_api_error_from_http_exception(original)
        assert raised.value.__cause__ is original
        assert raised.value.response is response
        assert raised.value.status_code == response.status_code
    with pytest.raises(errors.APIError) as raised:
        errors.create_api_error_from_http_exception(HTTPError(_FakeResponse(400, text=" bad ")))
    assert raised.value.explanation == "bad"


def test_the_same_class_as_docker_py_chooses() -> None:
    """Differential: docker-py's own helper and ours pick the same class for each body."""
    import docker.errors
    import requests

    bodies = [
        (404, b'{"message": "No such image: busybox:nope"}'),
        (404, b'{"message": "No such container: abc"}'),
        (404, b'{"message": "pull access denied: repository does not exist"}'),
        (404, b"plain text 404"),
        (409, b'{"message": "name in use"}'),
        (500, b'{"message": "driver failed"}'),
    ]
    for status, body in bodies:
        response = requests.Response()
        response.status_code = status
        response._content = body
        response.url = "http+docker://localhost/v1.41/x"
        http_error = requests.exceptions.HTTPError("x", response=response)
        with pytest.raises(docker.errors.APIError) as theirs:
            docker.errors.create_api_error_from_http_exception(http_error)
        with pytest.raises(errors.APIError) as ours:
            errors.create_api_error_from_http_exception(http_error)
        assert isinstance(ours.value, getattr(errors, type(theirs.value).__name__)), body
        assert ours.value.explanation == theirs.value.explanation
        assert ours.value.status_code == theirs.value.status_code


def test_stream_parse_error_is_what_a_bad_json_stream_raises() -> None:
    from aiocontainers._streams._jsonstream import JSONStreamDecoder

    decoder = JSONStreamDecoder()
    with pytest.raises(errors.StreamParseError):
        decoder.feed(b"{nope}\n")
    assert issubclass(errors.StreamParseError, RuntimeError)


def test_error_descriptions_name_the_resource() -> None:
    from aiocontainers._transport import describe_path

    assert describe_path("/containers/{id}/json", {"id": "web"}, None) == "/containers/web/json"
    pull = {"fromImage": "127.0.0.1:5000/app", "tag": "v1"}
    assert describe_path("/images/create", None, pull) == "/images/create (127.0.0.1:5000/app:v1)"
    by_digest = {"fromImage": "app", "tag": "sha256:" + "0" * 64}
    assert describe_path("/images/create", None, by_digest).endswith(f"(app@sha256:{'0' * 64})")
    push = describe_path("/images/{name}/push", {"name": "reg/app"}, {"tag": "v2"})
    assert push == "/images/reg/app/push (reg/app:v2)"
    assert describe_path("/info", None, {"tag": "x"}) == "/info"
    error = api_error(404, b'{"message": "manifest unknown"}', "POST", push)
    assert isinstance(error, errors.ImageNotFound)
    assert str(error) == "404 POST /images/reg/app/push (reg/app:v2): manifest unknown"
    assert error.path == "/images/reg/app/push"


@pytest.mark.anyio
async def test_login_refuses_another_config_file_before_calling_the_daemon() -> None:
    import aiocontainers

    async with aiocontainers.DockerClient("unix:///nonexistent.sock") as client:
        with pytest.raises(errors.InvalidArgument, match="dockercfg_path"):
            await client.login("u", "p", dockercfg_path="/elsewhere/config.json")
