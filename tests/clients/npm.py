"""The pinned npm packages (node/package.json + lock) the Node and browser tests drive."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

NODE_DIR = Path(__file__).resolve().parent / "node"


def npm_ci() -> None:
    """``npm ci`` from the committed lock file, once, when node_modules is missing or stale."""
    marker = NODE_DIR / "node_modules" / ".package-lock.json"
    lock = NODE_DIR / "package-lock.json"
    if marker.exists() and marker.stat().st_mtime >= lock.stat().st_mtime:
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is not installed: the Node client tests need Node.js 20 and npm")
    proc = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0:
        pytest.fail(f"npm ci failed in {NODE_DIR}:\n{proc.stdout}\n{proc.stderr}")


def ensure_node_modules() -> Path:
    if shutil.which("node") is None:
        pytest.fail("node is not installed: the Node client tests need Node.js 20")
    npm_ci()
    return NODE_DIR / "node_modules"


def installed_version(package: str) -> str:
    data = json.loads((NODE_DIR / "node_modules" / package / "package.json").read_text())
    return str(data["version"])
