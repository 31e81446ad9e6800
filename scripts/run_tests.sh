#!/usr/bin/env bash
# Set up the environment, build the book (warnings are errors), then run every
# test: the library's unit and property tests, and every notebook under strict
# nbval (re-executed and compared with its stored outputs).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# The browser tests drive Debian's Chromium (never a downloaded browser).
if [ ! -x /usr/bin/chromium ]; then
    echo "Installing Debian's chromium for the browser tests (needs root and apt-get)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
bash scripts/build_book.sh
. .venv/bin/activate
# The grading tests drive nbgrader, an instructor tool the readers' setup omits.
python -m pip install --quiet --disable-pip-version-check -r requirements-instructor.txt
# One BLAS thread: deterministic sums in the notebooks' kernels and no
# oversubscription on small CI machines.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
# Nothing may be skipped for a missing tool: check the browser and grader first.
test -x /usr/bin/chromium || { echo "chromium is missing" >&2; exit 1; }
python -c "import playwright.sync_api, nbgrader" || { echo "playwright/nbgrader missing" >&2; exit 1; }
python -m pytest --nbval --nbval-current-env --nbval-sanitize-with nbval_sanitize.cfg -q "$@"
# Summaries the tests wrote (pages and decks checked in the browser, grading
# time per submission and every fixture's kernel and final score).
for report in _build/browser_report.json _build/grading_report.json; do
    if [ -f "$report" ]; then
        python scripts/summarize_reports.py "$report"
    fi
done
