"""The cache of validation reports: reports of sources already validated, on disk."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import date
from pathlib import Path

import pyshacl

import lerld.profile
from lerld.core import names
from lerld.core.files import write_whole
from lerld.core.settings import cache_directory
from lerld.project import labels, published, releases, shacl, shapecheck
from lerld.project import sources as source_files
from lerld.project.sources import Sources
from lerld.project.validation.report import Finding, Report

# The code a report depends on: a change to any of it validates again. Every module of
# this package and of the profile (the classes and lists the checks know), and these.
VALIDATING_PACKAGES = (Path(__file__).parent, Path(lerld.profile.__file__).parent)
VALIDATING_MODULES = (names, labels, shacl, shapecheck, source_files, releases, published)


class ReportCache:
    """Reports of sources already validated, on disk, keyed by a hash of everything the
    report depends on: every source file (path and bytes, so ontology and shapes too), the
    record of published IRIs, the inference mode, and the code and libraries that validate.
    A million unchanged triples are not validated twice; one changed byte anywhere validates
    everything again.

    The directory is $LERLD_CACHE_DIR/validation, else $XDG_CACHE_HOME/lerld/validation
    (default ~/.cache/lerld/validation), outside the project; LERLD_CACHE_DIR=off turns it
    off (lerld.core.settings.cache_directory).
    """

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    @classmethod
    def from_environment(cls) -> ReportCache:
        return cls(cache_directory("validation"))

    def key(self, sources: Sources, inference: str) -> str:
        digest = hashlib.sha256()
        packages = [path for p in VALIDATING_PACKAGES for path in sorted(p.glob("*.py"))]
        for module in (*packages, *(Path(m.__file__) for m in VALIDATING_MODULES)):
            digest.update(module.read_bytes())
        # today's date too: a date in the future is one no longer, some day
        digest.update(f"{pyshacl.__version__}\0{inference}\0{date.today()}\0".encode())
        for f in sources.files:  # each file's bytes by their digest, taken when it was read
            digest.update(f"{f.relpath}\0{f.digest}\0".encode())
        # the record of what was published, which validation compares the data with
        record = published.record_path(sources.root)
        digest.update(record.read_bytes() if record.is_file() else b"\0no record")
        return digest.hexdigest()

    def get(self, key: str) -> Report | None:
        if self.directory is None:
            return None
        try:
            document = json.loads((self.directory / f"{key}.json").read_text("utf-8"))
            return Report(
                findings=tuple(Finding(**f) for f in document["findings"]),
                inference=document["inference"],
                triples=document["triples"],
                files=document["files"],
                labels=document["labels"],
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, report: Report) -> None:
        if self.directory is None:
            return
        document = {**asdict(report), "findings": [asdict(f) for f in report.findings]}
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            data = json.dumps(document, ensure_ascii=False).encode("utf-8")
            write_whole(self.directory / f"{key}.json", data)
        except OSError:
            return  # a cache that cannot be written only costs time
