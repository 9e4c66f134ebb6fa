"""A rendered answer in one format, and its strong validator: the one ETag hash of every
response lerld gives (documents, dumps, collection pages, SPARQL answers)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from lerld.core.formats import Format


def etag_of(body: bytes, label: bytes = b"") -> str:
    """The strong ETag (unquoted) of a body; `label` tells apart the same bytes served as
    another representation (a JSON-LD form's profile)."""
    return hashlib.sha256(body + label).hexdigest()[:32]


@dataclass(frozen=True)
class Representation:
    """A rendered document in one format, with its strong validator."""

    body: bytes
    fmt: Format
    # The JSON-LD profile of a form other than the default (compacted), for Content-Type.
    profile: str | None = None

    @property
    def content_type(self) -> str:
        if self.profile is None:
            return self.fmt.content_type
        return f'{self.fmt.media_type}; profile="{self.profile}"; charset={self.fmt.charset}'

    @property
    def etag(self) -> str:
        # the same bytes in another form's Content-Type are another representation
        return etag_of(self.body, self.profile.encode() if self.profile else b"")
