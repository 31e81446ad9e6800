"""Shared helpers of the fixture submissions (one module per assignment in fixtures/).

A fixture module edits the source (solution) and release notebooks of its
assignment.  Its ``submissions(assignment)`` returns, per student id,
``(notebook, expected)``: the notebook a student would hand in, and the final
score of every autograded test cell after ``python -m grading.autograde`` (nbgrader, then the trusted verification).
"""

import copy

import nbformat

SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def cell(notebook, grade_id):
    """The cell of ``notebook`` whose nbgrader grade_id is ``grade_id``."""
    for candidate in notebook.cells:
        if candidate.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return candidate
    raise KeyError(grade_id)


def strip_markers(notebook):
    """What a student's finished notebook looks like: no solution markers."""
    for code_cell in notebook.cells:
        lines = [line for line in code_cell.source.splitlines()
                 if line.strip() not in SOLUTION_MARKERS]
        code_cell.source = "\n".join(lines)
    return notebook


def set_answer(notebook, grade_id, source):
    cell(notebook, grade_id).source = source


def replace_in_answer(notebook, grade_id, old, new):
    """Edit one answer cell: ``old`` (which must be there) becomes ``new``."""
    target = cell(notebook, grade_id)
    assert old in target.source, f"{grade_id} no longer contains {old!r}"
    target.source = target.source.replace(old, new)


def append_to_answer(notebook, grade_id, source):
    answer = cell(notebook, grade_id)
    answer.source = answer.source + "\n" + source


class Assignment:
    """The source and release notebooks of one assignment, and its test cells' points."""

    def __init__(self, name, source_path, release_path, points):
        self.name = name
        self.source = nbformat.read(source_path, as_version=4)
        self.release = nbformat.read(release_path, as_version=4)
        self.points = points  # {test cell grade_id: max points}

    def solution(self):
        return strip_markers(copy.deepcopy(self.source))

    def full(self, **changes):
        expected = dict(self.points)
        expected.update(changes)
        return expected

    def baseline(self):
        """The submissions every assignment has: the solution and the untouched release."""
        return {"solution": (self.solution(), self.full()),
                "untouched": (copy.deepcopy(self.release), self.zero())}

    def zero(self):
        return {grade_id: 0.0 for grade_id in self.points}
