#!/usr/bin/env bash
# Install the book's JavaScript (MathJax 3, require.js, the ipywidgets HTML
# manager, reveal.js for the lecture slides) from the npm registry at the versions pinned in web/package-lock.json,
# and stage the files the pages load under web/dist/_vendor/.  _config.yml
# copies web/dist/ into the built book (html_extra_path), so the pages load
# nothing from outside their own folder.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../web"

if ! command -v npm >/dev/null; then
    echo "npm is needed to install the book's JavaScript (apt-get install -y npm)" >&2
    exit 1
fi

# `npm ci` installs exactly the lock file; skip it when node_modules already
# matches the lock file (npm keeps a copy in node_modules/.package-lock.json).
stamp=node_modules/.installed-from-package-lock.json
if ! cmp -s package-lock.json "$stamp" 2>/dev/null; then
    npm ci --registry=https://registry.npmjs.org/ --ignore-scripts \
        --no-audit --no-fund --loglevel=error
    cp package-lock.json "$stamp"
fi

vendor=dist/_vendor
rm -rf dist
mkdir -p "$vendor/html-manager"
cp -r node_modules/mathjax/es5 "$vendor/mathjax"
cp node_modules/requirejs/require.js "$vendor/require.js"
# embed-amd.js with the fonts and icons it loads (source maps left out).
find node_modules/@jupyter-widgets/html-manager/dist -maxdepth 1 -type f \
    ! -name '*.map' ! -name 'embed.js' ! -name 'libembed-amd.js' \
    -exec cp {} "$vendor/html-manager/" \;
cp widgets-shim.js "$vendor/widgets-shim.js"
# reveal.js for the slide decks (slides/build.py): the UMD build, its
# stylesheets, the white theme with its fonts, and the speaker-notes plugin.
reveal=node_modules/reveal.js
mkdir -p "$vendor/reveal.js/dist/theme" "$vendor/reveal.js/plugin/notes"
cp "$reveal/dist/reveal.js" "$reveal/dist/reveal.css" "$reveal/dist/reset.css" "$vendor/reveal.js/dist/"
cp "$reveal/dist/theme/white.css" "$vendor/reveal.js/dist/theme/"
cp -r "$reveal/dist/theme/fonts" "$vendor/reveal.js/dist/theme/fonts"
cp "$reveal/plugin/notes/notes.js" "$vendor/reveal.js/plugin/notes/"
cp "$reveal/LICENSE" "$vendor/reveal.js/LICENSE"
# Licences: require.js carries its MIT notice in its header, the manager's
# embed.js.LICENSE.txt was copied above.
cp node_modules/mathjax/LICENSE "$vendor/mathjax/LICENSE"
echo "Vendored JavaScript staged in $(pwd)/$vendor ($(du -sh "$vendor" | cut -f1))"
