"""Values computed once per published version and kept on disk: the entity index and the
VoID graph. The worker processes of a server, and its restarts with the same data, read
what one of them computed, instead of each computing it on its first request (at ten
million triples the index takes about a minute and VoID half of one).

A value is a JSON file named by a key over everything it depends on (the version, the
base URI, lerld's code); a process computing one holds a lock on its name, so
that the others wait and read it rather than compute it too. `lerld serve` prepares them
in a process of its own as it publishes a version (`prepare`; lerld.serve.runtime). The directory is
$LERLD_CACHE_DIR/versions, else ~/.cache/lerld/versions (lerld.core.settings.
cache_directory); LERLD_CACHE_DIR=off keeps nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import lerld
from lerld.core.files import write_whole
from lerld.core.memory import without_collection
from lerld.core.settings import cache_directory

T = TypeVar("T")
log = logging.getLogger(__name__)

# The newest values of each name kept: a server of an older version still running has its
# own in memory, and an edited dataset must not fill the disk with the index of each edit.
KEEP_PER_NAME = 3
# what of lerld's package a kept value may depend on (code, templates, Turtle)
CODE_SUFFIXES = {".py", ".ttl", ".html", ".rq", ".json", ".jsonld"}


@dataclass(frozen=True)
class Codec(Generic[T]):
    """How a value is written as JSON and read back."""

    encode: Callable[[T], Any]
    decode: Callable[[Any], T]


def version_key(*parts: str) -> str:
    """A key over `parts` (what a value is computed from) and lerld's own code and
    templates: an upgrade, or any edit to lerld, computes the values again."""
    digest = hashlib.sha256(_code_digest())
    for part in parts:
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()


@functools.cache
def _code_digest() -> bytes:
    package = Path(lerld.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(p for p in package.rglob("*") if p.suffix in CODE_SUFFIXES):
        digest.update(f"{path.relative_to(package)}\0".encode() + path.read_bytes())
    return digest.digest()


class KeptValues:
    """Values on disk by name and key; see the module's docstring."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    @classmethod
    def from_environment(cls) -> KeptValues:
        return cls(cache_directory("versions"))

    def get(self, name: str, key: str, compute: Callable[[], T], codec: Codec[T]) -> T:
        """The value kept under name and key, else compute() kept there. A directory that
        cannot be written or a file that cannot be read only costs the computation."""
        if self.directory is None:
            return compute()
        path = self._path(name, key)
        found = self._read(path, codec)
        if found is not None:
            return found
        with self._locked(name, key) as locked:
            if not locked:
                return compute()
            found = self._read(path, codec)
            if found is not None:
                return found
            value = compute()
            data = self._keep(name, path, value, codec)
            # what was written, read back: every process serves the same value (the order of
            # a graph's statements, for one, decides how it is written out)
            written = _decoded(data, codec, path)
            return value if written is None else written

    def prepare(self, name: str, key: str, compute: Callable[[], T], codec: Codec[T]) -> bool:
        """Compute the value of name and key and keep it, unless it is kept already (or
        being computed: then wait for it), without reading it or holding it: for a process
        that computes values ahead of the processes that will read them (lerld serve, as it
        publishes a version). Whether it computed it."""
        if self.directory is None:
            return False
        path = self._path(name, key)
        if path.exists():
            return False
        with self._locked(name, key) as locked:
            if not locked or path.exists():
                return False
            self._keep(name, path, compute(), codec)
            return True

    def _path(self, name: str, key: str) -> Path:
        assert self.directory is not None
        return self.directory / f"{name}-{key}.json"

    @contextlib.contextmanager
    def _locked(self, name: str, key: str) -> Iterator[bool]:
        """Hold the lock of name and key (one process computes; the others wait here, then
        read what it wrote); False if the directory cannot hold it."""
        assert self.directory is not None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            lock = open(self.directory / f"{name}-{key}.lock", "ab")  # noqa: SIM115
        except OSError:
            yield False
            return
        with lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield True

    def _keep(self, name: str, path: Path, value: T, codec: Codec[T]) -> bytes:
        """Write a value as JSON; the bytes written."""
        # ASCII: a text that UTF-8 cannot encode (a lone surrogate) is written escaped
        data = json.dumps(codec.encode(value)).encode("ascii")
        self._write(name, path, data)
        return data

    def _read(self, path: Path, codec: Codec[T]) -> T | None:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            log.warning("%s cannot be read (%s): computed again", path, error)
            return None
        return _decoded(data, codec, path)

    def _write(self, name: str, path: Path, data: bytes) -> None:
        try:
            write_whole(path, data)
        except OSError as error:
            log.warning("%s cannot be written (%s)", path, error)
            return
        self._drop_older(name)

    def _drop_older(self, name: str) -> None:
        assert self.directory is not None
        try:
            kept = sorted(
                self.directory.glob(f"{name}-*.json"),
                key=lambda p: p.stat().st_mtime,
                reverse=True,
            )
            for old in kept[KEEP_PER_NAME:]:
                old.unlink(missing_ok=True)
                old.with_suffix(".lock").unlink(missing_ok=True)
        except OSError:
            return  # another process dropped it first


def _decoded(data: bytes, codec: Codec[T], path: Path) -> T | None:
    """The value a file's bytes hold, or None if they are not what lerld writes."""
    try:
        with without_collection():  # a million rows of an index, read at once
            return codec.decode(json.loads(data))
    # JSON's errors, a codec's on a document of another shape, or its parser's (rdflib's
    # BadSyntax is a SyntaxError): whatever a damaged file makes it raise, it is computed again
    except Exception as error:
        log.warning("%s is not what lerld wrote (%s): computed again", path, error)
        return None
