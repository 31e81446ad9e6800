"""What the built book calls each label and citation, for the slides.

Jupyter Book numbers equations, figures, theorems and exercises across the
whole book (equation (78), Fig. 30, Theorem 10).  The decks use the same
numbers, read from the built HTML pages: every internal link the book renders
for a reference role carries the label in its ``href`` fragment and the
number in its text.  Citations come from ``references.bib``.
"""

import html
import re
from pathlib import Path

_INTERNAL_LINK = re.compile(
    r'<a class="reference internal" href="[^"#]*#([^"]+)"[^>]*>(.*?)</a>', re.S)
_TAG = re.compile(r"<[^>]+>")


def harvest_references(html_dir):
    """Map each label the book links to onto the text of its links.

    Parameters
    ----------
    html_dir : path-like
        The built book (``_build/html``).

    Returns
    -------
    dict
        ``{fragment: text}``, e.g. ``{"equation-em-loglik": "(78)",
        "em-fig-opening": "Fig. 30", "em-thm-monotone": "Theorem 10"}``.
        The shortest text seen for a fragment wins (an exercise is linked
        both as "Exercise 19" and "Exercise 19 (its title)").
    """
    found = {}
    for page in sorted(Path(html_dir).rglob("*.html")):
        for fragment, inner in _INTERNAL_LINK.findall(page.read_text(encoding="utf-8")):
            text = " ".join(html.unescape(_TAG.sub("", inner)).split())
            if text and (fragment not in found or len(text) < len(found[fragment])):
                found[fragment] = text
    return found


def _surnames(entry):
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [" ".join(person.last_names) for person in people]
    names = [_TAG.sub("", name).replace("{", "").replace("}", "") for name in names]
    if not names:
        return entry.fields.get("organization", entry.key)
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return f"{names[0]} et al."


def citation_labels(bib_path):
    """``{key: (authors, year)}`` for every entry of a BibTeX file.

    ``authors`` is "Bishop", "Azzalini and Bowman" or "Dempster et al.", as
    the book's author-year style prints them.
    """
    from pybtex.database import parse_file

    database = parse_file(str(bib_path))
    return {key: (_surnames(entry), entry.fields.get("year", "n.d."))
            for key, entry in database.entries.items()}


def cite_text(keys, citations, parenthetical):
    """The text of ``{cite:t}`keys``` (textual) or ``{cite:p}`keys``` (parenthetical)."""
    parts = []
    for key in (k.strip() for k in keys.split(",")):
        authors, year = citations.get(key, (key, "n.d."))
        parts.append(f"{authors}, {year}" if parenthetical else f"{authors} ({year})")
    return f"({'; '.join(parts)})" if parenthetical else "; ".join(parts)
