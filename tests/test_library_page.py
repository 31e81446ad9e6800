"""The book's library reference page is generated from the code and up to date."""

import importlib.util
import pkgutil
from pathlib import Path

import gmm_lib

ROOT = Path(__file__).resolve().parents[1]


def _load_generator():
    spec = importlib.util.spec_from_file_location(
        "make_library_page", ROOT / "scripts" / "make_library_page.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_public_module_is_on_the_page():
    generator = _load_generator()
    listed = {name for name, _ in generator.MODULES}
    public = {
        info.name for info in pkgutil.iter_modules(gmm_lib.__path__) if not info.name.startswith("_")
    }
    assert public <= listed, f"add {sorted(public - listed)} to MODULES in make_library_page.py"


def test_library_page_is_regenerated():
    generator = _load_generator()
    assert (ROOT / "library.md").read_text(encoding="utf-8") == generator.render(), (
        "library.md is stale: run `python scripts/make_library_page.py`"
    )


def test_every_public_function_has_a_docstring_summary():
    generator = _load_generator()
    missing = []
    for short_name, _ in generator.MODULES:
        module = importlib.import_module(f"gmm_lib.{short_name}")
        for name, obj in generator.public_members(module):
            if not (obj.__doc__ or "").strip():
                missing.append(f"{short_name}.{name}")
    assert not missing, f"public objects without a docstring: {missing}"
