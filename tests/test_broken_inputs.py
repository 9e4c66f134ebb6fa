"""A corpus of broken data files: each gives its expected message and exit status.

Every file in tests/corpus/broken/ is added to a copy of the project as
data/broken.ttl. Its header says what `lerld validate` must answer:
    # expect-exit: N          the exit status (1: invalid data, 2: unreadable source)
    # expect: TEXT            a line of the output must contain TEXT (repeatable)
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "corpus" / "broken"
CASES = sorted(CORPUS.glob("*.ttl"))


def expectations(path: Path) -> tuple[int, list[str]]:
    header = path.read_bytes().decode("utf-8", errors="replace")
    exit_status = int(re.search(r"^# expect-exit: (\d+)$", header, re.M).group(1))
    return exit_status, re.findall(r"^# expect: (.+)$", header, re.M)


def test_corpus_is_not_empty():
    assert len(CASES) >= 10


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_broken_input_is_reported(project, case):
    (project / "data" / "broken.ttl").write_bytes(case.read_bytes())
    exit_status, expected = expectations(case)
    result = subprocess.run(
        [sys.executable, "-m", "lerld.cli", "--root", str(project), "validate"],
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == exit_status, output
    for text in expected:
        assert text in output, f"expected {text!r} in:\n{output}"


def test_the_repository_data_alone_is_fine(project):
    result = subprocess.run(
        [sys.executable, "-m", "lerld.cli", "--root", str(project), "validate"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
