"""The reliability benchmark: a load test of `lerld serve` with wrk (load_test.py)."""
