"""The committed student versions hide what they must and state their points."""

import importlib
import re

import nbformat
import pytest

from grading_paths import ASSIGNMENTS, EXERCISES

SOURCE = {name: EXERCISES / "source" / name / f"{name}.ipynb" for name in ASSIGNMENTS}
RELEASE = {name: EXERCISES / "release" / name / f"{name}.ipynb" for name in ASSIGNMENTS}


def test_the_first_two_assignments_exist():
    assert {"ex01_gaussian", "ex02_kmeans"} <= set(ASSIGNMENTS)


def _read(path):
    return nbformat.read(str(path), as_version=4)


def _region_lines(notebook, begin, end, min_length=12):
    lines, inside = [], False
    for cell in notebook.cells:
        for line in cell.source.splitlines():
            if begin in line:
                inside = True
            elif end in line:
                inside = False
            elif inside and len(line.strip()) >= min_length:
                lines.append(line.strip())
    return lines


def _public_lines(notebook):
    lines, inside = set(), False
    for cell in notebook.cells:
        for line in cell.source.splitlines():
            if "### BEGIN" in line:
                inside = True
            elif "### END" in line:
                inside = False
            elif not inside:
                lines.add(line.strip())
    return lines


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_release_has_no_solution_and_no_hidden_test(name):
    release = RELEASE[name].read_text(encoding="utf-8")
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in release
    source = _read(SOURCE[name])
    solution = _region_lines(source, "BEGIN SOLUTION", "END SOLUTION")
    hidden = _region_lines(source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
    assert solution and hidden
    release_lines = {line.strip() for c in _read(RELEASE[name]).cells
                     for line in c.source.splitlines()}
    public = _public_lines(source)  # lines that the visible parts also contain
    assert not [line for line in solution if line in release_lines and line not in public]
    assert not [line for line in hidden if line in release_lines and line not in public]
    for seed in re.findall(r"default_rng\((\d+)\)", "\n".join(hidden)):
        assert f"default_rng({seed})" not in release


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_release_is_stored_without_outputs_and_stubs_raise(name):
    release = _read(RELEASE[name])
    code = [c for c in release.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    stubs = [c for c in code if c.metadata.get("nbgrader", {}).get("solution")]
    assert stubs and all("raise NotImplementedError()" in c.source for c in stubs)


def _points_by_question(notebook):
    stated, metadata = {}, {}
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        heading = re.match(r"## \((\w)\) .*\((\d+) points?", cell.source)
        if cell.cell_type == "markdown" and heading:
            stated[heading.group(1)] = int(heading.group(2))
        if meta.get("grade"):
            question = meta["grade_id"].split("_")[0]
            metadata[question] = metadata.get(question, 0) + meta["points"]
    return stated, metadata


@pytest.mark.parametrize("path", list(SOURCE.values()) + list(RELEASE.values()),
                         ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_points_in_the_text_match_the_cell_metadata(path):
    stated, metadata = _points_by_question(_read(path))
    assert stated and stated == metadata
    total = re.search(r"\*\*total\*\* \| \*\*(\d+)\*\* \((\d+) autograded\)",
                      _read(path).cells[0].source)
    assert total and int(total.group(1)) == sum(metadata.values())


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_test_cell_has_a_trusted_check(name):
    spec = importlib.import_module(f"grading.specs.{name}")
    source = _read(SOURCE[name])
    test_cells = {c.metadata["nbgrader"]["grade_id"] for c in source.cells
                  if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")}
    assert test_cells == set(spec.CHECKS)
    answers = {c.metadata["nbgrader"]["grade_id"] for c in source.cells
               if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")}
    assert {q.answer_cell for q in spec.QUESTIONS.values()} <= answers
    for check in spec.CHECKS.values():
        assert check.question in spec.QUESTIONS and (check.function or check.variable)
