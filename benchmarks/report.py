"""benchmarks/RESULTS.md from a run's figures: the goals, then every figure by size, then
the engineer's notes (benchmarks/notes.md: where the time goes, what each goal needs)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

NOTES = Path(__file__).resolve().parent / "notes.md"
# The first line of a report written before its run ended.
PARTIAL_MARK = (
    "**PARTIAL: the run had not ended when this was written; sizes missing from the "
    "tables were not measured.**"
)
# (key in ratios["by_size"] or ratios, what, comparison, target); per-size goals hold at
# every size of the run, the others are measured at the largest size
PER_SIZE_GOALS = (
    ("sparql_vs_oxigraph", "SPARQL: geomean of lerld/Oxigraph median latency", "<=", 1.5),
    ("deref_vs_nginx", "Dereferencing: lerld/nginx requests per second", ">=", 0.8),
)
GOALS = (
    ("deref_p99_ms", "Dereferencing: lerld p99 latency (ms)", "<=", 20.0),
    (
        "deref_growth_1m_vs_10k",
        "Dereferencing: p50 at the largest size / at 10k (side by side)",
        "<=",
        1.3,
    ),
    (
        "startup_vs_oxigraph_load",
        "Start-up to first answer / oxigraph load (warm cache, store in memory)",
        "<=",
        1.0,
    ),
    (
        "startup_cold_vs_oxigraph_load",
        "Start-up with full validation (cold cache, store in memory) / oxigraph load",
        "<=",
        2.0,
    ),
    (
        "startup_disk_vs_oxigraph_load",
        "Start-up to first answer / oxigraph load (warm cache, store on disk: a restart)",
        "<=",
        1.0,
    ),
    (
        "startup_disk_cold_vs_oxigraph_load",
        "Start-up with full validation (cold cache, store on disk) / oxigraph load",
        "<=",
        2.0,
    ),
    (
        "startup_peak_rss_mib",
        "Start-up peak memory of lerld serve, MiB (every start)",
        "<=",
        4096.0,
    ),
)


def _met(value: float, op: str, goal: float) -> str:
    ok = value <= goal if op == "<=" else value >= goal
    return "met" if ok else "**missed**"


def _f(value, digits: int = 2) -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}f}"


def _cold(latencies: dict[str, list[float]]) -> str:
    """First-request medians per format, "Turtle / JSON-LD / HTML"."""
    return " / ".join(_f(sorted(v)[len(v) // 2], 1) if v else "-" for v in latencies.values())


def remote_section(results: dict) -> list[str]:
    """The remote-store path: lerld serve --endpoint beside the store queried directly."""
    rows = [
        (label, engine, figures)
        for label, size in results["sizes"].items()
        for engine, figures in size.get("remote", {}).items()
    ]
    if not rows:
        return []
    lines = [
        "",
        "## The remote-store path (`lerld serve --endpoint`, beside the store queried directly)",
        "",
        "| size | store | lerld load s | serve start s | SPARQL lerld ms | store ms | lerld/store "
        "(geomean) | queries | deref lerld req/s | p50 ms | store CONSTRUCT req/s | p50 ms | "
        "lerld/store | errors lerld / store | cold Turtle / JSON-LD / HTML median ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for label, engine, f in rows:
        s = f["sparql"]["summary"] or {}
        d = f["deref"]
        cold = _cold(d["cold_ms"])
        lines.append(
            f"| {label} | {engine} | {_f(f['lerld_load_s'])} | {_f(f['serve_startup_s'])} | "
            f"{_f(s.get('lerld_geomean_median_ms'))} | {_f(s.get('oxigraph_geomean_median_ms'))} | "
            f"{_f(s.get('lerld_vs_oxigraph_geomean'))} | {s.get('queries', 0)} | "
            f"{_f(d['lerld']['requests_per_s'], 0)} | {_f(d['lerld']['p50_ms'])} | "
            f"{_f(d['store']['requests_per_s'], 0)} | {_f(d['store']['p50_ms'])} | "
            f"{_f(d['lerld_vs_store'])} | {d['lerld']['errors']} / {d['store']['errors']} | {cold} |"
        )
    for label, engine, f in rows:
        if f["sparql"]["failures"]:
            lines += [
                "",
                f"Left out at {label} on {engine} (failed or answered differently): "
                + "; ".join(f["sparql"]["failures"]),
            ]
    return lines


def _peak_measure(results: dict) -> str:
    """What the peaks below are: runs before the process tree was sampled have only the
    main process's peak RSS."""
    sizes = {**results["sizes"], **results.get("in_progress", {})}
    if any(
        isinstance(figures, dict) and "peak_tree_pss_mib" in figures
        for size in sizes.values()
        for figures in size["startup"].values()
    ):
        return (
            "Peak memory: the larger of one process's peak RSS and the peak of the process "
            "tree's summed PSS (sampled; a helper process counted beside its parent, pages "
            "shared by forked workers once), to the first answer; for the warm start in "
            "memory also until the server has prepared the version (VoID, entity index)."
        )
    return "Peak memory: one process's peak RSS (its helper processes not counted beside it)."


