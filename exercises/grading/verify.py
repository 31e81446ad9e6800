"""Trusted second pass over autograded submissions.

nbgrader runs the test cells in the student's own kernel, after the student's
code.  Anything that kernel computes can be tampered with: a submission that
sets ``np.allclose = lambda *a, **k: True`` or redefines the notebook's test
helpers passes every test.  This module does not trust that run.  For every
submission it

1. reads the answer cells (nbgrader ``solution`` code cells) of the
   autograded notebook and checks their source (:mod:`grading.static_checks`);
2. runs them in a fresh Python process (:mod:`grading.worker`), where the
   answer functions are called on the visible *and* hidden inputs of the
   assignment's spec (:mod:`grading.specs`), with time limits;
3. compares the returned values with ``gmm_lib`` **in this process**, which
   the student's code never touched;
4. sets each autograded test cell's score in the gradebook to
   ``min(nbgrader's score, trusted score)``: a cell keeps its points only if
   it passed in the kernel AND here.  Where the two disagree the cell is
   flagged ``needs_manual_grade`` so it shows up in the formgrader.

A JSON report per submission goes to ``verification/<assignment>/<student>.json``.

Usage, from the course directory (``exercises/``)::

    python -m grading.verify ex01_gaussian [--student ID] [--cell-timeout 10] [--call-timeout 10]

``python -m grading.autograde`` runs ``nbgrader autograde`` and then this.
"""

import argparse
import importlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import numpy as np

from .spec import Mismatch
from .static_checks import check_cell, forbidden_uses

WORKER = Path(__file__).with_name("worker.py")
STARTUP_SECONDS = 30.0


def encode(value):
    if isinstance(value, np.ndarray):
        return {"__ndarray__": value.tolist(), "dtype": str(value.dtype)}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def decode(value):
    """JSON from the worker to Python; arrays come back as numpy arrays."""
    if isinstance(value, dict):
        if "__ndarray__" in value and isinstance(value.get("dtype"), str):
            kind = "float64" if value["dtype"].startswith(("float", "bool")) else "int64"
            try:
                return np.array(value["__ndarray__"], dtype=kind)
            except (TypeError, ValueError):
                return value
        return value
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def load_spec(assignment):
    return importlib.import_module(f"grading.specs.{assignment}")


def answer_cells(notebook):
    """``[(grade_id, source)]`` of the answer (solution) code cells, in order."""
    cells = []
    for cell in notebook.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution"):
            cells.append((meta.get("grade_id"), cell.source))
    return cells


def run_answers(cells, namespace, calls, cell_timeout, call_timeout):
    """Run the answer cells and the calls in worker processes.

    Returns ``(results, cell_errors)``: ``results[call_id]`` is the worker's
    record (``ok``, ``value`` or ``error``).  A worker that overruns a time
    limit by more than two seconds (the student swallowed the alarm) is
    killed; the call it was in fails and a new worker runs the rest.
    """
    results, cell_errors, skip = {}, {}, []
    first_run = True
    while True:
        records, died_in = _one_worker_run(
            cells, namespace, calls, skip, cell_timeout, call_timeout)
        for record in records:
            if "cell" in record and first_run and not record.get("ok"):
                cell_errors[record["cell"]] = record.get("error", "failed")
            if "id" in record:
                results[record["id"]] = record
        first_run = False
        pending = [c["id"] for c in calls if c["id"] not in results]
        if not pending:
            return results, cell_errors
        if died_in is None:  # died while running the cells: nothing more can run
            for call_id in pending:
                results[call_id] = {"ok": False, "error": "the answer cells did not finish"}
            return results, cell_errors
        hung = next(c.get("function") for c in calls if c["id"] == died_in)
        for call in calls:  # the same function would hang again: do not call it
            if call["id"] not in results and (call["id"] == died_in or (
                    hung is not None and call.get("function") == hung)):
                results[call["id"]] = {"ok": False,
                                       "error": "time limit exceeded (process killed)"}
        skip = list(results)


def _one_worker_run(cells, namespace, calls, skip, cell_timeout, call_timeout):
    with tempfile.TemporaryDirectory(prefix="grading-worker-") as tmp:
        job_path = Path(tmp, "job.json")
        results_path = Path(tmp, "results.jsonl")
        job_path.write_text(json.dumps({
            "cells": cells, "namespace": {k: encode(v) for k, v in namespace.items()},
            "calls": calls, "skip": skip,
            "cell_timeout": cell_timeout, "call_timeout": call_timeout,
        }), encoding="utf-8")
        results_path.touch()
        process = subprocess.Popen(
            [sys.executable, "-I", str(WORKER), str(job_path), str(results_path)],
            cwd=tmp, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True)
        records, current = [], None
        deadline = time.monotonic() + STARTUP_SECONDS + cell_timeout
        position = 0
        try:
            while True:
                finished = process.poll() is not None
                with open(results_path, encoding="utf-8", errors="replace") as handle:
                    handle.seek(position)
                    chunk = handle.read()
                complete = chunk[: chunk.rfind("\n") + 1]
                position += len(complete.encode("utf-8"))
                for line in complete.splitlines():
                    try:
                        record = json.loads(line)
                    except ValueError:
                        continue
                    if not isinstance(record, dict):
                        continue
                    records.append(record)
                    if "started" in record:
                        current = record["started"]
                        deadline = time.monotonic() + call_timeout + 2.0
                    elif "cell" in record:
                        deadline = time.monotonic() + cell_timeout + 2.0
                    elif "id" in record:
                        current = None
                if finished:
                    break
                if time.monotonic() > deadline:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
                    return records, current
                time.sleep(0.02)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        return records, current


