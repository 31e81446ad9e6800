#!/usr/bin/env bash
# Set up the environment, build the book (warnings are errors), then run every
# test: the library's unit and property tests, and every notebook under strict
# nbval (re-executed and compared with its stored outputs).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/build_book.sh
. .venv/bin/activate
# One BLAS thread: deterministic sums in the notebooks' kernels and no
# oversubscription on small CI machines.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
python -m pytest --nbval --nbval-current-env --nbval-sanitize-with nbval_sanitize.cfg -q "$@"
