#!/usr/bin/env bash
# Set up the environment and build the book into _build/html (warnings are errors).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/setup_env.sh
# The pages' JavaScript (MathJax, require.js, ipywidgets manager) comes from
# npm at pinned versions and is served from the book's own folder.
bash scripts/vendor_web_assets.sh
jupyter-book build . -W -n --keep-going
echo "Book built: $(pwd)/_build/html/index.html"
