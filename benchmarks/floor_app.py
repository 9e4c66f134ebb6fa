"""The floor under lerld's dereferencing: a WSGI app that does nothing but look up answers
recorded from `lerld serve` (status, headers and body, by path and Accept header), served
by Granian as `lerld serve` is (same workers, one thread each). What lerld adds over it is
lerld's; what separates it from nginx is the HTTP server's and WSGI's (a request crosses
from Granian's Rust threads to a Python thread and back). benchmarks/fixed_cost.py runs it.

    LERLD_FLOOR_ANSWERS=answers.pickle granian --interface wsgi benchmarks.floor_app:app
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from pathlib import Path

# Answers by (path, Accept): (WSGI status, header list, body); written by record() below.
ANSWERS: dict[tuple[str, str], tuple[str, list, bytes]] = (
    pickle.loads(Path(os.environ["LERLD_FLOOR_ANSWERS"]).read_bytes())
    if "LERLD_FLOOR_ANSWERS" in os.environ
    else {}
)
NOT_RECORDED = ("404 Not Found", [("Content-Type", "text/plain")], b"not recorded\n")
# Headers the server sets itself, or that describe the recording's connection.
SERVERS_OWN = {"date", "server", "connection", "keep-alive", "transfer-encoding"}


def app(environ: dict, start_response: Callable) -> list[bytes]:
    status, headers, body = ANSWERS.get(
        (environ.get("PATH_INFO", ""), environ.get("HTTP_ACCEPT", "")), NOT_RECORDED
    )
    start_response(status, headers)
    return [body] if environ["REQUEST_METHOD"] != "HEAD" else []


def record(url: str, lines: list[tuple[str, str]], into: Path) -> None:
    """Ask lerld (at `url`) every request of the mix, and keep its answers in `into`."""
    import requests

    answers = {}
    with requests.Session() as session:
        for path, accept in lines:
            r = session.get(url + path, headers={"Accept": accept}, allow_redirects=False)
            headers = [(k, v) for k, v in r.headers.items() if k.lower() not in SERVERS_OWN]
            answers[(path, accept)] = (f"{r.status_code} {r.reason}", headers, r.content)
    into.write_bytes(pickle.dumps(answers))
