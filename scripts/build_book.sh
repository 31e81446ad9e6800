#!/usr/bin/env bash
# Set up the environment and build the book into _build/html (warnings are errors).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/setup_env.sh
jupyter-book build . -W -n --keep-going
echo "Book built: $(pwd)/_build/html/index.html"
