"""Run a student's answer cells in a fresh Python and record what they return.

This file is executed as a script, in its own process, by
:mod:`grading.verify`::

    python -I worker.py JOB.json RESULTS.jsonl

It is the only place where student code runs during verification.  It never
decides whether an answer is right: it executes the answer cells, calls the
requested functions (or reads the requested variables) and writes the raw
results, one JSON object per line, to ``RESULTS.jsonl``.  The comparison with
the reference answers happens in the parent process, which the student's code
cannot reach, so monkeypatching numpy or the notebook's test helpers here
changes nothing but the student's own results.

Defences (a course grader, not a security sandbox; see for_instructors.md):

* ``gmm_lib``, ``sklearn`` and ``scipy.stats`` cannot be imported (an import
  hook raises ImportError), so an answer cannot delegate to the library;
* every cell and every call has a time limit (SIGALRM); the parent also kills
  the whole process if it overruns, and restarts it for the remaining calls;
* results are exchanged as JSON (numbers, lists, arrays as nested lists):
  nothing the student returns is ever unpickled or executed by the parent.

The job file holds ``cells`` (answer-cell sources, in notebook order),
``namespace`` (the variables the notebook's setup cell defines, e.g. the Old
Faithful data, as encoded arrays), ``calls`` (``{"id", "function", "args"}``
or ``{"id", "variable"}``), ``skip`` (call ids not to run again) and the
``cell_timeout``/``call_timeout`` in seconds.
"""

import json
import signal
import sys

import numpy as np
import numpy.linalg  # noqa: F401  (pre-imported: answers may use them)
import scipy.linalg  # noqa: F401
import math  # noqa: F401

BLOCKED_PREFIXES = ("gmm_lib", "sklearn", "scipy.stats")


class _BlockedImports:
    """Import hook refusing the libraries that answer the questions."""

    def find_spec(self, name, path=None, target=None):
        if any(name == p or name.startswith(p + ".") for p in BLOCKED_PREFIXES):
            raise ImportError(
                f"'{name}' may not be used in an answer: write the computation "
                "yourself with numpy (and scipy.linalg)"
            )
        return None


class TimeLimitExceeded(BaseException):
    """Raised by the alarm; a BaseException so ``except Exception`` misses it."""


def _on_alarm(signum, frame):
    raise TimeLimitExceeded()


def _run_limited(function, seconds):
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return function()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def decode(value):
    if isinstance(value, dict) and "__ndarray__" in value:
        return np.array(value["__ndarray__"], dtype=value["dtype"])
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def encode(value, depth=0):
    """Student results to JSON-able data; anything unexpected becomes a type tag."""
    if depth > 4:
        return {"__type__": "too deeply nested"}
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf" or value.size > 1_000_000:
            return {"__type__": f"ndarray of dtype {value.dtype}"}
        return {"__ndarray__": value.tolist(), "dtype": str(value.dtype)}
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, (list, tuple)) and len(value) <= 10_000:
        return [encode(v, depth + 1) for v in value]
    return {"__type__": type(value).__name__}


def _describe(error):
    text = f"{type(error).__name__}: {error}"
    return text if len(text) <= 300 else text[:300] + "..."


def main(job_path, results_path):
    with open(job_path, encoding="utf-8") as handle:
        job = json.load(handle)
    namespace = {"__name__": "__main__", "np": np}
    namespace.update({k: decode(v) for k, v in job["namespace"].items()})
    results = open(results_path, "a", encoding="utf-8")

    def report(record):
        results.write(json.dumps(record) + "\n")
        results.flush()

    sys.meta_path.insert(0, _BlockedImports())
    skip = set(job.get("skip", []))
    timed_out = set()  # functions that overran once are not called again
    for index, source in enumerate(job["cells"]):
        try:
            code = compile(source, f"<answer cell {index}>", "exec")
            _run_limited(lambda: exec(code, namespace), job["cell_timeout"])
            report({"cell": index, "ok": True})
        except TimeLimitExceeded:
            report({"cell": index, "ok": False, "error": "time limit exceeded"})
        except BaseException as error:  # noqa: BLE001 - student code may raise anything
            report({"cell": index, "ok": False, "error": _describe(error)})
    for call in job["calls"]:
        if call["id"] in skip:
            continue
        report({"started": call["id"]})
        try:
            if "variable" in call:
                if call["variable"] not in namespace:
                    raise NameError(f"name '{call['variable']}' is not defined")
                value = namespace[call["variable"]]
            elif call["function"] in timed_out:
                raise TimeLimitExceeded()
            else:
                function = namespace.get(call["function"])
                if not callable(function):
                    raise NameError(f"function '{call['function']}' is not defined")
                args = [decode(a) for a in call["args"]]
                value = _run_limited(lambda: function(*args), job["call_timeout"])
            report({"id": call["id"], "ok": True, "value": encode(value)})
        except TimeLimitExceeded:
            timed_out.add(call.get("function"))
            report({"id": call["id"], "ok": False, "error": "time limit exceeded"})
        except BaseException as error:  # noqa: BLE001
            report({"id": call["id"], "ok": False, "error": _describe(error)})
    results.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
    # Leave at once, whatever threads or atexit hooks the answers installed.
    import os

    os._exit(0)
