"""Sphinx extension: keep the built book free of requests to other sites.

Loaded through ``sphinx: local_extensions`` in ``_config.yml``.  It does two
things:

* It switches sphinx-thebe off.  Jupyter Book 1 always loads sphinx-thebe,
  which adds to every page an inline script naming a CDN copy of thebe
  (``const THEBE_JS_URL = "https://unpkg.com/..."``).  With Sphinx 7.4 that
  script is emitted twice per page, and the second ``const`` declaration is a
  console error ("Identifier 'THEBE_JS_URL' has already been declared").  The
  book has no thebe launch button (``launch_buttons.thebe`` is false), so the
  extension's event handlers and its stylesheet are removed before the build.
* After the build it scans every HTML page for ``<script src>``, stylesheet or
  icon ``<link href>`` and CSS ``@import`` pointing at another site, and at
  every CSS file under ``_static`` for ``@import``/``url()`` to another site,
  and logs a warning for each one (``jupyter-book build -W`` then fails).
  Links the reader clicks (``<a href>``, launch buttons) are not loads and
  are allowed.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

_THEBE_MODULE = "sphinx_thebe"
_THEBE_EVENTS = ("builder-inited", "env-before-read-docs", "doctree-resolved")

_EXTERNAL = r"(?:https?:)?//"
_SCRIPT_SRC = re.compile(r"<script\b[^>]*\bsrc=[\"']?(" + _EXTERNAL + r"[^\"'\s>]+)", re.I)
_LINK_TAG = re.compile(r"<link\b[^>]*>", re.I)
_LINK_LOADS = re.compile(r"\brel=[\"']?(?:stylesheet|preload|modulepreload|icon|shortcut icon|apple-touch-icon)\b", re.I)
_LINK_HREF = re.compile(r"\bhref=[\"']?(" + _EXTERNAL + r"[^\"'\s>]+)", re.I)
_CSS_IMPORT = re.compile(r"@import\s+(?:url\()?\s*[\"']?(" + _EXTERNAL + r"[^\"')\s;]+)", re.I)
_CSS_URL = re.compile(r"url\(\s*[\"']?(" + _EXTERNAL + r"[^\"')\s]+)", re.I)


def _switch_off_thebe(app: Sphinx, config) -> None:
    """Disconnect sphinx-thebe's handlers and drop its stylesheet."""
    for event in _THEBE_EVENTS:
        for listener in list(app.events.listeners.get(event, [])):
            module = getattr(listener.handler, "__module__", "") or ""
            if module.split(".")[0] == _THEBE_MODULE:
                app.disconnect(listener.id)
    app.registry.css_files = [
        (filename, attributes)
        for filename, attributes in app.registry.css_files
        if filename != "sphinx-thebe.css"
    ]


def external_loads_in_html(text: str) -> list[str]:
    """URLs on other sites that an HTML page loads by itself (not links)."""
    found = _SCRIPT_SRC.findall(text) + _CSS_IMPORT.findall(text)
    for tag in _LINK_TAG.findall(text):
        if _LINK_LOADS.search(tag):
            found += _LINK_HREF.findall(tag)
    return found


def external_loads_in_css(text: str) -> list[str]:
    """URLs on other sites that a stylesheet imports or loads."""
    return _CSS_IMPORT.findall(text) + _CSS_URL.findall(text)


def _check_no_external_loads(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder is None or app.builder.format != "html":
        return
    outdir = Path(app.builder.outdir)
    checks = [(path, external_loads_in_html) for path in sorted(outdir.rglob("*.html"))]
    checks += [
        (path, external_loads_in_css)
        for path in sorted((outdir / "_static").rglob("*.css"))
    ]
    for path, finder in checks:
        if "_vendor" in path.relative_to(outdir).parts:
            continue
        for url in finder(path.read_text(encoding="utf-8", errors="replace")):
            logger.warning(
                "%s loads %s from another site; the book must work offline "
                "(vendor it under web/, see scripts/vendor_web_assets.sh)",
                path.relative_to(outdir), url,
            )


def setup(app: Sphinx) -> dict:
    # config-inited runs after every extension's setup(), whatever their order.
    app.connect("config-inited", _switch_off_thebe, priority=900)
    app.connect("build-finished", _check_no_external_loads)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
