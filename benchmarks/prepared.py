"""What `lerld serve` prepares as it publishes a version (lerld.web.state.PREPARED: VoID and
the entity index, computed by a process of its own: lerld.serve.runtime.Preparations): the
benchmark measures requests to a server once that is done, as it measures documents once
rendered, beside servers that have nothing to prepare."""

from __future__ import annotations

import time
from pathlib import Path

from lerld.tools.processes import Server
from lerld.web.state import PREPARED


def wait_for_prepared(versions: Path, running: Server, timeout: float = 1800) -> None:
    """Until a kept file of each prepared value is in `versions` (one size's directory)."""
    deadline = time.monotonic() + timeout
    names = [value.name for value in PREPARED]
    while not all(any(versions.glob(f"{name}-*.json")) for name in names):
        if running.process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"lerld serve did not prepare {', '.join(names)}")
        time.sleep(0.5)