def write_report(results: dict, path: Path) -> None:
    ratios = results["ratios"]
    m = results["machine"]
    lines = [
        "# lerld benchmarks at scale",
        "",
        *(
            []
            if results.get("complete", True)
            else [
                PARTIAL_MARK,
                "",
            ]
        ),
        f"Command: `{results['command']}` — {results['duration_s'] / 60:.1f} minutes. "
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_mib']:,} MiB, Linux "
        f"{m['kernel']}, Python {m['python']}. Load average at start "
        f"{m['load_average_at_start']}, at end {m['load_average_at_end']} (the run's own "
        "servers and wrk count in it, and so does any other work on a shared machine; "
        "ratios are measured in the same run, taking turns, so that noise hits both sides).",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()) + ".",
        "",
        "## Goals",
        "",
        "| goal | size | measured | target | |",
        "|---|---|---:|---:|---|",
    ]
    for key, label, op, goal in PER_SIZE_GOALS:
        for size, found in ratios["by_size"].items():
            value = found[key]
            lines.append(
                f"| {label} | {size} | {_f(value, 3)} | {op} {goal:g} | {_met(value, op, goal)} |"
            )
    for key, label, op, goal in GOALS:
        if ratios.get(key) is None:
            lines.append(f"| {label} | | not measured in this run | {op} {goal:g} | |")
            continue
        at = ratios.get("startup_measured_at", ratios["measured_at"])
        at = at if key.startswith("startup") else ratios["measured_at"]
        lines.append(
            f"| {label} | {at} | {_f(ratios[key], 3)} | {op} {goal:g} | "
            f"{_met(ratios[key], op, goal)} |"
        )
    if ratios.get("startup_disk_loaded_vs_oxigraph_load") is not None:
        lines.append(
            "| Start-up to first answer / oxigraph load (warm cache, store on disk loaded into "
            f"an empty directory) | {ratios['startup_measured_at']} | "
            f"{_f(ratios['startup_disk_loaded_vs_oxigraph_load'], 3)} | (information) | |"
        )
    lines += [
        f"| Dereferencing: p50 at the largest size / at the smallest, minutes apart (the tables below) | "
        f"{ratios['measured_at']} | {_f(ratios['deref_growth_across_the_run'])} | (information) | |",
        "",
        "## Start-up (seconds; peak memory in MiB)",
        "",
        _peak_measure(results),
        "",
        "| size | triples | oxigraph load | lerld validate cold | lerld validate warm | "
        "lerld serve cold | lerld serve warm | serve on disk cold | serve on disk warm "
        "(restart) | serve on disk warm, loaded | serve peak cold / warm | "
        "serve warm peak until prepared | on disk cold / warm / loaded | validate peak | "
        "oxigraph load peak |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    in_progress = {
        f"{label} (start-up only: the run ended before the rest)": size
        for label, size in results.get("in_progress", {}).items()
    }
    for label, size in {**results["sizes"], **in_progress}.items():
        s = size["startup"]

        def seconds(key: str, s: dict = s) -> str:
            return _f(s[key]["seconds"]) if key in s else "-"

        def rss(*keys: str, s: dict = s) -> str:
            return " / ".join(_f(s[k]["peak_rss_mib"], 0) if k in s else "-" for k in keys)

        lines.append(
            f"| {label} | {size.get('triples', 0):,} | {seconds('oxigraph_load')} | "
            f"{seconds('validate_cold')} | {seconds('validate_warm')} | {seconds('serve_cold')} | "
            f"{seconds('serve_warm')} | {seconds('serve_disk_cold')} | {seconds('serve_disk_warm')} | "
            f"{seconds('serve_disk_loaded')} | {rss('serve_cold', 'serve_warm')} | "
            f"{_f(s.get('serve_warm', {}).get('peak_until_prepared_mib'), 0)} | "
            f"{rss('serve_disk_cold', 'serve_disk_warm', 'serve_disk_loaded')} | "
            f"{rss('validate_cold')} | {rss('oxigraph_load')} |"
        )
    lines += [
        "",
        "## Dereferencing (wrk, 32 connections, mixed 303 / Turtle / JSON-LD / HTML)",
        "",
        "| size | lerld req/s | p50 ms | p99 ms | nginx req/s | p50 ms | p99 ms | lerld/nginx | "
        "cold Turtle / JSON-LD / HTML median ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for label, size in results["sizes"].items():
        d = size["deref"]
        cold = _cold(d["cold_ms"])
        lines.append(
            f"| {label} | {_f(d['lerld']['requests_per_s'], 0)} | {_f(d['lerld']['p50_ms'])} | "
            f"{_f(d['lerld']['p99_ms'])} | {_f(d['nginx']['requests_per_s'], 0)} | "
            f"{_f(d['nginx']['p50_ms'])} | {_f(d['nginx']['p99_ms'])} | {_f(d['lerld_vs_nginx'])} | {cold} |"
        )
    growth = results.get("deref_growth") or {"runs": {}}
    runs = {
        size: ", ".join(_f(r["p50_ms"]) for r in found) for size, found in growth["runs"].items()
    }
    lines += (
        [
            "",
            f"Side by side, at the end of the run (both sites served at once, wrk taking turns, "
            f"three runs each): p50 {growth['sizes']['small']} {runs['small']} ms, "
            f"{growth['sizes']['large']} {runs['large']} ms; medians "
            f"{_f(growth['p50_ms']['large'])} / {_f(growth['p50_ms']['small'])} = "
            f"{_f(growth['large_vs_small'])}.",
        ]
        if growth["runs"]
        else ["", "Side by side growth: not measured (the run did not reach its end)."]
    )
    lines += remote_section(results)
    for label, size in results["sizes"].items():
        sp = size["sparql"]
        lines += [
            "",
            f"## SPARQL at {label} ({size['synth']['output']})",
            "",
            "| query | lerld median | p95 | Oxigraph median | p95 | rdflib median | p95 | lerld/Oxigraph | answer bytes |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for q in sp["queries"]:
            r = q["rdflib"]
            rd = (_f(r["median_ms"]), _f(r["p95_ms"])) if r else (q["rdflib_note"] or "-", "")
            lines.append(
                f"| {q['query']} | {_f(q['lerld']['median_ms'])} | {_f(q['lerld']['p95_ms'])} | "
                f"{_f(q['oxigraph']['median_ms'])} | {_f(q['oxigraph']['p95_ms'])} | {rd[0]} | {rd[1]} | "
                f"{_f(q['lerld_vs_oxigraph'])} | {q['answer_bytes']:,} |"
            )
        s = sp["summary"]
        lines += [
            "",
            f"Overall (geometric means over {s['queries']} queries): lerld median "
            f"{_f(s['lerld_geomean_median_ms'])} ms, p95 {_f(s['lerld_geomean_p95_ms'])} ms; "
            f"Oxigraph median {_f(s['oxigraph_geomean_median_ms'])} ms, p95 "
            f"{_f(s['oxigraph_geomean_p95_ms'])} ms; lerld/Oxigraph "
            f"{_f(s['lerld_vs_oxigraph_geomean'])}; rdflib/Oxigraph "
            f"{_f(s['rdflib_vs_oxigraph_geomean'])} over {s['rdflib_queries_answered']} queries "
            f"it answered ({sp['rdflib']}).",
        ]
        if sp.get("failures"):
            lines += ["", "Left out (failed or answered differently): " + "; ".join(sp["failures"])]
    lines += ["", "All figures: `benchmarks/results.json`.", ""]
    if NOTES.exists():
        lines += [NOTES.read_text()]
    path.write_text("\n".join(lines))


def main() -> int:
    """`python -m benchmarks.report`: RESULTS.md again from results.json (after editing
    notes.md), without measuring anything."""
    here = Path(__file__).resolve().parent
    write_report(json.loads((here / "results.json").read_text()), here / "RESULTS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
