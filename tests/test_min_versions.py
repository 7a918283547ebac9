"""The declared minimum versions are checked: every runtime dependency names one (``>=X``),
packaging/min_versions.py pins each of them, Qt's included, and ``make test`` runs the tests
under those pins beside the suite (a failure there fails ``make test``).

The install and the tests under the minimums run from ``make test`` (a venv of their own, in
parallel with this suite), not from inside it."""

import importlib.util
import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location(
        "min_versions", ROOT / "packaging/min_versions.py"
    )
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _deps() -> list[str]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]


def test_every_runtime_dependency_declares_a_minimum_its_own_range_allows():
    script = _script()
    for req in _deps():
        pin = Requirement(script.minimum(req))
        version = next(iter(pin.specifier)).version
        assert Requirement(req).specifier.contains(version), (req, str(pin))


def test_every_runtime_dependency_is_pinned_once_on_every_python_the_window_s_too():
    script = _script()
    names = {script._name(r) for r in _deps()}
    assert {"pyside6-essentials", "qasync"} <= names
    assert script.supported_pythons() == ["3.11", "3.12", "3.13"]
    for python in script.supported_pythons():
        pinned = [script._name(p) for p in script.runtime_minimums(python)]
        # markers that give another minimum on some Pythons neither overlap nor leave a gap
        assert sorted(pinned) == sorted(names), python


def test_a_minimum_and_where_it_applies_are_read_from_the_requirement():
    script = _script()
    assert script.minimum("lark>=1.1.1") == "lark==1.1.1"
    assert script.minimum("PySide6-Essentials>=6.6,<6.12") == "PySide6-Essentials==6.6"
    req = "orjson>=3.10.7; python_version >= '3.13'"
    assert script.minimum(req) == "orjson==3.10.7"
    assert script.applies(req, "3.13") and not script.applies(req, "3.12")


def test_a_requirement_without_a_minimum_is_refused():
    script = _script()
    for req in ("orjson", "orjson<4", "orjson==3.9.15"):
        try:
            script.minimum(req)
        except ValueError as exc:
            assert "declares no minimum" in str(exc)
        else:
            raise AssertionError(f"{req!r} was taken as a minimum")


def test_the_tests_under_the_minimums_reach_the_window_and_the_mcp_server():
    tests = _script().TESTS
    for where in ("tests/domain", "tests/collector", "tests/gui", "tests/mcp"):
        assert where in tests
        assert (ROOT / where).is_dir()


def test_make_test_runs_them_and_fails_when_they_fail():
    make = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^test:.*?\n((?:\t.*\n)+)", make, re.M)
    assert recipe, "no test target"
    body = recipe.group(1)
    assert "packaging/min_versions.py" in body
    assert "-m pytest" in body
    # both exit codes decide the target's
    assert re.search(r"\[ \$\$suite -eq 0 \] && \[ \$\$minv_rc -eq 0 \]\s*$", body)
