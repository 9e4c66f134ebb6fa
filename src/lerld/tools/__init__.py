"""Commands that make or transform files: the static build, the ingest of the Learn &
Work Ecosystem Library, and the synthetic data of the benchmark."""
