"""Dereferencing at scale: mixed entity requests with wrk (32 connections) against
`lerld serve` and against nginx serving `lerld build` output with its conneg rules.

The requests: for a seeded sample of entities, the entity IRI (303), and its document
negotiated as Turtle, JSON-LD and HTML. nginx serves the same documents: the files are
the running lerld's own answers for the sample, written with lerld.tools.build's writer (so its
nginx rules and layout), because building every document of a million-triple site would
take hours; nginx's cost per request does not depend on how many files the directory has.
Before timing, both servers are checked to give the same status and media type for every
request, and are warmed up (lerld renders each document once per worker process).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from lerld.tools.build import Site, write
from lerld.tools.processes import server

FORMATS = {
    "turtle": ("ttl", "text/turtle"),
    "jsonld": ("jsonld", "application/ld+json"),
    "html": ("html", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
}
HERE = Path(__file__).resolve().parent
CONNECTIONS = 32
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def sample_entities(store_url: str, size: int, seed: int) -> list[str]:
    """A seeded sample of the entity paths (kind/slug) the server publishes."""
    response = requests.get(
        store_url,
        params={
            "query": "SELECT DISTINCT ?s WHERE { ?s ?p ?o "
            'FILTER(STRSTARTS(STR(?s), "https://w3id.org/ler/id/")) }'
        },
        headers={"Accept": "text/csv"},
        timeout=300,
    )
    response.raise_for_status()
    paths = sorted(
        line.strip()[len("https://w3id.org/ler/id/") :] for line in response.text.splitlines()[1:]
    )
    return random.Random(seed).sample(paths, min(size, len(paths)))


def request_lines(entities: list[str]) -> list[tuple[str, str]]:
    lines = []
    for entity in entities:
        lines.append((f"/id/{entity}", FORMATS["turtle"][1]))
        lines += [(f"/doc/{entity}", accept) for _, accept in FORMATS.values()]
    return lines


def static_site(lerld_url: str, entities: list[str], modified: float, out: Path) -> int:
    """The sample's documents as `lerld build` writes them, fetched from lerld."""
    files = {}
    with requests.Session() as session:
        for entity in entities:
            for extension, _ in FORMATS.values():
                r = session.get(f"{lerld_url}/doc/{entity}.{extension}", timeout=120)
                r.raise_for_status()
                files[f"doc/{entity}.{extension}"] = r.content
        missing = session.get(f"{lerld_url}/.no-such-page", headers={"Accept": "text/html"})
        files["404.html"] = missing.content
    write(Site(files, modified, {}), out)
    return len(files)


NGINX_CONF = """worker_processes {workers};
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {work}/tmp-body;
    proxy_temp_path {work}/tmp-proxy;
    fastcgi_temp_path {work}/tmp-fastcgi;
    uwsgi_temp_path {work}/tmp-uwsgi;
    scgi_temp_path {work}/tmp-scgi;
    include {site}/.nginx/http.conf;
    server {{
        listen 127.0.0.1:{port};
        root {site};
        include {site}/.nginx/server.conf;
    }}
}}
"""


def nginx(site: Path, port: int, work: Path, workers: int):
    """nginx (Debian's) on loopback serving the static site, for the length of a block."""
    conf = work / "nginx.conf"
    conf.write_text(NGINX_CONF.format(workers=workers, work=work, site=site, port=port))
    user = "" if os.geteuid() else "user root;\n"
    conf.write_text(user + conf.read_text())
    return server(
        [NGINX, "-c", str(conf), "-p", str(work)],
        f"http://127.0.0.1:{port}/404.html",
        work / "nginx.log",
        timeout=30,
    )


def same_answers(lerld_url: str, nginx_url: str, lines: list[tuple[str, str]]) -> list[str]:
    """Requests on which the two servers differ in status or media type (should be none)."""
    differences = []
    with requests.Session() as a, requests.Session() as b:
        for path, accept in lines:
            x = a.get(lerld_url + path, headers={"Accept": accept}, allow_redirects=False)
            y = b.get(nginx_url + path, headers={"Accept": accept}, allow_redirects=False)
            tx = x.headers.get("Content-Type", "").split(";")[0]
            ty = y.headers.get("Content-Type", "").split(";")[0]
            if x.status_code != y.status_code or (x.status_code == 200 and tx != ty):
                differences.append(
                    f"{path} [{accept[:20]}]: {x.status_code} {tx} vs {y.status_code} {ty}"
                )
    return differences


def warm(url: str, lines: list[tuple[str, str]], rounds: int = 10) -> float:
    """Each request `rounds` times on new connections (so every worker process sees it)."""

    def fetch(item):
        path, accept = item
        requests.get(url + path, headers={"Accept": accept}, allow_redirects=False, timeout=120)

    started = time.perf_counter()
    with ThreadPoolExecutor(CONNECTIONS) as pool:
        list(pool.map(fetch, lines * rounds))
    return time.perf_counter() - started


def cold_latencies(url: str, entities: list[str]) -> dict[str, list[float]]:
    """First-request latency of documents nobody asked for yet, per format (ms)."""
    found: dict[str, list[float]] = {key: [] for key in FORMATS}
    with requests.Session() as session:
        for entity in entities:
            for key, (_, accept) in FORMATS.items():
                t = time.perf_counter()
                session.get(f"{url}/doc/{entity}", headers={"Accept": accept}, timeout=120)
                found[key].append((time.perf_counter() - t) * 1000)
    return found


def wrk(url: str, lines: list[tuple[str, str]], seconds: int, work: Path, threads: int = 2) -> dict:
    """One wrk run of mixed requests; its figures as a dict."""
    listing = work / "requests.tsv"
    listing.write_text("".join(f"{p}\t{a}\n" for p, a in lines))
    result = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(HERE / "mixed.lua"),
            url,
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "LERLD_WRK_REQUESTS": str(listing)},
        timeout=seconds + 60,
        check=True,
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["requests_per_s"] = figures["requests"] / (figures["duration_us"] / 1e6)
    figures["p50_ms"] = figures["p50_us"] / 1000
    figures["p99_ms"] = figures["p99_us"] / 1000
    return figures


def median_run(runs: list[dict]) -> dict:
    """The median run by requests/s (its p50 and p99), with every run's p99 and the errors."""
    median = sorted(runs, key=lambda r: r["requests_per_s"])[len(runs) // 2]
    return {
        "requests_per_s": median["requests_per_s"],
        "p50_ms": median["p50_ms"],
        "p99_ms": median["p99_ms"],
        "p99_ms_of_runs": [r["p99_ms"] for r in runs],
        "errors": sum(r["non_2xx_3xx"] + r["socket_errors"] for r in runs),
    }


def take_turns(servers: dict[str, tuple[str, list]], seconds: int, work: Path) -> dict:
    """wrk on each server in turn, three times, so that noise on the machine hits all
    alike: every run, and the median run of each by name."""
    runs: dict[str, list[dict]] = {name: [] for name in servers}
    for _ in range(3):
        for name, (url, lines) in servers.items():
            runs[name].append(wrk(url, lines, seconds, work))
    return {"runs": runs, **{name: median_run(found) for name, found in runs.items()}}
