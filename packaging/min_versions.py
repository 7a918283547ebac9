"""Check the declared minimum versions: install the lowest version ``pyproject.toml`` allows of
every Qt-free runtime dependency into a fresh venv and run the tests that need no Qt there.

    python packaging/min_versions.py [--venv DIR] [--keep] [pytest args...]

Each runtime requirement must name its minimum as ``name>=X`` (an upper bound may follow);
the venv gets ``name==X``. PySide6 and qasync (the window) are left out: the Qt-free tests are
``tests/domain`` and ``tests/collector``. The test tools and client libraries come from the
``dev`` extra at whatever version pip picks. ``make min-versions`` runs this.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QT = frozenset({"pyside6-essentials", "pyside6", "qasync"})
# dev tools the Qt-free tests do not run (linters, type checker, Qt and browser drivers)
NOT_FOR_TESTS = frozenset(
    {"pytest-qt", "import-linter", "ruff", "mypy", "types-pyyaml", "playwright"}
)
TESTS = ["tests/domain", "tests/collector", "-n", "2"]
_REQ = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$")


def _name(req: str) -> str:
    m = _REQ.match(req)
    if not m:
        raise ValueError(f"cannot read the requirement {req!r}")
    return m.group(1).lower().replace("_", "-")


def minimum(req: str) -> str:
    """``name>=X[,<Y]`` -> ``name==X``; a requirement without ``>=`` is an error."""
    m = _REQ.match(req)
    assert m is not None, req
    found = re.search(r">=\s*([0-9][0-9A-Za-z.]*)", m.group(3))
    if not found:
        raise ValueError(f"{req!r} declares no minimum (name>=X)")
    return f"{m.group(1)}=={found.group(1)}"


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]


def runtime_minimums() -> list[str]:
    """``name==X`` for each Qt-free runtime dependency."""
    return [minimum(r) for r in project()["dependencies"] if _name(r) not in QT]


def test_tools() -> list[str]:
    return [r for r in project()["optional-dependencies"]["dev"] if _name(r) not in NOT_FOR_TESTS]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--venv", type=Path, help="where to make the venv (default: a temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the venv afterwards")
    args, pytest_args = ap.parse_known_args(argv)
    venv = args.venv or Path(tempfile.mkdtemp(prefix="ei-min-versions-"))
    try:
        if venv.exists():
            shutil.rmtree(venv)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        py = str(venv / "bin" / "python")
        pins = runtime_minimums()
        print("installing the declared minimums:", " ".join(pins), flush=True)
        subprocess.run(
            [
                py,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                *pins,
                *test_tools(),
            ],
            check=True,
        )
        env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
        cmd = [py, "-m", "pytest", "-q", "-p", "no:cacheprovider", *(pytest_args or TESTS)]
        print(" ".join(cmd), flush=True)
        return subprocess.run(cmd, cwd=ROOT, env=env).returncode
    finally:
        if not args.keep:
            shutil.rmtree(venv, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
