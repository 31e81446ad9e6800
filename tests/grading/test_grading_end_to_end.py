"""End to end: nbgrader + the trusted verification on fixture submissions.

One temporary course directory per test session (a copy of exercises/):
generate the student versions, collect the fixture submissions of every
assignment (``fixtures/<assignment>.py``; the first two assignments carry
every tamper attempt, later ones a shorter set) with ``nbgrader zip_collect``, grade them with the documented
``python -m grading.autograde`` (6 s per-cell limit), export the gradebook
CSV and generate feedback.  Skipped when nbgrader is not installed
(``pip install -r requirements-instructor.txt``).  ``GRADING_ONLY=ex03_mixtures``
(comma-separated names) restricts the run to some assignments while one is
being written.
"""

import csv
import importlib
import json
import os
import shutil
import subprocess
import sys
import time

import nbformat
import pytest

from grading_paths import ASSIGNMENTS, EXERCISES
from submissions import Assignment

pytest.importorskip(
    "nbgrader", reason="nbgrader is not installed: pip install -r requirements-instructor.txt")

ONLY = [name for name in os.environ.get("GRADING_ONLY", "").split(",") if name]
GRADED = [name for name in ASSIGNMENTS if not ONLY or name in ONLY]
FIXTURES = {name: importlib.import_module(f"fixtures.{name}") for name in GRADED}
TIMEOUT = 6  # seconds per cell (nbgrader) and per call (verifier); room for a busy machine
STATE = ("gradebook.db", "submitted", "autograded", "feedback", "downloaded",
         "verification", "release", "__pycache__", "*.csv")


def run(args, cwd, timeout=600):
    completed = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    return completed


@pytest.fixture(scope="session")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("course") / "exercises"
    shutil.copytree(EXERCISES, root, ignore=shutil.ignore_patterns(*STATE))
    outcome = {"root": root, "expected": {}, "seconds": {}, "logs": {}}
    for name in GRADED:
        done = run([sys.executable, "-m", "nbgrader", "generate_assignment", name, "--force"], root)
        assert done.returncode == 0, done.stderr
        points = _test_cell_points(root / "source" / name / f"{name}.ipynb")
        assignment = Assignment(name, root / "source" / name / f"{name}.ipynb",
                                root / "release" / name / f"{name}.ipynb", points)
        archive = root / "downloaded" / name / "archive"
        archive.mkdir(parents=True)
        subs = FIXTURES[name].submissions(assignment)
        assert sorted(subs) == sorted(FIXTURES[name].STUDENTS)
        for student, (notebook, expected) in subs.items():
            nbformat.write(notebook, str(archive / f"{student}__{name}.ipynb"))
            outcome["expected"][(name, student)] = expected
        done = run([sys.executable, "-m", "nbgrader", "zip_collect", name], root)
        assert done.returncode == 0, done.stderr
        collected = sorted(p.parent.parent.name
                           for p in (root / "submitted").glob(f"*/{name}/{name}.ipynb"))
        assert collected == sorted(subs), done.stderr
        started = time.monotonic()
        done = run([sys.executable, "-m", "grading.autograde", name, f"--timeout={TIMEOUT}"], root)
        outcome["seconds"][name] = (time.monotonic() - started) / len(subs)
        outcome["logs"][name] = done.stdout + done.stderr
        assert "Traceback" not in done.stdout, done.stdout
        feedback = run([sys.executable, "-m", "nbgrader", "generate_feedback", name, "--force"],
                       root)
        assert feedback.returncode == 0, feedback.stderr
    done = run([sys.executable, "-m", "nbgrader", "export", "--to=grades.csv"], root)
    assert done.returncode == 0, done.stderr
    return outcome


def _test_cell_points(path):
    notebook = nbformat.read(str(path), as_version=4)
    points = {}
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            points[meta["grade_id"]] = float(meta["points"])
    return points


