"""The version of a set of named contents: what a snapshot of the sources and a remote
store's loaded graphs are called by (ETags, the manifest, `lerld serve --reload`).

One hash for both, so that the same sources give the same version whichever store they
were loaded into."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable


def content_version(parts: Iterable[tuple[str, bytes]], *more: bytes) -> str:
    """20 hex digits of SHA-256 over each part's name and bytes (in the order given), then
    over `more`."""
    digest = hashlib.sha256()
    for name, data in parts:
        digest.update(name.encode() + b"\0" + data + b"\0")
    for extra in more:
        digest.update(extra)
    return digest.hexdigest()[:20]
