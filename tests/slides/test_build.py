"""slides.build and slides.metadata: cells cut into slides, chapters marked."""

import re

import nbformat
import pytest

from slides.build import chapter_notebooks, slide_notebook, split_markdown
from slides.metadata import default_slide_type, is_setup_cell, mark_notebook

REFERENCES = {"ex-one": "Exercise 3", "fig-a": "Fig. 7"}
SLIDE_TYPES = {"slide", "subslide", "fragment", "-", "skip", "notes"}


def _paragraphs(n, length=300):
    return "\n\n".join(f"Paragraph {i} " + "x" * length for i in range(n))


def test_headings_start_slides_and_long_text_is_cut():
    source = "## Section\n\n" + _paragraphs(3) + "\n\n### Sub\n\n" + _paragraphs(6)
    pieces = split_markdown(source, "-", {}, {}, max_characters=1000)
    kinds = [kind for kind, _, _ in pieces]
    assert kinds[0] == "slide" and kinds[1] == "subslide"
    assert pieces[1][1].startswith("### Sub")
    assert all(len(text) <= 1000 + 400 for _, text, _ in pieces)
    # nothing lost, nothing repeated
    joined = "\n\n".join(text for _, text, _ in pieces)
    assert [f"Paragraph {i} " in joined for i in range(6)] == [True] * 6


def test_a_heading_keeps_its_first_block_and_a_box_is_never_cut():
    proof = "```{prf:proof}\n" + _paragraphs(5) + "\n```"
    pieces = split_markdown("## Title\n\n" + proof, "slide", {}, {}, max_characters=500)
    assert len(pieces) == 1 and pieces[0][0] == "slide"
    assert pieces[0][1].count("course-proof") == 1


def test_stored_type_applies_to_the_first_piece():
    assert split_markdown("Plain text.", "fragment", {}, {})[0][0] == "fragment"
    assert split_markdown("### Heading\n\ntext", "-", {}, {})[0][0] == "subslide"
    assert split_markdown("### Heading\n\ntext", "slide", {}, {})[0][0] == "slide"


def test_solutions_are_notes_of_the_slide_that_poses_the_exercise():
    source = ("## Exercises\n\n````{exercise} One\n:label: ex-one\n\nDo it.\n````\n\n"
              "````{solution} ex-one\n:class: dropdown\n\nDone.\n````\n\n" + _paragraphs(4))
    pieces = split_markdown(source, "slide", REFERENCES, {}, max_characters=600)
    assert "Exercise 3" in pieces[0][1] and "Done." in pieces[0][2]
    assert all("Done." not in text for _, text, _ in pieces)
    assert all(notes == "" for _, _, notes in pieces[1:])


def _notebook():
    notebook = nbformat.v4.new_notebook()
    setup = nbformat.v4.new_code_cell("import numpy as np\nfrom gmm_lib import (\n    kmeans,\n)")
    figure = nbformat.v4.new_code_cell("plot()")
    figure.outputs = [nbformat.v4.new_output("display_data", data={"image/png": "iVBOR"})]
    figure.metadata["mystnb"] = {"figure": {"caption": "A {eq}`x` caption", "name": "fig-a"}}
    text = nbformat.v4.new_code_cell("print(1)")
    text.outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    notebook.cells = [nbformat.v4.new_markdown_cell("# Chapter\n\nIntro."), setup,
                      nbformat.v4.new_markdown_cell("(sec)=\n## Part\n\nText."), figure, text,
                      nbformat.v4.new_markdown_cell("More text.")]
    return notebook


def test_the_marking_rule():
    notebook = _notebook()
    assert [default_slide_type(cell) for cell in notebook.cells] == [
        "slide", "skip", "slide", "subslide", "-", "-"]
    assert is_setup_cell(notebook.cells[1]) and not is_setup_cell(notebook.cells[4])


def test_marking_keeps_what_an_instructor_set():
    notebook = _notebook()
    notebook.cells[5].metadata["slideshow"] = {"slide_type": "fragment"}
    assert mark_notebook(notebook) == 5
    assert notebook.cells[5].metadata["slideshow"]["slide_type"] == "fragment"
    assert mark_notebook(notebook) == 0


def test_slide_notebook_skips_captions_and_keeps_outputs():
    notebook = _notebook()
    mark_notebook(notebook)
    deck = slide_notebook(notebook, REFERENCES, {})
    sources = [cell.source for cell in deck.cells]
    assert not any(source.startswith("import numpy") for source in sources)  # skipped
    figure = next(cell for cell in deck.cells if cell.source == "plot()")
    assert figure.outputs and figure.metadata["slideshow"]["slide_type"] == "subslide"
    caption = deck.cells[deck.cells.index(figure) + 1]
    assert "<strong>Fig. 7.</strong> A (x) caption" in caption.source
    assert notebook.cells[1].source.startswith("import numpy")  # the input is untouched


CHAPTERS = chapter_notebooks()


def test_every_chapter_of_the_toc_is_found():
    assert len(CHAPTERS) == 9 and CHAPTERS[0].name == "01_gaussian.ipynb"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapters_carry_slide_metadata(path):
    notebook = nbformat.read(str(path), as_version=4)
    types = [cell.metadata.get("slideshow", {}).get("slide_type") for cell in notebook.cells]
    assert None not in types, "cells without a slide type: python -m slides.metadata " + str(path)
    assert set(types) <= SLIDE_TYPES and types[0] == "slide"
    for cell, kind in zip(notebook.cells, types):
        if cell.cell_type == "markdown" and re.match(r"(\([^)]*\)=\n)*## ", cell.source):
            assert kind in ("slide", "subslide"), cell.source[:60]
