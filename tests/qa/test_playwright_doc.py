"""docs/playwright-example.md runs as written: its Python block is a real Playwright test."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "playwright-example.md"
UMD = (
    ROOT
    / "tests"
    / "clients"
    / "node"
    / "node_modules"
    / "@segment"
    / "analytics-next"
    / "dist"
    / "umd"
)
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))


def python_block() -> str:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) == 1, "the doc has one Python test"
    return blocks[0]


def test_doc_block_is_valid_python():
    compile(python_block(), "test_checkout_analytics.py", "exec")


@pytest.mark.browser
@pytest.mark.timeout(180)
def test_doc_example_runs(tmp_path):
    pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    if not (UMD / "index.js").exists():
        pytest.skip("tests/clients/node/node_modules is missing (make node-deps)")
    test_file = tmp_path / "test_checkout_analytics.py"
    test_file.write_text(python_block(), encoding="utf-8")
    env = {
        **os.environ,
        "ANALYTICS_NEXT_UMD": str(UMD),
        "CHROMIUM_PATH": str(CHROMIUM),
        "HOME": str(tmp_path),
    }
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-W",
            "ignore::DeprecationWarning",
            str(test_file),
        ],
        capture_output=True,
        text=True,
        timeout=150,
        cwd=tmp_path,
        env=env,
    )
    assert r.returncode == 0, r.stdout[-6000:] + r.stderr[-3000:]
    assert "1 passed" in r.stdout
