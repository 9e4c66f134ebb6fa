"""`lerld serve`'s process settings: the threads per worker reach the HTTP server, and
values that do not go together are a clear error (exit 2), not a traceback."""

from __future__ import annotations

import pytest

from lerld.cli import EXIT_SOURCE_ERROR, main
from lerld.core.settings import Settings
from lerld.serve.runtime import serve_options


def test_threads_per_worker_default_to_two_and_reach_the_server(repo_root):
    assert serve_options(Settings(root=repo_root), access_log=False)["blocking_threads"] == 2
    one = Settings(root=repo_root, threads=1, workers=3)
    options = serve_options(one, access_log=False)
    assert (options["blocking_threads"], options["workers"]) == (1, 3)


@pytest.mark.parametrize(
    "flags,message",
    [
        (["--threads", "0"], "at least one worker process and one thread"),
        (["--workers", "0"], "at least one worker process and one thread"),
        (["--sparql-processes", "0"], "at least one query process"),
    ],
)
def test_settings_that_cannot_serve_are_refused_with_their_reason(
    repo_root, capsys, flags, message
):
    assert main(["--root", str(repo_root), "serve", *flags]) == EXIT_SOURCE_ERROR
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
