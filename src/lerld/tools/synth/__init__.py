"""A synthetic LER ecosystem graph of a chosen size, for benchmarks and load tests.

`synth(root, out, triples, seed)` writes a whole project to `out`: copies of the
project's ontology/ and shapes/, its real map data under data/map/ (the ten stakeholder
groups, stages, action areas, schemes and resource categories that the shapes fix), and
generated Turtle under data/synthetic/: organizations, initiatives, topics, resources,
glossary terms and senses, and the stakeholder groups' work streams, recommendations,
value propositions and quotes. Labels, descriptions, dates and links are drawn from a
seeded generator, so one seed always gives the same bytes; every link points at an
entity that exists, every label is unique within its kind, and the project passes
`lerld validate`. The output never touches the project's own data/.

generator.py makes the entities (words.py holds what they are made of); this module writes
the project: its directory, the copies of the real project, and the generated files.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from lerld.core.errors import LerldError
from lerld.tools.synth.generator import PREFIXES, Generator, real_pools

MARKER = ".lerld-synth"
ENTITIES_PER_FILE = 2000


class SynthError(LerldError):
    """The synthetic project cannot be written where it was asked."""


# (kind, file stem, share of the triples)
MIX = (
    ("organization", "organizations", 0.25),
    ("initiative", "initiatives", 0.15),
    ("topic", "topics", 0.04),
    ("resource", "resources", 0.24),
    ("glossary_term", "glossary", 0.10),
    ("statement", "stakeholder-statements", 0.22),
)


def _prepare(root: Path, out: Path) -> None:
    root, out = root.resolve(), out.resolve()
    for role in ("ontology", "shapes", "data"):
        if not (root / role).is_dir():
            raise SynthError(
                f"{root}: not a lerld project (no {role}/ directory): run lerld synth "
                "in the project, or give it with --root"
            )
    for role in ("ontology", "shapes", "data"):
        if out == root or out.is_relative_to(root / role):
            raise SynthError(f"{out}: the synthetic project never goes into the project's {role}/")
    if out.exists():
        if any(out.iterdir()) and not (out / MARKER).exists():
            raise SynthError(f"{out} exists and was not made by lerld synth: choose another --out")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / MARKER).write_text("made by lerld synth; safe to delete\n")
    for role in ("ontology", "shapes"):
        shutil.copytree(root / role, out / role)
    shutil.copytree(root / "data", out / "data" / "map", ignore=shutil.ignore_patterns("upstream"))


@dataclass(frozen=True)
class SynthResult:
    """What synth() wrote."""

    out: Path
    triples: int
    real_triples: int
    files: int


def synth(root: Path, out: Path, triples: int, seed: int = 0) -> SynthResult:
    """Write a synthetic project of about `triples` triples (at least the real map's) to `out`."""
    _prepare(root, out)
    real = Graph()
    for path in sorted((out / "data" / "map").rglob("*.ttl")):
        real.parse(path, format="turtle")
    rng = random.Random(seed)
    pools = real_pools(real)
    generator = Generator(rng, pools)
    target = max(triples - len(real), 0)
    directory = out / "data" / "synthetic"
    directory.mkdir()
    header = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
    buffers: dict[str, list[str]] = {stem: [] for _, stem, _ in MIX}
    counts = {stem: 0 for _, stem, _ in MIX}
    written = 0

    def flush(stem: str) -> None:
        nonlocal written
        if buffers[stem]:
            name = f"{stem}-{counts[stem]:04d}.ttl"
            text = f"# Synthetic LER ecosystem data (seed {seed}); not real.\n{header}\n"
            (directory / name).write_text(text + "\n".join(buffers[stem]), encoding="utf-8")
            buffers[stem] = []
            counts[stem] += 1
            written += 1

    methods = [getattr(generator, kind) for kind, _, _ in MIX]
    weights = [share for _, _, share in MIX]
    stems = [stem for _, stem, _ in MIX]
    per_triple = [0.0] * len(MIX)
    while generator.triples < target:
        # the kind furthest below its share of the triples goes next
        i = min(range(len(MIX)), key=lambda k: per_triple[k] / weights[k])
        before = generator.triples
        buffers[stems[i]].append(methods[i]())
        per_triple[i] += generator.triples - before
        if len(buffers[stems[i]]) >= ENTITIES_PER_FILE:
            flush(stems[i])
    for stem in stems:
        flush(stem)
    return SynthResult(
        out=out, triples=len(real) + generator.triples, real_triples=len(real), files=written
    )
