"""Stacks at run time: ``client.stacks`` and the handles it returns."""

from __future__ import annotations

from ._events import StackEvent, StackEvents
from ._logs import StackLogRecord, StackLogs
from ._runtime import RunningStack, StackManager, StackStart

__all__ = [
    "RunningStack",
    "StackEvent",
    "StackEvents",
    "StackLogRecord",
    "StackLogs",
    "StackManager",
    "StackStart",
]
