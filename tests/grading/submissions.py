"""Fixture submissions, made by editing the source (solution) and release notebooks.

Each builder returns ``(notebook, expected)``: the notebook a student would
hand in, and the final score of every autograded test cell after
``python -m grading.autograde`` (nbgrader, then the trusted verification).
"""

import copy

import nbformat

SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def _cell(notebook, grade_id):
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return cell
    raise KeyError(grade_id)


def _strip_markers(notebook):
    """What a student's finished notebook looks like: no solution markers."""
    for cell in notebook.cells:
        lines = [line for line in cell.source.splitlines()
                 if line.strip() not in SOLUTION_MARKERS]
        cell.source = "\n".join(lines)
    return notebook


def _set_answer(notebook, grade_id, source):
    _cell(notebook, grade_id).source = source


def _append_to_answer(notebook, grade_id, source):
    cell = _cell(notebook, grade_id)
    cell.source = cell.source + "\n" + source


class Assignment:
    """The submissions of one assignment: ``builders()`` maps student id to builder."""

    def __init__(self, name, source_path, release_path, points):
        self.name = name
        self.source = nbformat.read(source_path, as_version=4)
        self.release = nbformat.read(release_path, as_version=4)
        self.points = points  # {test cell grade_id: max points}

    def solution(self):
        return _strip_markers(copy.deepcopy(self.source))

    def full(self, **changes):
        expected = dict(self.points)
        expected.update(changes)
        return expected

    def zero(self):
        return {grade_id: 0.0 for grade_id in self.points}


# ----------------------------------------------------------------------------
# ex01_gaussian
# ----------------------------------------------------------------------------

