"""The corpus of bad inputs, shared by the tests of `lerld validate`, `lerld load` and
`lerld serve --reload`: each case is a file to add to a copy of the project, with what the
command must answer.

Every file in tests/corpus/broken/ is one case. Its header says where it goes and what is
expected:
    # file: PATH              where it is written in the project (default: data/broken.ttl)
    # expect-exit: N          the exit status (1: invalid data, 2: unreadable source)
    # expect: TEXT            the output must contain TEXT (repeatable)
One more case is made at test time, not committed: a data file with a 50 MB literal.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).parent / "corpus" / "broken"
HUGE_LITERAL_CHARACTERS = 50_000_000


@dataclass(frozen=True)
class Case:
    name: str
    target: str
    exit_status: int
    expected: tuple[str, ...]
    content: Callable[[], bytes]

    def place(self, project: Path) -> Path:
        """Write the case into the project; the path written."""
        path = project / self.target
        path.write_bytes(self.content())
        return path


def from_file(path: Path) -> Case:
    header = path.read_bytes().decode("utf-8", errors="replace")
    target = re.search(r"^# file: (\S+)$", header, re.M)
    return Case(
        name=path.stem,
        target=target.group(1) if target else "data/broken.ttl",
        exit_status=int(re.search(r"^# expect-exit: (\d+)$", header, re.M).group(1)),
        expected=tuple(re.findall(r"^# expect: (.+)$", header, re.M)),
        content=path.read_bytes,
    )


def huge_literal() -> bytes:
    """An organization whose description is a 50 MB literal (a file pasted by mistake)."""
    return (
        "@prefix ler: <https://w3id.org/ler/ns#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n\n"
        "<https://w3id.org/ler/id/organization/huge> a ler:Organization ;\n"
        '    rdfs:label "Huge"@en ;\n'
        '    dcterms:description "' + "x" * HUGE_LITERAL_CHARACTERS + '"@en ;\n'
        '    dcterms:modified "2026-11-23"^^xsd:date .\n'
    ).encode()


CASES = [from_file(p) for p in sorted(CORPUS.glob("*.ttl"))] + [
    Case(
        name="huge-literal",
        target="data/broken.ttl",
        exit_status=1,
        expected=(
            "data/broken.ttl:6: organization/huge",
            f"has a value of {HUGE_LITERAL_CHARACTERS:,} characters",
        ),
        content=huge_literal,
    )
]

# The cases that must be refused: a case with exit status 0 is a warning (markup in text),
# reported, and published all the same.
REFUSED = [c for c in CASES if c.exit_status]
