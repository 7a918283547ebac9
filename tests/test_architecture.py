"""Dependencies point one way, checked by import-linter (contracts in pyproject.toml): the
commands on the window, on the MCP server and the test harness, on the collector, on the
ingest path, on the domain; no Qt below the window, no aiohttp in the domain or ingest path."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold():
    exe = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    r = subprocess.run(
        [exe, "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "broken" not in r.stdout.lower() or " 0 broken" in r.stdout.lower()


def test_every_package_has_its_place_in_the_layers():
    """A new package under inspector/ must be placed in the layers contract."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["importlinter"]
    (layers,) = [c["layers"] for c in config["contracts"] if c["type"] == "layers"]
    placed = {name.strip() for layer in layers for name in layer.split("|")}
    packages = {
        f"inspector.{p.name}"
        for p in (ROOT / "inspector").iterdir()
        if (p / "__init__.py").is_file()
    }
    assert placed == packages