def _final_scores(root, name, student):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_notebook(name, name)
        return {cell.name: gradebook.find_grade(cell.name, name, name, student).score
                for cell in notebook.grade_cells
                if cell.cell_type == "code"}


def _report(root, name, student):
    return json.loads((root / "verification" / name / f"{student}.json").read_text())


CASES = [(name, student) for name in GRADED for student in FIXTURES[name].STUDENTS]


EVERY_ATTEMPT = {"solution", "untouched", "partial", "raises", "loops", "tamper_tests", "noisy",
                 "monkeypatch_numpy", "monkeypatch_helpers", "library_caller"}
SHORT_SET = {"solution", "untouched", "partial", "monkeypatch_numpy", "library_caller"}


def having(*students):
    """The graded assignments whose fixtures include all of ``students``."""
    return [name for name in GRADED if set(students) <= set(FIXTURES[name].STUDENTS)]


def test_two_assignments_face_every_tamper_attempt_and_all_the_short_set():
    students = {name: set(importlib.import_module(f"fixtures.{name}").STUDENTS)
                for name in ASSIGNMENTS}
    assert sum(kinds == EVERY_ATTEMPT for kinds in students.values()) >= 2, students
    assert all(SHORT_SET <= kinds for kinds in students.values()), students


@pytest.mark.parametrize("name,student", CASES, ids=[f"{n}-{s}" for n, s in CASES])
def test_every_autograded_cell_gets_the_expected_score(course, name, student):
    expected = course["expected"][(name, student)]
    scores = _final_scores(course["root"], name, student)
    report = _report(course["root"], name, student)
    assert scores == expected, (
        f"{name}/{student}: final scores {scores}\nexpected {expected}\n"
        f"verifier: {json.dumps(report['verdicts'], indent=1)}\n{course['logs'][name]}")


@pytest.mark.parametrize("name", GRADED)
def test_solution_scores_full_marks_and_release_zero(course, name):
    points = course["expected"][(name, "solution")]
    assert sum(_final_scores(course["root"], name, "solution").values()) == sum(points.values()) > 0
    assert sum(_final_scores(course["root"], name, "untouched").values()) == 0


@pytest.mark.parametrize("name", having("partial"))
def test_partial_answer_passes_visible_tests_but_not_hidden_ones(course, name):
    scores = _final_scores(course["root"], name, "partial")
    total = sum(course["expected"][(name, "solution")].values())
    assert 0 < sum(scores.values()) < total
    failed = [cell for cell, score in scores.items() if score == 0]
    assert failed and all(cell.endswith("_hidden") for cell in failed)


@pytest.mark.parametrize("name", having("monkeypatch_numpy"))
def test_monkeypatching_fools_the_kernel_but_not_the_verifier(course, name):
    for student in sorted({"monkeypatch_numpy", "monkeypatch_helpers"} & set(FIXTURES[name].STUDENTS)):
        report = _report(course["root"], name, student)
        kernel = sum(score["kernel"] for score in report["scores"].values())
        final = sum(score["final"] for score in report["scores"].values())
        assert kernel > 0, f"{student}: the kernel run was expected to be fooled"
        assert final == 0
        assert report["tampering"], f"{student}: tampering not reported"


@pytest.mark.parametrize("name", having("tamper_tests"))
def test_rewritten_deleted_or_repointed_test_cells_earn_nothing(course, name):
    from nbgrader.api import Gradebook

    root = course["root"]
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_notebook(name, name)
        max_scores = {cell.name: cell.max_score for cell in notebook.grade_cells}
        submission = gradebook.find_submission_notebook(name, name, "tamper_tests")
        assert submission.max_score == sum(max_scores.values())  # points not inflated
    scores = _final_scores(root, name, "tamper_tests")
    assert all(scores[cell] <= max_scores[cell] for cell in scores)


@pytest.mark.parametrize("name", having("loops"))
def test_an_infinite_loop_is_cut_and_the_rest_graded(course, name):
    report = _report(course["root"], name, "loops")
    failed = {cell for cell, verdict in report["verdicts"].items() if not verdict["passed"]}
    assert failed and len(failed) < len(report["verdicts"])
    reasons = " ".join(r for cell in failed for r in report["verdicts"][cell]["reasons"])
    assert "time limit" in reasons or "not defined" in reasons


