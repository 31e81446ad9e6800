"""Read the answer cells before running them: what they import and what they touch.

The verifier (:mod:`grading.verify`) runs these checks on the source of every
answer cell of a submission.  They complement the import hook of
:mod:`grading.worker`:

* ``import`` only of the modules an exercise needs (numpy, math,
  scipy.linalg, warnings, ...): ``gmm_lib``, ``scipy.stats``, ``sklearn``,
  ``importlib``, ``os``, ``sys``... are refused;
* no dynamic escapes: ``eval``, ``exec``, ``compile``, ``open``,
  ``getattr``, ``__import__``, ``globals``, any ``__dunder__`` name;
* **tampering**: assigning to an attribute of a module (``np.allclose =
  ...``) or redefining one of the notebook's test helpers
  (``assert_close = ...``).  Tampering voids every autograded point of the
  submission and is reported to the instructor.

A question may also forbid names in its own answer cell (for example ``inv``
and ``det`` in the Cholesky question).
"""

import ast
from dataclasses import dataclass

ALLOWED_IMPORTS = frozenset({
    "numpy", "numpy.linalg", "math", "scipy.linalg", "warnings",
    "functools", "itertools", "collections", "typing", "dataclasses",
})
FORBIDDEN_NAMES = frozenset({
    "eval", "exec", "compile", "open", "getattr", "setattr", "delattr", "vars",
    "globals", "locals", "breakpoint", "input", "memoryview",
    "importlib", "builtins", "sys", "os", "subprocess", "ctypes",
    "gmm_lib", "sklearn",
})


@dataclass(frozen=True)
class Violation:
    kind: str  # "syntax", "import", "forbidden-name", "tampering", "forbidden-call"
    line: int
    message: str

    def __str__(self):
        return f"line {self.line}: {self.message}"


def _root_name(node):
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _imported_module(node, alias):
    if isinstance(node, ast.Import):
        return alias.name
    if node.level:
        return "." + (node.module or "")
    module = node.module or ""
    # ``from scipy import linalg`` imports the module scipy.linalg
    candidate = f"{module}.{alias.name}"
    return candidate if candidate in ALLOWED_IMPORTS else module


def check_cell(source, protected_names=(), module_aliases=("np", "numpy", "scipy", "math")):
    """Every rule broken by one answer cell, as a list of :class:`Violation`."""
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        return [Violation("syntax", error.lineno or 0, f"syntax error: {error.msg}")]
    protected = set(protected_names)
    modules = set(module_aliases)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                module = _imported_module(node, alias)
                if module not in ALLOWED_IMPORTS:
                    found.append(Violation(
                        "import", node.lineno,
                        f"'import {module}' is not allowed in an answer "
                        f"(allowed: {', '.join(sorted(ALLOWED_IMPORTS))})"))
                bound = alias.asname or alias.name.split(".")[0]
                if bound in protected:
                    found.append(Violation(
                        "tampering", node.lineno, f"rebinds the test helper '{bound}'"))
                if isinstance(node, ast.Import) or f"{node.module}.{alias.name}" in ALLOWED_IMPORTS:
                    modules.add(bound)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if node.id in FORBIDDEN_NAMES or node.id.startswith("__"):
                found.append(Violation(
                    "forbidden-name", node.lineno, f"'{node.id}' may not be used in an answer"))
            if node.id in protected and isinstance(node.ctx, (ast.Store, ast.Del)):
                found.append(Violation(
                    "tampering", node.lineno, f"rebinds the test helper '{node.id}'"))
        elif isinstance(node, ast.Attribute):
            if node.attr.startswith("__"):
                found.append(Violation(
                    "forbidden-name", node.lineno, f"'.{node.attr}' may not be used in an answer"))
            if isinstance(node.ctx, (ast.Store, ast.Del)) and _root_name(node) in modules:
                found.append(Violation(
                    "tampering", node.lineno,
                    f"assigns to '{ast.unparse(node)}', an attribute of a module"))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name in protected:
                found.append(Violation(
                    "tampering", node.lineno, f"redefines the test helper '{node.name}'"))
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            for name in node.names:
                if name in protected:
                    found.append(Violation(
                        "tampering", node.lineno, f"rebinds the test helper '{name}'"))
    return found


def forbidden_uses(source, forbidden):
    """Names or attributes from ``forbidden`` used anywhere in ``source``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        name = node.id if isinstance(node, ast.Name) else (
            node.attr if isinstance(node, ast.Attribute) else None)
        if name in forbidden:
            found.append(Violation(
                "forbidden-call", node.lineno,
                f"uses '{name}', which this question asks you not to use"))
    return found
