"""JSON message streams: pull, push, build, load, import and events progress.

The daemon writes one JSON object per message, usually followed by ``\\r\\n`` or
``\\n`` but sometimes with no separator at all, and the transport cuts the bytes
anywhere. `JSONStreamDecoder` keeps a text buffer and takes complete
values off its front with ``json.JSONDecoder.raw_decode``.

Memory is bounded: a message still incomplete after ``max_message`` characters
(`DEFAULT_MAX_MESSAGE`, 16 Mi; the daemon's messages are a few KiB, a build
step's output line at most) fails the stream with
`StreamError` instead of growing the buffer forever.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Mapping
from typing import Any

from ..errors import StreamError, StreamParseError

__all__ = ["DEFAULT_MAX_MESSAGE", "JSONStreamDecoder", "progress_error"]

#: The longest JSON message buffered while incomplete, in characters.
DEFAULT_MAX_MESSAGE = 16 << 20

_WHITESPACE = " \t\r\n"
# A pending value can only complete once a chunk brings the character that closes it;
# checking for it first keeps a large value arriving in many chunks from being
# re-parsed from the start on every chunk.
_CLOSERS = {"{": "}", "[": "]", '"': '"'}


class JSONStreamDecoder:
    """Incremental decoder of concatenated JSON values from raw byte chunks.

    Bytes are decoded as UTF-8 (invalid bytes become U+FFFD) before parsing.
    Values may be separated by any JSON whitespace or by nothing. A number at the
    very end of the buffer is held back until more data or `eof()` shows it is
    complete. Malformed JSON raises [`StreamParseError`][aiocontainers.errors.StreamParseError] as
    soon as a line break after the error shows that more data cannot fix it, or
    at `eof()`; values before the error are returned first and the error is
    raised by the next call.
    """

    __slots__ = (
        "_decoder",
        "_error",
        "_max_message",
        "_parser",
        "_pending",
        "_pieces",
        "_wait_for",
    )

    def __init__(self, *, max_message: int = DEFAULT_MAX_MESSAGE) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._parser = json.JSONDecoder()
        self._pieces: list[str] = []  # unparsed text, joined only to parse it
        self._pending = 0  # characters held: the incomplete message so far
        self._max_message = max_message
        self._wait_for: str | None = None  # the closer a pending value needs
        self._error: StreamError | None = None  # raised after the values before it

    def feed(self, data: bytes) -> list[Any]:
        """Consume one chunk and return the values it completes, in order."""
        if self._error is not None:
            raise self._error
        text = self._decoder.decode(data)
        if not text:
            return []
        self._pieces.append(text)
        self._pending += len(text)
        if self._wait_for is not None and self._wait_for not in text:
            values: list[Any] = []
        else:
            values = self._parse(final=False)
        if self._pending > self._max_message:
            self._pieces.clear()
            self._pending = 0
            self._wait_for = None
            self._error = StreamError(
                "a JSON message in the stream is still incomplete after more than "
                f"{self._max_message} characters: the stream is corrupt"
            )
            if not values:
                raise self._error
        return values

    def eof(self) -> list[Any]:
        """End of source: return the last values; raise ``StreamError`` on leftovers."""
        if self._error is not None:
            raise self._error
        self._pieces.append(self._decoder.decode(b"", True))
        return self._parse(final=True)

    def _parse(self, *, final: bool) -> list[Any]:
        buffer = "".join(self._pieces)
        self._pieces.clear()
        raw_decode = self._parser.raw_decode
        values: list[Any] = []
        pos = 0
        end = len(buffer)
        self._wait_for = None
        while True:
            while pos < end and buffer[pos] in _WHITESPACE:
                pos += 1
            if pos == end:
                break
            try:
                value, stop = raw_decode(buffer, pos)
            except json.JSONDecodeError as exc:
                if final or "\n" in buffer[exc.pos :]:
                    if final:
                        message = (
                            "JSON stream ended with an incomplete or invalid message "
                            f"({exc.msg}): {buffer[pos : pos + 80]!r}"
                        )
                    else:
                        message = f"invalid JSON in stream: {exc}"
                    if not values:
                        raise StreamParseError(message) from exc
                    self._error = StreamParseError(message)
                    self._error.__cause__ = exc
                    return values
                self._wait_for = _CLOSERS.get(buffer[pos])
                break
            if stop == end and not final and type(value) in (int, float):
                break  # more digits may follow
            values.append(value)
            pos = stop
        if pos < end:
            self._pieces.append(buffer[pos:] if pos else buffer)
        self._pending = end - pos
        return values


def progress_error(message: Any) -> str | None:
    """Return the error text of a progress message, or ``None`` if it reports none.

    Docker reports a failed pull, push, build or load inside the stream as
    ``{"errorDetail": {"message": ...}, "error": ...}`` (either key may be alone).
    """
    if not isinstance(message, Mapping):
        return None
    detail = message.get("errorDetail")
    if isinstance(detail, Mapping) and detail.get("message"):
        return str(detail["message"])
    error = message.get("error")
    if error:
        return str(error)
    if detail:
        return str(detail)
    return None
