"""Pull/push progress: per-layer state, one aggregate fraction, errors raise."""

from __future__ import annotations

from typing import Any

import pytest

from aiocontainers._progress import ProgressTracker
from aiocontainers.errors import ImageLoadError


def msg(status: str, id: str | None = None, **detail: int) -> dict[str, Any]:
    message: dict[str, Any] = {"status": status, "progressDetail": detail}
    if id is not None:
        message["id"] = id
    return message


PULL = [
    {"status": "Pulling from library/app", "id": "latest"},
    msg("Pulling fs layer", "aaa"),
    msg("Pulling fs layer", "bbb"),
    msg("Downloading", "aaa", current=50, total=100),
    msg("Downloading", "bbb", current=100, total=300),
    msg("Download complete", "aaa"),
    msg("Extracting", "aaa", current=50, total=100),
    msg("Downloading", "bbb", current=300, total=300),
    msg("Extracting", "aaa", current=100, total=100),
    msg("Pull complete", "aaa"),
    msg("Verifying Checksum", "bbb"),
    msg("Download complete", "bbb"),
    msg("Pull complete", "bbb"),
    {"status": "Digest: sha256:0123"},
    {"status": "Status: Downloaded newer image for app:latest"},
]


def test_pull_aggregate_is_monotonic_and_reaches_completion() -> None:
    tracker = ProgressTracker("pull")
    events = [tracker.feed(m) for m in PULL]
    fractions = [e.aggregate.fraction for e in events]
    assert fractions[0] is None  # "Pulling from" names the tag, not a layer
    numeric = [f for f in fractions if f is not None]
    assert numeric == sorted(numeric)
    assert events[-1].aggregate.complete and events[-1].aggregate.fraction == 1.0
    assert set(events[-1].aggregate.layers) == {"aaa", "bbb"}
    assert events[-1].aggregate.current == events[-1].aggregate.total == 400


def test_pull_layer_details() -> None:
    tracker = ProgressTracker("pull")
    for m in PULL[:5]:
        event = tracker.feed(m)
    assert event.status == "Downloading" and event.id == "bbb"
    assert (event.current, event.total) == (100, 300)
    snapshot = event.aggregate
    assert snapshot.layers["aaa"].fraction == pytest.approx(0.25)  # half of the download half
    assert snapshot.current == 150 and snapshot.total == 400
    assert snapshot.fraction == pytest.approx((0.25 + 0.5 / 3) / 2)
    assert not snapshot.complete
    # Extraction restarts the daemon's counters; the layer's fraction does not go back.
    for m in PULL[5:7]:
        event = tracker.feed(m)
    aaa = event.aggregate.layers["aaa"]
    assert aaa.current == aaa.total == 100
    assert aaa.fraction == pytest.approx(0.75)


def test_layer_that_already_exists_counts_as_done() -> None:
    tracker = ProgressTracker("pull")
    tracker.feed(msg("Pulling fs layer", "aaa"))
    event = tracker.feed(msg("Already exists", "aaa"))
    assert event.aggregate.layers["aaa"].done
    assert event.aggregate.fraction == 1.0


def test_up_to_date_pull_is_complete_without_layers() -> None:
    tracker = ProgressTracker("pull")
    tracker.feed({"status": "Pulling from app", "id": "latest"})
    event = tracker.feed({"status": "Status: Image is up to date for app:latest"})
    assert event.aggregate.complete and event.aggregate.fraction == 1.0


def test_push_progress() -> None:
    tracker = ProgressTracker("push")
    messages = [
        {"status": "The push refers to repository [127.0.0.1:5000/app]"},
        msg("Preparing", "aaa"),
        msg("Preparing", "bbb"),
        msg("Pushing", "aaa", current=512, total=1024),
        msg("Layer already exists", "bbb"),
        msg("Pushed", "aaa"),
        {"status": "latest: digest: sha256:0123 size: 527"},
        {"progressDetail": {}, "aux": {"Tag": "latest", "Digest": "sha256:0123", "Size": 527}},
    ]
    events = [tracker.feed(m) for m in messages]
    assert events[3].aggregate.fraction == pytest.approx(0.25)
    assert events[4].aggregate.fraction == pytest.approx(0.75)
    assert not events[6].aggregate.complete
    assert events[-1].aggregate.complete and events[-1].aggregate.fraction == 1.0
    assert events[-1].raw["aux"]["Digest"] == "sha256:0123"


def test_mounted_layer_is_done() -> None:
    tracker = ProgressTracker("push")
    event = tracker.feed(msg("Mounted from other/app", "aaa"))
    assert event.aggregate.layers["aaa"].done


def test_error_message_raises_with_the_daemon_text() -> None:
    tracker = ProgressTracker("push")
    tracker.feed(msg("Preparing", "aaa"))
    with pytest.raises(ImageLoadError, match="unauthorized: authentication required"):
        tracker.feed(
            {
                "errorDetail": {"message": "unauthorized: authentication required"},
                "error": "unauthorized: authentication required",
            }
        )
