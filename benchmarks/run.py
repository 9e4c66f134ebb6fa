"""The benchmark run: `python -m benchmarks [--quick | --sizes ...]` (or benchmarks/run.sh).

At each size (the map's own data, the project itself, ~3.5k triples; then 10k, 100k, 1M
and 10M triples of `lerld synth`, fixed seed; --quick: map, 10k and 100k) it measures, in
one run on this machine:

- start-up: `oxigraph load` of the project's files; `lerld validate` with an empty
  validation cache (cold) and with the cache of that run (warm); `lerld serve` from start
  to first answer, cold and warm, with the store in memory and (--disk-sizes) on disk;
  wall time and peak memory of each (its own and its process tree's);
- SPARQL: the named queries and six common query shapes against `lerld serve`, a plain
  `oxigraph serve` holding the same files, and rdflib (benchmarks/sparql_scale.py);
- dereferencing: wrk at 32 connections, mixed entity requests, against `lerld serve` and
  nginx serving `lerld build` output (benchmarks/deref.py), plus first-request latencies;
- the remote-store path (--remote-sizes): `lerld serve --endpoint` on Oxigraph server and
  on Virtuoso beside the same store queried directly (benchmarks/remote.py).

After each size it writes benchmarks/results.json (every figure, machine facts, tool
versions, every goal as a ratio at every size) and benchmarks/RESULTS.md
(benchmarks/report.py), marked partial until the run has ended.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import requests

from benchmarks import deref, remote, sparql_scale
from benchmarks.prepared import wait_for_prepared
from benchmarks.report import write_report
from benchmarks.sparql_named_queries import oxigraph_server
from lerld.tools.processes import Measured, Server, free_port, measured, server

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# "map": the project itself (the map's own data, not synthetic); its size is counted
MAP = "map"
SIZES = {
    MAP: 3_500,
    "tiny": 3_000,
    "10k": 10_000,
    "100k": 100_000,
    "1M": 1_000_000,
    "10M": 10_000_000,
}
FULL = (MAP, "10k", "100k", "1M", "10M")
QUICK = (MAP, "10k", "100k")
REMOTE = ("10k", "100k")
# growth of dereferencing latency is measured against this size, side by side
GROWTH_BASE = "10k"
SEED = 20261123
PROBE = "/doc/stakeholder/employers.ttl"
RDFLIB_MAX_TRIPLES = 100_000
RDFLIB_LIMIT_S = 10.0
DEREF_SAMPLE = 250
COLD_SAMPLE = 15
OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")


def lerld(*args: str) -> list[str]:
    return [sys.executable, "-m", "lerld.cli", *args]


def source_files(root: Path) -> list[str]:
    return sorted(str(p) for d in ("ontology", "shapes", "data") for p in (root / d).rglob("*.ttl"))


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        int(line.split()[1]) // 1024
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )

    def output(command: list[str]) -> str:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            done = subprocess.run(command, capture_output=True, text=True, timeout=30)
            return (done.stdout + done.stderr).strip().splitlines()[0]
        return "missing"

    packages = ("lerld", "pyoxigraph", "oxigraph", "rdflib", "pyshacl", "flask", "granian")
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_mib": memory,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "load_average_at_start": load_average(),
        "versions": {
            **{p: _version(p) for p in packages},
            "oxigraph_cli": output([OXIGRAPH, "--version"]),
            "nginx": output([deref.NGINX, "-v"]),
            "wrk": output(["wrk", "-v"]),
        },
    }


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "missing"


def startup(root: Path, work: Path, on_disk: bool) -> dict:
    """oxigraph load, lerld validate (cold, warm) and lerld serve (cold; with on_disk, also
    cold and warm with the embedded store on disk) of one project."""
    figures: dict = {}
    store = work / "oxigraph-load"
    done = measured([OXIGRAPH, "load", "--location", str(store), "--file", *source_files(root)])
    if done.returncode:
        raise RuntimeError(f"oxigraph load failed:\n{done.output[-2000:]}")
    figures["oxigraph_load"] = {
        "seconds": done.seconds,
        **_peaks(done),
        "disk_mib": _disk_mib(store),
    }
    shutil.rmtree(store, ignore_errors=True)
    cache = work / "validation-cache"
    for name in ("validate_cold", "validate_warm"):
        done = measured(lerld("--root", str(root), "validate"), env={"LERLD_CACHE_DIR": str(cache)})
        if done.returncode:
            raise RuntimeError(f"lerld validate failed:\n{done.output[-3000:]}")
        figures[name] = {
            "seconds": done.seconds,
            **_peaks(done),
            "summary": done.output.strip().splitlines()[-1],
        }
    starts = [("serve_cold", work / "validation-cache-serve-cold", ())]
    if on_disk:
        disk = work / "store-on-disk"
        starts += [
            ("serve_disk_cold", work / "validation-cache-disk-cold", ("--store-path", str(disk))),
            # the same directory again: what a restart of a server that keeps its store on
            # disk costs, with the validation cache of `lerld validate`
            ("serve_disk_warm", cache, ("--store-path", str(disk))),
            # the validation cache but an empty directory: what loading onto disk costs (a
            # restart opens the content it kept instead)
            ("serve_disk_loaded", cache, ("--store-path", str(work / "store-on-disk-new"))),
        ]
    for name, validation_cache, extra in starts:
        port = free_port()
        with server(
            lerld("--root", str(root), "serve", "--port", str(port), *extra),
            f"http://127.0.0.1:{port}{PROBE}",
            work / f"{name}.log",
            env={"LERLD_CACHE_DIR": str(validation_cache)},
            timeout=3600,
        ) as running:
            figures[name] = {"seconds": running.startup_s, **_rss(running)}
    if on_disk:
        figures["serve_disk_warm"]["disk_mib"] = _disk_mib(work / "store-on-disk")
        for directory in ("store-on-disk", "store-on-disk-new"):
            shutil.rmtree(work / directory, ignore_errors=True)
    return figures


def _disk_mib(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def _peaks(done: Measured) -> dict:
    """A command's peak memory: the larger of its largest process's peak RSS and its
    process tree's sampled peak PSS (a cold validation scans large sources in a process of
    its own beside the load)."""
    return {
        "peak_rss_mib": max(done.peak_rss_mib, done.peak_tree_mib),
        "peak_main_rss_mib": done.peak_rss_mib,
        "peak_tree_pss_mib": done.peak_tree_mib,
    }


def _rss(running: Server) -> dict:
    """A server's peak memory until its first answer, as _peaks; and its workers' RSS now."""
    rss = running.rss_mib()
    return {
        "peak_rss_mib": max(rss["peak_main"], running.startup_peak_tree_mib),
        "peak_main_rss_mib": rss["peak_main"],
        "peak_tree_pss_mib": running.startup_peak_tree_mib,
        "workers_rss_mib_now": rss["children_now"],
    }


@dataclass(frozen=True)
class Options:
    """How long to measure (seconds per query, per wrk run; entities in the mix) and what:
    the sizes with the store on disk too, the sizes with the remote-store path, and where
    synthetic projects are kept between runs (None: generated in the run's directory)."""

    query_budget_s: float = 2.0
    wrk_s: int = 10
    deref_sample: int = DEREF_SAMPLE
    disk_sizes: tuple[str, ...] = ()
    remote_sizes: tuple[str, ...] = ()
    projects: Path | None = None


def project(label: str, triples: int, work: Path, options: Options) -> tuple[Path, dict]:
    """The project measured at a size: the repository itself for the map's own data, else
    `lerld synth` (fixed seed: the same bytes every time, so a kept copy is reused)."""
    if label == MAP:
        return REPO, {"seconds": None, "output": "the map's own data (this repository)"}
    kept = options.projects / f"{label}-{SEED}" if options.projects else None
    if kept is not None and (kept / "synth.json").exists():
        return kept, json.loads((kept / "synth.json").read_text())
    root = kept or work / "project"
    if root.exists():
        shutil.rmtree(root)
    done = measured(
        lerld(
            "--root",
            str(REPO),
            "synth",
            "--triples",
            str(triples),
            "--out",
            str(root),
            "--seed",
            str(SEED),
        )
    )
    if done.returncode:
        raise RuntimeError(done.output)
    figures = {"seconds": done.seconds, "output": done.output.strip()}
    (root / "synth.json").write_text(json.dumps(figures))
    return root, figures


def one_size(
    label: str,
    triples: int,
    work: Path,
    options: Options,
    progress: Callable[[dict], None] = lambda figures: None,
) -> dict:
    """Every figure at one size; `progress` gets them as they stand once start-up is
    measured (at 10M, start-up alone takes many minutes)."""
    print(f"== {label}: {triples} triples (load {load_average()})", flush=True)
    figures: dict = {"triples_requested": triples, "load_average_before": load_average()}
    root, figures["synth"] = project(label, triples, work, options)
    figures["root"] = str(root)
    figures["project_bytes"] = sum(os.path.getsize(p) for p in source_files(root))
    figures["startup"] = startup(root, work, label in options.disk_sizes)
    print(f"   start-up: {json.dumps(figures['startup'])}", flush=True)

    prepared: dict = {}
    with (
        serving(root, work, prepared=prepared) as lerld_server,
        oxigraph_server(root) as oxigraph_url,
    ):
        figures["startup"]["serve_warm"] = {
            "seconds": lerld_server.startup_s,
            **_rss(lerld_server),
            "peak_until_prepared_mib": prepared["peak_tree_pss_mib"],
        }
        figures["startup"]["serve_prepared_after_s"] = prepared["seconds"]
        figures["triples"] = _triples(oxigraph_url)
        progress(figures)
        entities = deref.sample_entities(oxigraph_url, options.deref_sample + COLD_SAMPLE, SEED)
        queries = sparql_scale.all_queries("https://w3id.org/ler/id/" + entities[0])
        rdflib = None
        if triples <= RDFLIB_MAX_TRIPLES:
            rdflib, load_s = sparql_scale.run_rdflib(
                root, queries, work, options.query_budget_s, RDFLIB_LIMIT_S
            )
            figures["rdflib_load_s"] = load_s
        print("   SPARQL ...", flush=True)
        failures: list[str] = []
        results = sparql_scale.measure(
            queries,
            lerld_server.url + "/sparql",
            oxigraph_url,
            rdflib,
            options.query_budget_s,
            failures,
        )
        figures["sparql"] = {
            "queries": [r.as_dict() for r in results],
            "summary": sparql_scale.summary(results),
            "failures": failures,
            "rdflib": "run"
            if rdflib is not None
            else (f"skipped above {RDFLIB_MAX_TRIPLES} triples: see RESULTS.md"),
        }
        print(f"   SPARQL: {json.dumps(figures['sparql']['summary'])}", flush=True)
        figures["deref"] = dereferencing(lerld_server, entities, work, options)
        figures["deref"]["sample"] = entities[: options.deref_sample]
        print(
            f"   deref: {json.dumps({k: v for k, v in figures['deref'].items() if k not in ('cold_ms', 'sample', 'runs')})[:600]}",
            flush=True,
        )
        figures["lerld_rss_after_mib"] = lerld_server.rss_mib()
    if label in options.remote_sizes:
        figures["remote"] = remote.remote_path(root, work, entities, queries, SERVE_LIMITS, options)
    figures["load_average_after"] = load_average()
    return figures


def _triples(query_url: str) -> int:
    """The distinct triples of the project (the union default graph), as Oxigraph counts."""
    answer = requests.get(
        query_url,
        params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
        headers={"Accept": "text/csv"},
        timeout=900,
    )
    answer.raise_for_status()
    return int(answer.text.splitlines()[1])


# The limits lerld serve runs with in the benchmark: every query evaluated (no answer
# cache), as Oxigraph evaluates it; row, time and memory caps wide enough for the largest
# answers at 10M (both servers must give the whole answer for the comparison to mean
# anything). The caps are still checked on every request.
SERVE_LIMITS = [
    "--sparql-max-rows",
    "100000000",
    "--sparql-timeout",
    "600",
    "--sparql-max-memory",
    "8192",
    "--sparql-cache-mb",
    "0",
]


@contextlib.contextmanager
def serving(root: Path, work: Path, name: str = "serve", prepared: dict | None = None):
    """`lerld serve` on the project at root (the validation cache of its size's work), once
    it has prepared VoID and the entity index of the version (the seconds from its first
    answer until then go in `prepared["seconds"]`)."""
    port = free_port()
    command = lerld("--root", str(root), "serve", "--port", str(port), *SERVE_LIMITS)
    cache = work / "validation-cache"
    with server(
        command,
        f"http://127.0.0.1:{port}{PROBE}",
        work / f"{name}.log",
        env={"LERLD_CACHE_DIR": str(cache)},
        timeout=3600,
        watch_memory=True,
    ) as running:
        # a process of the server computes them as it publishes a version (at 10M, about a
        # minute and a half of one core: lerld.serve.runtime.Preparations); what lerld is
        # measured for is a request, beside servers that have nothing to prepare
        started = time.perf_counter()
        wait_for_prepared(cache / "versions", running)
        # the memory of starting a version counts until it is prepared: the preparing
        # process reads the whole store, and each page of the in-memory store it reads
        # becomes its own copy (notes.md)
        until_prepared = running.peak.stop()
        if prepared is not None:
            prepared["seconds"] = time.perf_counter() - started
            prepared["peak_tree_pss_mib"] = until_prepared
        yield running


def growth(
    small: Path, large: Path, samples: dict[str, list[str]], options: Options, roots
) -> dict:
    """The p50 latency of dereferencing at the base size (10k) and the largest size,
    measured side by side: both sites served at once and wrk taking turns between them,
    three runs each, so that the machine's noise hits both (the per-size figures are
    minutes apart)."""
    lines = {size: deref.request_lines(sample) for size, sample in samples.items()}
    runs: dict[str, list[dict]] = {size: [] for size in samples}
    with contextlib.ExitStack() as stack:
        servers = {
            size: stack.enter_context(serving(roots[size], work, f"serve-growth-{size}"))
            for size, work in (("small", small), ("large", large))
        }
        for size, running in servers.items():
            deref.warm(running.url, lines[size])
        for _ in range(3):
            for size, running in servers.items():
                runs[size].append(deref.wrk(running.url, lines[size], options.wrk_s, small))
    p50 = {
        size: sorted(r["p50_ms"] for r in found)[len(found) // 2] for size, found in runs.items()
    }
    return {"runs": runs, "p50_ms": p50, "large_vs_small": p50["large"] / p50["small"]}


def dereferencing(lerld_server, entities: list[str], work: Path, options: Options) -> dict:
    sample, cold = entities[: options.deref_sample], entities[options.deref_sample :]
    seconds = options.wrk_s
    lines = deref.request_lines(sample)
    figures: dict = {"entities": len(sample), "distinct_requests": len(lines)}
    figures["cold_ms"] = deref.cold_latencies(lerld_server.url, cold)
    site = work / "site"
    started = time.perf_counter()
    modified = time.time()
    figures["static_files"] = deref.static_site(lerld_server.url, sample, modified, site)
    figures["static_site_s"] = time.perf_counter() - started
    port = free_port()
    nginx_work = work / "nginx"
    nginx_work.mkdir(exist_ok=True)
    with deref.nginx(site, port, nginx_work, workers=2) as nginx_server:
        differences = deref.same_answers(lerld_server.url, nginx_server.url, lines)
        if differences:
            raise AssertionError(
                "lerld and nginx answer differently:\n" + "\n".join(differences[:20])
            )
        figures["warmup_s"] = {
            "lerld": deref.warm(lerld_server.url, lines),
            "nginx": deref.warm(nginx_server.url, lines, rounds=2),
        }
        figures |= deref.take_turns(
            {"nginx": (nginx_server.url, lines), "lerld": (lerld_server.url, lines)},
            seconds,
            work,
        )
    figures["lerld_vs_nginx"] = (
        figures["lerld"]["requests_per_s"] / figures["nginx"]["requests_per_s"]
    )
    return figures


def ratios(sizes: dict, growth_figures: dict | None, in_progress: dict | None = None) -> dict:
    """Every goal as a ratio: SPARQL and dereferencing at every size, start-up and memory at
    the largest (a size still being measured counts once its start-up is), and the growth
    of dereferencing latency from 10k to the largest."""
    largest_label = max(sizes, key=lambda k: SIZES[k])
    smallest = sizes[min(sizes, key=lambda k: SIZES[k])]
    largest = sizes[largest_label]
    started = {**sizes, **(in_progress or {})}
    startup_label = max(started, key=lambda k: SIZES[k])
    up = started[startup_label]["startup"]
    load = up["oxigraph_load"]["seconds"]
    serving_rss = [
        up[k]["peak_rss_mib"]
        for k in (
            "serve_warm",
            "serve_cold",
            "serve_disk_cold",
            "serve_disk_warm",
            "serve_disk_loaded",
        )
        if k in up
    ]
    # a start's memory until its version is prepared (measured for the warm start in
    # memory: what it prepares is the same for every start)
    serving_rss += [
        up[k]["peak_until_prepared_mib"]
        for k in ("serve_warm",)
        if "peak_until_prepared_mib" in up.get(k, {})
    ]
    found = {
        "measured_at": largest_label,
        "startup_measured_at": startup_label,
        "by_size": {
            label: {
                "sparql_vs_oxigraph": size["sparql"]["summary"]["lerld_vs_oxigraph_geomean"],
                "deref_vs_nginx": size["deref"]["lerld_vs_nginx"],
                "deref_p99_ms": size["deref"]["lerld"]["p99_ms"],
                **{
                    f"remote_{engine}_{key}": value
                    for engine, figures in size.get("remote", {}).items()
                    for key, value in (
                        (
                            "sparql_vs_store",
                            (figures["sparql"]["summary"] or {}).get("lerld_vs_oxigraph_geomean"),
                        ),
                        ("deref_vs_store", figures["deref"]["lerld_vs_store"]),
                    )
                },
            }
            for label, size in sizes.items()
        },
        "sparql_vs_oxigraph": max(
            size["sparql"]["summary"]["lerld_vs_oxigraph_geomean"] for size in sizes.values()
        ),
        "deref_vs_nginx": min(size["deref"]["lerld_vs_nginx"] for size in sizes.values()),
        "deref_p99_ms": largest["deref"]["lerld"]["p99_ms"],
        "deref_growth_across_the_run": largest["deref"]["lerld"]["p50_ms"]
        / smallest["deref"]["lerld"]["p50_ms"],
        "startup_vs_oxigraph_load": up["serve_warm"]["seconds"] / load,
        "startup_cold_vs_oxigraph_load": up["serve_cold"]["seconds"] / load,
        "startup_peak_rss_mib": max(serving_rss),
    }
    if "serve_disk_warm" in up:
        found["startup_disk_vs_oxigraph_load"] = up["serve_disk_warm"]["seconds"] / load
        found["startup_disk_cold_vs_oxigraph_load"] = up["serve_disk_cold"]["seconds"] / load
    if "serve_disk_loaded" in up:
        found["startup_disk_loaded_vs_oxigraph_load"] = up["serve_disk_loaded"]["seconds"] / load
    if growth_figures is not None:
        found["deref_growth_1m_vs_10k"] = growth_figures["large_vs_small"]
    return found


def write_results(results: dict, out: Path, started: float, complete: bool) -> None:
    """results.json and RESULTS.md as they stand (after each size; `partial` until the end)."""
    results["complete"] = complete
    results["ratios"] = ratios(
        results["sizes"], results.get("deref_growth"), results.get("in_progress")
    )
    results.update(
        {
            k: results["ratios"].get(k)
            for k in (
                "sparql_vs_oxigraph",
                "deref_vs_nginx",
                "deref_growth_1m_vs_10k",
                "startup_vs_oxigraph_load",
            )
        }
    )
    results["duration_s"] = time.perf_counter() - started
    results["machine"]["load_average_at_end"] = load_average()
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    write_report(results, out / "RESULTS.md")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="lerld benchmarks at scale")
    parser.add_argument(
        "--quick", action="store_true", help="the map's own data, 10k and 100k triples only"
    )
    parser.add_argument(
        "--sizes", nargs="+", choices=SIZES, help=f"sizes to run (default: {' '.join(FULL)})"
    )
    parser.add_argument(
        "--remote-sizes",
        nargs="*",
        choices=SIZES,
        default=None,
        help="sizes at which the remote-store path (Oxigraph server, Virtuoso) is measured "
        f"(default: those of {' '.join(REMOTE)} in the run)",
    )
    parser.add_argument(
        "--disk-sizes",
        nargs="*",
        choices=SIZES,
        default=None,
        help="sizes at which lerld serve also starts with its store on disk (default: the "
        "largest size of the run)",
    )
    parser.add_argument(
        "--projects",
        type=Path,
        help="keep the synthetic projects in this directory and reuse them (same seed: "
        "same bytes) instead of generating them in the run",
    )
    parser.add_argument("--query-budget", type=float, default=2.0, help="seconds per query")
    parser.add_argument("--wrk-seconds", type=int, default=10, help="seconds per wrk run")
    parser.add_argument(
        "--deref-sample", type=int, default=DEREF_SAMPLE, help="entities in the wrk mix"
    )
    parser.add_argument("--out", type=Path, default=HERE, help="where results.json goes")
    args = parser.parse_args(argv)
    # on SIGTERM, unwind like Ctrl-C: every server started in a `with` block is stopped
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    labels = sorted(args.sizes or (QUICK if args.quick else FULL), key=SIZES.get)
    remote_sizes = args.remote_sizes
    if remote_sizes is None:
        remote_sizes = [size for size in REMOTE if size in labels]
    disk_sizes = args.disk_sizes if args.disk_sizes is not None else labels[-1:]
    options = Options(
        args.query_budget,
        args.wrk_seconds,
        args.deref_sample,
        tuple(disk_sizes),
        tuple(remote_sizes),
        args.projects,
    )
    started = time.perf_counter()
    results: dict = {
        "command": " ".join(["python -m benchmarks", *(argv or sys.argv[1:])]),
        "machine": machine(),
        "sizes": {},
    }
    roots: dict[str, Path] = {}
    with tempfile.TemporaryDirectory(prefix="lerld-bench-") as tmp:
        for label in labels:
            work = Path(tmp) / label
            work.mkdir()

            def progress(figures: dict, label: str = label) -> None:
                results.setdefault("in_progress", {})[label] = figures
                if results["sizes"]:
                    write_results(results, args.out, started, complete=False)

            results["sizes"][label] = one_size(label, SIZES[label], work, options, progress)
            results.get("in_progress", {}).pop(label, None)
            roots[label] = Path(results["sizes"][label]["root"])
            write_results(results, args.out, started, complete=False)
        synthetic = [label for label in labels if label != MAP]
        small = GROWTH_BASE if GROWTH_BASE in labels else min(synthetic or labels, key=SIZES.get)
        large = labels[-1]
        print(f"== dereferencing growth: {small} and {large} side by side", flush=True)
        samples = {
            "small": results["sizes"][small]["deref"]["sample"],
            "large": results["sizes"][large]["deref"]["sample"],
        }
        results["deref_growth"] = growth(
            Path(tmp) / small,
            Path(tmp) / large,
            samples,
            options,
            {"small": roots[small], "large": roots[large]},
        )
        results["deref_growth"]["sizes"] = {"small": small, "large": large}
    write_results(results, args.out, started, complete=True)
    print(json.dumps(results["ratios"], indent=2))
    return 0
