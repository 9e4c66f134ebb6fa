"""The reliability load test: mixed Linked Data dereferencing and SPARQL with wrk against a
real `lerld serve` (the production server, Granian), by default 60 s at 64 connections.

    python -m benchmarks.reliability.load_test [--duration 60] [--connections 64]
        [--threads 2] [--workers 2] [--root .] [--sparql-cache-mb N] [--json results.json]

It starts `lerld serve` on a free loopback port, takes the requests from what the server
publishes, sends each once (so the memory measured next is that of a warm server), measures
the memory of the server's processes, runs wrk (benchmarks/reliability/load.lua), measures the
memory again and stops the server. The requests, in a random order per connection:

- dereferencing (about 3 in 4): for a sample of entities, the entity IRI (a 303) and its
  document as HTML, Turtle and JSON-LD; the list pages, the vocabulary and the shapes;
- SPARQL (about 1 in 4): every named query of sparql/ by GET, half of them as they are
  (answered from the per-worker answer cache after the first time) and half with a comment
  that differs on every request, so that a query process evaluates each of them.

It prints a Markdown summary (requests/s, latency p50 / p90 / p99 / max, errors, memory
before, during and after) and exits 1 unless there was no error (no answer other than 2xx or
3xx, no socket error, no timeout) and the memory stayed bounded: after the run, within 25 %
(+ 32 MiB) of the memory before, plus what the web workers' SPARQL answer caches may hold
(`--sparql-cache-mb` each: the fresh queries fill them, and they stop growing there). Memory
is the sum over the server's processes of their proportional set size (PSS: pages shared
copy-on-write counted once) and, for comparison, of their RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from lerld.core.settings import Settings
from lerld.tools.processes import free_port, memory_mib, server

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
LUA = HERE / "load.lua"
ENTITY_BASE = "https://w3id.org/ler/id/"
PAGES = ("/", "/stakeholders", "/organizations", "/glossary", "/resources", "/map/table")
DOCUMENTS = ("/ns", "/shapes")
HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
FORMATS = (HTML, "text/turtle", "application/ld+json")
SPARQL_JSON = "application/sparql-results+json"
ENTITY_SAMPLE = 150
SEED = 20261123


def fetch(url: str, accept: str = "*/*", timeout: float = 60) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def request_lines(url: str, root: Path) -> list[tuple[str, str]]:
    """The request mix, as (path, Accept) pairs; "{n}" makes a path new on every request."""
    query = f'SELECT DISTINCT ?s WHERE {{ ?s a ?t FILTER(STRSTARTS(STR(?s), "{ENTITY_BASE}")) }}'
    status, body = fetch(
        f"{url}/sparql?" + urllib.parse.urlencode({"query": query, "format": "csv"})
    )
    if status != 200:
        raise RuntimeError(f"the entity query answered {status}")
    entities = sorted(line.strip()[len(ENTITY_BASE) :] for line in body.decode().splitlines()[1:])
    sample = random.Random(SEED).sample(entities, min(ENTITY_SAMPLE, len(entities)))
    lines = []
    for entity in sample:
        lines.append((f"/id/{entity}", "text/turtle"))
        lines += [(f"/doc/{entity}", accept) for accept in FORMATS]
    lines += [(path, HTML) for path in PAGES * 10]
    lines += [(path, "text/turtle") for path in DOCUMENTS * 5]
    named = sorted((root / "sparql").glob("*.rq"))
    deref = len(lines)
    sparql = []
    while len(sparql) < deref // 3:
        for path in named:
            text = path.read_text(encoding="utf-8")
            for fresh in (False, True):
                query = text + ("\n# request {n}" if fresh else "")
                encoded = urllib.parse.quote(query, safe="").replace("%7Bn%7D", "{n}")
                sparql.append((f"/sparql?query={encoded}", f"{SPARQL_JSON}, text/turtle;q=0.9"))
    return lines + sparql


def run_wrk(url: str, requests_file: Path, args: argparse.Namespace) -> dict:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    result = subprocess.run(
        [
            wrk,
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{args.duration}s",
            "--timeout",
            "30s",
            "-s",
            str(LUA),
            url,
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "LERLD_LOAD_REQUESTS": str(requests_file)},
        timeout=args.duration + 120,
        check=True,
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    seconds = figures["duration_us"] / 1e6
    figures["requests_per_s"] = round(figures["requests"] / seconds, 1)
    figures["errors"] = sum(
        figures[k]
        for k in ("non_2xx_3xx", "connect_errors", "read_errors", "write_errors", "timeouts")
    )
    return figures


def sample(pid: int, samples: list[float], done: threading.Event) -> None:
    """The server's memory (PSS, MiB) every 5 seconds until done."""
    while not done.wait(5):
        samples.append(memory_mib(pid)["pss_mib"])