def ex01_submissions(assignment):
    a = assignment
    subs = {}

    subs["solution"] = (a.solution(), a.full())
    subs["untouched"] = (copy.deepcopy(a.release), a.zero())

    nb = a.solution()  # naive log(pdf): right on moderate x, -inf 40 sigma away
    _set_answer(nb, "a_answer", (
        "def univariate_log_density(x, mean, variance):\n"
        "    density = np.exp(-(np.asarray(x) - mean) ** 2 / (2 * variance)) "
        "/ np.sqrt(2 * np.pi * variance)\n"
        "    return np.log(density)\n"))
    subs["partial"] = (nb, a.full(a_hidden=0.0))

    nb = a.solution()
    _set_answer(nb, "b_answer", (
        "import scipy.linalg\n\n"
        "def log_density(X, mean, covariance):\n"
        "    raise ValueError('I did not finish this one')\n"))
    subs["raises"] = (nb, a.full(b_visible=0.0, b_hidden=0.0))

    nb = a.solution()
    _set_answer(nb, "a_answer", (
        "def univariate_log_density(x, mean, variance):\n"
        "    while True:\n"
        "        pass\n"))
    subs["loops"] = (nb, a.full(a_visible=0.0, a_hidden=0.0))

    nb = a.solution()
    # (c) wrong (divides by N - 1) and its test cells rewritten to pass
    _set_answer(nb, "c_answer", (
        "def fit_gaussian(X):\n"
        "    X = np.asarray(X, dtype=float)\n"
        "    return X.mean(axis=0), np.cov(X.T, ddof=1).reshape(X.shape[1], X.shape[1])\n"))
    _cell(nb, "c_visible").source = "print('(c) visible tests passed')"
    _cell(nb, "c_hidden").source = "print('(c) hidden tests passed')"
    # (a) right, and its visible test claims 100 points
    _cell(nb, "a_visible").metadata["nbgrader"]["points"] = 100
    # (d) right, and its hidden test deleted
    nb.cells = [c for c in nb.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") != "d_hidden"]
    subs["tamper_tests"] = (nb, a.full(c_visible=0.0, c_hidden=0.0, d_hidden=0.0))

    nb = a.solution()
    _append_to_answer(nb, "a_answer", (
        "import warnings\n"
        "_original_a = univariate_log_density\n\n"
        "def univariate_log_density(x, mean, variance):\n"
        "    print('computing a log-density')\n"
        "    warnings.warn('this is only a warning', UserWarning)\n"
        "    return _original_a(x, mean, variance)\n"))
    _append_to_answer(nb, "c_answer", "print('fit_gaussian is ready')\n"
                      "warnings.warn('another warning', RuntimeWarning)\n")
    subs["noisy"] = (nb, a.full())

    nb = a.solution()  # wrong answers, and numpy's comparisons patched to agree
    _append_to_answer(nb, "a_answer", (
        "def univariate_log_density(x, mean, variance):\n"
        "    return np.zeros(np.shape(x))\n\n"
        "np.allclose = lambda *args, **kwargs: True\n"
        "np.isclose = lambda *args, **kwargs: False\n"))
    _append_to_answer(nb, "b_answer", (
        "def log_density(X, mean, covariance):\n"
        "    return np.zeros(len(X))\n"))
    subs["monkeypatch_numpy"] = (nb, a.zero())

    nb = a.solution()
    _set_answer(nb, "a_answer", (
        "def assert_close(*args, **kwargs):\n"
        "    pass\n\n"
        "def assert_does_not_call(*args, **kwargs):\n"
        "    pass\n\n"
        "def univariate_log_density(x, mean, variance):\n"
        "    return np.zeros(np.shape(x))\n"))
    subs["monkeypatch_helpers"] = (nb, a.zero())

    nb = a.solution()
    _set_answer(nb, "b_answer", (
        "import scipy.linalg\n\n"
        "def log_density(X, mean, covariance):\n"
        "    from gmm_lib.gaussian import log_density as library_log_density\n"
        "    return library_log_density(X, mean, covariance)\n"))
    subs["library_caller"] = (nb, a.full(b_visible=0.0, b_hidden=0.0))
    return subs


# ----------------------------------------------------------------------------
# ex02_kmeans
# ----------------------------------------------------------------------------

def ex02_submissions(assignment):
    a = assignment
    subs = {}

    subs["solution"] = (a.solution(), a.full())
    subs["untouched"] = (copy.deepcopy(a.release), a.zero())

    nb = a.solution()  # stops after 8 passes whatever happens
    cell = _cell(nb, "d_answer")
    cell.source = cell.source.replace("for _ in range(max_iter):", "for _ in range(8):")
    subs["partial"] = (nb, a.full(d_hidden=0.0))

    nb = a.solution()  # raises on an empty cluster only
    cell = _cell(nb, "b_answer")
    cell.source = cell.source.replace(
        "        if len(members) > 0:",
        "        if len(members) == 0:\n"
        "            raise ValueError('empty cluster')\n"
        "        if len(members) > 0:")
    subs["raises"] = (nb, a.full(b_visible=0.0, b_hidden=0.0))

    nb = a.solution()  # a cell (not a function) that never ends
    _set_answer(nb, "e_answer", "while True:\n    pass\n")
    subs["loops"] = (nb, a.full(e_visible=0.0, e_hidden=0.0))

    nb = a.solution()
    _set_answer(nb, "c_answer", (
        "def distortion(X, centers, labels):\n"
        "    X = np.asarray(X, dtype=float)\n"
        "    return float(np.sum(np.sqrt(np.sum((X - np.asarray(centers)[labels]) ** 2, axis=1))))\n"))
    _cell(nb, "c_visible").source = "pass"
    nb.cells = [c for c in nb.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") != "c_hidden"]
    _cell(nb, "b_hidden").metadata["nbgrader"]["points"] = 50
    # (c) wrong: (d) compares J, (e) reads J, so they fail too
    subs["tamper_tests"] = (nb, a.full(c_visible=0.0, c_hidden=0.0, d_visible=0.0,
                                       d_hidden=0.0, e_hidden=0.0))

    nb = a.solution()
    _append_to_answer(nb, "d_answer", (
        "import warnings\n"
        "_original_d = run_lloyd\n\n"
        "def run_lloyd(X, initial_centers, max_iter=100):\n"
        "    print('running Lloyd')\n"
        "    warnings.warn('just a warning')\n"
        "    return _original_d(X, initial_centers, max_iter)\n"))
    subs["noisy"] = (nb, a.full())

    nb = a.solution()
    _append_to_answer(nb, "a_answer", (
        "np.array_equal = lambda *args, **kwargs: True\n"
        "np.allclose = lambda *args, **kwargs: True\n\n"
        "def assign_clusters(X, centers):\n"
        "    return np.zeros(len(X), dtype=int)\n"))
    subs["monkeypatch_numpy"] = (nb, a.zero())

    nb = a.solution()
    _append_to_answer(nb, "c_answer", (
        "KMEANS_FORBIDDEN.clear()\n"  # mutates a helper's data: not an assignment
        "assert_close = lambda *args, **kwargs: None\n\n"
        "def distortion(X, centers, labels):\n"
        "    return 0.0\n"))
    subs["monkeypatch_helpers"] = (nb, a.zero())

    nb = a.solution()  # KMEANS_FORBIDDEN emptied, then the library does the work
    _set_answer(nb, "a_answer", (
        "KMEANS_FORBIDDEN.clear()\n\n"
        "def assign_clusters(X, centers):\n"
        "    return gmm_lib.kmeans.assign_clusters(X, centers)\n"))
    subs["library_caller"] = (nb, a.full(a_visible=0.0, a_hidden=0.0, d_visible=0.0,
                                         d_hidden=0.0, e_visible=0.0, e_hidden=0.0))
    return subs
