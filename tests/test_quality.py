"""Static checks the README promises: ruff (lint and format) on everything, mypy strict on every
package (the packages are listed in pyproject.toml)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _tool(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def test_ruff_is_clean():
    r = subprocess.run(
        [_tool("ruff"), "check", "inspector", "tests", "benchmarks", "docs"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_ruff_format_is_applied():
    r = subprocess.run(
        [
            _tool("ruff"),
            "format",
            "--check",
            "inspector",
            "tests",
            "benchmarks",
            "docs",
            "packaging",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_mypy_strict_on_every_package():
    r = subprocess.run([_tool("mypy")], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr


def test_mypy_covers_every_package_and_ignores_none():
    import tomllib

    mypy = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["mypy"]
    packages = {
        f"inspector.{p.name}"
        for p in (ROOT / "inspector").iterdir()
        if (p / "__init__.py").is_file()
    }
    assert set(mypy["packages"]) == packages
    assert mypy["strict"] is True
    assert not [o for o in mypy.get("overrides", []) if o.get("ignore_errors")]
