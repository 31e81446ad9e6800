"""How an assignment's trusted checks are written (one module per assignment in specs/).

A spec module defines:

``NOTEBOOK``
    the notebook name (without ``.ipynb``);
``PROTECTED_NAMES``
    the names the notebook's read-only helper cell defines (redefining one in
    an answer is tampering);
``namespace()``
    the variables the notebook's setup cell gives the answers (e.g. the Old
    Faithful data), recomputed here from trusted code;
``QUESTIONS``
    ``{question: Question}``: which answer cell implements the question and
    which names it must not use;
``CHECKS``
    ``{grade_id: Check}``, one per autograded test cell of the notebook.  The
    verifier gives that cell's points only if every case passes here *and*
    the cell passed in nbgrader's own run.

Everything a check needs (inputs, reference answers from ``gmm_lib``,
comparison) runs in the verifier's process, never in the student's.
"""

from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

import numpy as np


@dataclass(frozen=True)
class Question:
    answer_cell: str
    forbidden: frozenset = frozenset()


@dataclass(frozen=True)
class Check:
    """Cases for one autograded test cell.

    Exactly one of ``function`` (called once per case with ``case`` as
    positional arguments) or ``variable`` (read once) is given.
    ``compare(actual, case)`` returns None when the answer is right, else a
    message; ``actual`` is the decoded return value.
    """

    question: str
    compare: Callable
    function: Optional[str] = None
    variable: Optional[str] = None
    cases: Sequence[tuple] = field(default_factory=lambda: [()])


class Mismatch(Exception):
    """Raised by comparison helpers; its message is shown to the instructor."""


def as_float_array(actual, what):
    try:
        array = np.asarray(actual, dtype=float)
    except (TypeError, ValueError):
        raise Mismatch(f"{what}: expected numbers, got {type(actual).__name__}") from None
    return array


def assert_close(actual, expected, what, rtol=1e-7, atol=1e-10):
    expected = np.asarray(expected, dtype=float)
    array = as_float_array(actual, what)
    if array.shape != expected.shape:
        raise Mismatch(f"{what}: expected shape {expected.shape}, got {array.shape}")
    if not np.all(np.isfinite(array)):
        raise Mismatch(f"{what}: contains nan or inf")
    if not np.allclose(array, expected, rtol=rtol, atol=atol):
        error = float(np.max(np.abs(array - expected)))
        raise Mismatch(f"{what}: wrong values (largest error {error:.3g})")


def assert_equal_labels(actual, expected, what):
    expected = np.asarray(expected)
    array = as_float_array(actual, what)
    if array.shape != expected.shape:
        raise Mismatch(f"{what}: expected shape {expected.shape}, got {array.shape}")
    if not np.array_equal(array, expected):
        wrong = int(np.sum(array != expected))
        raise Mismatch(f"{what}: {wrong} of {expected.size} labels differ")


def unpack(actual, n, what):
    if not isinstance(actual, list) or len(actual) != n:
        raise Mismatch(f"{what}: expected a tuple of {n} values")
    return actual