def verify_notebook(spec, notebook, cell_timeout=10.0, call_timeout=10.0):
    """Trusted verdict for every autograded test cell of one submitted notebook."""
    cells = answer_cells(notebook)
    by_id = {grade_id: source for grade_id, source in cells}
    violations = {}
    for grade_id, source in cells:
        found = check_cell(source, spec.PROTECTED_NAMES)
        if found:
            violations[grade_id] = found
    tampering = [f"{gid}: {v}" for gid, found in violations.items()
                 for v in found if v.kind == "tampering"]

    calls, case_of = [], {}
    for grade_id, check in spec.CHECKS.items():
        for index, case in enumerate(check.cases):
            call_id = f"{grade_id}#{index}"
            case_of[call_id] = case
            if check.variable is not None:
                calls.append({"id": call_id, "variable": check.variable})
            else:
                calls.append({"id": call_id, "function": check.function,
                              "args": [encode(np.asarray(a) if isinstance(a, np.ndarray) else a)
                                       for a in case]})
    results, cell_errors = run_answers(
        [source for _, source in cells], spec.namespace(), calls, cell_timeout, call_timeout)

    verdicts = {}
    for grade_id, check in spec.CHECKS.items():
        question = spec.QUESTIONS[check.question]
        reasons = []
        if tampering:
            reasons.append("tampering: " + "; ".join(tampering))
        source = by_id.get(question.answer_cell)
        if source is None:
            reasons.append(f"answer cell '{question.answer_cell}' is missing")
        else:
            problems = violations.get(question.answer_cell, []) + forbidden_uses(
                source, question.forbidden)
            reasons.extend(f"{question.answer_cell} {v}" for v in problems)
        if not reasons:
            for index, case in enumerate(check.cases):
                record = results.get(f"{grade_id}#{index}", {"ok": False, "error": "not run"})
                if not record.get("ok"):
                    reasons.append(f"case {index}: {record.get('error')}")
                    break
                try:
                    message = check.compare(decode(record.get("value")), *case)
                except Mismatch as error:
                    message = str(error)
                except Exception as error:  # a malformed answer must not crash grading
                    message = f"could not compare: {type(error).__name__}: {error}"
                if message:
                    reasons.append(f"case {index}: {message}")
                    break
        verdicts[grade_id] = {"passed": not reasons, "reasons": reasons}
    return {
        "verdicts": verdicts,
        "tampering": tampering,
        "violations": {gid: [str(v) for v in found] for gid, found in violations.items()},
        "cell_errors": {cells[i][0]: error for i, error in cell_errors.items()},
    }


def verify_assignment(root, assignment, students=None, cell_timeout=10.0, call_timeout=10.0,
                      log=print):
    """Verify every autograded submission of ``assignment`` and update the gradebook."""
    from nbgrader.api import Gradebook

    root = Path(root).resolve()
    spec = load_spec(assignment)
    reports = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        notebook_record = gradebook.find_notebook(spec.NOTEBOOK, assignment)
        test_cells = {cell.name: cell.max_score for cell in notebook_record.grade_cells
                      if cell.cell_type == "code" and not _is_solution(gradebook, cell, spec)}
        missing = set(test_cells) - set(spec.CHECKS)
        if missing:
            raise SystemExit(f"spec {assignment} has no trusted check for test cells {sorted(missing)}")
        submissions = [s.student.id for s in gradebook.assignment_submissions(assignment)]
        for student in sorted(submissions):
            if students and student not in students:
                continue
            path = root / "autograded" / student / assignment / f"{spec.NOTEBOOK}.ipynb"
            if not path.exists():
                log(f"{student}: no autograded notebook at {path}; run nbgrader autograde first")
                continue
            started = time.monotonic()
            report = verify_notebook(spec, nbformat.read(path, as_version=4),
                                     cell_timeout, call_timeout)
            report["scores"] = {}
            for grade_id, max_score in test_cells.items():
                grade = gradebook.find_grade(grade_id, spec.NOTEBOOK, assignment, student)
                kernel = grade.auto_score or 0.0
                trusted = max_score if report["verdicts"][grade_id]["passed"] else 0.0
                final = min(kernel, trusted)
                if final != kernel:
                    grade.needs_manual_grade = True
                grade.auto_score = final
                report["scores"][grade_id] = {"kernel": kernel, "trusted": trusted,
                                              "final": final, "max": max_score}
            gradebook.db.commit()
            report["student"] = student
            report["seconds"] = round(time.monotonic() - started, 2)
            out = root / "verification" / assignment / f"{student}.json"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(report, indent=1), encoding="utf-8")
            total = sum(s["final"] for s in report["scores"].values())
            kernel_total = sum(s["kernel"] for s in report["scores"].values())
            flag = "  TAMPERING" if report["tampering"] else ""
            log(f"{student}: autograded {total:g}/{sum(test_cells.values()):g} "
                f"(kernel said {kernel_total:g}){flag}")
            reports[student] = report
    return reports


def _is_solution(gradebook, grade_cell, spec):
    # Manually graded code answers would be both grade and solution cells;
    # the assignments use markdown for written answers, so every code grade
    # cell is an autograded test cell.  Kept as a hook for future notebooks.
    return grade_cell.name in getattr(spec, "MANUAL_CODE_CELLS", ())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("assignment")
    parser.add_argument("--student", action="append", help="only this student (repeatable)")
    parser.add_argument("--root", default=".", help="course directory (default: current)")
    parser.add_argument("--cell-timeout", type=float, default=10.0)
    parser.add_argument("--call-timeout", type=float, default=10.0)
    args = parser.parse_args(argv)
    verify_assignment(args.root, args.assignment, args.student,
                      args.cell_timeout, args.call_timeout)


if __name__ == "__main__":
    main()
