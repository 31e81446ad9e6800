"""Every notebook is stored executed.

nbval does not compare a code cell that has no execution count, so a notebook
committed with cleared outputs would pass ``pytest --nbval`` without checking
anything.  This test closes that gap: every code cell of every chapter and
exercise-source notebook must carry its execution count (1, 2, ... in order)
and, unless it is deliberately silent, its outputs.
"""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIRS = [ROOT / "chapters", ROOT / "exercises" / "source"]
NOTEBOOKS = sorted(
    path
    for folder in NOTEBOOK_DIRS
    if folder.exists()
    for path in folder.rglob("*.ipynb")
    if ".ipynb_checkpoints" not in path.parts
)


def code_cells(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return [
        cell
        for cell in notebook["cells"]
        if cell["cell_type"] == "code" and "".join(cell["source"]).strip()
    ]


def test_there_are_notebooks_to_check_once_chapters_exist():
    chapters = ROOT / "chapters"
    if any(chapters.glob("*.ipynb")):
        assert NOTEBOOKS, "chapters exist but none was collected"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_stored_executed(path):
    cells = code_cells(path)
    assert cells, f"{path.name} has no code cells"
    counts = [cell.get("execution_count") for cell in cells]
    assert counts == list(range(1, len(cells) + 1)), (
        f"{path.name}: execution counts {counts} are not 1..{len(cells)}; "
        "re-execute it top to bottom (jupyter-execute --inplace) and save"
    )
    silent = [
        i for i, cell in enumerate(cells)
        if not cell.get("outputs") and "silent" not in cell.get("metadata", {}).get("tags", [])
        and not _is_definition_only(cell)
    ]
    assert not silent, f"{path.name}: code cells {silent} have no stored output"


def _is_definition_only(cell):
    """Imports and assignments legitimately print nothing."""
    lines = [
        line for line in "".join(cell["source"]).splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    last = lines[-1] if lines else ""
    return (
        last.startswith(("import ", "from ", " ", "\t", ")", "]", "}"))
        or ("=" in last.split("(")[0] and "==" not in last.split("(")[0])
    )
