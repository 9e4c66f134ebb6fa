"""What git knows about the project: the last committed version of a source file, and the
repository the checkout was cloned from. The only module that runs git.

Every answer is optional: a project that is not a git checkout (an unpacked release, a
directory git is not installed for) gets None, never an error.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

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


def changed(root: Path, relpaths: list[str]) -> set[str] | None:
    """Which of these committed files differ from HEAD in the working tree, in one call
    (None when the project is not a git checkout). A file not committed is not listed."""
    if not relpaths:
        return set()
    out = _git(root, "diff", "--name-only", "--relative", "HEAD", "--", *relpaths)
    return None if out is None else set(out.splitlines())


def remote_url(root: Path, remote: str = "origin") -> str | None:
    """The URL of the checkout's remote (origin), when there is one."""
    url = _git(root, "remote", "get-url", remote)
    return url.strip() if url else None


def branch(root: Path) -> str | None:
    """The branch checked out (None when detached or not a checkout)."""
    name = _git(root, "rev-parse", "--abbrev-ref", "HEAD")
    name = name.strip() if name else None
    return name if name and name != "HEAD" else None


# The page of a file at a branch, with a range of its lines highlighted, on each forge whose
# address can be derived from a remote (the editor opens the editor from there).
FORGES = {
    "github.com": "https://github.com/{repo}/blob/{branch}/{prefix}{{path}}#L{{start}}-L{{end}}",
    "gitlab.com": "https://gitlab.com/{repo}/-/blob/{branch}/{prefix}{{path}}#L{{start}}-{{end}}",
    "codeberg.org": (
        "https://codeberg.org/{repo}/src/branch/{branch}/{prefix}{{path}}#L{{start}}-L{{end}}"
    ),
}
_SCP_LIKE = re.compile(r"^(?:[\w.-]+@)?([\w.-]+):(?!//)(.+)$")  # git@github.com:owner/repo.git


def forge_template(remote: str, branch: str, prefix: str = "") -> str | None:
    """The edit-URL template for a remote on a known forge (None for any other remote).
    Only the host and the repository path are kept: never a user name or token."""
    scp = _SCP_LIKE.match(remote)
    if scp and "://" not in remote:
        host, path = scp.group(1), scp.group(2)
    else:
        parts = urlsplit(remote)
        host, path = parts.hostname or "", parts.path
    repo = path.strip("/").removesuffix(".git")
    if host.lower() not in FORGES or not re.fullmatch(r"[\w.-]+(/[\w.-]+)+", repo):
        return None
    if not re.fullmatch(r"[\w./-]+", branch) or not re.fullmatch(r"[\w./-]*", prefix):
        return None
    return FORGES[host.lower()].format(repo=repo, branch=branch, prefix=prefix)


def edit_url(root: Path) -> str | None:
    """The edit-URL template of the checkout's origin, when it is on a known forge."""
    remote = remote_url(root)
    if not remote:
        return None
    prefix = (_git(root, "rev-parse", "--show-prefix") or "").strip()
    return forge_template(remote, branch(root) or "main", prefix)
