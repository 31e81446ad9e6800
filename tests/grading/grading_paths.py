"""Shared paths of the grading tests; importing it makes exercises/grading importable."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXERCISES = ROOT / "exercises"
ASSIGNMENTS = sorted(p.name for p in (EXERCISES / "source").iterdir() if p.is_dir())

if str(EXERCISES) not in sys.path:
    sys.path.insert(0, str(EXERCISES))
