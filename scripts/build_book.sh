#!/usr/bin/env bash
# Set up the environment and build the book into _build/html (warnings are
# errors), then the lecture slides into _build/html/slides/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/setup_env.sh
# The pages' JavaScript (MathJax, require.js, ipywidgets manager, reveal.js) comes from
# npm at pinned versions and is served from the book's own folder.
bash scripts/vendor_web_assets.sh
jupyter-book build . -W -n --keep-going
# One reveal.js deck per chapter, from the same notebooks (reads the built
# pages for equation and figure numbers, so it runs after the book).
python -m slides.build
echo "Book built: $(pwd)/_build/html/index.html (slides in _build/html/slides/)"
