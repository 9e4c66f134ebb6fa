"""What git knows about the project: the last committed version of a source file, and the
repository the checkout was cloned from. The only module that runs git.

Every answer is optional: a project that is not a git checkout (an unpacked release, a
directory git is not installed for) gets None, never an error.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

GIT_TIMEOUT = 10  # seconds; git answers these in milliseconds


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", errors="replace")


def committed_text(root: Path, relpath: str) -> str | None:
    """The file as the last commit (HEAD) holds it; None when it is not committed."""
    return _git(root, "show", f"HEAD:./{relpath}")


def remote_url(root: Path, remote: str = "origin") -> str | None:
    """The URL of the checkout's remote (origin), when there is one."""
    url = _git(root, "remote", "get-url", remote)
    return url.strip() if url else None


def branch(root: Path) -> str | None:
    """The branch checked out (None when detached or not a checkout)."""
    name = _git(root, "rev-parse", "--abbrev-ref", "HEAD")
    name = name.strip() if name else None
    return name if name and name != "HEAD" else None
