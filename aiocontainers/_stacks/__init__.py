"""Stacks at run time: ``client.stacks`` and the handles it returns."""

from __future__ import annotations

from ._deployed import DeployedStack
from ._events import StackEvent, StackEvents
from ._logs import StackLogRecord, StackLogs
from ._runtime import RunningStack, StackDeploy, StackManager, StackStart

__all__ = [
    "DeployedStack",
    "RunningStack",
    "StackDeploy",
    "StackEvent",
    "StackEvents",
    "StackLogRecord",
    "StackLogs",
    "StackManager",
    "StackStart",
]
