"""Sphinx extension: a "Present as slides" link at the top of every chapter page.

Loaded through ``sphinx: local_extensions`` in ``_config.yml``.  Every page
under ``chapters/`` gets, above its title, a link to the chapter's reveal.js
deck ``slides/<chapter>.slides.html``.  The decks are written after the book
by ``python -m slides.build`` (``scripts/build_book.sh`` runs both), and the
browser test checks that every link resolves.
"""

from __future__ import annotations

import html

from sphinx.application import Sphinx

SLIDES_FOLDER = "slides"


def slide_link(pagename: str) -> str:
    """The HTML of the link for a page, or '' for pages that are not chapters."""
    folder, _, name = pagename.rpartition("/")
    if folder != "chapters" or not name:
        return ""
    href = html.escape(f"../{SLIDES_FOLDER}/{name}.slides.html")
    return (f'<p class="slide-link"><a href="{href}">Present this chapter as slides</a> '
            f'(reveal.js; press S for speaker notes)</p>\n')


def _add_link(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    link = slide_link(pagename)
    if link and "body" in context:
        context["body"] = link + context["body"]


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", _add_link)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
