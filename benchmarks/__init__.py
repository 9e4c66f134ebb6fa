"""lerld's benchmarks at scale: `python -m benchmarks` (see benchmarks/run.py and docs/benchmarks.md)."""
