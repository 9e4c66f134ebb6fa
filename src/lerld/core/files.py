"""Writing a file whole: a reader, or a process that dies meanwhile, leaves either the old
bytes or the new at its path, never a part of them."""

from __future__ import annotations

import os
from pathlib import Path


def write_whole(path: Path, data: bytes) -> None:
    """Write `data` to a hidden file beside `path` (named by this process, so that two
    processes writing one path at once do not mix their bytes), then rename it to `path`.
    Raises OSError; the hidden file is removed then."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        partial.write_bytes(data)
        partial.replace(path)
    except OSError:
        partial.unlink(missing_ok=True)
        raise
