"""The declared minimum versions are checkable: every runtime dependency names one (``>=X``)
and ``make min-versions`` (packaging/min_versions.py) installs all of them but Qt's.

Installing them takes longer than the suite may spend (a fresh venv, a cold pip cache), so the
install itself runs as ``make min-versions``, not here."""

import importlib.util
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location(
        "min_versions", ROOT / "packaging/min_versions.py"
    )
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_every_runtime_dependency_declares_a_minimum():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    script = _script()
    for req in deps:
        pin = script.minimum(req)
        assert pin.count("==") == 1 and pin.split("==")[1][0].isdigit(), (req, pin)


def test_the_check_leaves_out_only_the_window():
    script = _script()
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pinned = {script._name(p) for p in script.runtime_minimums()}
    left_out = {script._name(r) for r in deps} - pinned
    assert left_out == {"pyside6-essentials", "qasync"}
    assert script.minimum("lark>=1.1.1") == "lark==1.1.1"
    assert script.minimum("PySide6-Essentials>=6.6,<6.12") == "PySide6-Essentials==6.6"
