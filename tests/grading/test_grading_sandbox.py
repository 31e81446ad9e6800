"""The trusted verifier's parts, without nbgrader: source rules, worker process, comparison."""

import nbformat
import numpy as np
import pytest

import grading_paths  # noqa: F401  (puts exercises/ on sys.path)
from grading.spec import Check, Mismatch, Question, assert_close
from grading.static_checks import check_cell, forbidden_uses
from grading.verify import run_answers, verify_notebook

HELPERS = ("assert_close", "assert_does_not_call")


def kinds(source):
    return {v.kind for v in check_cell(source, HELPERS)}


@pytest.mark.parametrize("source", [
    "import numpy as np\nimport scipy.linalg\nfrom scipy import linalg\nfrom math import pi\n"
    "import warnings\n\ndef f(x):\n    warnings.warn('w')\n    return np.linalg.cholesky(x)\n",
    "def update(X, labels, previous):\n    centers = np.array(previous)\n"
    "    centers[0] = X.mean(axis=0)\n    return centers\n",
])
def test_ordinary_answers_break_no_rule(source):
    assert check_cell(source, HELPERS) == []


@pytest.mark.parametrize("source,kind", [
    ("import gmm_lib", "import"),
    ("from gmm_lib.gaussian import log_density", "import"),
    ("from scipy.stats import norm", "import"),
    ("import sklearn.cluster", "import"),
    ("import importlib", "import"),
    ("f = eval('1')", "forbidden-name"),
    ("m = getattr(np, 'linalg')", "forbidden-name"),
    ("x = np.__dict__", "forbidden-name"),
    ("y = gmm_lib.kmeans.lloyd", "forbidden-name"),
    ("np.allclose = lambda *a, **k: True", "tampering"),
    ("import numpy\nnumpy.testing.assert_allclose = print", "tampering"),
    ("def assert_close(*a, **k):\n    pass", "tampering"),
    ("assert_does_not_call = print", "tampering"),
    ("from math import sqrt as assert_close", "tampering"),
    ("def f(:\n", "syntax"),
])
def test_forbidden_imports_escapes_and_tampering_are_found(source, kind):
    assert kind in kinds(source)


def test_a_question_can_forbid_names_in_its_cell():
    found = forbidden_uses("def f(S):\n    return np.linalg.inv(S) @ np.linalg.det(S)", {"inv", "det"})
    assert sorted(v.message.split("'")[1] for v in found) == ["det", "inv"]


def _call(function, *args, call_id="c"):
    return {"id": call_id, "function": function, "args": list(args)}


def test_monkeypatching_numpy_in_the_worker_cannot_reach_the_comparison():
    cells = ["np.allclose = lambda *a, **k: True\n"
             "np.testing.assert_allclose = lambda *a, **k: None\n"
             "def double(x):\n    return 3 * np.asarray(x)\n"]
    results, errors = run_answers(cells, {}, [_call("double", [1.0, 2.0])], 5, 5)
    assert errors == {}
    value = results["c"]["value"]
    # the parent's numpy is untouched: the wrong answer is caught here
    with pytest.raises(Mismatch):
        assert_close(value["__ndarray__"], [2.0, 4.0], "double")
    assert not np.allclose(value["__ndarray__"], [2.0, 4.0])


def test_the_library_cannot_be_imported_in_answers():
    cells = ["def f(x):\n    import gmm_lib\n    return 1.0\n",
             "def g(x):\n    from scipy import stats\n    return 1.0\n"]
    results, _ = run_answers(cells, {}, [_call("f", 1, call_id="f"), _call("g", 1, call_id="g")],
                             5, 5)
    assert "ImportError" in results["f"]["error"] and "gmm_lib" in results["f"]["error"]
    assert "ImportError" in results["g"]["error"]


def test_a_call_that_loops_is_cut_and_later_calls_still_run():
    cells = ["def slow(x):\n    while True:\n        pass\n",
             "def fine(x):\n    return x + 1\n"]
    calls = [_call("slow", 1, call_id="s1"), _call("slow", 2, call_id="s2"),
             _call("fine", 1, call_id="f")]
    results, _ = run_answers(cells, {}, calls, 1, 1)
    assert "time limit" in results["s1"]["error"] and "time limit" in results["s2"]["error"]
    assert results["f"] == {"id": "f", "ok": True, "value": 2}


def test_a_call_that_swallows_the_alarm_is_killed_and_the_rest_still_run():
    cells = ["def stubborn(x):\n    while True:\n        try:\n            while True:\n"
             "                pass\n        except BaseException:\n            pass\n",
             "def fine(x):\n    return x * 2\n"]
    calls = [_call("stubborn", 1, call_id="s"), _call("fine", 4, call_id="f")]
    results, _ = run_answers(cells, {}, calls, 1, 1)
    assert "killed" in results["s"]["error"]
    assert results["f"]["value"] == 8


def test_cell_errors_and_odd_return_values_are_reported_not_executed():
    cells = ["raise ValueError('oops')",
             "class Weird:\n    pass\n\ndef weird(x):\n    return Weird()\n"]
    results, errors = run_answers(cells, {}, [_call("weird", 0)], 5, 5)
    assert "ValueError: oops" in errors[0]
    assert results["c"]["value"] == {"__type__": "Weird"}


def test_verify_notebook_passes_the_source_and_fails_a_tampered_copy():
    from grading.specs import ex01_gaussian as spec
    from grading_paths import EXERCISES

    path = EXERCISES / "source" / "ex01_gaussian" / "ex01_gaussian.ipynb"
    notebook = nbformat.read(str(path), as_version=4)
    report = verify_notebook(spec, notebook, 5, 5)
    assert all(v["passed"] for v in report["verdicts"].values()), report
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "c_answer":
            cell.source += "\nnp.allclose = lambda *a, **k: True\n"
    report = verify_notebook(spec, notebook, 5, 5)
    assert report["tampering"] and not any(v["passed"] for v in report["verdicts"].values())


def test_a_spec_check_reports_wrong_shapes_and_values():
    check = Check("a", lambda actual: assert_close(actual, [1.0, 2.0], "x"), variable="x")
    assert isinstance(Question("a_answer"), Question)
    with pytest.raises(Mismatch, match="shape"):
        check.compare([1.0])
    with pytest.raises(Mismatch, match="wrong values"):
        check.compare([1.0, 3.0])
    assert check.compare([1.0, 2.0]) is None