def test_gradebook_csv_has_a_row_for_every_submission(course):
    with open(course["root"] / "grades.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    found = {(row["assignment"], row["student_id"]) for row in rows}
    assert set(course["expected"]) <= found, set(course["expected"]) - found  # none lost
    # nbgrader also lists every known student under every assignment; the
    # ones who handed nothing in for it score zero.
    for row in rows:
        if (row["assignment"], row["student_id"]) not in course["expected"]:
            assert float(row["score"]) == 0, row
    by_key = {(row["assignment"], row["student_id"]): float(row["score"]) for row in rows}
    for (name, student), expected in course["expected"].items():
        assert by_key[(name, student)] == pytest.approx(sum(expected.values()))


@pytest.mark.parametrize("name", having("solution", "partial"))
def test_feedback_shows_no_hidden_tests(course, name):
    source = (course["root"] / "source" / name / f"{name}.ipynb").read_text()
    notebook = nbformat.reads(source, as_version=4)
    hidden_lines = _hidden_lines(notebook)
    assert hidden_lines
    for student in ("solution", "partial"):
        html = (course["root"] / "feedback" / student / name / f"{name}.html").read_text()
        assert "HIDDEN TESTS" not in html
        leaked = [line for line in hidden_lines if line in html]
        assert not leaked, f"feedback of {student} shows hidden test lines: {leaked[:3]}"
        assert "Hidden tests: passed." in html
    partial = (course["root"] / "feedback" / "partial" / name / f"{name}.html").read_text()
    assert "Hidden tests: at least one failed" in partial


def _hidden_lines(notebook):
    import html as html_module

    lines, inside = [], False
    for cell in notebook.cells:
        for line in cell.source.splitlines():
            if "BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "END HIDDEN TESTS" in line:
                inside = False
            elif inside and len(line.strip()) > 25:
                lines.append(html_module.escape(line.strip(), quote=False))
    return lines


@pytest.mark.parametrize("name", GRADED)
def test_committed_release_is_what_generate_assignment_produces(course, name):
    fresh = nbformat.read(str(course["root"] / "release" / name / f"{name}.ipynb"), as_version=4)
    committed = nbformat.read(str(EXERCISES / "release" / name / f"{name}.ipynb"), as_version=4)
    assert [c.source for c in fresh.cells] == [c.source for c in committed.cells], (
        f"exercises/release/{name} is stale: cd exercises && nbgrader generate_assignment "
        f"{name} --force")
    assert [c.metadata.get("nbgrader") for c in fresh.cells] == [
        c.metadata.get("nbgrader") for c in committed.cells]


@pytest.mark.parametrize("name", GRADED)
def test_grading_time_per_submission_is_reasonable(course, name):
    # The batch includes the looping submission's time-outs (3 x 6 s for
    # ex01, 2 x 6 s for ex02).  Generous bound: the machine may be busy.
    assert course["seconds"][name] < 30, course["seconds"]
    print(f"{name}: {course['seconds'][name]:.1f} s per submission")


def test_grading_report_is_written(course):
    """A summary for the CI log and artifacts: _build/grading_report.json."""
    report = {"seconds_per_submission": {name: round(s, 2) for name, s in course["seconds"].items()},
              "scores": {}}
    for (name, student), expected in sorted(course["expected"].items()):
        verification = _report(course["root"], name, student)
        report["scores"][f"{name}/{student}"] = {
            "kernel": sum(score["kernel"] for score in verification["scores"].values()),
            "final": sum(score["final"] for score in verification["scores"].values()),
            "expected": sum(expected.values()),
        }
    out = EXERCISES.parent / "_build" / "grading_report.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=1))
    assert all(row["final"] == row["expected"] for row in report["scores"].values())
