"""Write a reveal.js slide deck for every chapter notebook.

Usage, after the book is built (``scripts/build_book.sh`` does both)::

    python -m slides.build                      # every chapter in _toc.yml
    python -m slides.build chapters/04_em.ipynb # one deck

The decks go to ``_build/html/slides/<chapter>.slides.html``, beside the book,
and load reveal.js, MathJax and the widget manager from the book's own
``_vendor/`` folder (installed from npm by ``scripts/vendor_web_assets.sh``):
no request leaves the site.  Each deck follows the ``slideshow`` metadata of
its notebook (see :mod:`slides.metadata`); markdown cells too long for one
slide are cut between blocks into subslides, MyST syntax is rewritten by
:mod:`slides.myst`, and exercise solutions become speaker notes (press
``S`` in a deck).
"""

import argparse
import copy
import re
from pathlib import Path

import nbformat
from nbconvert.exporters import SlidesExporter

from .blocks import parse_blocks
from .myst import convert_block, convert_roles
from .references import citation_labels, harvest_references

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = Path(__file__).resolve().parent / "templates"
MAX_CHARACTERS = 1400  # markdown per slide before a cut (about 20 lines of text)
VENDOR = "../_vendor"  # the decks sit in <book>/slides/
ICON = "../_static/logo.svg"


def chapter_notebooks(root=ROOT):
    """The chapter notebooks listed in ``_toc.yml``, in book order."""
    toc = (root / "_toc.yml").read_text(encoding="utf-8")
    files = re.findall(r"file:\s*(chapters/\S+)", toc)
    return [root / f"{name}.ipynb" for name in files if (root / f"{name}.ipynb").exists()]


def _heading_type(block):
    return "slide" if block.level <= 2 else "subslide"


def split_markdown(source, slide_type, references, citations, max_characters=MAX_CHARACTERS):
    """Cut one markdown cell into slides: ``[(slide_type, markdown, notes)]``.

    Parameters
    ----------
    source : str
        The cell's MyST markdown.
    slide_type : str
        The cell's stored slide type; it applies to the first piece (a cell
        that continues the slide but opens with a heading starts one).
    references, citations : dict
        See :func:`slides.myst.convert_markdown`.
    max_characters : int
        A new subslide starts before a block that would make the current
        piece longer than this.  Headings always start a new piece and keep
        their first block with them.

    Returns
    -------
    list of (str, str, str)
        Each piece's slide type, markdown and speaker notes: the solutions of
        the exercises on it ('' if none).
    """
    pieces = []
    current, notes, current_type, has_body = [], [], slide_type, False

    def flush():
        if current:
            pieces.append((current_type, "\n\n".join(current), "\n\n".join(notes)))

    for block in parse_blocks(source):
        text, note = convert_block(block, references, citations)
        if note and (current or not pieces):
            notes.append(note)
        elif note:  # the exercise it solves closed the previous piece
            kind, markdown, earlier = pieces[-1]
            pieces[-1] = (kind, markdown, "\n\n".join(filter(None, [earlier, note])))
        if not text:
            continue
        if block.kind == "heading":
            if current:
                flush()
                current, notes, current_type, has_body = [], [], _heading_type(block), False
            elif not pieces and slide_type in ("-", "fragment"):
                current_type = _heading_type(block)
        elif has_body and sum(map(len, current)) + len(text) > max_characters:
            flush()
            current, notes, current_type = [], [], "subslide"
        current.append(text)
        has_body = has_body or block.kind != "heading"
    flush()
    return pieces


def _cell(cell_type, source, slide_type):
    make = nbformat.v4.new_markdown_cell if cell_type == "markdown" else nbformat.v4.new_code_cell
    cell = make(source)
    cell.metadata["slideshow"] = {"slide_type": slide_type}
    return cell


def _caption(cell, references, citations):
    figure = cell.metadata.get("mystnb", {}).get("figure", {})
    if not figure.get("caption"):
        return ""
    number = references.get(figure.get("name", ""), "Figure")
    caption = convert_roles(figure["caption"], references, citations)
    return f'<p class="course-caption"><strong>{number}.</strong> {caption}</p>'


def slide_notebook(notebook, references, citations, max_characters=MAX_CHARACTERS):
    """The notebook nbconvert turns into a deck: cells cut, MyST rewritten.

    Cells whose slide type is ``skip`` are left out.  Code cells keep their
    source and stored outputs; a figure's caption follows it on its slide.
    """
    deck = copy.deepcopy(notebook)
    deck.cells = []
    for cell in notebook.cells:
        slide_type = cell.metadata.get("slideshow", {}).get("slide_type", "-")
        if slide_type == "skip":
            continue
        if cell.cell_type == "markdown":
            for kind, text, notes in split_markdown(cell.source, slide_type, references,
                                                    citations, max_characters):
                deck.cells.append(_cell("markdown", text, kind))
                if notes:
                    deck.cells.append(_cell("markdown", notes, "notes"))
        elif cell.cell_type == "code":
            code = copy.deepcopy(cell)
            code.metadata = {"slideshow": {"slide_type": slide_type}}
            deck.cells.append(code)
            caption = _caption(cell, references, citations)
            if caption:
                deck.cells.append(_cell("markdown", caption, "-"))
    return deck


def exporter():
    """nbconvert's slides exporter with the course template (offline assets)."""
    return SlidesExporter(
        template_name="course_reveal",
        extra_template_basedirs=[str(TEMPLATES)],
        reveal_url_prefix=f"{VENDOR}/reveal.js",
        reveal_theme="white",
        require_js_url=f"{VENDOR}/require.js",
        mathjax_url=f"{VENDOR}/mathjax/tex-mml-chtml.js",
        widget_renderer_url=f"{VENDOR}/html-manager/embed-amd.js",
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def build_decks(notebooks, book_html, out_dir, bib_path=ROOT / "references.bib"):
    """Write one deck per notebook; return the paths written."""
    references = harvest_references(book_html)
    citations = citation_labels(bib_path)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    slides_exporter = exporter()
    written = []
    for path in notebooks:
        notebook = nbformat.read(str(path), as_version=4)
        deck = slide_notebook(notebook, references, citations)
        deck.metadata["title"] = _title(notebook, Path(path).stem)
        body, _ = slides_exporter.from_notebook_node(deck, resources={"course_vendor": VENDOR, "course_icon": ICON})
        target = out_dir / f"{Path(path).stem}.slides.html"
        target.write_text(body, encoding="utf-8")
        written.append(target)
    return written


def _title(notebook, fallback):
    for cell in notebook.cells:
        match = re.search(r"^#\s+(.+)$", cell.source, re.M) if cell.cell_type == "markdown" else None
        if match:
            return match.group(1).strip()
    return fallback


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="chapter notebooks (default: every chapter in _toc.yml)")
    parser.add_argument("--book", type=Path, default=ROOT / "_build" / "html",
                        help="the built book, read for numbers (default: _build/html)")
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default: <book>/slides)")
    args = parser.parse_args(argv)
    if not (args.book / "index.html").exists():
        parser.error(f"{args.book} has no built book: run jupyter-book build . first")
    notebooks = args.notebooks or chapter_notebooks()
    for target in build_decks(notebooks, args.book, args.out or args.book / "slides"):
        print(f"wrote {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")


if __name__ == "__main__":
    main()