def warm_up(url: str, lines: list[tuple[str, str]]) -> None:
    """Every request once (the documents are rendered once per worker: twice is enough for
    both workers to have most of them)."""
    for _ in range(2):
        for path, accept in lines:
            status, _ = fetch(url + path.replace("{n}", "warm-up"), accept)
            if status >= 400:
                raise RuntimeError(f"{path[:80]} answered {status} before the load")


def load_test(args: argparse.Namespace) -> dict:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable, "-m", "lerld.cli", "--root", str(args.root), "serve",
        "--port", str(port), "--workers", str(args.workers),
        *(["--sparql-cache-mb", str(args.sparql_cache_mb)] if args.sparql_cache_mb is not None else []),
    ]  # fmt: skip
    with (
        tempfile.TemporaryDirectory(prefix="lerld-load-") as scratch,
        server(command, url + "/", Path(scratch) / "serve.log") as running,
    ):
        process = running.process
        lines = request_lines(url, args.root)
        requests_file = Path(scratch) / "requests.tsv"
        requests_file.write_text("".join(f"{p}\t{a}\n" for p, a in lines))
        warm_up(url, lines)
        before = memory_mib(process.pid)
        samples: list[float] = []
        done = threading.Event()
        sampler = threading.Thread(target=sample, args=(process.pid, samples, done))
        sampler.start()
        try:
            figures = run_wrk(url, requests_file, args)
        finally:
            done.set()
            sampler.join()
        time.sleep(1)
        after = memory_mib(process.pid)
        alive = process.poll() is None
    return {
        "command": " ".join(["wrk", f"-t{args.threads}", f"-c{args.connections}",
                             f"-d{args.duration}s", "--timeout 30s", "-s", "load.lua"]),
        "server": f"lerld serve --workers {args.workers} (Granian), project {args.root}",
        "requests_in_mix": len(lines),
        "sparql_share": round(sum(p.startswith("/sparql") for p, _ in lines) / len(lines), 2),
        "wrk": figures,
        "memory_before": before,
        "memory_during": samples,
        "memory_after": after,
        "answer_cache_budget_mib": args.workers * cache_mb(args),
        "server_alive": alive,
        "cpus": os.cpu_count(),
    }  # fmt: skip


def cache_mb(args: argparse.Namespace) -> int:
    return Settings().sparql_cache_mb if args.sparql_cache_mb is None else args.sparql_cache_mb


def passed(result: dict) -> bool:
    before, after = result["memory_before"]["pss_mib"], result["memory_after"]["pss_mib"]
    bound = before * 1.25 + 32 + result["answer_cache_budget_mib"]
    return result["server_alive"] and result["wrk"]["errors"] == 0 and after <= bound


def summary(result: dict) -> str:
    w, before, after = result["wrk"], result["memory_before"], result["memory_after"]
    ms = lambda us: f"{us / 1000:.1f} ms"  # noqa: E731
    return "\n".join(
        [
            f"`{result['command']}` against `{result['server']}`, {result['cpus']} CPUs; "
            f"{result['requests_in_mix']} distinct requests, "
            f"{result['sparql_share']:.0%} of them SPARQL:",
            "",
            "| requests | requests/s | p50 | p90 | p99 | max | non-2xx/3xx | socket errors |",
            "|---|---|---|---|---|---|---|---|",
            f"| {w['requests']} | {w['requests_per_s']} | {ms(w['p50_us'])} | {ms(w['p90_us'])} "
            f"| {ms(w['p99_us'])} | {ms(w['max_us'])} | {w['non_2xx_3xx']} "
            f"| {w['errors'] - w['non_2xx_3xx']} |",
            "",
            f"Memory of the server's {before['processes']} processes (PSS): "
            f"{before['pss_mib']} MiB before, "
            + " / ".join(f"{m:.0f}" for m in result["memory_during"])
            + f" MiB every 5 s during, {after['pss_mib']} MiB after (RSS summed: "
            f"{before['rss_mib']} -> {after['rss_mib']} MiB; the answer caches may hold "
            f"{result['answer_cache_budget_mib']} MiB). " + ("PASS" if passed(result) else "FAIL"),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds (default: 60)")
    parser.add_argument("--connections", type=int, default=64, help="(default: 64)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default: 2)")
    parser.add_argument("--workers", type=int, default=2, help="lerld serve --workers")
    parser.add_argument("--root", type=Path, default=REPO, help="the project to serve")
    parser.add_argument("--sparql-cache-mb", type=int, help="lerld serve --sparql-cache-mb")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    result = load_test(args)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    print(summary(result))
    return 0 if passed(result) else 1


if __name__ == "__main__":
    sys.exit(main())
