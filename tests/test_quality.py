"""Static checks the README promises: ruff on everything, mypy strict on domain and collector."""

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


def test_mypy_strict_on_domain_and_collector():
    r = subprocess.run([_tool("mypy")], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
