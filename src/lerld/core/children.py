"""Processes lerld forks to run a function of its own (the query processes of
lerld.sparql.workers, the process that prepares a version's values in lerld.serve.runtime):
forking, and leaving when the process that forked them is gone.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

# How often a child looks whether the process that forked it is still there.
PARENT_CHECK_SECONDS = 1.0


def fork_child(run: Callable[[], None]) -> int:
    """Fork a child process that runs `run` and exits, never returning into the caller's
    code (nor running its exit handlers); the parent gets the child's pid."""
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            run()
            status = 0
        finally:
            os._exit(status)
    return pid


def leave_with_parent(parent: int) -> None:
    """In a child: exit as soon as `parent` is no longer its parent (it exited or was
    killed), from a thread that looks every PARENT_CHECK_SECONDS, whatever the child's main
    thread is doing (a long computation for a server that is gone serves no one)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="lerld-leave-with-parent", daemon=True).start()
