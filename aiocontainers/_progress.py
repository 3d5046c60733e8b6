"""Typed pull/push progress: one event per daemon message, each with an aggregate view.

The daemon reports progress per layer (``{"id": "a1b2", "status":
"Downloading", "progressDetail": {"current": 1024, "total": 4096}}``) mixed with
whole-image statuses. :class:`ProgressTracker` folds these messages into a
:class:`ProgressSnapshot` (per-layer state, overall bytes and one fraction) so
a caller can draw a single progress bar; a message that reports an error
raises :class:`~aiocontainers.errors.ImageLoadError` with the daemon's text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Literal

from ._streams import JSONStreamDecoder, progress_error
from .errors import DockerException, ImageLoadError, InvalidResponse

__all__ = [
    "JSONMessages",
    "LayerProgress",
    "ProgressDecoder",
    "ProgressEvent",
    "ProgressSnapshot",
    "ProgressTracker",
]

Operation = Literal["pull", "push"]

# Statuses after which a layer has nothing left to do.
_LAYER_DONE = frozenset(
    {
        "Pull complete",
        "Already exists",
        "Pushed",
        "Layer already exists",
    }
)
# Pull statuses after which a layer's download is finished (extraction may follow).
_DOWNLOADED = frozenset({"Verifying Checksum", "Download complete", "Extracting"})


@dataclass(frozen=True)
class LayerProgress:
    """One layer's state.

    ``current``/``total`` count bytes transferred (downloaded or pushed);
    ``total`` is ``None`` until the daemon reports it. ``fraction`` runs from 0
    to 1 and never goes back; for a pull, download and extraction each count
    for half.
    """

    id: str
    status: str
    current: int = 0
    total: int | None = None
    fraction: float = 0.0
    done: bool = False


@dataclass(frozen=True)
class ProgressSnapshot:
    """The whole operation at one moment: enough to draw one progress bar.

    ``current``/``total`` sum the transferred and expected bytes of the layers
    whose size is known; ``fraction`` is the mean of the layers' fractions
    (``None`` before any layer is reported, 1.0 once the daemon reports the
    operation complete).
    """

    layers: Mapping[str, LayerProgress] = field(default_factory=lambda: MappingProxyType({}))
    current: int = 0
    total: int = 0
    fraction: float | None = None
    complete: bool = False


@dataclass(frozen=True)
class ProgressEvent:
    """One message of a pull or push, decoded, with the aggregate after it.

    ``status`` is the daemon's text (``"Downloading"``, ``"Pull complete"``,
    ``"Status: Downloaded newer image for ..."``); ``id`` the layer (or tag) it
    is about; ``progress`` the daemon's ready-drawn bar; ``current``/``total``
    its byte counts; ``raw`` the message as the daemon sent it.
    """

    status: str
    id: str | None
    progress: str | None
    current: int | None
    total: int | None
    raw: Mapping[str, Any]
    aggregate: ProgressSnapshot


class ProgressTracker:
    """Folds the messages of one pull or push into events with a running aggregate."""

    def __init__(self, operation: Operation) -> None:
        self.operation = operation
        self._layers: dict[str, LayerProgress] = {}
        self._extract: dict[str, float] = {}
        self._complete = False
        self.snapshot = ProgressSnapshot()

    def feed(self, message: Mapping[str, Any]) -> ProgressEvent:
        """The event for one decoded message; raises ImageLoadError for an error message."""
        error = progress_error(message)
        if error is not None:
            raise ImageLoadError(error)
        status = str(message.get("status") or "")
        layer_id = message.get("id")
        detail = message.get("progressDetail") or {}
        current = detail.get("current") if isinstance(detail, Mapping) else None
        total = detail.get("total") if isinstance(detail, Mapping) else None
        if isinstance(layer_id, str) and self._is_layer_message(status, message):
            self._update_layer(layer_id, status, current, total)
        elif self._is_final(status, message):
            self._complete = True
        self.snapshot = self._aggregate()
        return ProgressEvent(
            status=status,
            id=layer_id if isinstance(layer_id, str) else None,
            progress=message.get("progress"),
            current=current if isinstance(current, int) else None,
            total=total if isinstance(total, int) else None,
            raw=message,
            aggregate=self.snapshot,
        )

    def _is_layer_message(self, status: str, message: Mapping[str, Any]) -> bool:
        # "Pulling from library/busybox" and push's "The push refers to..." carry the
        # repository or tag as id; layer messages carry a short hex digest.
        return not status.startswith(("Pulling from", "Digest:", "Status:")) and (
            "progressDetail" in message
            or status in _LAYER_DONE
            or status in _DOWNLOADED
            or status.startswith("Mounted from")
        )

    def _is_final(self, status: str, message: Mapping[str, Any]) -> bool:
        if self.operation == "pull":
            return status.startswith("Status:")
        aux = message.get("aux")
        return isinstance(aux, Mapping) and "Digest" in aux

    def _update_layer(self, layer_id: str, status: str, current: Any, total: Any) -> None:
        layer = self._layers.get(layer_id) or LayerProgress(layer_id, status)
        pull = self.operation == "pull"
        transferring = status in ("Downloading", "Pushing")
        new_current, new_total = layer.current, layer.total
        if transferring and isinstance(current, int):
            new_current = current
            if isinstance(total, int) and total > 0:
                new_total = total
        downloaded = layer.fraction >= 0.5 if pull else False
        if pull and status in _DOWNLOADED:
            downloaded = True
            if new_total is not None:
                new_current = new_total
        if status == "Extracting" and isinstance(current, int) and isinstance(total, int):
            if total > 0:
                self._extract[layer_id] = min(current / total, 1.0)
        done = layer.done or status in _LAYER_DONE or status.startswith("Mounted from")
        if done:
            fraction = 1.0
            if new_total is not None:
                new_current = new_total
        else:
            transfer = min(new_current / new_total, 1.0) if new_total else 0.0
            if pull:
                fraction = (
                    0.5 + 0.5 * self._extract.get(layer_id, 0.0)
                    if downloaded
                    else (0.5 * transfer)
                )
            else:
                fraction = transfer
        self._layers[layer_id] = replace(
            layer,
            status=status,
            current=new_current,
            total=new_total,
            fraction=max(fraction, layer.fraction),
            done=done,
        )

    def _aggregate(self) -> ProgressSnapshot:
        layers = self._layers
        sized = [layer for layer in layers.values() if layer.total is not None]
        if self._complete:
            fraction: float | None = 1.0
        elif layers:
            fraction = sum(layer.fraction for layer in layers.values()) / len(layers)
        else:
            fraction = None
        return ProgressSnapshot(
            layers=MappingProxyType(dict(layers)),
            current=sum(layer.current for layer in sized),
            total=sum(layer.total or 0 for layer in sized),
            fraction=fraction,
            complete=self._complete,
        )


class JSONMessages:
    """A JSON-lines answer (build, load, pull...) in, each message checked by ``accept``.

    ``accept`` turns one JSON object into an item, or raises (a reported
    error). The decoder yields the items before a failure first and raises on
    its next call, so nothing the daemon sent before an error is lost. A value
    that is not a JSON object raises :class:`~aiocontainers.errors.InvalidResponse`.
    """

    __slots__ = ("_accept", "_error", "_json", "_what")

    def __init__(self, accept: Callable[[Mapping[str, Any]], Any], what: str) -> None:
        self._accept = accept
        self._what = what
        self._json = JSONStreamDecoder()
        self._error: DockerException | None = None

    def feed(self, data: bytes) -> list[Any]:
        if self._error is not None:
            raise self._error
        return self._items(self._json.feed, data)

    def eof(self) -> list[Any]:
        if self._error is not None:
            raise self._error
        return self._items(lambda _: self._json.eof(), b"")

    def _items(self, decode: Callable[[bytes], list[Any]], data: bytes) -> list[Any]:
        items: list[Any] = []
        try:
            for message in decode(data):
                if not isinstance(message, Mapping):
                    raise InvalidResponse(
                        f"{self._what}: a message is not a JSON object: {message!r:.100}"
                    )
                items.append(self._accept(message))
        except DockerException as exc:
            if not items:
                raise
            self._error = exc
        return items


class ProgressDecoder(JSONMessages):
    """A pull or push answer in, :class:`ProgressEvent` objects out."""

    __slots__ = ()

    def __init__(self, operation: Operation, what: str) -> None:
        tracker = ProgressTracker(operation)
        label = f"{operation} {what}"

        def accept(message: Mapping[str, Any]) -> ProgressEvent:
            try:
                return tracker.feed(message)
            except ImageLoadError as exc:
                raise ImageLoadError(f"{label}: {exc}") from None

        super().__init__(accept, label)
