"""The slide metadata of the chapter notebooks.

Every cell of a chapter notebook carries Jupyter's standard
``metadata.slideshow.slide_type`` (``slide``, ``subslide``, ``fragment``,
``-`` to continue the current slide, ``skip`` or ``notes``), which
JupyterLab's property inspector and RISE also read.  :func:`default_slide_type`
is the rule the notebooks were first marked with; after that the stored value
is what counts, so an instructor can change any cell by hand.

``python -m slides.metadata chapters/*.ipynb`` marks the cells that have no
slide type yet (new cells) and leaves the others alone, except that a
notebook's first cell always starts a slide (a deck cannot open otherwise).
"""

import re
import sys

import nbformat

_HEADING = re.compile(r"^(#{1,6})\s")
_TARGETS = re.compile(r"^(\s*\([^()\s]+\)=\s*\n)+")
_IMPORTS_ONLY = re.compile(r"^(\s*(#.*)?|\s*(import|from)\s.*|\s+\S.*|\s*\)\s*)$")


def is_setup_cell(cell):
    """True for a code cell that only imports (the chapters' first cell)."""
    lines = [line for line in cell.source.splitlines() if line.strip()]
    return (cell.cell_type == "code" and bool(lines)
            and all(_IMPORTS_ONLY.match(line) for line in lines)
            and any(line.startswith(("import ", "from ")) for line in lines))


def default_slide_type(cell):
    """The slide type the marking rule gives a cell.

    A markdown cell that opens with a level-1 or level-2 heading (after any
    ``(label)=`` targets) starts a slide, one with a deeper heading a
    subslide (a slide below it in reveal.js's second dimension); other
    markdown continues the current slide.  A code cell with a figure or widget output starts a subslide (the
    figure needs the room), the import cell is skipped, other code cells
    continue the slide.
    """
    if cell.cell_type == "markdown":
        heading = _HEADING.match(_TARGETS.sub("", cell.source))
        if heading:
            return "slide" if len(heading.group(1)) <= 2 else "subslide"
        return "-"
    if cell.cell_type != "code":
        return "skip"
    if is_setup_cell(cell):
        return "skip"
    rich = {"image/png", "image/svg+xml", "application/vnd.jupyter.widget-view+json", "text/html"}
    if any(rich & set(output.get("data", {})) for output in cell.get("outputs", [])):
        return "subslide"
    return "-"


def mark_notebook(notebook):
    """Give every cell without a slide type the rule's; return how many were marked.

    The first cell is set to ``slide`` whatever it held.
    """
    changed = 0
    for cell in notebook.cells:
        slideshow = cell.metadata.setdefault("slideshow", {})
        if "slide_type" not in slideshow:
            slideshow["slide_type"] = default_slide_type(cell)
            changed += 1
    if notebook.cells:
        notebook.cells[0].metadata["slideshow"]["slide_type"] = "slide"
    return changed


def main(paths):
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        changed = mark_notebook(notebook)
        if changed:
            nbformat.write(notebook, path)
        print(f"{path}: {changed} cells marked")


if __name__ == "__main__":
    main(sys.argv[1:])
