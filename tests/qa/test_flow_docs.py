"""The flow in the README and docs/flow.example.yaml is a real flow, the same one."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from inspector.domain.flows import flow_from_data, load_flow

ROOT = Path(__file__).resolve().parents[2]


def test_example_flow_loads_and_is_the_readme_one():
    flow = load_flow(ROOT / "docs" / "flow.example.yaml")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(name: Checkout\n.*?)```", readme, re.DOTALL)
    assert block is not None
    assert flow_from_data(yaml.safe_load(block.group(1))) == flow
    assert len(flow.steps) == 4
