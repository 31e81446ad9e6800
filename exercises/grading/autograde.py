"""Autograde a batch: ``nbgrader autograde`` followed by the trusted verification.

Usage, from the course directory (``exercises/``)::

    python -m grading.autograde ex01_gaussian [--timeout 60] [--student ID ...]

``--timeout`` is nbgrader's per-cell time limit (``Execute.timeout``) and the
verifier's per-cell and per-call limit.  Always use this command rather than
plain ``nbgrader autograde``: the kernel's scores alone can be faked by the
submission (see :mod:`grading.verify`).

The kernels and the verifier's workers run with one BLAS thread: the
exercises' arrays are tiny, and a multithreaded BLAS on a busy machine made
small triangular solves tens of times slower, enough to hit the time limit.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

from .verify import verify_assignment

ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("assignment")
    parser.add_argument("--student", action="append", help="only this student (repeatable)")
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="seconds per cell (nbgrader) and per call (verifier)")
    args = parser.parse_args(argv)
    os.environ.update(ONE_THREAD)  # inherited by nbgrader's kernels and the verifier's workers
    base = [sys.executable, "-m", "nbgrader", "autograde", args.assignment, "--force",
            f"--Execute.timeout={int(args.timeout)}"]
    command = base + [f"--student={student}" for student in args.student or []]
    completed = subprocess.run(command)
    # A submission nbgrader could not grade (e.g. its kernel failed to start on a
    # busy machine) has no autograded notebook: try each of those once more.
    missing = _not_autograded(args.assignment, args.student)
    for student in missing:
        subprocess.run(base + [f"--student={student}"])
    missing = _not_autograded(args.assignment, args.student)
    if missing:
        print(f"NOT GRADED (see nbgrader's errors above): {', '.join(missing)}", file=sys.stderr)
    verify_assignment(".", args.assignment, args.student, args.timeout, args.timeout)
    return 1 if missing else 0


def _not_autograded(assignment, students=None):
    submitted = sorted(path.parent.name for path in Path("submitted").glob(f"*/{assignment}"))
    return [student for student in submitted
            if (not students or student in students)
            and not any(Path("autograded", student, assignment).glob("*.ipynb"))]


if __name__ == "__main__":
    sys.exit(main())
