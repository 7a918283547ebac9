"""docs/compatibility.md names the versions the client tests actually drive."""

from __future__ import annotations

import json
import re
from importlib.metadata import version
from pathlib import Path

from tests.clients.npm import NODE_DIR

DOC = Path(__file__).resolve().parents[2] / "docs" / "compatibility.md"

PYTHON = {
    "segment-analytics-python": "segment-analytics-python",
    "customerio-cdp-analytics": "customerio-cdp-analytics",
    "rudder-sdk-python": "rudder-sdk-python",
    "py-KISSmetrics": "py-KISSmetrics",
}


def rows() -> dict[str, str]:
    """First cell (package, without any note in brackets) -> second cell (version)."""
    out: dict[str, str] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and re.fullmatch(r"\d+\.\d+\.\d+", cells[1]):
            out[cells[0].split(" (")[0]] = cells[1]
    return out


def test_python_client_versions_match_the_doc() -> None:
    table = rows()
    for row, dist in PYTHON.items():
        assert table.get(row) == version(dist), (
            f"{row}: doc {table.get(row)}, installed {version(dist)}"
        )


def test_node_client_versions_match_the_doc() -> None:
    pins = json.loads((NODE_DIR / "package.json").read_text())["dependencies"]
    table = rows()
    for package, pinned in pins.items():
        if package == "playwright-core":
            assert pinned in DOC.read_text(encoding="utf-8")
            continue
        assert table.get(package) == pinned, f"{package}: doc {table.get(package)}, pinned {pinned}"
