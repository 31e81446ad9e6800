"""Feedback without hidden tests.

nbgrader's ``ClearHiddenTests`` removes the hidden region from a test cell's
source, but the cell's *output* still shows the traceback of a failed hidden
assertion, whose context lines quote the hidden code and inputs.  This
preprocessor, placed before ``ClearHiddenTests`` in
``GenerateFeedback.preprocessors``, replaces the output of every cell that
holds hidden tests by one line saying whether they passed.
"""

from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor

MARKER = "BEGIN HIDDEN TESTS"


class HideHiddenTestOutputs(NbGraderPreprocessor):
    """Replace the outputs of hidden-test cells by a one-line verdict."""

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "code" and MARKER in cell.source:
            failed = any(output.output_type == "error" for output in cell.get("outputs", []))
            text = ("Hidden tests: at least one failed (they use other inputs than the "
                    "visible tests; re-read the question's hints).\n" if failed
                    else "Hidden tests: passed.\n")
            cell.outputs = [new_output("stream", name="stdout", text=text)]
        return cell, resources
