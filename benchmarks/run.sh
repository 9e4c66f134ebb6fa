#!/usr/bin/env bash
# The benchmark run from a fresh checkout: installs what it needs, then measures.
#   benchmarks/run.sh [--quick]     (any option of `python -m benchmarks`)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ] || ! command -v wrk >/dev/null; then
    apt-get update && apt-get install -y nginx-light wrk || apt-get install -y nginx wrk
fi
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
. .venv/bin/activate
pip install -q -e . oxigraph
python -m benchmarks "$@"
